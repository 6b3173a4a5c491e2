"""Histogram with equal-width bins over [lo, hi] (the last bin closed, as np.histogram)."""

import numpy as np

from _backend import njit

TITLE = "histogram (equal-width bins)"


@njit
def histogram(x, lo, hi, nbins):
    counts = np.zeros(nbins, dtype=np.int64)
    scale = nbins / (hi - lo)
    for i in range(x.shape[0]):
        v = x[i]
        if v >= lo and v <= hi:
            b = int((v - lo) * scale)
            if b >= nbins:
                b = nbins - 1
            counts[b] += 1
    return counts


kernel = histogram


def numpy_version(x, lo, hi, nbins):
    return np.histogram(x, bins=nbins, range=(lo, hi))[0]


def inputs(scale):
    n = max(16, round(2_000_000 * scale))
    x = np.random.default_rng(7).standard_normal(n)
    return (x, -3.0, 3.0, 64), f"{n:,} float64, 64 bins"
