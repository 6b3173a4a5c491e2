"""Set operations on arrays: np.isin, np.intersect1d, np.union1d,
np.setdiff1d (np.unique is in manipulation.py).

Plain Python compiled by rumbo; inputs of any shape are flattened (isin keeps
its first argument's shape), results are sorted 1-D arrays as in NumPy, in
the inputs' common dtype (setdiff1d: the first input's). `assume_unique=`,
`invert=` and `kind=` are not supported."""

import numpy as np

from ..extending import implements, register_jitable
from .statistics import _search


@register_jitable
def _contains(s, x):
    """True when x is in the sorted 1-D s (NaN is never found, as NumPy's
    isin: NaN != NaN)."""
    i = _search(s, x, False)
    return i < s.shape[0] and s[i] == x


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
