"""Differential tests of language and library gaps Numba users hit in
nopython mode: tuple slices and comparisons, `x in tuple`, `...` in array
indices, np.squeeze with `axis=`, np.array of mixed numbers, searchsorted's
`side=`, and `enumerate`/`zip` in `for` loops.

Every compiled function is checked against the same Python function run by
CPython/NumPy (`f.py_func`); forms that stay unsupported must fail with a
TypingError/UnsupportedError, never a crash.
"""

import numpy as np
import pytest

from conftest import IS_NUMBA, errors, njit

A2 = np.arange(12.0).reshape(3, 4)
A3 = np.arange(24).reshape(2, 3, 4)
V = np.array([3.0, -1.5, 2.0, 7.25])
W = np.arange(6, dtype=np.int32)


def same(f, *args):
    """The compiled result equals CPython's/NumPy's (values, shapes, dtypes)."""
    got, want = f(*args), f.py_func(*args)
    _equal(got, want)
    return got


def _equal(got, want):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want), (got, want)
        for g, w in zip(got, want):
            _equal(g, w)
    elif isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray), got
        assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.shape, want.dtype)
        np.testing.assert_array_equal(got, want)
    else:
        # NumPy scalars come back as Python numbers (as from Numba)
        want = want.item() if isinstance(want, np.generic) else want
        got = got.item() if isinstance(got, np.generic) else got
        assert type(got) is type(want), (got, want)
        assert got == want or (got != got and want != want), (got, want)


# ---- 1. tuple slices -------------------------------------------------------


@njit
def shape_tail(a):
    return a.shape[1:]


@njit
def tuple_slices(t):
    return t[::-1], t[:2], t[1:-1], t[-2:], t[::2], t[5:], t[-10:10:3], t[3:0:-1]


@njit
def mixed_slices(x):
    t = (1, 2.5, x, True)
    return t[1:], t[::-1], t[:-2]


@njit
def slice_of_arrays(a, b):
    t = (a, b, a)
    u = t[1:]
    return u[0].sum() + u[1].sum()


@pytest.mark.parametrize("a", [A2, A3, np.zeros(5)])
def test_shape_slice(a):
    same(shape_tail, a)


@pytest.mark.parametrize("t", [(1, 2, 3), (4.5, 1.0, 2.0, 9.0, -3.0), (7,)])
def test_unituple_slices(t):
    same(tuple_slices, t)


def test_heterogeneous_slices():
    same(mixed_slices, 3)
    same(slice_of_arrays, V, A2)


@njit
def runtime_slice(t, k):
    return t[:k]


def test_slice_with_runtime_bound_is_a_typing_error():
    with pytest.raises(errors.TypingError):
        runtime_slice((1, 2, 3), 2)


# ---- 2. tuple comparisons --------------------------------------------------


@njit
def compare_all(a, b):
    return a == b, a != b, a < b, a <= b, a > b, a >= b


@njit
def same_shape(a, b):
    return a.shape == b.shape, a.shape != b.shape


TUPLE_PAIRS = [
    ((1, 2), (1, 2)),
    ((1, 2), (1, 3)),
    ((2, 0), (1, 9)),
    ((1, 2), (1, 2, 0)),
    ((1, 2, 0), (1, 2)),
    ((1.5, 2), (1, 2)),
    ((1, float("nan")), (1, float("nan"))),
    ((float("nan"), 1), (2.0, 0)),
    ((), ()),
    ((3,), ()),
    (((1, 2), 3), ((1, 2), 4)),
    (((1, 2), 3), ((1,), 4)),
    ((True, 2), (1, 2)),
    ((2**53 + 1, 0), (float(2**53), 0)),
]


@pytest.mark.parametrize("a,b", TUPLE_PAIRS)
def test_tuple_comparisons(a, b):
    same(compare_all, a, b)


def test_shape_comparisons():
    same(same_shape, A2, A2)
    same(same_shape, A2, A2.T)
    same(same_shape, A2, A3)
    same(same_shape, A2, np.zeros((3, 4), np.int8))


@njit
def complex_order(a, b):
    return a < b


def test_complex_tuples_have_no_order():
    with pytest.raises(errors.TypingError):
        complex_order((1j,), (2j,))


@njit
def membership(x):
    return x in (1, 2.5, 7), x not in (1, 2.5, 7), x in [3, 4]


@njit
def tuple_membership(t):
    return t in ((1, 2), (3, 4)), t in ((1, 2), 5)


@pytest.mark.parametrize("x", [1, 2.5, 3, 7.0, -1, True])
def test_in_tuple(x):
    same(membership, x)


@pytest.mark.parametrize("t", [(1, 2), (3, 4), (2, 1)])
def test_tuple_in_tuples(t):
    same(tuple_membership, t)


# ---- 3. `...` in array indices ---------------------------------------------


@njit
def ellipsis_reads(a):
    return a[...].copy(), a[..., 0].copy(), a[0, ...].copy(), a[..., 1:].copy(), a[1, ..., 2]


@njit
def ellipsis_store(a, b):
    a[...] = b
    return a


@njit
def ellipsis_store_scalar(a):
    a[..., 0] = 7
    a[-1, ...] = -1
    return a


@pytest.mark.parametrize("a", [A3, A3[:, ::2, ::-1], np.asfortranarray(A3)])
def test_ellipsis_reads(a):
    same(ellipsis_reads, a)


def test_ellipsis_assignments():
    for b in [np.ones((3, 4)), np.arange(4.0), 2.5]:
        got = ellipsis_store(np.zeros((3, 4)), b)
        want = ellipsis_store.py_func(np.zeros((3, 4)), b)
        _equal(got, want)
    _equal(ellipsis_store_scalar(np.zeros((3, 4))), ellipsis_store_scalar.py_func(np.zeros((3, 4))))


@njit
def ellipsis_1d(a):
    return a[...].sum() + a[..., 1]


def test_ellipsis_1d():
    same(ellipsis_1d, V)


@njit
def two_ellipses(a):
    return a[..., 0, ...]


def test_two_ellipses_is_a_typing_error():
    with pytest.raises(errors.TypingError):
        two_ellipses(A3)


# ---- 4. np.squeeze ---------------------------------------------------------

S = np.arange(6.0).reshape(1, 3, 1, 2, 1)


@njit
def squeeze_axes(a):
    return np.squeeze(a, 0), np.squeeze(a, axis=(0, 2)), a.squeeze(-1), a.squeeze((4, 0, 2)), np.squeeze(a, -3)


@njit
def squeeze_bad(a, ax):
    return np.squeeze(a, ax)


@njit
def squeeze_none(a):
    return np.squeeze(a)


@njit
def squeeze_method_none(a):
    return a.squeeze()


def test_squeeze_with_axis():
    same(squeeze_axes, S)
    same(squeeze_axes, S[:, ::-1, :, ::2])
    same(squeeze_axes, np.asfortranarray(S))


@pytest.mark.parametrize("ax,exc", [(1, ValueError), (5, np.exceptions.AxisError), (-6, np.exceptions.AxisError), ((0, 0), ValueError)])
def test_squeeze_errors(ax, exc):
    with pytest.raises(exc):
        squeeze_bad.py_func(S, ax)
    with pytest.raises(exc):
        squeeze_bad(S, ax)


@pytest.mark.skipif(IS_NUMBA, reason="Numba does not support np.squeeze")
def test_squeeze_without_axis_is_a_clear_typing_error():
    for f in (squeeze_none, squeeze_method_none):
        with pytest.raises(errors.TypingError, match="axis"):
            f(S)


# ---- 5. np.array of mixed numbers -----------------------------------------


@njit
def array_of_mixed(x):
    return np.array((1, 2.5)), np.array([(1, 2.5), (3, 4)]), np.array((True, 2, x)), np.array([(1, x), (x, 2)])


@njit
def array_of_mixed_dtype():
    return np.array((1, 2.5, True), np.float32), np.array([(1, 2.5), (3, 4)], dtype=np.int64)


@njit
def array_of_complex():
    return np.array((1, 2.5, 1j))


def test_array_of_mixed_numbers():
    same(array_of_mixed, 7)
    same(array_of_mixed, 0.5)
    same(array_of_mixed_dtype)
    same(array_of_complex)


# ---- 6. searchsorted side= -------------------------------------------------

SORTED = np.array([1.0, 2.0, 2.0, 2.0, 3.5, 7.0])


@njit
def search_sides(a, v):
    return np.searchsorted(a, v), np.searchsorted(a, v, side="left"), np.searchsorted(a, v, side="right"), np.searchsorted(a, v, "right")


@pytest.mark.parametrize("v", [2.0, 0.0, 9.0, 3.5, np.array([2.0, 7.0, 1.0, 0.5]), np.array([[2, 3], [7, 1]])])
def test_searchsorted_side(v):
    same(search_sides, SORTED, v)


@njit
def search_bad_side(a):
    return np.searchsorted(a, 2.0, side="middle")


def test_searchsorted_bad_side():
    with pytest.raises(ValueError, match="side"):
        search_bad_side(SORTED)


# ---- 7. enumerate and zip in for loops ---------------------------------------


@njit
def enum_range(n):
    s = 0
    for i, x in enumerate(range(n)):
        s += i * 10 + x
    return s


@njit
def enum_array(a):
    s = 0.0
    last = -1
    for i, x in enumerate(a):
        s += i * x
        last = i
    return s, last


@njit
def enum_start(a, k):
    s = 0.0
    for i, x in enumerate(a, k):
        s += i * x
    for i, x in enumerate(a, start=-2):
        s += i + x
    return s


@njit
def enum_rows(a):
    s = 0.0
    for i, row in enumerate(a):
        for j, x in enumerate(row):
            s += (i + 1) * (j + 2) * x
    return s


@njit
def enum_tuple(t):
    s = 0
    for i, x in enumerate(t):
        s += (i + 1) * x
    return s


@njit
def zip_arrays(a, b):
    s = 0.0
    n = 0
    for x, y in zip(a, b):
        s += x * y
        n += 1
    return s, n


@njit
def zip_three(a, b, n):
    s = 0.0
    for x, y, k in zip(a, b, range(n)):
        s += x - y * k
    return s


@njit
def enum_zip(a, b):
    s = 0.0
    for i, (x, y) in enumerate(zip(a, b)):
        s += i * x + y
    return s


@njit
def zip_enum(a, t):
    s = 0.0
    for (i, x), y in zip(enumerate(a), t):
        s += i * x * y
    return s


@njit
def zip_pairs(a, b):
    s = 0.0
    for p in zip(a, b):
        s += p[0] - p[1]
    return s


@njit
def loop_control(a, b):
    """continue/break/else with a hidden counter."""
    s = 0.0
    for i, (x, y) in enumerate(zip(a, b)):
        if i == 1:
            continue
        if x > 100:
            break
        s += i * (x + y)
    else:
        s = -s
    return s


@njit
def zip_empty(a):
    n = 0
    for _ in zip():
        n += 1
    for _ in zip(a, a[:0]):
        n += 1
    return n


@njit
def zip_2d(a, b):
    s = 0.0
    for row, x in zip(a, b):
        s += row.sum() * x
    return s


def test_enumerate():
    same(enum_range, 7)
    same(enum_range, 0)
    same(enum_array, V)
    same(enum_array, W)
    same(enum_array, V[:0])
    same(enum_start, V, 3)
    same(enum_rows, A2)
    same(enum_rows, A3[1])
    same(enum_tuple, (4, 5, 6))


def test_zip():
    same(zip_arrays, V, W)
    same(zip_arrays, W, V)
    same(zip_three, V, W, 3)
    same(zip_three, V, W, 10)
    same(enum_zip, V, W)
    same(zip_enum, V, (2.0, 3.0))
    same(zip_pairs, V, W[::-1])
    same(zip_empty, V)
    same(zip_2d, A2, V)


def test_loop_control():
    same(loop_control, V, W)
    same(loop_control, V * 100, W)


@njit
def enumerate_outside_loop(a):
    e = enumerate(a)
    return e


def test_enumerate_outside_a_loop_is_a_clear_error():
    with pytest.raises((errors.TypingError, errors.UnsupportedError)):
        enumerate_outside_loop(V)


# ---- 8. small related tuple operations -------------------------------------


@njit
def tuple_ops(t, a):
    u = t + a.shape
    return len(u), u, tuple(t), len(a.shape[1:]), t[-1]


def test_tuple_operations():
    same(tuple_ops, (1, 2.5), A2)


@njit
def len_prunes(t):
    if len(t) == 2:
        return t[1]
    return t[0]


def test_len_of_a_tuple_is_a_constant():
    same(len_prunes, (1.5, 2.5))
    same(len_prunes, (4.0,))


@njit
def empty_tuple():
    return tuple(), len(())


def test_empty_tuple():
    same(empty_tuple)


@njit
def array_of(t):
    return np.array(t)


@pytest.mark.parametrize("t", [
    (np.int8(1), np.int8(-2)),
    (np.int8(1), np.uint16(2)),
    (np.int16(3), np.float32(0.5)),
    (np.uint64(3), 1),
    (True, np.int8(4)),
    (np.float32(1.5), 2.5),
    ((np.int8(1), 2.5), (3, np.float32(4))),
])
def test_array_promotes_like_numpy(t):
    same(array_of, t)


# ---- references of arrays made in compiled code ----------------------------


@njit
def made_arrays_through_new_forms(n):
    a = np.ones((n, 2, 1))
    b = np.arange(n * 1.0)
    s = 0.0
    for i, (row, x) in enumerate(zip(a, b)):
        s += row.sum() * x + i
    for x, row in zip(b, a):
        if x > 1:
            break
        s += row[0, 0]
    t = (a, b, a)[1:]
    s += t[0].sum() + tuple(t)[1].sum()
    s += np.squeeze(a, 2).sum() + a[..., 0].sum()
    a[...] = 2.0
    return s + a.sum(), np.squeeze(a, -1)


@pytest.mark.skipif(IS_NUMBA, reason="rumbo's NRT statistics")
def test_no_leaks_through_the_new_forms():
    import gc

    from rumbo import _core

    same(made_arrays_through_new_forms, 4)
    gc.collect()
    alloc0, free0 = _core.nrt_stats()
    for _ in range(200):
        made_arrays_through_new_forms(5)
    gc.collect()
    alloc1, free1 = _core.nrt_stats()
    assert alloc1 - alloc0 >= 400
    assert alloc1 - alloc0 == free1 - free0, (alloc1 - alloc0, free1 - free0)


@njit
def return_ellipsis():
    x = ...
    return x


@njit
def ellipsis_and_newaxis(a):
    return a[..., None], a[None, ..., 1]


def test_ellipsis_with_new_axes():
    same(ellipsis_and_newaxis, A3)


@pytest.mark.skipif(IS_NUMBA, reason="Numba returns Ellipsis")
def test_returning_ellipsis_is_unsupported():
    with pytest.raises(errors.UnsupportedError):
        return_ellipsis()


@njit
def list_literal_comparisons(x):
    return [1, x] == (1, x), [1, x] != (1, x), [1, x] == [1, x], [1, x] < [1, x + 1]


def test_a_list_never_equals_a_tuple():
    same(list_literal_comparisons, 2)
