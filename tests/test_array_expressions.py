"""Differential tests for array expressions: operators, ufuncs, broadcasting,
fusion, linear algebra and returned arrays, against NumPy.

The oracle is the very same function run by NumPy (``cf.py_func``, on copies
of the arguments, with floating-point warnings silenced). A result must match
NumPy's in type (ndarray, or a scalar of the same kind), dtype, shape and
value: exactly where NumPy is exact (integer and bool arithmetic, IEEE
``+ - * /`` on floats, ``//`` and ``%``, comparisons, rounding, min/max, ...;
NaN equals NaN and the sign of zero is checked), otherwise with ``rtol``
(1e-13 for float64/complex128, a few ulps for float32). Arrays returned by
rumbo are always new C-contiguous arrays, whatever the inputs' layout (NumPy
and Numba keep the inputs' order, so that check is rumbo's only).

Result dtypes follow NumPy 2 (NEP 50): a Python int/float/complex scalar is
"weak" and does not upcast an array of the same kind (``float32 array * 2.5``
stays float32, ``int8 array + 1`` stays int8). Numba 0.68 keeps its legacy
rules (the scalar is an int64/float64 and promotes), so those cases are marked
``numba_departure`` (computed by ``nep50()``: NumPy 2 itself gives the legacy
dtypes when the scalar is an np.int64/np.float64). Where rumbo disagrees with
NumPy the test stays, as a strict xfail under rumbo (``rumbo_bug``) that says
what goes wrong.

Numba needs SciPy for np.dot; without it the linear algebra tests are skipped
under RUMBO_TEST_BACKEND=numba.
"""

import gc
import importlib.util
import math
import pathlib
import resource
import zlib
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from conftest import IS_NUMBA, IS_RUMBO, njit

inf = math.inf
nan = math.nan

ROOT = pathlib.Path(__file__).resolve().parent.parent

# hypothesis: few examples, fixed seed, no example database on disk
FEW = settings(max_examples=20, deadline=None, derandomize=True, database=None)

F8_RTOL = 1e-13
F4_RTOL = 2e-6

NEP50 = ("Numba keeps legacy promotion: a Python scalar is an int64/float64 that upcasts the array "
         "(NEP 50 says it must not)")


def rumbo_bug(reason):
    """A strict xfail under rumbo only (the expectation is NumPy's)."""
    return pytest.mark.xfail(IS_RUMBO, strict=True, reason=f"rumbo bug: {reason}")


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _copy(v):
    return np.array(v, copy=True, order="K") if isinstance(v, np.ndarray) else v


def oracle(cf, *args):
    with np.errstate(all="ignore"):
        return cf.py_func(*[_copy(a) for a in args])


def rtol_for(dtype):
    dt = np.dtype(dtype)
    if dt in (np.dtype(np.float32), np.dtype(np.complex64)):
        return F4_RTOL
    return F8_RTOL


def _assert_values(got, expected, rtol, atol, signed_zeros, what):
    __tracebackhide__ = True
    if expected.dtype.kind in "fc" and (rtol or atol):
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
    else:
        np.testing.assert_array_equal(got, expected, err_msg=what, strict=False)
    if signed_zeros and expected.dtype.kind == "f":
        zeros = np.asarray(expected == 0)
        g, e = np.asarray(got)[zeros], np.asarray(expected)[zeros]
        assert (np.signbit(g) == np.signbit(e)).all(), f"{what}: signs of zeros differ: got {g}, expected {e}"


_KIND = {"b": "bool", "i": "int", "u": "int", "f": "float", "c": "complex"}


def assert_matches(got, expected, rtol=0.0, atol=0.0, signed_zeros=True, what="result"):
    """got (compiled) against expected (NumPy): type, dtype, shape and values."""
    __tracebackhide__ = True
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected), f"{what}: got {got!r}"
        for k, (g, e) in enumerate(zip(got, expected)):
            assert_matches(g, e, rtol, atol, signed_zeros, f"{what}[{k}]")
        return
    if isinstance(expected, np.ndarray):
        assert type(got) is np.ndarray, f"{what}: got {type(got).__name__}, expected an ndarray"
        assert got.dtype == expected.dtype, f"{what}: dtype {got.dtype}, expected {expected.dtype}"
        assert got.shape == expected.shape, f"{what}: shape {got.shape}, expected {expected.shape}"
        if IS_RUMBO:  # rumbo's rule; NumPy and Numba follow the inputs' order ('K')
            assert got.flags.c_contiguous, f"{what}: the result is not C-contiguous"
        _assert_values(got, expected, rtol, atol, signed_zeros, what)
        return
    # a scalar: NumPy's (np.float64(...)) or Python's; the kind must agree
    assert not isinstance(got, np.ndarray), f"{what}: got an array {got!r}, expected the scalar {expected!r}"
    g, e = np.asarray(got), np.asarray(expected)
    assert _KIND[g.dtype.kind] == _KIND[e.dtype.kind], f"{what}: got {got!r}, expected {expected!r}"
    _assert_values(g, e, rtol, atol, signed_zeros, what)


def check(cf, *args, rtol=0.0, atol=0.0, signed_zeros=True):
    """cf(*args) against cf.py_func(*args); returns the compiled result."""
    __tracebackhide__ = True
    expected = oracle(cf, *args)
    got = cf(*args)
    what = f"{cf.py_func.__name__}({', '.join(_describe(a) for a in args)})"
    assert_matches(got, expected, rtol, atol, signed_zeros, what)
    return got


def _describe(a):
    if isinstance(a, np.ndarray):
        return f"{a.dtype}{list(a.shape)}"
    return repr(a)


def ids(values):
    return [np.dtype(v).name if isinstance(v, type) else str(v) for v in values]


# ---------------------------------------------------------------------------
# sample values
# ---------------------------------------------------------------------------

INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
FLOAT_DTYPES = [np.float32, np.float64]
ARITH_DTYPES = [np.bool_] + INT_DTYPES + FLOAT_DTYPES + [np.complex128]

N = 24


def operands(dtype):
    """Two arrays x, y of N elements with the interesting pairs first
    (division by zero, INT_MIN // -1, infinities, NaN, signed zeros)."""
    dt = np.dtype(dtype)
    rng = np.random.default_rng(zlib.crc32(dt.name.encode()))
    if dt.kind == "b":
        x = [False, False, True, True] * (N // 4)
        y = [False, True, False, True] * (N // 4)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = int(info.min), int(info.max)
        if dt.kind == "i":
            pairs = [(7, 0), (-7, 0), (0, 0), (lo, 0), (-7, 2), (7, -2), (-7, -2), (lo + 1, -1),
                     (hi, 1), (lo, 1), (-1, hi), (hi, hi), (lo, lo), (5, 3), (-5, 3), (3, hi)]
        else:
            pairs = [(7, 0), (0, 0), (hi, 0), (7, 2), (hi, 1), (hi, hi), (1, hi), (5, 3), (200, 7),
                     (hi, 2), (0, 5), (3, hi - 1)]
        x = [p[0] for p in pairs]
        y = [p[1] for p in pairs]
        k = N - len(pairs)
        x += rng.integers(lo, hi, k, endpoint=True, dtype=dt).tolist()
        y += rng.integers(lo, hi, k, endpoint=True, dtype=dt).tolist()
    elif dt.kind == "f":
        pairs = [(1.0, 0.0), (-1.0, 0.0), (0.0, 0.0), (1.0, -0.0), (-0.0, 3.0), (0.0, -3.0),
                 (inf, 2.0), (-inf, inf), (5.5, inf), (-5.5, inf), (5.5, -inf), (nan, 1.0),
                 (2.0, nan), (7.25, -2.5), (-7.25, 2.5), (-7.25, -2.5), (1e30, 1e-30), (6.0, 3.0)]
        x = [p[0] for p in pairs]
        y = [p[1] for p in pairs]
        k = N - len(pairs)
        x += (rng.standard_normal(k) * 100).tolist()
        y += (rng.standard_normal(k) * 10).tolist()
    else:  # complex: finite values (division of infinities is left to the algorithms)
        x = (rng.standard_normal(N) * 10 + 1j * rng.standard_normal(N) * 10).tolist()
        y = (rng.standard_normal(N) + 1j * rng.standard_normal(N)).tolist()
        x[:4] = [0.5 - 0.5j, 1 + 0j, -2.5 + 1j, 3j]
        y[:4] = [1 + 1j, 2 + 0j, -0.5 - 4j, 1j]
    return np.array(x, dtype=dt), np.array(y, dtype=dt)


def float_samples(dtype):
    """Special and out-of-domain values for the float ufuncs."""
    vals = [-0.0, 0.0, 0.25, -0.25, 0.5, -0.5, 1.0, -1.0, 1.5, -1.5, 2.0, -2.0, 2.5, 3.0, -3.5,
            10.0, -10.0, 100.0, 1e-10, -1e-10, 1e-300, 700.0, -700.0, 1000.0, -1000.0,
            1e300, inf, -inf, nan]
    with np.errstate(over="ignore"):  # 1e300 is inf in float32
        return np.array(vals, dtype=dtype)


# ---------------------------------------------------------------------------
# arithmetic operators
# ---------------------------------------------------------------------------


def op_add(a, b):
    return a + b


def op_sub(a, b):
    return a - b


def op_mul(a, b):
    return a * b


def op_truediv(a, b):
    return a / b


def op_floordiv(a, b):
    return a // b


def op_mod(a, b):
    return a % b


def op_pow(a, b):
    return a ** b


def op_neg(a):
    return -a


def sc_add(a, i, f):
    return a + i, i + a, a + f, f + a


def sc_sub(a, i, f):
    return a - i, i - a, a - f, f - a


def sc_mul(a, i, f):
    return a * i, i * a, a * f, f * a


def sc_truediv(a, i, f):
    return a / i, i / a, a / f, f / a


def sc_floordiv(a, i, f):
    return a // i, i // a, a // f, f // a


def sc_mod(a, i, f):
    return a % i, i % a, a % f, f % a


def sc_pow(a, i, f):
    return a ** i, i ** a, a ** f, f ** a


ARRAY_OPS = {"add": op_add, "sub": op_sub, "mul": op_mul, "truediv": op_truediv,
             "floordiv": op_floordiv, "mod": op_mod}
SCALAR_OPS = {"add": sc_add, "sub": sc_sub, "mul": sc_mul, "truediv": sc_truediv,
              "floordiv": sc_floordiv, "mod": sc_mod}
C_ARRAY_OPS = {name: njit(f) for name, f in ARRAY_OPS.items()}
C_SCALAR_OPS = {name: njit(f) for name, f in SCALAR_OPS.items()}
c_op_pow = njit(op_pow)
c_sc_pow = njit(sc_pow)
c_op_neg = njit(op_neg)
c_op_add = C_ARRAY_OPS["add"]
c_op_mul = C_ARRAY_OPS["mul"]
c_op_truediv = C_ARRAY_OPS["truediv"]


def _defined(op, dtype):
    """NumPy defines the operator for this dtype (bool - bool, complex // ... raise)."""
    kind = np.dtype(dtype).kind
    if kind == "b" and op == "sub":
        return False
    if kind == "c" and op in ("floordiv", "mod"):
        return False
    return True


def _exact(op, dtype):
    # complex * and / are not exact in NumPy (its SIMD loops contract into FMAs)
    return not (np.dtype(dtype).kind == "c" and op in ("mul", "truediv"))


def _strong(v):
    """The NumPy scalar Numba types a Python scalar as (int64, float64, ...)."""
    for py_type, np_type in ((bool, np.bool_), (int, np.int64), (float, np.float64), (complex, np.complex128)):
        if type(v) is py_type:
            return np_type(v)
    return v


def _dtypes(r):
    return tuple(_dtypes(x) for x in r) if isinstance(r, tuple) else np.asarray(r).dtype


def legacy_departs(pyfunc, *args):
    """Numba's legacy promotion (a Python scalar is a strong int64/float64/
    complex128) gives other result dtypes than NEP 50 for pyfunc(*args): NumPy
    2 itself shows it, with np.int64/np.float64 scalars in place of Python's."""
    with np.errstate(all="ignore"):
        weak = _dtypes(pyfunc(*args))
        try:
            return weak != _dtypes(pyfunc(*map(_strong, args)))
        except TypeError:  # uint64 & int64: no common integer type
            return True


def nep50(pyfunc, *args):
    """The numba_departure mark when legacy promotion changes pyfunc(*args)."""
    return [pytest.mark.numba_departure(NEP50)] if legacy_departs(pyfunc, *args) else []


SMALL_INT_DIV = "Numba divides bool and 8/16-bit integer arrays in float32 (NumPy: float64)"


def _small_int_div(dtype):
    dt = np.dtype(dtype)
    return [pytest.mark.numba_departure(SMALL_INT_DIV)] if dt.kind in "biu" and dt.itemsize <= 2 else []


ARITH_AA = [
    pytest.param(op, dt, marks=_small_int_div(dt) if op == "truediv" else [], id=f"{op}-{np.dtype(dt).name}")
    for op in ARRAY_OPS for dt in ARITH_DTYPES if _defined(op, dt)
]


@pytest.mark.parametrize("op,dtype", ARITH_AA)
def test_arithmetic_array_array(op, dtype):
    x, y = operands(dtype)
    rtol = 0.0 if _exact(op, dtype) else rtol_for(dtype)
    check(C_ARRAY_OPS[op], x, y, rtol=rtol)
    check(C_ARRAY_OPS[op], y, x, rtol=rtol)


def _scalar_params():
    out = []
    for op in SCALAR_OPS:
        for dt in ARITH_DTYPES:
            if not _defined(op, dt):
                continue
            marks = nep50(SCALAR_OPS[op], operands(dt)[0], 3, 2.5)
            out.append(pytest.param(op, dt, marks=marks, id=f"{op}-{np.dtype(dt).name}"))
    return out


@pytest.mark.parametrize("op,dtype", _scalar_params())
def test_arithmetic_array_scalar_both_orders(op, dtype):
    x, y = operands(dtype)
    rtol = 0.0 if _exact(op, dtype) else rtol_for(dtype)
    check(C_SCALAR_OPS[op], x, 3, 2.5, rtol=rtol)
    check(C_SCALAR_OPS[op], y, 3, 2.5, rtol=rtol)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv"])
def test_arithmetic_complex_array_complex_scalar(op):
    x, _ = operands(np.complex128)
    check(C_SCALAR_OPS[op], x, 3, 1.5 - 2j, rtol=0.0 if _exact(op, np.complex128) else F8_RTOL)


def float32_literals(a):
    return a * 2.5, a + 1, 0.5 - a, a / 3


def int32_literals(a):
    return a + 1, 3 * a, a - 7, a // 2, a % 5, a * 1.5


def uint8_wrap(a):
    return a + 250, a * 3, a - 7


c_float32_literals = njit(float32_literals)
c_int32_literals = njit(int32_literals)
c_uint8_wrap = njit(uint8_wrap)


@pytest.mark.numba_departure(NEP50)
def test_nep50_literals_do_not_upcast():
    r = check(c_float32_literals, operands(np.float32)[0])
    assert [v.dtype for v in r] == [np.float32] * 4
    r = check(c_int32_literals, operands(np.int32)[0])
    assert [v.dtype for v in r] == [np.int32] * 5 + [np.float64]
    # uint8 arithmetic wraps modulo 256 (NumPy does not check array overflow)
    r = check(c_uint8_wrap, np.array([0, 5, 6, 7, 100, 255], np.uint8))
    assert r[0].tolist() == [250, 255, 0, 1, 94, 249]


@pytest.mark.numba_departure(NEP50)
def test_nep50_python_scalar_arguments_do_not_upcast():
    a32 = np.linspace(-3, 3, 7, dtype=np.float32)
    assert check(c_op_mul, a32, 2.5).dtype == np.float32
    assert check(c_op_mul, 2.5, a32).dtype == np.float32
    assert check(c_op_add, np.arange(5, dtype=np.int32), 1).dtype == np.int32
    assert check(c_op_add, np.arange(5, dtype=np.int8), 100).dtype == np.int8  # wraps past 127
    assert check(c_op_mul, np.arange(5, dtype=np.uint16), 7).dtype == np.uint16
    assert check(c_op_truediv, np.arange(5, dtype=np.float32), 3).dtype == np.float32
    assert check(c_op_add, a32, 1j).dtype == np.complex64


def mixed3(a, b):
    return a + b, b * a, a / b


c_mixed3 = njit(mixed3)

MIXED = [
    (np.int8, np.uint8), (np.int16, np.uint32), (np.int64, np.uint64), (np.int32, np.float32),
    (np.int16, np.float32), (np.uint8, np.float64), (np.bool_, np.int8), (np.bool_, np.float32),
    (np.float32, np.float64), (np.float32, np.complex128), (np.int64, np.complex128),
    (np.uint32, np.int64),
]


MIXED_DEPARTS = {
    (np.int8, np.uint8): SMALL_INT_DIV,
    (np.bool_, np.int8): SMALL_INT_DIV,
    (np.int64, np.uint64): "Numba adds int64 and uint64 arrays in float64 but converts the operands wrongly",
    (np.int32, np.float32): "Numba combines int32 and float32 arrays in float32 (NumPy: float64)",
}


@pytest.mark.parametrize("da,db", [
    pytest.param(a, b, id=f"{np.dtype(a).name}-{np.dtype(b).name}",
                 marks=[pytest.mark.numba_departure(MIXED_DEPARTS[(a, b)])] if (a, b) in MIXED_DEPARTS else [])
    for a, b in MIXED
])
def test_mixed_dtype_arrays_promote_like_numpy(da, db):
    xa, _ = operands(da)
    _, yb = operands(db)
    if np.dtype(db).kind == "c":
        xa = np.where(xa == 0, 1, xa)  # complex / real zero: test_complex_divided_by_real_signed_zero
    rtol = F8_RTOL if np.dtype(db).kind == "c" else 0.0
    check(c_mixed3, xa, yb, rtol=rtol)  # mixed3 has both operand orders


@pytest.mark.numba_departure("Numba raises ZeroDivisionError for complex division by zero in arrays")
def test_complex_division_by_zero_does_not_raise():
    x = np.array([1 + 1j, -2.5 + 0j, 0j, 3j])
    check(c_op_truediv, x, np.zeros(4, np.complex128))
    check(c_op_truediv, x, 0j)


@pytest.mark.numba_departure("Numba raises ZeroDivisionError for complex division by zero in arrays")
@rumbo_bug("complex array / real array divides the parts by the real divisor, so a -0.0 divisor flips the signs: "
           "np.array([3-4j]) / np.array([-0.0]) gives -inf+infj; NumPy divides by complex(-0.0, 0) (Smith's "
           "algorithm on |divisor|): inf-infj")
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=ids(FLOAT_DTYPES))
def test_complex_divided_by_real_signed_zero(dtype):
    x = np.array([-2.5 + 1j, 3 - 4j, 1 + 1j, 0j, 2 + 0j])
    y = np.array([0.0, -0.0, -0.0, -0.0, 0.0], dtype)
    check(c_op_truediv, x, y)
    check(c_op_truediv, x, y.astype(np.complex128))


@pytest.mark.parametrize("dtype", [pytest.param(d, marks=_small_int_div(d), id=np.dtype(d).name) for d in INT_DTYPES])
def test_integer_division_by_zero_does_not_raise(dtype):
    x = np.array([7, 0, 100, 1, 3], dtype)
    z = np.zeros(5, dtype)
    q, r, t = c_op_floordiv_all(x, z)
    assert q.tolist() == [0] * 5 and r.tolist() == [0] * 5
    assert t.dtype == np.float64 and t.tolist()[0] == inf and math.isnan(t.tolist()[1])
    check(c_op_floordiv_all, x, z)
    if np.dtype(dtype).kind == "i":
        check(c_op_floordiv_all, -x, z)


def op_floordiv_all(a, b):
    return a // b, a % b, a / b


def floordiv_mod(a, b):
    return a // b, a % b


c_op_floordiv_all = njit(op_floordiv_all)
c_floordiv_mod = njit(floordiv_mod)


@pytest.mark.parametrize(
    "dtype",
    [np.int8, np.int16, np.int32,
     pytest.param(np.int64, marks=pytest.mark.numba_departure("Numba gives 0 for INT64_MIN // -1 (NumPy: INT64_MIN)"))],
    ids=["int8", "int16", "int32", "int64"],
)
def test_integer_min_floordiv_minus_one_wraps(dtype):
    lo = np.iinfo(dtype).min
    r = check(c_floordiv_mod, np.array([lo, lo, 5], dtype), np.array([-1, 1, -1], dtype))
    assert int(r[0][0]) == lo and int(r[1][0]) == 0


def float_division_cases(a, b):
    return a / b, a // b, a % b


c_float_division_cases = njit(float_division_cases)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=ids(FLOAT_DTYPES))
def test_float_division_by_zero_and_infinities_do_not_raise(dtype):
    a = np.array([1.0, -1.0, 0.0, -0.0, inf, nan, 5.5, -5.5, 5.5, -5.5, inf], dtype)
    b = np.array([0.0, 0.0, 0.0, -0.0, 0.0, 0.0, inf, inf, -inf, -inf, inf], dtype)
    q, fq, m = check(c_float_division_cases, a, b)
    assert q[0] == inf and q[1] == -inf and math.isnan(q[2])
    check(c_float_division_cases, np.zeros(4, dtype), np.array([0.0, -0.0, inf, nan], dtype))
    if dtype is np.float64:  # float32 with Python scalars: test_nep50_*
        check(c_float_division_cases, a, -0.0)
        check(c_float_division_cases, 0.0, b)


INT_POW_DTYPES = [np.bool_] + INT_DTYPES


@pytest.mark.parametrize("dtype", INT_POW_DTYPES, ids=ids(INT_POW_DTYPES))
def test_power_integer_arrays(dtype):
    x, _ = operands(dtype)
    e = (np.arange(N) % 5).astype(dtype) if dtype is not np.bool_ else np.arange(N) % 2 == 0
    small = np.array([2, 3, 0, 1], dtype) if dtype is not np.bool_ else e[:4]
    check(c_op_pow, x, e)  # wraps modulo 2**bits as NumPy does
    check(c_op_pow, small, e[:4])
    check(c_op_pow, x.reshape(4, 6), e[:6])


@pytest.mark.numba_departure(NEP50)
def test_power_int32_array_by_python_int():
    x = np.arange(-5, 6, dtype=np.int32)
    assert check(c_op_pow, x, 3).dtype == np.int32
    check(c_op_pow, 3, x[5:])
    check(c_op_pow, np.arange(5, dtype=np.uint8), 7)  # wraps


def test_power_int64_array_by_python_int():
    x = np.arange(-5, 6, dtype=np.int64)
    check(c_op_pow, x, 3)
    check(c_op_pow, 2, np.arange(0, 62))
    check(c_op_pow, 3, np.arange(0, 70))  # wraps


@pytest.mark.numba_departure("Numba computes integer ** negative integer in arrays without raising")
def test_power_integer_to_negative_integer_raises_value_error():
    with pytest.raises(ValueError):
        op_pow(np.arange(1, 4), np.array([1, -1, 2]))
    with pytest.raises(ValueError):
        c_op_pow(np.arange(1, 4), np.array([1, -1, 2]))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES + [np.complex128], ids=ids(FLOAT_DTYPES + [np.complex128]))
def test_power_inexact_arrays(dtype):
    x, y = operands(dtype)
    if np.dtype(dtype).kind == "f":
        x = np.concatenate([x, np.array([-2.0, 0.0, -0.0, 1.0, nan, -inf, 4.0, -8.0], dtype)])
        y = np.concatenate([y, np.array([0.5, -1.0, -1.0, nan, 0.0, 3.0, -0.5, 1 / 3], dtype)])
    else:
        y = y / 4  # keep |x ** y| in range
    check(c_op_pow, x, y, rtol=rtol_for(dtype))
    if dtype is not np.float32:  # float32: test_power_float32_by_python_scalars_stays_float32
        check(c_sc_pow, np.abs(x) if np.dtype(dtype).kind == "f" else x, 3, 2.5, rtol=rtol_for(dtype))


@pytest.mark.numba_departure(NEP50)
def test_power_float32_by_python_scalars_stays_float32():
    x = np.abs(operands(np.float32)[0])
    check(c_sc_pow, x, 3, 2.5, rtol=F4_RTOL)


NEG_DTYPES = INT_DTYPES + FLOAT_DTYPES + [np.complex128]


@pytest.mark.parametrize("dtype", NEG_DTYPES, ids=ids(NEG_DTYPES))
def test_unary_negative(dtype):
    x, y = operands(dtype)
    check(c_op_neg, x)  # INT_MIN stays INT_MIN; unsigned values wrap; -0.0 and NaN for floats
    check(c_op_neg, y)
    if dtype in (np.int8, np.float64):
        check(c_op_neg, y.reshape(4, 6).T)


# ---------------------------------------------------------------------------
# comparisons and bitwise operators
# ---------------------------------------------------------------------------


def compare_all(a, b):
    return a < b, a <= b, a == b, a != b, a > b, a >= b


def eq_ne(a, b):
    return a == b, a != b


c_compare_all = njit(compare_all)
c_eq_ne = njit(eq_ne)

CMP_DTYPES = [np.bool_] + INT_DTYPES + FLOAT_DTYPES


@pytest.mark.parametrize("dtype", CMP_DTYPES, ids=ids(CMP_DTYPES))
def test_comparisons(dtype):
    x, y = operands(dtype)
    r = check(c_compare_all, x, y)
    assert all(v.dtype == np.bool_ for v in r)
    check(c_compare_all, x, x)
    check(c_compare_all, x, 3)
    if dtype in (np.bool_, np.int8, np.uint64, np.float64):
        check(c_compare_all, 2.5, x)
        check(c_compare_all, -inf, x)
        check(c_compare_all, nan, x)
    if dtype is np.float64:
        check(c_compare_all, x[::-1].reshape(4, 6), y.reshape(4, 6))


def test_complex_equality():
    x, y = operands(np.complex128)
    y[5:9] = x[5:9]
    check(c_eq_ne, x, y)
    check(c_eq_ne, x, 1 + 0j)
    check(c_eq_ne, x, 1.0)


@rumbo_bug("an out-of-range Python int is wrapped to the array's dtype before comparing: "
           "np.array([0, 1, 255], np.uint8) < -1 gives [True, True, False] (-1 became 255), "
           "np.array([-128, 0, 127], np.int8) < 1000 gives [True, False, False] (1000 became -24); "
           "NumPy 2 (and Numba) compare the exact values: all False, all True")
@pytest.mark.parametrize(
    "dtype,scalar",
    [(np.uint8, -1), (np.uint64, -1), (np.int8, 1000), (np.int8, -1000), (np.uint16, 70000)],
    ids=["u8<-1", "u64<-1", "i8<1000", "i8<-1000", "u16<70000"],
)
def test_comparison_with_out_of_range_python_int(dtype, scalar):
    # NumPy 2 compares with the exact value of the Python int
    info = np.iinfo(dtype)
    x = np.array([info.min, 0, 1, info.max], dtype)
    check(c_compare_all, x, scalar)
    check(c_compare_all, scalar, x)


def bitwise(a, b):
    return a & b, a | b, a ^ b, ~a, ~b


def bitwise2(a, b):
    return a & b, b | a, a ^ b, ~a


c_bitwise = njit(bitwise)
c_bitwise2 = njit(bitwise2)

BIT_DTYPES = [np.bool_] + INT_DTYPES


@pytest.mark.parametrize("dtype", BIT_DTYPES, ids=ids(BIT_DTYPES))
def test_bitwise_operators(dtype):
    x, y = operands(dtype)
    r = check(c_bitwise, x, y)
    assert all(v.dtype == np.dtype(dtype) for v in r)
    if dtype is np.int64:
        check(c_bitwise, x.reshape(4, 6), y[:6])


@pytest.mark.parametrize(
    "dtype",
    [pytest.param(d, marks=nep50(bitwise2, operands(d)[0], 5)) for d in BIT_DTYPES],
    ids=ids(BIT_DTYPES),
)
def test_bitwise_with_python_int(dtype):
    x, _ = operands(dtype)
    check(c_bitwise2, x, 5)
    check(c_bitwise2, x, 0)


def test_bitwise_bool_with_python_bool():
    x, y = operands(np.bool_)
    r = check(c_bitwise2, x, True)
    assert all(v.dtype == np.bool_ for v in r)
    check(c_bitwise2, x, False)


# ---------------------------------------------------------------------------
# broadcasting
# ---------------------------------------------------------------------------


def bcast_expr(a, b):
    return a * b - b, a < b


c_bcast_expr = njit(bcast_expr)

BROADCASTS = [
    ((3, 1), (4,)),
    ((2, 3), (3,)),
    ((4,), (3, 1)),
    ((2, 1, 3), (4, 1)),
    ((1,), (5,)),
    ((1, 1), (2, 3)),
    ((0,), (1,)),
    ((0, 3), (3,)),
    ((2, 0), (2, 1)),
    ((0, 3), (1, 3)),
    ((3, 0, 2), (2,)),
]


@pytest.mark.parametrize("sa,sb", BROADCASTS, ids=[f"{a}+{b}" for a, b in BROADCASTS])
def test_broadcasting_shapes(sa, sb):
    a = np.arange(math.prod(sa), dtype=np.float64).reshape(sa) * 1.5 - 2
    b = np.arange(math.prod(sb), dtype=np.float64).reshape(sb) - 3.25
    check(c_op_add, a, b)
    check(c_op_add, b, a)
    check(c_bcast_expr, a, b)


def test_broadcasting_scalars():
    a = np.arange(12.0).reshape(3, 4)
    check(c_op_add, 2.5, a)
    check(c_op_add, a, 2.5)
    check(c_op_add, np.arange(6, dtype=np.int64).reshape(1, 2, 3), 7)
    check(c_op_add, 7, np.zeros((0, 4), np.int64))


MISMATCHED = [((3,), (4,)), ((2, 3), (2,)), ((2, 3), (3, 2)), ((0,), (2,)), ((2, 1, 3), (2, 4))]


@pytest.mark.parametrize("sa,sb", MISMATCHED, ids=[f"{a}+{b}" for a, b in MISMATCHED])
def test_mismatched_shapes_raise_value_error(sa, sb):
    a = np.ones(sa)
    b = np.ones(sb)
    with pytest.raises(ValueError):
        op_add(a, b)
    with pytest.raises(ValueError):
        c_op_add(a, b)
    with pytest.raises(ValueError):
        c_bcast_expr(a, b)


@FEW
@given(
    hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, min_side=0, max_side=4),
    st.data(),
)
def test_broadcasting_hypothesis(shapes, data):
    sa, sb = shapes.input_shapes
    elems = st.floats(-1e6, 1e6, allow_nan=False, width=64)
    a = data.draw(hnp.arrays(np.float64, sa, elements=elems))
    b = data.draw(hnp.arrays(np.float64, sb, elements=elems))
    r = check(c_bcast_expr, a, b)
    assert r[0].shape == shapes.result_shape


# ---------------------------------------------------------------------------
# layouts
# ---------------------------------------------------------------------------


def layout_expr(a, b):
    return (a + 1.0) * b - a / 2.0


def layout_int_expr(a, b):
    return a * b + (a ^ b) - b


c_layout_expr = njit(layout_expr)
c_layout_int_expr = njit(layout_int_expr)

LAYOUTS = ["C", "F", "cols_step2", "rows_reversed", "all_reversed", "all_step2"]


def as_layout(x, layout):
    """An array with x's shape and values in the named memory layout (a view
    of a larger or reversed buffer for the non-contiguous ones)."""
    x = np.asarray(x)
    if layout == "C":
        return np.ascontiguousarray(x)
    if layout == "F":
        return np.asfortranarray(x)
    if layout == "cols_step2":  # a[..., ::2]
        big = np.zeros(x.shape[:-1] + (2 * x.shape[-1],), x.dtype)
        big[..., ::2] = x
        return big[..., ::2]
    if layout == "rows_reversed":  # a[::-1]
        return np.ascontiguousarray(x[::-1])[::-1]
    if layout == "all_reversed":
        rev = (slice(None, None, -1),) * x.ndim
        return np.ascontiguousarray(x[rev])[rev]
    if layout == "all_step2":
        big = np.zeros(tuple(2 * n for n in x.shape), x.dtype)
        view = big[(slice(None, None, 2),) * x.ndim]
        view[...] = x
        return view
    raise ValueError(layout)


@pytest.mark.parametrize("la", LAYOUTS)
@pytest.mark.parametrize("lb", ["C", "F", "cols_step2"])
def test_layouts_2d(la, lb):
    x = np.arange(48.0).reshape(6, 8) * 0.75 - 11
    y = np.linspace(-4, 4, 48).reshape(6, 8)
    a, b = as_layout(x, la), as_layout(y, lb)
    r = check(c_layout_expr, a, b)
    assert not np.shares_memory(r, a) and not np.shares_memory(r, b)
    check(c_layout_expr, a.T, as_layout(y.T, lb))
    check(c_layout_int_expr, as_layout((x * 4).astype(np.int32), la), as_layout((y * 4).astype(np.int32), lb))
    check(c_layout_expr, a, b[0])  # broadcast a row
    check(c_layout_expr, a[:, :1], b)  # broadcast a column


@pytest.mark.parametrize(
    "view",
    [lambda x: x[::-1], lambda x: x[1::3], lambda x: x[::-2], lambda x: x[2:-2]],
    ids=["reversed", "step3", "reversed_step2", "inner"],
)
def test_layouts_1d(view):
    a = view(np.arange(30.0) - 7.5)
    b = view(np.linspace(1, 2, 30))
    check(c_layout_expr, a, b)
    check(c_layout_expr, a, 3.0)
    check(c_op_add, a, np.arange(30.0)[: len(a)])


def self_overlap(a):
    return a + a[::-1], a[1:] - a[:-1]


c_self_overlap = njit(self_overlap)


def test_expression_on_overlapping_views_of_one_array():
    check(c_self_overlap, np.arange(10.0) ** 2)
    check(c_self_overlap, (np.arange(12.0) ** 2)[::-2])


def test_3d_layouts():
    base = np.arange(60.0).reshape(3, 4, 5) - 20
    for v in (base, np.asfortranarray(base), base[:, ::2], base[::-1, :, ::-1], base.T.T):
        check(c_layout_expr, v, v * 0.5 + 1)
    check(c_layout_expr, base.T, np.ones((5, 4, 3)))


# ---------------------------------------------------------------------------
# fusion
# ---------------------------------------------------------------------------


def fuse_abc(a, b, c):
    return a * b + c


def fuse_exp_div(z, s):
    return np.exp(z) / s


def fuse_softmax(z):
    e = np.exp(z)
    return e / np.sum(e)


def standardize(a):
    return (a - a.mean()) / a.std()


def long_chain(a, b):
    t = a * 2.0 + b
    u = t * t - a
    return np.sqrt(np.abs(u)) + np.sin(t) * np.cos(b) - u / (1.0 + b * b)


c_fuse_abc = njit(fuse_abc)
c_fuse_exp_div = njit(fuse_exp_div)
c_fuse_softmax = njit(fuse_softmax)
c_standardize = njit(standardize)
c_long_chain = njit(long_chain)


def test_fused_multiply_add_expression():
    rng = np.random.default_rng(1)
    a, b, c = rng.standard_normal((3, 1000))
    check(c_fuse_abc, a, b, c)  # exact: a * b is rounded before + c, as in NumPy
    check(c_fuse_abc, a.reshape(10, 100), b[:100], 0.5)
    check(c_fuse_abc, a.reshape(10, 100)[:, :1], b[:100], c[:100])


def test_fused_exp_divide():
    rng = np.random.default_rng(2)
    z = rng.uniform(-5, 5, 1000)
    check(c_fuse_exp_div, z, 3.5, rtol=F8_RTOL)
    check(c_fuse_exp_div, z.reshape(20, 50), np.linspace(1, 2, 50), rtol=F8_RTOL)
    r = check(c_fuse_softmax, z, rtol=F8_RTOL)
    assert abs(r.sum() - 1.0) < 1e-12


@pytest.mark.parametrize(
    "dtype,rtol",
    [(np.float64, F8_RTOL),
     pytest.param(np.float32, 1e-5, marks=pytest.mark.numba_departure(
         "Numba: a.mean() is a float64 that upcasts the float32 array (NumPy keeps float32)"))],
    ids=["float64", "float32"],
)
def test_fused_standardize(dtype, rtol):
    rng = np.random.default_rng(3)
    a = rng.standard_normal(1000).astype(dtype) * 3 + 1
    check(c_standardize, a, rtol=rtol, atol=rtol)
    check(c_standardize, a.reshape(25, 40).T, rtol=rtol, atol=rtol)


def test_long_fused_chain():
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal((2, 500))
    check(c_long_chain, a, b, rtol=F8_RTOL, atol=1e-13)
    check(c_long_chain, a.reshape(20, 25), b[:25], rtol=F8_RTOL, atol=1e-13)


def write_after_expr(a):
    b = a * 2
    a[0] = 100.0
    return b + 1


def write_through_alias(a, v):
    b = a * 2.0 + 1.0
    v[0] = -50.0
    return b - a


def write_in_loop(a):
    b = np.sqrt(a) + 1.0
    for i in range(a.shape[0]):
        a[i] = -1.0
    return b * 2.0


def reuse_after_call(a, out):
    b = a + 1.0
    c_fill_row(out, 7.0)
    return b * out


def fill_row(x, v):
    for i in range(x.shape[0]):
        x[i] = v


def write_augmented(a):
    b = a * 2.0
    a += 1.0
    return b + a


def write_slice(a):
    b = a * 2.0
    a[:] = 0.0
    return b + a


def write_overlapping_slice(a):
    b = a + 1.0
    a[1:3] = b[:2]
    return b * a


def write_into_result(a):
    b = a * 2.0
    c = b
    c[0] = -1.0
    return b + 1.0


def expr_then_overwrite_input(a, b):
    c = a + b
    a[1] = c[0]
    b[2] = 1000.0
    return c * a


c_write_after_expr = njit(write_after_expr)
c_write_through_alias = njit(write_through_alias)
c_write_in_loop = njit(write_in_loop)
c_fill_row = njit(fill_row)
c_reuse_after_call = njit(reuse_after_call)
c_expr_then_overwrite_input = njit(expr_then_overwrite_input)
c_write_augmented = njit(write_augmented)
c_write_slice = njit(write_slice)
c_write_overlapping_slice = njit(write_overlapping_slice)
c_write_into_result = njit(write_into_result)


def _check_mutating(cf, make_args, **kw):
    """cf and its py_func on fresh argument sets: same result, same arguments afterwards."""
    __tracebackhide__ = True
    exp_args = make_args()
    got_args = make_args()
    with np.errstate(all="ignore"):
        expected = cf.py_func(*exp_args)
    got = cf(*got_args)
    name = cf.py_func.__name__
    assert_matches(got, expected, what=f"{name}: result", **kw)
    for k, (g, e) in enumerate(zip(got_args, exp_args)):
        if isinstance(e, np.ndarray):
            np.testing.assert_array_equal(g, e, err_msg=f"{name}: argument {k} afterwards")
    return got


def test_fusion_reads_inputs_before_later_writes():
    r = _check_mutating(c_write_after_expr, lambda: (np.arange(5.0),))
    assert r.tolist() == [1.0, 3.0, 5.0, 7.0, 9.0]
    _check_mutating(c_write_after_expr, lambda: (np.arange(12.0).reshape(3, 4)[::-1, ::2].copy(order="F"),))


def test_fusion_respects_writes_through_aliases():
    def make():
        base = np.arange(6.0)
        return base, base[::-1]  # v[0] is a[5]
    r = _check_mutating(c_write_through_alias, make)
    assert r.tolist()[5] == 11.0 + 50.0  # b[5] = 11 computed before the write; a[5] = -50 after it

    def make_same():
        base = np.arange(6.0)
        return base, base
    _check_mutating(c_write_through_alias, make_same)


def test_fusion_across_loops_and_calls():
    _check_mutating(c_write_in_loop, lambda: (np.arange(1.0, 7.0),))
    _check_mutating(c_reuse_after_call, lambda: (np.arange(4.0), np.zeros(4)))

    def make_alias():
        base = np.arange(4.0)
        return base, base
    _check_mutating(c_reuse_after_call, make_alias)
    _check_mutating(c_expr_then_overwrite_input, lambda: (np.arange(4.0), np.arange(4.0) * 10))


def test_fusion_with_slice_writes():
    r = _check_mutating(c_write_slice, lambda: (np.arange(5.0),))
    assert r.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]
    _check_mutating(c_write_overlapping_slice, lambda: (np.arange(5.0),))
    r = _check_mutating(c_write_into_result, lambda: (np.arange(5.0),))
    assert r.tolist() == [0.0, 3.0, 5.0, 7.0, 9.0]


def augmented_alias(a):
    b = a
    b *= 2
    return a


def augmented_view(a):
    v = a[1:]
    v -= 10
    return a


c_augmented_alias = njit(augmented_alias)
c_augmented_view = njit(augmented_view)


def test_augmented_assignment_writes_in_place():
    r = _check_mutating(c_write_augmented, lambda: (np.arange(5.0),))
    assert r.tolist() == [1.0, 4.0, 7.0, 10.0, 13.0]
    _check_mutating(c_augmented_alias, lambda: (np.arange(4.0),))
    _check_mutating(c_augmented_view, lambda: (np.arange(4),))


# ---------------------------------------------------------------------------
# ufuncs
# ---------------------------------------------------------------------------


def u_exp(x):
    return np.exp(x)


def u_exp2(x):
    return np.exp2(x)


def u_expm1(x):
    return np.expm1(x)


def u_log(x):
    return np.log(x)


def u_log2(x):
    return np.log2(x)


def u_log10(x):
    return np.log10(x)


def u_log1p(x):
    return np.log1p(x)


def u_sqrt(x):
    return np.sqrt(x)


def u_cbrt(x):
    return np.cbrt(x)


def u_sin(x):
    return np.sin(x)


def u_cos(x):
    return np.cos(x)


def u_tan(x):
    return np.tan(x)


def u_arcsin(x):
    return np.arcsin(x)


def u_arccos(x):
    return np.arccos(x)


def u_arctan(x):
    return np.arctan(x)


def u_sinh(x):
    return np.sinh(x)


def u_cosh(x):
    return np.cosh(x)


def u_tanh(x):
    return np.tanh(x)


def u_arcsinh(x):
    return np.arcsinh(x)


def u_arccosh(x):
    return np.arccosh(x)


def u_arctanh(x):
    return np.arctanh(x)


def u_floor(x):
    return np.floor(x)


def u_ceil(x):
    return np.ceil(x)


def u_trunc(x):
    return np.trunc(x)


def u_rint(x):
    return np.rint(x)


def u_abs(x):
    return np.abs(x)


def u_absolute(x):
    return np.absolute(x)


def u_fabs(x):
    return np.fabs(x)


def u_sign(x):
    return np.sign(x)


def u_negative(x):
    return np.negative(x)


def u_square(x):
    return np.square(x)


def u_isnan(x):
    return np.isnan(x)


def u_isinf(x):
    return np.isinf(x)


def u_isfinite(x):
    return np.isfinite(x)


def b_power(x, y):
    return np.power(x, y)


def b_hypot(x, y):
    return np.hypot(x, y)


def b_arctan2(x, y):
    return np.arctan2(x, y)


def b_minimum(x, y):
    return np.minimum(x, y)


def b_maximum(x, y):
    return np.maximum(x, y)


def b_fmin(x, y):
    return np.fmin(x, y)


def b_fmax(x, y):
    return np.fmax(x, y)


FLOAT_MATH = {f.__name__[2:]: njit(f) for f in [
    u_exp, u_exp2, u_expm1, u_log, u_log2, u_log10, u_log1p, u_sqrt, u_cbrt, u_sin, u_cos, u_tan,
    u_arcsin, u_arccos, u_arctan, u_sinh, u_cosh, u_tanh, u_arcsinh, u_arccosh, u_arctanh,
]}
ROUNDING = {f.__name__[2:]: njit(f) for f in [u_floor, u_ceil, u_trunc, u_rint]}
SAME = {f.__name__[2:]: njit(f) for f in [u_abs, u_absolute, u_fabs, u_sign, u_negative, u_square]}
PREDICATES = {f.__name__[2:]: njit(f) for f in [u_isnan, u_isinf, u_isfinite]}
BINARY = {f.__name__[2:]: njit(f) for f in [b_power, b_hypot, b_arctan2, b_minimum, b_maximum, b_fmin, b_fmax]}
# results NumPy computes exactly (correctly rounded or exact operations)
EXACT = {"sqrt", "hypot", "minimum", "maximum", "fmin", "fmax"}


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=ids(FLOAT_DTYPES))
@pytest.mark.parametrize("name", list(FLOAT_MATH))
def test_float_ufuncs_on_arrays(name, dtype):
    x = float_samples(dtype)
    rtol = 0.0 if name in EXACT else rtol_for(dtype)
    r = check(FLOAT_MATH[name], x, rtol=rtol)
    assert r.dtype == np.dtype(dtype)
    if dtype is np.float64:
        check(FLOAT_MATH[name], x.reshape(29, 1)[::-2], rtol=rtol)


@pytest.mark.parametrize("name", list(FLOAT_MATH))
def test_float_ufuncs_on_integer_arrays(name):
    x = np.array([-3, -1, 0, 1, 2, 10, 100, 2**40], np.int64)
    check(FLOAT_MATH[name], x, rtol=F8_RTOL)
    if name in ("exp", "log", "sqrt", "sin", "arctanh"):
        check(FLOAT_MATH[name], x[:6].astype(np.int32), rtol=F8_RTOL)
        check(FLOAT_MATH[name], x[:6].astype(np.int16), rtol=F4_RTOL)  # int16 → float32


SCALAR_VALUES = [1.0, 0.5, -0.5, 0.0, -0.0, 2.0, -2.0, 1000.0, -1000.0, 1e-300, inf, -inf, nan]


@pytest.mark.parametrize("name", list(FLOAT_MATH))
def test_float_ufuncs_on_scalars(name):
    cf = FLOAT_MATH[name]
    for v in SCALAR_VALUES:
        got = check(cf, v, rtol=F8_RTOL)  # out of the domain: nan/inf, never an exception
        assert isinstance(got, float)
    check(cf, 3, rtol=F8_RTOL)


def test_exp_of_one_in_compiled_code():
    assert FLOAT_MATH["exp"](1.0) == pytest.approx(math.e, rel=1e-15)
    assert FLOAT_MATH["sqrt"](-1.0) != FLOAT_MATH["sqrt"](-1.0)
    assert FLOAT_MATH["log"](0.0) == -inf
    assert FLOAT_MATH["exp"](1000.0) == inf


ROUND_DTYPES = FLOAT_DTYPES


@pytest.mark.parametrize("dtype", ROUND_DTYPES, ids=ids(ROUND_DTYPES))
@pytest.mark.parametrize("name", list(ROUNDING))
def test_rounding_ufuncs(name, dtype):
    x = np.concatenate([float_samples(dtype), np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, -0.7], dtype)])
    check(ROUNDING[name], x)
    check(ROUNDING[name], 2.5)
    check(ROUNDING[name], -0.5)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8], ids=["int32", "int64", "uint8"])
@pytest.mark.parametrize("name", ["floor", "ceil", "trunc"])
def test_rounding_ufuncs_keep_integer_dtype(name, dtype):
    check(ROUNDING[name], np.array([0, 1, 7, 100, 127], dtype))


def test_rint_of_integer_arrays_is_float64():
    check(ROUNDING["rint"], np.array([0, -1, 7, 2**53 + 1], np.int64))
    check(ROUNDING["rint"], np.array([0, -1, 7, 100], np.int32))


SAME_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64, np.float32, np.float64, np.complex128]


def _same_cases():
    out = []
    for name in SAME:
        for dt in SAME_DTYPES:
            kind = np.dtype(dt).kind
            if name == "fabs" and (kind == "c" or (kind in "iu" and np.dtype(dt).itemsize < 4)):
                continue  # NumPy: no complex loop; 8/16-bit ints give float16
            if name == "sign" and kind == "c":
                continue
            marks = []
            if name == "sign" and kind == "u":
                marks.append(pytest.mark.numba_departure("Numba's np.sign of unsigned values >= 2**(bits-1) is -1 too"))
            out.append(pytest.param(name, dt, marks=marks, id=f"{name}-{np.dtype(dt).name}"))
    return out


@pytest.mark.parametrize("name,dtype", _same_cases())
def test_sign_abs_negative_square(name, dtype):
    x, y = operands(dtype)
    if np.dtype(dtype).kind == "f":
        x = np.concatenate([x, float_samples(dtype)])
    rtol = F8_RTOL if np.dtype(dtype).kind == "c" else 0.0  # |z| is hypot
    zeros = name != "sign"  # test_sign_of_negative_zero
    check(SAME[name], x, rtol=rtol, signed_zeros=zeros)
    if dtype is np.float64:
        check(SAME[name], y.reshape(4, 6).T, rtol=rtol, signed_zeros=zeros)


@pytest.mark.parametrize("name", list(SAME))
def test_sign_abs_negative_square_on_scalars(name):
    for v in (-2.5, 0.0, -0.0, 3.0, inf, -inf, nan):
        check(SAME[name], v, signed_zeros=name != "sign")
    if name != "fabs":
        check(SAME[name], -7)


@pytest.mark.numba_departure("Numba's np.sign(-0.0) is -0.0 too")
def test_sign_of_negative_zero():
    check(SAME["sign"], np.array([-0.0, 0.0, -1.0]))
    check(SAME["sign"], np.array([-0.0, 0.0, -1.0], np.float32))
    check(SAME["sign"], -0.0)


PREDICATE_DTYPES = FLOAT_DTYPES + [np.int32, np.int64, np.uint8]


@pytest.mark.parametrize("dtype", PREDICATE_DTYPES, ids=ids(PREDICATE_DTYPES))
@pytest.mark.parametrize("name", list(PREDICATES))
def test_predicates(name, dtype):
    x = float_samples(dtype) if np.dtype(dtype).kind == "f" else operands(dtype)[0]
    r = check(PREDICATES[name], x)
    assert r.dtype == np.bool_
    if dtype is np.float64:
        check(PREDICATES[name], x[::-3])
    for v in (1.0, nan, inf, -inf):
        got = check(PREDICATES[name], v)
        assert isinstance(got, (bool, np.bool_))


def _binary_operands(dtype):
    x = float_samples(dtype)
    y = np.roll(float_samples(dtype)[::-1], 5)
    return x, y


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=ids(FLOAT_DTYPES))
@pytest.mark.parametrize("name", list(BINARY))
def test_binary_ufuncs_on_float_arrays(name, dtype):
    x, y = _binary_operands(dtype)
    minmax = name in ("minimum", "maximum", "fmin", "fmax")
    rtol = 0.0 if name in EXACT else rtol_for(dtype)
    # which zero min/max pick from (-0.0, 0.0) is unspecified
    check(BINARY[name], x, y, rtol=rtol, signed_zeros=not minmax)
    check(BINARY[name], y, x, rtol=rtol, signed_zeros=not minmax)
    check(BINARY[name], x.reshape(29, 1), y[:7], rtol=rtol, signed_zeros=not minmax)


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_ufuncs_with_scalars(name):
    x, _ = _binary_operands(np.float64)
    rtol = 0.0 if name in EXACT else F8_RTOL
    check(BINARY[name], x, 2.0, rtol=rtol)
    check(BINARY[name], -1.5, x, rtol=rtol)
    check(BINARY[name], x, nan, rtol=rtol)
    check(BINARY[name], 3.0, 4.0, rtol=rtol)
    check(BINARY[name], 0.0, -0.0, rtol=rtol, signed_zeros=name not in ("minimum", "maximum", "fmin", "fmax"))


def test_arctan2_signed_zeros_and_infinities():
    y = np.array([0.0, -0.0, 0.0, -0.0, 1.0, -1.0, inf, -inf, inf, nan, 0.0])
    x = np.array([0.0, 0.0, -0.0, -0.0, -inf, -inf, inf, -inf, 1.0, 1.0, nan])
    check(BINARY["arctan2"], y, x, rtol=F8_RTOL)


def minmax4(x, y):
    return np.minimum(x, y), np.maximum(x, y), np.fmin(x, y), np.fmax(x, y)


c_minmax4 = njit(minmax4)


@pytest.mark.parametrize("dtype", INT_DTYPES, ids=ids(INT_DTYPES))
def test_min_max_on_integer_arrays(dtype):
    x, y = operands(dtype)
    check(c_minmax4, x, y)
    check(c_minmax4, y, x)


@pytest.mark.parametrize("dtype", [pytest.param(d, marks=nep50(minmax4, operands(d)[0], 3), id=np.dtype(d).name)
                                   for d in INT_DTYPES])
def test_min_max_integer_array_with_python_int(dtype):
    x, _ = operands(dtype)
    check(c_minmax4, x, 3)


@pytest.mark.parametrize("dtype", [
    pytest.param(d, id=np.dtype(d).name, marks=[pytest.mark.numba_departure(
        "Numba's np.power on integer arrays goes through float64 and loses the wrapped low bits")]
        if d in (np.int16, np.int32, np.int64, np.uint64) else [])
    for d in INT_DTYPES])
def test_np_power_on_integer_arrays(dtype):
    x, _ = operands(dtype)
    check(BINARY["power"], x, (np.arange(N) % 4).astype(dtype))


def test_minimum_maximum_propagate_nan_fmin_fmax_ignore_it():
    x = np.array([nan, 1.0, nan, -inf, 2.0])
    y = np.array([0.0, nan, nan, 5.0, inf])
    assert np.isnan(BINARY["minimum"](x, y)[:3]).all()
    assert np.isnan(BINARY["maximum"](x, y)[:3]).all()
    assert BINARY["fmin"](x, y).tolist()[:2] == [0.0, 1.0]
    assert BINARY["fmax"](x, y).tolist()[:2] == [0.0, 1.0]
    for name in ("minimum", "maximum", "fmin", "fmax"):
        check(BINARY[name], x, y)


@FEW
@given(
    hnp.arrays(np.float64, st.integers(0, 40),
               elements=st.one_of(st.floats(-1e4, 1e4), st.sampled_from([nan, inf, -inf, -0.0]))),
    st.sampled_from(["exp", "log", "sqrt", "sin", "tanh", "arcsinh", "expm1", "log1p"]),
)
def test_float_ufuncs_hypothesis(x, name):
    check(FLOAT_MATH[name], x, rtol=0.0 if name in EXACT else F8_RTOL, atol=1e-300)


# np.where and np.clip


def where3(c, x, y):
    return np.where(c, x, y)


def where_positive(a):
    return np.where(a > 0, a, 0.0)


def where_int_or_float(c, a):
    return np.where(c, a, 2.5)


def clip3(a, lo, hi):
    return np.clip(a, lo, hi)


c_where3 = njit(where3)
c_where_positive = njit(where_positive)
c_where_int_or_float = njit(where_int_or_float)
c_clip3 = njit(clip3)


def test_where_arrays_and_scalars():
    x = float_samples(np.float64)
    c = np.arange(x.size) % 3 == 0
    check(c_where3, c, x, -x)
    check(c_where3, c, x, 7.0)
    check(c_where3, c, 1.5, x)
    check(c_where3, c.reshape(29, 1), x[:4], x.reshape(29, 1))  # broadcasts
    check(c_where_positive, x)
    check(c_where_positive, x.reshape(29, 1)[::-1])
    r = check(c_where3, c, np.arange(29, dtype=np.int32), np.arange(29, dtype=np.int32) * -1)
    assert r.dtype == np.int32
    check(c_where3, c, np.arange(29, dtype=np.int32), x)
    check(c_where_int_or_float, c, np.arange(29, dtype=np.int32))


@pytest.mark.numba_departure(NEP50)
def test_where_with_python_scalar_keeps_array_dtype():
    x = float_samples(np.float32)
    c = np.arange(x.size) % 3 == 0
    r = check(c_where3, c, x, 7.0)
    assert r.dtype == np.float32
    r = check(c_where3, c, np.arange(29, dtype=np.int16), 3)
    assert r.dtype == np.int16


def test_where_shape_mismatch_raises_value_error():
    with pytest.raises(ValueError):
        c_where3(np.ones(3, np.bool_), np.ones(4), 0.0)


def test_clip():
    x = float_samples(np.float64)
    check(c_clip3, x, -1.0, 1.0)
    check(c_clip3, x, 2.0, -2.0)  # lo > hi: NumPy gives hi everywhere
    check(c_clip3, x, np.full(29, -0.5), 0.5)
    check(c_clip3, x[::-2], -inf, inf)
    i = np.arange(-10, 10, dtype=np.int64)
    check(c_clip3, i, -3, 4)
    check(c_clip3, i.reshape(4, 5).T, np.arange(4), 3)


@pytest.mark.numba_departure("Numba's np.clip ignores a NaN bound (NumPy: NaN results)")
def test_clip_with_nan_bound():
    check(c_clip3, float_samples(np.float64), nan, 1.0)
    check(c_clip3, float_samples(np.float64), -1.0, np.full(29, nan))


@pytest.mark.numba_departure("Numba's np.clip returns a's shape: the bounds do not broadcast it")
def test_clip_bounds_broadcast_the_result():
    x = float_samples(np.float64)
    check(c_clip3, x.reshape(29, 1), np.array([-1.0, 0.0, 1.0]), np.array([1.0, 2.0, nan]))
    check(c_clip3, 0.5, np.array([-1.0, 0.0, 1.0]), 0.75)


def test_clip_with_python_scalars_keeps_array_dtype():
    r = check(c_clip3, float_samples(np.float32), -1.0, 1.0)
    assert r.dtype == np.float32
    r = check(c_clip3, np.arange(-10, 10, dtype=np.int8), -3, 4)
    assert r.dtype == np.int8


# ---------------------------------------------------------------------------
# returned arrays and memory
# ---------------------------------------------------------------------------


def small_expr(a, b):
    return np.sqrt(a * a + b * b) - 1.0


def two_results(a):
    return a + 1.0, a * 2.0


c_small_expr = njit(small_expr)
c_two_results = njit(two_results)


def test_results_own_their_memory():
    a = np.arange(10.0)
    b = np.ones(10)
    r = c_small_expr(a, b)
    assert type(r) is np.ndarray and r.flags.c_contiguous and r.flags.writeable and r.flags.aligned
    assert not isinstance(r.base, np.ndarray)  # not a view of an argument
    assert not np.shares_memory(r, a) and not np.shares_memory(r, b)
    expected = small_expr(a, b)
    del a, b
    gc.collect()
    np.testing.assert_array_equal(r, expected)
    r[:] = 5.0  # writable, and independent
    r2 = c_small_expr(np.arange(10.0), np.ones(10))
    np.testing.assert_array_equal(r2, expected)
    s, t = c_two_results(np.arange(4.0))
    assert not np.shares_memory(s, t)
    del s
    gc.collect()
    assert t.tolist() == [0.0, 2.0, 4.0, 6.0]


def test_result_outlives_its_inputs_and_views_of_it():
    r = c_small_expr(np.arange(1000.0), np.zeros(1000))
    v = r[::7]
    del r
    gc.collect()
    assert v[1] == 6.0 and v.base is not None


@pytest.mark.skipif(IS_NUMBA, reason="rumbo's NRT statistics")
def test_no_leak_nrt_statistics():
    from rumbo import _core

    a = np.arange(8.0)
    b = np.ones(8)
    c_small_expr(a, b)
    c_two_results(a)
    gc.collect()
    alloc0, free0 = _core.nrt_stats()
    for _ in range(10**5):
        c_small_expr(a, b)
    for _ in range(10**4):
        c_two_results(a)
    gc.collect()
    alloc1, free1 = _core.nrt_stats()
    assert alloc1 - alloc0 >= 10**5 + 2 * 10**4
    assert alloc1 - alloc0 == free1 - free0, (alloc1 - alloc0, free1 - free0)


def _maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def test_memory_stays_flat():
    a = np.arange(64.0)
    b = np.ones(64)
    c_small_expr(a, b)
    gc.collect()
    before = _maxrss_mb()
    for _ in range(10**5):
        c_small_expr(a, b)
    gc.collect()
    assert _maxrss_mb() - before < 20.0


@pytest.mark.skipif(IS_NUMBA, reason="rumbo's NRT statistics")
def test_errors_do_not_leak():
    # calls that raise (a failed broadcast) free what they allocated
    from rumbo import _core

    a = np.ones(3)
    gc.collect()
    alloc0, free0 = _core.nrt_stats()
    for _ in range(1000):
        with pytest.raises(ValueError):
            c_bcast_expr(a, np.ones(4))
        c_bcast_expr(a, a)
    gc.collect()
    alloc1, free1 = _core.nrt_stats()
    assert alloc1 - alloc0 == free1 - free0


# ---------------------------------------------------------------------------
# linear algebra
# ---------------------------------------------------------------------------

try:
    import scipy  # noqa: F401  (Numba needs SciPy's BLAS for np.dot)

    HAVE_SCIPY = True
except ImportError:
    HAVE_SCIPY = False

needs_blas = pytest.mark.skipif(IS_NUMBA and not HAVE_SCIPY, reason="Numba's np.dot needs SciPy")


def products(a, b):
    return np.dot(a, b), a @ b


def dot_only(a, b):
    return np.dot(a, b)


def matmul_op(a, b):
    return a @ b


def matmul_fn(a, b):
    return np.matmul(a, b)


def norm(x):
    return np.linalg.norm(x)


c_products = njit(products)
c_dot_only = njit(dot_only)
c_matmul_op = njit(matmul_op)
c_matmul_fn = njit(matmul_fn)
c_norm = njit(norm)
NO_MATMUL = "Numba has no np.matmul function (only the @ operator)"

LINALG_SHAPES = {"1d.1d": ((7,), (7,)), "2d.1d": ((5, 7), (7,)), "1d.2d": ((7,), (7, 4)), "2d.2d": ((5, 7), (7, 4))}


LINALG_LAYOUTS = ["C", "F", "cols_step2", "rows_reversed", "all_step2"]


NEG_ROW_STRIDE = ("np.dot/@ read past the buffer of a 2-D operand whose rows have a negative stride (a[::-1]): "
                  "np.dot(a[::-1], x) for a (5, 7) float64 and x (7,) gets the first element right and garbage "
                  "after it (denormals like 6.7e-310, NaN); a (5, 7) @ b[::-1] for a (7, 4) b likewise")


def _linalg_params():
    out = []
    for shapes in LINALG_SHAPES:
        for dt in FLOAT_DTYPES:
            for layout in LINALG_LAYOUTS:
                marks = []
                out.append(pytest.param(shapes, dt, layout, marks=marks, id=f"{shapes}-{np.dtype(dt).name}-{layout}"))
    return out


@needs_blas
@pytest.mark.parametrize("shapes,dtype,layout", _linalg_params())
def test_dot_matmul(shapes, dtype, layout):
    sa, sb = LINALG_SHAPES[shapes]
    rng = np.random.default_rng(5)
    a = rng.standard_normal(sa).astype(dtype)
    b = rng.standard_normal(sb).astype(dtype)
    rtol = 1e-5 if dtype is np.float32 else 1e-12
    def view(x):
        return as_layout(x, layout)
    r = check(c_products, view(a), view(b), rtol=rtol, atol=rtol)
    check(c_products, a, view(b), rtol=rtol, atol=rtol)
    check(c_products, view(a), b, rtol=rtol, atol=rtol)
    if len(sa) == 1 and len(sb) == 1:
        assert isinstance(r[0], float)


@needs_blas
@pytest.mark.numba_departure(NO_MATMUL)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=ids(FLOAT_DTYPES))
@pytest.mark.parametrize("shapes", list(LINALG_SHAPES))
def test_np_matmul(shapes, dtype):
    sa, sb = LINALG_SHAPES[shapes]
    rng = np.random.default_rng(9)
    a = rng.standard_normal(sa).astype(dtype)
    b = rng.standard_normal(sb).astype(dtype)
    rtol = 1e-5 if dtype is np.float32 else 1e-12
    check(c_matmul_fn, a, b, rtol=rtol, atol=rtol)
    check(c_matmul_fn, as_layout(a, "F"), as_layout(b, "all_step2"), rtol=rtol, atol=rtol)
    with pytest.raises(ValueError):
        c_matmul_fn(a, np.ones(sb[:-1] + (sb[-1] + 1,) if len(sb) == 1 else (sb[0] + 1,) + sb[1:], dtype))


@needs_blas
def test_dot_transposed_operands():
    rng = np.random.default_rng(6)
    a = rng.standard_normal((6, 5))
    b = rng.standard_normal((4, 6))
    check(c_products, a.T, b.T, rtol=1e-12, atol=1e-12)
    check(c_products, a.T, a, rtol=1e-12, atol=1e-12)
    check(c_products, a[::2].T, a[1::2], rtol=1e-12, atol=1e-12)
    check(c_products, b.T, b[:, 0], rtol=1e-12, atol=1e-12)


@needs_blas
def test_dot_larger_and_empty():
    rng = np.random.default_rng(7)
    a = rng.standard_normal((64, 100))
    b = rng.standard_normal((100, 33))
    check(c_products, a, b, rtol=1e-12, atol=1e-12)
    check(c_products, a[:, ::3], b[::3], rtol=1e-12, atol=1e-12)
    check(c_products, np.zeros((0, 4)), np.ones((4, 3)))
    check(c_products, np.ones((3, 0)), np.ones((0, 2)))
    check(c_products, np.zeros(0), np.zeros(0))


@needs_blas
@pytest.mark.parametrize(
    "sa,sb",
    [((3,), (4,)), ((2, 3), (4,)), ((3,), (4, 2)), ((2, 3), (2, 3)), ((2, 3), (4, 5))],
    ids=["1d.1d", "2d.1d", "1d.2d", "2d.2d", "2d.2d-b"],
)
def test_dot_shape_mismatch_raises_value_error(sa, sb):
    a = np.ones(sa)
    b = np.ones(sb)
    for cf in (c_products, c_dot_only, c_matmul_op) if IS_NUMBA else (c_products, c_dot_only, c_matmul_op, c_matmul_fn):
        with pytest.raises(ValueError):
            cf.py_func(a, b)
        with pytest.raises(ValueError):
            cf(a, b)


NORM_INPUTS = {
    "vector": lambda v, m: v,
    "vector_step3": lambda v, m: v[::3],
    "vector_reversed_step3": lambda v, m: v[::-3],
    "empty_vector": lambda v, m: v[:0],
    "matrix": lambda v, m: m,
    "matrix_F": lambda v, m: np.asfortranarray(m),
    "matrix_strided": lambda v, m: m[::2, ::-3],
    "matrix_T": lambda v, m: m.T,
    "zero_matrix": lambda v, m: np.zeros_like(m),
    "huge_vector": lambda v, m: v * np.array(1e200, v.dtype) if v.dtype == np.float64 else v * np.float32(1e30),
}


NORM_DEPARTS = {
    "vector_reversed_step3": "Numba's norm of a negative-stride vector is wrong (nan)",
    "huge_vector": "Numba scales (BLAS nrm2): finite where NumPy's sqrt(dot(x, x)) overflows to inf",
}


@needs_blas
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=ids(FLOAT_DTYPES))
@pytest.mark.parametrize("which", [
    pytest.param(w, marks=[pytest.mark.numba_departure(NORM_DEPARTS[w])] if w in NORM_DEPARTS else [])
    for w in NORM_INPUTS])
def test_norm(which, dtype):
    rng = np.random.default_rng(8)
    v = rng.standard_normal(101).astype(dtype)
    m = rng.standard_normal((9, 11)).astype(dtype)
    x = NORM_INPUTS[which](v, m)
    rtol = 1e-5 if dtype is np.float32 else 1e-12
    got = c_norm(x)
    with np.errstate(all="ignore"):
        expected = norm(x)
    assert not isinstance(got, np.ndarray)
    np.testing.assert_allclose(got, expected, rtol=rtol, err_msg=f"norm of {x.shape} {x.dtype}")


# ---------------------------------------------------------------------------
# the seed softmax example
# ---------------------------------------------------------------------------


def _load_softmax():
    path = ROOT / "examples" / "softmax.py"
    if IS_RUMBO:
        spec = importlib.util.spec_from_file_location("rumbo_example_softmax", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    # the same source compiled by Numba
    src = path.read_text().replace("from rumbo import jit", "from numba import jit")
    mod = ModuleType("numba_example_softmax")
    mod.__file__ = str(path)
    exec(compile(src, str(path), "exec"), mod.__dict__)
    return mod


def test_softmax_example():
    mod = _load_softmax()
    # compiled at import, from the explicit signatures
    assert len(mod.esum.signatures) == 1 and len(mod.softmax_optimized.signatures) == 1
    z = np.random.default_rng(0).uniform(0, 10, 10**5)
    got = mod.softmax_optimized(z)
    e = np.exp(z)
    expected = e / np.sum(e)
    assert type(got) is np.ndarray and got.dtype == np.float64 and got.shape == z.shape
    assert float(np.max(np.abs(got - expected) / expected)) < 1e-12
    total = mod.esum(z)
    assert abs(total - np.sum(e)) / np.sum(e) < 1e-12
    # the explicit 'f8[:]' signature accepts non-contiguous arrays too
    got = mod.softmax_optimized(z[::-3])
    e = np.exp(z[::-3])
    assert float(np.max(np.abs(got - e / np.sum(e)) / (e / np.sum(e)))) < 1e-12
    assert len(mod.softmax_optimized.signatures) == 1


@pytest.mark.parametrize("shape", [(5,), (1,), (3, 7), (1, 1)])
def test_method_call_on_an_expression_keeps_it_alive(shape):
    # `(expr).sum()`: the bound method holds no reference, so the expression's
    # array must live until the call (it was freed at the attribute lookup).
    @njit
    def f(a):
        return (a * a + 1.0).sum()

    a = np.arange(float(np.prod(shape))).reshape(shape)
    for _ in range(50):
        assert f(a) == (a * a + 1.0).sum()


def test_arrays_read_only_by_a_fused_expression_are_freed():
    # `t` dies inside `t * t`, which is evaluated within the sum's loop: its
    # reference must be dropped after the sum, not skipped with the fused value.
    if not IS_RUMBO:
        pytest.skip("rumbo's NRT counters")
    from rumbo import _core

    @njit
    def f(n):
        t = np.zeros(n) + 2.0
        return np.sum(t * t)

    f(16)
    a0, f0 = _core.nrt_stats()
    for _ in range(100):
        assert f(16) == 64.0
    a1, f1 = _core.nrt_stats()
    assert a1 - a0 == f1 - f0 > 0


def _jacobi_step(u, v):
    v[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:])
    return v


def _shift_add(a):
    a[1:] = a[:-1] + 1.0
    return a


def _store_broadcast(out, r):
    out[:, :] = r * 2
    return out


def test_expression_stored_into_a_selection():
    # Evaluated straight into the selection, or through a temporary when an
    # operand overlaps it (the same array on both sides).
    u = np.arange(30.0).reshape(5, 6) ** 1.5
    ref = _jacobi_step(u, u.copy())
    assert np.allclose(njit(_jacobi_step)(u, u.copy()), ref)
    same = u.copy()
    assert np.allclose(njit(_jacobi_step)(same, same), _jacobi_step(u.copy(), u.copy()))
    a = np.arange(5.0)
    exp = a.copy()
    exp[1:] = exp[:-1] + 1.0
    assert np.array_equal(njit(_shift_add)(a.copy()), exp)
    assert np.array_equal(njit(_store_broadcast)(np.zeros((3, 4)), np.arange(4.0)), np.tile(np.arange(4.0) * 2, (3, 1)))
    with pytest.raises(ValueError):
        njit(_store_broadcast)(np.zeros((3, 4)), np.arange(3.0))
