"""Integer-array and boolean indexing beyond 1-D: rows of N-D arrays (a[idx], a[mask]),
one index array with ints/slices in a 2-D tuple index, paired index arrays, and the
same on the left of `=`; compared with NumPy."""
import numpy as np
import pytest

import rumbo

A2 = np.arange(20.0).reshape(4, 5)
A3 = np.arange(24).reshape(4, 3, 2)
IDX = [np.array([2, 0, 3]), np.array([-1, 1]), np.array([], dtype=np.int64), np.array([1, 1, 1])]


def same(got, want):
    np.testing.assert_array_equal(got, want)
    assert np.asarray(got).dtype == np.asarray(want).dtype


@rumbo.njit
def take_rows(a, i):
    return a[i]


@rumbo.njit
def cols(a, i):
    return a[:, i]


@rumbo.njit
def rows_then_slice(a, i):
    return a[i, 1:4]


@rumbo.njit
def row_then_cols(a, i):
    return a[2, i]


@rumbo.njit
def cols_of_slice(a, i):
    return a[1:3, i]


@rumbo.njit
def pairs(a, i, j):
    return a[i, j]


@pytest.mark.parametrize("i", IDX, ids=range(len(IDX)))
def test_gathers(i):
    same(take_rows(A2, i), A2[i])
    same(take_rows(A3, i), A3[i])
    same(cols(A2, i), A2[:, i])
    same(rows_then_slice(A2, i), A2[i, 1:4])
    same(row_then_cols(A2, i), A2[2, i])
    same(cols_of_slice(A2, i), A2[1:3, i])
    same(pairs(A2, i, i), A2[i, i])


def test_out_of_bounds_and_mismatch():
    with pytest.raises(IndexError):
        take_rows(A2, np.array([0, 4]))
    with pytest.raises(IndexError):
        cols(A2, np.array([5]))
    with pytest.raises(IndexError):
        pairs(A2, np.array([0, 1]), np.array([0]))


@rumbo.njit
def masked_rows(a, m):
    return a[m]


def test_mask_over_rows():
    m = np.array([True, False, True, True])
    same(masked_rows(A2, m), A2[m])
    same(masked_rows(A3, m), A3[m])
    same(masked_rows(A2, np.zeros(4, dtype=np.bool_)), A2[np.zeros(4, dtype=np.bool_)])
    with pytest.raises(IndexError):
        masked_rows(A2, np.array([True, False]))


@rumbo.njit
def set_rows(a, i, v):
    a[i] = v
    return a


@pytest.mark.parametrize("value", [7.0, np.array([1.0, 2.0, 3.0, 4.0, 5.0]), np.arange(10.0).reshape(2, 5)])
def test_stores(value):
    i = np.array([3, 1])
    got, want = set_rows(A2.copy(), i, value), A2.copy()
    want[i] = value
    same(got, want)
    m = np.array([False, True, False, True])
    got, want = set_rows(A2.copy(), m, value), A2.copy()
    want[m] = value
    same(got, want)
