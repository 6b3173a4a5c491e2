"""Python's builtins over arrays and iterables (`sum`, `min`, `max`), `np.where(cond)`
and `np.ascontiguousarray`, compared with CPython / NumPy."""
import numpy as np
import pytest

import rumbo


def outcome(f, *args):
    try:
        return ("ok", f(*args))
    except ValueError as exc:
        return ("ValueError", str(exc))


@rumbo.njit
def sum_of(x):
    return sum(x)


@rumbo.njit
def sum_from(x, start):
    return sum(x, start)


@rumbo.njit
def sum_range(n):
    return sum(range(n))


@rumbo.njit
def min_max(a):
    return min(a), max(a)


ARRAYS = [np.array([3.0, 1.0, 2.0]), np.array([0.1] * 10), np.array([np.nan, 1.0, 0.0]),
          np.array([1.0, np.nan, 0.0]), np.arange(7), np.array([-0.0, 0.0]), np.array([5], dtype=np.int32)]


@pytest.mark.parametrize("a", ARRAYS, ids=range(len(ARRAYS)))
def test_builtins_keep_python_semantics(a):
    # Python adds in order (0.1 * 10 != np.sum's pairwise result in general) and min/max
    # keep the first NaN only when it comes first.
    got, want = sum_of(a), sum_of.py_func(a)
    assert got == want or (np.isnan(got) and np.isnan(want))
    for g, w in zip(min_max(a), min_max.py_func(a)):
        assert (g == w and np.copysign(1, g) == np.copysign(1, w)) or (np.isnan(g) and np.isnan(w))
    assert sum_from(a, 10.5) == pytest.approx(sum_from.py_func(a, 10.5), nan_ok=True)


def test_sum_of_tuples_and_ranges():
    assert sum_of((1, 2, 3)) == 6
    assert sum_of((1.5, 2.5)) == 4.0
    assert sum_range(101) == 5050


def test_empty_sequences():
    e = np.empty(0)
    assert sum_of(e) == 0
    assert outcome(min_max, e) == outcome(min_max.py_func, e)


@rumbo.njit
def where_one(a):
    return np.where(a > 0)


@rumbo.njit
def contiguous(a):
    return np.ascontiguousarray(a)


def test_where_with_a_condition_only_is_nonzero():
    v = np.array([-1.0, 2.0, 0.0, 3.0])
    (got,) = where_one(v)
    np.testing.assert_array_equal(got, np.where(v > 0)[0])
    m = np.arange(12.0).reshape(3, 4) - 5
    for g, w in zip(where_one(m), np.where(m > 0)):
        np.testing.assert_array_equal(g, w)


def test_ascontiguousarray():
    a = np.arange(12.0).reshape(3, 4)
    for x in (a, a.T, a[:, ::2]):
        r = contiguous(x)
        np.testing.assert_array_equal(r, np.ascontiguousarray(x))
        assert r.flags.c_contiguous
