"""Joining arrays: np.concatenate, np.stack, np.vstack, np.hstack,
np.column_stack, np.dstack, np.append.

Plain Python compiled by rumbo for each call site. The arrays come as a tuple
whose items have one type (dtype, ndim and layout): rumbo iterates and indexes
only such tuples (a tuple mixing C arrays and views, or dtypes, is a typing
error; copy or convert first). Inputs may have any layout; results are new
C-contiguous arrays. `axis` may be negative; inputs up to 3 dimensions
(stack: results up to 3 dimensions); `out=`, `dtype=` and `casting=` are not
supported."""

import numpy as np

from ..extending import implements, register_jitable
from .creation import _dtype_of
from .reductions import _norm_axis


@register_jitable
def _too_many_dims(what):
    raise NotImplementedError(what)


@register_jitable
def _with_axis(a, k, n):
    """a.shape (a 1-D to 3-D) with item k replaced by n."""
    shape = a.shape
    if a.ndim == 1:
        return (n,)
    if a.ndim == 2:
        if k == 0:
            return (n, shape[1])
        return (shape[0], n)
    if k == 0:
        return (n, shape[1], shape[2])
    if k == 1:
        return (shape[0], n, shape[2])
    return (shape[0], shape[1], n)


@register_jitable
def _insert_axis(a, k, n):
    """a.shape (a 1-D or 2-D) with n inserted before item k (k <= a.ndim)."""
    shape = a.shape
    if a.ndim == 1:
        if k == 0:
            return (n, shape[0])
        return (shape[0], n)
    if k == 0:
        return (n, shape[0], shape[1])
    if k == 1:
        return (shape[0], n, shape[1])
    return (shape[0], shape[1], n)


@register_jitable
def _range_view(out, k, lo, hi):
    """out[..., lo:hi, ...] with the range at axis k (out 1-D to 3-D)."""
    if out.ndim == 1:
        return out[lo:hi]
    if out.ndim == 2:
        if k == 0:
            return out[lo:hi, :]
        return out[:, lo:hi]
    if k == 0:
        return out[lo:hi, :, :]
    if k == 1:
        return out[:, lo:hi, :]
    return out[:, :, lo:hi]


@register_jitable
def _index_view(out, k, i):
    """out[..., i, ...] with i at axis k (out 2-D or 3-D)."""
    if out.ndim == 2:
        if k == 0:
            return out[i, :]
        return out[:, i]
    if k == 0:
        return out[i, :, :]
    if k == 1:
        return out[:, i, :]
    return out[:, :, i]


@register_jitable
def _assign(dst, src):
    """dst[...] = src (both 1-D to 3-D, src broadcast to dst)."""
    if dst.ndim == 1:
        dst[:] = src
    elif dst.ndim == 2:
        dst[:, :] = src
    else:
        dst[:, :, :] = src


@register_jitable
def _concat(arrays, axis):
    if len(arrays) == 0:
        raise ValueError("need at least one array to concatenate")
    first = arrays[0]
    if first.ndim == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    if first.ndim > 3:
        _too_many_dims("rumbo: np.concatenate supports arrays of 1 to 3 dimensions")
    k = _norm_axis(axis, first.ndim)
    total = 0
    for a in arrays:
        for d in range(a.ndim):
            if d != k and a.shape[d] != first.shape[d]:
                raise ValueError("all the input array dimensions except for the concatenation axis must match exactly")
        total += a.shape[k]
    out = np.empty(_with_axis(first, k, total), first.dtype)
    lo = 0
    for a in arrays:
        hi = lo + a.shape[k]
        _assign(_range_view(out, k, lo, hi), a)
        lo = hi
    return out


@register_jitable
def _stack(arrays, axis):
    if len(arrays) == 0:
        raise ValueError("need at least one array to stack")
    first = arrays[0]
    if first.ndim > 2:
        _too_many_dims("rumbo: np.stack supports arrays of 1 or 2 dimensions")
    k = _norm_axis(axis, first.ndim + 1)
    for a in arrays:
        for d in range(a.ndim):
            if a.shape[d] != first.shape[d]:
                raise ValueError("all input arrays must have the same shape")
    out = np.empty(_insert_axis(first, k, len(arrays)), first.dtype)
    i = 0
    for a in arrays:
        _assign(_index_view(out, k, i), a)
        i += 1
    return out


@implements(np.concatenate)
def concatenate(arrays, axis=0):
    return _concat(arrays, axis)


@implements(np.stack)
def stack(arrays, axis=0):
    if arrays[0].ndim == 0:
        raise NotImplementedError("rumbo: np.stack of zero-dimensional arrays is not supported "
                                  "(use np.array of the values)")
    return _stack(arrays, axis)


@implements(np.vstack)
def vstack(tup):
    if tup[0].ndim == 1:
        return _stack(tup, 0)
    return _concat(tup, 0)


@implements(np.hstack)
def hstack(tup):
    if tup[0].ndim == 1:
        return _concat(tup, 0)
    return _concat(tup, 1)


@implements(np.column_stack)
def column_stack(tup):
    if tup[0].ndim == 1:
        return _stack(tup, 1)
    return _concat(tup, 1)


@implements(np.dstack)
def dstack(tup):
    first = tup[0]
    if first.ndim == 1:
        for a in tup:
            if a.shape[0] != first.shape[0]:
                raise ValueError("all input arrays must have the same shape")
        out = np.empty((1, first.shape[0], len(tup)), first.dtype)
        i = 0
        for a in tup:
            out[0, :, i] = a
            i += 1
        return out
    if first.ndim == 2:
        return _stack(tup, 2)
    return _concat(tup, 2)


@implements(np.append)
def append(arr, values, axis=None):
    """arr and values flattened and joined (axis=None), in their common dtype
    (a scalar counts as np.asarray of it: 2.5 is float64); with an axis,
    np.concatenate((arr, values), axis) (same array types)."""
    if axis is None:
        if isinstance(values, np.ndarray):
            dt = (np.empty(0, arr.dtype) + np.empty(0, values.dtype)).dtype
            out = np.empty(arr.size + values.size, dt)
            i = 0
            for x in arr.flat:
                out[i] = x
                i += 1
            for x in values.flat:
                out[i] = x
                i += 1
            return out
        dt = (np.empty(0, arr.dtype) + np.empty(0, _dtype_of(values))).dtype
        out = np.empty(arr.size + 1, dt)
        i = 0
        for x in arr.flat:
            out[i] = x
            i += 1
        out[i] = values
        return out
    return _concat((arr, values), axis)
