"""Array methods fill, ravel, flatten, transpose and astype, and the module
functions np.ravel, np.transpose and np.reshape (copy is in creation.py).

Plain Python compiled by rumbo for each array type; inputs may have any
layout (C, F, non-contiguous views): elements are read in C order through
`a.flat`."""

import numpy as np

from ..extending import array_method, implements
from .creation import _copy_into


@array_method("fill")
def fill(a, value):
    """Stores value (converted to a's dtype) in every element of a, in place."""
    # a may be any view: a[i] is a view with one dimension less, filled by
    # the specialization of this function for that type.
    if a.ndim == 1:
        for i in range(a.shape[0]):
            a[i] = value
    else:
        for i in range(a.shape[0]):
            fill(a[i], value)


@implements(np.ravel)
@array_method("ravel", "flatten")
def ravel(a):
    """The elements of a in C order, as a new 1-D array.

    ravel always returns a copy here, also for C-contiguous arrays where NumPy
    (and Numba) return a view: rumbo has no compile-time test of an array's
    layout yet, and reshape only types for C-contiguous arrays."""
    out = np.empty(a.size, a.dtype)
    i = 0
    for x in a.flat:
        out[i] = x
        i += 1
    return out


@implements(np.transpose)
@array_method("transpose")
def transpose(a):
    """The transposed view (a.T); the `axes` argument is not supported."""
    return a.T


@array_method("astype")
def astype(a, dtype):
    """A new C-contiguous array of dtype with a's elements converted as a
    store converts them (floats to ints truncate; complex to real types is a
    typing error, as in Numba). NumPy's default order='K' keeps an
    F-contiguous input's order; here the result is always C-contiguous."""
    return _copy_into(np.empty(a.shape, dtype), a)


@implements(np.reshape)
def reshape(a, shape):
    """a.reshape(shape): a view of a C-contiguous array."""
    return a.reshape(shape)
