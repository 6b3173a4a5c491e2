"""Settings from the environment (RUMBO_* or Numba's NUMBA_* names), read at import."""

import os


def _env(name, default=None):
    for prefix in ("RUMBO_", "NUMBA_"):
        value = os.environ.get(prefix + name)
        if value is not None:
            return value
    return default


def _flag(name):
    return _env(name, "0").strip().lower() not in ("", "0", "false", "no", "off")


DISABLE_JIT = _flag("DISABLE_JIT")
OPT = int(_env("OPT", "3"))

# -- Threads: the pool's size is fixed at the first parallel region (runtime reads the
# same variables). rumbo has one threading layer (its worker team); THREADING_LAYER is
# accepted for Numba compatibility ('default', 'safe', 'forksafe', 'threadsafe',
# 'omp', 'tbb', 'workqueue' all mean it).
NUMBA_NUM_THREADS = int(_env("NUM_THREADS", "0") or 0) or (os.cpu_count() or 1)
NUMBA_DEFAULT_NUM_THREADS = os.cpu_count() or 1
THREADING_LAYER = _env("THREADING_LAYER", "default")
THREADING_LAYER_PRIORITY = ["tbb", "omp", "workqueue"]

# -- Debugging surface: stage dumps printed on stdout as each specialization compiles
# (rumbo._introspect formats them). Assigning one of these (`rumbo.config.DUMP_IR = True`)
# tells the compiler at once; `reload_config()` reads the environment again.
_DUMP_FLAGS = (
    "DUMP_CFG", "DUMP_IR", "DUMP_ANNOTATION", "DUMP_LLVM", "DUMP_OPTIMIZED", "DUMP_ASSEMBLY",
    "DEBUG_ARRAY_OPT_STATS",
)
DUMP_CFG = _flag("DUMP_CFG")
DUMP_IR = _flag("DUMP_IR")
DUMP_ANNOTATION = _flag("DUMP_ANNOTATION")
DUMP_LLVM = _flag("DUMP_LLVM")
DUMP_OPTIMIZED = _flag("DUMP_OPTIMIZED")
DUMP_ASSEMBLY = _flag("DUMP_ASSEMBLY")
DEBUG_ARRAY_OPT_STATS = _flag("DEBUG_ARRAY_OPT_STATS")


def _sync_dump_flags():
    from . import _core

    setter = getattr(_core, "set_dump_flags", None)  # absent only in a stale build
    if setter is not None:
        setter({name: bool(globals()[name]) for name in _DUMP_FLAGS})


def reload_config():
    """Reads the RUMBO_*/NUMBA_* environment again (Numba's `config.reload_config`)."""
    g = globals()
    for name in _DUMP_FLAGS:
        g[name] = _flag(name)
    g["DISABLE_JIT"] = _flag("DISABLE_JIT")
    g["OPT"] = int(_env("OPT", "3"))
    _sync_dump_flags()


class _ConfigModule(type(os)):
    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if name in _DUMP_FLAGS:
            _sync_dump_flags()


import sys as _sys  # noqa: E402

_sys.modules[__name__].__class__ = _ConfigModule
_sync_dump_flags()
