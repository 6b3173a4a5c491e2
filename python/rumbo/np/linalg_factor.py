"""np.linalg.cholesky and np.trapz/np.trapezoid in plain Python compiled by rumbo.

cholesky: the lower-triangular L with a = L @ L.T for a real symmetric positive-definite
2-D matrix (LAPACK's potrf order of operations, unblocked, in float64; float32 input gives
float32), reading only the lower triangle as NumPy does; LinAlgError("Matrix is not
positive definite") otherwise."""

import numpy as np

from ..extending import implements, register_jitable

LinAlgError = np.linalg.LinAlgError


@register_jitable(boundscheck=False)
def _cholesky_into(a, out):
    n = a.shape[0]
    for j in range(n):
        s = a[j, j] * 1.0
        for k in range(j):
            s -= out[j, k] * out[j, k]
        if not s > 0.0:
            raise LinAlgError("Matrix is not positive definite")
        d = np.sqrt(s)
        out[j, j] = d
        for i in range(j + 1, n):
            t = a[i, j] * 1.0
            for k in range(j):
                t -= out[i, k] * out[j, k]
            out[i, j] = t / d


@implements(np.linalg.cholesky)
def cholesky(a):
    if a.ndim != 2:
        raise LinAlgError("rumbo: np.linalg.cholesky supports 2-D matrices")
    if a.shape[0] != a.shape[1]:
        raise LinAlgError("Last 2 dimensions of the array must be square")
    work = np.zeros(a.shape, np.float64)
    _cholesky_into(a, work)
    if a.dtype == np.float32:
        return work.astype(np.float32)
    return work


@register_jitable
def _trapezoid(y, x, dx):
    n = y.shape[0]
    total = 0.0
    for i in range(1, n):
        if x is None:
            total += dx * (y[i] + y[i - 1]) / 2.0
        else:
            total += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2.0
    return total


def _trapz(y, x=None, dx=1.0):
    """The trapezoidal rule over a 1-D y (with sample points x, or spacing dx)."""
    if y.ndim != 1:
        raise ValueError("rumbo: np.trapz supports 1-D arrays")
    if x is not None:
        if x.shape[0] != y.shape[0]:
            raise ValueError("x and y must have the same length")
    return _trapezoid(y, x, dx)


for _name in ("trapz", "trapezoid"):
    if hasattr(np, _name):
        implements(getattr(np, _name))(_trapz)
