"""1-D convolution, 'valid' mode, of a signal with a short filter."""

import numpy as np

from _backend import njit

TITLE = "1-D convolution (valid)"
RTOL = 1e-10
ATOL = 1e-12


@njit
def convolve(x, w):
    n = x.shape[0]
    m = w.shape[0]
    out = np.empty(n - m + 1)
    for i in range(n - m + 1):
        s = 0.0
        for j in range(m):
            s += x[i + j] * w[m - 1 - j]
        out[i] = s
    return out


kernel = convolve


def numpy_version(x, w):
    return np.convolve(x, w, mode="valid")


def inputs(scale):
    n = max(64, round(200_000 * scale))
    rng = np.random.default_rng(11)
    x = rng.standard_normal(n)
    w = rng.standard_normal(21)
    return (x, w), f"{n:,} samples, 21 taps"
