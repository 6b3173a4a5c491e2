"""Differential tests of rumbo's reductions, scans and sorts
(python/rumbo/np/reductions.py) against NumPy itself.

np.sum/prod/min/max/mean/var/std/argmin/argmax/any/all with and without
`axis`, np.cumsum/cumprod, np.sort/argsort and the array methods, over every
dtype, 1-D to 3-D arrays in C, F, strided and negative-stride layouts, empty
arrays, NaN/inf, with hypothesis for the values.

The oracle is NumPy: same value, same result dtype for arrays, and for scalars
the same kind (rumbo, like Numba, hands back Python scalars: a float32 sum is
checked through its value, which float64 accumulation would change). Float
sums are compared bit for bit where rumbo promises NumPy's pairwise order
(1-D arrays of any stride, C- and F-contiguous arrays, axis reductions of
those), else with rtol=1e-12. Under RUMBO_TEST_BACKEND=numba the tests that
check what Numba does differently (pairwise sums, axis= beyond sum/argmin/
argmax/cumsum, ddof, sort along an axis, stable argsort) are strict xfails.

Compiles dominate the run time: one jitted function computes every reduction
of an array at once, per dtype and layout, and the hypothesis tests reuse its
argument types.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conftest import IS_NUMBA, njit

# NumPy's own warnings (overflow in cumprod, mean of an empty array) are noise here
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

ALL_DTYPES = [
    np.bool_,
    np.int8, np.int16, np.int32, np.int64,
    np.uint8, np.uint16, np.uint32, np.uint64,
    np.float32, np.float64,
    np.complex64, np.complex128,
]
DTYPE_IDS = [np.dtype(d).name for d in ALL_DTYPES]

_N = 25 if settings().max_examples <= 30 else settings().max_examples
FEW = settings(max_examples=_N, deadline=None, derandomize=True, database=None)

PAIRWISE = "Numba sums one element after the other; rumbo (like NumPy) sums pairwise"
NO_AXIS = "Numba supports axis= only for sum, argmin, argmax and cumsum"
NO_DDOF = "Numba's var/std take no ddof"
NO_SORT_AXIS = "Numba's np.sort/argsort take no axis (and argsort only 1-D arrays)"
UNSTABLE = "Numba's argsort is an unstable quicksort; rumbo's is stable"
NO_COMPLEX_ORDER = "Numba has no argmin/argmax for complex arrays"
EMPTY_VAR = "Numba's var/std of an empty array raise ZeroDivisionError (NumPy: nan)"
EMPTY_ARG_AXIS = ("Numba's argmin/argmax along an empty axis raise ZeroDivisionError "
                  "(NumPy: ValueError)")
ARG_AXIS_ERROR = "Numba's argmin/argmax raise ValueError('axis is out of bounds'), not NumPy's AxisError"


# ---------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------

def _kind(x):
    """The Python scalar kind rumbo returns for a NumPy scalar result."""
    if isinstance(x, (bool, np.bool_)):
        return bool
    if isinstance(x, (int, np.integer)):
        return int
    if isinstance(x, (float, np.floating)):
        return float
    if isinstance(x, (complex, np.complexfloating)):
        return complex
    return type(x)


def check(got, exp, rtol=0.0, what=""):
    """got (rumbo) against exp (NumPy): arrays by dtype, shape and values;
    scalars by kind and value. rtol=0: bit for bit (NaN == NaN, 0.0 == -0.0)."""
    if isinstance(exp, tuple):
        assert isinstance(got, tuple) and len(got) == len(exp), what
        for i, (g, e) in enumerate(zip(got, exp)):
            check(g, e, rtol, f"{what}[{i}]")
        return
    if isinstance(exp, np.ndarray) and exp.ndim > 0:
        assert isinstance(got, np.ndarray), f"{what}: got {got!r}, expected an array"
        assert got.dtype == exp.dtype, f"{what}: dtype {got.dtype}, expected {exp.dtype}"
        assert got.shape == exp.shape, f"{what}: shape {got.shape}, expected {exp.shape}"
    else:
        assert _kind(got) is _kind(exp), f"{what}: got {got!r} ({type(got).__name__}), expected {exp!r}"
    if rtol and np.asarray(exp).dtype.kind in "fc":
        np.testing.assert_allclose(got, exp, rtol=rtol, atol=0, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(got, exp, err_msg=what, strict=False)


def numpy(f, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # mean of empty, var with ddof >= n
        return f(*args)


def tol(dtype):
    """Tolerance for float results that are not compared bit for bit."""
    return 2e-6 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-12


# ---------------------------------------------------------------------------
# the functions under test (each compiled once per argument types)
# ---------------------------------------------------------------------------

def order_stats(a):
    return (np.min(a), np.max(a), np.argmin(a), np.argmax(a), np.any(a), np.all(a),
            a.min(), a.max(), a.argmin(), a.argmax(), a.any(), a.all(), np.amin(a), np.amax(a))


def sums(a):
    return (np.sum(a), np.prod(a), np.mean(a), np.var(a), np.std(a),
            a.sum(), a.prod(), a.mean(), a.var(), a.std())


def sums3(a):
    return np.sum(a), np.prod(a), np.mean(a)


def scans(a):
    return np.cumsum(a), np.cumprod(a), a.cumsum(), a.cumprod()


def sorts(a):
    return np.sort(a), np.argsort(a), a.argsort()


def sum_only(a):
    return np.sum(a)


def sum_mean_var(a):
    return np.sum(a), np.mean(a), np.var(a), np.std(a)


def sum_axis(a, k):
    return np.sum(a, axis=k), a.sum(axis=k), np.sum(a, k)


def arg_axis(a, k):
    return np.argmin(a, axis=k), np.argmax(a, axis=k), a.argmin(axis=k), a.argmax(k)


def cumsum_axis(a, k):
    return np.cumsum(a, axis=k), a.cumsum(axis=k)


def other_axis(a, k):
    return (np.prod(a, axis=k), np.min(a, axis=k), np.max(a, k), np.mean(a, axis=k),
            np.var(a, axis=k), np.std(a, axis=k), np.any(a, axis=k), np.all(a, axis=k),
            np.cumprod(a, axis=k), a.prod(k), a.min(axis=k), a.max(axis=k), a.mean(axis=k),
            a.var(axis=k), a.std(axis=k), a.any(axis=k), a.all(axis=k), a.cumprod(axis=k))


def var_ddof(a, d):
    return np.var(a, ddof=d), np.std(a, ddof=d), a.var(ddof=d), a.std(ddof=d)


def var_axis_ddof(a, k, d):
    return np.var(a, axis=k, ddof=d), np.std(a, k, ddof=d)


def sort_axis(a, k):
    return np.sort(a, axis=k), np.argsort(a, axis=k), a.argsort(axis=k)


def sort_flat(a):
    return np.sort(a, axis=None), np.argsort(a, axis=None)


def sort_in_place(a):
    a.sort()


def sort_in_place_axis(a, k):
    a.sort(axis=k)


def argsort_only(a):
    return np.argsort(a)


def any_all(a):
    return np.any(a), np.all(a), a.any(), a.all()


def min_only(a):
    return np.min(a)


def max_only(a):
    return a.max()


def argmin_only(a):
    return np.argmin(a)


def argmax_only(a):
    return a.argmax()


def call_sum(a, k):
    return np.sum(a, axis=k)


def call_min(a, k):
    return np.min(a, axis=k)


def call_argmax(a, k):
    return np.argmax(a, axis=k)


def call_cumsum(a, k):
    return np.cumsum(a, axis=k)


def call_mean_axis(a, k):
    return np.mean(a, axis=k)


c_order_stats = njit(order_stats)
c_sums = njit(sums)
c_scans = njit(scans)
c_sums3 = njit(sums3)
c_sorts = njit(sorts)
c_sum_only = njit(sum_only)
c_sum_mean_var = njit(sum_mean_var)
c_sum_axis = njit(sum_axis)
c_arg_axis = njit(arg_axis)
c_cumsum_axis = njit(cumsum_axis)
c_other_axis = njit(other_axis)
c_var_ddof = njit(var_ddof)
c_var_axis_ddof = njit(var_axis_ddof)
c_sort_axis = njit(sort_axis)
c_sort_flat = njit(sort_flat)
c_sort_in_place = njit(sort_in_place)
c_sort_in_place_axis = njit(sort_in_place_axis)
c_argsort_only = njit(argsort_only)
c_any_all = njit(any_all)
c_min_only = njit(min_only)
c_max_only = njit(max_only)
c_argmin_only = njit(argmin_only)
c_argmax_only = njit(argmax_only)
c_call_sum = njit(call_sum)
c_call_min = njit(call_min)
c_call_argmax = njit(call_argmax)
c_call_cumsum = njit(call_cumsum)
c_call_mean_axis = njit(call_mean_axis)


def values(dtype, shape, seed=0):
    """Distinct-ish values of dtype: small integers, floats with fractions,
    complex numbers with both parts; products stay far from overflow."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    dt = np.dtype(dtype)
    if dt == np.bool_:
        x = rng.integers(0, 2, n).astype(bool)
        x[:1] = True  # all() differs from any() on most shapes
    elif dt.kind == "u":
        x = rng.integers(1, 4, n).astype(dt)
    elif dt.kind == "i":
        x = rng.integers(-3, 4, n).astype(dt)
    elif dt.kind == "f":
        x = (rng.standard_normal(n) + 1.0).astype(dt)
    else:
        x = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dt)
    return x.reshape(shape)


# ---------------------------------------------------------------------------
# whole-array reductions: every dtype
# ---------------------------------------------------------------------------

# the dtypes whose sorts and order statistics are the int32/uint8 code again
ACCUMULATOR_ONLY = (np.int16, np.uint16, np.uint32)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=DTYPE_IDS)
def test_whole_array_every_dtype(dtype):
    a = values(dtype, (21,))
    check(c_sums(a), numpy(sums, a), rtol=tol(dtype), what="sums")
    check(c_scans(a), scans(a), rtol=tol(dtype), what="scans")
    if dtype in ACCUMULATOR_ONLY:
        return
    if np.dtype(dtype).kind != "c" or not IS_NUMBA:  # (see test_complex_order_statistics)
        check(c_order_stats(a), order_stats(a), what="order stats")
    sorted_, order, order2 = c_sorts(a)
    check(sorted_, np.sort(a), what="sort")
    # (ties: any order sorts; test_argsort_is_stable pins rumbo's)
    check(np.sort(order), np.arange(a.size), what="argsort is a permutation")
    check(a[order], np.sort(a), what="argsort sorts")
    check(order2, order, what="a.argsort()")


@pytest.mark.numba_departure(PAIRWISE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex64, np.complex128, np.int32],
                         ids=lambda d: np.dtype(d).name)
def test_sums_are_numpys_pairwise_sums_bit_for_bit(dtype):
    """NumPy's pairwise summation, block for block: every size around the
    block boundaries (8, 128, 2 * 128, ...) and a large one."""
    rng = np.random.default_rng(1)
    for n in [0, 1, 7, 8, 9, 15, 16, 17, 100, 127, 128, 129, 130, 255, 256, 257, 1000, 4097, 70001]:
        x = values(dtype, (n,), seed=n)
        if np.dtype(dtype).kind in "fc":
            x = x * rng.standard_normal(n).astype(dtype) * 1000  # cancellation: orders show
        for v in (x, x[::3], x[::-2]):
            check(c_sum_mean_var(v), numpy(sum_mean_var, v), what=f"n={n} strides={v.strides}")


@pytest.mark.numba_departure(PAIRWISE)
def test_float_sum_differs_from_a_plain_loop_but_not_from_numpy():
    """Why pairwise matters: on 10**6 values a left-to-right sum is off in
    the last bits, rumbo's is NumPy's (and within rtol 1e-12 of the exact sum)."""
    x = np.random.default_rng(2).standard_normal(10**6) + 0.1
    exact = float(np.sum(x.astype(np.longdouble)))
    naive = 0.0
    for v in x[:20000]:
        naive += v
    assert naive != np.sum(x[:20000])
    got = c_sum_only(x)
    assert got == np.sum(x)
    assert abs(got - exact) <= 1e-12 * abs(exact)


# ---------------------------------------------------------------------------
# layouts
# ---------------------------------------------------------------------------

def _layouts():
    rng = np.random.default_rng(3)
    m = rng.standard_normal((37, 301)) * 100
    t = rng.standard_normal((5, 6, 70)) * 100
    v = rng.standard_normal(3000) * 100
    # (name, array, summed bit for bit in NumPy's order)
    return [
        ("1d-C", v, True),
        ("1d-strided", v[::3], True),
        ("1d-negative", v[::-2], True),
        ("2d-C", m, True),
        ("2d-F", np.asfortranarray(m), True),
        ("2d-sliced", m[::2, 1::3], True),
        ("2d-negative", m[::-1, ::2], False),
        ("3d-C", t, True),
        ("3d-F", np.asfortranarray(t), True),
        ("3d-transposed", t.transpose(1, 0, 2), False),
    ]


LAYOUTS = _layouts()


@pytest.mark.parametrize("name,a,exact", LAYOUTS, ids=[x[0] for x in LAYOUTS])
def test_whole_array_layouts(name, a, exact):
    check(c_order_stats(a), order_stats(a), what="order stats")
    check(c_scans(a), scans(a), what="scans")
    check(c_sum_mean_var(a), numpy(sum_mean_var, a), rtol=1e-12, what="sums")


@pytest.mark.numba_departure(PAIRWISE)
@pytest.mark.parametrize("name,a,exact", [x for x in LAYOUTS if x[2]], ids=[x[0] for x in LAYOUTS if x[2]])
def test_whole_array_layouts_bit_for_bit(name, a, exact):
    check(c_sum_mean_var(a), numpy(sum_mean_var, a), what="sums")


# ---------------------------------------------------------------------------
# axis
# ---------------------------------------------------------------------------

AXIS_CASES = [
    ("1d", (40,), [0, -1]),
    ("2d", (9, 130), [0, 1, -1, -2]),
    ("3d", (4, 5, 20), [0, 1, 2, -1]),
]


def _axis_arrays(dtype):
    """Arrays with their axes: float64 1-D to 3-D, also in F and sliced
    layouts; the other dtypes 2-D (and 3-D) C arrays (compiles are the cost)."""
    out = []
    for name, shape, axes in AXIS_CASES:
        if len(shape) == 1 and dtype is not np.float64:
            continue  # (1-D: the whole-array code, covered by the dtype sweep)
        if len(shape) == 3 and dtype in (np.bool_, np.complex128):
            continue
        a = values(dtype, shape, seed=len(shape))
        out.append((name, a, axes))
        if len(shape) == 2 and dtype is np.float64:
            out.append(("2d-F", np.asfortranarray(a), axes))
            out.append(("2d-sliced", a[1:, ::-2], axes))
    return out


AXIS_DTYPES = [np.float64, np.float32, np.int32, np.bool_, np.complex128]


@pytest.mark.parametrize("dtype", AXIS_DTYPES, ids=lambda d: np.dtype(d).name)
def test_sum_argmin_argmax_cumsum_along_axis(dtype):
    for name, a, axes in _axis_arrays(dtype):
        exact = name != "2d-sliced" or np.dtype(dtype).kind not in "fc"
        for k in axes:
            what = f"{name} axis={k}"
            if exact and not IS_NUMBA:
                check(c_sum_axis(a, k), sum_axis(a, k), what=what)
            else:
                check(c_sum_axis(a, k), sum_axis(a, k), rtol=tol(dtype), what=what)
            if np.dtype(dtype).kind != "c" or not IS_NUMBA:
                check(c_arg_axis(a, k), arg_axis(a, k), what=what)
            check(c_cumsum_axis(a, k), cumsum_axis(a, k), what=what)


@pytest.mark.numba_departure(NO_AXIS)
@pytest.mark.parametrize("dtype", AXIS_DTYPES, ids=lambda d: np.dtype(d).name)
def test_other_reductions_along_axis(dtype):
    for name, a, axes in _axis_arrays(dtype):
        exact = name != "2d-sliced" or np.dtype(dtype).kind not in "fc"
        for k in axes:
            # (complex products: NumPy multiplies complex arrays with FMA on AVX machines)
            exact = exact and np.dtype(dtype).kind != "c"
            check(c_other_axis(a, k), numpy(other_axis, a, k), rtol=0 if exact else tol(dtype),
                  what=f"{name} axis={k}")


@pytest.mark.numba_departure(NO_DDOF)
def test_var_std_ddof():
    a = values(np.float64, (5, 12))
    for d in (0, 1, 2, 12):
        check(c_var_ddof(a, d), numpy(var_ddof, a, d), what=f"ddof={d}")
        for k in (0, 1):
            check(c_var_axis_ddof(a, k, d), numpy(var_axis_ddof, a, k, d), what=f"axis={k} ddof={d}")
    x = np.array([1.0, 2.0])
    check(c_var_ddof(x, 3), numpy(var_ddof, x, 3), what="ddof > n: inf")


def test_axis_out_of_range_raises_numpys_axis_error():
    a = np.ones((2, 3))
    for k, msg in [(2, "axis 2 is out of bounds for array of dimension 2"),
                   (-3, "axis -3 is out of bounds for array of dimension 2")]:
        with pytest.raises(np.exceptions.AxisError, match=msg):
            c_call_sum(a, k)
        with pytest.raises(ValueError, match=msg):  # (an AxisError is a ValueError)
            c_call_cumsum(a, k)
    with pytest.raises(np.exceptions.AxisError, match="axis 1 is out of bounds for array of dimension 1"):
        c_call_sum(np.ones(3), 1)
    with pytest.raises(np.exceptions.AxisError, match="axis 3 is out of bounds for array of dimension 3"):
        c_call_sum(np.ones((2, 2, 2)), 3)


@pytest.mark.numba_departure(ARG_AXIS_ERROR)
def test_axis_out_of_range_argmax():
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds for array of dimension 2"):
        c_call_argmax(np.ones((2, 3)), 2)
    with pytest.raises(np.exceptions.AxisError, match="axis -2 is out of bounds for array of dimension 1"):
        c_call_argmax(np.ones(3), -2)


@pytest.mark.numba_departure(NO_AXIS)
def test_axis_out_of_range_other_reductions():
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds for array of dimension 2"):
        c_call_min(np.ones((2, 3)), 2)
    with pytest.raises(np.exceptions.AxisError, match="axis -4 is out of bounds for array of dimension 3"):
        c_call_mean_axis(np.ones((2, 3, 4)), -4)


# ---------------------------------------------------------------------------
# empty arrays
# ---------------------------------------------------------------------------

EMPTY = [np.zeros(0), np.zeros((0, 3), np.int32), np.zeros((2, 0, 4))]


@pytest.mark.parametrize("a", EMPTY, ids=lambda a: f"{a.dtype}{a.shape}")
def test_empty_whole_array(a):
    if True:
        check(c_sums3(a), numpy(sums3, a), what="sum 0, prod 1, mean nan")
        check(c_scans(a), scans(a), what="scans")
        for f, cf in [(min_only, c_min_only), (max_only, c_max_only),
                      (argmin_only, c_argmin_only), (argmax_only, c_argmax_only)]:
            with pytest.raises(ValueError) as expected:
                f(a)
            with pytest.raises(ValueError, match=str(expected.value)):
                cf(a)
        check(c_any_all(a), any_all(a), what="any/all")


@pytest.mark.numba_departure(EMPTY_VAR)
def test_empty_var_std_is_nan():
    for a in EMPTY:
        check(c_var_ddof(a, 0), numpy(var_ddof, a, 0), what=f"{a.dtype}{a.shape}")


def test_empty_along_axis():
    for shape, k in [((0, 3), 0), ((0, 3), 1), ((3, 0), 0), ((3, 0), 1), ((2, 0, 4), 1), ((2, 0, 4), 2)]:
        a = np.zeros(shape)
        check(c_sum_axis(a, k), sum_axis(a, k), what=f"{shape} axis={k}")
        check(c_cumsum_axis(a, k), cumsum_axis(a, k), what=f"{shape} axis={k}")
        if a.shape[k] != 0:
            check(c_arg_axis(a, k), arg_axis(a, k), what=f"{shape} axis={k}")


@pytest.mark.numba_departure(EMPTY_ARG_AXIS)
def test_argmin_along_an_empty_axis_raises():
    for shape, k in [((0, 3), 0), ((3, 0), 1), ((2, 0, 4), 1)]:
        with pytest.raises(ValueError, match="attempt to get argmin of an empty sequence"):
            c_arg_axis(np.zeros(shape), k)


@pytest.mark.numba_departure(NO_AXIS)
def test_empty_along_axis_other_reductions():
    for shape, k in [((0, 3), 0), ((0, 3), 1), ((3, 0), 1), ((0, 0), 0), ((2, 0, 4), 1), ((0, 2, 4), 1)]:
        a = np.zeros(shape)
        try:
            expected = numpy(other_axis, a, k)
        except ValueError as e:
            with pytest.raises(ValueError, match=str(e)):
                c_other_axis(a, k)
        else:
            check(c_other_axis(a, k), expected, what=f"{shape} axis={k}")


# ---------------------------------------------------------------------------
# NaN, inf, signed zeros, integer wrap-around
# ---------------------------------------------------------------------------

def test_nan_propagates_and_argmin_finds_the_first_nan():
    nan, inf = np.nan, np.inf
    for x in ([1.0, nan, -inf, nan, 5.0], [nan, 1.0], [3.0, 2.0, nan], [inf, -inf, 0.0], [-0.0, 0.0]):
        for dt in (np.float64, np.float32):
            a = np.array(x, dt)
            check(c_order_stats(a), order_stats(a), what=str(a))
            check(c_sums(a), numpy(sums, a), what=str(a))
            check(c_sorts(a)[0], np.sort(a), what=str(a))
    big = np.arange(100.0)
    big[[37, 80]] = nan
    check(c_order_stats(big), order_stats(big), what="NaN at 37 (8-lane kernel)")


@pytest.mark.numba_departure(NO_AXIS)
def test_nan_along_axis():
    a = np.arange(60.0).reshape(3, 20)
    a[1, 7] = np.nan
    a[2, 3] = np.nan
    a[2, 15] = np.nan
    for k in (0, 1):
        check(c_other_axis(a, k), numpy(other_axis, a, k), what=f"axis={k}")
        check(c_arg_axis(a, k), arg_axis(a, k), what=f"axis={k}")


@pytest.mark.numba_departure(NO_COMPLEX_ORDER)
def test_complex_order_statistics():
    for dtype in (np.complex64, np.complex128):
        a = values(dtype, (21,))
        check(c_order_stats(a), order_stats(a), what=str(dtype))
        sorted_, order, _ = c_sorts(a)
        check(sorted_, np.sort(a), what="sort")
        check(order, np.argsort(a, kind="stable"), what="argsort")


@pytest.mark.numba_departure(NO_COMPLEX_ORDER)
def test_complex_nan_and_lexicographic_order():
    nan = np.nan
    a = np.array([1 + 1j, 1 - 1j, 2 + 0j, -1 + 5j, -1 + 4j, 1 + 1j] * 4)
    check(c_order_stats(a), order_stats(a), what="lexicographic")
    for pos in (0, 9):
        b = a.copy()
        b[pos] = complex(1.0, nan)
        b[pos + 5] = complex(nan, 0.0)
        check(c_order_stats(b), order_stats(b), what=f"first NaN at {pos}")


def test_complex_sort_order_with_nans():
    nan = np.nan
    a = np.array([nan + 1j, 1 + nan * 1j, 2 + 1j, nan + nan * 1j, 1 + 2j, 1 + 1j, -3 + 0j, nan + 0j, 1 + 0j])
    check(c_sorts(a)[0], np.sort(a), what="complex sort")
    check(c_sorts(a)[1], np.argsort(a, kind="stable"), what="complex argsort")


def test_integer_sums_wrap_like_numpy():
    a = np.array([2**62, 2**62, 2**62, -5, 3], np.int64)
    check(c_sums(a), numpy(sums, a), rtol=1e-12, what="int64")
    check(c_scans(a), scans(a), what="int64 scans")
    u = np.array([2**63, 2**63 + 5, 7], np.uint64)
    check(c_sums(u), numpy(sums, u), rtol=1e-12, what="uint64 (uint64 accumulator)")
    check(c_scans(u), scans(u), what="uint64 scans")
    i8 = np.full(300, 100, np.int8)
    check(c_sums(i8), numpy(sums, i8), rtol=1e-12, what="int8 sums in int64")


# ---------------------------------------------------------------------------
# sorting
# ---------------------------------------------------------------------------

def test_sort_returns_a_sorted_copy_and_sort_sorts_in_place():
    rng = np.random.default_rng(4)
    for n in (0, 1, 2, 15, 16, 17, 33, 1000):
        x = rng.standard_normal(n)
        x[::7] = np.nan
        before = x.copy()
        check(c_sorts(x)[0], np.sort(x), what=f"n={n}")
        check(x, before, what="np.sort leaves its argument alone")
        c_sort_in_place(x)
        check(x, np.sort(before), what="a.sort()")
    base = np.arange(20.0)[::-1].copy()
    view = base[::2]
    c_sort_in_place(view)
    expected = np.arange(20.0)[::-1].copy()
    expected[::2].sort()
    check(base, expected, what="a.sort() on a strided view sorts the base")


def test_argsort_of_distinct_values_is_numpys():
    rng = np.random.default_rng(5)
    for n in (0, 1, 5, 16, 17, 100, 1001):
        x = rng.permutation(n * 3)[:n].astype(np.float64) - n
        check(c_argsort_only(x), np.argsort(x), what=f"n={n}")
        check(c_argsort_only(x.astype(np.int32)), np.argsort(x.astype(np.int32)), what=f"int32 n={n}")


@pytest.mark.numba_departure(UNSTABLE)
def test_argsort_is_stable():
    """Ties in index order (NumPy's kind='stable'; its default quicksort does
    not promise an order for ties)."""
    x = np.random.default_rng(6).integers(0, 5, 2000).astype(np.float64)
    x[::13] = np.nan
    check(c_argsort_only(x), np.argsort(x, kind="stable"), what="ties")


@pytest.mark.numba_departure(NO_SORT_AXIS)
def test_sort_along_axis():
    a = values(np.float64, (4, 5, 33), seed=7)
    a[1, 2, 3] = np.nan
    for k in (0, 1, 2, -1):
        sorted_, order, order2 = c_sort_axis(a, k)
        check(sorted_, np.sort(a, axis=k), what=f"sort axis={k}")
        check(order, np.argsort(a, axis=k, kind="stable"), what=f"argsort axis={k}")
        check(order2, order, what=f"a.argsort axis={k}")
    check(c_sort_flat(a), (np.sort(a, axis=None), np.argsort(a, axis=None, kind="stable")), what="axis=None")
    m = values(np.int32, (6, 40), seed=8)
    for k in (0, 1):
        b = m.copy()
        c_sort_in_place_axis(b, k)
        check(b, np.sort(m, axis=k), what=f"a.sort(axis={k})")


# ---------------------------------------------------------------------------
# hypothesis: values
# ---------------------------------------------------------------------------

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)
FINITE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, width=64)


@FEW
@given(hnp.arrays(np.float64, st.integers(1, 300), elements=FLOATS))
def test_hypothesis_order_stats_and_scans(a):
    check(c_order_stats(a), order_stats(a))
    check(c_scans(a), scans(a))
    check(c_sorts(a)[0], np.sort(a))


@pytest.mark.numba_departure(PAIRWISE)
@FEW
@given(hnp.arrays(np.float64, st.integers(0, 700), elements=FINITE))
def test_hypothesis_float_sums_bit_for_bit(a):
    check(c_sum_mean_var(a), numpy(sum_mean_var, a))
    check(c_sum_mean_var(a[::-3]), numpy(sum_mean_var, a[::-3]))


@pytest.mark.numba_departure(PAIRWISE)
@FEW
@given(hnp.arrays(np.float64, st.integers(0, 700), elements=FLOATS))
def test_hypothesis_float_sums_with_nan_and_inf(a):
    check(c_sum_mean_var(a), numpy(sum_mean_var, a), rtol=1e-12)


@FEW
@given(hnp.arrays(np.int64, st.integers(1, 200), elements=st.integers(-(2**63), 2**63 - 1)))
def test_hypothesis_int64_wraps(a):
    check(c_sums(a)[:2], sums(a)[:2])
    check(c_scans(a), scans(a))


@FEW
@given(hnp.arrays(np.float64, st.integers(0, 200), elements=FINITE, unique=True))
def test_hypothesis_argsort_distinct(a):
    check(c_argsort_only(a), np.argsort(a))


@pytest.mark.numba_departure(NO_AXIS)
@FEW
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=40),
                  elements=FINITE), st.integers(0, 1))
def test_hypothesis_along_axis(a, k):
    check(c_other_axis(a, k), numpy(other_axis, a, k))
    check(c_sum_axis(a, k), sum_axis(a, k))
