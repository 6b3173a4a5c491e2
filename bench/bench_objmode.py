"""Object mode (issue 9): a numeric loop over 10^6 elements inside a function
that must run in object mode (it builds a list of Python objects).  rumbo and
Numba lift the loop out and compile it; the "python" column is CPython running
the same function.  Target: rumbo at least 20x faster than the interpreter.
Each backend runs in fresh subprocesses (_objmode_worker.py); results are
checked against CPython's before timing.  This module never imports numba or
rumbo.
"""

from __future__ import annotations

import os

from _harness import NA, Row, Target, WorkerError, log, probe_backend, run_worker

WORKER = "_objmode_worker.py"
BACKENDS = ("python", "numba", "rumbo")
SPEEDUP_TARGET = 20.0


def run(args) -> list[Row]:
    n = int(10**6 * args.scale)
    res: dict = {}
    for b in BACKENDS:
        na = probe_backend(b) if b != "python" else None
        if na:
            res[b] = na
            continue
        repeats = (2 if args.quick else 5) if b == "python" else (10 if args.quick else 30)
        env = dict(os.environ, RUMBO_BENCH_BACKEND=b)
        try:
            r = run_worker(WORKER, {"n": n, "repeats": repeats}, timeout=600, env=env)
        except WorkerError as e:
            res[b] = NA(str(e))
            continue
        res[b] = NA(r["error"]) if "error" in r else r
        if isinstance(res[b], dict):
            log(f"objmode {b}: {min(r['samples']) * 1e3:.2f} ms (first call {r['first_call_s'] * 1e3:.0f} ms)")

    def best(b):
        r = res[b]
        return r if isinstance(r, NA) else min(r["samples"]) * 1e3

    label = f"10^{len(str(n)) - 1}" if str(n).strip("0") == "1" else f"{n:,}"
    target = Target("abs", 0.0, f"rumbo ≥ {SPEEDUP_TARGET:g}× faster than python")
    row = Row(f"object mode, lifted loop {label} float64", "jit(forceobj=True): list building + lifted numeric loop",
              "ms", python=best("python"), numba=best("numba"), rumbo=best("rumbo"), target=target)
    if isinstance(row.python, float) and isinstance(row.rumbo, float):
        speedup = row.python / row.rumbo
        target.bound = row.python / SPEEDUP_TARGET
        row.extra["rumbo_speedup_vs_python"] = round(speedup, 1)
        log(f"objmode: rumbo {speedup:.0f}x faster than the interpreter")
    for b in BACKENDS:
        if isinstance(res[b], dict):
            row.extra[b] = {"samples_s": [round(x, 6) for x in res[b]["samples"]], "first_call_s": round(res[b]["first_call_s"], 4)}
    return [row]
