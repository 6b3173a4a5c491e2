"""Differential tests for array creation and array methods (rumbo/np/creation.py,
rumbo/np/methods.py) against NumPy.

Each compiled function is also run by NumPy itself (`cf.py_func`); results must
agree in type (ndarray), dtype, shape and values (NaN equal to NaN), over every
dtype, 1-D to 4-D shapes, empty sizes, and C, F, non-contiguous and
negative-stride inputs. dtype arguments are baked into closures (compiled code
takes no classes as arguments), made once per dtype.

Under RUMBO_TEST_BACKEND=numba the same expectations are checked against Numba;
`numba_departure` marks where Numba knowingly differs (NumPy is followed),
and `RUMBO_GAP` marks what rumbo cannot compile yet (strict xfails under rumbo,
so they flip to failures when the compiler learns them).
"""

import functools

import numpy as np
import pytest

from conftest import IS_RUMBO, errors, njit

ALL_DTYPES = [
    np.bool_,
    np.int8, np.int16, np.int32, np.int64,
    np.uint8, np.uint16, np.uint32, np.uint64,
    np.float32, np.float64,
    np.complex64, np.complex128,
]
DTYPE_IDS = [np.dtype(d).name for d in ALL_DTYPES]
COMPLEX = (np.complex64, np.complex128)
SOME_DTYPES = [np.bool_, np.int8, np.uint32, np.int64, np.float32, np.complex64, np.complex128]

# shapes as ints and tuples of 1 to 3 extents, empty ones included
SHAPES = [0, 1, 5, (0,), (4,), (2, 3), (3, 0), (2, 3, 4), (1, 1, 1), (2, 0, 3)]
SHAPE_IDS = [repr(s).replace(" ", "") for s in SHAPES]
# a few, one per number of dimensions, for the dtype matrices
FEW_SHAPES = [4, (2, 3)]

def rumbo_gap(reason):
    return pytest.mark.xfail(IS_RUMBO, reason=reason, strict=True)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def check(got, expected, c_contiguous=True):
    """Same dtype, shape and values (NaN == NaN); a new C-contiguous array by default."""
    assert isinstance(got, np.ndarray), f"got {type(got).__name__}, expected an ndarray"
    assert got.dtype == expected.dtype, f"dtype {got.dtype}, expected {expected.dtype}"
    assert got.shape == expected.shape, f"shape {got.shape}, expected {expected.shape}"
    np.testing.assert_array_equal(got, expected, strict=True)
    if c_contiguous:
        assert got.flags.c_contiguous


def run(cf, *args):
    """cf(*args) and the NumPy reference cf.py_func(*args) on copies of the arguments."""
    ref_args = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    return cf(*args), cf.py_func(*ref_args)


def sample(shape, dtype):
    """A C-contiguous array of small values exact in every dtype (0..9; alternating bools)."""
    n = int(np.prod(shape))
    base = np.arange(n) % 10
    if dtype is np.bool_:
        return (base % 3 == 1).reshape(shape)
    a = base.astype(dtype).reshape(shape)
    if np.dtype(dtype).kind == "c":
        a = a + (1j * (base % 4)).reshape(shape).astype(dtype)
    return a


def layouts(a):
    """The array as C, F, non-contiguous and negative-stride views, with ids."""
    out = [("C", a), ("F", np.asfortranarray(a))]
    if a.ndim == 1:
        big = np.empty(2 * a.shape[0], a.dtype)
        big[::2] = a
        out.append(("strided", big[::2]))
        out.append(("reversed", a[::-1].copy()[::-1]))
    else:
        big = np.empty((a.shape[0], 2 * a.shape[1]) + a.shape[2:], a.dtype)
        big[:, ::2] = a
        out.append(("strided", big[:, ::2]))
        out.append(("reversed", a[::-1].copy()[::-1]))
    return out


def layout_cases(shapes, dtypes):
    cases = []
    for shape in shapes:
        for dtype in dtypes:
            for name, arr in layouts(sample(shape, dtype)):
                cases.append(pytest.param(arr, id=f"{np.dtype(dtype).name}-{shape}-{name}".replace(" ", "")))
    return cases


LAYOUT_SHAPES = [(5,), (0,), (3, 4), (2, 3, 4)]


# ---------------------------------------------------------------------------
# np.zeros, np.ones, np.full
# ---------------------------------------------------------------------------


@njit
def zeros_default(shape):
    return np.zeros(shape)


@njit
def ones_default(shape):
    return np.ones(shape)


@njit
def zeros_none(shape):
    return np.zeros(shape, None)


@njit
def full_default(shape, value):
    return np.full(shape, value)


@pytest.mark.parametrize("shape", SHAPES, ids=SHAPE_IDS)
@pytest.mark.parametrize("cf", [zeros_default, ones_default, zeros_none], ids=lambda f: f.__name__)
def test_zeros_ones_default_dtype(cf, shape):
    check(*run(cf, shape))


@functools.lru_cache(maxsize=None)
def filled(kind, dtype):
    if kind == "zeros":
        def f(shape):
            return np.zeros(shape, dtype)
    elif kind == "ones":
        def f(shape):
            return np.ones(shape, dtype=dtype)
    elif kind == "full":
        def f(shape, value):
            return np.full(shape, value, dtype)
    else:
        def f(shape, value):
            return np.full(shape, value, dtype=dtype)
    return njit(f)


def fill_value_for(dtype):
    return {
        "b": True, "i": -7, "u": 200, "f": -2.5, "c": 1.5 - 2j,
    }[np.dtype(dtype).kind]


@pytest.mark.parametrize("shape", FEW_SHAPES, ids=repr)
@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("kind", ["zeros", "ones", "full"])
def test_zeros_ones_full_dtypes(kind, dtype, shape):
    cf = filled(kind, dtype)
    if kind == "full":
        check(*run(cf, shape, fill_value_for(dtype)))
    else:
        check(*run(cf, shape))


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint8, np.float32, np.bool_], ids=lambda d: np.dtype(d).name)
def test_full_converts_the_fill_value(dtype):
    cf = filled("full_kw", dtype)
    for value in (3, 2.75, True, 0):
        check(*run(cf, (2, 2), value))


@pytest.mark.parametrize(
    "value",
    [True, False, 3, -(2**40), 2.5, float("nan"), float("-inf"), 1 - 1j,
     np.int8(-3), np.int16(9), np.uint8(200), np.uint64(2**63 + 5), np.int32(7),
     np.float32(1.5), np.complex64(2 + 3j), np.bool_(True)],
    ids=repr,
)
def test_full_dtype_follows_the_fill_value(value):
    check(*run(full_default, (2, 3), value))
    check(*run(full_default, 4, value))


@njit
def full_then_write(n):
    a = np.full(n, 1.5)
    a[0] = 9.0
    b = np.zeros((2, n), np.int32)
    b[1, 0] = 4
    return a, b


def test_new_arrays_are_writable_and_independent():
    a, b = full_then_write(3)
    np.testing.assert_array_equal(a, [9.0, 1.5, 1.5])
    np.testing.assert_array_equal(b, [[0, 0, 0], [4, 0, 0]])
    assert a.flags.writeable and b.flags.writeable


@pytest.mark.parametrize("cf", [zeros_default, ones_default], ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", [-1, (2, -3)], ids=repr)
def test_negative_dimensions_raise_value_error(cf, shape):
    with pytest.raises(ValueError):
        cf.py_func(shape)
    with pytest.raises(ValueError):
        cf(shape)


# ---------------------------------------------------------------------------
# np.empty_like, np.zeros_like, np.ones_like, np.full_like
# ---------------------------------------------------------------------------


@njit
def empty_like(a):
    return np.empty_like(a)


@njit
def zeros_like(a):
    return np.zeros_like(a)


@njit
def ones_like(a):
    return np.ones_like(a)


@njit
def full_like(a, v):
    return np.full_like(a, v)


LIKE_CASES = layout_cases([(5,), (2, 0, 3)], [np.bool_, np.uint64, np.complex128])


@pytest.mark.parametrize("a", LIKE_CASES)
def test_like_functions(a):
    got = empty_like(a)
    expected = np.empty_like(a)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    # NumPy (and Numba) keep an F-contiguous prototype's order; rumbo makes C arrays
    check(zeros_like(a), np.zeros_like(a), c_contiguous=IS_RUMBO)
    check(ones_like(a), np.ones_like(a), c_contiguous=IS_RUMBO)
    check(full_like(a, 1), np.full_like(a, 1), c_contiguous=IS_RUMBO)


@functools.lru_cache(maxsize=None)
def like_with_dtype(kind, dtype):
    if kind == "empty":
        def f(a):
            return np.empty_like(a, dtype)
    elif kind == "zeros":
        def f(a):
            return np.zeros_like(a, dtype=dtype)
    elif kind == "ones":
        def f(a):
            return np.ones_like(a, dtype)
    else:
        def f(a):
            return np.full_like(a, 2, dtype)
    return njit(f)


@pytest.mark.parametrize("dtype", SOME_DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("kind", ["empty", "zeros", "ones", "full"])
def test_like_functions_with_dtype(kind, dtype):
    a = np.arange(6.0).reshape(2, 3)
    got, expected = run(like_with_dtype(kind, dtype), a)
    if kind == "empty":
        assert got.dtype == expected.dtype and got.shape == expected.shape
    else:
        check(got, expected)


@pytest.mark.parametrize("value", [2.75, -1.5, True], ids=repr)
def test_full_like_converts_to_the_prototype_dtype(value):
    for dtype in (np.int32, np.float32, np.complex64, np.bool_):
        check(*run(full_like, np.ones(3, dtype), value))


# ---------------------------------------------------------------------------
# np.arange
# ---------------------------------------------------------------------------


@njit
def arange1(stop):
    return np.arange(stop)


@njit
def arange2(start, stop):
    return np.arange(start, stop)


@njit
def arange3(start, stop, step):
    return np.arange(start, stop, step)


@njit
def arange_kw(start, stop, step):
    return np.arange(start, stop, step=step)


@pytest.mark.parametrize("stop", [0, 1, 7, -3, 2.5, 0.0, 3.0, -1.5, np.int32(4), np.int16(3), np.float32(2.5)], ids=repr)
def test_arange_one_argument(stop):
    check(*run(arange1, stop))


@pytest.mark.parametrize(
    "start, stop",
    [(0, 5), (2, 9), (5, 2), (-4, 4), (3, 3), (0.5, 4), (1, 3.5), (-2.5, 2.5), (2.0, 2.0), (-(2**40), -(2**40) + 3)],
    ids=repr,
)
def test_arange_two_arguments(start, stop):
    check(*run(arange2, start, stop))


@pytest.mark.parametrize(
    "start, stop, step",
    [
        (0, 10, 3), (0, 10, 5), (1, 2, 5), (10, 0, -3), (10, 0, -1), (0, 10, -1), (-5, 5, 2), (5, 5, 1),
        (0.0, 5.0, 0.5), (0, 1, 0.125), (0, 1, 0.1), (10, 0, -1.5), (2.5, 11, 1.25), (-1.3, 1, 0.7),
        (0, 1, 2.0), (1.0, 0.0, 0.25), (0.0, 1.0, -0.5),
    ],
    ids=repr,
)
def test_arange_three_arguments(start, stop, step):
    check(*run(arange3, start, stop, step))
    check(*run(arange_kw, start, stop, step))


@pytest.mark.numba_departure("Numba computes start + i * step; NumPy start + i * ((start + step) - start)")
def test_arange_follows_numpys_fill_rule():
    # (0.5 + 0.1) - 0.5 != 0.1: NumPy steps by the rounded difference
    check(*run(arange3, 0.5, 2, 0.1))
    check(*run(arange3, 1, 2, 0.1))


@functools.lru_cache(maxsize=None)
def arange_dtype(dtype):
    def f(start, stop, step):
        return np.arange(start, stop, step, dtype)
    return njit(f)


@njit
def arange_stop_dtype_f32(stop):
    return np.arange(stop, dtype=np.float32)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.uint16, np.int64, np.float32, np.float64, np.complex128], ids=lambda d: np.dtype(d).name)
def test_arange_with_dtype(dtype):
    cf = arange_dtype(dtype)
    check(*run(cf, 0, 10, 3))
    check(*run(cf, 1, 100, 7))
    check(*run(cf, 0, 0, 1))
    check(*run(arange_stop_dtype_f32, 6))


@pytest.mark.numba_departure("Numba raises ValueError('Maximum allowed size exceeded'); NumPy ZeroDivisionError")
@pytest.mark.parametrize("args", [(0, 5, 0), (0.0, 1.0, 0.0)], ids=repr)
def test_arange_zero_step_raises(args):
    with pytest.raises(ZeroDivisionError):
        arange3.py_func(*args)
    with pytest.raises(ZeroDivisionError):
        arange3(*args)


# ---------------------------------------------------------------------------
# np.linspace
# ---------------------------------------------------------------------------


@njit
def linspace_default(start, stop):
    return np.linspace(start, stop)


@njit
def linspace(start, stop, num):
    return np.linspace(start, stop, num)


@njit
def linspace_no_endpoint(start, stop, num):
    return np.linspace(start, stop, num, endpoint=False)


@pytest.mark.parametrize("start, stop", [(0, 1), (2.5, -7.25), (-3, 3), (1e-300, 2e-300)], ids=repr)
def test_linspace_default_num(start, stop):
    check(*run(linspace_default, start, stop))


@pytest.mark.parametrize("num", [0, 1, 2, 3, 7, 10, 101], ids=repr)
@pytest.mark.parametrize(
    "start, stop",
    [(0, 1), (0.0, 1.0), (1, 0), (-2.5, 4.0), (3, 3), (0.1, 0.7), (5, 1e10), (1 + 2j, -3 + 0.5j), (0, 1j)],
    ids=repr,
)
def test_linspace(start, stop, num):
    check(*run(linspace, start, stop, num))


@pytest.mark.numba_departure("Numba's np.linspace always computes start + i * step")
def test_linspace_with_a_step_that_underflows():
    # (stop - start) / div is 0.0: NumPy scales by i / div instead
    check(*run(linspace, 0.0, 5e-324, 4))


@pytest.mark.numba_departure("Numba's np.linspace has no endpoint argument")
@pytest.mark.parametrize("num", [0, 1, 2, 5, 10], ids=repr)
@pytest.mark.parametrize("start, stop", [(0, 1), (2.5, -7.25), (1j, 2)], ids=repr)
def test_linspace_without_endpoint(start, stop, num):
    check(*run(linspace_no_endpoint, start, stop, num))


@pytest.mark.numba_departure("Numba's np.linspace of float32 bounds is float64; NumPy keeps float32")
def test_linspace_of_float32_bounds_is_float32():
    check(*run(linspace, np.float32(0.5), np.float32(2.0), 7))


def test_linspace_negative_num_raises_value_error():
    with pytest.raises(ValueError):
        linspace.py_func(0, 1, -1)
    with pytest.raises(ValueError):
        linspace(0, 1, -1)


# ---------------------------------------------------------------------------
# np.eye, np.identity
# ---------------------------------------------------------------------------


@njit
def eye1(n):
    return np.eye(n)


@njit
def eye2(n, m):
    return np.eye(n, m)


@njit
def eye3(n, m, k):
    return np.eye(n, m, k)


@njit
def eye_none(n, k):
    return np.eye(n, None, k)


@njit
def eye_kw(n, k):
    return np.eye(n, k=k)


@njit
def identity(n):
    return np.identity(n)


@pytest.mark.parametrize("n", [0, 1, 3, 5], ids=repr)
def test_eye_and_identity(n):
    check(*run(eye1, n))
    check(*run(identity, n))
    for m in (0, 1, 2, 4, 7):
        check(*run(eye2, n, m))
        for k in (-6, -2, -1, 0, 1, 3, 8):
            check(*run(eye3, n, m, k))
    for k in (-2, 0, 1, 5):
        check(*run(eye_none, n, k))
        check(*run(eye_kw, n, k))


@functools.lru_cache(maxsize=None)
def eye_dtype(dtype):
    def f(n, m, k):
        return np.eye(n, m, k, dtype), np.eye(n, dtype=dtype), np.identity(n, dtype)
    return njit(f)


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=DTYPE_IDS)
def test_eye_with_dtype(dtype):
    cf = eye_dtype(dtype)
    got, expected = cf(3, 4, 1), cf.py_func(3, 4, 1)
    for g, e in zip(got, expected):
        check(g, e)


@njit
def eye_python_int_dtype(n):
    return np.eye(n, dtype=int)


@pytest.mark.numba_departure("Numba rejects the Python type int as a dtype")
def test_eye_with_python_type_as_dtype():
    check(*run(eye_python_int_dtype, 3))


# ---------------------------------------------------------------------------
# np.copy and a.copy()
# ---------------------------------------------------------------------------


@njit
def np_copy(a):
    return np.copy(a)


@njit
def method_copy(a):
    return a.copy()


@njit
def copy_then_write(a):
    b = a.copy()
    b[0] = 42
    return b


COPY_CASES = layout_cases([(3, 4)], ALL_DTYPES) + layout_cases([(5,), (0,), (2, 3, 4)], [np.bool_, np.float64])


@pytest.mark.parametrize("a", COPY_CASES)
def test_copy(a):
    got = method_copy(a)
    check(got, a.copy())
    assert not np.shares_memory(got, a)


@pytest.mark.parametrize("a", layout_cases([(5,), (3, 4)], [np.bool_, np.float32, np.complex128]))
def test_np_copy(a):
    # np.copy keeps an F-contiguous input's order in NumPy and Numba; rumbo copies to C
    got = np_copy(a)
    check(got, np.copy(a), c_contiguous=IS_RUMBO or not a.flags.f_contiguous)
    assert not np.shares_memory(got, a)


def test_copy_is_independent_of_the_original():
    a = np.arange(5.0)
    b = copy_then_write(a)
    np.testing.assert_array_equal(a, np.arange(5.0))
    np.testing.assert_array_equal(b, [42.0, 1, 2, 3, 4])


def test_copy_of_a_read_only_array_is_writable():
    a = np.arange(4.0)
    a.setflags(write=False)
    b = copy_then_write(a)
    np.testing.assert_array_equal(b, [42.0, 1, 2, 3])
    assert b.flags.writeable


# ---------------------------------------------------------------------------
# np.array, np.asarray
# ---------------------------------------------------------------------------


@njit
def array_of(t):
    return np.array(t)


@njit
def asarray_of(t):
    return np.asarray(t)


@njit
def array_of_three(x, y, z):
    return np.array((x, y, z))


@pytest.mark.parametrize(
    "t",
    [(1, 2, 3), (1.5, -2.5), (True, False, True), (1j, 2 + 0j), (7,), tuple(range(20)),
     (np.int8(1), np.int8(-2)), (np.float32(0.5), np.float32(2)), (np.uint16(9), np.uint16(3))],
    ids=repr,
)
def test_array_of_a_tuple_of_scalars(t):
    check(*run(array_of, t))


def test_array_of_scalar_variables():
    check(*run(array_of_three, 1.0, 2.0, 3.5))
    check(*run(array_of_three, 1, 2, 3))


@functools.lru_cache(maxsize=None)
def array_dtype(dtype):
    def f(t):
        return np.array(t, dtype)
    return njit(f)


@pytest.mark.parametrize("dtype", [np.int8, np.float32, np.complex128, np.bool_], ids=lambda d: np.dtype(d).name)
def test_array_with_dtype(dtype):
    check(*run(array_dtype(dtype), (1, 0, 3)))
    check(*run(array_dtype(dtype), (1.0, 0.0, 2.0)))


@pytest.mark.parametrize("t", [((1, 2), (3, 4)), ((1.5, 2.0, 3.0),), ((True,), (False,))], ids=repr)
def test_array_of_a_tuple_of_tuples(t):
    check(*run(array_of, t))


def test_array_of_a_tuple_of_mixed_scalars():
    check(*run(array_of, (1, 2.5, True)))


def test_asarray_of_a_tuple():
    check(*run(asarray_of, (1, 2, 3)))


@pytest.mark.parametrize("a", layout_cases([(5,), (3, 4)], [np.int32, np.float64, np.complex64]))
def test_asarray_of_an_array_is_the_array(a):
    assert asarray_of(a) is a


ARRAY_CASES = layout_cases([(5,)], ALL_DTYPES)
NUMBA_NO_ARRAY_OF_ARRAY = "Numba's np.array does not take arrays"


@pytest.mark.numba_departure(NUMBA_NO_ARRAY_OF_ARRAY)
@pytest.mark.parametrize("a", ARRAY_CASES)
def test_array_of_a_1d_array_is_a_copy(a):
    got = array_of(a)
    check(got, np.array(a))
    assert not np.shares_memory(got, a)


@pytest.mark.numba_departure(NUMBA_NO_ARRAY_OF_ARRAY)
def test_array_of_a_2d_array():
    check(*run(array_of, np.arange(6.0).reshape(2, 3)))


@pytest.mark.numba_departure(NUMBA_NO_ARRAY_OF_ARRAY)
def test_array_of_an_empty_1d_array():
    check(*run(array_of, np.zeros(0)))


# ---------------------------------------------------------------------------
# a.fill
# ---------------------------------------------------------------------------


@njit
def fill(a, v):
    a.fill(v)


@njit
def fill_returns(a, v):
    return a.fill(v)


def fill_cases():
    cases = layout_cases([(5,), (0,), (3, 4), (2, 3, 4), (2, 1, 3, 2)], [np.bool_, np.float32, np.complex128])
    return cases


@pytest.mark.parametrize("a", fill_cases())
def test_fill_in_place(a):
    value = fill_value_for(a.dtype.type)
    expected = a.copy()
    expected.fill(value)
    fill(a, value)
    np.testing.assert_array_equal(a, expected, strict=True)


def test_fill_writes_through_views_only():
    base = np.zeros((4, 6))
    fill(base[1:3, ::2], 5.0)
    expected = np.zeros((4, 6))
    expected[1:3, ::2] = 5.0
    np.testing.assert_array_equal(base, expected)


def test_fill_converts_and_returns_none():
    a = np.zeros(3, np.int16)
    assert fill_returns(a, 2.9) is None
    np.testing.assert_array_equal(a, [2, 2, 2])
    b = np.zeros(2, np.bool_)
    fill(b, 0.5)
    np.testing.assert_array_equal(b, [True, True])


# ---------------------------------------------------------------------------
# a.ravel(), a.flatten(), np.ravel
# ---------------------------------------------------------------------------


@njit
def method_ravel(a):
    return a.ravel()


@njit
def method_flatten(a):
    return a.flatten()


@njit
def np_ravel(a):
    return np.ravel(a)


RAVEL_CASES = layout_cases(LAYOUT_SHAPES + [(3, 0)], [np.bool_, np.uint8, np.complex64])


@pytest.mark.parametrize("cf", [method_ravel, method_flatten, np_ravel], ids=lambda f: f.__name__)
@pytest.mark.parametrize("a", RAVEL_CASES)
def test_ravel_and_flatten(cf, a):
    check(cf(a), a.ravel())


@pytest.mark.numba_departure("Numba's ravel of a C-contiguous array is a view, as in NumPy; rumbo's is a copy")
def test_ravel_returns_a_copy():
    a = np.arange(6.0).reshape(2, 3)
    assert not np.shares_memory(method_ravel(a), a)


def test_flatten_returns_a_copy():
    a = np.arange(6.0).reshape(2, 3)
    assert not np.shares_memory(method_flatten(a), a)


# ---------------------------------------------------------------------------
# a.transpose(), np.transpose
# ---------------------------------------------------------------------------


@njit
def method_transpose(a):
    return a.transpose()


@njit
def np_transpose(a):
    return np.transpose(a)


@pytest.mark.parametrize("cf", [method_transpose, np_transpose], ids=lambda f: f.__name__)
@pytest.mark.parametrize("a", layout_cases(LAYOUT_SHAPES, [np.int16, np.float64]))
def test_transpose(cf, a):
    got = cf(a)
    check(got, a.transpose(), c_contiguous=False)
    assert got.strides == a.transpose().strides
    assert a.size == 0 or np.shares_memory(got, a)


# ---------------------------------------------------------------------------
# a.astype
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def astype(dtype):
    def f(a):
        return a.astype(dtype)
    return njit(f)


ASTYPE_PAIRS = [
    pytest.param(src, dst, id=f"{np.dtype(src).name}->{np.dtype(dst).name}")
    for src in [np.bool_, np.int8, np.uint64, np.float32, np.float64, np.complex64]
    for dst in ALL_DTYPES
    if not (src in COMPLEX and dst not in COMPLEX)
]


def astype_source(src, shape=(7,)):
    a = sample(shape, src)
    if np.dtype(src).kind == "f":
        a = a + np.asarray(0.5, src) * (np.arange(a.size).reshape(shape) % 2)  # truncation toward zero
    return a


@pytest.mark.parametrize("src, dst", ASTYPE_PAIRS)
def test_astype_every_dtype_pair(src, dst):
    a = astype_source(src)
    check(astype(dst)(a), a.astype(dst))


@pytest.mark.parametrize("dst", [np.int8, np.complex64], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("a", layout_cases([(0,), (3, 4), (2, 3, 4)], [np.int32, np.float32]))
def test_astype_layouts(a, dst):
    got = astype(dst)(a)
    # NumPy and Numba keep an F-contiguous input's order (order='K'); rumbo makes C arrays
    check(got, a.astype(dst), c_contiguous=IS_RUMBO)
    assert not np.shares_memory(got, a)


def test_astype_of_negative_floats_truncates_toward_zero():
    a = np.array([-2.5, -0.5, 0.5, 2.5, -127.9])
    check(astype(np.int8)(a), a.astype(np.int8))
    check(astype(np.int64)(a), a.astype(np.int64))


@pytest.mark.parametrize("dst", [np.float64, np.int32, np.bool_], ids=lambda d: np.dtype(d).name)
def test_astype_complex_to_real_is_a_typing_error(dst):
    # NumPy discards the imaginary part with a ComplexWarning; Numba and rumbo refuse
    with pytest.raises(errors.TypingError):
        astype(dst)(np.array([1 + 2j]))


# ---------------------------------------------------------------------------
# np.reshape
# ---------------------------------------------------------------------------


@njit
def np_reshape(a, shape):
    return np.reshape(a, shape)


@pytest.mark.parametrize(
    "size, shape",
    [(6, (2, 3)), (6, (3, 2)), (6, 6), (6, (6,)), (24, (2, 3, 4)), (24, (4, -1)), (24, (-1,)), (0, (0, 5)), (0, (3, 0, 2))],
    ids=repr,
)
def test_np_reshape(size, shape):
    a = np.arange(size, dtype=np.float32)
    got = np_reshape(a, shape)
    check(got, np.reshape(a, shape))
    assert size == 0 or np.shares_memory(got, a)


def test_np_reshape_of_a_2d_array():
    a = np.arange(12).reshape(3, 4)
    check(np_reshape(a, (2, 6)), np.reshape(a, (2, 6)))
    check(np_reshape(a, 12), np.reshape(a, 12))


def test_np_reshape_size_mismatch_raises_value_error():
    with pytest.raises(ValueError):
        np_reshape(np.arange(6.0), (4, 2))


def _nested_list():
    return np.array([[1.0, 2.0], [3.0, 4.0]])


def _array_copies(a):
    return np.array(a), np.array(a, np.float32)


def _nested_tuple_dtype():
    return np.array(((1, 2, 3), (4, 5, 6)), np.float64)


def test_np_array_of_nested_sequences_and_arrays():
    got = njit(_nested_list)()
    assert got.shape == (2, 2) and np.array_equal(got, [[1.0, 2.0], [3.0, 4.0]])
    a = np.arange(6.0).reshape(2, 3)
    c, f = njit(_array_copies)(a)
    assert np.array_equal(c, a) and c is not a and f.dtype == np.float32
    h = njit(_nested_tuple_dtype)()
    assert h.dtype == np.float64 and np.array_equal(h, [[1, 2, 3], [4, 5, 6]])


@pytest.mark.parametrize("name", ["float32", "f8", "int32", "i2", "uint8", "bool", "complex64", "float", "int"])
def test_dtype_given_as_a_string(name):
    @njit
    def make(n):
        return np.zeros(n, dtype=name), np.ones((n, 2), name), np.arange(3.0).astype(name)

    for got, want in zip(make(3), make.py_func(3)):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype


def test_unknown_dtype_string_is_a_typing_error():
    @njit
    def make(n):
        return np.zeros(n, dtype="float128x")

    with pytest.raises(errors.TypingError):
        make(3)
