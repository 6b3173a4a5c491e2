"""rumbo: a just-in-time compiler for numeric Python, with Numba's API.

    from rumbo import njit

    @njit
    def f(x):
        return x * 2 + 1
"""

from . import config, errors, types
from ._objmode import objmode
from .decorators import jit, njit
from .errors import NumbaError, TypingError, UnsupportedError  # noqa: F401
from .types import (  # noqa: F401
    b1, bool_, boolean, byte, c8, c16, char, complex64, complex128, double, f4, f8, float32, float64,
    i1, i2, i4, i8, int8, int16, int32, int64, int_, intc, intp, long_, longlong, none, short, size_t,
    ssize_t, u1, u2, u4, u8, uchar, uint, uint8, uint16, uint32, uint64, uintc, uintp, ulong,
    ulonglong, ushort, void,
)

__version__ = "0.1.0"

from ._parallel import (  # noqa: F401
    get_num_threads, get_parallel_chunksize, get_thread_id, parallel_chunksize, prange, set_num_threads,
    set_parallel_chunksize, threading_layer,
)


# The decorators below import NumPy, ctypes or tempfile: on first use, so that
# `import rumbo` (and scalar code) stays as light as it was.
def vectorize(*args, **kws):
    """Numba's `@vectorize` (see `rumbo._vectorize`)."""
    from ._vectorize import vectorize as impl

    return impl(*args, **kws)


def guvectorize(*args, **kws):
    """Numba's `@guvectorize` (see `rumbo._guvectorize`)."""
    from ._guvectorize import guvectorize as impl

    return impl(*args, **kws)


def cfunc(*args, **kws):
    """Numba's `@cfunc` (see `rumbo._cfunc`)."""
    from ._cfunc import cfunc as impl

    return impl(*args, **kws)


def stencil(*args, **kws):
    """Numba's `@stencil` (see `rumbo._stencil`)."""
    from ._stencil import stencil as impl

    return impl(*args, **kws)
from .types import from_dtype  # noqa: E402


def literal_unroll(container):
    """Numba's marker for loops over heterogeneous tuples. rumbo iterates tuples whose
    items share a type (arrays of any layout included) as they are; for them this is the
    container itself, in Python and in compiled code."""
    return container


def jit_module(**options):
    """Numba's `jit_module`: called at the end of a module, replaces every function the
    module defines with `jit(**options)` of it."""
    import inspect
    import sys

    module_globals = sys._getframe(1).f_globals
    name = module_globals.get("__name__")
    for key, value in list(module_globals.items()):
        if inspect.isfunction(value) and value.__module__ == name:
            module_globals[key] = jit(**options)(value)

__all__ = ["jit", "njit", "objmode", "prange", "vectorize", "guvectorize", "cfunc", "stencil", "literal_unroll", "jit_module", "from_dtype", "types", "errors", "config", "typeof",
           "get_num_threads", "set_num_threads", "get_thread_id", "threading_layer"]


def typeof(value):
    """The rumbo type of a Python value (as `numba.typeof`)."""
    if isinstance(value, bool):
        return types.boolean
    if isinstance(value, int):
        return types.int64 if -(2**63) <= value < 2**63 else types.uint64
    if isinstance(value, float):
        return types.float64
    if isinstance(value, complex):
        return types.complex128
    raise ValueError(f"cannot determine the rumbo type of {type(value).__name__}")
