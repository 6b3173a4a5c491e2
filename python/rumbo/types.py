"""rumbo.types: the type objects of signatures, named as in ``numba.types``.

Scalar types carry Numba's names and every alias ``numba.types`` binds
(``float64``/``f8``/``double``, ``intp``, ``intc``, ``byte``...). Slicing a
type makes an array type, calling one makes a signature::

    from rumbo import types
    types.float64[:]                    # array(float64, 1d, A)
    types.float64[:, ::1]               # array(float64, 2d, C)
    types.float64[::1, :]               # array(float64, 2d, F)
    types.void(types.int32, types.float64[::1])
    str(types.float64(types.int32))     # 'float64(int32)'

``str()`` of a type or a signature is a string that rumbo's signature parser
(the Rust ``parse_signature``/``parse_type``) accepts; ``repr()`` matches
Numba's (``Array(float64, 1, 'A', False, aligned=True)``), which the parser
accepts too.

This module imports nothing from the rest of rumbo and NumPy only lazily.
"""

import builtins as _builtins
import ctypes as _ctypes
import struct as _struct

_MAX_NDIM = 64
_LAYOUTS = ("C", "F", "A")


class Type:
    """Base class of all rumbo type objects (as ``numba.types.Type``).

    Types compare and hash by name: two types are equal when they print the same.
    """

    def __init__(self, name):
        self._name = name

    @property
    def name(self):
        """Numba's name for the type, as printed in signatures and errors."""
        return self._name

    @property
    def key(self):
        return self._name

    def is_precise(self):
        return True

    def __str__(self):
        return self._name

    def __repr__(self):
        return self._name

    def __eq__(self, other):
        if not isinstance(other, Type):
            return NotImplemented
        return self._name == other._name

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __hash__(self):
        return hash(self._name)

    # Slicing makes an array: float64[:], float64[:, ::1], float64[::1, :].
    def __getitem__(self, key):
        ndim, layout = _array_spec(key)
        return Array(self, ndim, layout)

    # Calling with types makes a signature: float64(int32, float64[:]). Calling
    # with one value that is not a type casts it, as Numba's scalar types do.
    def __call__(self, *args):
        if len(args) == 1 and not isinstance(args[0], Type):
            return self.cast_python_value(args[0])
        return Signature(self, args)

    def cast_python_value(self, value):
        raise TypeError(f"cannot cast a value to {self}")


def _array_spec(key):
    """(ndim, layout) for the subscript of ``dtype[...]``, by Numba's rule.

    A lone slice is 1d: ``::1`` gives C, ``:`` gives A. A tuple of slices has
    one dimension each: ``::1`` first gives F, else ``::1`` last gives C, else A.
    """

    def check(s):
        if not isinstance(s, slice) or s.start is not None or s.stop is not None:
            raise KeyError(
                f"can only index types with slices with no start or stop "
                f"(':' or '::1'), got {s!r}"
            )
        if s.step is not None and not (
            isinstance(s.step, int) and not isinstance(s.step, _builtins.bool) and s.step == 1
        ):
            raise KeyError(f"the only step allowed is '::1' (contiguous), got {s!r}")
        return s.step == 1

    if isinstance(key, (tuple, list)):
        if not key:
            raise KeyError("an array type needs at least one ':' dimension")
        contiguous = [check(s) for s in key]
        if len(contiguous) > _MAX_NDIM:
            raise KeyError(f"arrays have at most {_MAX_NDIM} dimensions")
        if contiguous[0]:
            layout = "F"
        elif contiguous[-1]:
            layout = "C"
        else:
            layout = "A"
        return len(contiguous), layout
    return 1, ("C" if check(key) else "A")


class Boolean(Type):
    """The boolean type, named ``bool``."""

    def cast_python_value(self, value):
        return _builtins.bool(value)


class Number(Type):
    """Integers, floats and complex numbers."""

    # Ordered by width within one kind (signed and unsigned integers apart), as in Numba.
    def _comparable(self, other):
        return self.__class__ is other.__class__

    def __lt__(self, other):
        if not self._comparable(other):
            return NotImplemented
        return self.bitwidth < other.bitwidth

    def __le__(self, other):
        lt = self.__lt__(other)
        return lt if lt is NotImplemented else (lt or self == other)

    def __gt__(self, other):
        if not self._comparable(other):
            return NotImplemented
        return self.bitwidth > other.bitwidth

    def __ge__(self, other):
        gt = self.__gt__(other)
        return gt if gt is NotImplemented else (gt or self == other)

    def cast_python_value(self, value):
        import numpy as np

        return getattr(np, self.name)(value)


class Integer(Number):
    """``int8``...``int64`` and ``uint8``...``uint64``."""

    def __init__(self, name, bitwidth=None, signed=None):
        super().__init__(name)
        if signed is None:
            signed = not name.startswith("uint")
        if bitwidth is None:
            bitwidth = int(name[3 if signed else 4 :])
        self._bitwidth = bitwidth
        self._signed = signed

    @classmethod
    def from_bitwidth(cls, bitwidth, signed=True):
        return _INTEGERS[(bitwidth, signed)]

    @property
    def bitwidth(self):
        return self._bitwidth

    @property
    def signed(self):
        return self._signed

    @property
    def maxval(self):
        """The largest value of the type."""
        return (1 << (self._bitwidth - 1)) - 1 if self._signed else (1 << self._bitwidth) - 1

    @property
    def minval(self):
        """The smallest value of the type."""
        return -(1 << (self._bitwidth - 1)) if self._signed else 0

    def _comparable(self, other):
        return self.__class__ is other.__class__ and self._signed == other._signed


class Float(Number):
    """``float16``, ``float32``, ``float64``."""

    def __init__(self, name):
        super().__init__(name)
        self._bitwidth = int(name[len("float") :])

    @property
    def bitwidth(self):
        return self._bitwidth


class Complex(Number):
    """``complex64`` and ``complex128``."""

    def __init__(self, name, underlying_float):
        super().__init__(name)
        self._bitwidth = int(name[len("complex") :])
        self._underlying_float = underlying_float

    @property
    def bitwidth(self):
        return self._bitwidth

    @property
    def underlying_float(self):
        """The float type of the real and imaginary parts."""
        return self._underlying_float


class NoneType(Type):
    """The type of ``None``; as a return type (``void``) it means "returns nothing"."""

    def __getitem__(self, key):
        raise TypeError("arrays of none are not supported: the dtype must be a number or bool")

    def cast_python_value(self, value):
        if value is None:
            return None
        raise TypeError(f"cannot cast {value!r} to none")


_DTYPE_CLASSES = (Boolean, Integer, Float, Complex)


class Array(Type):
    """A NumPy array type: ``Array(dtype, ndim, layout, readonly=False)``.

    ``layout`` is ``'C'`` (row-major contiguous), ``'F'`` (column-major
    contiguous) or ``'A'`` (any strides). Printed ``array(float64, 2d, C)``,
    with a ``readonly `` prefix for read-only arrays.
    """

    def __init__(self, dtype, ndim, layout, readonly=False, name=None, aligned=True):
        if isinstance(dtype, Array):
            raise TypeError(f"an array's dtype cannot itself be an array, got {dtype}")
        if not isinstance(dtype, _DTYPE_CLASSES):
            raise TypeError(
                f"arrays of {dtype!r} are not supported: the dtype must be a number or bool type"
            )
        if isinstance(ndim, _builtins.bool) or not isinstance(ndim, int):
            raise TypeError(f"ndim must be an int, got {ndim!r}")
        if not 0 <= ndim <= _MAX_NDIM:
            raise ValueError(f"ndim must be between 0 and {_MAX_NDIM}, got {ndim}")
        if layout not in _LAYOUTS:
            raise ValueError(f"Invalid layout {layout!r}: expected 'C', 'F' or 'A'")
        if not aligned:
            raise NotImplementedError("unaligned arrays are not supported")
        readonly = _builtins.bool(readonly)
        if name is None:
            prefix = "readonly " if readonly else ""
            name = f"{prefix}array({dtype}, {ndim}d, {layout})"
        super().__init__(name)
        self._dtype = dtype
        self._ndim = ndim
        self._layout = layout
        self._readonly = readonly

    @property
    def dtype(self):
        return self._dtype

    @property
    def ndim(self):
        return self._ndim

    @property
    def layout(self):
        return self._layout

    @property
    def mutable(self):
        return not self._readonly

    @property
    def readonly(self):
        return self._readonly

    @property
    def aligned(self):
        return True

    @property
    def key(self):
        return self._dtype, self._ndim, self._layout, self.mutable, True

    @property
    def is_c_contig(self):
        return self._layout == "C" or (self._ndim <= 1 and self._layout in "CF")

    @property
    def is_f_contig(self):
        return self._layout == "F" or (self._ndim <= 1 and self._layout in "CF")

    @property
    def is_contig(self):
        return self._layout in "CF"

    def copy(self, dtype=None, ndim=None, layout=None, readonly=None):
        """This array type with some of its properties replaced."""
        return Array(
            self._dtype if dtype is None else dtype,
            self._ndim if ndim is None else ndim,
            self._layout if layout is None else layout,
            self._readonly if readonly is None else readonly,
        )

    def __getitem__(self, key):
        raise TypeError(f"an array's dtype cannot itself be an array, got {self}")

    def __repr__(self):
        return f"Array({self._dtype!r}, {self._ndim}, {self._layout!r}, {self._readonly}, aligned=True)"


class BaseTuple(Type):
    """Tuple types: :class:`UniTuple` (one item type) and :class:`Tuple`."""

    @staticmethod
    def from_types(tys):
        """A UniTuple when all the types are equal (and there is at least one), else a Tuple."""
        return Tuple(tuple(tys))

    @property
    def count(self):
        return len(self.types)

    def __len__(self):
        return len(self.types)

    def __iter__(self):
        return iter(self.types)


class UniTuple(BaseTuple):
    """A tuple of ``count`` items of type ``dtype``, printed ``UniTuple(int64 x 3)``."""

    def __init__(self, dtype, count):
        if not isinstance(dtype, Type):
            raise TypeError(f"UniTuple needs a type, got {dtype!r}")
        if isinstance(count, _builtins.bool) or not isinstance(count, int) or count < 0:
            raise TypeError(f"UniTuple needs a count >= 0, got {count!r}")
        super().__init__(f"UniTuple({dtype} x {count})")
        self._dtype = dtype
        self._count = count

    @property
    def dtype(self):
        return self._dtype

    @property
    def count(self):
        return self._count

    @property
    def types(self):
        return (self._dtype,) * self._count

    def __getitem__(self, i):
        return self._dtype

    def __repr__(self):
        return f"UniTuple({self._dtype!r}, {self._count})"


class Tuple(BaseTuple):
    """A tuple of the given item types, printed ``Tuple(int64, float64)``.

    ``Tuple(types)`` takes one iterable of types and, as in Numba, gives a
    :class:`UniTuple` when all of them are equal.
    """

    def __new__(cls, types):
        types = tuple(types)
        for t in types:
            if not isinstance(t, Type):
                raise TypeError(f"Tuple needs types, got {t!r}")
        if types and all(t == types[0] for t in types[1:]):
            return UniTuple(types[0], len(types))
        self = object.__new__(cls)
        Type.__init__(self, "Tuple(%s)" % ", ".join(str(t) for t in types))
        self._types = types
        return self

    def __init__(self, types):
        pass  # all done in __new__ (which may return a UniTuple instead)

    def __reduce__(self):
        return (Tuple, (self._types,))

    @property
    def types(self):
        return self._types

    def __getitem__(self, i):
        return self._types[i]

    def __repr__(self):
        inner = ", ".join(repr(t) for t in self._types)
        if len(self._types) == 1:
            inner += ","
        return f"Tuple(({inner}))"


class Signature:
    """A function signature: argument types and, when given, the return type.

    ``str()`` gives the signature-string form, ``float64(int32, array(float64, 1d, A))``
    (``(int32)`` without a return type); ``repr()`` gives Numba's
    ``(int32, ...) -> float64``.
    """

    __slots__ = ("_return_type", "_args", "_recvr", "_pysig")

    def __init__(self, return_type, args, recvr=None, pysig=None):
        args = tuple(args)
        for a in args:
            if not isinstance(a, Type):
                raise TypeError(f"invalid type in signature: expected a type instance, got {a!r}")
        if return_type is not None and not isinstance(return_type, Type):
            raise TypeError(f"invalid return type in signature: expected a type instance, got {return_type!r}")
        self._return_type = return_type
        self._args = args
        self._recvr = recvr
        self._pysig = pysig

    @property
    def return_type(self):
        return self._return_type

    @property
    def args(self):
        return self._args

    @property
    def recvr(self):
        return self._recvr

    @property
    def pysig(self):
        return self._pysig

    @property
    def is_method(self):
        return self._recvr is not None

    def replace(self, **kwargs):
        """A copy with some of ``return_type``, ``args``, ``recvr``, ``pysig`` replaced."""
        state = dict(return_type=self._return_type, args=self._args, recvr=self._recvr, pysig=self._pysig)
        state.update(kwargs)
        return Signature(**state)

    def __hash__(self):
        return hash((self._args, self._return_type))

    def __eq__(self, other):
        if not isinstance(other, Signature):
            return NotImplemented
        return (
            self._args == other._args
            and self._return_type == other._return_type
            and self._recvr == other._recvr
            and self._pysig == other._pysig
        )

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __str__(self):
        ret = "" if self._return_type is None else str(self._return_type)
        return "%s(%s)" % (ret, ", ".join(str(a) for a in self._args))

    def __repr__(self):
        return "%s -> %s" % (self._args, self._return_type)


# ---------------------------------------------------------------------------
# The scalar types and their aliases, as numba.types binds them.

none = NoneType("none")
void = none

boolean = bool_ = Boolean("bool")

int8 = Integer("int8")
int16 = Integer("int16")
int32 = Integer("int32")
int64 = Integer("int64")
uint8 = Integer("uint8")
uint16 = Integer("uint16")
uint32 = Integer("uint32")
uint64 = Integer("uint64")

float16 = Float("float16")
float32 = Float("float32")
float64 = Float("float64")

complex64 = Complex("complex64", float32)
complex128 = Complex("complex128", float64)

_INTEGERS = {(t.bitwidth, t.signed): t for t in (int8, int16, int32, int64, uint8, uint16, uint32, uint64)}


def _int_of_size(nbytes, signed):
    return _INTEGERS[(nbytes * 8, signed)]


# Sized like the machine, as Numba sizes them (pointer size, C int, C long...).
intp = _int_of_size(_struct.calcsize("P"), True)
uintp = _int_of_size(_struct.calcsize("P"), False)
intc = _int_of_size(_ctypes.sizeof(_ctypes.c_int), True)
uintc = _int_of_size(_ctypes.sizeof(_ctypes.c_uint), False)
ssize_t = _int_of_size(_struct.calcsize("n"), True)
size_t = _int_of_size(_struct.calcsize("N"), False)

# NumPy short codes.
b1 = bool_
i1 = int8
i2 = int16
i4 = int32
i8 = int64
u1 = uint8
u2 = uint16
u4 = uint32
u8 = uint64
f2 = float16
f4 = float32
f8 = float64
c8 = complex64
c16 = complex128

# C names. Note that Numba's `byte` is unsigned (uint8), `uint` is uintp and
# `int_` is intp, and `long_`/`ulong` follow C's long (32-bit on Windows).
double = float64
char = _int_of_size(_ctypes.sizeof(_ctypes.c_char), True)
uchar = byte = _int_of_size(_ctypes.sizeof(_ctypes.c_ubyte), False)
short = _int_of_size(_ctypes.sizeof(_ctypes.c_short), True)
ushort = _int_of_size(_ctypes.sizeof(_ctypes.c_ushort), False)
int_ = intp
uint = uintp
long_ = _int_of_size(_ctypes.sizeof(_ctypes.c_long), True)
ulong = _int_of_size(_ctypes.sizeof(_ctypes.c_ulong), False)
longlong = _int_of_size(_ctypes.sizeof(_ctypes.c_longlong), True)
ulonglong = _int_of_size(_ctypes.sizeof(_ctypes.c_ulonglong), False)

# numba.types' NumPy-, C- and Python-flavoured aliases.
c_bool = py_bool = np_bool_ = boolean
c_uint8 = np_uint8 = uint8
c_uint16 = np_uint16 = uint16
c_uint32 = np_uint32 = uint32
c_uint64 = np_uint64 = uint64
c_uintp = np_uintp = uintp
c_int8 = np_int8 = int8
c_int16 = np_int16 = int16
c_int32 = np_int32 = int32
c_int64 = np_int64 = int64
c_intp = py_int = np_intp = intp
c_float16 = np_float16 = float16
c_float32 = np_float32 = float32
c_float64 = py_float = np_float64 = float64
np_complex64 = complex64
py_complex = np_complex128 = complex128
np_float_ = float32  # NumPy's C `float`; numba.types keeps this alias as float32
np_double = float64
np_char = char
np_uchar = uchar
np_short = short
np_ushort = ushort
np_int_ = int_
np_uint = uint
np_intc = intc
np_uintc = uintc
np_long = long_
np_ulong = ulong
np_longlong = longlong
np_ulonglong = ulonglong

signed_domain = frozenset([int8, int16, int32, int64])
unsigned_domain = frozenset([uint8, uint16, uint32, uint64])
integer_domain = signed_domain | unsigned_domain
real_domain = frozenset([float32, float64])
complex_domain = frozenset([complex64, complex128])
number_domain = real_domain | integer_domain | complex_domain
py_signed_domain = np_signed_domain = signed_domain
np_unsigned_domain = unsigned_domain
py_integer_domain = np_integer_domain = integer_domain
py_real_domain = np_real_domain = real_domain
py_complex_domain = np_complex_domain = complex_domain
py_number_domain = np_number_domain = number_domain


def from_dtype(dtype):
    """The rumbo type of a NumPy dtype (or anything ``np.dtype()`` accepts).

    Booleans, integers, floats and complex numbers in native byte order are
    supported; anything else raises ``NotImplementedError``.
    """
    import numpy as np

    dt = dtype if isinstance(dtype, np.dtype) else np.dtype(dtype)
    if not dt.isnative:
        raise NotImplementedError(f"non-native byte order is not supported: {dt}")
    bits = dt.itemsize * 8
    if dt.kind == "b":
        return boolean
    if dt.kind in "iu":
        t = _INTEGERS.get((bits, dt.kind == "i"))
        if t is not None:
            return t
    elif dt.kind == "f":
        t = {16: float16, 32: float32, 64: float64}.get(bits)
        if t is not None:
            return t
    elif dt.kind == "c":
        t = {64: complex64, 128: complex128}.get(bits)
        if t is not None:
            return t
    raise NotImplementedError(f"unsupported array dtype: {dt}")


__all__ = """
Type Boolean Number Integer Float Complex NoneType Array BaseTuple UniTuple Tuple Signature
from_dtype
int8 int16 int32 int64 uint8 uint16 uint32 uint64 intp uintp intc uintc ssize_t size_t
boolean float16 float32 float64 complex64 complex128 bool_ byte char uchar short ushort
int_ uint long_ ulong longlong ulonglong double void none
b1 i1 i2 i4 i8 u1 u2 u4 u8 f2 f4 f8 c8 c16 bool
""".split()

# Last, so that nothing above sees the builtin shadowed (NumPy 2's numba.types has it too).
bool = boolean  # noqa: A001
