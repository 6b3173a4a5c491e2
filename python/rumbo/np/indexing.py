"""Indexing arrays with arrays: boolean masks and integer index arrays.

a[mask] selects the elements where a same-shaped boolean array is true (1-D
result, C order), or with a 1-D mask the rows (first-axis items) of an N-D array;
a[idx] with an integer array gathers along the first axis (rows of an N-D array);
in a tuple index one integer array may stand with ints and slices on a 2-D array
(a[:, idx], a[idx, 1:], a[i, idx]), or two equal-length ones pair up (a[rows, cols]).
The same forms work on the left of `=` with a scalar, or an array of the selection's
shape (or one that broadcasts to each selected item)."""

import numpy as np

from ..extending import array_method, register_jitable


@array_method("__getitem_array__")
def getitem_array(a, index):
    if index.dtype == np.bool_ and index.ndim == 1 and a.ndim > 1:
        return _rows_of_mask(a, index)
    if index.dtype == np.bool_:
        if index.size != a.size or index.ndim != a.ndim:
            raise IndexError("boolean index did not match indexed array")
        n = 0
        for m in index.flat:
            if m:
                n += 1
        out = np.empty(n, a.dtype)
        k = 0
        if a.ndim == 1:
            for i in range(a.shape[0]):
                if index[i]:
                    out[k] = a[i]
                    k += 1
        elif a.ndim == 2:
            for i in range(a.shape[0]):
                for j in range(a.shape[1]):
                    if index[i, j]:
                        out[k] = a[i, j]
                        k += 1
        return out
    if index.ndim != 1:
        raise IndexError("integer-array indexing supports 1-D index arrays")
    if a.ndim == 1:
        out = np.empty(index.shape[0], a.dtype)
        for k in range(index.shape[0]):
            out[k] = a[index[k]]
        return out
    rows = np.empty((index.shape[0],) + a.shape[1:], a.dtype)
    for k in range(index.shape[0]):
        rows[k] = a[index[k]]
    return rows


@register_jitable
def _count_true(mask):
    n = 0
    for m in mask:
        if m:
            n += 1
    return n


@register_jitable
def _rows_of_mask(a, mask):
    """a[mask] for a 1-D boolean mask over the rows of an N-D array."""
    if mask.shape[0] != a.shape[0]:
        raise IndexError("boolean index did not match indexed array along axis 0")
    out = np.empty((_count_true(mask),) + a.shape[1:], a.dtype)
    k = 0
    for i in range(a.shape[0]):
        if mask[i]:
            out[k] = a[i]
            k += 1
    return out


@array_method("__getitem_fancy__")
def getitem_fancy(a, index):
    """a[index] for a 2-D a and a 2-tuple index holding integer arrays, ints and slices."""
    if a.ndim != 2 or len(index) != 2:
        raise IndexError("indexing with arrays inside a tuple supports 2-D arrays and two indices")
    i0 = index[0]
    i1 = index[1]
    if isinstance(i0, np.ndarray) and isinstance(i1, np.ndarray):
        if i0.shape[0] != i1.shape[0]:
            raise IndexError("shape mismatch: indexing arrays could not be broadcast together")
        pairs = np.empty(i0.shape[0], a.dtype)
        for k in range(i0.shape[0]):
            pairs[k] = a[i0[k], i1[k]]
        return pairs
    if isinstance(i1, np.ndarray):
        part = a[i0]  # a row (int) or the rows of a slice
        if part.ndim == 1:
            out1 = np.empty(i1.shape[0], a.dtype)
            for k in range(i1.shape[0]):
                out1[k] = part[i1[k]]
            return out1
        out2 = np.empty((part.shape[0], i1.shape[0]), a.dtype)
        for r in range(part.shape[0]):
            for k in range(i1.shape[0]):
                out2[r, k] = part[r, i1[k]]
        return out2
    cols = a[:, i1]  # a column (int) or the columns of a slice
    if cols.ndim == 1:
        col1 = np.empty(i0.shape[0], a.dtype)
        for k in range(i0.shape[0]):
            col1[k] = cols[i0[k]]
        return col1
    col2 = np.empty((i0.shape[0], cols.shape[1]), a.dtype)
    for k in range(i0.shape[0]):
        col2[k] = cols[i0[k]]
    return col2


@array_method("__setitem_array__")
def setitem_array(a, index, value):
    if index.dtype == np.bool_ and index.ndim == 1 and a.ndim > 1:
        if index.shape[0] != a.shape[0]:
            raise IndexError("boolean index did not match indexed array along axis 0")
        if isinstance(value, np.ndarray):
            if value.ndim == a.ndim:
                k = 0
                for i in range(a.shape[0]):
                    if index[i]:
                        a[i] = value[k]
                        k += 1
                return
        for i in range(a.shape[0]):
            if index[i]:
                a[i] = value
        return
    if index.dtype == np.bool_:
        if index.size != a.size or index.ndim != a.ndim:
            raise IndexError("boolean index did not match indexed array")
        if a.ndim == 1:
            for i in range(a.shape[0]):
                if index[i]:
                    a[i] = value
        elif a.ndim == 2:
            for i in range(a.shape[0]):
                for j in range(a.shape[1]):
                    if index[i, j]:
                        a[i, j] = value
    else:
        if isinstance(value, np.ndarray):
            if value.ndim == a.ndim:
                # An array of the selection's shape: item k goes to index[k].
                for k in range(index.shape[0]):
                    a[index[k]] = value[k]
                return
        for k in range(index.shape[0]):
            a[index[k]] = value
