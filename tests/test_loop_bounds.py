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


# Accesses that do not run every iteration (after a `continue`, under an `if`, in an inner
# loop that may not run) are checked once per loop by a flag: unchecked when every index the
# loop could make is in bounds, checked as before otherwise (rangecheck.rs).
@rumbo.njit
def window_sum(a, b, r):
    n, m = a.shape
    out = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            s = 0.0
            for jj in range(max(j - r, 0), min(j + r + 1, m)):
                for ii in range(max(i - r, 0), min(i + r + 1, n)):
                    if ii == i and jj == j:
                        continue
                    s += a[ii, jj] * b[ii, jj, 1]
                    if a[ii, jj] > 0.5:
                        s -= b[ii, jj, 0]
            out[i, j] = s
    return out


@pytest.mark.parametrize("b_shape", [(5, 6, 2), (4, 6, 2), (5, 5, 2), (5, 6, 1), (9, 9, 3)])
@pytest.mark.parametrize("r", [0, 1, 2])
def test_window_with_continue(b_shape, r):
    a = np.linspace(0.0, 1.0, 30).reshape(5, 6)
    b = np.arange(float(np.prod(b_shape))).reshape(b_shape)
    check(window_sum, a, b, r)


@rumbo.njit
def skip_then_offset(a, n, c, skip):
    s = 0.0
    for i in range(n):
        if i == skip:
            continue
        s += a[i + c]
    return s


@pytest.mark.parametrize("n, c, skip", [(5, 0, 2), (5, 1, 4), (5, 1, 3), (5, -5, 0), (5, -6, 0), (5, -6, 1), (6, -1, 0), (0, 9, 0), (-3, 9, 0), (3, 2, 2)])
def test_skipped_iteration_decides(n, c, skip):
    check(skip_then_offset, np.arange(5.0), n, c, skip)


@rumbo.njit
def outer_index_in_inner_loop(a, out, k):
    for i in range(a.shape[0] + 1):
        for j in range(k):
            out[i] += a[i, j]
    return out


@pytest.mark.parametrize("k", [0, 1, 3, 4])
def test_outer_index_in_a_loop_that_may_not_run(k):
    check(outer_index_in_inner_loop, np.ones((3, 3)), np.zeros(5), k)


@rumbo.njit
def conditional_rows(m, lo, hi, thresh):
    s = 0.0
    for i in range(lo, hi):
        for j in range(m.shape[1]):
            if m[0, j] > thresh:
                s += m[i, j] + m[i - 1, j]
    return s


@pytest.mark.parametrize("lo, hi, thresh", [(1, 4, 0.5), (0, 4, 0.5), (1, 5, 0.5), (1, 5, 100.0), (-3, 2, 0.5), (-4, 2, 0.5), (-5, 1, 100.0)])
def test_conditional_two_dimensional(lo, hi, thresh):
    check(conditional_rows, np.arange(16.0).reshape(4, 4), lo, hi, thresh)



# `a[c - i]`: the index falls as the loop goes on, so the first iteration bounds it from
# above and the stop from below (and wraps once below zero, as CPython).
@rumbo.njit
def reversed_taps(x, w, lo, hi, c):
    s = 0.0
    for j in range(lo, hi):
        s += x[j] * w[c - 1 - j]
    return s


@pytest.mark.parametrize("lo, hi, c", [(0, 4, 4), (0, 4, 5), (1, 4, 4), (0, 4, 8), (0, 4, 9), (0, 3, 8), (-2, 2, 2), (0, 4, 0), (0, 4, -3), (3, 1, 100)])
def test_negative_stride_index(lo, hi, c):
    check(reversed_taps, np.arange(4.0), np.arange(1.0, 5.0), lo, hi, c)


@rumbo.njit
def reversed_when(x, w, c, every):
    s = 0.0
    for j in range(x.size):
        if j % every == 0:
            s += x[j] * w[c - j]
    return s


@pytest.mark.parametrize("c, every", [(3, 1), (3, 2), (4, 2), (4, 1), (5, 2), (-2, 1), (7, 3), (8, 3)])
def test_conditional_negative_stride(c, every):
    check(reversed_when, np.arange(4.0), np.arange(1.0, 5.0), c, every)


@rumbo.njit
def convolve_valid(x, w):
    n = x.shape[0]
    m = w.shape[0]
    out = np.empty(n - m + 1)
    for i in range(n - m + 1):
        s = 0.0
        for j in range(m):
            s += x[i + j] * w[m - 1 - j]
        out[i] = s
    return out


def test_convolution_loop_needs_no_check():
    x, w = np.arange(50.0), np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(convolve_valid(x, w), np.convolve(x, w, mode="valid"))
    ir = convolve_valid.inspect_llvm(convolve_valid.signatures[0])
    assert "index.wrap" not in ir and "inside" not in ir, "every index is covered by a lowered stop"


# `x % a.shape[k]` on axis k of `a` is always in [0, len): no check, no wrap-around.
@rumbo.njit
def periodic_neighbours(a, i, j):
    n, m = a.shape
    return a[(i + 1) % n, j] + a[(i - 1) % n, j] + a[i, (j + 1) % m] + a[i, (j - 1) % a.shape[1]]


@pytest.mark.parametrize("i, j", [(0, 0), (2, 3), (3, 4), (-1, -1), (-4, -5), (4, 0), (0, 5), (10, 10), (-5, 0)])
def test_periodic_index(i, j):
    check(periodic_neighbours, np.arange(20.0).reshape(4, 5), i, j)


def test_periodic_index_by_zero_length_raises_as_cpython():
    a = np.zeros((0, 3))
    with pytest.raises(ZeroDivisionError):
        periodic_neighbours.py_func(a, 0, 0)
    with pytest.raises(ZeroDivisionError):
        periodic_neighbours(a, 0, 0)


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


@rumbo.njit
def mixed_offsets(a, b, lo, hi, c, d, every):
    s = 0.0
    for i in range(lo, hi):
        s += a[c - i]
        if i % every == 0:
            s += b[i + d] - b[d - i]
    return s


def test_random_reversed_and_conditional_offsets_match_cpython():
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=400, deadline=None)
    @given(st.integers(0, 10), st.integers(0, 10), st.integers(-12, 12), st.integers(-12, 12),
           st.integers(-12, 12), st.integers(-12, 12), st.integers(1, 3))
    def run(na, nb, lo, hi, c, d, every):
        a, b = np.arange(na, dtype=np.float64), np.arange(nb, dtype=np.float64) * 3
        check(mixed_offsets, a, b, lo, hi, c, d, every)

    run()
