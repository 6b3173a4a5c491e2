"""Measurement subprocess for bench_kernels.  Not run directly.

    python bench/_kernel_worker.py '{"task": "measure", "kernel": ..., "backend": ...}'

Imports exactly one backend (RUMBO_BENCH_BACKEND: "python", "numpy", "numba"
or "rumbo"; see _backend.py) and one kernel module, and prints cumulative
results as `@@RESULT {json}` lines.

task "describe": metadata of every kernel module (python backend, no JIT).
task "measure":  in this fresh process, for one kernel and one backend:
  1. build the inputs (seeded, identical for every backend);
  2. JITs: `f.compile(signature)` for the inputs' types (compile time), then
     the first call (first-call time = compile + first run); if compile()
     with a signature string fails, the lazy first call is timed instead;
     python / numpy: the first call;
  3. compare the result with the reference pickled by the first backend that
     ran (pure Python); the first backend to run saves it.  No timing if the
     result differs, or if the call modified an input it should not;
  4. steady state: repeated calls (gc disabled, as timeit), each sample the
     mean of `number` calls so that a sample lasts >= 2 ms; wall time, and
     this thread's CPU time beside it (JSON only).
"""

import gc
import importlib
import json
import math
import os
import pickle
import sys
import time

RESULT_MARK = "@@RESULT "
JITS = ("numba", "rumbo")


def emit(result):
    sys.stdout.write(RESULT_MARK + json.dumps(result) + "\n")
    sys.stdout.flush()


def error_info(e, stage):
    """First line of the message (what the tables show), the ` --> file:line`
    location if the message has one, and the full message (JSON only)."""
    text = str(e).strip()
    lines = [l.rstrip() for l in text.splitlines() if l.strip()]
    first = f"{type(e).__name__}: {lines[0].strip()}" if lines else type(e).__name__
    where = next((l.strip()[4:] for l in lines if l.strip().startswith("--> ")), None)
    if where and where.count(":") >= 2:
        path, line, col = where.rsplit(":", 2)
        where = f"{os.path.relpath(path, os.path.dirname(os.path.abspath(__file__)))}:{line}"
    return {"stage": stage, "first_line": first[:300], "where": where,
            "message": f"{type(e).__name__}: {text}"[:4000]}


# --------------------------------------------------------------------------
# Signatures (the same string syntax for numba and rumbo).

_DTYPE_NAMES = {"bool": "boolean"}


def signature_of(args):
    import numpy as np

    def one(v):
        if isinstance(v, (bool, np.bool_)):
            return "boolean"
        if isinstance(v, (int, np.integer)):
            return "int64" if isinstance(v, int) else str(np.asarray(v).dtype)
        if isinstance(v, (float, np.floating)):
            return "float64" if isinstance(v, float) else str(np.asarray(v).dtype)
        if isinstance(v, (complex, np.complexfloating)):
            return "complex128" if isinstance(v, complex) else str(np.asarray(v).dtype)
        if isinstance(v, np.ndarray):
            name = _DTYPE_NAMES.get(v.dtype.name, v.dtype.name)
            nd = v.ndim
            if v.flags.c_contiguous:
                dims = [":"] * (nd - 1) + ["::1"]
            elif v.flags.f_contiguous:
                dims = ["::1"] + [":"] * (nd - 1)
            else:
                dims = [":"] * nd
            return f"{name}[{', '.join(dims)}]"
        raise TypeError(f"no signature for {type(v).__name__}")

    return "(" + ", ".join(one(a) for a in args) + ("," if len(args) == 1 else "") + ")"


# --------------------------------------------------------------------------
# Result comparison.


def compare(got, ref, rtol, atol, path="result"):
    """None if equal, else a short description of the first difference."""
    import numpy as np

    if isinstance(ref, tuple):
        if not isinstance(got, tuple) or len(got) != len(ref):
            return f"{path}: expected a {len(ref)}-tuple, got {type(got).__name__}"
        for i, (g, r) in enumerate(zip(got, ref)):
            d = compare(g, r, rtol, atol, f"{path}[{i}]")
            if d:
                return d
        return None
    if isinstance(ref, np.ndarray):
        if not isinstance(got, np.ndarray):
            return f"{path}: expected an array, got {type(got).__name__}"
        if got.shape != ref.shape:
            return f"{path}: shape {got.shape}, expected {ref.shape}"
        if ref.dtype.kind in "biu":
            if got.dtype.kind not in "biu" or not np.array_equal(got, ref):
                bad = np.flatnonzero(got.ravel() != ref.ravel()) if got.dtype.kind in "biuf" else []
                return (f"{path}: {len(bad)} of {ref.size} elements differ"
                        + (f" (first at flat index {bad[0]}: {got.ravel()[bad[0]]} vs "
                           f"{ref.ravel()[bad[0]]})" if len(bad) else f" (dtype {got.dtype})"))
            return None
        if not np.allclose(got, ref, rtol=rtol, atol=atol, equal_nan=True):
            with np.errstate(all="ignore"):
                rel = np.abs(got - ref) / np.maximum(np.abs(ref), atol or 1e-300)
            return f"{path}: max relative difference {np.nanmax(rel):.3g} > rtol {rtol:g}"
        return None
    if isinstance(ref, (bool, np.bool_)) or isinstance(ref, (int, np.integer)):
        return None if got == ref and not isinstance(got, float) else f"{path}: {got!r} != {ref!r}"
    if isinstance(ref, (float, complex, np.floating, np.complexfloating)):
        ok = isinstance(got, (int, float, complex, np.number)) and (
            got == ref or abs(got - ref) <= atol + rtol * abs(ref))
        return None if ok else f"{path}: {got!r} != {ref!r} (rtol {rtol:g})"
    return None if got == ref else f"{path}: {got!r} != {ref!r}"


def to_plain(v):
    """The result as picklable NumPy/Python values (no JIT objects)."""
    import numpy as np

    if isinstance(v, tuple):
        return tuple(to_plain(x) for x in v)
    if isinstance(v, np.ndarray):
        return np.array(v, copy=True)
    return v


# --------------------------------------------------------------------------


def pick(mod, backend, variant):
    """The function to run, or a reason string when there is none."""
    if variant == "parallel":
        if backend not in JITS:
            return "the parallel variant is for the JITs"
        return getattr(mod, "kernel_parallel", None) or "no parallel variant"
    if backend == "python":
        return getattr(mod, "python_version", None) or mod.kernel
    if backend == "numpy":
        return getattr(mod, "numpy_version", None) or "no natural NumPy version"
    return mod.kernel


def task_describe(spec):
    from kernels import KERNELS

    out = {}
    for name in KERNELS:
        mod = importlib.import_module("kernels." + name)
        _, size = mod.inputs(spec["scale"])
        out[name] = {
            "title": mod.TITLE,
            "size": size,
            "note": getattr(mod, "NOTE", ""),
            "numpy": getattr(mod, "numpy_version", None) is not None,
            "parallel": getattr(mod, "kernel_parallel", None) is not None,
            "rtol": getattr(mod, "RTOL", 1e-10),
            "atol": getattr(mod, "ATOL", 0.0),
        }
    emit(out)


def _snapshot(args):
    import numpy as np

    return [np.array(a, copy=True) if isinstance(a, np.ndarray) else None for a in args]


def task_measure(spec):
    import numpy as np

    backend = spec["backend"]
    mod = importlib.import_module("kernels." + spec["kernel"])
    args, size = mod.inputs(spec["scale"])
    out = {"size": size}
    fn = pick(mod, backend, spec["variant"])
    if isinstance(fn, str):
        out["skip"] = fn
        emit(out)
        return
    result_of = getattr(mod, "result", lambda ret, a: ret)
    rtol, atol = getattr(mod, "RTOL", 1e-10), getattr(mod, "ATOL", 0.0)
    before = _snapshot(args)

    # Compile, then the first call.
    t0 = time.perf_counter()
    if backend in JITS:
        sig = signature_of(args)
        out["signature"] = sig
        try:
            fn.compile(sig)
            out["compile_s"] = time.perf_counter() - t0
        except Exception as e:  # noqa: BLE001 - fall back to the lazy first call
            out["compile_error"] = error_info(e, "compile")
            t0 = time.perf_counter()
    try:
        ret = fn(*args)
    except Exception as e:  # noqa: BLE001
        stage = "compile" if backend in JITS and "compile_s" not in out else "run"
        out["error"] = error_info(e, stage)
        emit(out)
        return
    out["first_call_s"] = time.perf_counter() - t0
    emit(out)

    got = to_plain(result_of(ret, args))
    outputs = set(getattr(mod, "OUTPUT_ARGS", ()))  # arguments written by design
    for i, (a, b) in enumerate(zip(args, before)):
        if b is not None and i not in outputs and not np.array_equal(a, b, equal_nan=True):
            out["error"] = {"stage": "check", "first_line": f"the call modified input argument {i}",
                            "where": None, "message": ""}
            emit(out)
            return
    ref_path = spec["ref_path"]
    if os.path.exists(ref_path):
        with open(ref_path, "rb") as f:
            ref = pickle.load(f)
        diff = compare(got, ref["value"], rtol, atol)
        out["checked_against"] = ref["backend"]
        if diff:
            out["error"] = {"stage": "check", "first_line": f"wrong result vs {ref['backend']}: {diff}",
                            "where": None, "message": ""}
            emit(out)
            return
    else:
        with open(ref_path + ".tmp", "wb") as f:
            pickle.dump({"backend": backend, "value": got}, f)
        os.replace(ref_path + ".tmp", ref_path)
        out["checked_against"] = "(reference)"
    emit(out)

    # Steady state.
    budget, min_rep, max_rep = spec["min_time"], spec["min_repeats"], spec["max_repeats"]
    samples, cpu = [], []
    if backend == "python":
        samples.append(out["first_call_s"])  # no compile: the first call is a run
        cpu.append(None)
        number = 1
    else:
        t0 = time.perf_counter()
        fn(*args)
        est = time.perf_counter() - t0
        number = 1 if est >= 2e-3 else min(1000, math.ceil(2e-3 / max(est, 1e-7)))
    total = sum(samples)
    gc_was = gc.isenabled()
    gc.disable()
    try:
        while len(samples) < max_rep and (len(samples) < min_rep or total < budget):
            c0 = time.thread_time()
            t0 = time.perf_counter()
            for _ in range(number):
                fn(*args)
            t = time.perf_counter() - t0
            cpu.append((time.thread_time() - c0) / number)
            samples.append(t / number)
            total += t
    finally:
        if gc_was:
            gc.enable()
    out["steady_s"] = samples
    # This thread's CPU time per call, same samples: on a loaded machine, wall
    # time well above it means the process waited for a core.
    out["steady_cpu_s"] = cpu
    out["number"] = number
    emit(out)


def main():
    spec = json.loads(sys.argv[1])
    os.environ["RUMBO_BENCH_BACKEND"] = spec.get("backend", "python")
    import _backend  # noqa: F401  imports the one JIT of this process

    {"describe": task_describe, "measure": task_measure}[spec["task"]](spec)


if __name__ == "__main__":
    main()
