"""Issue 5: Black-Scholes call/put prices written as NumPy array expressions
(np.where for the sign branch), compiled with parallel=True, and the same
function with parallel=False as the serial baseline; NumPy runs it as is."""

import numpy as np

from _backend import njit

TITLE = "Black-Scholes, array expressions"
RTOL = 1e-10
ATOL = 1e-12

A1 = 0.31938153
A2 = -0.356563782
A3 = 1.781477937
A4 = -1.821255978
A5 = 1.330274429
RSQRT2PI = 0.39894228040143267794


def black_scholes(S, X, T, R, V):
    sqrtT = np.sqrt(T)
    d1 = (np.log(S / X) + (R + 0.5 * V * V) * T) / (V * sqrtT)
    d2 = d1 - V * sqrtT
    K1 = 1.0 / (1.0 + 0.2316419 * np.abs(d1))
    c1 = RSQRT2PI * np.exp(-0.5 * d1 * d1) * (K1 * (A1 + K1 * (A2 + K1 * (A3 + K1 * (A4 + K1 * A5)))))
    cndd1 = np.where(d1 > 0, 1.0 - c1, c1)
    K2 = 1.0 / (1.0 + 0.2316419 * np.abs(d2))
    c2 = RSQRT2PI * np.exp(-0.5 * d2 * d2) * (K2 * (A1 + K2 * (A2 + K2 * (A3 + K2 * (A4 + K2 * A5)))))
    cndd2 = np.where(d2 > 0, 1.0 - c2, c2)
    expRT = np.exp(-R * T)
    call = S * cndd1 - X * expRT * cndd2
    put = X * expRT * (1.0 - cndd2) - S * (1.0 - cndd1)
    return call, put


kernel = njit(black_scholes)
kernel_parallel = njit(parallel=True)(black_scholes)
numpy_version = black_scholes


def inputs(scale):
    n = max(16, round(10**7 * scale))
    rng = np.random.default_rng(2)
    S = rng.uniform(5.0, 30.0, n)
    X = rng.uniform(1.0, 100.0, n)
    T = rng.uniform(0.25, 10.0, n)
    return (S, X, T, 0.02, 0.30), f"{n:,} options"
