"""`cfunc`: compiled functions callable from C (ctypes, cffi, SciPy's LowLevelCallable),
as Numba's `@cfunc("float64(float64, int32)")`. Arguments and results are numbers or
booleans. Calling the object from Python calls the compiled function directly."""

import ctypes
import functools

from . import _core, decorators

_CTYPES = {
    "float64": ctypes.c_double, "float32": ctypes.c_float,
    "int64": ctypes.c_int64, "int32": ctypes.c_int32, "int16": ctypes.c_int16, "int8": ctypes.c_int8,
    "uint64": ctypes.c_uint64, "uint32": ctypes.c_uint32, "uint16": ctypes.c_uint16, "uint8": ctypes.c_uint8,
    "bool": ctypes.c_bool, "none": None, "void": None,
}


class CFunc:
    def __init__(self, func, signature, options):
        functools.update_wrapper(self, func)
        opts = decorators.kernel_options(options)
        self._dispatcher = decorators.jit(signature, nopython=True, **opts)(func)
        (spec,) = self._dispatcher._specializations()
        self._args, self._ret = list(spec["args"]), spec["ret"]
        for t in self._args + [self._ret]:
            if t not in _CTYPES:
                raise TypeError(f"cfunc {func.__name__}: {t} is not a C number type (numbers and booleans only)")
        self.address, self.native_name = _core.cfunc_address(self._dispatcher, self._args)
        self._ctypes = None

    @property
    def ctypes(self):
        """A ctypes function pointer to the C entry."""
        if self._ctypes is None:
            proto = ctypes.CFUNCTYPE(_CTYPES[self._ret], *(_CTYPES[a] for a in self._args))
            self._ctypes = proto(self.address)
        return self._ctypes

    @property
    def cffi(self):
        raise NotImplementedError("rumbo's cfunc has no cffi view yet; use .address or .ctypes")

    @property
    def signature(self):
        return f"{self._ret}({', '.join(self._args)})"

    def __call__(self, *args):
        return self._dispatcher(*args)

    def __repr__(self):
        return f"<rumbo cfunc {self.__name__!r} {self.signature}>"


def cfunc(sig, **options):
    """Numba's `@cfunc(signature, nopython=True, cache=..., fastmath=...)`."""
    def wrap(func):
        return CFunc(func, sig, options)
    return wrap
