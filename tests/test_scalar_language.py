"""Language features on scalars: control flow, tuples, globals and closures,
calls between jitted functions, recursion, and exceptions reaching Python."""

import math
from math import sqrt as imported_sqrt

import pytest

from conftest import INT64_MAX, assert_same, njit
from error_cases import assert_funcs

# ---------------------------------------------------------------------------
# branches
# ---------------------------------------------------------------------------


@njit
def classify(x):
    if x < 0:
        return -1
    elif x == 0:
        return 0
    elif x < 10:
        return 1
    else:
        return 2


@pytest.mark.parametrize("x,expected", [(-5, -1), (0, 0), (3, 1), (10, 2), (99, 2)])
def test_if_elif_else(x, expected):
    assert classify(x) == expected


@njit
def if_without_else(x):
    y = 1
    if x > 0:
        y = 2
    return y


def test_if_without_else():
    assert if_without_else(5) == 2
    assert if_without_else(-5) == 1


@njit
def nested_if(a, b):
    if a > 0:
        if b > 0:
            return 1
        return 2
    else:
        if b > 0:
            return 3
    return 4


def test_nested_if():
    assert [nested_if(a, b) for a, b in [(1, 1), (1, -1), (-1, 1), (-1, -1)]] == [1, 2, 3, 4]


@njit
def ternary(x):
    return x * 2 if x > 0 else -x


@njit
def nested_ternary(x):
    return 1 if x > 0 else (0 if x == 0 else -1)


def test_conditional_expression():
    assert ternary(4) == 8
    assert ternary(-3) == 3
    assert nested_ternary(5) == 1
    assert nested_ternary(0) == 0
    assert nested_ternary(-5) == -1


@njit
def truthiness(i, x, z, b):
    r = 0
    if i:
        r += 1
    if x:
        r += 10
    if z:
        r += 100
    if b:
        r += 1000
    return r


def test_truthiness_of_numbers():
    assert truthiness(0, 0.0, 0j, False) == 0
    assert truthiness(3, -0.5, 1j, True) == 1111
    assert truthiness(0, math.nan, 0j, False) == 10
    assert truthiness(0, -0.0, 0j, False) == 0


# ---------------------------------------------------------------------------
# boolean operators
# ---------------------------------------------------------------------------


@njit
def bool_ops(a, b):
    return (a > 0 and b > 0), (a > 0 or b > 0), not (a > 0), (not a > 0 and not b > 0)


def test_and_or_not():
    for a in (-1, 0, 1):
        for b in (-1, 0, 1):
            assert bool_ops(a, b) == bool_ops.py_func(a, b)


@njit
def short_circuit(x):
    # the right operand must not be evaluated when x == 0
    return x != 0 and 10 // x > 1


@njit
def short_circuit_or(x):
    return x == 0 or 10 % x == 0


def test_and_or_short_circuit():
    assert short_circuit(0) is False
    assert short_circuit(3) is True
    assert short_circuit(20) is False
    assert short_circuit_or(0) is True
    assert short_circuit_or(3) is False
    assert short_circuit_or(5) is True


@njit
def and_or_values(a, b):
    return a and b, a or b


def test_and_or_return_operands():
    for a in (0, 5):
        for b in (0, 7):
            assert and_or_values(a, b) == (a and b, a or b)
    assert and_or_values(0.0, 2.5) == (0.0, 2.5)


# ---------------------------------------------------------------------------
# comparisons
# ---------------------------------------------------------------------------


@njit
def chained(a, b, c):
    return a < b < c, a < b > c, a == b == c, a <= b != c, 0 <= a < 10


def test_chained_comparisons():
    for args in [(1, 2, 3), (3, 2, 1), (2, 2, 2), (1, 1, 2), (-1, 5, 0), (5.5, 6.0, 6.5)]:
        assert chained(*args) == chained.py_func(*args)


@njit
def in_range(x):
    return 0 < x <= 100


def test_chained_comparison_mixed_types():
    assert in_range(50) is True
    assert in_range(0.5) is True
    assert in_range(100.5) is False
    assert in_range(math.nan) is False


# ---------------------------------------------------------------------------
# loops
# ---------------------------------------------------------------------------


@njit
def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n //= 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def test_while_loop():
    assert collatz_steps(1) == 0
    assert collatz_steps(27) == 111
    assert collatz_steps(97) == 118


@njit
def range1(n):
    s = 0
    for i in range(n):
        s += i
    return s


@njit
def range2(a, b):
    s = 0
    for i in range(a, b):
        s = s * 3 + i
    return s


@njit
def range3(a, b, c):
    s = 0
    k = 0
    for i in range(a, b, c):
        s += i * (k + 1)
        k += 1
    return s, k


@pytest.mark.parametrize("n", [0, 1, 10, -3])
def test_for_range_one_arg(n):
    assert range1(n) == sum(range(n))


@pytest.mark.parametrize("a,b", [(0, 5), (3, 9), (5, 5), (7, 2), (-4, 3)])
def test_for_range_two_args(a, b):
    assert range2(a, b) == range2.py_func(a, b)


@pytest.mark.parametrize(
    "a,b,c",
    [(0, 10, 3), (10, 0, -3), (10, 0, -1), (0, 10, -1), (5, 5, 2), (-10, 10, 7),
     (10, -10, -7), (1, 2, 100), (0, 1, 1), (3, 4, -1)],
)
def test_for_range_three_args_incl_negative_step(a, b, c):
    assert range3(a, b, c) == range3.py_func(a, b, c)


@njit
def range_big_step(n):
    count = 0
    for _ in range(-INT64_MAX, INT64_MAX, n):
        count += 1
        if count > 100:  # guard: an index that wraps around would loop forever
            break
    return count


@pytest.mark.numba_departure("Numba's range length computation overflows int64 here")
def test_range_extreme_bounds():
    assert range_big_step(2**62) == len(range(-INT64_MAX, INT64_MAX, 2**62))


@njit
def loop_var_after_loop(n):
    for i in range(n):
        pass
    return i


def test_loop_variable_survives_loop():
    assert loop_var_after_loop(5) == 4


@njit
def break_continue(n):
    s = 0
    for i in range(n):
        if i % 3 == 0:
            continue
        if i > 20:
            break
        s += i
    return s


def test_break_continue_for():
    for n in (0, 5, 21, 100):
        assert break_continue(n) == break_continue.py_func(n)


@njit
def while_break_continue(n):
    i = 0
    s = 0
    while True:
        i += 1
        if i > n:
            break
        if i % 2:
            continue
        s += i
    return s


def test_break_continue_while():
    assert while_break_continue(10) == 30
    assert while_break_continue(0) == 0


@njit
def find_divisor(n):
    for d in range(2, n):
        if n % d == 0:
            break
    else:
        return -1
    return d


def test_for_else():
    assert find_divisor(15) == 3
    assert find_divisor(13) == -1
    assert find_divisor(2) == -1  # empty loop runs the else clause


@njit
def while_else(n, stop):
    i = 0
    while i < n:
        if i == stop:
            break
        i += 1
    else:
        return -i
    return i


def test_while_else():
    assert while_else(5, 3) == 3
    assert while_else(5, 10) == -5
    assert while_else(0, 10) == 0


@njit
def nested_loops(n):
    count = 0
    for i in range(n):
        for j in range(n):
            if j > i:
                break
            if (i + j) % 2:
                continue
            count += 1
    return count


def test_nested_loops_inner_break_continue():
    for n in (0, 1, 4, 9):
        assert nested_loops(n) == nested_loops.py_func(n)


@njit
def early_return_in_loop(n):
    for i in range(n):
        j = 0
        while j < i:
            if i * j == 42:
                return i, j
            j += 1
    return -1, -1


def test_return_from_inside_loops():
    assert early_return_in_loop(100) == (7, 6)
    assert early_return_in_loop(5) == (-1, -1)


@njit
def accumulate_float(n):
    s = 0
    for i in range(n):
        s += 0.5
    return s


def test_variable_unified_int_float():
    # s starts as an int and becomes a float: unified to float64 (value equal).
    assert accumulate_float(4) == 2.0
    assert accumulate_float(0) == 0


# ---------------------------------------------------------------------------
# assignment forms
# ---------------------------------------------------------------------------


@njit
def augmented_int(a, b):
    x = a
    x += b
    x -= 3
    x *= b
    x //= 7
    x %= 1000
    x **= 2
    x &= 0xFFFF
    x |= 0x10
    x ^= b
    x <<= 2
    x >>= 1
    return x


@njit
def augmented_float(a, b):
    x = a
    x += b
    x *= 1.5
    x /= b
    x -= 0.25
    x //= 0.5
    x %= 3.0
    x **= 2
    return x


def test_augmented_assignment():
    for a, b in [(5, 3), (-17, 11), (100, -9)]:
        assert augmented_int(a, b) == augmented_int.py_func(a, b)
    for a, b in [(5.5, 3.0), (-17.25, 11.5)]:
        assert_same(augmented_float(a, b), augmented_float.py_func(a, b))


@njit
def tuple_roundtrip(a, b, c):
    t = (a, b, c)
    x, y, z = t
    x, y = y, x
    (p, q), r = (z, x), y
    return (p, q, r), t[0], t[-1], len(t)


def test_tuple_packing_unpacking():
    assert tuple_roundtrip(1, 2, 3) == ((3, 2, 1), 1, 3, 3)


@njit
def heterogeneous_tuple(i, x):
    return i, x, i < x, complex(x, i), (i, (x, True))


def test_return_heterogeneous_nested_tuple():
    assert heterogeneous_tuple(2, 3.5) == (2, 3.5, True, complex(3.5, 2), (2, (3.5, True)))


@njit
def swap_fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def test_swap_idiom():
    assert swap_fib(10) == 55
    assert swap_fib(90) == 2880067194370816120


@njit
def chained_assign(x):
    a = b = x + 1
    a += 1
    return a, b


def test_chained_assignment():
    assert chained_assign(1) == (3, 2)


@njit
def literals():
    return 0x1F, 0o17, 0b101, 1_000_000, 1e-3, 2.5e10, 3j, True, -7


def test_numeric_literals():
    assert literals() == (0x1F, 0o17, 0b101, 1_000_000, 1e-3, 2.5e10, 3j, True, -7)


@njit
def no_return(x):
    y = x + 1  # noqa: F841


@njit
def bare_return(x):
    if x > 0:
        return
    return


def test_functions_returning_none():
    assert no_return(1) is None
    assert bare_return(1) is None


@njit
def with_docstring(x):
    """A docstring is not code."""
    pass
    return x


def test_docstring_and_pass():
    assert with_docstring(3) == 3


# ---------------------------------------------------------------------------
# globals and closures are frozen at compile time
# ---------------------------------------------------------------------------

SCALE = 10
OFFSET = 0.5
PAIR = (3, 4.5)
FLAG = True


@njit
def use_globals(x):
    if FLAG:
        return x * SCALE + OFFSET + PAIR[0] * PAIR[1]
    return 0.0


def test_global_constants():
    assert use_globals(2) == 2 * 10 + 0.5 + 3 * 4.5


FROZEN = 100


def read_frozen(x):
    return x + FROZEN


def test_global_is_frozen_after_first_compilation():
    global FROZEN
    compiled = njit(read_frozen)
    assert compiled(1) == 101
    old = FROZEN
    FROZEN = 200
    try:
        assert compiled(1) == 101           # the compiled code keeps the old value
        assert compiled.py_func(1) == 201   # Python sees the new one
        assert njit(read_frozen)(1) == 201  # a new dispatcher compiles afresh
    finally:
        FROZEN = old


def test_closure_variables_frozen():
    def make(k):
        def scaled(x):
            return x * k + step

        step = 1
        compiled = njit(scaled)
        first = compiled(2)
        k = k * 100  # rebind the closure cell after compilation
        step = 7
        return compiled, scaled, first

    compiled, scaled, first = make(3)
    assert first == 7
    assert compiled(2) == 7          # frozen at compile time
    assert scaled(2) == 2 * 300 + 7  # the Python closure sees the new cells


@njit
def math_module(x):
    return math.sqrt(x) + math.pi, imported_sqrt(x)


def test_math_module_and_imported_function():
    assert math_module(16.0) == (4.0 + math.pi, 4.0)


# ---------------------------------------------------------------------------
# calls between jitted functions, recursion
# ---------------------------------------------------------------------------


@njit
def square(x):
    return x * x


@njit
def divmod_pair(a, b):
    return a // b, a % b


@njit
def sum_of_squares(a, b):
    return square(a) + square(b)


@njit
def use_tuple_callee(a, b):
    q, r = divmod_pair(a, b)
    return q * b + r == a, q, r


def test_call_other_jitted_function():
    assert sum_of_squares(3, 4) == 25
    assert sum_of_squares(1.5, 2) == 6.25  # callee compiled for new types
    assert use_tuple_callee(-17, 5) == (True, -4, 3)


@njit
def caller_of_later(x):
    return defined_later(x) + 1


@njit
def defined_later(x):
    return x * 3


def test_callee_defined_after_caller():
    assert caller_of_later(2) == 7


@njit
def with_defaults(a, b=2, c=3.0):
    return a * b + c


@njit
def call_with_keywords(x):
    return with_defaults(x), with_defaults(x, 5), with_defaults(x, c=1.0), with_defaults(c=0.5, a=x, b=1)


def test_default_and_keyword_arguments():
    assert call_with_keywords(2) == (7.0, 13.0, 5.0, 2.5)
    assert with_defaults(1, c=10.0) == 12.0


@njit
def three_levels(x):
    return sum_of_squares(x, x + 1) * 2


def test_call_chain():
    assert three_levels(2) == 26


@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def test_self_recursion_fib():
    assert fib(0) == 0
    assert fib(1) == 1
    assert fib(20) == 6765


@njit
def gcd_rec(a, b):
    if b == 0:
        return a
    return gcd_rec(b, a % b)


def test_tail_style_recursion():
    assert gcd_rec(1071, 462) == 21


# ---------------------------------------------------------------------------
# exceptions raised in compiled code reach Python
# ---------------------------------------------------------------------------


class InsufficientFunds(Exception):
    pass


class DerivedValueError(ValueError):
    pass


@njit
def int_div(a, b):
    return a // b


@njit
def int_mod(a, b):
    return a % b


@njit
def int_truediv(a, b):
    return a / b


@njit
def float_div(a, b):
    return a / b


@njit
def float_floordiv(a, b):
    return a // b


@njit
def float_mod(a, b):
    return a % b


@njit
def int_divmod(a, b):
    return divmod(a, b)


@pytest.mark.parametrize(
    "func,args",
    [(int_div, (1, 0)), (int_mod, (1, 0)), (int_truediv, (1, 0)), (int_divmod, (7, 0)),
     (float_div, (1.0, 0.0)), (float_floordiv, (1.0, 0.0)), (float_mod, (1.0, -0.0)),
     (int_div, (0, 0))],
    ids=["int//", "int%", "int/", "divmod", "float/", "float//", "float%", "0//0"],
)
def test_zero_division(func, args):
    with pytest.raises(ZeroDivisionError):
        func(*args)


@njit
def check_positive(x):
    if x <= 0:
        raise ValueError("x must be positive")
    return x


def test_raise_value_error_with_message():
    assert check_positive(3) == 3
    with pytest.raises(ValueError) as ei:
        check_positive(-1)
    assert type(ei.value) is ValueError
    assert str(ei.value) == "x must be positive"
    assert ei.value.args == ("x must be positive",)


# Functions with `assert` live in error_cases/assert_funcs.py: pytest rewrites
# assert statements inside test modules.
asserting = njit(assert_funcs.asserting)
asserting_no_msg = njit(assert_funcs.asserting_no_msg)
asserting_in_loop = njit(assert_funcs.asserting_in_loop)


def test_assert_with_and_without_message():
    assert asserting(1) == 1
    with pytest.raises(AssertionError) as ei:
        asserting(0)
    assert str(ei.value) == "x must be > 0"
    with pytest.raises(AssertionError) as ei:
        asserting_no_msg(-5)
    assert ei.value.args == ()
    assert asserting_in_loop(5) == 10
    with pytest.raises(AssertionError, match="i reached 5"):
        asserting_in_loop(6)


@njit
def withdraw(balance, amount):
    if amount > balance:
        raise InsufficientFunds("not enough money")
    return balance - amount


@njit
def raise_bare_class(x):
    if x:
        raise InsufficientFunds
    return 0


@njit
def raise_derived(x):
    if x < 0:
        raise DerivedValueError("negative")
    return x


def test_user_defined_exception():
    assert withdraw(10, 3) == 7
    with pytest.raises(InsufficientFunds) as ei:
        withdraw(1, 3)
    assert type(ei.value) is InsufficientFunds
    assert str(ei.value) == "not enough money"
    with pytest.raises(InsufficientFunds):
        raise_bare_class(1)
    with pytest.raises(ValueError) as ei:
        raise_derived(-1)
    assert type(ei.value) is DerivedValueError
    assert str(ei.value) == "negative"


@njit
def builtin_exceptions(kind):
    if kind == 0:
        raise TypeError("bad type")
    elif kind == 1:
        raise IndexError("out of range")
    elif kind == 2:
        raise RuntimeError("boom")
    elif kind == 3:
        raise OverflowError("too big")
    elif kind == 4:
        raise KeyError("key")
    elif kind == 5:
        raise NotImplementedError("later")
    raise ArithmeticError("math")


@pytest.mark.parametrize(
    "kind,exc,msg",
    [(0, TypeError, "bad type"), (1, IndexError, "out of range"), (2, RuntimeError, "boom"),
     (3, OverflowError, "too big"), (4, KeyError, "key"), (5, NotImplementedError, "later"),
     (6, ArithmeticError, "math")],
)
def test_builtin_exception_types(kind, exc, msg):
    with pytest.raises(exc) as ei:
        builtin_exceptions(kind)
    assert type(ei.value) is exc
    assert ei.value.args == (msg,)


@njit
def raise_in_loop(n):
    s = 0
    for i in range(n):
        if i == 7:
            raise RuntimeError("hit seven")
        s += i
    return s


@njit
def calls_raiser(x):
    return check_positive(x) * 2


def test_exception_from_loop_and_from_callee():
    assert raise_in_loop(5) == 10
    with pytest.raises(RuntimeError, match="hit seven"):
        raise_in_loop(10)
    assert calls_raiser(2) == 4
    with pytest.raises(ValueError, match="x must be positive"):
        calls_raiser(0)
    with pytest.raises(ZeroDivisionError):
        int_div(5, 0)
    # the dispatcher still works after an exception
    assert int_div(5, 2) == 2


@njit
def tuple_truth(x):
    t = (x,)
    e = ()
    n = 0
    while t:
        n += 1
        break
    return n, not t, not e, bool(t) if False else 1


def test_tuples_are_truthy_like_python():
    assert tuple_truth(3) == tuple_truth.py_func(3)


@njit
def dead_loop_after_return(x, y):
    return x
    while x:  # noqa: unreachable on purpose: lowering must not recurse forever
        pass
    return y


def test_unreachable_loop_after_return_compiles():
    assert dead_loop_after_return(1, 2) == 1


@njit
def prints(x, n):
    print("x is", x, n, x > 1, (x, n), None)
    return n


def test_print_uses_python_formatting(capsys):
    prints(2.5, 3)
    prints.py_func(2.5, 3)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == out[1] == "x is 2.5 3 True (2.5, 3) None"


@njit
def tuple_loop(a, b, c):
    t = 0.0
    for x in (a, b, c):
        t += x
    for k in (1, 2, 3):
        t *= k
    return t


def test_iterating_over_homogeneous_tuples():
    assert tuple_loop(1.0, 2.0, 3.5) == tuple_loop.py_func(1.0, 2.0, 3.5)


@njit
def kind_of(x):
    if isinstance(x, tuple):
        return len(x) * 1.0
    elif isinstance(x, (int, float)):
        return x * 2.0
    return -1.0


def test_isinstance_is_decided_at_compile_time():
    for x in ((1, 2), 3, 2.5, 1 + 2j):
        assert kind_of(x) == kind_of.py_func(x)
