"""rumbo.types: names, aliases, array and tuple types, signatures, from_dtype.

Where Numba is installed, names, strings and reprs are checked against
``numba.types`` itself.
"""

import pickle

import numpy as np
import pytest

from rumbo import types

# Every scalar name (and alias) rumbo.types shares with numba.types.
SCALAR_NAMES = """
boolean bool_ bool b1
int8 int16 int32 int64 uint8 uint16 uint32 uint64
float16 float32 float64 complex64 complex128
intp uintp intc uintc ssize_t size_t
i1 i2 i4 i8 u1 u2 u4 u8 f2 f4 f8 c8 c16
byte char uchar short ushort int_ uint long_ ulong longlong ulonglong double
void none
c_bool py_bool np_bool_
c_uint8 np_uint8 c_uint16 np_uint16 c_uint32 np_uint32 c_uint64 np_uint64 c_uintp np_uintp
c_int8 np_int8 c_int16 np_int16 c_int32 np_int32 c_int64 np_int64 c_intp py_int np_intp
c_float16 np_float16 c_float32 np_float32 c_float64 py_float np_float64
np_complex64 py_complex np_complex128 np_float_ np_double
np_char np_uchar np_short np_ushort np_int_ np_uint np_intc np_uintc np_long np_ulong
np_longlong np_ulonglong
""".split()

# numba.types.__all__ entries rumbo does not provide (no optional/FFI types).
NOT_PROVIDED = {"optional", "ffi_forced_object", "ffi", "deferred_type", "float_"}


def numba_types():
    pytest.importorskip("numba")
    import numba.types as nt

    return nt


# ---------------------------------------------------------------------------
# scalar names


def test_canonical_names():
    assert types.boolean.name == "bool"
    for bits in (8, 16, 32, 64):
        assert types.__dict__[f"int{bits}"].name == f"int{bits}"
        assert types.__dict__[f"uint{bits}"].name == f"uint{bits}"
    for name in ("float16", "float32", "float64", "complex64", "complex128", "none"):
        assert getattr(types, name).name == name
        assert str(getattr(types, name)) == name
        assert repr(getattr(types, name)) == name


@pytest.mark.parametrize(
    "alias, canonical",
    [
        ("b1", "boolean"), ("bool_", "boolean"), ("bool", "boolean"),
        ("i1", "int8"), ("i2", "int16"), ("i4", "int32"), ("i8", "int64"),
        ("u1", "uint8"), ("u2", "uint16"), ("u4", "uint32"), ("u8", "uint64"),
        ("f2", "float16"), ("f4", "float32"), ("f8", "float64"), ("double", "float64"),
        ("c8", "complex64"), ("c16", "complex128"),
        ("byte", "uint8"), ("uchar", "uint8"), ("char", "int8"),
        ("short", "int16"), ("ushort", "uint16"),
        ("intc", "int32"), ("uintc", "uint32"),
        ("longlong", "int64"), ("ulonglong", "uint64"),
        ("void", "none"),
        ("np_float_", "float32"), ("py_float", "float64"), ("py_complex", "complex128"),
    ],
)
def test_alias_is_the_same_object(alias, canonical):
    assert getattr(types, alias) is getattr(types, canonical)


def test_pointer_sized_aliases():
    ptr_bits = np.dtype(np.intp).itemsize * 8
    for name in ("intp", "ssize_t", "int_", "py_int", "np_intp", "c_intp"):
        assert str(getattr(types, name)) == f"int{ptr_bits}", name
    for name in ("uintp", "size_t", "uint", "np_uintp", "c_uintp"):
        assert str(getattr(types, name)) == f"uint{ptr_bits}", name
    long_bits = np.dtype(np.long).itemsize * 8 if hasattr(np, "long") else None
    if long_bits:
        assert str(types.long_) == f"int{long_bits}"
        assert str(types.ulong) == f"uint{long_bits}"


def test_not_numpy_only_names():
    # NumPy's `single` and (NumPy 1's) `float_` are not rumbo.types names.
    assert not hasattr(types, "single")
    assert not hasattr(types, "float_")


def test_scalar_attributes():
    assert (types.int8.bitwidth, types.int8.signed) == (8, True)
    assert (types.uint64.bitwidth, types.uint64.signed) == (64, False)
    assert types.int64.minval == -(2**63) and types.int64.maxval == 2**63 - 1
    assert types.uint8.minval == 0 and types.uint8.maxval == 255
    assert types.float32.bitwidth == 32
    assert types.complex64.bitwidth == 64
    assert types.complex64.underlying_float is types.float32
    assert types.complex128.underlying_float is types.float64
    assert isinstance(types.int32, types.Integer) and isinstance(types.int32, types.Number)
    assert isinstance(types.float64, types.Float)
    assert isinstance(types.c8, types.Complex)
    assert isinstance(types.b1, types.Boolean)
    assert isinstance(types.void, types.NoneType)
    assert types.Integer.from_bitwidth(16, signed=False) is types.uint16


def test_ordering_within_a_kind():
    assert types.int8 < types.int64
    assert not types.int64 < types.int32
    assert types.float32 <= types.float64 and types.float64 >= types.float64
    assert types.complex128 > types.complex64
    with pytest.raises(TypeError):
        types.int8 < types.uint64  # noqa: B015
    with pytest.raises(TypeError):
        types.int8 < types.float32  # noqa: B015


def test_cast_python_value():
    v = types.float64(3)
    assert type(v) is np.float64 and v == 3.0
    v = types.int32(7.9)
    assert type(v) is np.int32 and v == 7
    assert type(types.complex64(1)) is np.complex64
    assert types.boolean(0) is False


def test_equality_and_hashing_by_name():
    assert types.float64 == types.f8
    assert types.float64 != types.float32
    assert types.float64 != "float64"
    assert hash(types.int64) == hash(types.intp) == hash("int64")
    assert types.Array(types.float64, 2, "C") == types.float64[:, ::1]
    assert types.Array(types.float64, 2, "C") != types.Array(types.float64, 2, "C", readonly=True)
    d = {types.float64[:]: "a", types.UniTuple(types.int64, 2): "t"}
    assert d[types.Array(types.f8, 1, "A")] == "a"
    assert d[types.Tuple([types.i8, types.i8])] == "t"
    assert len({types.int64, types.i8, types.intp, types.int32}) == 2


# ---------------------------------------------------------------------------
# arrays

ARRAY_FORMS = [
    (lambda t: t.float64[:], "array(float64, 1d, A)", 1, "A"),
    (lambda t: t.float64[::1], "array(float64, 1d, C)", 1, "C"),
    (lambda t: t.float64[:, :], "array(float64, 2d, A)", 2, "A"),
    (lambda t: t.float64[:, ::1], "array(float64, 2d, C)", 2, "C"),
    (lambda t: t.float64[::1, :], "array(float64, 2d, F)", 2, "F"),
    (lambda t: t.float64[::1, ::1], "array(float64, 2d, F)", 2, "F"),
    (lambda t: t.float64[:, :, :], "array(float64, 3d, A)", 3, "A"),
    (lambda t: t.float64[:, :, ::1], "array(float64, 3d, C)", 3, "C"),
    (lambda t: t.float64[::1, :, :], "array(float64, 3d, F)", 3, "F"),
    (lambda t: t.float64[:, ::1, :], "array(float64, 3d, A)", 3, "A"),
    (lambda t: t.float64[::1,], "array(float64, 1d, F)", 1, "F"),
    (lambda t: t.f4[:, :, :, ::1], "array(float32, 4d, C)", 4, "C"),
    (lambda t: t.int32[:], "array(int32, 1d, A)", 1, "A"),
    (lambda t: t.b1[::1], "array(bool, 1d, C)", 1, "C"),
    (lambda t: t.c16[:, ::1], "array(complex128, 2d, C)", 2, "C"),
    (lambda t: t.uintp[:], "array(uint64, 1d, A)", 1, "A"),
]


@pytest.mark.parametrize("make, text, ndim, layout", ARRAY_FORMS)
def test_array_slicing(make, text, ndim, layout):
    a = make(types)
    assert isinstance(a, types.Array)
    assert str(a) == a.name == text
    assert (a.ndim, a.layout) == (ndim, layout)
    assert a.mutable and not a.readonly


def test_array_constructor():
    a = types.Array(types.float64, 2, "F")
    assert str(a) == "array(float64, 2d, F)"
    assert a.dtype is types.float64
    assert repr(a) == "Array(float64, 2, 'F', False, aligned=True)"
    r = types.Array(types.int8, 1, "C", readonly=True)
    assert str(r) == "readonly array(int8, 1d, C)"
    assert r.readonly and not r.mutable
    assert repr(r) == "Array(int8, 1, 'C', True, aligned=True)"
    assert str(types.Array(types.float64, 0, "C")) == "array(float64, 0d, C)"
    assert r.copy(readonly=False) == types.int8[::1]
    assert a.copy(layout="A", ndim=3) == types.float64[:, :, :]


def test_array_contiguity():
    assert types.float64[::1].is_c_contig and types.float64[::1].is_f_contig
    assert types.float64[:, ::1].is_c_contig and not types.float64[:, ::1].is_f_contig
    assert types.float64[::1, :].is_f_contig and not types.float64[::1, :].is_c_contig
    assert not types.float64[:].is_contig


@pytest.mark.parametrize(
    "make, exc",
    [
        (lambda: types.float64[1:], KeyError),
        (lambda: types.float64[:3], KeyError),
        (lambda: types.float64[::2], KeyError),
        (lambda: types.float64[:, ::-1], KeyError),
        (lambda: types.float64[0], KeyError),
        (lambda: types.float64[()], KeyError),
        (lambda: types.float64[:][:], TypeError),
        (lambda: types.none[:], TypeError),
        (lambda: types.Array(types.float64[:], 1, "C"), TypeError),
        (lambda: types.Array(types.none, 1, "C"), TypeError),
        (lambda: types.Array(types.float64, 1, "X"), ValueError),
        (lambda: types.Array(types.float64, -1, "C"), ValueError),
        (lambda: types.Array(types.float64, 65, "C"), ValueError),
        (lambda: types.Array(types.float64, True, "C"), TypeError),
    ],
)
def test_array_errors(make, exc):
    with pytest.raises(exc):
        make()


# ---------------------------------------------------------------------------
# tuples


def test_unituple():
    t = types.UniTuple(types.int64, 3)
    assert str(t) == "UniTuple(int64 x 3)"
    assert repr(t) == "UniTuple(int64, 3)"
    assert (t.dtype, t.count, len(t)) == (types.int64, 3, 3)
    assert t.types == (types.int64,) * 3
    assert list(t) == [types.int64] * 3
    assert t[2] is types.int64


def test_tuple():
    t = types.Tuple([types.int64, types.float64])
    assert isinstance(t, types.Tuple)
    assert str(t) == "Tuple(int64, float64)"
    assert repr(t) == "Tuple((int64, float64))"
    assert t.types == (types.int64, types.float64)
    assert t[1] is types.float64 and len(t) == 2 and t.count == 2
    # Homogeneous tuples are UniTuples, as in Numba.
    u = types.Tuple((types.i8, types.int64))
    assert isinstance(u, types.UniTuple) and str(u) == "UniTuple(int64 x 2)"
    assert types.Tuple(x for x in (types.i8, types.f8)) == t
    assert str(types.Tuple(())) == "Tuple()"
    assert repr(types.Tuple(())) == "Tuple(())"
    assert str(types.Tuple([types.float64[:]])) == "UniTuple(array(float64, 1d, A) x 1)"
    nested = types.Tuple([types.float64[::1], types.UniTuple(types.int8, 2), t])
    assert str(nested) == "Tuple(array(float64, 1d, C), UniTuple(int8 x 2), Tuple(int64, float64))"
    assert types.BaseTuple.from_types([types.b1, types.b1]) == types.UniTuple(types.boolean, 2)
    with pytest.raises(TypeError):
        types.Tuple([types.int64, 3])


def test_pickle_round_trip():
    for t in (types.int64, types.float64[:, ::1], types.UniTuple(types.f4, 2),
              types.Tuple([types.i8, types.c16[:]]), types.none):
        assert pickle.loads(pickle.dumps(t)) == t
    s = types.float64(types.int32)
    assert pickle.loads(pickle.dumps(s)) == s


# ---------------------------------------------------------------------------
# signatures


def test_signature_from_calling_a_type():
    s = types.float64(types.int32, types.float64[:])
    assert isinstance(s, types.Signature)
    assert s.return_type is types.float64
    assert s.args == (types.int32, types.float64[:])
    assert str(s) == "float64(int32, array(float64, 1d, A))"
    assert repr(s) == "(int32, Array(float64, 1, 'A', False, aligned=True)) -> float64"
    assert s == types.f8(types.i4, types.Array(types.f8, 1, "A"))
    assert hash(s) == hash(types.f8(types.i4, types.Array(types.f8, 1, "A")))
    assert s != types.float64(types.int32, types.float64[::1])


@pytest.mark.parametrize(
    "make, text",
    [
        (lambda t: t.void(t.int64, t.float64[:, ::1]), "none(int64, array(float64, 2d, C))"),
        (lambda t: t.none(t.int64), "none(int64)"),
        (lambda t: t.void(), "none()"),
        (lambda t: t.int64(), "int64()"),
        (lambda t: t.float64[::1](t.float64[::1]), "array(float64, 1d, C)(array(float64, 1d, C))"),
        (lambda t: t.UniTuple(t.int64, 2)(t.int64), "UniTuple(int64 x 2)(int64)"),
        (lambda t: t.boolean(t.Tuple([t.i8, t.f8])), "bool(Tuple(int64, float64))"),
        (lambda t: t.Signature(None, (t.int64, t.f8)), "(int64, float64)"),
        (
            lambda t: t.Signature(t.f4, [t.Array(t.f4, 2, "A", readonly=True)]),
            "float32(readonly array(float32, 2d, A))",
        ),
    ],
)
def test_signature_strings(make, text):
    assert str(make(types)) == text


def test_signature_attributes():
    s = types.void(types.int64)
    assert s.return_type is types.none
    assert s.recvr is None and s.pysig is None and not s.is_method
    assert s.replace(return_type=types.int64) == types.int64(types.int64)
    assert types.Signature(None, ()).return_type is None
    with pytest.raises(TypeError):
        types.float64(types.int64, "float64")
    with pytest.raises(TypeError):
        types.Signature("float64", ())


# ---------------------------------------------------------------------------
# from_dtype


@pytest.mark.parametrize(
    "dtype, name",
    [
        (np.bool_, "bool"), (np.int8, "int8"), (np.int16, "int16"), (np.int32, "int32"),
        (np.int64, "int64"), (np.uint8, "uint8"), (np.uint16, "uint16"), (np.uint32, "uint32"),
        (np.uint64, "uint64"), (np.float16, "float16"), (np.float32, "float32"),
        (np.float64, "float64"), (np.complex64, "complex64"), (np.complex128, "complex128"),
        ("f8", "float64"), ("i4", "int32"), ("?", "bool"), (np.intp, str(types.intp)),
    ],
)
def test_from_dtype(dtype, name):
    assert str(types.from_dtype(np.dtype(dtype))) == name
    assert str(types.from_dtype(dtype)) == name


@pytest.mark.parametrize("dtype", [">f8" if np.little_endian else "<f8", "U3", "M8[s]", "O", [("a", "i4")]])
def test_from_dtype_unsupported(dtype):
    with pytest.raises(NotImplementedError):
        types.from_dtype(np.dtype(dtype))


# ---------------------------------------------------------------------------
# against Numba itself


def test_numba_all_names_present():
    nt = numba_types()
    missing = [n for n in nt.__all__ if n not in NOT_PROVIDED and not hasattr(types, n)]
    assert missing == []


@pytest.mark.parametrize("name", SCALAR_NAMES)
def test_alias_matches_numba(name):
    nt = numba_types()
    ours, theirs = getattr(types, name), getattr(nt, name)
    assert str(ours) == str(theirs)
    assert repr(ours) == repr(theirs)
    if hasattr(theirs, "bitwidth"):
        assert ours.bitwidth == theirs.bitwidth
    if hasattr(theirs, "signed"):
        assert ours.signed == theirs.signed


@pytest.mark.parametrize("make, text, ndim, layout", ARRAY_FORMS)
def test_array_slicing_matches_numba(make, text, ndim, layout):
    nt = numba_types()
    ours, theirs = make(types), make(nt)
    assert str(ours) == str(theirs)
    assert repr(ours) == repr(theirs)
    assert (ours.ndim, ours.layout) == (theirs.ndim, theirs.layout)


def test_constructed_types_match_numba():
    nt = numba_types()

    def both(f):
        return f(types), f(nt)

    cases = [
        lambda t: t.Array(t.float32, 3, "F", readonly=True),
        lambda t: t.Array(t.int8, 0, "C"),
        lambda t: t.UniTuple(t.int64, 3),
        lambda t: t.UniTuple(t.float64[:], 1),
        lambda t: t.Tuple((t.int64, t.float64)),
        lambda t: t.Tuple((t.int64, t.int64)),
        lambda t: t.Tuple(()),
        lambda t: t.Tuple((t.float64[::1], t.UniTuple(t.int8, 2), t.Tuple((t.i8, t.f8)))),
        lambda t: t.float64(t.int32, t.float64[:]),
        lambda t: t.void(t.int64[:, ::1]),
        lambda t: t.void(),
    ]
    for case in cases:
        ours, theirs = both(case)
        assert repr(ours) == repr(theirs)
        if not isinstance(ours, types.Signature):
            assert str(ours) == str(theirs)


def test_from_dtype_matches_numba():
    pytest.importorskip("numba")
    from numba.np.numpy_support import from_dtype as numba_from_dtype

    for code in "?bhilqBHILQefdFD":
        dt = np.dtype(code)
        assert str(types.from_dtype(dt)) == str(numba_from_dtype(dt)), code
