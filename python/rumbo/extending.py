"""Extending rumbo: library functions implemented in Python and compiled by rumbo.

rumbo's own NumPy support (`rumbo/np/`) is written this way: a plain Python
implementation registered for a NumPy function or an array method is compiled
for the argument types of each call site, like any jitted function."""

import _thread
import sys

# id(numpy function) -> (the function, its implementation dispatcher)
_IMPLEMENTATIONS = {}
# array method name -> implementation dispatcher
_ARRAY_METHODS = {}
_loaded = False
_load_lock = _thread.RLock()  # `threading` costs ~2 ms to import: not on a cached first call


def _load_library():
    """Imports rumbo's NumPy implementations once NumPy is in use. Under a lock:
    a second thread compiling meanwhile must wait for every registration."""
    global _loaded
    if _loaded or "numpy" not in sys.modules:
        return
    with _load_lock:
        if not _loaded:
            from . import np as _np  # noqa: F401  (registers on import)

            _loaded = True


def _load_random(obj):
    """Imports the `random` module's implementations (rumbo/pyrandom.py, no
    NumPy needed) when `obj` is one of its functions: bound methods of the
    module's hidden Random instance."""
    if "rumbo.pyrandom" in sys.modules:
        return
    module = sys.modules.get("random")
    if module is not None and getattr(obj, "__self__", None) is getattr(module, "_inst", None):
        with _load_lock:
            from . import pyrandom  # noqa: F401  (registers on import)


def _compiled(func):
    from .decorators import njit
    from .dispatcher import Dispatcher

    return func if isinstance(func, Dispatcher) else njit(func)


def implements(*targets):
    """Registers the decorated function as the compiled implementation of `targets`."""

    def register(func):
        dispatcher = _compiled(func)
        for target in targets:
            _IMPLEMENTATIONS[id(target)] = (target, dispatcher)
        return dispatcher

    return register


def array_method(*names):
    """Registers the decorated function (taking the array first) as array methods."""

    def register(func):
        dispatcher = _compiled(func)
        for name in names:
            _ARRAY_METHODS[name] = dispatcher
        return dispatcher

    return register


# id(stub) -> (stub, primitive name): functions codegen implements (rumbo.gemm, ...)
_PRIMITIVES = {}


def primitive(name):
    """Marks a Python function as standing for the compiler primitive `name`
    (the Python body runs when the caller is not compiled)."""

    def register(func):
        _PRIMITIVES[id(func)] = (func, name)
        return func

    return register


def _primitive_name(obj):
    entry = _PRIMITIVES.get(id(obj))
    return entry[1] if entry is not None and entry[0] is obj else None


def _lookup(obj):
    _load_library()
    _load_random(obj)
    entry = _IMPLEMENTATIONS.get(id(obj))
    return entry[1] if entry is not None and entry[0] is obj else None


def _user_implementation(obj):
    """The implementation a user registered for `obj`, without loading rumbo's library
    (cache keys: rumbo's own implementations are covered by its version stamp)."""
    entry = _IMPLEMENTATIONS.get(id(obj))
    if entry is None or entry[0] is not obj:
        return None
    module = getattr(getattr(entry[1], "py_func", None), "__module__", "") or ""
    return None if module.startswith("rumbo.") else entry[1]


def _user_array_methods():
    """Array methods users registered (not rumbo's own), for cache keys."""
    return sorted((name, d) for name, d in _ARRAY_METHODS.items()
                  if not (getattr(getattr(d, "py_func", None), "__module__", "") or "").startswith("rumbo."))


def _array_methods():
    _load_library()
    return list(_ARRAY_METHODS.items())


def register_jitable(func=None, **options):
    """Makes a function callable from compiled code (and still from Python)."""
    from .decorators import njit

    if func is None:
        return lambda f: njit(**options)(f)
    return njit(**options)(func)


def is_jitted(function):
    """Whether `function` is a rumbo dispatcher (made by `jit`/`njit`)."""
    from .dispatcher import Dispatcher

    return isinstance(function, Dispatcher)


def _type_from_name(name):
    """The rumbo.types object a compiled type's name stands for ("float64",
    "array(float64, 2d, C)", "UniTuple(int64 x 2)", "Tuple(int64, float64)")."""
    from . import types

    name = name.strip()
    readonly = name.startswith("readonly ")
    if readonly:
        name = name[len("readonly "):]
    if name.startswith("array(") and name.endswith(")"):
        dtype, ndim, layout = (p.strip() for p in name[6:-1].split(","))
        return types.Array(_type_from_name(dtype), int(ndim.rstrip("d")), layout, readonly=readonly)
    if name.startswith("UniTuple(") and name.endswith(")"):
        item, _, count = name[9:-1].rpartition(" x ")
        return types.UniTuple(_type_from_name(item), int(count))
    if name.startswith("Tuple(") and name.endswith(")"):
        inner, parts, depth, cur = name[6:-1], [], 0, ""
        for ch in inner:
            depth += ch == "("
            depth -= ch == ")"
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        if cur.strip():
            parts.append(cur)
        return types.Tuple([_type_from_name(p) for p in parts])
    if name in ("none", "NoneType"):
        return types.none
    return getattr(types, name, name)


def _overload_dispatcher(typing_func, describe, jit_options):
    """A dispatcher that never compiles itself: typing each call asks `typing_func`
    (given rumbo.types objects) for the implementation, compiled as `njit` per types."""
    from .decorators import njit
    from .dispatcher import Dispatcher
    from .errors import TypingError

    class OverloadDispatcher(Dispatcher):
        def _overload_select(self, type_names):
            arg_types = [_type_from_name(n) for n in type_names]
            impl = typing_func(*arg_types)
            if impl is None:
                shown = ", ".join(str(t) for t in arg_types)
                raise TypingError(f"no implementation of {describe} for ({shown}): its @overload returned None")
            key = getattr(impl, "__code__", impl)
            compiled = self._impls.get(key)
            if compiled is None:
                compiled = self._impls[key] = njit(**jit_options)(impl)
            return compiled

    d = OverloadDispatcher(typing_func, {"nopython": True})
    d._impls = {}
    return d


def overload(func, jit_options=None, strict=True, inline="never", prefer_literal=False, **kwargs):
    """Numba's `@overload(func)`: the decorated typing function receives the argument
    types (rumbo.types objects) and returns the Python implementation to compile for
    them, or None when it does not apply. Calls of `func` in compiled code use it."""
    def decorate(typing_func):
        name = getattr(func, "__name__", repr(func))
        _IMPLEMENTATIONS[id(func)] = (func, _overload_dispatcher(typing_func, name, dict(jit_options or {})))
        return typing_func

    return decorate


def overload_method(typ, attr, **kwargs):
    """Numba's `@overload_method(types.Array, "name")`: `a.name(...)` on arrays in compiled
    code calls the implementation the typing function (receiving the array's type first)
    returns. Only array receivers are supported."""
    from . import types

    if typ is not types.Array:
        raise NotImplementedError("rumbo's overload_method supports types.Array receivers")

    def decorate(typing_func):
        _ARRAY_METHODS[attr] = _overload_dispatcher(typing_func, f"array.{attr}", dict(kwargs.get("jit_options") or {}))
        return typing_func

    return decorate
