"""`with objmode(...)` blocks inside nopython functions: round-trips of
numbers, tuples and arrays, type checks of the outputs, exceptions, leaks."""

import gc
import sys
import traceback

import numpy as np
import pytest

from conftest import IS_NUMBA, backend, njit

objmode = backend.objmode


def python_sort(a):
    return sorted(a.tolist())


@njit
def round_trip(x, n):
    y = x * 2.0
    with objmode(z="float64[:]", k="int64"):
        z = np.asarray(python_sort(y), dtype=np.float64)
        k = len(z) + n
    return z, k


def test_array_and_scalar_round_trip():
    x = np.array([3.0, 1.0, 2.0])
    z, k = round_trip(x, 10)
    assert z.tolist() == [2.0, 4.0, 6.0]
    assert k == 13


@njit
def in_loop(n):
    s = 0.0
    for i in range(n):
        with objmode(v="float64"):
            v = float(i) ** 0.5
        s += v
    return s


def test_block_in_a_loop():
    assert in_loop(10) == pytest.approx(sum(i**0.5 for i in range(10)))


@njit
def tuple_output(a, b):
    with objmode(t="Tuple(int64, float64)", flag="boolean"):
        t = (a + b, a / b)
        flag = a > b
    return t[0], t[1], flag


def test_tuple_and_bool_outputs():
    assert tuple_output(7, 2) == (9, 3.5, True)


@njit
def wrong_type(x):
    with objmode(z="float64[:]"):
        z = [x]
    return z


def test_output_of_the_wrong_type_is_a_clear_error():
    with pytest.raises(TypeError, match=r"`z` is declared 'float64\[:\]'.* Python list"):
        wrong_type(1.0)


@njit
def wrong_dtype():
    with objmode(z="float64[:]"):
        z = np.arange(3)
    return z


@pytest.mark.skipif(IS_NUMBA, reason="Numba's message differs")
def test_array_of_the_wrong_dtype():
    with pytest.raises(TypeError, match=r"`z` is declared 'float64\[:\]'"):
        wrong_dtype()


@njit
def raising(s):
    with objmode(z="int64"):
        z = int("nope" if s else "1")
    return z


def test_exception_in_the_block_reaches_the_caller():
    assert raising(0) == 1
    with pytest.raises(ValueError) as info:
        raising(1)
    last = traceback.extract_tb(info.value.__traceback__)[-1]
    assert last.line.strip() == 'z = int("nope" if s else "1")'


@pytest.mark.skipif(IS_NUMBA, reason="rumbo's NRT counters")
def test_no_leaks():
    x = np.array([3.0, 1.0, 2.0])
    round_trip(x, 1)
    gc.collect()
    before_ref = sys.getrefcount(x)
    a0, f0 = backend._core.nrt_stats()
    for _ in range(2000):
        z, k = round_trip(x, 1)
        del z
    gc.collect()
    a1, f1 = backend._core.nrt_stats()
    assert a1 - a0 == f1 - f0
    assert sys.getrefcount(x) == before_ref


def test_objmode_is_a_context_manager_in_the_interpreter():
    with objmode(x="int64"):
        x = 1
    assert x == 1


@pytest.mark.skipif(IS_NUMBA, reason="rumbo's cache message")
def test_functions_with_blocks_are_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("RUMBO_CACHE_DIR", str(tmp_path))

    def f(x):
        with objmode(y="int64"):
            y = x + 1
        return y

    with pytest.warns(Warning, match="cannot cache f: it has `with objmode"):
        assert njit(cache=True)(f)(1) == 2
