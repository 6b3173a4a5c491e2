"""Monte Carlo estimate of pi with np.random.random() in a prange loop
(Numba's classic parallel example): every thread draws from its own
generator, parallel=True, and the same function with parallel=False as the
serial baseline.  NumPy: the same estimate from two arrays of draws."""

import numpy as np

from _backend import njit, prange

TITLE = "Monte Carlo pi, np.random in prange"
# Different streams give different estimates: the standard deviation at
# 10**7 samples is about 5e-4, so 5e-3 is ten of them.
RTOL = 0.0
ATOL = 5e-3


def monte_carlo_pi(n):
    c = 0
    for i in prange(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            c += 1
    return 4.0 * c / n


def numpy_version(n):
    x = np.random.random(n)
    y = np.random.random(n)
    return 4.0 * np.count_nonzero(x * x + y * y < 1.0) / n


kernel = njit(monte_carlo_pi)
kernel_parallel = njit(parallel=True)(monte_carlo_pi)


def inputs(scale):
    n = max(1000, round(10**7 * scale))
    return (n,), f"{n:,} points"
