"""`jit` and `njit`, with Numba's signatures and options."""

from . import config
from .dispatcher import Dispatcher


def _signature_strings(sigs):
    from . import types as _types

    if isinstance(sigs, tuple) and all(isinstance(t, _types.Type) for t in sigs):
        # A tuple of argument types is one signature without a return type.
        return ["(" + ", ".join(str(t) for t in sigs) + ")"]
    if isinstance(sigs, (list, tuple)):
        return [s for sig in sigs for s in _signature_strings(sig)]
    return [str(sigs)]


def _is_signature(obj):
    return isinstance(obj, (str, list, tuple)) or type(obj).__name__ in ("Signature",) or (
        hasattr(obj, "__call__") and obj.__class__.__module__ == "rumbo.types"
    )


def jit(signature_or_function=None, locals=None, cache=False, pipeline_class=None, boundscheck=None, **options):
    """Compile a function to machine code (Numba's `numba.jit`).

    `@jit`, `@jit(**options)`, `@jit("f8(f8)")`, `@jit(["f8(f8)", "i8(i8)"])`.
    With signatures the function compiles at once and calls must match one."""
    options = dict(options)
    options.update(locals=dict(locals or {}), cache=cache, boundscheck=boundscheck)

    def wrap(func, sigs):
        if config.DISABLE_JIT:
            return func
        d = Dispatcher(func, options)
        for s in sigs:
            d.compile(s)
        if sigs:
            d.disable_compile()
        return d

    if signature_or_function is None:
        return lambda func: wrap(func, [])
    if callable(signature_or_function) and not _is_signature(signature_or_function):
        return wrap(signature_or_function, [])
    sigs = _signature_strings(signature_or_function)
    return lambda func: wrap(func, sigs)


def njit(*args, **kws):
    """`jit` with nopython=True (Numba's `numba.njit`)."""
    kws["nopython"] = True
    return jit(*args, **kws)


def kernel_options(options):
    """The options of `vectorize`, `guvectorize` and `cfunc` that go on to the `njit` of
    their kernel (the others, such as `target` or `identity`, are theirs)."""
    return {k: v for k, v in options.items() if k in ("fastmath", "error_model", "boundscheck", "cache", "nogil")}
