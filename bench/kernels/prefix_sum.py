"""Inclusive prefix sum (cumulative sum) of a float64 array."""

import numpy as np

from _backend import njit

TITLE = "prefix sum"
RTOL = 1e-12


@njit
def prefix_sum(a):
    out = np.empty_like(a)
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
        out[i] = s
    return out


kernel = prefix_sum


def numpy_version(a):
    return np.cumsum(a)


def inputs(scale):
    n = max(16, round(3_000_000 * scale))
    a = np.random.default_rng(8).uniform(-1.0, 1.0, n)
    return (a,), f"{n:,} float64"
