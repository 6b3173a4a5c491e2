"""Math ufuncs on complex arrays and scalars (C99's complex functions, as NumPy)."""
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
