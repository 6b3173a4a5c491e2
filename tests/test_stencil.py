"""`@stencil`: relative-indexing kernels applied at every interior point, against a
direct NumPy computation (border points get cval)."""
import numpy as np
import pytest

from rumbo import stencil

SCALE = 0.25


@stencil
def laplace(a):
    return SCALE * (a[-1, 0] + a[1, 0] + a[0, -1] + a[0, 1]) - a[0, 0]


@stencil(cval=-1.0)
def forward_diff(x):
    return x[1] - x[0]


@stencil(neighborhood=((-2, 0),))
def trailing_mean(x):
    s = 0.0
    for k in range(-2, 1):
        s += x[k]
    return s / 3


@stencil
def clipped(a, limit):
    v = a[0, 1] - a[0, -1]
    if v > limit:
        return limit
    return v


def test_two_dimensional_kernel():
    a = np.arange(30.0).reshape(5, 6) ** 1.5
    want = np.zeros_like(a)
    want[1:-1, 1:-1] = SCALE * (a[:-2, 1:-1] + a[2:, 1:-1] + a[1:-1, :-2] + a[1:-1, 2:]) - a[1:-1, 1:-1]
    np.testing.assert_allclose(laplace(a), want, rtol=1e-15)


def test_cval_and_one_dimension():
    x = np.array([1.0, 4.0, 9.0, 16.0])
    np.testing.assert_array_equal(forward_diff(x), [3.0, 5.0, 7.0, -1.0])


def test_neighborhood_with_a_loop_in_the_kernel():
    x = np.arange(8.0)
    want = np.zeros(8)
    want[2:] = (x[:-2] + x[1:-1] + x[2:]) / 3
    np.testing.assert_allclose(trailing_mean(x), want, rtol=1e-15)


def test_scalar_arguments_and_early_returns():
    a = np.random.default_rng(1).random((4, 5))
    want = np.zeros_like(a)
    v = a[:, 2:] - a[:, :-2]
    want[:, 1:-1] = np.minimum(v, 0.2)
    np.testing.assert_allclose(clipped(a, 0.2), want, rtol=1e-15)


def test_integer_input_keeps_the_kernel_return_type():
    a = np.arange(12).reshape(3, 4)
    r = laplace(a)
    assert r.dtype == np.float64
    with pytest.raises(ValueError):
        laplace(np.arange(5.0))
