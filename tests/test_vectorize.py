"""`@vectorize`: ufuncs from scalar functions, compared with np.vectorize / NumPy."""
import math

import numpy as np
import pytest

import rumbo
from rumbo import vectorize


@vectorize(["int64(int64, int64)", "float64(float64, float64)"])
def add_sigs(a, b):
    return a + b


@vectorize
def lazy_hypot(a, b):
    return math.sqrt(a * a + b * b)


@vectorize(nopython=True, fastmath=False)
def clipped(x):
    if x < 0:
        return 0.0
    return x


def test_declared_signatures_pick_the_first_safe_one():
    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(add_sigs(a, 1.5), a + 1.5)
    r = add_sigs(np.arange(4), np.arange(4))
    assert r.dtype == np.int64 and list(r) == [0, 2, 4, 6]
    assert add_sigs(np.arange(3, dtype=np.int32), 1).dtype == np.int64
    assert add_sigs(2.0, 3.0) == 5.0
    assert add_sigs.ntypes == 2
    # As NumPy: the first signature the inputs cast to safely, in the order given.
    floats_first = vectorize(["f8(f8, f8)", "i8(i8, i8)"])(add_sigs.py_func)
    assert floats_first(np.arange(3), np.arange(3)).dtype == np.float64
    with pytest.raises(TypeError):
        add_sigs(np.array([1 + 2j]), 1.0)


def test_lazy_ufunc_broadcasts_like_numpy():
    a = np.arange(12.0).reshape(3, 4)
    b = np.linspace(-1, 1, 4)
    np.testing.assert_allclose(lazy_hypot(a, b), np.hypot(a, b), rtol=1e-15)
    np.testing.assert_allclose(lazy_hypot(a.T, 2.0), np.hypot(a.T, 2.0), rtol=1e-15)
    np.testing.assert_allclose(lazy_hypot(a[::-1, ::2], b[:2]), np.hypot(a[::-1, ::2], b[:2]), rtol=1e-15)
    assert lazy_hypot(3.0, 4.0) == 5.0
    assert lazy_hypot(np.float32(3), np.float32(4)) == 5.0
    assert lazy_hypot(np.empty((0, 4)), b).shape == (0, 4)
    with pytest.raises(ValueError):
        lazy_hypot(np.ones(3), np.ones(4))


def test_out_argument_and_control_flow():
    x = np.linspace(-2, 2, 9)
    out = np.empty_like(x)
    r = clipped(x, out=out)
    assert r is out
    np.testing.assert_array_equal(out, np.maximum(x, 0))
    strided = np.zeros(18)[::2]
    clipped(x, out=strided)
    np.testing.assert_array_equal(strided, np.maximum(x, 0))


@rumbo.njit
def use_inside(x):
    return x * 2


def test_vectorized_result_feeds_jitted_code():
    a = np.arange(5.0)
    assert use_inside(lazy_hypot(a, a)).sum() == pytest.approx(2 * np.sqrt(2) * a.sum())
