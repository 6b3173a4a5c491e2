"""Measurement subprocess for bench_scalar.  Not run directly.

    python bench/_scalar_worker.py '{"task": ..., "backend": ...}'

Imports exactly one backend ("numba", "rumbo", or "python" = no JIT) and
prints cumulative results as `@@RESULT {json}` lines.  Only the standard
library, the backend, and (for call overhead) numpy are imported here.
"""

import json
import math
import re
import sys
import time
import timeit

import _scalar_funcs as F

RESULT_MARK = "@@RESULT "


def emit(result):
    sys.stdout.write(RESULT_MARK + json.dumps(result) + "\n")
    sys.stdout.flush()


def short_exc(e, width=200):
    lines = [l.strip() for l in str(e).strip().splitlines() if l.strip()]
    s = f"{type(e).__name__}: {lines[0]}" if lines else type(e).__name__
    return s[:width]


def load_njit(backend):
    if backend == "python":
        return lambda fn: fn
    mod = __import__(backend)
    njit = getattr(mod, "njit", None)
    if not callable(njit):
        raise ImportError(f"{backend} has no njit (not built?)")
    return njit


def jsonable(v):
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    return repr(v)


# --------------------------------------------------------------------------


def task_first_call(spec, njit):
    """Decorate + first call, i.e. compile + run, in this fresh process."""
    fn = getattr(F, spec["func"])
    args = tuple(spec["args"])
    t0 = time.perf_counter()
    g = njit(fn)
    t1 = time.perf_counter()
    res = g(*args)
    t2 = time.perf_counter()
    # A second call should be fast; a big value would mean no caching.
    g(*args)
    t3 = time.perf_counter()
    emit({"seconds": t2 - t0, "decorate": t1 - t0, "second_call": t3 - t2,
          "result": jsonable(res)})


def _best_ns(stmt, env, number, repeat):
    t = timeit.Timer(stmt, globals=env)
    return min(t.repeat(repeat=repeat, number=number)) / number * 1e9


def _time_ident(out, g, name, arg, number, repeat):
    """ns per call of g(arg) and of the plain identity, same process."""
    try:
        g(arg)  # compile for this type
        g(arg)
    except Exception as e:
        out["cases"][name] = {"error": short_exc(e)}
        return
    plain_ns, jit_ns = [], []
    # Interleave the two timings so that drift affects both alike.
    for _ in range(repeat):
        plain_ns.append(_best_ns("f(a)", {"f": F.ident, "a": arg}, number, 1))
        jit_ns.append(_best_ns("f(a)", {"f": g, "a": arg}, number, 1))
    out["cases"][name] = {"plain_ns": min(plain_ns), "jit_ns": min(jit_ns)}


def _time_loop(out, njit, args, repeat):
    """Steady-state run time of the loop function (compiled beforehand)."""
    try:
        h = njit(F.loop)
        res = h(*args)
        t = timeit.Timer("h(*a)", globals={"h": h, "a": args})
        n, _ = t.autorange()  # calls per sample so that one sample >= 0.2 s
        best = min(t.repeat(repeat=repeat, number=n)) / n
        out["loop"] = {"seconds": best, "result": jsonable(res)}
    except Exception as e:
        out["loop"] = {"error": short_exc(e)}


def task_call_overhead(spec, njit):
    """Per-call cost of a jitted identity vs the plain Python identity for an
    int, a float and (last: most likely to fail) a 1-element float64 array;
    plus the loop function's steady-state time.  Emits after every step so a
    crash keeps what was measured before it."""
    import numpy as np

    number, repeat = spec["number"], spec["repeat"]
    out = {"cases": {}}
    g = njit(F.ident)
    for name, arg in (("int", 1), ("float", 1.0)):
        _time_ident(out, g, name, arg, number, repeat)
        emit(out)
    _time_loop(out, njit, tuple(spec["loop_args"]), spec["loop_repeat"])
    emit(out)
    _time_ident(out, g, "array", np.zeros(1, dtype=np.float64), number, repeat)
    emit(out)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def task_error(spec, njit):
    """Compile a function with a typing error; measure str(exception)."""
    fname, arg, user_lines = F.ERROR_CASES[spec["case"]]
    fn = getattr(F, fname)
    try:
        njit(fn)(arg)
    except Exception as e:
        msg = _ANSI.sub("", str(e)).strip("\n")
        lines = msg.splitlines()
        at = next((i + 1 for i, l in enumerate(lines)
                   if any(u in l for u in user_lines)), None)
        emit({"type": type(e).__name__, "lines": len(lines), "user_line": at,
              "message": msg})
        return
    emit({"error": "no exception raised"})


TASKS = {"first_call": task_first_call, "call_overhead": task_call_overhead,
         "error": task_error}


def main():
    spec = json.loads(sys.argv[1])
    njit = load_njit(spec["backend"])
    TASKS[spec["task"]](spec, njit)


if __name__ == "__main__":
    main()
