"""Set operations on arrays: np.isin, np.intersect1d, np.union1d,
np.setdiff1d (np.unique is in manipulation.py).

Plain Python compiled by rumbo; inputs of any shape are flattened (isin keeps
its first argument's shape), results are sorted 1-D arrays as in NumPy, in
the inputs' common dtype (setdiff1d: the first input's). `assume_unique=`,
`invert=` and `kind=` are not supported."""

import numpy as np

from ..extending import implements, register_jitable


@register_jitable(boundscheck=False)
def _contains(s, x):
    """True when x is in the sorted 1-D s (NaN is never found, as NumPy's
    isin: NaN != NaN; NaNs in s are sorted last)."""
    lo = 0
    hi = s.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if _less(s[mid], x):
            lo = mid + 1
        else:
            hi = mid
    return lo < s.shape[0] and s[lo] == x


@register_jitable
def _less(x, y):
    """x < y (complex numbers: lexicographically, as NumPy sorts them)."""
    if isinstance(x, complex):
        return x.real < y.real or (x.real == y.real and x.imag < y.imag)
    return x < y


@register_jitable
def _joined(a, b):
    """a's and b's elements (flattened) in one new 1-D array of their common dtype."""
    out = np.empty(a.size + b.size, (np.empty(0, a.dtype) + np.empty(0, b.dtype)).dtype)
    i = 0
    for x in a.flat:
        out[i] = x
        i += 1
    for x in b.flat:
        out[i] = x
        i += 1
    return out


@implements(np.isin)
def isin(element, test_elements):
    """A boolean array of element's shape: True where the element occurs in
    test_elements (an array or a scalar)."""
    if isinstance(test_elements, np.ndarray):
        if isinstance(element, np.ndarray):
            # integers (not uint64, whose values int64 may not hold); the
            # dtype tests are written out: rumbo decides those at compile
            # time, not the result of a call
            e = element.dtype
            t = test_elements.dtype
            if (e == np.int64 or e == np.int32 or e == np.int16 or e == np.int8
                    or e == np.uint32 or e == np.uint16 or e == np.uint8):
                if (t == np.int64 or t == np.int32 or t == np.int16 or t == np.int8
                        or t == np.uint32 or t == np.uint16 or t == np.uint8):
                    return _isin_table(element, test_elements)
        s = np.sort(test_elements, None)
    else:
        s = np.array((test_elements,))
    if isinstance(element, np.ndarray):
        out = np.empty(element.shape, np.bool_)
        flat = out.reshape(out.size)
        i = 0
        for x in element.flat:
            flat[i] = _contains(s, x)
            i += 1
        return out
    return _contains(s, element)


@register_jitable(boundscheck=False)
def _isin_table(element, test):
    """isin of integer arrays through a table over test's range (NumPy's
    kind='table', chosen when the range is at most 6 times the sizes)."""
    out = np.zeros(element.shape, np.bool_)
    if test.size == 0 or element.size == 0:
        return out
    tmin = np.min(test)
    tmax = np.max(test)
    span = int(tmax) - int(tmin) + 1
    if span > 6 * (element.size + test.size):
        s = np.sort(test, None)
        flat = out.reshape(out.size)
        i = 0
        for x in element.flat:
            flat[i] = _contains(s, x)
            i += 1
        return out
    table = np.zeros(span, np.bool_)
    for x in test.flat:
        table[int(x) - int(tmin)] = True
    flat = out.reshape(out.size)
    i = 0
    for x in element.flat:
        if x >= tmin and x <= tmax:
            flat[i] = table[int(x) - int(tmin)]
        i += 1
    return out


@implements(np.union1d)
def union1d(ar1, ar2):
    return np.unique(_joined(ar1, ar2))


@implements(np.intersect1d)
def intersect1d(ar1, ar2):
    a = np.unique(_joined(ar1, ar1[:0]))
    b = np.unique(_joined(ar2, ar1[:0]))
    n = 0
    for x in a:
        if _contains(b, x):
            n += 1
    out = np.empty(n, (np.empty(0, ar1.dtype) + np.empty(0, ar2.dtype)).dtype)
    k = 0
    for x in a:
        if _contains(b, x):
            out[k] = x
            k += 1
    return out


@implements(np.setdiff1d)
def setdiff1d(ar1, ar2):
    a = np.unique(ar1)
    b = np.sort(ar2, None)
    n = 0
    for x in a:
        if not _contains(b, x):
            n += 1
    out = np.empty(n, a.dtype)
    k = 0
    for x in a:
        if not _contains(b, x):
            out[k] = x
            k += 1
    return out
