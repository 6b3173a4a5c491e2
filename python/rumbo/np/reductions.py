"""Whole-array reductions: np.sum, np.prod, np.min, np.max, np.mean, np.var,
np.std, np.argmin, np.argmax, np.any, np.all, and the same array methods.

Plain Python over `a.flat` (every element in C order), compiled by rumbo for
each argument type. Errors follow NumPy: empty min/max/argmin/argmax raise
ValueError; NaN propagates through min/max and is the first argmin/argmax."""

import numpy as np

from ..extending import array_method, implements


@implements(np.sum)
@array_method("sum")
def array_sum(a):
    s = 0
    for x in a.flat:
        s += x
    return s


@implements(np.prod)
@array_method("prod")
def array_prod(a):
    p = 1
    for x in a.flat:
        p *= x
    return p


@implements(np.min, np.amin)
@array_method("min")
def array_min(a):
    if a.size == 0:
        raise ValueError("zero-size array to reduction operation minimum which has no identity")
    first = True
    m = 0
    for x in a.flat:
        if first:
            m = x
            first = False
        elif x < m or x != x:
            if m == m:
                m = x
    return m


@implements(np.max, np.amax)
@array_method("max")
def array_max(a):
    if a.size == 0:
        raise ValueError("zero-size array to reduction operation maximum which has no identity")
    first = True
    m = 0
    for x in a.flat:
        if first:
            m = x
            first = False
        elif x > m or x != x:
            if m == m:
                m = x
    return m


@implements(np.argmin)
@array_method("argmin")
def array_argmin(a):
    if a.size == 0:
        raise ValueError("attempt to get argmin of an empty sequence")
    best = 0
    i = 0
    m = 0
    for x in a.flat:
        if i == 0:
            m = x
        elif m == m and (x < m or x != x):
            m = x
            best = i
        i += 1
    return best


@implements(np.argmax)
@array_method("argmax")
def array_argmax(a):
    if a.size == 0:
        raise ValueError("attempt to get argmax of an empty sequence")
    best = 0
    i = 0
    m = 0
    for x in a.flat:
        if i == 0:
            m = x
        elif m == m and (x > m or x != x):
            m = x
            best = i
        i += 1
    return best


@implements(np.mean)
@array_method("mean")
def array_mean(a):
    s = 0.0
    for x in a.flat:
        s += x
    return s / a.size


@implements(np.var)
@array_method("var")
def array_var(a):
    mean = array_mean(a)
    s = 0.0
    for x in a.flat:
        d = x - mean
        s += d * d
    return s / a.size


@implements(np.std)
@array_method("std")
def array_std(a):
    return array_var(a) ** 0.5


@implements(np.any)
@array_method("any")
def array_any(a):
    for x in a.flat:
        if x:
            return True
    return False


@implements(np.all)
@array_method("all")
def array_all(a):
    for x in a.flat:
        if not x:
            return False
    return True
