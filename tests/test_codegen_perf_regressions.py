"""Code-shape changes made for speed keep their semantics (results, errors), and the
shapes themselves where they are stable in the optimized IR. No timing here."""

import math
import re

import numpy as np
import pytest

import rumbo


# ---- int(float): x86 truncation, then one test for NaN / infinity / |x| >= 2**63


@rumbo.njit
def to_int(x):
    return int(x)


@pytest.mark.parametrize("x", [0.0, -0.0, 0.9, -0.9, 2.5, -2.5, 1e18, -1e18,
                               -9.223372036854775808e18, 9.2233720368547748e18])
def test_int_of_float_truncates(x):
    assert to_int(x) == int(x)


def test_int_of_float_errors():
    with pytest.raises(ValueError, match="NaN"):
        to_int(math.nan)
    with pytest.raises(OverflowError, match="infinity"):
        to_int(math.inf)
    with pytest.raises(OverflowError, match="infinity"):
        to_int(-math.inf)


@rumbo.njit
def to_int32(x):
    return int(x)


def test_int_of_float32():
    assert to_int32(np.float32(-3.75)) == -3
    with pytest.raises(ValueError):
        to_int32(np.float32("nan"))


# ---- checked indexing: [0, len) on one compare, negative indices wrapped off the hot path


@rumbo.njit
def get(a, i):
    return a[i]


@rumbo.njit
def put(a, i, v):
    a[i] = v
    return a


def test_index_wraparound_and_bounds():
    a = np.arange(5.0)
    for i in range(-5, 5):
        assert get(a, i) == a[i]
    for i in (5, 6, -6, -7, 2**62, -2**62, 2**63 - 1, -2**63):
        with pytest.raises(IndexError):
            get(a, i)
    assert put(a.copy(), -1, 9.0)[4] == 9.0
    with pytest.raises(IndexError):
        put(a.copy(), -6, 9.0)


@rumbo.njit
def get2(a, i, j):
    return a[i, j]


def test_index_2d_negative():
    a = np.arange(12.0).reshape(3, 4)
    assert get2(a, -1, -4) == a[-1, -4]
    with pytest.raises(IndexError):
        get2(a, 0, -5)
    with pytest.raises(IndexError):
        get2(a, 3, 0)


@rumbo.njit
def histogram(x, lo, hi, nbins):
    counts = np.zeros(nbins, dtype=np.int64)
    scale = nbins / (hi - lo)
    for i in range(x.shape[0]):
        v = x[i]
        if v >= lo and v <= hi:
            b = int((v - lo) * scale)
            if b >= nbins:
                b = nbins - 1
            counts[b] += 1
    return counts


def test_histogram_kernel():
    x = np.random.default_rng(7).standard_normal(10_000)
    got = histogram(x, -3.0, 3.0, 64)
    assert np.array_equal(got, np.histogram(x, bins=64, range=(-3.0, 3.0))[0])
    with pytest.raises(ValueError):
        histogram(np.array([math.nan, 0.0]), -math.inf, math.inf, 4)


# ---- range loops advance on the edge into the body: one induction variable


@rumbo.njit
def range_sum(lo, hi):
    s = 0
    for i in range(lo, hi):
        s += i
    return s


@rumbo.njit
def range_last(n):
    k = -1
    for i in range(n):
        k = i
    return k


@rumbo.njit
def range_break(n):
    for i in range(n):
        if i * i > 50:
            break
    return i


@rumbo.njit
def nested_ranges(n):
    t = 0
    for i in range(n):
        for j in range(i, n):
            t += i * j
    return t


def test_range_loops():
    assert range_sum(-5, 3) == sum(range(-5, 3))
    assert range_sum(3, -5) == 0
    big = 2**63 - 1
    assert range_sum(big - 3, big) == sum(range(big - 3, big)) - 2**64
    assert range_last(0) == -1 and range_last(7) == 6
    assert range_break(100) == 8
    assert nested_ranges(20) == sum(i * j for i in range(20) for j in range(i, 20))


@rumbo.njit
def dot_rows(X):
    n, d = X.shape
    out = np.empty(n)
    for i in range(n):
        s = 0.0
        for k in range(d):
            s += X[i, k] * X[i, k]
        out[i] = s
    return out


def test_range_loop_single_induction_variable():
    X = np.arange(12.0).reshape(4, 3)
    assert np.allclose(dot_rows(X), (X * X).sum(axis=1))
    ir = dot_rows.inspect_llvm()
    ir = next(iter(ir.values())) if isinstance(ir, dict) else ir
    # The old shape kept `cur` and `cur + 1` as two phis starting at 0 and 1.
    assert not re.search(r"= phi i64 \[ 1, %[\w.]+ \]", ir)


# ---- recursion: an exception pointer only passed to self-calls is dead


@rumbo.njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@rumbo.njit
def fact_checked(n):
    if n < 0:
        raise ValueError("negative")
    if n < 2:
        return 1
    return n * fact_checked(n - 1)


def test_recursion_exception_pointer():
    # (The IR shape, `ptr poison` at the self-calls, is not asserted: since deferred
    # float errors, the `$defer` body's error exit uses the pointer until optimized.)
    assert fib(20) == 6765
    # A function that raises keeps passing its exception pointer.
    assert fact_checked(10) == 3628800
    with pytest.raises(ValueError, match="negative"):
        fact_checked(-1)


@rumbo.njit
def float_vs_int_constants(x, i32):
    return (x > 0, x <= -3, x == 9007199254740992, x < 9007199254740993, x != 2 ** 60 + 1, x >= i32)


@pytest.mark.parametrize("x", [0.0, -0.0, 1.5, -3.0, float("nan"), float("inf"), 9007199254740992.0, 2.0 ** 60, -1e300])
def test_float_compared_with_int_constants_is_exact(x):
    i32 = np.int32(-3)
    assert float_vs_int_constants(x, i32) == float_vs_int_constants.py_func(x, i32)
