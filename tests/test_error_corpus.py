"""Unsupported or ill-typed functions and the exception each must raise.

Every case is a plain function registered with ``@case(EXPECTED, *args)``; the
test jit-compiles it and calls it with ``args``. The culprit source line(s) are
tagged with an ``# ERR`` comment. Under rumbo the test requires the exact
class (``TypingError`` for type clashes, ``UnsupportedError`` for constructs
the compiler does not handle at all) and a compact diagnostic: the file name,
``:<lineno>:`` of a culprit line, that line's code within the first 4 lines,
a caret line, at most 12 lines in all. Under RUMBO_TEST_BACKEND=numba only the
exception class is checked, loosely (Numba's classes differ); cases Numba
compiles or reports with a non-Numba exception are marked numba_departure.
"""

import inspect
import math
import os
import re
import sys

import pytest

from conftest import IS_NUMBA, backend, errors, njit

TYPING = "TypingError"
UNSUPPORTED = "UnsupportedError"

CASES = []


def case(expected, *args, departure=None):
    """Register the decorated function as an error case (returns it unchanged)."""

    def register(func):
        CASES.append((func, args, expected, departure))
        return func

    return register


NUMBA_COMPILES = "Numba compiles this construct; rumbo rejects it"


# ---------------------------------------------------------------------------
# helpers referenced by the cases
# ---------------------------------------------------------------------------


class _ContextManager:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


CONTEXT = _ContextManager()
COUNTER = 0


def python_helper(x):
    return x + 1


@njit
def jitted_two_args(a, b):
    return a + b


# ---------------------------------------------------------------------------
# constructs rumbo does not compile: UnsupportedError
# ---------------------------------------------------------------------------


@case(UNSUPPORTED, 1, departure=NUMBA_COMPILES)
def lambda_called(x):
    g = lambda y: y + 1  # ERR  # noqa: E731
    return g(x)


@case(UNSUPPORTED, 1)
def lambda_returned(x):
    return lambda: x  # ERR


@case(UNSUPPORTED, 3, departure=NUMBA_COMPILES)
def list_comprehension(n):
    squares = [i * i for i in range(n)]  # ERR
    return squares[0]


@case(UNSUPPORTED, 3, departure=NUMBA_COMPILES)
def list_literal(x):
    values = [x, x + 1]
    return values  # ERR


@case(UNSUPPORTED, 3)
def generator_expression(n):
    return sum(i for i in range(n))  # ERR


@case(UNSUPPORTED, 3, departure=NUMBA_COMPILES)
def dict_comprehension(n):
    d = {i: i * i for i in range(n)}  # ERR
    return d[1]


@case(UNSUPPORTED, 3)
def set_comprehension(n):
    s = {i % 2 for i in range(n)}  # ERR
    return len(s)


@case(UNSUPPORTED, 1)
def with_statement(x):
    with CONTEXT:  # ERR
        x += 1
    return x


@case(UNSUPPORTED, 1)
def try_except_as(x):
    try:  # ERR
        x += 1
    except ValueError as e:  # ERR  # noqa: F841
        return 0
    return x


@case(UNSUPPORTED, 1, departure=NUMBA_COMPILES)
def try_except(x):
    try:  # ERR
        x = 10 // x
    except Exception:  # ERR
        x = 0
    return x


@case(UNSUPPORTED, 1, departure=NUMBA_COMPILES)
def try_finally(x):
    try:  # ERR
        x += 1
    finally:  # ERR
        x += 2
    return x


@case(UNSUPPORTED, 3, departure=NUMBA_COMPILES)
def generator_function(n):  # ERR
    for i in range(n):
        yield i  # ERR


@case(UNSUPPORTED, 1)
def class_definition(x):
    class Point:  # ERR
        pass

    return x


@case(UNSUPPORTED, 4.0)
def import_statement(x):
    import cmath  # ERR

    return cmath.sqrt(x)


@case(UNSUPPORTED, 4.0)
def from_import_statement(x):
    from math import sqrt  # ERR

    return sqrt(x)


@case(UNSUPPORTED, 1)
def del_statement(x):
    y = x + 1
    del y  # ERR
    return x


@case(UNSUPPORTED, 1, departure=NUMBA_COMPILES)
def set_literal(x):
    s = {x, 1}  # ERR
    return len(s)


@case(UNSUPPORTED, 1, departure=NUMBA_COMPILES)
def dict_literal(x):
    d = {x: 1.0}  # ERR
    return d[x]


@case(UNSUPPORTED, 1, departure=NUMBA_COMPILES)
def f_string(x):
    s = f"{x}"  # ERR  # noqa: F841
    return x


@case(UNSUPPORTED, 1, departure=NUMBA_COMPILES)
def star_args_call(x):
    t = (x, x)
    return jitted_two_args(*t)  # ERR


@case(UNSUPPORTED, 1, departure=NUMBA_COMPILES)
def star_args_def(*args):  # ERR
    return args[0]


@case(UNSUPPORTED)
def star_kwargs_def(**kwargs):  # ERR
    return 1


@case(UNSUPPORTED, 1, departure=NUMBA_COMPILES)
async def async_function(x):  # ERR
    return x


@case(UNSUPPORTED, 1, departure=NUMBA_COMPILES)
def nested_def(x):
    def inner(y):  # ERR
        return y + x

    return inner(2)


@case(UNSUPPORTED, 1)
def starred_assignment(x):
    a, *rest = (x, x, x)  # ERR
    return a


@case(UNSUPPORTED, 1)
def global_assignment(x):
    global COUNTER  # ERR
    COUNTER = x  # ERR
    return x


@case(UNSUPPORTED, 1.5)
def set_attribute_on_float(x):
    x.real = 1.0  # ERR
    return x


if sys.version_info >= (3, 10):
    from error_cases.match_case import match_statement

    case(UNSUPPORTED, 1, departure=NUMBA_COMPILES)(match_statement)


# ---------------------------------------------------------------------------
# type clashes and unknown names: TypingError
# ---------------------------------------------------------------------------


@case(TYPING, 1)
def str_plus_int(x):
    return x + "a"  # ERR


@case(TYPING, "abc")
def string_argument(s):  # ERR
    return s + 1  # ERR


@case(TYPING, 1)
def int_of_str(x):
    return x + int("12")  # ERR


@case(TYPING, 1)
def unknown_global_function(x):
    return undefined_function(x)  # ERR  # noqa: F821


@case(TYPING, 1)
def undefined_variable(x):
    return x + y_never_defined  # ERR  # noqa: F821


@case(TYPING, 1)
def call_plain_python_function(x):
    return python_helper(x)  # ERR


@case(TYPING, 7)
def unsupported_int_method(x):
    return x.bit_length()  # ERR


@case(TYPING, 1.5)
def unsupported_float_method(x):
    return x.is_integer()  # ERR


@case(TYPING, 1.5)
def unknown_attribute(x):
    return x.foo  # ERR


@case(TYPING, 4.0)
def math_sqrt_two_args(x):
    return math.sqrt(x, x)  # ERR


@case(TYPING, 4.0)
def math_sqrt_no_args(x):
    return math.sqrt()  # ERR


@case(TYPING, 4.0, departure="Numba fails with a bare AssertionError")
def math_sqrt_keyword(x):
    return math.sqrt(y=x)  # ERR


@case(TYPING, 4.0, departure="Numba fails with a plain AttributeError")
def math_unknown_function(x):
    return math.no_such_function(x)  # ERR


@case(TYPING, 4.0)
def math_sqrt_of_tuple(x):
    return math.sqrt((x, x))  # ERR


@case(TYPING, 4, departure=NUMBA_COMPILES)
def math_gcd_of_float(x):
    return math.gcd(x, 1.5)  # ERR


@case(TYPING, 1)
def keyword_not_accepted_by_callee(x):
    return jitted_two_args(x, c=1)  # ERR


@case(TYPING, 1)
def jitted_callee_wrong_arg_count(x):
    return jitted_two_args(x)  # ERR


@case(TYPING, 1)
def abs_two_args(x):
    return abs(x, x)  # ERR


@case(TYPING, 1)
def min_no_args(x):
    return min()  # ERR


@case(TYPING, 1)
def tuple_index_out_of_range(x):
    t = (x, x)
    return t[5]  # ERR


@case(TYPING, 1)
def tuple_variable_index_heterogeneous(x):
    t = (x, 1.5, (1, 2))
    return t[x]  # ERR


@case(TYPING, 1)
def tuple_compared_to_float(x):
    t = (x, 1)
    return t < 1.5  # ERR


@case(TYPING, 1)
def chained_compare_with_tuple(x):
    return 0 < (x, x) < 2  # ERR


@case(TYPING, 1)
def tuple_plus_int(x):
    return (x, x) + 1  # ERR


@case(TYPING, 1)
def tuple_times_float(x):
    return (x, x) * 1.5  # ERR


@case(TYPING, 1)
def tuple_augmented_add_int(x):
    t = (x, x)
    t += 1  # ERR
    return t


@case(TYPING, 1)
def tuple_item_assignment(x):
    t = (x, x)
    t[0] = 1  # ERR
    return t


@case(TYPING, 1)
def negate_tuple(x):
    return -(x, x)  # ERR


@case(TYPING, 1)
def min_of_tuple_and_int(x):
    return min((x, x), 1)  # ERR


@case(TYPING, 1)
def branches_return_int_and_tuple(x):
    if x > 0:
        return 1  # ERR
    return (1, 2)  # ERR


@case(TYPING, 1)
def conditional_expression_int_and_tuple(x):
    return 1 if x > 0 else (1, 2)  # ERR


@case(TYPING, 1)
def add_none(x):
    return x + None  # ERR


@case(TYPING, 1j)
def complex_less_than(z):
    return z < z  # ERR


@case(TYPING, 1j)
def chained_compare_complex(z):
    return 0 < z < 1  # ERR


@case(TYPING, 1j)
def complex_floordiv(z):
    return z // z  # ERR


@case(TYPING, 1j)
def complex_mod(z):
    return z % z  # ERR


@case(TYPING, 1j)
def complex_divmod(z):
    return divmod(z, z)  # ERR


@case(TYPING, 1j)
def int_of_complex(z):
    return int(z)  # ERR


@case(TYPING, 1j)
def floor_of_complex(z):
    return math.floor(z)  # ERR


@case(TYPING, 1j)
def round_complex(z):
    return round(z)  # ERR


@case(TYPING, 1.5, departure=NUMBA_COMPILES)
def round_with_float_ndigits(x):
    return round(x, 1.5)  # ERR


@case(TYPING, 1.5)
def float_bitwise_and(x):
    return x & 1  # ERR


@case(TYPING, 1.5)
def float_left_shift(x):
    return x << 1  # ERR


@case(TYPING, 1.5)
def float_invert(x):
    return ~x  # ERR


@case(TYPING, 1)
def subscript_int(x):
    return x[0]  # ERR


@case(TYPING, 1)
def slice_int(x):
    return x[1:2]  # ERR


@case(TYPING, 1)
def len_of_int(x):
    return len(x)  # ERR


@case(TYPING, 1)
def call_an_int(x):
    return x(1)  # ERR


@case(TYPING, 1)
def unpack_wrong_count(x):
    a, b = (x, x, x)  # ERR
    return a + b


@case(TYPING, 1)
def unpack_an_int(x):
    a, b = x  # ERR
    return a + b


@case(TYPING, 3)
def for_over_int(x):
    s = 0
    for i in x:  # ERR
        s += i
    return s


@case(TYPING, 3, departure=NUMBA_COMPILES)
def range_of_float(x):
    s = 0
    for i in range(1.5):  # ERR
        s += i
    return s


@case(TYPING, 3)
def range_four_args(x):
    s = 0
    for i in range(x, x, x, x):  # ERR
        s += i
    return s


@case(TYPING, 1)
def raise_non_exception(x):
    raise 5  # ERR


@case(TYPING, 1, departure="Numba fails with a bare AssertionError")
def raise_unknown_name(x):
    raise NotAnExceptionClass("boom")  # ERR  # noqa: F821


# ---------------------------------------------------------------------------
# the test
# ---------------------------------------------------------------------------


def _culprits(func):
    """(file name, [(lineno, code)]) of the lines tagged ``# ERR``."""
    lines, start = inspect.getsourcelines(func)
    tagged = []
    for offset, line in enumerate(lines):
        if "# ERR" in line:
            code = line.split("# ERR")[0].strip()
            tagged.append((start + offset, code))
    assert tagged, f"case {func.__name__} has no '# ERR' line"
    return inspect.getsourcefile(func), tagged


def _expected_class(name):
    return getattr(errors, name)


if IS_NUMBA:
    _NUMBA_ACCEPTED = tuple(
        c for c in (errors.NumbaError, getattr(errors, "UnsupportedBytecodeError", None),
                    TypeError, NotImplementedError)
        if c is not None
    )


def _param(entry):
    func, args, expected, departure = entry
    marks = [pytest.mark.numba_departure(departure)] if departure else []
    return pytest.param(func, args, expected, marks=marks, id=func.__name__)


def test_corpus_size():
    assert len(CASES) >= 45
    assert {c[2] for c in CASES} == {TYPING, UNSUPPORTED}


@pytest.mark.parametrize("func,args,expected", [_param(c) for c in CASES])
def test_error_case(func, args, expected):
    with pytest.raises(Exception) as excinfo:
        njit(func)(*args)
    exc = excinfo.value

    if IS_NUMBA:
        assert isinstance(exc, _NUMBA_ACCEPTED), f"{type(exc).__name__}: {exc}"
        return

    cls = _expected_class(expected)
    assert isinstance(exc, cls), f"expected {expected}, got {type(exc).__name__}: {exc}"
    assert isinstance(exc, errors.NumbaError)
    check_diagnostic(str(exc), func)


def check_diagnostic(msg, func):
    """The message-quality contract for rumbo's compile errors."""
    lines = msg.splitlines()
    path, tagged = _culprits(func)
    assert os.path.basename(path) in msg, msg
    assert any(f":{lineno}:" in msg for lineno, _ in tagged), (
        f"none of lines {[n for n, _ in tagged]} cited as ':<lineno>:'\n{msg}"
    )
    head = "\n".join(lines[:4])
    assert any(code in head for _, code in tagged), (
        f"culprit line not in the first 4 lines of the message\n{msg}"
    )
    assert any(re.match(r"^[\s|]*\^", line) for line in lines), f"no caret line\n{msg}"
    assert len(lines) <= 12, f"message has {len(lines)} lines\n{msg}"


def test_check_diagnostic_itself():
    # The checker accepts a compact rustc-style report and rejects bad ones.
    path, tagged = _culprits(str_plus_int)
    lineno, code = tagged[0]
    good = (
        f"No implementation of + for (int64, unicode_type)\n"
        f"  --> {path}:{lineno}:12\n"
        f"     |\n"
        f"{lineno:4d} |     {code}  # ERR\n"
        f"     |            ^^^^^^^ no matching definition"
    )
    check_diagnostic(good, str_plus_int)
    bad_variants = [
        good.replace(os.path.basename(path), "elsewhere.py"),
        good.replace(f":{lineno}:", f":{lineno + 1}:"),
        "\n".join(["preamble"] * 4) + "\n" + good,
        good.replace("^", "~"),
        good + "\n" * 10 + "trailer",
    ]
    for bad in bad_variants:
        with pytest.raises(AssertionError):
            check_diagnostic(bad, str_plus_int)


def test_error_classes_hierarchy():
    assert issubclass(errors.TypingError, errors.NumbaError)
    assert issubclass(errors.UnsupportedError, errors.NumbaError)
    assert issubclass(errors.NumbaError, Exception)
    assert not issubclass(errors.TypingError, errors.UnsupportedError)
    assert not issubclass(errors.UnsupportedError, errors.TypingError)


def test_errors_also_importable_from_core():
    import importlib

    core_errors = importlib.import_module(backend.__name__ + ".core.errors")
    assert core_errors.TypingError is errors.TypingError
    assert core_errors.UnsupportedError is errors.UnsupportedError
    assert core_errors.NumbaError is errors.NumbaError
