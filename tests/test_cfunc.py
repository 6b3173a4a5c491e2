"""`@cfunc`: C-callable compiled functions, called through ctypes."""
import ctypes
import math

import pytest

import rumbo
from rumbo import cfunc


@cfunc("float64(float64, int32)")
def scaled_exp(x, k):
    return math.exp(x) * k


@cfunc("boolean(int64)")
def is_even(n):
    return n % 2 == 0


@cfunc("float64(float64)")
def checked_log(x):
    return math.log(x)


def test_called_from_c_through_ctypes():
    assert scaled_exp.ctypes(1.0, 3) == pytest.approx(3 * math.e, rel=1e-15)
    assert scaled_exp(0.0, 2) == 2.0
    assert is_even.ctypes(10) is True and is_even.ctypes(7) is False
    assert isinstance(scaled_exp.address, int) and scaled_exp.address != 0
    assert scaled_exp.signature == "float64(float64, int32)"


def test_exceptions_do_not_escape_to_c():
    assert checked_log.ctypes(1.0) == 0.0
    assert checked_log.ctypes(-1.0) == 0.0
    with pytest.raises(ValueError):
        checked_log(-1.0)


def test_qsort_with_a_cfunc_comparator():
    @cfunc("int32(int64, int64)")
    def cmp_values(a, b):
        return (a > b) - (a < b)

    # qsort passes pointers: wrap the cfunc in a ctypes adapter reading them.
    proto = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(ctypes.c_int64))
    adapter = proto(lambda pa, pb: cmp_values.ctypes(pa[0], pb[0]))
    arr = (ctypes.c_int64 * 5)(5, 3, 9, 1, 7)
    libc = ctypes.CDLL(None)
    libc.qsort(arr, 5, 8, adapter)
    assert list(arr) == [1, 3, 5, 7, 9]
