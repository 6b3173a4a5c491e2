"""Numba's public names beyond the decorators: literal_unroll, jit_module, from_dtype,
numpy_support.as_dtype, extending.is_jitted."""
import importlib
import sys

import numpy as np

import rumbo
from rumbo import from_dtype, literal_unroll, njit
from rumbo.extending import is_jitted
from rumbo.np.numpy_support import as_dtype


@njit
def total(t):
    s = 0.0
    for x in literal_unroll(t):
        s += x
    return s


def test_literal_unroll_over_uniform_tuples():
    assert total((1.0, 2.5, 3.0)) == 6.5
    assert literal_unroll((1, "a")) == (1, "a")


def test_dtype_conversions():
    assert str(from_dtype(np.dtype("float32"))) == "float32"
    assert as_dtype(rumbo.int16) == np.int16
    assert as_dtype(rumbo.boolean) == np.bool_


def test_is_jitted():
    assert is_jitted(total) and not is_jitted(total.py_func)


def test_jit_module(tmp_path, monkeypatch):
    (tmp_path / "jitted_mod.py").write_text(
        "import rumbo\n"
        "def square(x):\n    return x * x\n"
        "def cube(x):\n    return square(x) * x\n"
        "rumbo.jit_module(nopython=True)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    mod = importlib.import_module("jitted_mod")
    try:
        assert is_jitted(mod.square) and is_jitted(mod.cube)
        assert mod.cube(3) == 27
    finally:
        sys.modules.pop("jitted_mod", None)


@rumbo.njit(parallel=True)
def chunked_sum(a):
    s = 0.0
    for i in rumbo.prange(a.size):
        s += a[i]
    return s


def test_parallel_chunksize():
    assert rumbo.get_parallel_chunksize() == 0
    a = np.arange(1000.0)
    with rumbo.parallel_chunksize(7):
        assert rumbo.get_parallel_chunksize() == 7
        assert chunked_sum(a) == a.sum()
    assert rumbo.get_parallel_chunksize() == 0
    assert rumbo.set_parallel_chunksize(3) == 0
    assert rumbo.set_parallel_chunksize(0) == 3
