"""Pairwise Euclidean distances between n points in 3-D."""

import math

import numpy as np

from _backend import njit, prange

TITLE = "pairwise distances"
RTOL = 1e-12


@njit
def pairwise(X):
    n, d = X.shape
    D = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                t = X[i, k] - X[j, k]
                s += t * t
            D[i, j] = math.sqrt(s)
    return D


kernel = pairwise


@njit(parallel=True)
def pairwise_parallel(X):
    n, d = X.shape
    D = np.empty((n, n))
    for i in prange(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                t = X[i, k] - X[j, k]
                s += t * t
            D[i, j] = math.sqrt(s)
    return D


kernel_parallel = pairwise_parallel


def numpy_version(X):
    return np.sqrt(((X[:, np.newaxis, :] - X[np.newaxis, :, :]) ** 2).sum(axis=-1))


def inputs(scale):
    n = max(4, round(700 * scale ** 0.5))
    X = np.random.default_rng(3).standard_normal((n, 3))
    return (X,), f"{n} points × 3-D"
