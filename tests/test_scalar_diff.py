"""Differential tests: compiled scalar functions against CPython running the
very same function (hypothesis-driven), plus explicit expected values where the
compiled semantics deliberately differ from CPython (int64 wrap-around, IEEE
results instead of math domain/range exceptions)."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import (
    INT64_MAX,
    INT64_MIN,
    UINT64_MAX,
    assert_same,
    check_against_python,
    njit,
    wrap64,
)

inf = math.inf
nan = math.nan

# ---------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------

EDGE_INTS = [
    0, 1, -1, 2, -2, 3, -3, 7, -7,
    INT64_MIN, INT64_MAX, INT64_MIN + 1, INT64_MAX - 1,
    2**31, -(2**31), 2**32, -(2**32), 2**53, -(2**53), 2**62, -(2**62),
]


def ints(lo=INT64_MIN, hi=INT64_MAX):
    edges = [e for e in EDGE_INTS if lo <= e <= hi]
    return st.one_of(st.sampled_from(edges), st.integers(lo, hi))


INT64 = ints()
EDGE_FLOATS = [
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.5, -2.5, 3.0, -7.25, 1e16, 2.0**53 + 2,
    inf, -inf, nan,
    1e308, -1e308, 1.7976931348623157e308, -1.7976931348623157e308,
    5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, -1e-300,
]
FLOATS = st.one_of(st.sampled_from(EDGE_FLOATS), st.floats())
FINITE_EDGES = [f for f in EDGE_FLOATS if math.isfinite(f)]


def finite(lo=None, hi=None, exclude_min=False, exclude_max=False):
    edges = [
        f for f in FINITE_EDGES
        if (lo is None or (f > lo if exclude_min else f >= lo))
        and (hi is None or (f < hi if exclude_max else f <= hi))
    ]
    base = st.floats(
        min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False,
        exclude_min=exclude_min if lo is not None else False,
        exclude_max=exclude_max if hi is not None else False,
    )
    return st.one_of(st.sampled_from(edges), base) if edges else base


FINITE = finite()
MODERATE = finite(-1e15, 1e15)
COMPLEX = st.complex_numbers(max_magnitude=1e150, allow_nan=False, allow_infinity=False)


# ---------------------------------------------------------------------------
# integer arithmetic (results within int64)
# ---------------------------------------------------------------------------

def i_add(a, b):
    return a + b


def i_sub(a, b):
    return a - b


def i_mul(a, b):
    return a * b


def i_floordiv(a, b):
    return a // b


def i_mod(a, b):
    return a % b


def i_divmod(a, b):
    return divmod(a, b)


def i_truediv(a, b):
    return a / b


def i_pow(a, b):
    return a**b


def i_unary(a):
    return -a, +a, ~a, abs(a), not a


def i_bitwise(a, b):
    return a & b, a | b, a ^ b


def i_rshift(a, b):
    return a >> b


def i_compare(a, b):
    return a < b, a <= b, a == b, a != b, a > b, a >= b


def i_chained(a, b, c):
    return a < b < c, a <= b == c, a != b > c, a < b >= c <= a


def i_minmax_abs(a, b, c):
    return min(a, b), max(a, b), min(a, b, c), max(c, b, a), abs(a)


c_i_add = njit(i_add)
c_i_sub = njit(i_sub)
c_i_mul = njit(i_mul)
c_i_floordiv = njit(i_floordiv)
c_i_mod = njit(i_mod)
c_i_divmod = njit(i_divmod)
c_i_truediv = njit(i_truediv)
c_i_pow = njit(i_pow)
c_i_unary = njit(i_unary)
c_i_bitwise = njit(i_bitwise)
c_i_rshift = njit(i_rshift)
c_i_compare = njit(i_compare)
c_i_chained = njit(i_chained)
c_i_minmax_abs = njit(i_minmax_abs)

HALF = ints(-(2**62), 2**62 - 1)


@given(HALF, HALF)
def test_int_add_sub(a, b):
    check_against_python(c_i_add, i_add, a, b)
    check_against_python(c_i_sub, i_sub, a, b)


@given(ints(-(2**31), 2**31), ints(-(2**31), 2**31))
def test_int_mul(a, b):
    check_against_python(c_i_mul, i_mul, a, b)


@given(INT64, st.one_of(st.just(0), INT64))
def test_int_floordiv_mod_divmod_python_signs(a, b):
    assume(not (a == INT64_MIN and b == -1))  # the one overflowing quotient
    check_against_python(c_i_floordiv, i_floordiv, a, b)
    check_against_python(c_i_mod, i_mod, a, b)
    check_against_python(c_i_divmod, i_divmod, a, b)


@pytest.mark.parametrize(
    "a,b", [(7, 2), (-7, 2), (7, -2), (-7, -2), (0, 5), (0, -5), (6, 3), (-6, 3), (1, INT64_MIN)]
)
def test_int_floordiv_mod_signs_table(a, b):
    assert c_i_floordiv(a, b) == a // b
    assert c_i_mod(a, b) == a % b
    assert c_i_divmod(a, b) == divmod(a, b)


@given(ints(-(2**53), 2**53), st.one_of(st.just(0), ints(-(2**53), 2**53)))
def test_int_true_division_gives_float(a, b):
    check_against_python(c_i_truediv, i_truediv, a, b)


@given(st.integers(-50, 50), st.integers(0, 10))
def test_int_pow_nonnegative_exponent(a, b):
    check_against_python(c_i_pow, i_pow, a, b)


@given(ints(INT64_MIN + 1, INT64_MAX))
def test_int_unary(a):
    check_against_python(c_i_unary, i_unary, a)


@given(INT64, INT64)
def test_int_bitwise(a, b):
    check_against_python(c_i_bitwise, i_bitwise, a, b)


@given(INT64, st.integers(0, 63))
def test_int_right_shift_is_arithmetic(a, b):
    check_against_python(c_i_rshift, i_rshift, a, b)


@given(INT64, INT64)
def test_int_comparisons(a, b):
    check_against_python(c_i_compare, i_compare, a, b)
    check_against_python(c_i_compare, i_compare, a, a)


@given(ints(-3, 3), ints(-3, 3), ints(-3, 3))
def test_int_chained_comparisons(a, b, c):
    check_against_python(c_i_chained, i_chained, a, b, c)


@given(INT64, INT64, INT64)
def test_int_min_max(a, b, c):
    assume(a != INT64_MIN)  # abs(INT64_MIN) wraps, tested below
    check_against_python(c_i_minmax_abs, i_minmax_abs, a, b, c)


# ---------------------------------------------------------------------------
# int64 wrap-around: Numba's documented fixed-width semantics (explicit values)
# ---------------------------------------------------------------------------

def test_wraparound_explicit_values():
    assert c_i_add(INT64_MAX, 1) == INT64_MIN
    assert c_i_sub(INT64_MIN, 1) == INT64_MAX
    assert c_i_mul(INT64_MAX, 2) == -2
    assert c_i_mul(2**32, 2**32) == 0
    assert c_i_pow(3, 40) == wrap64(3**40)
    assert c_i_pow(2, 63) == INT64_MIN
    neg, pos, inv, ab, nt = c_i_unary(INT64_MIN)
    assert neg == INT64_MIN
    assert ab == INT64_MIN
    assert inv == INT64_MAX


def i_lshift(a, b):
    return a << b


c_i_lshift = njit(i_lshift)


def test_left_shift_wraps():
    assert c_i_lshift(1, 63) == INT64_MIN
    assert c_i_lshift(3, 62) == wrap64(3 << 62)
    assert c_i_lshift(-1, 63) == INT64_MIN


@given(INT64, INT64)
def test_wraparound_add_sub_mul(a, b):
    assert c_i_add(a, b) == wrap64(a + b)
    assert c_i_sub(a, b) == wrap64(a - b)
    assert c_i_mul(a, b) == wrap64(a * b)


@given(INT64, st.integers(0, 200))
def test_wraparound_pow(a, b):
    assert c_i_pow(a, b) == wrap64(a**b)


@given(INT64, st.integers(0, 63))
def test_wraparound_left_shift(a, b):
    assert c_i_lshift(a, b) == wrap64(a << b)


def i_factorial_loop(n):
    r = 1
    for i in range(2, n + 1):
        r *= i
    return r


c_i_factorial_loop = njit(i_factorial_loop)


def test_wraparound_in_loop():
    assert c_i_factorial_loop(20) == math.factorial(20)
    assert c_i_factorial_loop(25) == wrap64(math.factorial(25))


# ---------------------------------------------------------------------------
# float arithmetic, edge values (NaN, inf, -0.0, huge, tiny)
# ---------------------------------------------------------------------------

def f_arith(a, b):
    return a + b, a - b, a * b


def f_div(a, b):
    return a / b


def f_floordiv(a, b):
    return a // b


def f_mod(a, b):
    return a % b


def f_divmod(a, b):
    return divmod(a, b)


def f_pow(a, b):
    return a**b


def f_unary(a):
    return -a, +a, abs(a), not a


def f_compare(a, b):
    return a < b, a <= b, a == b, a != b, a > b, a >= b


def f_chained(a, b, c):
    return a < b < c, a <= b <= c, a == b == c, a < b > c


def f_minmax(a, b):
    return min(a, b), max(a, b)


c_f_arith = njit(f_arith)
c_f_div = njit(f_div)
c_f_floordiv = njit(f_floordiv)
c_f_mod = njit(f_mod)
c_f_divmod = njit(f_divmod)
c_f_pow = njit(f_pow)
c_f_unary = njit(f_unary)
c_f_compare = njit(f_compare)
c_f_chained = njit(f_chained)
c_f_minmax = njit(f_minmax)


@given(FLOATS, FLOATS)
def test_float_add_sub_mul(a, b):
    check_against_python(c_f_arith, f_arith, a, b)


@given(FLOATS, FLOATS)
def test_float_true_division(a, b):
    check_against_python(c_f_div, f_div, a, b)


@given(FLOATS, FLOATS)
def test_float_floordiv_mod_python_signs(a, b):
    check_against_python(c_f_floordiv, f_floordiv, a, b)
    check_against_python(c_f_mod, f_mod, a, b)
    check_against_python(c_f_divmod, f_divmod, a, b)


@pytest.mark.parametrize(
    "a,b",
    [(7.5, 2.0), (-7.5, 2.0), (7.5, -2.0), (-7.5, -2.0), (-0.0, 1.0), (0.0, -1.0),
     (5.0, inf), (-5.0, inf), (5.0, -inf), (1e-300, -1.0), (-1e300, 1e-300)],
)
def test_float_floordiv_mod_signs_table(a, b):
    assert_same(c_f_floordiv(a, b), a // b)
    assert_same(c_f_mod(a, b), a % b)
    assert_same(c_f_divmod(a, b), divmod(a, b))


@given(finite(1e-3, 1e3), finite(-50.0, 50.0))
def test_float_pow_positive_base(a, b):
    check_against_python(c_f_pow, f_pow, a, b, rel=1e-15)


@given(finite(-1e3, 1e3), st.integers(-20, 20).map(float))
def test_float_pow_integral_exponent(a, b):
    assume(abs(a) >= 1e-3 or (a == 0.0 and b >= 0))
    check_against_python(c_f_pow, f_pow, a, b, rel=1e-15)


@given(FLOATS)
def test_float_unary(a):
    check_against_python(c_f_unary, f_unary, a)


@given(FLOATS, FLOATS)
def test_float_comparisons_incl_nan(a, b):
    check_against_python(c_f_compare, f_compare, a, b)
    check_against_python(c_f_compare, f_compare, a, a)


@given(FLOATS, FLOATS, FLOATS)
def test_float_chained_comparisons(a, b, c):
    check_against_python(c_f_chained, f_chained, a, b, c)


@given(FLOATS, FLOATS)
def test_float_min_max_incl_nan_and_signed_zero(a, b):
    check_against_python(c_f_minmax, f_minmax, a, b)


def test_float_division_by_zero_raises():
    for a in (1.0, -1.0, 0.0, inf, nan):
        for b in (0.0, -0.0):
            for f in (c_f_div, c_f_floordiv, c_f_mod, c_f_divmod):
                with pytest.raises(ZeroDivisionError):
                    f(a, b)


# ---------------------------------------------------------------------------
# mixed int / float / bool
# ---------------------------------------------------------------------------

def m_mixed(a, x):
    return a + x, a * x, x - a, a / x if x != 0.0 else 0.0, a < x, a == x


def m_bool_arith(p, q):
    return p + q, p * 3, p - q, p & q, p | q, p ^ q, not p


c_m_mixed = njit(m_mixed)
c_m_bool_arith = njit(m_bool_arith)


@given(ints(-(2**53), 2**53), FLOATS)
def test_mixed_int_float(a, x):
    check_against_python(c_m_mixed, m_mixed, a, x)


@given(st.booleans(), st.booleans())
def test_bool_arithmetic(p, q):
    check_against_python(c_m_bool_arith, m_bool_arith, p, q)


def m_int_float_eq(a, x):
    return a == x, a < x


c_m_int_float_eq = njit(m_int_float_eq)


@pytest.mark.numba_departure(
    "Numba converts the int to float64 before comparing; CPython compares exactly"
)
def test_mixed_int_float_compare_is_exact_beyond_2_53():
    assert c_m_int_float_eq(2**53 + 1, 2.0**53) == (False, False)


# ---------------------------------------------------------------------------
# conversions and builtins
# ---------------------------------------------------------------------------

def b_round0(x):
    return round(x)


def b_roundn(x, n):
    return round(x, n)


def b_int(x):
    return int(x)


def b_float(a):
    return float(a)


def b_bool(x):
    return bool(x)


def b_complex(a, b):
    return complex(a, b), complex(a), complex(b, 0)


def b_pow(a, b):
    return pow(a, b)


def b_abs_minmax_mixed(a, x):
    return abs(x), min(a, x), max(a, x)


c_b_round0 = njit(b_round0)
c_b_roundn = njit(b_roundn)
c_b_int = njit(b_int)
c_b_float = njit(b_float)
c_b_bool = njit(b_bool)
c_b_complex = njit(b_complex)
c_b_pow = njit(b_pow)
c_b_abs_minmax_mixed = njit(b_abs_minmax_mixed)


@given(finite(-(2.0**62), 2.0**62))
def test_round_to_int_half_even(x):
    check_against_python(c_b_round0, b_round0, x)


@pytest.mark.parametrize("x", [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.4999999999999996, 1e15 + 0.5])
def test_round_half_even_table(x):
    assert_same(c_b_round0(x), round(x))


# Dyadic values k / 2**m: x * 10**n is exact, so a scale-round-unscale
# implementation and CPython's correctly rounded round() must agree.
DYADIC = st.builds(lambda k, m: k / 2**m, st.integers(-(2**20), 2**20), st.integers(0, 10))


@given(DYADIC, st.integers(-3, 4))
def test_round_ndigits_float(x, n):
    check_against_python(c_b_roundn, b_roundn, x, n)


@pytest.mark.parametrize("x,n", [(0.125, 2), (0.375, 2), (-0.5, 0), (1234.5, -1), (1e300, 2)])
def test_round_ndigits_table(x, n):
    assert_same(c_b_roundn(x, n), round(x, n))


@pytest.mark.numba_departure("Numba's round(x, n) scales by 10**n first and can be off by one ulp")
def test_round_ndigits_is_correctly_rounded():
    assert_same(c_b_roundn(900719925475.0625, 4), 900719925475.0625)
    assert_same(c_b_roundn(2.675, 2), 2.67)  # 2.675 is really 2.67499999...


@given(finite(-(2.0**62), 2.0**62))
def test_int_of_float_truncates(x):
    check_against_python(c_b_int, b_int, x)


@given(INT64)
def test_float_of_int(a):
    check_against_python(c_b_float, b_float, a)


@given(FLOATS)
def test_bool_of_float(x):
    check_against_python(c_b_bool, b_bool, x)


@given(FLOATS, FLOATS)
def test_complex_constructor(a, b):
    check_against_python(c_b_complex, b_complex, a, b)


@given(st.integers(-30, 30), st.integers(0, 12))
def test_builtin_pow_int(a, b):
    check_against_python(c_b_pow, b_pow, a, b)


@given(finite(1e-3, 1e3), finite(-30.0, 30.0))
def test_builtin_pow_float(a, b):
    check_against_python(c_b_pow, b_pow, a, b, rel=1e-15)


@given(ints(-(2**53), 2**53), FINITE)
def test_abs_min_max_mixed_int_float(a, x):
    # Numba unifies min(int, float) to float: compare values, not kinds.
    check_against_python(c_b_abs_minmax_mixed, b_abs_minmax_mixed, a, x, strict_kind=False)


@given(st.one_of(
    st.tuples(ints(-(2**49), 2**49), st.integers(-3, 0)),
    st.tuples(ints(-(10**6), 10**6), st.integers(1, 3)),
))
def test_round_int_ndigits(args):
    # round(int, n) is an int in CPython (Numba returns a float): compare values.
    check_against_python(c_b_roundn, b_roundn, *args, strict_kind=False)


# ---------------------------------------------------------------------------
# complex arithmetic
# ---------------------------------------------------------------------------

def c_arith(z, w):
    return z + w, z - w, z * w


def c_div(z, w):
    return z / w


def c_misc(z):
    return abs(z), z.real, z.imag, z.conjugate(), -z, z == z, z != 0, bool(z)


def c_pow_int(z, n):
    return z**n


def c_pow_complex(z, w):
    return z**w


def c_mixed(z, x, a):
    return z + x, z * a, x - z, z == x


cc_arith = njit(c_arith)
cc_div = njit(c_div)
cc_misc = njit(c_misc)
cc_pow_int = njit(c_pow_int)
cc_pow_complex = njit(c_pow_complex)
cc_mixed = njit(c_mixed)


@given(COMPLEX, COMPLEX)
def test_complex_add_sub_mul(z, w):
    check_against_python(cc_arith, c_arith, z, w)


@given(COMPLEX, st.one_of(st.just(0j), COMPLEX))
def test_complex_division(z, w):
    check_against_python(cc_div, c_div, z, w, rel=1e-13, abs_tol=1e-300)


@given(COMPLEX)
def test_complex_abs_parts_conjugate(z):
    check_against_python(cc_misc, c_misc, z)


@given(st.complex_numbers(max_magnitude=10.0, allow_nan=False, allow_infinity=False),
       st.integers(0, 8))
def test_complex_pow_int(z, n):
    check_against_python(cc_pow_int, c_pow_int, z, n, rel=1e-12, abs_tol=1e-12)


@given(st.complex_numbers(min_magnitude=0.1, max_magnitude=10.0, allow_nan=False,
                          allow_infinity=False),
       st.complex_numbers(max_magnitude=3.0, allow_nan=False, allow_infinity=False))
def test_complex_pow_complex(z, w):
    check_against_python(cc_pow_complex, c_pow_complex, z, w, rel=1e-12, abs_tol=1e-12)


@given(COMPLEX, finite(-1e150, 1e150), ints(-(2**53), 2**53))
def test_complex_mixed_with_float_and_int(z, x, a):
    check_against_python(cc_mixed, c_mixed, z, x, a)


# ---------------------------------------------------------------------------
# math module over the functions' domains
# ---------------------------------------------------------------------------

def m_sqrt(x):
    return math.sqrt(x)


def m_exp(x):
    return math.exp(x)


def m_expm1(x):
    return math.expm1(x)


def m_exp2(x):
    return math.exp2(x)


def m_log(x):
    return math.log(x)


def m_log10(x):
    return math.log10(x)


def m_log2(x):
    return math.log2(x)


def m_log1p(x):
    return math.log1p(x)


def m_sin(x):
    return math.sin(x)


def m_cos(x):
    return math.cos(x)


def m_tan(x):
    return math.tan(x)


def m_asin(x):
    return math.asin(x)


def m_acos(x):
    return math.acos(x)


def m_atan(x):
    return math.atan(x)


def m_sinh(x):
    return math.sinh(x)


def m_cosh(x):
    return math.cosh(x)


def m_tanh(x):
    return math.tanh(x)


def m_asinh(x):
    return math.asinh(x)


def m_acosh(x):
    return math.acosh(x)


def m_atanh(x):
    return math.atanh(x)


def m_erf(x):
    return math.erf(x)


def m_erfc(x):
    return math.erfc(x)


def m_gamma(x):
    return math.gamma(x)


def m_lgamma(x):
    return math.lgamma(x)


def m_fabs(x):
    return math.fabs(x)


def m_degrees_radians(x):
    return math.degrees(x), math.radians(x)


def m_floor_ceil_trunc(x):
    return math.floor(x), math.ceil(x), math.trunc(x)


def m_classify(x):
    return math.isnan(x), math.isinf(x), math.isfinite(x)


def m_frexp(x):
    return math.frexp(x)


def m_cbrt(x):
    return math.cbrt(x)


def m_ulp(x):
    return math.ulp(x)


def m_modf(x):
    return math.modf(x)


def m_atan2(y, x):
    return math.atan2(y, x)


def m_hypot(x, y):
    return math.hypot(x, y)


def m_hypot3(x, y, z):
    return math.hypot(x, y, z)


def m_copysign(x, y):
    return math.copysign(x, y)


def m_pow(x, y):
    return math.pow(x, y)


def m_nextafter(x, y):
    return math.nextafter(x, y)


def m_fmod(x, y):
    return math.fmod(x, y)


def m_remainder(x, y):
    return math.remainder(x, y)


def m_isclose(x, y):
    return math.isclose(x, y)


def m_log_base(x, b):
    return math.log(x, b)


def m_ldexp(x, i):
    return math.ldexp(x, i)


def m_gcd(a, b):
    return math.gcd(a, b)


def m_lcm(a, b):
    return math.lcm(a, b)


def m_factorial(n):
    return math.factorial(n)


def m_isqrt(n):
    return math.isqrt(n)


def m_comb(n, k):
    return math.comb(n, k)


def m_perm(n, k):
    return math.perm(n, k)


def m_sqrt_of_int(n):
    return math.sqrt(n), math.exp(n % 7), math.floor(n), math.isfinite(n)


def m_constants():
    return math.pi, math.e, math.tau, math.inf, -math.inf, math.nan


NUMBA_MISSING = "not implemented by Numba (rumbo implements the whole math module)"
TRANSC = 1e-13  # relative tolerance for transcendental functions

# (pyfunc, strategies, rel_tol, numba_missing)
MATH_CASES = [
    (m_sqrt, [st.one_of(st.sampled_from([0.0, -0.0, inf]), finite(0.0, None))], 0.0, False),
    (m_exp, [finite(-745.0, 709.0)], TRANSC, False),
    (m_expm1, [finite(-745.0, 709.0)], TRANSC, False),
    (m_exp2, [finite(-1074.0, 1023.0)], TRANSC, False),
    (m_log, [finite(0.0, None, exclude_min=True)], TRANSC, False),
    (m_log10, [finite(0.0, None, exclude_min=True)], TRANSC, False),
    (m_log2, [finite(0.0, None, exclude_min=True)], TRANSC, False),
    (m_log1p, [finite(-1.0, None, exclude_min=True)], TRANSC, False),
    (m_sin, [finite(-1e6, 1e6)], TRANSC, False),
    (m_cos, [finite(-1e6, 1e6)], TRANSC, False),
    (m_tan, [finite(-1e6, 1e6)], TRANSC, False),
    (m_asin, [finite(-1.0, 1.0)], TRANSC, False),
    (m_acos, [finite(-1.0, 1.0)], TRANSC, False),
    (m_atan, [FLOATS], TRANSC, False),
    (m_sinh, [finite(-700.0, 700.0)], TRANSC, False),
    (m_cosh, [finite(-700.0, 700.0)], TRANSC, False),
    (m_tanh, [FLOATS], TRANSC, False),
    (m_asinh, [FINITE], TRANSC, False),
    (m_acosh, [finite(1.0, None)], TRANSC, False),
    (m_atanh, [finite(-1.0, 1.0, exclude_min=True, exclude_max=True)], TRANSC, False),
    (m_erf, [FINITE], TRANSC, False),
    (m_erfc, [FINITE], TRANSC, False),
    (m_gamma, [finite(0.05, 170.0)], 1e-12, False),
    (m_lgamma, [finite(0.05, 1e10)], (1e-12, 1e-15), False),
    (m_fabs, [FLOATS], 0.0, False),
    (m_degrees_radians, [finite(-1e300, 1e300)], 0.0, False),
    (m_floor_ceil_trunc, [finite(-(2.0**62), 2.0**62)], 0.0, False),
    (m_classify, [FLOATS], 0.0, False),
    (m_frexp, [FLOATS], 0.0, False),
    (m_atan2, [FLOATS, FLOATS], TRANSC, False),
    (m_hypot, [FINITE, FINITE], 1e-15, False),
    (m_copysign, [FLOATS, FLOATS], 0.0, False),
    (m_pow, [finite(1e-3, 1e3), finite(-50.0, 50.0)], 1e-15, False),
    (m_nextafter, [FLOATS, FLOATS], 0.0, False),
    (m_ldexp, [finite(-1.0, 1.0), st.integers(-1100, 1023)], 0.0, False),
    (m_gcd, [INT64.filter(lambda v: v != INT64_MIN), INT64.filter(lambda v: v != INT64_MIN)], 0.0, False),
    (m_sqrt_of_int, [ints(0, 2**53)], TRANSC, False),
    # Python math functions Numba 0.68 does not provide:
    (m_cbrt, [FINITE], TRANSC, True),
    (m_ulp, [FLOATS], 0.0, True),
    (m_modf, [FLOATS], 0.0, True),
    (m_fmod, [FINITE, finite().filter(lambda v: v != 0.0)], 0.0, True),
    (m_remainder, [FINITE, finite().filter(lambda v: v != 0.0)], 0.0, True),
    (m_isclose, [FLOATS, FLOATS], 0.0, True),
    (m_log_base, [finite(0.0, None, exclude_min=True),
                  finite(0.0, None, exclude_min=True).filter(lambda v: v != 1.0)], TRANSC, True),
    (m_lcm, [ints(-(2**31), 2**31), ints(-(2**31), 2**31)], 0.0, True),
    (m_factorial, [st.integers(0, 20)], 0.0, True),
    (m_isqrt, [ints(0, INT64_MAX)], 0.0, True),
    (m_comb, [st.integers(0, 60), st.integers(0, 60)], 0.0, True),
    (m_perm, [st.integers(0, 20), st.integers(0, 20)], 0.0, True),
    (m_hypot3, [finite(-1e100, 1e100)] * 3, 1e-15, True),  # n-argument hypot
]
if not hasattr(math, "cbrt"):  # Python < 3.11
    MATH_CASES = [c for c in MATH_CASES if c[0] not in (m_cbrt,)]

COMPILED_MATH = {}


def _math_param(case):
    pyfunc, strategies, rel, missing = case
    marks = [pytest.mark.numba_departure(NUMBA_MISSING)] if missing else []
    return pytest.param(pyfunc, strategies, rel, marks=marks, id=pyfunc.__name__[2:])


@pytest.mark.parametrize("pyfunc,strategies,rel", [_math_param(c) for c in MATH_CASES])
@given(data=st.data())
def test_math_function_matches_cpython(pyfunc, strategies, rel, data):
    if pyfunc.__name__ not in COMPILED_MATH:
        COMPILED_MATH[pyfunc.__name__] = njit(pyfunc)
    cfunc = COMPILED_MATH[pyfunc.__name__]
    args = tuple(data.draw(s) for s in strategies)
    if pyfunc in (m_comb, m_perm):
        assume(args[1] <= args[0])
    rel, abs_tol = rel if isinstance(rel, tuple) else (rel, 0.0)
    check_against_python(cfunc, pyfunc, *args, rel=rel, abs_tol=abs_tol)


def test_math_constants():
    assert_same(njit(m_constants)(), m_constants())


@pytest.mark.numba_departure("Numba returns the C/IEEE value (nan, -inf, inf) instead of raising")
@pytest.mark.parametrize(
    "pyfunc,args,exc",
    [(m_sqrt, (-1.0,), ValueError), (m_log, (-1.0,), ValueError), (m_log, (0.0,), ValueError),
     (m_log10, (-2.0,), ValueError), (m_acos, (2.0,), ValueError), (m_asin, (-1.5,), ValueError),
     (m_acosh, (0.5,), ValueError), (m_atanh, (1.0,), ValueError), (m_gamma, (0.0,), ValueError),
     (m_pow, (-8.0, 1.0 / 3.0), ValueError), (m_exp, (1000.0,), OverflowError),
     (m_cosh, (1000.0,), OverflowError), (m_pow, (10.0, 400.0), OverflowError)],
    ids=["sqrt(-1)", "log(-1)", "log(0)", "log10(-2)", "acos(2)", "asin(-1.5)", "acosh(0.5)",
         "atanh(1)", "gamma(0)", "pow(-8,1/3)", "exp(1000)", "cosh(1000)", "pow(10,400)"],
)
def test_math_domain_and_range_errors_raise_like_cpython(pyfunc, args, exc):
    with pytest.raises(exc) as ei:
        pyfunc(*args)
    expected_message = str(ei.value)  # "math domain error" / "math range error"
    with pytest.raises(exc) as ei:
        njit(pyfunc)(*args)
    assert str(ei.value) == expected_message


def test_math_domain_edges_inside_the_domain():
    assert_same(njit(m_sqrt)(-0.0), -0.0)
    assert_same(njit(m_log)(inf), inf)
    assert_same(njit(m_sqrt)(nan), nan)
    assert_same(njit(m_exp)(-inf), 0.0)
    assert_same(njit(m_atan)(inf), math.pi / 2)


@pytest.mark.numba_departure("Numba returns inf for 0.0 ** negative")
def test_float_zero_to_negative_power_raises():
    with pytest.raises(ZeroDivisionError):
        c_f_pow(0.0, -1.0)
    with pytest.raises(ZeroDivisionError):
        c_f_pow(-0.0, -3.0)


@pytest.mark.numba_departure("Numba returns inf when float ** overflows")
def test_float_pow_overflow_raises():
    with pytest.raises(OverflowError):
        c_f_pow(10.0, 400.0)


# ---------------------------------------------------------------------------
# narrow widths and mixed-type promotion (Numba's rules)
# ---------------------------------------------------------------------------

def w_add(a, b):
    return a + b


def w_sub(a, b):
    return a - b


def w_mul(a, b):
    return a * b


def w_div(a, b):
    return a / b


c_w_add = njit(w_add)
c_w_sub = njit(w_sub)
c_w_mul = njit(w_mul)
c_w_div = njit(w_div)


@given(st.integers(-128, 127), st.integers(-128, 127))
def test_int8_arguments_promote_to_int64(a, b):
    # int8 + int8 is computed (and returned) as int64: no 8-bit wrap-around.
    assert c_w_add(np.int8(a), np.int8(b)) == a + b
    assert c_w_mul(np.int8(a), np.int8(b)) == a * b


@given(st.integers(0, UINT64_MAX), st.integers(0, UINT64_MAX))
def test_uint64_arithmetic_wraps_modulo_2_64(a, b):
    assert c_w_add(np.uint64(a), np.uint64(b)) == (a + b) % 2**64
    assert c_w_sub(np.uint64(a), np.uint64(b)) == (a - b) % 2**64
    assert c_w_mul(np.uint64(a), np.uint64(b)) == (a * b) % 2**64


def test_uint_small_widths_promote_to_uint64():
    assert c_w_add(np.uint8(200), np.uint8(100)) == 300
    assert c_w_sub(np.uint8(0), np.uint8(1)) == UINT64_MAX
    assert c_w_add(np.uint32(2**32 - 1), np.uint32(1)) == 2**32


@given(st.floats(width=32, allow_nan=False, allow_infinity=False),
       st.floats(width=32, allow_nan=False, allow_infinity=False))
def test_float32_arithmetic_stays_float32(a, b):
    fa, fb = np.float32(a), np.float32(b)
    with np.errstate(all="ignore"):
        assert_same(c_w_add(fa, fb), float(fa + fb))
        assert_same(c_w_mul(fa, fb), float(fa * fb))
        if b != 0.0:
            assert_same(c_w_div(fa, fb), float(fa / fb))


def test_mixed_width_promotion_rules():
    f32 = np.float32(0.1)
    # float32 op float32 -> float32
    assert c_w_add(f32, np.float32(0.2)) == float(np.float32(0.1) + np.float32(0.2))
    # small int with float32 -> float32; int32/int64 with float32 -> float64
    assert c_w_add(np.int16(1), f32) == float(np.float32(1.0) + f32)
    assert c_w_add(np.int32(1), f32) == 1.0 + float(f32)
    assert c_w_add(1, f32) == 1.0 + float(f32)
    # float32 with float64 -> float64
    assert c_w_add(f32, 0.2) == float(f32) + 0.2
    # complex64 stays complex64 with float32, widens with float64
    z = c_w_add(np.float32(0.1), np.complex64(0.2j))
    assert isinstance(z, complex)
    assert z == complex(np.complex64(complex(float(f32), float(np.float32(0.2)))))
    assert c_w_add(0.1, np.complex64(0.2j)) == complex(0.1, float(np.float32(0.2)))
    # true division of integers is float64
    r = c_w_div(np.int8(1), np.int8(3))
    assert isinstance(r, float) and r == 1 / 3
    # bool + bool -> int
    r = c_w_add(True, True)
    assert r == 2 and type(r) is int


def n_int8_add(a, b):
    return a + b


def test_explicit_narrow_return_type_wraps():
    f8 = njit("int8(int8, int8)")(n_int8_add)
    assert f8(100, 100) == -56
    assert f8(-128, -1) == 127
    fu8 = njit("uint8(uint8, uint8)")(n_int8_add)
    assert fu8(200, 100) == 44
    f16 = njit("int16(int16, int16)")(n_int8_add)
    assert f16(32767, 1) == -32768
    fu32 = njit("uint32(uint32, uint32)")(n_int8_add)
    assert fu32(2**32 - 1, 2) == 1
