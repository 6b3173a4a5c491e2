"""Array creation: np.zeros, np.ones, np.full, np.empty_like, np.zeros_like,
np.ones_like, np.full_like, np.arange, np.linspace, np.eye, np.identity,
np.copy (and the array method copy), np.array and np.asarray.

Plain Python compiled by rumbo for each call site; `np.empty` is the
allocation primitive, so every new array is C-contiguous (`order=` is not
supported: np.copy and the *_like functions of an F-contiguous array return a
C-contiguous array where NumPy keeps the F order; the values are the same).

`dtype=None` means what it means in NumPy (float64, or the dtype of the fill
value / prototype); `x is None` is decided by the argument types, so the
branches on it are pruned at compile time.

np.array and np.asarray tell arrays from tuples with `isinstance`, which
typing folds; sequences are tuples (or list literals) of scalars of one type,
or tuples of such tuples (2-D). Numbers of mixed types (`(1, 2.5)`) are
first converted to their common type, as NumPy's array creation promotes
them (the primitive `rumbo.promote_numbers`)."""

import math

import numpy as np

from ..extending import array_method, implements, primitive, register_jitable


@register_jitable
def _dtype_of(x):
    """The NumPy type of the scalar x, as a dtype class (NumPy's
    `np.array(x).dtype`: bool, int64, float64, complex128 for Python scalars,
    the scalar's own type for NumPy scalars such as np.float32)."""
    # rumbo has no type(x) in compiled code. np.where of two scalars keeps
    # their exact type (array operators treat scalars as weak and would turn
    # float32 into float64); the zero-size condition makes the array free.
    return np.where(np.empty(0, np.bool_), x, x).dtype


@primitive("rumbo.promote_numbers")
def _promote_numbers(seq):
    """A tuple of numbers (or of tuples of them) with every number converted
    to their common type; anything else as it is."""
    return seq


@register_jitable
def _new(shape, dtype):
    """np.empty(shape, dtype), where dtype=None means float64 as in NumPy."""
    if dtype is None:
        return np.empty(shape, np.float64)
    return np.empty(shape, dtype)


@register_jitable
def _new_like(a, dtype):
    """A new C-contiguous array of a's shape, of a's dtype unless dtype is given."""
    if dtype is None:
        return np.empty(a.shape, a.dtype)
    return np.empty(a.shape, dtype)


@register_jitable
def _fill_new(out, value):
    """Stores value (converted to out's dtype) in every element of out, a new
    C-contiguous array, and returns out."""
    flat = out.reshape(out.size)
    for i in range(flat.shape[0]):
        flat[i] = value
    return out


@register_jitable
def _copy_into(out, a):
    """Copies the elements of a (any layout) in C order into out, a new
    C-contiguous array of the same size, and returns out."""
    flat = out.reshape(out.size)
    i = 0
    for x in a.flat:
        flat[i] = x
        i += 1
    return out


@implements(np.zeros)
def zeros(shape, dtype=None):
    return _fill_new(_new(shape, dtype), 0)


@implements(np.ones)
def ones(shape, dtype=None):
    return _fill_new(_new(shape, dtype), 1)


@implements(np.full)
def full(shape, fill_value, dtype=None):
    if dtype is None:
        return _fill_new(np.empty(shape, _dtype_of(fill_value)), fill_value)
    return _fill_new(np.empty(shape, dtype), fill_value)


@implements(np.empty_like)
def empty_like(prototype, dtype=None):
    return _new_like(prototype, dtype)


@implements(np.zeros_like)
def zeros_like(a, dtype=None):
    return _fill_new(_new_like(a, dtype), 0)


@implements(np.ones_like)
def ones_like(a, dtype=None):
    return _fill_new(_new_like(a, dtype), 1)


@implements(np.full_like)
def full_like(a, fill_value, dtype=None):
    return _fill_new(_new_like(a, dtype), fill_value)


@implements(np.copy)
@array_method("copy")
def copy(a):
    """A C-contiguous copy (a.copy()'s default order; np.copy keeps NumPy's
    order='K' only for C-contiguous inputs, see the module docstring)."""
    return _copy_into(np.empty(a.shape, a.dtype), a)


@implements(np.arange)
def arange(start, stop=None, step=None, dtype=None):
    """NumPy's arange: one argument is the stop; the dtype is int64 for
    integer bounds and float64 when any bound is a float, unless given.

    The length is ceil((stop - start) / step) (NumPy computes it in floating
    point too). Elements follow NumPy's fill rule: the first two are start
    and start + step, converted to the dtype, and element i is
    first + i * (second - first) computed in the dtype."""
    if stop is None:
        lo = 0
        hi = start
    else:
        lo = start
        hi = stop
    if step is None:
        st = 1
    else:
        st = step
    # raises ZeroDivisionError for step 0, as NumPy does
    q = (hi - lo) / st
    if q != q:
        raise ValueError("arange: cannot compute length")
    n = math.ceil(q)
    if n < 0:
        n = 0
    if dtype is None:
        # int64 + any integer scalar is int64; + any float scalar is float64
        out = np.empty(n, (np.empty(0, np.int64) + lo + hi + st).dtype)
    else:
        out = np.empty(n, dtype)
    if n > 0:
        out[0] = lo
    if n > 1:
        out[1] = lo + st
        first = out[0]
        delta = out[1] - first
        for i in range(2, n):
            out[i] = first + out.dtype(i) * delta
    return out


@implements(np.linspace)
def linspace(start, stop, num=50, endpoint=True):
    """NumPy's linspace: element i is i * step + start with step
    (stop - start) / div, computed in the result dtype (float64 for integer
    bounds, the bounds' own inexact type otherwise); the last element is stop
    when endpoint is true and num > 1."""
    if num < 0:
        raise ValueError("Number of samples must be non-negative.")
    if endpoint:
        div = num - 1
    else:
        div = num
    # the bounds' common type, made inexact (int * 1.0 is float64; a float32
    # array times a scalar stays float32)
    out = np.empty(num, (np.where(np.empty(0, np.bool_), start, stop) * 1.0).dtype)
    t = out.dtype
    first = t(start)
    delta = t(stop) - first
    if div > 0:
        step = delta / t(div)
        if step == 0:
            # step underflows to 0: scale by the fraction i / div instead
            for i in range(num):
                out[i] = t(i) / t(div) * delta + first
        else:
            for i in range(num):
                out[i] = t(i) * step + first
    else:
        for i in range(num):
            out[i] = t(i) * delta + first
    if endpoint and num > 1:
        out[num - 1] = stop
    return out


@implements(np.eye)
def eye(N, M=None, k=0, dtype=None):
    if M is None:
        m = N
    else:
        m = M
    out = zeros((N, m), dtype)
    for i in range(max(0, -k), min(N, m - k)):
        out[i, i + k] = 1
    return out


@implements(np.identity)
def identity(n, dtype=None):
    return eye(n, n, 0, dtype)


@implements(np.array)
def array(obj, dtype=None):
    """np.array of an array (a copy), of a tuple (or list literal) of scalars
    of one type, or of a tuple of such tuples (2-D)."""
    if isinstance(obj, np.ndarray):
        if dtype is None:
            return obj.copy()
        return obj.astype(dtype)
    seq = _promote_numbers(obj)
    n = len(seq)
    if isinstance(seq[0], tuple):
        return _array_2d(seq, dtype)
    if dtype is None:
        out = np.empty(n, _dtype_of(seq[0]))
    else:
        out = np.empty(n, dtype)
    for i in range(n):
        out[i] = seq[i]
    return out


@register_jitable
def _array_2d(rows, dtype):
    n = len(rows)
    m = len(rows[0])
    if dtype is None:
        out = np.empty((n, m), _dtype_of(rows[0][0]))
    else:
        out = np.empty((n, m), dtype)
    for i in range(n):
        row = rows[i]
        if len(row) != m:
            raise ValueError("setting an array element with a sequence: the rows have different lengths")
        for j in range(m):
            out[i, j] = row[j]
    return out


@implements(np.asarray)
def asarray(a, dtype=None):
    """np.asarray: an array itself (or converted to `dtype`), a tuple or list
    literal as a new array."""
    if isinstance(a, np.ndarray):
        if dtype is None:
            return a
        return a.astype(dtype)
    return array(a, dtype)
