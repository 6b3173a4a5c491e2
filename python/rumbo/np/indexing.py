"""Indexing arrays with arrays: boolean masks and integer index arrays.

a[mask] selects the elements where a same-shaped boolean array is true (1-D
result, C order); a[idx] with an integer array gathers along the first axis of
a 1-D array; the same forms work on the left of `=` with a scalar or array."""

import numpy as np

from ..extending import array_method


@array_method("__getitem_array__")
def getitem_array(a, index):
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
    if a.ndim != 1 or index.ndim != 1:
        raise IndexError("integer-array indexing supports 1-D arrays indexed by 1-D integer arrays")
    out = np.empty(index.shape[0], a.dtype)
    for k in range(index.shape[0]):
        out[k] = a[index[k]]
    return out


@array_method("__setitem_array__")
def setitem_array(a, index, value):
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
        for k in range(index.shape[0]):
            a[index[k]] = value
