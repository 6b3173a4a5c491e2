"""Shared configuration for rumbo's milestone-1 test corpus (scalars only).

The corpus is written against Numba's public API, so it can be validated
against Numba itself::

    RUMBO_TEST_BACKEND=numba python -m pytest -q tests/...

By default (``RUMBO_TEST_BACKEND`` unset or ``rumbo``) the tests exercise rumbo.
Test modules get the backend through plain imports::

    from conftest import njit, jit, types, errors, IS_NUMBA

Tests whose expected value follows CPython (or rumbo's documented behaviour)
where Numba knowingly does something else are marked
``@pytest.mark.numba_departure("why")``; under the Numba backend they become
strict xfails (so the marker must stay honest: Numba really has to disagree).
"""

import cmath
import importlib
import math
import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings

BACKEND_NAME = os.environ.get("RUMBO_TEST_BACKEND", "").strip() or "rumbo"
if BACKEND_NAME not in ("rumbo", "numba"):
    raise RuntimeError(
        f"RUMBO_TEST_BACKEND must be 'rumbo' or 'numba', not {BACKEND_NAME!r}"
    )
IS_NUMBA = BACKEND_NAME == "numba"
IS_RUMBO = not IS_NUMBA

_NUMBA_CACHE_DIR = None
if IS_NUMBA and "NUMBA_CACHE_DIR" not in os.environ:
    # keep cache=True tests from writing index files next to the test sources
    _NUMBA_CACHE_DIR = tempfile.mkdtemp(prefix="rumbo-tests-numba-cache-")
    os.environ["NUMBA_CACHE_DIR"] = _NUMBA_CACHE_DIR

backend = importlib.import_module(BACKEND_NAME)
njit = backend.njit
jit = backend.jit
types = backend.types
if IS_NUMBA:
    errors = importlib.import_module("numba.core.errors")
else:
    errors = importlib.import_module("rumbo.errors")

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
UINT64_MAX = 2**64 - 1

# Hypothesis: few examples per property (the compiled function is built once
# per argument-type signature, the examples are cheap), no deadline because the
# first example of each test pays for the compilation.
settings.register_profile(
    "rumbo",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("RUMBO_HYPOTHESIS_PROFILE", "rumbo"))


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "numba_departure(reason, run=True): the expected value follows CPython or "
        "rumbo's documented choice where Numba differs; strict xfail under "
        "RUMBO_TEST_BACKEND=numba (run=False: do not even run it there).",
    )


def pytest_unconfigure(config):
    if _NUMBA_CACHE_DIR is not None:
        shutil.rmtree(_NUMBA_CACHE_DIR, ignore_errors=True)


def pytest_report_header(config):
    return f"rumbo corpus backend: {BACKEND_NAME} ({getattr(backend, '__version__', '?')})"


def pytest_collection_modifyitems(config, items):
    if not IS_NUMBA:
        return
    for item in items:
        marker = item.get_closest_marker("numba_departure")
        if marker is None:
            continue
        reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "")
        item.add_marker(
            pytest.mark.xfail(
                reason=f"Numba departure: {reason}",
                strict=True,
                run=marker.kwargs.get("run", True),
            )
        )


# --------------------------------------------------------------------------
# value comparison helpers
# --------------------------------------------------------------------------

def wrap64(n):
    """Two's-complement int64 wrap-around of a Python int."""
    return (n + 2**63) % 2**64 - 2**63


def wrapu64(n):
    return n % 2**64


def _kind(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, complex):
        return "complex"
    if isinstance(v, tuple):
        return "tuple"
    if v is None:
        return "none"
    return type(v).__name__


def same_float(a, b, rel=0.0, abs_tol=0.0):
    """Float equality that treats NaN == NaN and distinguishes 0.0 from -0.0."""
    a = float(a)
    b = float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if a == 0.0 and b == 0.0:
        return math.copysign(1.0, a) == math.copysign(1.0, b)
    if a == b:
        return True
    if rel or abs_tol:
        if math.isinf(a) or math.isinf(b):
            return False
        return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)
    return False


def same(got, expected, rel=0.0, abs_tol=0.0, strict_kind=True):
    """Structural equality for scalar results and (nested) tuples of them.

    bool/int/float/complex must match in kind unless strict_kind=False (then
    numbers are compared by value, floats with the NaN/-0.0 aware rule).
    """
    gk, ek = _kind(got), _kind(expected)
    if ek == "tuple" or gk == "tuple":
        return (
            gk == ek
            and len(got) == len(expected)
            and all(same(g, e, rel, abs_tol, strict_kind) for g, e in zip(got, expected))
        )
    if gk != ek:
        if strict_kind:
            return False
        if {gk, ek} <= {"bool", "int", "float"} and not (rel or abs_tol):
            return got == expected or (got != got and expected != expected)
    if ek == "complex" or gk == "complex":
        g, e = complex(got), complex(expected)
        if (rel or abs_tol) and all(map(math.isfinite, (g.real, g.imag, e.real, e.imag))):
            return cmath.isclose(g, e, rel_tol=rel, abs_tol=abs_tol)
        return same_float(g.real, e.real, rel, abs_tol) and same_float(
            g.imag, e.imag, rel, abs_tol
        )
    if ek == "float" or gk == "float":
        return same_float(got, expected, rel, abs_tol)
    return got == expected


def assert_same(got, expected, rel=0.0, abs_tol=0.0, strict_kind=True, msg=""):
    assert same(got, expected, rel, abs_tol, strict_kind), (
        f"{msg} got {got!r} ({_kind(got)}), expected {expected!r} ({_kind(expected)})"
    )


def check_against_python(cfunc, pyfunc, *args, rel=0.0, abs_tol=0.0, strict_kind=True):
    """Run pyfunc (the reference) and cfunc on args; same value or same exception type.

    When CPython raises ZeroDivisionError, OverflowError or ValueError (math
    domain and range errors), the compiled function must raise the same type;
    under Numba only ZeroDivisionError is checked (Numba returns inf/nan).
    """
    raising = (ZeroDivisionError,) if IS_NUMBA else (ZeroDivisionError, OverflowError, ValueError)
    try:
        expected = pyfunc(*args)
    except raising as exc:
        with pytest.raises(type(exc)):
            cfunc(*args)
        return
    got = cfunc(*args)
    assert_same(got, expected, rel, abs_tol, strict_kind, msg=f"args={args!r}:")


__all__ = [
    "BACKEND_NAME", "IS_NUMBA", "IS_RUMBO", "backend", "njit", "jit", "types",
    "errors", "INT64_MIN", "INT64_MAX", "UINT64_MAX", "wrap64", "wrapu64",
    "same", "same_float", "assert_same", "check_against_python",
]


def spare_core_ratio():
    """How two threads of a GIL-free C routine (hashlib on a large buffer) scale right
    now: ~1.0 when a second core is free, ~2.0 when other processes hold it. Timing tests
    of parallel speed-ups skip (not fail) when this says no core is free."""
    import hashlib
    import threading
    import time

    data = bytes(1 << 24)

    def run():
        hashlib.sha256(data).digest()

    best = None
    for _ in range(2):
        t0 = time.perf_counter()
        run()
        single = time.perf_counter() - t0
        threads = [threading.Thread(target=run) for _ in range(2)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ratio = (time.perf_counter() - t0) / single
        best = ratio if best is None else min(best, ratio)
    return best
