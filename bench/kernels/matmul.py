"""Matrix multiply with the textbook triple loop (NumPy: A @ B, i.e. BLAS)."""

import numpy as np

from _backend import njit

TITLE = "matrix multiply, triple loop"
RTOL = 1e-10
ATOL = 1e-12


@njit
def matmul(A, B):
    n, k = A.shape
    m = B.shape[1]
    C = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            s = 0.0
            for p in range(k):
                s += A[i, p] * B[p, j]
            C[i, j] = s
    return C


kernel = matmul


def numpy_version(A, B):
    return A @ B


def inputs(scale):
    n = max(4, round(150 * scale ** (1 / 3)))
    rng = np.random.default_rng(12)
    return (rng.standard_normal((n, n)), rng.standard_normal((n, n))), f"{n}×{n} @ {n}×{n}"
