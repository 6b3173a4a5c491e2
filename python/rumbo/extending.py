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
