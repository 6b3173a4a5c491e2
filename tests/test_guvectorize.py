"""`@guvectorize`: generalized ufuncs, compared with NumPy."""
import numpy as np
import pytest

from rumbo import guvectorize


@guvectorize(["void(float64[:], float64[:], float64[:])"], "(n),(n)->()")
def dot_rows(a, b, res):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    res[0] = s


@guvectorize(["void(int64[:], int64, int64[:])", "void(float64[:], float64, float64[:])"], "(n),()->(n)")
def shift(a, c, out):
    for i in range(a.shape[0]):
        out[i] = a[i] + c


@guvectorize("(m,n)->(n)")
def col_sums(m, out):
    for j in range(m.shape[1]):
        out[j] = 0
        for i in range(m.shape[0]):
            out[j] += m[i, j]


def test_reduction_over_the_core_dimension():
    a = np.arange(12.0).reshape(3, 4)
    b = np.linspace(0, 1, 4)
    np.testing.assert_allclose(dot_rows(a, b), a @ b, rtol=1e-14)
    np.testing.assert_allclose(dot_rows(a[0], b), a[0] @ b, rtol=1e-14)
    stack = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_allclose(dot_rows(stack, b), stack @ b, rtol=1e-14)
    with pytest.raises(ValueError):
        dot_rows(a, np.ones(3))


def test_scalar_inputs_and_signature_choice():
    a = np.arange(10.0).reshape(2, 5)
    np.testing.assert_array_equal(shift(a, 2.5), a + 2.5)
    r = shift(np.arange(4), 3)
    assert r.dtype == np.int64 and list(r) == [3, 4, 5, 6]
    out = np.zeros((2, 5))
    assert shift(a, 1.0, out) is None
    np.testing.assert_array_equal(out, a + 1.0)


def test_layout_only_compiles_per_input_types():
    m = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(col_sums(m), m.sum(axis=0))
    batch = np.arange(24).reshape(2, 3, 4)
    np.testing.assert_array_equal(col_sums(batch), batch.sum(axis=1))
    np.testing.assert_array_equal(col_sums(m.T), m.T.sum(axis=0))
