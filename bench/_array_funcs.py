"""The functions bench_arrays compiles (issue 4's benchmarks), in a real
source file as user code would be.  The softmax pair is examples/softmax.py's,
decorators included; only the import line differs (see _backend.py)."""

import math

import numpy as np

from _backend import jit, njit


@jit("f8(f8[:])", cache=False, nopython=True, nogil=True, parallel=True)
def esum(z):
    return np.sum(np.exp(z))


@jit("f8[:](f8[:])", cache=False, nopython=True, nogil=True, parallel=True)
def softmax_optimized(z):
    num = np.exp(z)
    s = num / esum(z)
    return s


@njit
def exp_array(a):
    return np.exp(a)


@njit
def exp_loop(a):
    out = np.empty(a.shape[0])
    for i in range(a.shape[0]):
        out[i] = math.exp(a[i])
    return out


@njit
def loop_sum(a):
    s = 0.0
    for i in range(len(a)):
        s += a[i]
    return s


# The NumPy versions.

def softmax_numpy(z):
    return np.exp(z) / np.sum(np.exp(z))


def exp_numpy(a):
    return np.exp(a)


def sum_numpy(a):
    return np.sum(a)


def copy_numpy(out, a):
    np.copyto(out, a)
