"""Issue 5: the seed softmax `num = np.exp(z); return num / np.sum(num)`
compiled with parallel=True (kernel_parallel) and, for the serial baseline,
the very same function with parallel=False (kernel).  Not in the kernel
suite's KERNELS list: bench_parallel.py measures it.  The size comes from
RUMBO_BENCH_PAR_N (default 10**7), so one module serves 10**7 and 10**8."""

import os

import numpy as np

from _backend import njit

TITLE = "seed softmax, num = np.exp(z); num / np.sum(num)"
RTOL = 1e-12
ATOL = 0.0


def softmax(z):
    num = np.exp(z)
    return num / np.sum(num)


kernel = njit(softmax)
kernel_parallel = njit(parallel=True)(softmax)
numpy_version = softmax


def inputs(scale):
    n = max(1000, round(int(os.environ.get("RUMBO_BENCH_PAR_N", 10**7)) * scale))
    z = np.random.default_rng(0).uniform(0, 10, n)
    return (z,), f"{n:,} float64"
