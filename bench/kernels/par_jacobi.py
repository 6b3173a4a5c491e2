"""Issue 5: 2-D Laplace equation, Jacobi sweeps of the 5-point stencil on a
2000x2000 grid with prange over the rows (parallel=True), and the same
function with parallel=False as the serial baseline; NumPy: slices."""

import numpy as np

from _backend import njit, prange

TITLE = "2-D Jacobi stencil, prange over rows"
RTOL = 1e-12
ATOL = 0.0


def jacobi(u0, iters):
    u = u0.copy()
    v = u0.copy()
    n, m = u.shape
    for it in range(iters):
        for i in prange(1, n - 1):
            for j in range(1, m - 1):
                v[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
        u, v = v, u
    return u


kernel = njit(jacobi)
kernel_parallel = njit(parallel=True)(jacobi)


def numpy_version(u0, iters):
    u = u0.copy()
    v = u0.copy()
    for _ in range(iters):
        v[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
        u, v = v, u
    return u


def inputs(scale):
    n = 2000
    iters = max(1, round(20 * scale))
    u0 = np.zeros((n, n))
    u0[0, :] = 1.0
    u0[:, 0] = np.linspace(1.0, 0.0, n)
    return (u0, iters), f"{n}×{n} grid × {iters} sweeps"
