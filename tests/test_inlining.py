"""Calls between jitted functions: the callee's optimized body is offered to the caller's
inliner (linked in as available_externally), so small helpers disappear into their callers
the way Numba's do. Results, exceptions and recursion must be unchanged."""
import math
import re

import numpy as np
import pytest

import rumbo


def _called(ir):
    return set(re.findall(r"call [^@]*@\"?([\w.$]+)", ir))


@rumbo.njit
def cnd(d):
    k = 1.0 / (1.0 + 0.2316419 * math.fabs(d))
    r = 0.3989422804 * math.exp(-0.5 * d * d) * (k * (0.31938153 + k * (-0.356563782 + k * 1.781477937)))
    if d > 0:
        r = 1.0 - r
    return r


@rumbo.njit
def sum_cnd(a):
    s = 0.0
    for i in range(a.size):
        s += cnd(a[i])
    return s


def test_small_callee_is_inlined_and_correct():
    a = np.linspace(-3.0, 3.0, 1001)
    assert sum_cnd(a) == pytest.approx(sum(cnd.py_func(x) for x in a), rel=1e-14)
    ir = sum_cnd.inspect_llvm(sum_cnd.signatures[0])
    called = _called(ir)
    assert not any(name.startswith("rumbo.cnd.") for name in called), called


@rumbo.njit
def checked_sqrt(x):
    if x < -1.0:
        raise ValueError("below -1")
    return math.sqrt(x)


@rumbo.njit
def uses_checked(a):
    s = 0.0
    for x in a:
        s += checked_sqrt(x)
    return s


def test_exceptions_from_an_inlined_callee_keep_type_and_message():
    assert uses_checked(np.array([1.0, 4.0])) == 3.0
    with pytest.raises(ValueError, match="below -1"):
        uses_checked(np.array([1.0, -2.0]))
    with pytest.raises(ValueError, match="math domain error"):
        uses_checked(np.array([1.0, -0.5]))


@rumbo.njit
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@rumbo.njit
def fib_twice(n):
    return fib(n) + fib(n)


def test_recursive_callee_inlined_into_caller():
    assert fib_twice(20) == 2 * 6765


@rumbo.njit
def make(n):
    return np.arange(n) * 2.0


@rumbo.njit
def total_of_made(n, reps):
    t = 0.0
    for _ in range(reps):
        t += make(n).sum()
    return t


def test_array_returning_callee_inlined_without_leaks():
    assert total_of_made(10, 1000) == 1000 * 90.0


@rumbo.njit
def layer2(x):
    return x * 3 + 1


@rumbo.njit
def layer1(x):
    return layer2(x) - layer2(-x)


@rumbo.njit
def layer0(a):
    return layer1(a) + layer2(a)


def test_chains_of_callees():
    assert layer0(5) == layer0.py_func(5)


@rumbo.njit(parallel=True)
def prange_calls_helper(a):
    out = np.empty_like(a)
    for i in rumbo.prange(a.size):
        out[i] = cnd(a[i])
    return out


def test_helper_inlined_into_a_parallel_region():
    a = np.linspace(-2.0, 2.0, 10001)
    np.testing.assert_allclose(prange_calls_helper(a), [cnd.py_func(x) for x in a], rtol=1e-14)
