"""np.linalg.cholesky and np.trapezoid/np.trapz, against NumPy."""
import numpy as np
import pytest

import rumbo


@rumbo.njit
def chol(a):
    return np.linalg.cholesky(a)


@pytest.mark.parametrize("n, dtype", [(1, np.float64), (4, np.float64), (7, np.float32), (3, np.int64)])
def test_cholesky(n, dtype):
    rng = np.random.default_rng(n)
    b = rng.random((n, n))
    a = (b @ b.T + n * np.eye(n)).astype(dtype) if dtype != np.int64 else (np.eye(n, dtype=np.int64) * 4 + 1)
    got, want = chol(a), np.linalg.cholesky(a)
    np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == np.float32 else 1e-12)
    assert got.dtype == want.dtype


def test_cholesky_errors():
    with pytest.raises(np.linalg.LinAlgError):
        chol(-np.eye(3))
    with pytest.raises(np.linalg.LinAlgError):
        chol(np.ones((2, 3)))


@rumbo.njit
def trap(y, x):
    return np.trapezoid(y), np.trapezoid(y, x), np.trapezoid(y, dx=0.25)


def test_trapezoid():
    x = np.linspace(0, 2, 33) ** 2
    y = np.cos(x)
    for g, w in zip(trap(y, x), (np.trapezoid(y), np.trapezoid(y, x), np.trapezoid(y, dx=0.25))):
        assert g == pytest.approx(w, rel=1e-13)
    assert trap(np.ones(1), np.ones(1)) == (0.0, 0.0, 0.0)
