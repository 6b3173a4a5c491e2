"""Scalar milestone: first-call latency, per-call overhead, import time and
typing-error message size, numba vs rumbo side by side.

Every number comes from a fresh subprocess (bench/_scalar_worker.py or a
`python -c` import timer) that imports exactly one backend.  This module only
orchestrates; it never imports numba or rumbo itself.
"""

from __future__ import annotations

import math

import _scalar_funcs as F
from _harness import (INFO, NA, Miss, Row, Target, WorkerError, fmt_value, log,
                      median, probe_backend, run_worker, summary, time_imports)

WORKER = "_scalar_worker.py"
JITS = ("numba", "rumbo")


def _settings(args) -> dict:
    quick = args.quick
    return {
        "first_call_runs": 3 if quick else 5,
        "import_runs": 3 if quick else 7,
        "timeit_number": 50_000 if quick else 200_000,
        "timeit_repeat": 3 if quick else 7,
        "loop_repeat": 3 if quick else 5,
        "loop_args": [max(4, int(round(60 * args.scale))), 100, 0.01],
    }


def _same(got, expected) -> bool:
    if isinstance(got, (int, float)) and not isinstance(got, bool):
        return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)
    return False


# --------------------------------------------------------------------------
# First-call latency (compile + run) in a fresh process.

FIRST_CALL = [
    ("one-line `x + 1`, f(1)", "one_line", [1]),
    ("~30-line loop, f(20, 50, 0.01)", "loop", list(F.LOOP_ARGS)),
]


def bench_first_call(cfg: dict) -> list[Row]:
    rows = []
    for label, func, fargs in FIRST_CALL:
        expected = getattr(F, func)(*fargs)
        samples: dict = {b: probe_backend(b) or [] for b in JITS}
        details: dict = {b: [] for b in JITS}
        # Interleave backends run by run, so machine drift hits both alike.
        # Run 0 is a discarded warm-up (page cache, .pyc files).
        for run_no in range(cfg["first_call_runs"] + 1):
            for b in JITS:
                if isinstance(samples[b], NA):
                    continue
                spec = {"task": "first_call", "backend": b, "func": func, "args": fargs}
                try:
                    r = run_worker(WORKER, spec, timeout=90)
                except WorkerError as e:
                    samples[b] = NA(str(e))
                    continue
                if not _same(r["result"], expected):
                    samples[b] = NA(f"wrong result {r['result']!r}, expected {expected!r}")
                    continue
                if run_no:
                    samples[b].append(r["seconds"] * 1e3)
                    details[b].append(r)
        log(f"first call {func}: " + ", ".join(
            f"{b}={fmt_value(median(s) if isinstance(s, list) else s, 'ms')}"
            for b, s in samples.items()))
        row = Row("first call (fresh process)", label, "ms",
                  target=Target("ratio", 0.1, "rumbo ≤ 0.1× numba"))
        for b in JITS:
            s = samples[b]
            setattr(row, b, median(s) if isinstance(s, list) else s)
            if isinstance(s, list):
                row.extra[b] = {
                    **summary(s),
                    "decorate_ms": median([d["decorate"] * 1e3 for d in details[b]]),
                    "second_call_us": median([d["second_call"] * 1e6 for d in details[b]]),
                }
        rows.append(row)
    return rows


# --------------------------------------------------------------------------
# Per-call overhead of an identity function, and steady-state loop speed.


def bench_call_overhead(cfg: dict) -> list[Row]:
    res: dict = {}
    for b in ("python", *JITS):
        na = probe_backend(b) if b != "python" else None
        if na:
            res[b] = na
            continue
        spec = {"task": "call_overhead", "backend": b,
                "number": cfg["timeit_number"], "repeat": cfg["timeit_repeat"],
                "loop_args": cfg["loop_args"], "loop_repeat": cfg["loop_repeat"]}
        try:
            res[b] = run_worker(WORKER, spec, timeout=300)
        except WorkerError as e:
            res[b] = NA(str(e))
        log(f"call overhead {b}: done")

    def case(b, name):
        r = res[b]
        if isinstance(r, NA):
            return r
        c = r["cases"].get(name)
        if c is None:
            return NA(r.get("_error", "not measured"))
        if "error" in c:
            return NA(c["error"])
        return c

    rows = []
    labels = [("int", "f(1)", ""), ("float", "f(1.0)", ""),
              ("array", "f(np.zeros(1))", "")]
    for name, call, note in labels:
        raw = Row("call overhead `def f(x): return x`", f"{call} raw", "ns")
        net = Row("call overhead `def f(x): return x`",
                  f"{call} net of plain-Python call", "ns",
                  target=Target("ratio", 0.5, "rumbo ≤ 0.5× numba" + note))
        py = case("python", name)
        raw.python = py["jit_ns"] if isinstance(py, dict) else py
        for b in JITS:
            c = case(b, name)
            if isinstance(c, NA):
                setattr(raw, b, c)
                setattr(net, b, c)
            else:
                setattr(raw, b, c["jit_ns"])
                setattr(net, b, c["jit_ns"] - c["plain_ns"])
                net.extra[b] = {"plain_ns_same_process": c["plain_ns"]}
        rows += [raw, net]

    # Steady-state loop time: python / numba / rumbo.
    n, m, dx = cfg["loop_args"]
    expected = F.loop(n, m, dx)
    row = Row("steady-state run", f"~30-line loop, f({n}, {m}, {dx})", "ms", target=INFO)
    for b in ("python", *JITS):
        r = res[b]
        if isinstance(r, NA):
            val = r
        elif "loop" not in r:
            val = NA(r.get("_error", "not measured"))
        elif "error" in r["loop"]:
            val = NA(r["loop"]["error"])
        elif not _same(r["loop"]["result"], expected):
            val = NA(f"wrong result {r['loop']['result']!r}, expected {expected!r}")
        else:
            val = r["loop"]["seconds"] * 1e3
        setattr(row, b, val)
    rows.append(row)
    return rows


# --------------------------------------------------------------------------
# Import time.


def bench_import(cfg: dict) -> list[Row]:
    t = time_imports(["numpy", "numba", "rumbo"], cfg["import_runs"])
    row = Row("import time (fresh process)", "`import X`", "ms",
              target=Target("vs_numpy", 1.2, "rumbo ≤ 1.2× numpy"))
    for mod in ("numpy", "numba", "rumbo"):
        s = t[mod]
        setattr(row, mod, median(s) * 1e3 if isinstance(s, list) else s)
        if isinstance(s, list):
            row.extra[mod] = summary([x * 1e3 for x in s])
    log("import: " + ", ".join(f"{m}={fmt_value(getattr(row, m), 'ms')}"
                               for m in ("numpy", "numba", "rumbo")))
    return [row]


# --------------------------------------------------------------------------
# Typing-error message size.


def bench_errors(cfg: dict) -> list[Row]:
    rows = []
    for case in F.ERROR_CASES:
        lines = Row("typing-error message", f"{case}: lines in str(exc)", "lines",
                    target=Target("abs", 12, "rumbo ≤ 12 lines"))
        where = Row("typing-error message", f"{case}: line no. of user source line",
                    "line", target=Target("abs", 4, "rumbo ≤ line 4"))
        for b in JITS:
            na = probe_backend(b)
            if na is None:
                try:
                    r = run_worker(WORKER, {"task": "error", "backend": b, "case": case},
                                   timeout=90)
                    # Accepting an ill-typed function misses the target.
                    na = Miss(r["error"]) if "error" in r else None
                except WorkerError as e:
                    na = NA(str(e))
            if na:
                setattr(lines, b, na)
                setattr(where, b, na)
                continue
            setattr(lines, b, r["lines"])
            setattr(where, b, r["user_line"] if r["user_line"] is not None
                    else Miss("user source line not quoted"))
            lines.extra[b] = {"type": r["type"], "message": r["message"]}
        rows += [lines, where]
    log("errors: done")
    return rows


# --------------------------------------------------------------------------


def run(args) -> list[Row]:
    cfg = _settings(args)
    for b in JITS:
        na = probe_backend(b)
        log(f"{b}: " + (f"unavailable -> {na.reason}" if na else "available"))
    return (bench_first_call(cfg) + bench_call_overhead(cfg)
            + bench_import(cfg) + bench_errors(cfg))
