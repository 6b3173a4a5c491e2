"""Differential tests for NumPy arrays passed to compiled functions.

The oracle is the very same function run by CPython/NumPy (``cf.py_func``):
arrays of every supported dtype, 1-D to 3-D, C/F/non-contiguous/negative-stride
layouts, empty and read-only arrays; integer, tuple, partial and slice
indexing; setitem with NumPy's value conversions (on copies of the input, then
compared element by element); attributes; iteration; explicit reduction loops
driven by hypothesis; and the errors (bounds checks, typing errors).

Compiled functions cannot return arrays yet: the functions below return
scalars or tuples of scalars read from views, or write into an output array
passed as an argument.

Scalars NumPy hands back (np.float32(1.5), np.int8(3), np.True_) are turned
into Python scalars with ``.item()`` before the comparison, so the kind check
of ``assert_same`` (bool/int/float/complex) still applies.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conftest import IS_RUMBO, INT64_MAX, INT64_MIN, assert_same, errors, njit, same

inf = math.inf
nan = math.nan

ALL_DTYPES = [
    np.bool_,
    np.int8, np.int16, np.int32, np.int64,
    np.uint8, np.uint16, np.uint32, np.uint64,
    np.float32, np.float64,
    np.complex64, np.complex128,
]
DTYPE_IDS = [np.dtype(d).name for d in ALL_DTYPES]

# When rumbo learns to return arrays, flip this (and delete
# test_returning_an_array_is_unsupported): test_returning_arrays then runs.
RUMBO_RETURNS_ARRAYS = True

BOUNDS_DEPARTURE = "Numba does not check bounds unless boundscheck=True (rumbo checks by default)"

# hypothesis: few examples, fixed seed, no example database on disk
_N = 25 if settings().max_examples <= 30 else settings().max_examples
FEW = settings(max_examples=_N, deadline=None, derandomize=True, database=None)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def py(v):
    """NumPy scalars (and tuples of them) as Python scalars."""
    if isinstance(v, tuple):
        return tuple(py(x) for x in v)
    if isinstance(v, np.generic):
        return v.item()
    return v


def oracle(cf, *args):
    with np.errstate(all="ignore"):
        return py(cf.py_func(*args))


def check(cf, *args, **kw):
    """cf(*args) against cf.py_func(*args) (no argument is modified)."""
    expected = oracle(cf, *args)
    got = cf(*args)
    assert_same(got, expected, msg=f"{cf.py_func.__name__}{args!r}:", **kw)


def assert_same_array(got, expected, msg=""):
    assert isinstance(got, np.ndarray), msg
    assert got.dtype == expected.dtype, msg
    assert got.shape == expected.shape, msg
    for i, (g, e) in enumerate(zip(got.ravel(order="K").tolist(), expected.ravel(order="K").tolist())):
        assert same(g, e), f"{msg} element {i} (flat, memory order): got {g!r}, expected {e!r}"


def check_mutating(cf, make_args):
    """Runs cf and its py_func on two fresh sets of arguments (``make_args()``
    builds them, views included, so both sides see the same layouts); compares
    the results and then every array argument element by element."""
    exp_args = make_args()
    got_args = make_args()
    expected = oracle(cf, *exp_args)
    got = cf(*got_args)
    name = cf.py_func.__name__
    assert_same(got, expected, msg=f"{name}: result")
    for k, (g, e) in enumerate(zip(got_args, exp_args)):
        if isinstance(g, np.ndarray):
            assert_same_array(g, e, msg=f"{name}: argument {k}")


def sample(dtype, shape):
    """A C-contiguous array of distinct, range-spanning values (extremes,
    -0.0, inf and nan included for the inexact dtypes)."""
    dt = np.dtype(dtype)
    n = math.prod(shape)
    k = range(n)
    if dt.kind == "b":
        vals = [(i * 7) % 3 == 1 for i in k]
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        span = int(info.max) - int(info.min) + 1
        vals = [(int(info.min) + i * 2654435761) % span + int(info.min) for i in k]
        vals[:3] = [int(info.min), int(info.max), 0][: len(vals[:3])]
    elif dt.kind == "f":
        specials = [-0.0, inf, -inf, nan, float(np.finfo(dt).max), float(np.finfo(dt).tiny)]
        vals = [i * 1.25 - 7.5 for i in k]
        vals[: len(specials)] = specials[:n]
    else:
        vals = [complex(i * 1.5 - 4, 3 - i * 0.75) for i in k]
        vals[:3] = [complex(-0.0, nan), complex(inf, -1), complex(1, -inf)][:n]
    return np.array(vals, dtype=dt).reshape(shape)


# view transformations; each name describes what the compiled code sees
def _layouts(ndim):
    if ndim == 1:
        return {
            "C": lambda b: b,
            "step2": lambda b: b[1::2],
            "reversed": lambda b: b[::-1],
            "slice_of_slice": lambda b: b[1:][::-3],
        }
    if ndim == 2:
        return {
            "C": lambda b: b,
            "F": lambda b: np.asfortranarray(b),
            "cols_step2": lambda b: b[:, ::2],
            "rows_reversed": lambda b: b[::-1],
            "T": lambda b: b.T,
            "slice_of_slice": lambda b: b[::-1][:-1][:, 1::2],
        }
    return {
        "C": lambda b: b,
        "F": lambda b: np.asfortranarray(b),
        "middle_step2": lambda b: b[:, ::2],
        "reversed": lambda b: b[::-1, :, ::-1],
        "T": lambda b: b.T,
        "slice_of_slice": lambda b: b[1:][:, 1:][::-1, :, ::2],
    }


SHAPES = {1: (11,), 2: (5, 6), 3: (3, 4, 5)}


def layout_cases(ndims=(1, 2, 3), dtypes=ALL_DTYPES, layouts=None):
    out = []
    for ndim in ndims:
        for dt in dtypes:
            for name, fn in _layouts(ndim).items():
                if layouts is not None and name not in layouts:
                    continue
                out.append(pytest.param(np.dtype(dt), ndim, fn, id=f"{ndim}d-{np.dtype(dt).name}-{name}"))
    return out


# ---------------------------------------------------------------------------
# functions under test (module level: rumbo reads their source file)
# ---------------------------------------------------------------------------


def copy1(a, out):
    for i in range(a.shape[0]):
        out[i] = a[i]


def copy2(a, out):
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] = a[i, j]


def copy3(a, out):
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            for k in range(a.shape[2]):
                out[i, j, k] = a[i, j, k]


def corners1(a):
    return a[0], a[-1], a[1], a[-2]


def corners2(a):
    return a[0, 0], a[-1, -1], a[1, -2], a[-2, 1]


def corners3(a):
    return a[0, 0, 0], a[-1, -1, -1], a[1, -2, 0], a[-1, 1, -2]


COPY = {1: njit(copy1), 2: njit(copy2), 3: njit(copy3)}
CORNERS = {1: njit(corners1), 2: njit(corners2), 3: njit(corners3)}


# ---------------------------------------------------------------------------
# passing arrays: dtypes x dimensions x layouts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype,ndim,view",
    layout_cases(ndims=(2,))
    + layout_cases(ndims=(1, 3), layouts=("C", "reversed"))
    + layout_cases(ndims=(1, 3), dtypes=[np.float64, np.int16], layouts=None),
)
def test_read_every_element(dtype, ndim, view):
    """Every element read through the array's strides, written into a C array."""
    a = view(sample(dtype, SHAPES[ndim]))
    exp_out = np.zeros(a.shape, dtype)
    got_out = np.zeros(a.shape, dtype)
    cf = COPY[ndim]
    cf.py_func(a, exp_out)
    assert cf(a, got_out) is None
    assert_same_array(got_out, exp_out)
    # and the scalar each element comes back as (kinds checked too)
    check(CORNERS[ndim], a)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=DTYPE_IDS)
def test_element_kinds(dtype):
    a = sample(dtype, (4,))
    got = CORNERS[1](a)
    kind = {"b": bool, "i": int, "u": int, "f": float, "c": complex}[np.dtype(dtype).kind]
    assert all(type(x) is kind for x in got), got
    assert_same(got, py(corners1(a)))


@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_read_only_arrays_can_be_read(ndim):
    a = sample(np.float64, SHAPES[ndim])
    a.flags.writeable = False
    out = np.zeros(a.shape)
    COPY[ndim](a, out)
    np.testing.assert_array_equal(out, a)
    check(CORNERS[ndim], a)
    check(CORNERS[ndim], a[::-1])  # read-only views stay readable


def broadcast_read(a, i, j):
    return a[i, j], a.shape, a.strides, a.size


c_broadcast_read = njit(broadcast_read)


def test_read_only_broadcast_view_with_zero_strides():
    a = np.broadcast_to(np.arange(3.0), (4, 3))  # read-only, strides (0, 8)
    assert not a.flags.writeable
    for i, j in [(0, 0), (3, 2), (-1, -2), (2, 1)]:
        check(c_broadcast_read, a, i, j)


def empty_info(a):
    n = 0
    for i in range(a.shape[0]):
        n += 1
    return a.shape, a.size, a.ndim, a.nbytes, a.itemsize, len(a), n


c_empty_info = njit(empty_info)


@pytest.mark.parametrize(
    "shape", [(0,), (0, 3), (3, 0), (2, 0, 4), (0, 0, 0)], ids=lambda s: "x".join(map(str, s))
)
@pytest.mark.parametrize("dtype", [np.float64, np.int8, np.complex128, np.bool_], ids=lambda d: np.dtype(d).name)
def test_empty_arrays(shape, dtype):
    a = np.zeros(shape, dtype)
    check(c_empty_info, a)
    out = np.zeros(shape, dtype)
    COPY[len(shape)](a, out)  # no iteration at all
    check(c_empty_info, a.T)


def test_empty_views():
    base = np.arange(12.0).reshape(3, 4)
    for v in [base[2:1], base[:, 4:], base[::-1][3:], base.T[:0]]:
        check(c_empty_info, v)


def test_same_function_many_layouts_and_dtypes_in_turn():
    # one dispatcher, arguments alternating between types (one compilation
    # each, dispatch must pick the right one every time)
    cf = njit(corners2)
    for _ in range(2):
        for dt in (np.float64, np.int32, np.float64, np.uint8):
            b = sample(dt, (5, 6))
            for fn in _layouts(2).values():
                check(cf, fn(b))


# ---------------------------------------------------------------------------
# indexing
# ---------------------------------------------------------------------------


def get1(a, i):
    return a[i]


def get2(a, i, j):
    return a[i, j]


def get2_chained(a, i, j):
    return a[i][j]


def get3(a, i, j, k):
    return a[i, j, k]


c_get1 = njit(get1)
c_get2 = njit(get2)
c_get2_chained = njit(get2_chained)
c_get3 = njit(get3)


@given(st.data())
@FEW
def test_integer_indexing_1d(data):
    n = data.draw(st.integers(1, 12))
    a = np.arange(n, dtype=np.float64) * 1.5 - 3
    i = data.draw(st.integers(-n, n - 1))
    check(c_get1, a, i)
    check(c_get1, a[::-2], i // 2 if i >= 0 else -((-i + 1) // 2))


@given(st.data())
@FEW
def test_tuple_indexing_2d_3d(data):
    n, m, p = data.draw(st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)))
    a = np.arange(n * m * p, dtype=np.int64).reshape(n, m, p) * 7 - 50
    i = data.draw(st.integers(-n, n - 1))
    j = data.draw(st.integers(-m, m - 1))
    k = data.draw(st.integers(-p, p - 1))
    check(c_get3, a, i, j, k)
    check(c_get3, np.asfortranarray(a), i, j, k)
    check(c_get2, a[:, :, 0], i, j)
    check(c_get2_chained, a[:, :, -1], i, j)
    check(c_get2, a[::-1, ::-1, 0].T, j, i)


@pytest.mark.parametrize(
    "idx",
    [np.int8(-1), np.int16(3), np.int32(-4), np.uint8(200), np.uint16(250), np.uint32(7), np.uint64(299), np.int64(-300)],
    ids=repr,
)
def test_index_of_every_integer_type(idx):
    check(c_get1, np.arange(300) * 3, idx)


def partial_2d(a, i, j):
    r = a[i]
    return r[j], r[-1], r.shape[0], r.strides[0], r.ndim, len(r)


def partial_3d(a, i, j, k):
    m = a[i]  # 2-D view
    r = m[j]  # 1-D view
    s = a[i, j]  # same row in one step
    return m.shape, m.strides, r[k], s[k], r.shape, s.strides, m[-1, -1]


c_partial_2d = njit(partial_2d)
c_partial_3d = njit(partial_3d)


@pytest.mark.parametrize("view", list(_layouts(2).values()), ids=list(_layouts(2)))
def test_partial_indexing_2d(view):
    a = view(sample(np.int32, (5, 6)))
    for i, j in [(0, 0), (-1, -1), (2, 1), (-2, 0)]:
        check(c_partial_2d, a, i, j)


@pytest.mark.parametrize("view", list(_layouts(3).values()), ids=list(_layouts(3)))
def test_partial_indexing_3d(view):
    a = view(sample(np.float32, (4, 6, 5)))
    for i, j, k in [(0, 0, 0), (-1, -1, -1), (1, 2, -2)]:
        check(c_partial_3d, a, i, j, k)


def mixed_int_and_slices(a):
    b = a[1, ::2]  # row 1, every other column
    c = a[:, 2]  # a column
    d = a[1:3, -1]
    e = a[::-1, 1:][2]
    return b.shape, b[1], c.shape, c[-1], c.strides, d[0], d[1], d.shape, e[0], e.shape, e.strides


c_mixed = njit(mixed_int_and_slices)


@pytest.mark.parametrize("view", list(_layouts(2).values()), ids=list(_layouts(2)))
def test_mixed_integer_and_slice_indexing(view):
    check(c_mixed, view(np.arange(42, dtype=np.int64).reshape(6, 7)))


def slice_view(a, lo, hi, step):
    b = a[lo:hi:step]
    n = len(b)
    s = 0.0
    for k in range(n):
        s = s * 3 + b[k]
    first = b[0] if n > 0 else -1.0
    last = b[-1] if n > 0 else -1.0
    # NumPy normalizes the stride of empty views: compare it on non-empty ones
    # of arrays longer than 1 (see test_strides_of_contiguous_arrays_with_degenerate_axes)
    stride = b.strides[0] if n > 0 and len(a) > 1 else 0
    return n, b.shape[0], b.size, stride, first, last, s


c_slice_view = njit(slice_view)

BOUND = st.one_of(st.integers(-14, 14), st.sampled_from([INT64_MIN, INT64_MAX, INT64_MIN + 1, 2**62, -(2**62)]))
STEP = st.one_of(
    st.integers(-5, 5).filter(bool), st.sampled_from([INT64_MAX, INT64_MIN + 1, INT64_MIN, 1000, -1000])
)


@given(st.integers(0, 12), BOUND, BOUND, STEP, st.booleans())
@FEW
def test_slicing_with_steps_clamps_like_python(n, lo, hi, step, reversed_base):
    a = np.arange(n, dtype=np.float64) * 2 - 5
    if reversed_base:
        a = a[::-1]
    check(c_slice_view, a, lo, hi, step)


@pytest.mark.parametrize(
    "lo,hi,step",
    [(0, 10, 1), (1, -1, 2), (-100, 100, 3), (100, -100, -1), (8, 2, -2), (5, 5, 1),
     (-3, -1, 1), (9, 0, -4), (20, 30, 1), (-20, -30, -1), (3, 1, 1), (0, 10, 11), (-1, -11, -1)],
)
def test_slicing_examples(lo, hi, step):
    check(c_slice_view, np.arange(10.0), lo, hi, step)
    check(c_slice_view, np.arange(20.0)[::2], lo, hi, step)


def slice_omitted_bounds(a):
    b = a[::-1]
    c = a[3:]
    d = a[:3]
    e = a[::3]
    f = a[:]
    g = a[-2:]
    h = a[:-7:-2]
    k = a[100:]
    m = a[:-100]
    return (b[0], len(c), c[0], len(d), d[-1], len(e), e[-1], len(f), g[0], len(h), h[-1],
            len(k), len(m), b.strides[0], h.strides[0])


c_slice_omitted = njit(slice_omitted_bounds)


@pytest.mark.parametrize("view", list(_layouts(1).values()), ids=list(_layouts(1)))
def test_slicing_omitted_bounds(view):
    check(c_slice_omitted, view(np.arange(25, dtype=np.int16)))


def slices_2d(a):
    b = a[1:, ::-2]
    c = b[::-1, 1:]  # slice of a slice
    d = c[1:, :][:, ::-1]
    return b.shape, b.strides, b[0, 0], b[-1, -1], c.shape, c[0, 0], c[-1, -1], c.strides, d.shape, d[0, 0], d.strides


c_slices_2d = njit(slices_2d)


@pytest.mark.parametrize("view", list(_layouts(2).values()), ids=list(_layouts(2)))
def test_slices_of_slices_2d(view):
    check(c_slices_2d, view(np.arange(48, dtype=np.uint16).reshape(6, 8)))


def slice_3d(a, i):
    v = a[:, i, ::-1]
    w = a[i:, ::2][-1]
    return v.shape, v.strides, v[0, 0], v[-1, -1], w.shape, w[0, 0], w.strides


c_slice_3d = njit(slice_3d)


@pytest.mark.parametrize("view", list(_layouts(3).values()), ids=list(_layouts(3)))
def test_slices_3d(view):
    a = view(sample(np.complex128, (4, 4, 5)))
    for i in (0, 1, -1):
        check(c_slice_3d, a, i)


# ---------------------------------------------------------------------------
# setitem
# ---------------------------------------------------------------------------


def set1(a, i, v):
    a[i] = v
    return a[i]


def set2(a, i, j, v):
    a[i, j] = v
    return a[i, j], a[i][j]


def set3(a, i, j, k, v):
    a[i, j, k] = v
    return a[i, j, k]


c_set1 = njit(set1)
c_set2 = njit(set2)
c_set3 = njit(set3)

# (array dtype, value): NumPy's conversion on item assignment (`unsafe`
# casting: truncation toward zero, wrap-around, nonzero -> True). Values
# NumPy would reject as Python ints are passed as NumPy int64/uint64 scalars.
CONVERSIONS = [
    (np.int64, 2.7), (np.int64, -2.7), (np.int32, 1e9 + 0.99), (np.int8, -128.9),
    (np.uint8, 255.9), (np.uint16, 0.5), (np.int16, True), (np.uint8, np.int64(-3)),
    (np.uint64, np.int64(-1)), (np.uint64, np.uint64(2**64 - 1)), (np.uint32, np.uint64(2**32 + 5)),
    (np.bool_, 2), (np.bool_, 0), (np.bool_, 0.5), (np.bool_, -0.0), (np.bool_, nan),
    (np.float32, 0.1), (np.float32, 1e40), (np.float32, -1e-50), (np.float32, 16777217),
    (np.float32, np.int64(2**60 + 2**36 + 1)),
    (np.float64, True), (np.float64, 2**53 + 1), (np.float64, np.uint64(2**64 - 1)), (np.float64, -0.0),
    (np.float64, nan), (np.float64, np.float32(0.1)),
    (np.complex64, 0.1 + 2j), (np.complex64, 1.5), (np.complex128, True), (np.complex128, -7),
    (np.complex128, np.complex64(1 - 1j)), (np.complex64, np.uint64(2**64 - 1)),
]


@pytest.mark.parametrize("dtype,value", CONVERSIONS, ids=lambda x: repr(x) if not isinstance(x, type) else x.__name__)
def test_setitem_converts_like_numpy(dtype, value):
    check_mutating(c_set1, lambda: (np.zeros(5, dtype), 1, value))
    check_mutating(c_set1, lambda: (np.zeros(5, dtype), -1, value))
    check_mutating(c_set2, lambda: (np.zeros((3, 4), dtype), -1, 2, value))


# Integers out of the array's range wrap around (two's complement), as in
# Numba and as NumPy's astype(..., casting="unsafe"); NumPy's own item
# assignment raises OverflowError for some of these (np.int64(300) into int8).
WRAPPING = [
    (np.int64, np.uint64(2**64 - 1)), (np.int32, np.int64(2**40 + 7)), (np.int8, np.int64(300)),
    (np.uint8, np.int64(-3)), (np.int16, np.uint64(2**63)), (np.uint16, np.int64(-1)),
    (np.int8, np.int16(-129)), (np.uint32, np.int64(-(2**40) - 1)),
]


@pytest.mark.parametrize("dtype,value", WRAPPING, ids=lambda x: repr(x) if not isinstance(x, type) else x.__name__)
def test_setitem_wraps_out_of_range_integers(dtype, value):
    expected = np.array(value).astype(dtype, casting="unsafe").item()
    a = np.zeros(4, dtype)
    assert_same(c_set1(a, 2, value), expected)
    assert_same(py(a[2]), expected)
    assert a.tolist() == [0, 0, expected, 0]


@pytest.mark.parametrize("view", list(_layouts(2).values()), ids=list(_layouts(2)))
def test_setitem_2d_layouts(view):
    for i, j in [(0, 0), (-1, -1), (1, -2)]:
        check_mutating(c_set2, lambda: (view(sample(np.float64, (5, 6))), i, j, 42.5))


@pytest.mark.parametrize("view", list(_layouts(3).values()), ids=list(_layouts(3)))
def test_setitem_3d_layouts(view):
    check_mutating(c_set3, lambda: (view(sample(np.int16, (3, 4, 5))), -1, 1, -2, 1234))


def fill_pattern(a):
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j] = i * 100 + j


c_fill_pattern = njit(fill_pattern)


@pytest.mark.parametrize("view", list(_layouts(2).values()), ids=list(_layouts(2)))
def test_mutation_is_visible_to_the_caller(view):
    def setup():
        base = np.zeros((5, 6), np.int64)
        a = view(base)
        return (base if np.shares_memory(a, base) else a), a  # asfortranarray copies

    exp_base, exp_view = setup()
    fill_pattern(exp_view)
    base, a = setup()
    # the compiled code writes into the caller's memory: no copy in or out
    assert c_fill_pattern(a) is None
    np.testing.assert_array_equal(base, exp_base)
    np.testing.assert_array_equal(a, exp_view)
    assert base.any()


def write_through_views(a):
    r = a[1]
    r[2] = 7  # write through a row view
    c = a[::-1, 1]
    c[0] = 9  # a column view of the reversed array: a[-1, 1]
    t = a.T
    t[3, 0] = 5  # a[0, 3]
    s = a[1:][::2]
    s[1, -1] = -4  # a[3, -1]
    return a[1, 2], a[-1, 1], a[0, 3], a[3, -1]


c_write_through_views = njit(write_through_views)


def test_writes_through_views_reach_the_base():
    base = np.zeros((5, 6), np.int16)
    expected = base.copy()
    assert_same(c_write_through_views(base), py(write_through_views(expected)))
    np.testing.assert_array_equal(base, expected)
    assert base[1, 2] == 7 and base[-1, 1] == 9 and base[0, 3] == 5 and base[3, -1] == -4


def increment_all(a):
    for i in range(len(a)):
        a[i] = a[i] + 1


c_increment_all = njit(increment_all)


def test_mutating_a_strided_view_only_touches_its_elements():
    base = np.arange(20.0)
    c_increment_all(base[3:17:3])
    expected = np.arange(20.0)
    expected[3:17:3] += 1
    np.testing.assert_array_equal(base, expected)
    c_increment_all(base[::-4])
    expected[::-4] += 1
    np.testing.assert_array_equal(base, expected)


def augmented(a, i, j):
    a[i, j] += 1.5
    a[i][j] *= 2
    return a[i, j]


c_augmented = njit(augmented)


def test_augmented_item_assignment():
    check_mutating(c_augmented, lambda: (sample(np.float64, (3, 4)), 1, -1))
    check_mutating(c_augmented, lambda: (sample(np.int32, (3, 4))[::-1], 2, 0))
    check_mutating(c_augmented, lambda: (sample(np.int32, (3, 4)).T, 2, 0))


# ---------------------------------------------------------------------------
# attributes
# ---------------------------------------------------------------------------


def attrs(a):
    return a.shape, a.size, a.ndim, a.strides, a.itemsize, a.nbytes, len(a)


def attrs_no_strides(a):
    return a.shape, a.size, a.ndim, a.itemsize, a.nbytes, len(a)


c_attrs = njit(attrs)
c_attrs_no_strides = njit(attrs_no_strides)


@pytest.mark.parametrize(
    "dtype,ndim,view",
    layout_cases(dtypes=[np.float64, np.int8, np.complex64, np.uint32])
    + layout_cases(ndims=(1,), dtypes=[np.bool_, np.int16, np.int64, np.uint64, np.float32, np.complex128],
                   layouts=("C", "step2")),
)
def test_attributes(dtype, ndim, view):
    check(c_attrs, view(sample(dtype, SHAPES[ndim])))


def test_attributes_of_empty_arrays():
    for a in [np.zeros((0, 3)), np.zeros((3, 0, 2), np.int8), np.zeros(0, np.complex64), np.zeros((4, 0)).T]:
        check(c_attrs_no_strides, a)


def transposed(a):
    t = a.T
    return t.shape, t.strides, t.ndim, t[1, 0], t[-1, 0], t[0, -1], t.T[1, 2], len(t)


def transposed3(a):
    t = a.T
    return t.shape, t.strides, t[1, 0, 1], t[-1, -1, -1], t[3][2][1], t.T[1, 2, 3]


c_transposed = njit(transposed)
c_transposed3 = njit(transposed3)


@pytest.mark.parametrize("view", list(_layouts(2).values()), ids=list(_layouts(2)))
def test_transpose(view):
    check(c_transposed, view(sample(np.int64, (5, 6))))


@pytest.mark.parametrize("view", list(_layouts(3).values()), ids=list(_layouts(3)))
def test_transpose_3d(view):
    check(c_transposed3, view(sample(np.float64, (6, 6, 8))))


def shape_unpack(a):
    n, m = a.shape
    return n, m, a.shape[-1], a.strides[1], a.shape[0] * a.shape[1] == a.size


c_shape_unpack = njit(shape_unpack)


def test_shape_tuple_unpacking_and_negative_index():
    for fn in _layouts(2).values():
        check(c_shape_unpack, fn(np.ones((3, 4))))


def transpose_1d(a):
    t = a.T
    return t.shape, t.strides, t[0], t[-1]


c_transpose_1d = njit(transpose_1d)


def test_transpose_of_1d_is_itself():
    check(c_transpose_1d, np.arange(5.0))
    check(c_transpose_1d, np.arange(10.0)[::-3])


# ---------------------------------------------------------------------------
# iteration
# ---------------------------------------------------------------------------


def iterate(a, zero):
    s = zero
    n = 0
    first = zero
    last = zero
    for x in a:
        s += x
        if n == 0:
            first = x
        n += 1
        last = x
    return s, n, first, last


c_iterate = njit(iterate)


@pytest.mark.parametrize(
    "a",
    [
        np.arange(10.0), np.arange(10.0)[::-3], np.zeros(0), np.arange(10.0)[5:2], np.arange(20.0)[1:15:4],
        np.arange(12.0).reshape(3, 4)[:, 1], np.arange(12.0).reshape(3, 4)[-1], np.asfortranarray(np.ones((3, 4)))[:, 2],
    ],
    ids=["C", "reversed_step3", "empty", "empty_slice", "step4", "column", "row", "F_column"],
)
def test_iteration_float(a):
    check(c_iterate, a, 0.0)
    check(c_iterate, a, np.float64(0))


@pytest.mark.parametrize("dtype", [np.int64, np.int8, np.uint16, np.float32, np.complex128], ids=lambda d: np.dtype(d).name)
def test_iteration_dtypes(dtype):
    a = np.arange(12).astype(dtype)
    zero = dtype(0)
    check(c_iterate, a, zero)
    check(c_iterate, a[::-2], zero)
    check(c_iterate, a[:0], zero)


def count_true(a):
    n = 0
    for x in a:
        if x:
            n += 1
    return n


c_count_true = njit(count_true)


def test_iteration_bool():
    a = sample(np.bool_, (17,))
    check(c_count_true, a)
    check(c_count_true, a[::-2])


def iterate_twice_nested(a, b):
    s = 0.0
    for x in a:
        for y in b:
            s += x * y
    return s


c_iterate_twice_nested = njit(iterate_twice_nested)


def test_nested_iteration():
    a = np.arange(5.0)
    check(c_iterate_twice_nested, a, a[::-2])
    check(c_iterate_twice_nested, a[:0], a)


# ---------------------------------------------------------------------------
# explicit loops, hypothesis-driven
# ---------------------------------------------------------------------------
#
# The accumulators start from `zero`, a NumPy scalar of the array's dtype, so
# CPython and the compiled code accumulate in the same type (NumPy 2 keeps
# `0.0 + float32` in float32 while Numba types a float literal as float64).
# The loop order is the same, so results must be bit-for-bit equal.


def elements(dtype):
    if dtype == np.int64:
        return st.integers(-(2**26), 2**26)  # dot products stay far from overflow
    big = float(np.finfo(dtype).max)
    specials = [nan, inf, -inf, -0.0, 0.0, 1.0, -1.0, big, -big, float(np.finfo(dtype).smallest_subnormal)]
    width = 32 if dtype == np.float32 else 64
    return st.one_of(st.sampled_from(specials), st.floats(width=width))


LOOP_DTYPES = [np.float32, np.float64, np.int64]


def arrays_1d(dtype, n=None):
    shape = st.integers(0, 50) if n is None else st.just(n)
    return hnp.arrays(dtype, shape, elements=elements(dtype))


def loop_sum(a, zero):
    s = zero
    for i in range(a.shape[0]):
        s += a[i]
    return s


def loop_max(a, zero):
    m = zero
    k = -1
    for i in range(len(a)):
        if k == -1 or a[i] > m:
            m = a[i]
            k = i
    return m, k


def loop_dot(a, b, zero):
    s = zero
    for i in range(len(a)):
        s += a[i] * b[i]
    return s


def prefix_sum(a, out, zero):
    s = zero
    for i in range(a.shape[0]):
        s = s + a[i]
        out[i] = s


def row_sums(a, out, zero):
    for i in range(a.shape[0]):
        s = zero
        for j in range(a.shape[1]):
            s += a[i, j]
        out[i] = s


c_loop_sum = njit(loop_sum)
c_loop_max = njit(loop_max)
c_loop_dot = njit(loop_dot)
c_prefix_sum = njit(prefix_sum)
c_row_sums = njit(row_sums)

VIEWS_1D = {"C": lambda x: x, "reversed": lambda x: x[::-1], "step2": lambda x: x[::2]}


@pytest.mark.parametrize("dtype", LOOP_DTYPES, ids=lambda d: np.dtype(d).name)
@given(data=st.data())
@FEW
def test_loop_sum_max_argmax(dtype, data):
    a = data.draw(arrays_1d(dtype))
    a = VIEWS_1D[data.draw(st.sampled_from(sorted(VIEWS_1D)))](a)
    zero = dtype(0)
    check(c_loop_sum, a, zero)
    check(c_loop_max, a, zero)


@pytest.mark.parametrize("dtype", LOOP_DTYPES, ids=lambda d: np.dtype(d).name)
@given(data=st.data())
@FEW
def test_loop_dot(dtype, data):
    n = data.draw(st.integers(0, 50))
    a = data.draw(arrays_1d(dtype, n))
    b = data.draw(arrays_1d(dtype, n))
    check(c_loop_dot, a, b, dtype(0))
    check(c_loop_dot, a[::-1], b, dtype(0))


@pytest.mark.parametrize("dtype", LOOP_DTYPES, ids=lambda d: np.dtype(d).name)
@given(data=st.data())
@FEW
def test_prefix_sum_into_output_array(dtype, data):
    a = data.draw(arrays_1d(dtype))
    check_mutating(c_prefix_sum, lambda: (a, np.zeros(a.shape, dtype), dtype(0)))
    # output through a negative-stride view of a bigger buffer
    got = np.zeros(2 * a.shape[0] + 1, dtype)
    exp = got.copy()
    with np.errstate(all="ignore"):
        prefix_sum(a, exp[::-2], dtype(0))
    c_prefix_sum(a, got[::-2], dtype(0))
    assert_same_array(got, exp)


VIEWS_2D = {"C": lambda x: x, "T": lambda x: x.T, "rows_reversed": lambda x: x[::-1], "cols_step2": lambda x: x[:, ::2]}


@pytest.mark.parametrize("dtype", LOOP_DTYPES, ids=lambda d: np.dtype(d).name)
@given(data=st.data())
@FEW
def test_row_sums_2d(dtype, data):
    a = data.draw(hnp.arrays(dtype, hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=7),
                             elements=elements(dtype)))
    a = VIEWS_2D[data.draw(st.sampled_from(sorted(VIEWS_2D)))](a)
    check_mutating(c_row_sums, lambda: (a, np.zeros(a.shape[0], dtype), dtype(0)))


# ---------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------
#
# Out-of-bounds accesses use views into a larger buffer, so that under Numba
# (no bounds checks) the stray access still stays inside allocated memory.


def _oob_1d_cases():
    base = np.arange(20.0)
    v = base[5:10]
    return [(v, 5), (v, -6), (v, 100), (v, -100), (base[5:5], 0), (base[5:5], -1), (base[::-4], 5)]


@pytest.mark.numba_departure(BOUNDS_DEPARTURE)
@pytest.mark.parametrize("k", range(7))
def test_getitem_out_of_bounds_raises_index_error(k):
    a, i = _oob_1d_cases()[k]
    with pytest.raises(IndexError):
        a[i]  # NumPy agrees
    with pytest.raises(IndexError):
        c_get1(a, i)


@pytest.mark.numba_departure(BOUNDS_DEPARTURE)
@pytest.mark.parametrize("i,j", [(3, 0), (0, 3), (-4, 0), (0, -4), (2, 3)])
def test_tuple_getitem_out_of_bounds(i, j):
    v = np.arange(100.0).reshape(10, 10)[2:5, 2:5]
    with pytest.raises(IndexError):
        v[i, j]
    with pytest.raises(IndexError):
        c_get2(v, i, j)
    with pytest.raises(IndexError):
        c_get2_chained(v, i, j)


@pytest.mark.numba_departure(BOUNDS_DEPARTURE)
def test_partial_index_out_of_bounds():
    v = np.arange(100.0).reshape(10, 10)[2:5, 2:5]
    with pytest.raises(IndexError):
        c_partial_2d(v, 3, 0)
    with pytest.raises(IndexError):
        c_partial_2d(v.T, -4, 0)


@pytest.mark.numba_departure(BOUNDS_DEPARTURE)
def test_setitem_out_of_bounds_raises_and_writes_nothing():
    base = np.arange(20.0)
    with pytest.raises(IndexError):
        c_set1(base[5:10], 5, -1.0)
    with pytest.raises(IndexError):
        c_set1(base[5:10], -6, -1.0)
    base2 = np.zeros((6, 6))
    with pytest.raises(IndexError):
        c_set2(base2[1:4, 1:4], 0, 3, -1.0)
    np.testing.assert_array_equal(base, np.arange(20.0))
    np.testing.assert_array_equal(base2, np.zeros((6, 6)))


def test_in_bounds_edges_do_not_raise():
    v = np.arange(20.0)[5:10]
    assert c_get1(v, 4) == 9.0 and c_get1(v, -5) == 5.0


def too_many_indices_1d(a):
    return a[0, 0]


def too_many_indices_2d(a):
    return a[0, 1, 2]


def too_many_indices_with_slice(a):
    b = a[1:, 0, :]
    return b[0]


def store_too_many_indices(a):
    a[0, 0] = 1.0


@pytest.mark.parametrize(
    "func,arg",
    [
        (too_many_indices_1d, np.zeros(3)),
        (too_many_indices_2d, np.zeros((2, 3))),
        (too_many_indices_with_slice, np.zeros((2, 3))),
        (store_too_many_indices, np.zeros(3)),
    ],
    ids=["1d", "2d", "with_slice", "store"],
)
def test_too_many_indices_is_a_typing_error(func, arg):
    with pytest.raises(IndexError):
        func(arg)  # NumPy raises at run time
    with pytest.raises(errors.TypingError):
        njit(func)(arg)


def store_into_view(a):
    b = a[1:]
    b[0] = 1.0


def store_into_transpose(a):
    a.T[0, 1] = 1.0


@pytest.mark.parametrize("func", [set1, store_into_view], ids=["set1", "view"])
def test_storing_into_a_read_only_array_is_a_typing_error(func):
    a = np.zeros(4)
    a.flags.writeable = False
    args = (a, 0, 1.0) if func is set1 else (a,)
    with pytest.raises(ValueError):
        func(*args)  # NumPy: assignment destination is read-only
    with pytest.raises(errors.TypingError):
        njit(func)(*args)
    assert not a.any()


def test_storing_into_a_read_only_2d_array_is_a_typing_error():
    a = np.broadcast_to(np.arange(3.0), (4, 3))
    with pytest.raises(errors.TypingError):
        njit(set2)(a, 0, 1, 5.0)
    with pytest.raises(errors.TypingError):
        njit(store_into_transpose)(a)
    np.testing.assert_array_equal(a, np.broadcast_to(np.arange(3.0), (4, 3)))


def test_the_same_function_still_writes_writable_arrays():
    # the readonly flag is part of the argument type: one specialization each
    cf = njit(set1)
    ro = np.zeros(3)
    ro.flags.writeable = False
    with pytest.raises(errors.TypingError):
        cf(ro, 0, 1.0)
    rw = np.zeros(3)
    assert cf(rw, 0, 1.0) == 1.0 and rw[0] == 1.0


def index_with_float(a):
    return a[1.0]


def store_complex_into_float(a, v):
    a[0] = v


def test_other_typing_errors():
    with pytest.raises(errors.TypingError):
        njit(index_with_float)(np.zeros(3))
    # NumPy drops the imaginary part (ComplexWarning) or tests it for bool;
    # rumbo and Numba refuse at compile time
    for dtype in (np.float64, np.int32, np.bool_):
        with pytest.raises(errors.TypingError):
            njit(store_complex_into_float)(np.zeros(3, dtype), 1 + 0j)


def return_array(a):
    return a


def return_view(a):
    return a[1:]


def return_row(a):
    return a[0]


def return_tuple_with_array(a):
    return a.shape[0], a


RETURNING = [
    (return_array, np.arange(4.0)),
    (return_view, np.arange(4.0)),
    (return_row, np.arange(6.0).reshape(2, 3)),
    (return_tuple_with_array, np.arange(4.0)),
]
RETURNING_IDS = ["array", "view", "row", "tuple"]


@pytest.mark.skipif(RUMBO_RETURNS_ARRAYS, reason="rumbo returns arrays now")
@pytest.mark.numba_departure("Numba returns arrays; rumbo does not yet")
@pytest.mark.parametrize("func,arg", RETURNING, ids=RETURNING_IDS)
def test_returning_an_array_is_unsupported(func, arg):
    with pytest.raises(errors.UnsupportedError):
        njit(func)(arg)


@pytest.mark.xfail(
    IS_RUMBO and not RUMBO_RETURNS_ARRAYS, strict=True, raises=errors.UnsupportedError,
    reason="rumbo cannot return arrays yet (flip RUMBO_RETURNS_ARRAYS)",
)
@pytest.mark.parametrize("func,arg", RETURNING, ids=RETURNING_IDS)
def test_returning_arrays(func, arg):
    got = njit(func)(arg)
    expected = func(arg)
    if isinstance(expected, tuple):
        assert got[0] == expected[0]
        got, expected = got[1], expected[1]
    np.testing.assert_array_equal(got, expected)


def multi_dim_iteration(a):
    s = 0.0
    for row in a:
        s += row[0]
    return s


def test_iterating_over_a_2d_array_yields_rows():
    a = np.arange(6.0).reshape(2, 3)
    assert njit(multi_dim_iteration)(a) == multi_dim_iteration(a)
    f = np.asfortranarray(a)
    assert njit(multi_dim_iteration)(f) == multi_dim_iteration(f)


# ---------------------------------------------------------------------------
# regressions: rumbo bugs this file found (fixed)
# ---------------------------------------------------------------------------


def strides_only(a):
    return a.strides


c_strides_only = njit(strides_only)


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.arange(10.0)[::2][:1],  # shape (1,), strides (16,), C-contiguous
        lambda: np.arange(20.0).reshape(4, 5)[:1, ::2][:, :1],  # (1, 1), strides (40, 16)
        lambda: np.zeros((0, 3)),  # NumPy: strides (0, 0)
        lambda: np.zeros((3, 0)),
        lambda: np.asfortranarray(np.zeros((3, 5)))[None],  # (1, 3, 5) F only: strides (0, 8, 24)
        lambda: np.arange(1.0)[::-1],  # (1,), strides (-8,): rumbo says 8
    ],
    ids=["len1_step2", "1x1", "empty_0x3", "empty_3x0", "F_len1_axis", "len1_reversed"],
)
def test_strides_of_contiguous_arrays_with_degenerate_axes(make):
    a = make()
    assert a.flags.c_contiguous or a.flags.f_contiguous
    check(c_strides_only, a)


def choose_array(a, b, flag):
    c = a if flag else b
    s = 0.0
    for x in c:
        s += x
    return c.shape[0], len(c), c.strides[0], s


def maybe_reversed(a, flag):
    c = a
    if flag:
        c = a[::-1]
    return c.shape[0], c.strides[0], c[0], c[-1]


def drop_front(a, n):
    c = a
    for _ in range(n):
        c = c[1:]
    return c.shape[0], c[0]


c_choose_array = njit(choose_array)
c_maybe_reversed = njit(maybe_reversed)
c_drop_front = njit(drop_front)


def _writable_and_read_only():
    ro = np.arange(4.0) + 10
    ro.flags.writeable = False
    return np.arange(5.0), ro


@pytest.mark.parametrize(
    "case",
    ["cond_expr_C_path", "cond_expr_A_path", "if_not_taken", "loop", "read_only_mix"],
)
def test_variables_holding_arrays_of_different_layouts(case):
    x = np.arange(5.0)
    y = np.arange(10.0)[::2]
    if case == "cond_expr_C_path":
        check(c_choose_array, x, y, True)
    elif case == "cond_expr_A_path":
        check(c_choose_array, y, x, False)
    elif case == "if_not_taken":
        check(c_maybe_reversed, x, False)
    elif case == "loop":
        check(c_drop_front, x, 2)
    else:
        rw, ro = _writable_and_read_only()
        check(c_choose_array, rw, ro, True)


def test_variables_holding_arrays_without_conversion():
    # the value comes from a path whose type is already the variable's type
    x = np.arange(5.0)
    check(c_choose_array, x, x + 1, True)
    check(c_choose_array, x, x + 1, False)
    check(c_choose_array, x[::2], x[::-1], True)
    check(c_maybe_reversed, x, True)


@pytest.mark.numba_departure(BOUNDS_DEPARTURE)
def test_huge_unsigned_index_is_out_of_bounds():
    v = np.arange(20.0)[5:10]
    i = np.uint64(2**64 - 1)
    with pytest.raises((IndexError, OverflowError)):
        v[i]  # NumPy: OverflowError
    with pytest.raises(IndexError):
        c_get1(v, i)


def test_bool_scalar_index_is_rejected():
    assert np.arange(5)[True].shape == (1, 5)
    with pytest.raises(errors.TypingError):
        c_get1(np.arange(5), True)


def plus_one(v):
    return v + 1


def test_non_native_byte_order_array_is_rejected_at_typing():
    a = np.arange(3.0).astype(">f8")
    with pytest.raises(errors.TypingError):
        njit(plus_one)(a)


def _outer_newaxis(a, b):
    return a[:, None] * b[None, :]


def _newaxis_front(a):
    return a[np.newaxis]


def _mixed_newaxis(a):
    return a[1, None, ::2]


def test_indexing_with_none_adds_axes():
    a, b = np.arange(3.0), np.arange(4.0)
    m = np.arange(12.0).reshape(3, 4)
    assert np.array_equal(njit(_outer_newaxis)(a, b), a[:, None] * b[None, :])
    got = njit(_newaxis_front)(m)
    assert got.shape == (1, 3, 4) and np.array_equal(got, m[np.newaxis])
    assert np.array_equal(njit(_mixed_newaxis)(m), m[1, None, ::2])


def _shift_right(a):
    a[1:] = a[:-1]
    return a


def _reverse_in_place(a):
    a[:] = a[::-1]
    return a


def _shift_rows(a):
    a[1:, :] = a[:-1, :]
    return a


def test_assigning_an_overlapping_view_reads_it_whole_first():
    # NumPy semantics: the source is read entirely before the selection is written.
    a = np.arange(6.0)
    exp = a.copy()
    exp[1:] = exp[:-1].copy()
    assert np.array_equal(njit(_shift_right)(a.copy()), exp)
    assert np.array_equal(njit(_reverse_in_place)(a.copy()), a[::-1])
    m = np.arange(12.0).reshape(4, 3)
    exp = m.copy()
    exp[1:, :] = exp[:-1, :].copy()
    assert np.array_equal(njit(_shift_rows)(m.copy()), exp)


def _array_of_list():
    return np.array([1.0, 2.0, 3.0])


def _iterate_list(a, b):
    s = 0.0
    for x in [a, b, a]:
        s += x.sum()
    return s


def _index_list(i):
    w = [0.25, 0.5, 0.25]
    return w[i] + len(w)


def test_list_literals_read_as_constant_sequences():
    assert np.array_equal(njit(_array_of_list)(), np.array([1.0, 2.0, 3.0]))
    assert njit(_iterate_list)(np.ones(3), np.arange(3.0)) == 9.0
    assert njit(_index_list)(1) == 3.5
