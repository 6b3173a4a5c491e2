"""Math ufuncs on complex arrays and scalars (C99's complex functions, as NumPy)."""
import cmath

import numpy as np
import pytest

import rumbo

NAMES = ["exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh",
         "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh"]
Z = np.array([0.5 + 0.5j, -1 + 0j, -2 - 3j, 0j, 1e-3 + 2j, 3 - 0.25j, -0.0 - 1j])


def make(name):
    f = getattr(np, name)

    def apply(z):
        return f(z)
    return rumbo.njit(apply), apply


@pytest.mark.parametrize("name", NAMES)
def test_complex_arrays_match_numpy(name):
    jitted, plain = make(name)
    with np.errstate(all="ignore"):
        want = plain(Z)
        got = jitted(Z)
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
        assert got.dtype == want.dtype
        np.testing.assert_allclose(jitted(Z[3]), plain(Z[3]), rtol=1e-13, atol=1e-15)
        z64 = Z.astype(np.complex64)
        np.testing.assert_allclose(jitted(z64), plain(z64), rtol=1e-5, atol=1e-6)


@rumbo.njit
def phasor(theta):
    return np.exp(1j * theta)


def test_phasor_expression():
    t = np.linspace(0, 2 * np.pi, 9)
    np.testing.assert_allclose(phasor(t), np.exp(1j * t), rtol=1e-14, atol=1e-15)


@rumbo.njit
def parts(a):
    return a.real, a.imag


@rumbo.njit
def set_real(a):
    a.real[:] = 7.0
    a.imag[0] = -1.0
    return a


@pytest.mark.parametrize("a", [Z, Z.astype(np.complex64), Z.reshape(7, 1)[::2], np.arange(6.0).reshape(2, 3), np.arange(4)])
def test_real_and_imag_views(a):
    for got, want in zip(parts(a), (a.real, a.imag)):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype and got.shape == want.shape
    if not np.iscomplexobj(a):
        assert not parts(a)[1].flags.writeable


def test_writes_through_real_and_imag():
    got, want = set_real(Z.copy()), Z.copy()
    want.real[:] = 7.0
    want.imag[0] = -1.0
    np.testing.assert_array_equal(got, want)


@rumbo.njit
def using_cmath(z):
    return cmath.exp(z), cmath.sqrt(z), cmath.log(z, 2), cmath.phase(z), cmath.polar(z), cmath.rect(2.0, 0.5), cmath.isnan(z)


@pytest.mark.parametrize("z", [1 + 2j, -3.0, 2, 0.25 - 4j])
def test_cmath(z):
    for g, w in zip(using_cmath(z), using_cmath.py_func(z)):
        np.testing.assert_allclose(g, w, rtol=1e-14)


@rumbo.njit
def angles(a):
    return np.angle(a), np.angle(a, deg=True), np.real(a), np.imag(a), np.conj(a), np.conjugate(a.real)


def test_angle_real_imag_functions():
    for g, w in zip(angles(Z), angles.py_func(Z)):
        np.testing.assert_allclose(g, w, rtol=1e-14)
