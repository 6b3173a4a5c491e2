"""Differential tests of rumbo's NumPy library functions against NumPy:
joining (python/rumbo/np/joining.py), statistics (statistics.py),
manipulation (manipulation.py) and linear algebra (linalg_solve.py).

Each compiled function is defined once at module level, so a test's cases
reuse its specializations; the inputs cover integer, float32/float64 (and
complex where it makes sense) dtypes, C-contiguous, transposed and strided
arrays, and empty arrays. The oracle is NumPy: array results must have
NumPy's shape, dtype and values; scalars (handed back as Python numbers, as
Numba does) NumPy's value.
"""

import warnings

import numpy as np
import pytest

from conftest import IS_NUMBA, errors, njit

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

RNG = np.random.default_rng(20261125)
X = RNG.normal(size=(5, 7))
X3 = RNG.normal(size=(2, 3, 4))
XI = RNG.integers(-4, 9, size=13)
XN = X.copy()
XN[1, 2] = np.nan
XN[3, 0] = np.nan


def _same(got, want, rtol, exact_dtype=True):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w, rtol, exact_dtype)
        return
    if isinstance(want, np.ndarray) and want.ndim > 0:
        assert isinstance(got, np.ndarray), f"expected an array, got {got!r}"
        assert got.shape == want.shape
        if exact_dtype:
            assert got.dtype == want.dtype, (got.dtype, want.dtype)
        if rtol == 0:
            np.testing.assert_array_equal(got, want)
        else:
            np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol)
        return
    want = want[()] if isinstance(want, np.ndarray) else want
    if isinstance(want, (bool, np.bool_)):
        assert got == want and isinstance(got, (bool, np.bool_))
    elif rtol == 0:
        assert got == want or (got != got and want != want), (got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol)


def _needs_lapack():
    """Numba implements np.linalg, np.cov, np.corrcoef, np.vdot and np.kron
    with SciPy's LAPACK and BLAS."""
    if IS_NUMBA:
        pytest.importorskip("scipy", reason="Numba needs SciPy for this")


def check(jitted, *args, rtol=0, exact_dtype=True):
    """jitted(*args) against its Python function run by NumPy."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = jitted.py_func(*args)
    _same(jitted(*args), want, rtol, exact_dtype)


# ---------------------------------------------------------------------------
# joining
# ---------------------------------------------------------------------------

@njit
def concat0(t):
    return np.concatenate(t)


@njit
def concat_axis(t, axis):
    return np.concatenate(t, axis=axis)


@njit
def stack_axis(t, axis):
    return np.stack(t, axis)


@njit
def vstack2(a, b):
    return np.vstack((a, b))


@njit
def hstack2(a, b):
    return np.hstack((a, b))


@njit
def column_stack2(a, b):
    return np.column_stack((a, b))


@njit
def dstack2(a, b):
    return np.dstack((a, b))


def test_concatenate_1d():
    a = np.arange(4.0)
    check(concat0, (a, a * 2, a[:0]))
    check(concat0, (XI[::2], XI[::-3]))     # strided items of one type (layout A)
    check(concat0, (XI[::2], XI[1::3]))


@pytest.mark.parametrize("axis", [0, 1, -1, -2])
def test_concatenate_2d(axis):
    check(concat_axis, (X, X + 1, X[:, :0] if axis in (1, -1) else X[:0]), axis)
    check(concat_axis, (X.T.copy(order="F"), X.T.copy(order="F")), axis)  # F-contiguous
    check(concat_axis, (X[::-1], X[:, ::-2]) if axis in (1, -1) else (X[::-1], X[::2, :]), axis)  # strided views
    check(concat_axis, (X3, X3), axis)


def test_concatenate_errors():
    with pytest.raises(ValueError):
        concat_axis((X, X[:, :3].copy()), 0)
    with pytest.raises(np.exceptions.AxisError if not IS_NUMBA else Exception):
        concat_axis((X, X), 2)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_stack(axis):
    check(stack_axis, (XI, XI * 2, XI[::-1].copy()), axis)
    check(stack_axis, (X, X * 2), axis)
    check(stack_axis, (X.astype(np.float32), X.astype(np.float32)), 2)
    with pytest.raises(ValueError):
        stack_axis((XI, XI[:3].copy()), axis)


@pytest.mark.parametrize("a, b", [(XI, XI), (X, X[::-1].copy()), (X[:0], X[:0]), (X.T.copy(), X.T.copy())])
def test_vstack_hstack_column_stack_dstack(a, b):
    check(vstack2, a, b)
    check(hstack2, a, b)
    check(column_stack2, a, b)
    check(dstack2, a, b)


@njit
def append(a, v):
    return np.append(a, v)


@njit
def append_axis(a, v, axis):
    return np.append(a, v, axis=axis)


def test_append():
    check(append, XI, 2.5)
    check(append, XI, 7)
    check(append, X.astype(np.float32), 1.5)
    check(append, X.T, XI[::-2])
    check(append, XI[:0], XI[:0])
    check(append_axis, X, X[:2].copy(), 0)
    check(append_axis, X, X[:, :1].copy(), 1)


# ---------------------------------------------------------------------------
# statistics
# ---------------------------------------------------------------------------

@njit
def median(a):
    return np.median(a)


@njit
def nanmedian(a):
    return np.nanmedian(a)


@njit
def percentile(a, q):
    return np.percentile(a, q)


@njit
def quantile(a, q):
    return np.quantile(a, q)


@njit
def nanpercentile(a, q):
    return np.nanpercentile(a, q)


@njit
def nan_stats(a):
    return np.nansum(a), np.nanmean(a), np.nanmin(a), np.nanmax(a), np.nanprod(a)


@njit
def nan_spread(a):
    return np.nanvar(a), np.nanstd(a), np.nanvar(a, ddof=1), np.nancumsum(a), np.nancumprod(a)


@njit
def partitions(a, k):
    return np.partition(a, k), np.argpartition(a, k)


@njit
def average(a):
    return np.average(a)


@njit
def average_w(a, w):
    return np.average(a, weights=w)


STAT_INPUTS = [X, X.T, X[::2, ::3], X.astype(np.float32), XI, XI[::-2], XN, np.array([np.nan, np.nan]), X[:0]]
STAT_IDS = ["f64", "f64T", "strided", "f32", "int", "int_rev", "nan", "allnan", "empty"]


@pytest.mark.parametrize("a", STAT_INPUTS[:-3], ids=STAT_IDS[:-3])
def test_median_percentile_quantile(a):
    check(median, a, rtol=1e-6)
    check(nanmedian, a, rtol=1e-6)
    check(nanpercentile, a, 90.0, rtol=1e-6)
    check(percentile, a, 37.5, rtol=1e-6)
    check(quantile, a, 0.0, rtol=1e-6)
    check(quantile, a, 1.0, rtol=1e-6)


@pytest.mark.parametrize("n", [1, 2, 15, 16, 17, 100, 1001, 4096])
def test_order_statistics_select(n):
    """Quickselect against NumPy: duplicates, sorted, reversed, constant data."""
    q = np.array([0.0, 0.1, 25.0, 50.0, 50.5, 99.9, 100.0])
    for a in (RNG.normal(size=n), RNG.integers(0, 4, size=n), np.arange(n), np.arange(n)[::-1], np.full(n, 2.0),
              np.tile([3.0, 1.0, 2.0], n)[:n]):
        check(median, a, rtol=1e-15)
        check(percentile, a, q, rtol=1e-15)


@pytest.mark.parametrize("a", STAT_INPUTS[-3:], ids=STAT_IDS[-3:])
def test_nan_variants_skip_nan(a):
    check(nanmedian, a, rtol=1e-6)
    check(nanpercentile, a, 90.0, rtol=1e-6)


@pytest.mark.numba_departure("Numba's median/percentile of an array holding NaN are numbers (NumPy: nan)")
def test_median_percentile_of_nan():
    check(median, XN)
    check(percentile, XN, 50.0)
    check(quantile, XN, 0.1)


@pytest.mark.numba_departure("Numba's percentile of an empty array is nan (NumPy: IndexError)")
def test_percentile_of_empty():
    check(median, X[:0])
    with pytest.raises(IndexError):
        percentile(X[:0], 50.0)


def test_percentile_array_q():
    q = np.array([0.0, 12.5, 50.0, 99.0, 100.0])
    check(percentile, X, q, rtol=1e-12)
    check(percentile, XI, q, rtol=1e-12)
    check(quantile, X.astype(np.float32), q / 100, rtol=1e-6)
    with pytest.raises(ValueError):
        percentile(X, 101.0)
    with pytest.raises(ValueError):
        quantile(X, np.array([0.5, -0.1]))


@pytest.mark.numba_departure("Numba's percentile returns a 1-D array for an n-D q (NumPy: q's shape)")
def test_percentile_2d_q():
    check(percentile, X, np.array([[0.0, 12.5], [50.0, 100.0]]), rtol=1e-12)


@pytest.mark.parametrize("a", STAT_INPUTS[:-1], ids=STAT_IDS[:-1])
def test_nan_reductions(a):
    check(nan_stats, a, rtol=1e-6)


@pytest.mark.parametrize("a", [XN, X.T, XI, XI.astype(np.int8), X.astype(np.float32)],
                         ids=["nan", "F", "int", "int8", "f32"])
def test_nan_spread(a):
    check(nan_spread, a, rtol=1e-5)


@pytest.mark.parametrize("a", [XI, X[0], X, XN[::-1]], ids=["int", "f64", "2d", "nan"])
def test_partition(a):
    """Element k is where sorting puts it, nothing after it is smaller and
    nothing before it larger (NumPy promises no more)."""
    s = np.sort(a)
    for k in (0, 2, -1):
        p, i = partitions(a, k)
        assert p.dtype == a.dtype and p.shape == a.shape and i.dtype == np.intp
        np.testing.assert_array_equal(p[..., k], s[..., k])
        np.testing.assert_array_equal(np.take_along_axis(a, i, -1)[..., k], s[..., k])
        np.testing.assert_array_equal(np.sort(p), s)
    with pytest.raises(ValueError):
        partitions(a, 100)


def test_nanmin_empty():
    with pytest.raises(ValueError):
        nan_stats(X[:0])


def test_average():
    check(average, X, rtol=1e-12)
    check(average, XI, rtol=1e-12)
    check(average_w, X, np.abs(X), rtol=1e-12)
    check(average_w, X.T, np.abs(X.T) + 1, rtol=1e-12)
    check(average_w, XI, np.arange(13), rtol=1e-12)
    with pytest.raises(ZeroDivisionError):
        average_w(X, np.zeros_like(X))


@njit
def cov(m):
    return np.cov(m)


@njit
def cov_y(m, y):
    return np.cov(m, y)


@njit
def cov_opts(m, rowvar, bias, ddof):
    return np.cov(m, rowvar=rowvar, bias=bias, ddof=ddof)


@njit
def corrcoef(x):
    return np.corrcoef(x)


@njit
def corrcoef_y(x, y):
    return np.corrcoef(x, y)


def test_cov_corrcoef():
    _needs_lapack()
    xi = RNG.integers(0, 9, size=(3, 8))
    for m in (X, X.T, X[::2, ::-1], xi, X.astype(np.float32), X + 1j * X[::-1]):
        check(cov, m, rtol=1e-12)
        check(corrcoef, m, rtol=1e-12)
    v = X[0]
    check(cov, v, rtol=1e-12)
    check(corrcoef, v, rtol=1e-12)
    check(cov_y, v, X[1, ::-1], rtol=1e-12)
    check(cov_y, X, X[2, ::-1], rtol=1e-12)
    check(corrcoef_y, v, v ** 2, rtol=1e-12)
    check(cov_opts, X, False, False, 0, rtol=1e-12)
    check(cov_opts, xi, True, True, 2, rtol=1e-12)


@njit
def histogram_n(a, bins):
    return np.histogram(a, bins)


@njit
def histogram_range(a, bins, lo, hi):
    return np.histogram(a, bins, (lo, hi))


@njit
def histogram_default(a):
    return np.histogram(a)


HIST_INPUTS = [X, X.T[::2], XI, RNG.normal(size=1000), np.full(4, 3.0), np.zeros(0)]
HIST_IDS = ["f64", "strided", "int", "big", "constant", "empty"]


@pytest.mark.parametrize("a", HIST_INPUTS[:4], ids=HIST_IDS[:4])
def test_histogram(a):
    check(histogram_default, a)
    check(histogram_n, a, 7)
    check(histogram_range, a, 5, -1.0, 2.0)
    check(histogram_n, a, np.array([-3.0, -1.0, 0.0, 0.5, 3.0]))
    check(histogram_n, a, np.array([-2, 0, 1, 5]))


@pytest.mark.numba_departure("Numba's histogram of a constant array counts nothing, of an empty array "
                             "raises (NumPy: bins around the value, range (0, 1))")
@pytest.mark.parametrize("a", HIST_INPUTS[4:], ids=HIST_IDS[4:])
def test_histogram_degenerate_range(a):
    check(histogram_default, a)
    check(histogram_n, a, 3)


@pytest.mark.numba_departure("Numba's np.histogram returns float64 edges for float32 data (NumPy: float32)")
def test_histogram_float32_edges():
    check(histogram_n, X.astype(np.float32), 6)


def test_histogram_errors():
    with pytest.raises(ValueError):
        histogram_range(X, 5, 2.0, 1.0)
    with pytest.raises(ValueError):
        histogram_n(X, np.array([1.0, 0.0]))


@pytest.mark.numba_departure("Numba's histogram of data holding NaN raises no error (NumPy: ValueError)")
def test_histogram_nan_range():
    with pytest.raises(ValueError):
        histogram_default(XN)


@njit
def bincount(x):
    return np.bincount(x)


@njit
def bincount_w(x, w):
    return np.bincount(x, w)


@njit
def bincount_min(x, n):
    return np.bincount(x, minlength=n)


def test_bincount():
    x = np.abs(XI)
    check(bincount, x)
    check(bincount, x[::-2])
    check(bincount, x.astype(np.uint8))
    check(bincount, x[:0])
    check(bincount_w, x, np.linspace(0, 1, 13))
    check(bincount_min, x, 20)
    check(bincount_min, x, 2)
    with pytest.raises(ValueError):
        bincount(XI)


@njit
def digitize(x, bins):
    return np.digitize(x, bins)


@njit
def digitize_right(x, bins):
    return np.digitize(x, bins, right=True)


@njit
def searchsorted(a, v):
    return np.searchsorted(a, v)


@pytest.mark.parametrize("bins", [np.array([-1.0, 0.0, 0.5, 2.0]), np.array([2.0, 0.5, 0.0, -1.0]),
                                  np.array([0, 1, 1, 3])], ids=["increasing", "decreasing", "int_ties"])
def test_digitize(bins):
    for x in (X, XI, np.array([np.nan, -np.inf, 0.5, 1.0]), 0.5, 3):
        check(digitize, x, bins)
        check(digitize_right, x, bins)


def test_searchsorted():
    a = np.sort(X.ravel())
    check(searchsorted, a, X)
    check(searchsorted, a, 0.1)
    check(searchsorted, np.sort(XI), XI)
    check(searchsorted, np.sort(XI), 3)
    check(searchsorted, np.sort(XI)[::2], XI[::3])
    check(searchsorted, np.array([1.0, 2.0, np.nan]), np.array([np.nan, 2.0, 5.0]))
    check(searchsorted, a[:0], X)


# ---------------------------------------------------------------------------
# manipulation
# ---------------------------------------------------------------------------

@njit
def unique(a):
    return np.unique(a)


@njit
def diff(a, n):
    return np.diff(a, n)


@njit
def flips(a):
    return np.flip(a), np.flipud(a)


@njit
def fliplr(a):
    return np.fliplr(a)


@njit
def roll(a, shift):
    return np.roll(a, shift)


@njit
def repeat(a, r):
    return np.repeat(a, r)


@njit
def repeat_method(a, r):
    return a.repeat(r)


@njit
def tile(a, r):
    return np.tile(a, r)


def test_unique():
    check(unique, XI)
    check(unique, XI.reshape(1, 13)[:, ::2])
    check(unique, np.array([3.0, np.nan, 1.0, np.nan, 3.0, -0.0, 0.0]))
    check(unique, XI[:0])
    check(unique, X > 0)


@pytest.mark.parametrize("a", [XI, X, X.T, X3, X > 0, XI.astype(np.int8), XI.astype(np.uint8)],
                         ids=["int", "f64", "F", "3d", "bool", "int8", "uint8"])
def test_diff(a):
    for n in (0, 1, 2, 9, 20):
        check(diff, a, n)
    with pytest.raises(ValueError):
        diff(a, -1)


@pytest.mark.parametrize("a", [XI, X, X3, X[::2, ::-1]], ids=["1d", "2d", "3d", "strided"])
def test_flip_roll_repeat(a):
    check(flips, a)
    if a.ndim >= 2:
        check(fliplr, a)
    for shift in (0, 3, -5, 1000):
        check(roll, a, shift)
    check(repeat, a, 3)
    check(repeat, a, 0)
    check(repeat_method, a, 2)


def test_repeat_array():
    check(repeat, XI, np.abs(XI))
    check(repeat, X[0], np.array([2]))
    with pytest.raises(ValueError):
        repeat(XI, XI)


@pytest.mark.numba_departure("Numba has no np.tile")
def test_tile():
    check(tile, XI, 3)
    check(tile, X[:, ::2], 2)
    check(tile, X, (2, 3))
    check(tile, XI, (3, 1))


@njit
def trace(a):
    return np.trace(a)


@njit
def diag(a, k):
    return np.diag(a, k)


@njit
def triangles(a, k):
    return np.triu(a, k), np.tril(a, k)


@njit
def outer(a, b):
    return np.outer(a, b)


@njit
def cross(a, b):
    return np.cross(a, b)


@pytest.mark.parametrize("a", [X, X.T, XI[:12].reshape(3, 4), X.astype(np.complex128)[:, ::2], X[:0]],
                         ids=["f64", "F", "int", "complex_strided", "empty"])
def test_trace_diag_triangles(a):
    if a.dtype.kind != "i" or not IS_NUMBA:  # (see test_trace_of_integers)
        check(trace, a, rtol=1e-12)
    for k in (0, 2, -1, -10):
        check(diag, a, k)
        check(triangles, a, k)


@pytest.mark.numba_departure("Numba's np.trace takes only float and complex arrays")
def test_trace_of_integers():
    check(trace, XI[:12].reshape(3, 4))
    check(trace, (X > 0)[::2])


def test_diag_1d():
    for k in (0, 1, -3):
        check(diag, XI, k)
        check(diag, X[0, ::2], k)


def test_outer_cross():
    check(outer, XI, X[0])
    check(outer, X, XI[:3])
    check(outer, X[0].astype(np.float32), X[1].astype(np.float32))
    check(cross, X[0, :3], X[1, 2:5], rtol=1e-12)
    check(cross, XI[:3], XI[3:6])
    check(cross, X[:, :3], X[:, 4:], rtol=1e-12)
    check(cross, X[:, :3], X[:1, 4:], rtol=1e-12)


@njit
def nonzero_family(a):
    return np.count_nonzero(a), np.flatnonzero(a), np.argwhere(a)


@njit
def nonzero(a):
    return np.nonzero(a)


@njit
def nonzero_method(a):
    return a.nonzero()


@pytest.mark.parametrize("a", [XI, X > 0, X3 > 0, (X > 0)[:0], X.T[::2] > 0.5],
                         ids=["int", "bool2d", "bool3d", "empty", "strided"])
def test_nonzero(a):
    check(nonzero_family, a)
    check(nonzero, a)
    check(nonzero_method, a)


@njit
def round_(a, d):
    return np.round(a, d)


@njit
def around(a):
    return np.around(a)


@njit
def round_method(a, d):
    return a.round(d)


@pytest.mark.parametrize("a", [X * 1000, (X * 100).astype(np.float32), X.T[::2] * 10, XI],
                         ids=["f64", "f32", "strided", "int"])
def test_round(a):
    for d in (0, 1, 3):
        check(round_, a, d)
    check(around, a)
    if a.dtype.kind == "f":
        check(round_, a, -2)


@pytest.mark.numba_departure("Numba has no array method round")
def test_round_method():
    check(round_method, X * 100, 1)
    check(round_method, XI, 0)


@pytest.mark.numba_departure("Numba has no median of complex numbers (NumPy orders them lexicographically)")
def test_complex_order_statistics_and_round():
    """Complex numbers: lexicographic order (median, searchsorted, isin) and
    round of both parts, as NumPy."""
    z = (XI[:12] + 1j * XI[::-1][:12]).reshape(3, 4)
    check(median, z)
    check(median, z[:, :3])
    with pytest.raises(TypeError):
        percentile(z, 30.0)
    check(searchsorted, np.sort(z.ravel()), z)
    check(isin, z, z[0])
    check(round_, z * 1.234, 1, rtol=1e-12)
    check(round_, 1.25 - 2.375j, 1)


def test_round_scalar():
    check(round_, 2.675, 2)
    check(round_, -12345.678, -2)
    check(around, 2.5)


@njit
def interp(x, xp, fp):
    return np.interp(x, xp, fp)


def test_interp():
    xp = np.array([0.0, 1.0, 2.5, 4.0])
    fp = np.array([1.0, -1.0, 3.0, 3.0])
    check(interp, np.linspace(-1, 5, 25), xp, fp, rtol=1e-15)
    check(interp, X, xp, fp, rtol=1e-15)
    check(interp, 2.0, xp, fp)
    check(interp, np.nan, xp, fp)
    check(interp, np.array([0, 3, 9]), np.arange(5), XI[:5])
    with pytest.raises(ValueError):
        interp(1.0, xp, fp[:3])
    with pytest.raises(ValueError):
        interp(1.0, xp[:0], fp[:0])


@njit
def isclose(a, b):
    return np.isclose(a, b)


@njit
def isclose_tol(a, b, rtol, atol, equal_nan):
    return np.isclose(a, b, rtol, atol, equal_nan)


@njit
def allclose(a, b):
    return np.allclose(a, b)


@njit
def array_equal(a, b):
    return np.array_equal(a, b)


def test_isclose_allclose():
    special = np.array([np.nan, np.inf, -np.inf, 1.0, 0.0])
    check(isclose, X[0], X[0] + 1e-9)
    check(isclose, special, special[::-1])
    check(isclose, special, special)
    check(isclose, 1.0, 1.0 + 1e-7)
    check(isclose, XI, XI[::-1])
    check(isclose_tol, special, special, 0.0, 0.5, True)
    check(isclose_tol, X[1], X[1] * 1.01, 0.02, 0.0, False)
    check(allclose, X[0], X[0] + 1e-9)
    check(allclose, X[0], X[0] + 1e-3)
    check(allclose, special, special)


@pytest.mark.numba_departure("Numba's isclose raises ValueError for arrays of more than one dimension")
def test_isclose_nd():
    check(isclose, X, X + 1e-9)
    check(isclose_tol, X, X * 1.01, 0.02, 0.0, False)
    check(allclose, X, X + 1e-3)
    check(isclose, X, X[0])
    check(allclose, X, X[1:2])


def test_array_equal():
    check(array_equal, X, X.copy())
    check(array_equal, X, X.T)
    check(array_equal, X, X[:3])
    check(array_equal, XI, XI.reshape(1, 13))
    check(array_equal, XN, XN)
    check(array_equal, XI, XI.astype(np.float64))


@njit
def atleast(a):
    return np.atleast_1d(a), np.atleast_2d(a), np.atleast_3d(a)


@njit
def expand_dims(a, axis):
    return np.expand_dims(a, axis)


@njit
def swapaxes(a, i, j):
    return np.swapaxes(a, i, j)


@pytest.mark.parametrize("a", [XI, X, X3, X.T[::2]], ids=["1d", "2d", "3d", "strided"])
def test_atleast(a):
    check(atleast, a)


@pytest.mark.numba_departure("Numba's atleast_*d take arrays only")
def test_atleast_scalar():
    check(atleast, 2.5)


def test_expand_dims():
    for axis in (0, 1, -1):
        check(expand_dims, XI, axis)
        check(expand_dims, X.T, axis)
    check(expand_dims, X, 2)


def test_swapaxes():
    for i, j in ((0, 1), (1, 0), (0, 0), (-1, 0)):
        check(swapaxes, X, i, j)
    for i, j in ((0, 1), (1, 2), (0, 2), (2, 0), (-1, -2), (1, 1)):
        check(swapaxes, X3, i, j)
        check(swapaxes, X3[:, ::-1, ::2], i, j)


def test_views_share_memory():
    a = np.arange(12.0).reshape(3, 4)
    v = swapaxes(a, 0, 1)
    assert v.base is not None and np.shares_memory(v, a)
    assert np.shares_memory(flips(a)[0], a)


@njit
def take(a, i):
    return np.take(a, i)


@njit
def fill_diagonal(a, v, wrap):
    np.fill_diagonal(a, v, wrap)


def test_take():
    check(take, X, np.array([[0, -1], [3, 7]]))
    check(take, X.T, -2)
    check(take, XI[::2], XI[:3])
    with pytest.raises(IndexError):
        take(X, 35)


@pytest.mark.parametrize("shape", [(3, 5), (7, 3), (4, 4), (0, 2)])
@pytest.mark.parametrize("wrap", [False, True])
def test_fill_diagonal(shape, wrap):
    for v in (9.0, np.array([1.0, 2.0])):
        want = np.zeros(shape)
        np.fill_diagonal(want, v, wrap)
        got = np.zeros(shape)
        fill_diagonal(got, v, wrap)
        np.testing.assert_array_equal(got, want)


@njit
def ediff1d(a):
    return np.ediff1d(a)


@njit
def rot90(m, k):
    return np.rot90(m, k)


@njit
def tri(n, m, k):
    return np.tri(n, m, k), np.tri(n)


@njit
def tri_dtype(n, m, k):
    return np.tri(n, m, k, np.int32)


@njit
def tri_indices(n, k, m):
    return np.triu_indices(n, k, m), np.tril_indices(n, k, m), np.triu_indices(n), np.tril_indices(n, k)


def test_ediff1d_rot90():
    check(ediff1d, X)
    check(ediff1d, XI[::-1])
    for k in (0, 1, 2, 3, -1, 5):
        check(rot90, X, k)
        check(rot90, X.T[::2], k)
    assert np.shares_memory(rot90(X, 1), X)


@pytest.mark.parametrize("n, m, k", [(3, 3, 0), (4, 6, 1), (5, 2, -1), (0, 3, 0), (3, 4, -5)])
def test_tri_and_indices(n, m, k):
    check(tri, n, m, k)
    check(tri_indices, n, k, m)


@pytest.mark.numba_departure("Numba's np.tri takes no dtype")
def test_tri_dtype():
    check(tri_dtype, 4, 3, 1)


# ---------------------------------------------------------------------------
# sets, products, ptp, trapezoid
# ---------------------------------------------------------------------------

@njit
def isin(a, b):
    return np.isin(a, b)


@njit
def set_ops(a, b):
    return np.union1d(a, b), np.intersect1d(a, b), np.setdiff1d(a, b)


@njit
def convolve(a, v):
    return np.convolve(a, v)


@njit
def correlate(a, v):
    return np.correlate(a, v)


@njit
def vdot(a, b):
    return np.vdot(a, b)


@njit
def kron(a, b):
    return np.kron(a, b)


@njit
def ptp(a):
    return np.ptp(a)


@njit
def trapezoid(y, x):
    return np.trapezoid(y, x)


@njit
def trapezoid_dx(y, dx):
    return np.trapezoid(y, dx=dx)


def test_isin_and_set_ops():
    yi = RNG.integers(0, 12, size=(2, 4))
    check(isin, XI, yi)
    check(isin, yi, XI[::-1])
    check(isin, yi, 7)
    check(isin, np.array([np.nan, 1.0]), np.array([np.nan, 1.0]))
    check(set_ops, XI, yi)
    check(set_ops, XI, XI[:0])
    check(set_ops, X[0], X[0, ::2])


def test_convolve_correlate():
    c = X[0] + 1j * X[1]
    for a, v in ((X[0], XI[:3]), (XI[:3], X[0]), (c, X[2, :2]), (c, c[:3]), (c[:3], c), (XI, XI)):
        check(convolve, a, v, rtol=1e-12)
        check(correlate, a, v, rtol=1e-12)
    with pytest.raises(ValueError):
        convolve(X[0], X[0, :0])


def test_vdot_kron():
    _needs_lapack()
    c = X[0] + 1j * X[1]
    check(vdot, c, c[::-1], rtol=1e-12)
    check(vdot, X, X.T.copy(), rtol=1e-12)
    check(kron, XI[:3], X[0])
    check(kron, X[:2, :3], X.T[:2])


def test_ptp_trapezoid():
    check(ptp, X)
    check(ptp, XI[::-1])
    check(trapezoid, X[0], np.cumsum(np.abs(X[1])), rtol=1e-12)
    check(trapezoid_dx, XI, 0.5, rtol=1e-12)
    check(trapezoid_dx, X[0, ::-1], 1.0, rtol=1e-12)


# ---------------------------------------------------------------------------
# linalg (Numba needs SciPy's LAPACK for these)
# ---------------------------------------------------------------------------

@njit
def solve(a, b):
    return np.linalg.solve(a, b)


@njit
def inv(a):
    return np.linalg.inv(a)


@njit
def det(a):
    return np.linalg.det(a)


@njit
def slogdet(a):
    return np.linalg.slogdet(a)


@njit
def matrix_power(a, n):
    return np.linalg.matrix_power(a, n)


A = RNG.normal(size=(8, 8)) + 8 * np.eye(8)
AI = RNG.integers(-3, 4, size=(5, 5)) + 9 * np.eye(5, dtype=np.int64)
AC = A + 1j * RNG.normal(size=(8, 8))


@pytest.mark.parametrize("a", [A, A.T, A[::-1, ::-1], AI, AC, A.astype(np.float32)],
                         ids=["f64", "F", "reversed", "int", "complex", "f32"])
def test_solve_inv_det(a):
    _needs_lapack()
    rtol = 1e-4 if a.dtype == np.float32 else 1e-10
    n = a.shape[0]
    b = RNG.normal(size=(n, 3)).astype(a.dtype)
    check(solve, a, b, rtol=rtol)
    check(solve, a, b[:, 1], rtol=rtol)
    check(solve, a, b[::-1, ::2], rtol=rtol)
    check(inv, a, rtol=rtol)
    check(det, a, rtol=rtol)
    check(slogdet, a, rtol=rtol)


def test_linalg_mixed_and_empty():
    _needs_lapack()
    check(solve, A.astype(np.float32), np.ones(8), rtol=1e-5)
    check(solve, AI, np.arange(5.0), rtol=1e-12)
    check(inv, np.zeros((0, 0)))
    check(det, np.zeros((0, 0)))


def test_linalg_errors():
    _needs_lapack()
    sing = np.ones((3, 3))
    with pytest.raises(np.linalg.LinAlgError):
        solve(sing, np.ones(3))
    with pytest.raises(np.linalg.LinAlgError):
        inv(sing)
    assert det(sing) == 0.0
    check(slogdet, sing)
    with pytest.raises(np.linalg.LinAlgError):
        inv(np.ones((3, 2)))
    with pytest.raises(ValueError):
        solve(A, np.ones(3))
    with pytest.raises((np.linalg.LinAlgError, errors.TypingError)):
        inv(np.ones(3))


def test_matrix_power():
    _needs_lapack()
    for n in (0, 1, 2, 5, 8):
        check(matrix_power, AI, n)
        check(matrix_power, A, n, rtol=1e-10)
    check(matrix_power, A, -3, rtol=1e-9)
    check(matrix_power, A.T[::-1], 3, rtol=1e-12)


# ---------------------------------------------------------------------------
# what rumbo cannot compile yet: a clear typing error, not a crash
# ---------------------------------------------------------------------------

@pytest.mark.numba_departure("Numba concatenates tuples of arrays of different types", run=False)
def test_mixed_tuple_is_a_typing_error():
    with pytest.raises(errors.TypingError):
        concat0((XI, X[0]))


def _concat_view(a, b):
    return np.concatenate((a, b[::2]))


def _sum_items(t):
    s = 0.0
    for x in t:
        s += x.sum()
    return s


def test_tuples_of_arrays_with_different_layouts():
    # Items of one dtype and ndim but different layouts iterate and index as 'A'.
    x = np.arange(6.0)
    assert np.array_equal(njit(_concat_view)(x, x), np.concatenate((x, x[::2])))
    assert njit(_sum_items)((x, x[::2], x.reshape(2, 3)[0])) == x.sum() + x[::2].sum() + 3.0
