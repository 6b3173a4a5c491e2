"""Issue 5: examples/softmax.py's `esum` + `softmax_optimized`, decorators
included (eager signature, nogil=True, parallel=True), and the same two
functions with parallel=False for the serial baseline.  The seed computes
np.exp(z) twice (once in esum).  Size from RUMBO_BENCH_PAR_N (default 10**7)."""

import os

import numpy as np

from _backend import jit

TITLE = "seed softmax, examples/softmax.py as written"
RTOL = 1e-12
ATOL = 0.0


@jit("f8(f8[:])", cache=False, nopython=True, nogil=True, parallel=True)
def esum(z):
    return np.sum(np.exp(z))


@jit("f8[:](f8[:])", cache=False, nopython=True, nogil=True, parallel=True)
def softmax_optimized(z):
    num = np.exp(z)
    s = num / esum(z)
    return s


@jit("f8(f8[:])", cache=False, nopython=True, nogil=True, parallel=False)
def esum_serial(z):
    return np.sum(np.exp(z))


@jit("f8[:](f8[:])", cache=False, nopython=True, nogil=True, parallel=False)
def softmax_optimized_serial(z):
    num = np.exp(z)
    s = num / esum_serial(z)
    return s


kernel = softmax_optimized_serial
kernel_parallel = softmax_optimized


def numpy_version(z):
    return np.exp(z) / np.sum(np.exp(z))


def inputs(scale):
    n = max(1000, round(int(os.environ.get("RUMBO_BENCH_PAR_N", 10**7)) * scale))
    z = np.random.default_rng(0).uniform(0, 10, n)
    return (z,), f"{n:,} float64"
