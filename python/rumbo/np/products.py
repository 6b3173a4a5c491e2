"""Products beyond BLAS: np.convolve, np.correlate, np.vdot, np.kron.

Plain Python compiled by rumbo (direct sums, no FFT); inputs of any layout.
convolve takes mode 'full' and correlate mode 'valid' (their defaults; rumbo
cannot read a string argument in compiled code yet); kron takes 1-D or 2-D
arrays of one dimension."""

import numpy as np

from ..extending import implements, register_jitable


@register_jitable
def _conj(z):
    if isinstance(z, complex):
        return complex(z.real, -z.imag)
    return z


@register_jitable
def _product_dtype(a, b):
    return (np.empty(0, a.dtype) * np.empty(0, b.dtype)).dtype


@implements(np.convolve)
def convolve(a, v):
    """The full discrete convolution of the 1-D a and v."""
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError("object too deep for desired array")
    n = a.shape[0]
    m = v.shape[0]
    if n == 0:
        raise ValueError("a cannot be empty")
    if m == 0:
        raise ValueError("v cannot be empty")
    out = np.zeros(n + m - 1, _product_dtype(a, v))
    for i in range(n):
        x = a[i]
        for j in range(m):
            out[i + j] += x * v[j]
    return out


@implements(np.correlate)
def correlate(a, v):
    """NumPy's 'valid' cross-correlation c[k] = sum_j a[k + j] * conj(v[j])
    of the 1-D a and v (the longer one slides; when v is longer the result
    is reversed and conjugated, as NumPy's)."""
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError("object too deep for desired array")
    n = a.shape[0]
    m = v.shape[0]
    if n == 0:
        raise ValueError("a cannot be empty")
    if m == 0:
        raise ValueError("v cannot be empty")
    dt = _product_dtype(a, v)
    if n >= m:
        out = np.zeros(n - m + 1, dt)
        for k in range(n - m + 1):
            s = out[k]
            for j in range(m):
                s += a[k + j] * _conj(v[j])
            out[k] = s
        return out
    out = np.zeros(m - n + 1, dt)
    zero = out[0]
    for k in range(m - n + 1):
        s = zero
        for j in range(n):
            s += v[k + j] * _conj(a[j])
        out[m - n - k] = _conj(s)
    return out


@implements(np.vdot)
def vdot(a, b):
    """sum(conj(a) * b) over the flattened a and b (of one size)."""
    if a.size != b.size:
        raise ValueError("vectors have different lengths")
    s = np.zeros(1, _product_dtype(a, b))[0]
    i = 0
    bv = np.empty(b.size, b.dtype)
    for y in b.flat:
        bv[i] = y
        i += 1
    i = 0
    for x in a.flat:
        s += _conj(x) * bv[i]
        i += 1
    return s


@implements(np.kron)
def kron(a, b):
    """The Kronecker product of two 1-D or two 2-D arrays."""
    dt = _product_dtype(a, b)
    if a.ndim == 1 and b.ndim == 1:
        n = b.shape[0]
        out = np.empty(a.shape[0] * n, dt)
        for i in range(a.shape[0]):
            for j in range(n):
                out[i * n + j] = a[i] * b[j]
        return out
    if a.ndim == 2 and b.ndim == 2:
        p = b.shape[0]
        q = b.shape[1]
        out2 = np.empty((a.shape[0] * p, a.shape[1] * q), dt)
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                x = a[i, j]
                for k in range(p):
                    for m in range(q):
                        out2[i * p + k, j * q + m] = x * b[k, m]
        return out2
    raise NotImplementedError("rumbo: np.kron supports two 1-D or two 2-D arrays")
