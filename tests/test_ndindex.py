"""np.ndindex in compiled loops: every index tuple of a shape in C order."""
import numpy as np
import pytest

import rumbo


@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 0, 4), (4, 1, 3), (2, 2, 2, 2), (5,)])
def test_order_and_count(shape):
    assert sum_indices(shape) == reference_sum(shape)


@rumbo.njit
def sum_indices(shape):
    total = 0
    n = 0
    for idx in np.ndindex(shape):
        n += 1
        for k in range(len(idx)):
            total += idx[k] * (k + 1) * n
    return total


def reference_sum(shape):
    total = 0
    for n, idx in enumerate(np.ndindex(shape), start=1):
        for k in range(len(idx)):
            total += idx[k] * (k + 1) * n
    return total


@rumbo.njit
def fill_by_index(a):
    for idx in np.ndindex(a.shape):
        a[idx] = idx[0] * 10 + idx[-1]
    return a


@rumbo.njit
def separate_args(n, m):
    s = 0
    for i, j in np.ndindex(n, m):
        s += i * 100 + j
    return s


def test_indexing_arrays_with_the_tuples():
    a = np.zeros((3, 4))
    want = np.zeros((3, 4))
    for idx in np.ndindex(want.shape):
        want[idx] = idx[0] * 10 + idx[-1]
    np.testing.assert_array_equal(fill_by_index(a), want)
    assert separate_args(3, 5) == sum(i * 100 + j for i, j in np.ndindex(3, 5))


@rumbo.njit
def weighted(a):
    s = 0.0
    for idx, x in np.ndenumerate(a):
        s += x * (idx[0] + 1)
    return s


@rumbo.njit
def argmax_index(a):
    best = -np.inf
    where = (0, 0)
    for (i, j), x in np.ndenumerate(a):
        if x > best:
            best = x
            where = (i, j)
    return where


def test_ndenumerate():
    for a in (np.arange(6.0), np.arange(12.0).reshape(3, 4), np.arange(24.0).reshape(2, 3, 4)[:, ::2], np.empty((0, 3))):
        want = sum(x * (idx[0] + 1) for idx, x in np.ndenumerate(a))
        assert weighted(a) == want
    m = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    assert argmax_index(m) == (1, 0)
