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

