"""Python builtins over arrays and other iterables in compiled code: `sum(x)`,
`min(a)`, `max(a)` with Python's semantics (not NumPy's): `sum` adds in order from
`start` (so its rounding is the loop's, not `np.sum`'s pairwise one), `min`/`max`
keep the first of equal items and compare as Python does (a NaN is kept only when it
comes first), and an empty sequence raises ValueError."""

import builtins

import numpy as np  # noqa: F401 - the library's modules share one import style

from ..extending import array_method, implements


@implements(builtins.sum)
def builtin_sum(iterable, start=0):
    total = start
    for x in iterable:
        total = total + x
    return total


@array_method("__builtin_min__")
def builtin_min(a):
    if len(a) == 0:
        raise ValueError("min() arg is an empty sequence")
    best = a[0]
    for i in range(1, len(a)):
        if a[i] < best:
            best = a[i]
    return best


@array_method("__builtin_max__")
def builtin_max(a):
    if len(a) == 0:
        raise ValueError("max() arg is an empty sequence")
    best = a[0]
    for i in range(1, len(a)):
        if a[i] > best:
            best = a[i]
    return best
