"""A chain of array expressions (ufuncs and broadcasting), the code a Numba
user hopes to fuse into one loop.  `kernel` is NumPy code: under CPython it is
the NumPy version; the pure-Python version loops over the elements."""

import math

import numpy as np

from _backend import njit

TITLE = "array-expression chain"
RTOL = 1e-10
ATOL = 1e-12


@njit
def expr_chain(a, b, c):
    return np.sqrt(a * a + b * b) * np.exp(-c) + np.sin(a) * np.cos(b) - 0.5 * c


kernel = expr_chain


def numpy_version(a, b, c):
    return np.sqrt(a * a + b * b) * np.exp(-c) + np.sin(a) * np.cos(b) - 0.5 * c


def python_version(a, b, c):
    out = np.empty(a.shape[0])
    for i in range(a.shape[0]):
        x, y, z = a[i], b[i], c[i]
        out[i] = math.sqrt(x * x + y * y) * math.exp(-z) + math.sin(x) * math.cos(y) - 0.5 * z
    return out


def inputs(scale):
    n = max(16, round(1_000_000 * scale))
    rng = np.random.default_rng(10)
    a, b, c = rng.uniform(-3.0, 3.0, (3, n))
    return (a.copy(), b.copy(), c.copy()), f"{n:,} float64 × 3"
