"""Runs a nopython test module's tests on functions compiled in object mode.

`load(name, globals())` executes tests/<name>.py with conftest's `njit`
replaced by `jit(forceobj=True)`, so pytest collects its tests again in the
calling module. Object mode has CPython's semantics, so tests of nopython-only
behaviour (int64 wrap-around, TypingErrors) are listed by the caller and
marked as expected failures."""

import pathlib

import pytest

import conftest

HERE = pathlib.Path(__file__).resolve().parent


def objmode_jit(*args, **kws):
    kws.pop("nopython", None)
    kws["forceobj"] = True
    return conftest.jit(*args, **kws)


def load(name, namespace, departures):
    path = HERE / f"{name}.py"
    saved = conftest.njit
    conftest.njit = objmode_jit
    try:
        exec(compile(path.read_text(), str(path), "exec"), namespace)
    finally:
        conftest.njit = saved
    for test, why in departures.items():
        func = namespace[test]
        namespace[test] = pytest.mark.xfail(reason=f"object mode: {why}", strict=True)(func)
