"""Issue 5: Black-Scholes call/put prices as a prange loop calling an @njit
cumulative-normal helper (Numba's classic example), parallel=True, and the
same function with parallel=False as the serial baseline.  NumPy: the array
version (par_bs_arrays.black_scholes)."""

import math

import numpy as np

from _backend import njit, prange

from .par_bs_arrays import A1, A2, A3, A4, A5, RSQRT2PI, inputs  # noqa: F401
from .par_bs_arrays import black_scholes as numpy_version  # noqa: F401

TITLE = "Black-Scholes, prange loop"
RTOL = 1e-10
ATOL = 1e-12


@njit
def cnd(d):
    K = 1.0 / (1.0 + 0.2316419 * math.fabs(d))
    ret_val = (RSQRT2PI * math.exp(-0.5 * d * d) *
               (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5))))))
    if d > 0:
        ret_val = 1.0 - ret_val
    return ret_val


def black_scholes(S, X, T, R, V):
    n = S.shape[0]
    call = np.empty(n)
    put = np.empty(n)
    for i in prange(n):
        sqrtT = math.sqrt(T[i])
        d1 = (math.log(S[i] / X[i]) + (R + 0.5 * V * V) * T[i]) / (V * sqrtT)
        d2 = d1 - V * sqrtT
        cndd1 = cnd(d1)
        cndd2 = cnd(d2)
        expRT = math.exp(-R * T[i])
        call[i] = S[i] * cndd1 - X[i] * expRT * cndd2
        put[i] = X[i] * expRT * (1.0 - cndd2) - S[i] * (1.0 - cndd1)
    return call, put


kernel = njit(black_scholes)
kernel_parallel = njit(parallel=True)(black_scholes)
