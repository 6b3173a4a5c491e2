"""Black-Scholes European call and put prices (Numba's classic example: the
cumulative normal by the Abramowitz-Stegun polynomial)."""

import math

import numpy as np

from _backend import njit, prange

TITLE = "Black-Scholes call/put"
RTOL = 1e-10
ATOL = 1e-12

A1 = 0.31938153
A2 = -0.356563782
A3 = 1.781477937
A4 = -1.821255978
A5 = 1.330274429
RSQRT2PI = 0.39894228040143267794


@njit
def cnd(d):
    K = 1.0 / (1.0 + 0.2316419 * math.fabs(d))
    ret_val = (RSQRT2PI * math.exp(-0.5 * d * d) *
               (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5))))))
    if d > 0:
        ret_val = 1.0 - ret_val
    return ret_val


@njit
def black_scholes(S, X, T, R, V):
    n = S.shape[0]
    call = np.empty(n)
    put = np.empty(n)
    for i in range(n):
        sqrtT = math.sqrt(T[i])
        d1 = (math.log(S[i] / X[i]) + (R + 0.5 * V * V) * T[i]) / (V * sqrtT)
        d2 = d1 - V * sqrtT
        cndd1 = cnd(d1)
        cndd2 = cnd(d2)
        expRT = math.exp(-R * T[i])
        call[i] = S[i] * cndd1 - X[i] * expRT * cndd2
        put[i] = X[i] * expRT * (1.0 - cndd2) - S[i] * (1.0 - cndd1)
    return call, put


kernel = black_scholes


@njit(parallel=True)
def black_scholes_parallel(S, X, T, R, V):
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


kernel_parallel = black_scholes_parallel


def cnd_numpy(d):
    K = 1.0 / (1.0 + 0.2316419 * np.abs(d))
    ret_val = (RSQRT2PI * np.exp(-0.5 * d * d) *
               (K * (A1 + K * (A2 + K * (A3 + K * (A4 + K * A5))))))
    return np.where(d > 0, 1.0 - ret_val, ret_val)


def numpy_version(S, X, T, R, V):
    sqrtT = np.sqrt(T)
    d1 = (np.log(S / X) + (R + 0.5 * V * V) * T) / (V * sqrtT)
    d2 = d1 - V * sqrtT
    cndd1 = cnd_numpy(d1)
    cndd2 = cnd_numpy(d2)
    expRT = np.exp(-R * T)
    call = S * cndd1 - X * expRT * cndd2
    put = X * expRT * (1.0 - cndd2) - S * (1.0 - cndd1)
    return call, put


def inputs(scale):
    n = max(16, round(300_000 * scale))
    rng = np.random.default_rng(2)
    S = rng.uniform(5.0, 30.0, n)
    X = rng.uniform(1.0, 100.0, n)
    T = rng.uniform(0.25, 10.0, n)
    return (S, X, T, 0.02, 0.30), f"{n:,} options"
