"""Float errors (math domain/range, float division by zero) in functions whose loops all
end are recorded and raised when the function returns, so loops with math calls vectorize.
What must not change: the exception (type and message) CPython raises, a pending error
raised before any later one, and no hang when a callee would loop on the NaN."""
import math

import numpy as np
import pytest

import rumbo


def cpython_error(f, *args):
    try:
        f(*args)
    except Exception as exc:  # noqa: BLE001 - any exception is what we compare
        return type(exc), str(exc)
    return None


def same_error(jitted, *args):
    expected = cpython_error(jitted.py_func, *args)
    got = cpython_error(jitted, *args)
    assert got == expected


@rumbo.njit
def exp_map(a):
    out = np.empty_like(a)
    for i in range(a.size):
        out[i] = math.exp(a[i])
    return out


@rumbo.njit
def log_and_divide(a):
    out = np.empty_like(a)
    for i in range(a.size):
        out[i] = math.log(a[i]) + 1.0 / a[i]
    return out


@rumbo.njit
def sqrt_then_index(a, idx):
    s = 0.0
    for i in range(a.size):
        s += math.sqrt(a[i])
        s += a[idx[i]]
    return s


def test_math_loop_vectorizes():
    a = np.linspace(-3.0, 3.0, 1001)
    np.testing.assert_allclose(exp_map(a), np.exp(a), rtol=1e-15)
    ir = exp_map.inspect_llvm(exp_map.signatures[0])
    assert "x double>" in ir, "the exp loop should run on vectors"


@pytest.mark.parametrize("values", [[1.0, 1000.0, 2.0], [1000.0], [-1e308, 710.0], [0.5] * 40 + [800.0]])
def test_overflow_in_a_loop(values):
    same_error(exp_map, np.array(values))


@pytest.mark.parametrize("values", [[1.0, -1.0], [1.0, 0.0], [0.0, -1.0], [2.0, np.nan, -3.0], [np.inf, 1.0]])
def test_first_error_wins_like_cpython(values):
    same_error(log_and_divide, np.array(values))


def test_pending_float_error_is_raised_before_an_index_error():
    same_error(sqrt_then_index, np.array([1.0, -1.0, 2.0]), np.array([0, 5, 1]))
    with pytest.raises(IndexError):
        sqrt_then_index(np.array([1.0, 4.0, 2.0]), np.array([0, 5, 1]))
    assert sqrt_then_index(np.array([1.0, 4.0]), np.array([1, 0])) == sqrt_then_index.py_func(np.array([1.0, 4.0]), np.array([1, 0]))


@rumbo.njit
def halve_until_zero(x):
    while x != 0.0:  # forever on NaN
        x = x / 2
    return x


@rumbo.njit
def sqrt_then_loop(y):
    x = math.sqrt(y)
    return halve_until_zero(x)


def test_callee_with_a_while_loop_never_runs_on_a_pending_error():
    assert sqrt_then_loop(4.0) == 0.0
    same_error(sqrt_then_loop, -1.0)


@rumbo.njit
def helper(d):
    return math.log(d) * 2.0


@rumbo.njit
def uses_helper(a):
    out = np.empty_like(a)
    for i in range(a.size):
        out[i] = helper(a[i]) / a[i]
    return out


@pytest.mark.parametrize("values", [[1.0, 2.0], [1.0, -2.0], [0.0, 1.0], [3.0, 0.0]])
def test_errors_from_callees_are_deferred_to_the_caller(values):
    same_error(uses_helper, np.array(values))


@rumbo.njit
def returns_array(n, x):
    a = np.ones(n)
    a[0] = math.log(x)
    return a


def test_dropped_result_is_released():
    from rumbo import _core

    returns_array(10, 2.0)
    alloc0, free0 = _core.nrt_stats()
    for _ in range(200):
        with pytest.raises(ValueError, match="math domain error"):
            returns_array(10, -1.0)
    alloc1, free1 = _core.nrt_stats()
    assert alloc1 - alloc0 == free1 - free0 == 200


@rumbo.njit
def prints_after_error(x):
    y = math.sqrt(x)
    print("reached")
    return y


def test_functions_that_print_raise_at_once(capfd):
    with pytest.raises(ValueError):
        prints_after_error(-1.0)
    assert "reached" not in capfd.readouterr().out


@rumbo.njit
def float_ops(x, y):
    return (x / y, x // y, x % y, x ** y)


@pytest.mark.parametrize("x, y", [(1.0, 0.0), (0.0, -1.0), (-0.0, 0.0), (1e300, 2.0), (2.0, 3.0)])
def test_scalar_float_errors(x, y):
    same_error(float_ops, x, y)


@rumbo.njit(error_model="numpy")
def numpy_model(a):
    out = np.empty_like(a)
    for i in range(a.size):
        out[i] = math.log(a[i])
    return out


def test_numpy_error_model_still_has_no_errors():
    r = numpy_model(np.array([1.0, -1.0, 0.0]))
    assert r[0] == 0.0 and np.isnan(r[1]) and r[2] == -np.inf


# math.sqrt of a value that is never below zero (sums of squares, abs, exp) has no
# domain check (signs.rs); anything else keeps it.
@rumbo.njit
def norms(X):
    out = np.empty(X.shape[0])
    for i in range(X.shape[0]):
        s = 0.0
        for k in range(X.shape[1]):
            t = X[i, k]
            s += t * t
        out[i] = math.sqrt(s) + math.sqrt(abs(X[i, 0]) + math.exp(X[i, 0]))
    return out


@rumbo.njit
def sqrt_of_shifted_sum(X, shift):
    s = shift
    for k in range(X.size):
        t = X[k]
        s += t * t
    return math.sqrt(s)


@rumbo.njit
def sqrt_of_product_sum(X):
    s = 1.0
    for k in range(X.size):
        s *= X[k]
        s += 0.5
    return math.sqrt(s)


def test_sqrt_of_squares_has_no_check():
    X = np.array([[3.0, 4.0], [-1.0, np.nan], [-0.0, -0.0]])
    np.testing.assert_allclose(norms(X), [norms.py_func(X)[0], np.nan, 1.0], rtol=1e-15)
    ir = norms.inspect_llvm(norms.signatures[0])
    assert "fcmp olt" not in ir, "sums of squares are never negative: no sqrt domain check"


@pytest.mark.parametrize("shift", [0.0, 2.0, -1.0, -100.0, -0.0, math.nan])
def test_sqrt_keeps_the_check_when_a_term_may_be_negative(shift):
    X = np.array([1.0, -2.0, 3.0])
    same_error(sqrt_of_shifted_sum, X, shift)
    if shift >= 0:
        assert sqrt_of_shifted_sum(X, shift) == sqrt_of_shifted_sum.py_func(X, shift)


@pytest.mark.parametrize("values", [[2.0, 3.0], [-2.0, 1.0], [-4.0, -3.0], [0.25, -9.0]])
def test_sqrt_of_loop_carried_product(values):
    X = np.array(values)
    same_error(sqrt_of_product_sum, X)


@rumbo.njit
def total_functions(x):
    return math.exp(x) + math.expm1(x) + math.cosh(x) + math.sinh(x) + math.tanh(x) + math.atan(x) + math.asinh(x) + math.erf(x) + math.erfc(x)


# These never turn a non-NaN input into NaN: only their range is checked (exp, cosh, ...).
@pytest.mark.parametrize("x", [0.0, -0.0, 1.5, -700.0, 710.0, -1e308, 1e308, math.inf, -math.inf, math.nan])
def test_functions_without_a_domain_error(x):
    same_error(total_functions, x)
    if cpython_error(total_functions.py_func, x) is None:
        np.testing.assert_equal(total_functions(x), total_functions.py_func(x))
