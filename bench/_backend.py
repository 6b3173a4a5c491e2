"""The JIT that benchmark code is compiled with, chosen by the environment.

Benchmark sources (bench/kernels/*.py, bench/_array_funcs.py) are written the
way Numba users write them, with only the import line changed:

    from _backend import jit, njit, prange

`RUMBO_BENCH_BACKEND` selects what those names are: "numba" or "rumbo" (the
real decorators), or "python"/"numpy" (decorators that return the function
unchanged and `prange = range`, i.e. the same code run by CPython).  Only the
measurement subprocesses import this module, each with one backend.
"""

import os

BACKEND = os.environ.get("RUMBO_BENCH_BACKEND", "python")

if BACKEND == "numba":
    from numba import jit, njit, prange  # noqa: F401
elif BACKEND == "rumbo":
    from rumbo import jit, njit, prange  # noqa: F401
    if not callable(njit):
        raise ImportError("rumbo imported but has no njit (not built?)")
elif BACKEND in ("python", "numpy"):
    prange = range

    def jit(*args, **kwargs):
        """`@jit`, `@jit(...)`, `@jit("sig", ...)`: the function unchanged."""
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return lambda func: func

    njit = jit
else:
    raise ImportError(f"unknown RUMBO_BENCH_BACKEND {BACKEND!r}")

JITTED = BACKEND in ("numba", "rumbo")
