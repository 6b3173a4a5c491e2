"""np.dot, np.matmul and `@`, np.linalg.norm: BLAS through the library NumPy uses.

The primitives `_gemm`, `_gemv`, `_dot` are compiled by codegen into calls of
the CBLAS routines registered at import (NumPy's bundled OpenBLAS, or a system
CBLAS, `rumbo/_blas.py`); strided operands fall back to plain loops inside the runtime."""

import numpy as np

from .. import _blas
from ..extending import array_method, implements, primitive


BLAS_LIBRARY = _blas.register()


@primitive("rumbo.gemm")
def _gemm(a, b, out):
    np.matmul(a, b, out=out)


@primitive("rumbo.gemv")
def _gemv(a, x, out):
    np.matmul(a, x, out=out)


@primitive("rumbo.dot")
def _dot(x, y):
    return np.dot(x, y)


@implements(np.dot, np.matmul)
@array_method("dot", "__matmul__")
def array_dot(a, b):
    if a.ndim == 1 and b.ndim == 1:
        if a.shape[0] != b.shape[0]:
            raise ValueError("shapes not aligned: dimension 0 of a differs from dimension 0 of b")
        return _dot(a, b)
    elif a.ndim == 2 and b.ndim == 2:
        if a.shape[1] != b.shape[0]:
            raise ValueError("shapes not aligned: dimension 1 of a differs from dimension 0 of b")
        out = np.empty((a.shape[0], b.shape[1]), a.dtype)
        _gemm(a, b, out)
        return out
    elif a.ndim == 2 and b.ndim == 1:
        if a.shape[1] != b.shape[0]:
            raise ValueError("shapes not aligned: dimension 1 of a differs from dimension 0 of b")
        out = np.empty(a.shape[0], a.dtype)
        _gemv(a, b, out)
        return out
    elif a.ndim == 1 and b.ndim == 2:
        if a.shape[0] != b.shape[0]:
            raise ValueError("shapes not aligned: dimension 0 of a differs from dimension 0 of b")
        out = np.empty(b.shape[1], a.dtype)
        _gemv(b.T, a, out)
        return out
    raise ValueError("np.dot supports 1-D and 2-D arrays")


@implements(np.linalg.norm)
def norm(x):
    if x.ndim == 1:
        return np.sqrt(_dot(x, x))
    s = 0.0
    for v in x.flat:
        s += v * v
    return np.sqrt(s)
