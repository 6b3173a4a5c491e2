"""Bounds checks of `a[i + c]` in `for i in range(...)` loops move before the loop (the
stop is lowered to the first failing iteration), so such loops vectorize. What must not
change: IndexError exactly when CPython raises it, the iterations before it done, negative
indices wrapping, and accesses that do not run every iteration keeping their own check."""
import numpy as np
import pytest

import rumbo


def outcome(f, *args):
    try:
        return ("ok", f(*args))
    except IndexError:
        return ("IndexError", None)


def check(jitted, *args, copy_arrays=True):
    fresh = lambda: [a.copy() if isinstance(a, np.ndarray) else a for a in args]  # noqa: E731
    py_args, jit_args = fresh(), fresh()
    expected = outcome(jitted.py_func, *py_args)
    got = outcome(jitted, *jit_args)
    assert got[0] == expected[0]
    if got[0] == "ok":
        np.testing.assert_equal(got[1], expected[1])
    # Iterations before the failing one happened (inputs mutated the same way).
    for a, b in zip(py_args, jit_args):
        if isinstance(a, np.ndarray):
            np.testing.assert_equal(a, b)


@rumbo.njit
def scale_into(out, a, b, n):
    for i in range(n):
        out[i] = a[i] * 2.0 + b[i]
    return out.sum()


@pytest.mark.parametrize("n_out, n_a, n_b, n", [(5, 5, 5, 5), (5, 5, 3, 5), (5, 5, 5, 7), (2, 5, 5, 5), (5, 5, 5, 0), (5, 0, 5, 3), (5, 5, 5, -2)])
def test_loop_stops_where_cpython_raises(n_out, n_a, n_b, n):
    check(scale_into, np.zeros(n_out), np.arange(float(n_a)), np.ones(n_b), n)


@rumbo.njit
def stencil(a, out, lo, hi):
    for i in range(lo, hi):
        out[i] = a[i - 1] + a[i] + a[i + 1]
    return out


@pytest.mark.parametrize("lo, hi", [(1, 9), (0, 9), (1, 10), (-3, 5), (-10, 2), (-11, 2), (5, 5), (8, 3), (0, 11)])
def test_offsets_and_negative_wraparound(lo, hi):
    check(stencil, np.arange(10.0) ** 2, np.zeros(12), lo, hi)


@rumbo.njit
def guarded(a, n):
    s = 0.0
    for i in range(n):
        if i < a.size:
            s += a[i]
        else:
            s += 1.0
    return s


@rumbo.njit
def stops_early(a, n, k):
    s = 0.0
    for i in range(n):
        if i == k:
            break
        s += a[i]
    return s


@rumbo.njit
def skips(a, n):
    s = 0.0
    for i in range(n):
        if i % 2 == 1:
            continue
        s += a[i]
    return s


def test_conditional_accesses_keep_their_own_check():
    a = np.arange(4.0)
    check(guarded, a, 10)
    check(stops_early, a, 10, 4)
    check(stops_early, a, 10, 6)
    check(skips, a, 5)
    check(skips, a, 6)


@rumbo.njit
def rows(m, out):
    for i in range(m.shape[0] + 1):
        for j in range(1, m.shape[1]):
            out[i, j] = m[i, j] - m[i, j - 1]
    return out


def test_nested_loops_two_dimensions():
    check(rows, np.arange(12.0).reshape(3, 4), np.zeros((4, 4)))
    check(rows, np.arange(12.0).reshape(3, 4), np.zeros((3, 4)))


@rumbo.njit
def three_inputs(s, x, t, out):
    for i in range(s.size):
        out[i] = s[i] * x[i] + t[i]
    return out


def test_loop_over_several_input_arrays_vectorizes():
    a = np.arange(100.0)
    np.testing.assert_equal(three_inputs(a, a, a, np.empty(100)), a * a + a)
    ir = three_inputs.inspect_llvm(three_inputs.signatures[0])
    assert "x double>" in ir
    check(three_inputs, a, a[:50], a, np.empty(100))


@rumbo.njit(boundscheck=False)
def unchecked(a, n):
    s = 0.0
    for i in range(n):
        s += a[i]
    return s


def test_boundscheck_off_is_untouched():
    assert unchecked(np.arange(5.0), 5) == 10.0


@rumbo.njit
def offsets_read(a, b, lo, hi, c, d):
    s = 0.0
    for i in range(lo, hi):
        s += a[i + c] * 2.0 - b[i - d]
    return s


@rumbo.njit
def offsets_write(a, lo, hi, c):
    for i in range(lo, hi):
        a[c + i] = i
    return a


def test_random_offsets_and_bounds_match_cpython():
    # The hoisting guards memory: any mismatch with CPython here is a bug that could
    # read or write outside an array, so the space is searched broadly.
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=400, deadline=None)
    @given(st.integers(0, 12), st.integers(0, 12), st.integers(-15, 15), st.integers(-15, 15),
           st.integers(-6, 6), st.integers(-6, 6))
    def run(na, nb, lo, hi, c, d):
        a, b = np.arange(na, dtype=np.float64), np.arange(nb, dtype=np.float64) * 3
        check(offsets_read, a, b, lo, hi, c, d)
        check(offsets_write, a, lo, hi, c)

    run()


@rumbo.njit(parallel=True)
def prange_offsets(a, out, lo, hi, c):
    for i in rumbo.prange(lo, hi):
        out[i] = a[i + c] + a[i]
    return out


@rumbo.njit(parallel=True)
def prange_from_zero(a, out, c):
    for i in rumbo.prange(out.size):
        out[i] = a[i + c]
    return out


def test_random_prange_offsets_match_cpython():
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=200, deadline=None)
    @given(st.integers(0, 40), st.integers(-45, 45), st.integers(-45, 45), st.integers(-8, 8))
    def run(n, lo, hi, c):
        a = np.arange(n, dtype=np.float64)
        expected = outcome(prange_offsets.py_func, a, np.zeros(n), lo, hi, c)
        got = outcome(prange_offsets, a, np.zeros(n), lo, hi, c)
        assert got[0] == expected[0]
        if got[0] == "ok":
            np.testing.assert_array_equal(got[1], expected[1])
        expected = outcome(prange_from_zero.py_func, a, np.zeros(max(n - 3, 0)), c)
        got = outcome(prange_from_zero, a, np.zeros(max(n - 3, 0)), c)
        assert got[0] == expected[0]
        if got[0] == "ok":
            np.testing.assert_array_equal(got[1], expected[1])

    run()
