"""Parallel milestone (issue 5): parallel=True / prange on all cores.

Per case, the same Python function compiled twice by each JIT: with
parallel=True (all cores, the default thread count) and with parallel=False
(the serial baseline, one thread), plus NumPy running the idiomatic NumPy
version single-threaded.  Cases: the seed softmax
(`num = np.exp(z); return num / np.sum(num)`) at 10**7 and 10**8,
examples/softmax.py as written (esum + softmax_optimized, eager signatures,
nogil=True) at 10**7 and 10**8, Black-Scholes on 10**7 options as array
expressions and as a prange loop, a 2000x2000 Jacobi stencil with prange over
the rows, n-body (2000 bodies) with prange over the bodies, a Monte Carlo
estimate of pi from 10**7 points drawn with np.random.random() in a prange loop.  The kernels live
in bench/kernels/par_*.py (not in the kernel suite's list).

Writes bench/results/parallel.md and parallel.json besides the rows of
latest.md.  Reported as ratios: rumbo parallel vs NumPy (speed), rumbo parallel gain over
rumbo serial, rumbo parallel / Numba parallel time; Numba's own gain for
context.  Every number comes from fresh subprocesses of _kernel_worker.py
(one backend each), results checked against NumPy's before anything is
timed.  This module never imports numba or rumbo.
"""

from __future__ import annotations

import json
import os
import statistics
import time

from _harness import NA, Row, Target, WorkerError, is_num, log, probe_backend, run_worker, scratch_dir

WORKER = "_kernel_worker.py"
JITS = ("rumbo", "numba")
# Single-threaded runs: NumPy (its ufuncs are single-threaded anyway; this
# also keeps BLAS to one thread) and the parallel=False baselines.
SERIAL_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "NUMBA_NUM_THREADS": "1", "RUMBO_NUM_THREADS": "1"}
# Parallel runs: the default thread count (every core), whatever the caller's
# environment says.
PARALLEL_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
UNSET_THREADS = ("NUMBA_NUM_THREADS", "RUMBO_NUM_THREADS")

GAIN_TARGET = 1.8        # issue 5: ≥ 1.8× own serial on 2 cores, compute-bound kernels
SEED_VS_NUMPY = 1.8      # issue 5: the seed's code with parallel=True ≥ 1.8× NumPy's speed

# (key, label, kernel module, extra environment, kind)
# kind "seed": the softmax rows (target vs NumPy); "compute": compute-bound
# (gain target); "memory": bandwidth-bound, gain informational.
CASES = [
    ("softmax7", "softmax 10^7", "par_softmax", {"RUMBO_BENCH_PAR_N": str(10**7)}, "seed"),
    ("softmax8", "softmax 10^8", "par_softmax", {"RUMBO_BENCH_PAR_N": str(10**8)}, "seed"),
    ("seed7", "examples/softmax.py 10^7", "par_seed", {"RUMBO_BENCH_PAR_N": str(10**7)}, "seed"),
    ("seed8", "examples/softmax.py 10^8", "par_seed", {"RUMBO_BENCH_PAR_N": str(10**8)}, "seed"),
    ("bs_arrays", "Black-Scholes, array expressions", "par_bs_arrays", {}, "compute"),
    ("bs_prange", "Black-Scholes, prange loop", "par_bs_prange", {}, "compute"),
    ("jacobi", "Jacobi 2-D stencil, prange", "par_jacobi", {}, "memory"),
    ("nbody", "n-body, prange", "par_nbody", {}, "compute"),
    ("pi", "Monte Carlo pi, np.random in prange", "par_pi", {}, "compute"),
]

_last: dict = {}


def _settings(args) -> dict:
    quick = args.quick
    return {
        "rounds": 1 if quick else 2,         # fresh processes per JIT and variant, alternating
        "min_time": 0.3 if quick else 0.6,   # steady-state seconds per process
        "min_repeats": 3 if quick else 5,
        "max_repeats": 20 if quick else 40,
        "scale": args.scale,
        "cases": getattr(args, "parallel_case", None),
    }


def _measure(case: tuple, backend: str, variant: str, cfg: dict, ref_path: str) -> dict:
    key, label, module, extra_env, kind = case
    n8 = key.endswith("8")
    spec = {"task": "measure", "kernel": module, "backend": backend, "variant": variant,
            "scale": cfg["scale"], "ref_path": ref_path,
            "min_time": cfg["min_time"], "min_repeats": 2 if n8 else cfg["min_repeats"],
            "max_repeats": 5 if n8 else cfg["max_repeats"]}
    env = dict(SERIAL_ENV if variant == "serial" else PARALLEL_ENV)
    env.update(extra_env)
    saved = {k: os.environ.pop(k) for k in UNSET_THREADS if k in os.environ and variant != "serial"}
    try:
        r = run_worker(WORKER, spec, timeout=600 * max(1.0, cfg["scale"]), env=env)
    except WorkerError as e:
        return {"error": str(e)}
    finally:
        os.environ.update(saved)
    if "error" in r:
        e = r["error"]
        return {"error": f"{e.get('stage', '')}: {e.get('first_line', '')}"
                         + (f" ({e['where']})" if e.get("where") else "")}
    if "_error" in r:
        return {"error": r["_error"]}
    if "skip" in r:
        return {"error": r["skip"]}
    if not r.get("steady_s"):
        return {"error": "no steady-state samples"}
    return {"samples": r["steady_s"], "first_call_s": r.get("first_call_s"),
            "compile_s": r.get("compile_s"), "size": r.get("size"),
            "checked_against": r.get("checked_against")}


def _measure_case(case: tuple, cfg: dict, available: dict) -> dict:
    key = case[0]
    ref_path = os.path.join(scratch_dir(), f"ref_parallel_{key}.pkl")
    if os.path.exists(ref_path):
        os.remove(ref_path)
    res: dict = {"numpy": _measure(case, "numpy", "serial", cfg, ref_path)}
    if "error" in res["numpy"]:
        log(f"parallel {key}: numpy failed ({res['numpy']['error']}); JIT results unchecked")
    slots = [(b, v) for b in JITS for v in ("serial", "parallel")]
    runs: dict = {s: [] for s in slots}
    rounds = 1 if key.endswith("8") else cfg["rounds"]  # the 10^8 cases: one process each
    for _ in range(rounds):
        for b, v in slots:  # interleaved, so machine drift hits all alike
            if available[b] is not None or (runs[(b, v)] and "error" in runs[(b, v)][-1]):
                continue
            runs[(b, v)].append(_measure(case, b, v, cfg, ref_path))
    for b, v in slots:
        name = f"{b}_{v}"
        if available[b] is not None:
            res[name] = {"error": available[b].reason}
            continue
        rs = runs[(b, v)]
        bad = next((r for r in rs if "error" in r), None)
        if bad:
            res[name] = bad
            continue
        samples = [s for r in rs for s in r["samples"]]
        res[name] = {"min_s": min(samples), "median_s": statistics.median(samples),
                     "samples": len(samples), "processes": len(rs), "size": rs[0]["size"],
                     "first_call_s": statistics.median(r["first_call_s"] for r in rs),
                     "checked_against": rs[0]["checked_against"]}
    if "error" not in res["numpy"]:
        s = res["numpy"]["samples"]
        res["numpy"] = {"min_s": min(s), "median_s": statistics.median(s), "samples": len(s),
                        "processes": 1, "size": res["numpy"]["size"]}
    return res


def _t(res: dict, name: str):
    r = res.get(name, {})
    if "min_s" in r:
        return r["min_s"]
    return NA(r.get("error", "not measured"))


def _div(a, b):
    return a / b if is_num(a) and is_num(b) and b > 0 else None


def _fx(r) -> str:
    return "—" if r is None else f"{r:.2f}×"


def _ms(v) -> str:
    if isinstance(v, NA):
        return "fails"
    v *= 1e3
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def run(args) -> list[Row]:
    cfg = _settings(args)
    load_start = round(os.getloadavg()[0], 2)
    available = {b: probe_backend(b) for b in JITS}
    for b in JITS:
        log(f"parallel {b}: " + (f"unavailable -> {available[b].reason}" if available[b] else "available"))
    cases = CASES
    if cfg["cases"]:
        cases = [c for c in CASES if c[0] in cfg["cases"]]
        unknown = set(cfg["cases"]) - {c[0] for c in CASES}
        if unknown:
            raise ValueError(f"unknown case(s) {sorted(unknown)}; available: {[c[0] for c in CASES]}")
    results = {}
    for case in cases:
        res = _measure_case(case, cfg, available)
        results[case[0]] = res
        log(f"parallel {case[0]}: " + ", ".join(
            f"{n}={_ms(_t(res, n))}" for n in ("numpy", "rumbo_serial", "rumbo_parallel",
                                               "numba_serial", "numba_parallel")) + " ms")
        for n, r in res.items():
            if "error" in r:
                log(f"  {n} fails: {r['error'][:200]}")

    rows: list[Row] = []
    table = ["| case | size | NumPy ms | rumbo serial ms | rumbo ∥ ms | numba serial ms | numba ∥ ms "
             "| rumbo ∥ speed vs NumPy | rumbo ∥ gain over serial | numba ∥ gain over serial "
             "| rumbo ∥ / numba ∥ time |",
             "|" + "---|" * 11]
    failures = []
    for case in cases:
        key, label, module, _, kind = case
        res = results[key]
        size = next((r["size"] for r in res.values() if r.get("size")), "?")
        np_t, rs, rp = _t(res, "numpy"), _t(res, "rumbo_serial"), _t(res, "rumbo_parallel")
        ns, npar = _t(res, "numba_serial"), _t(res, "numba_parallel")
        speed = _div(np_t, rp)
        rgain, ngain = _div(rs, rp), _div(ns, npar)
        vs_numba = _div(rp, npar)
        table.append(f"| {label} | {size} | {_ms(np_t)} | {_ms(rs)} | {_ms(rp)} | {_ms(ns)} | {_ms(npar)} "
                     f"| {_fx(speed)} | {_fx(rgain)} | {_fx(ngain)} | {_fx(vs_numba)} |")
        for n, r in res.items():
            if "error" in r:
                failures.append(f"- {label}, {n.replace('_', ' ')}: {r['error'][:200]}")

        def ms(v):
            return v * 1e3 if is_num(v) else v

        extra = {n: {k: v for k, v in r.items()} for n, r in res.items()}
        rows.append(Row(f"parallel: {label}", f"parallel=True, {size}, ms (numpy: NumPy, 1 thread)",
                        "ms", numpy=ms(np_t), numba=ms(npar), rumbo=ms(rp),
                        target=Target("ratio", 1.0, "rumbo ∥ ≤ numba ∥"), extra=extra))
        rows.append(Row(f"parallel: {label}", "same code with parallel=False, ms", "ms",
                        numba=ms(ns), rumbo=ms(rs)))
        if kind == "seed":
            r = Row(f"parallel: {label}", "parallel time / NumPy time (1/speed vs NumPy)", "×",
                    target=Target("abs", 1 / SEED_VS_NUMPY, f"rumbo ∥ ≥ {SEED_VS_NUMPY:g}× NumPy's speed"))
            r.numba = _div(npar, np_t) if _div(npar, np_t) is not None else NA("not measured")
            r.rumbo = _div(rp, np_t) if _div(rp, np_t) is not None else NA("not measured")
            rows.append(r)
        r = Row(f"parallel: {label}", "parallel time / serial time (1/gain)", "×",
                target=(Target("abs", 1 / GAIN_TARGET, f"gain ≥ {GAIN_TARGET:g}× own serial")
                        if kind == "compute" else Target("info")))
        r.numba = _div(npar, ns) if _div(npar, ns) is not None else NA("not measured")
        r.rumbo = _div(rp, rs) if _div(rp, rs) is not None else NA("not measured")
        rows.append(r)

    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load_end = round(os.getloadavg()[0], 2)
    pinned = os.environ.get("PYTHONPATH", "").split(os.pathsep)[0]
    build = "?"
    try:  # the build run.py pinned (see _harness.pin_rumbo)
        from _harness import elf_has_debug_info

        so = [n for n in os.listdir(os.path.join(pinned, "rumbo")) if n.startswith("_core")]
        build = {True: "debug", False: "release", None: "?"}[
            elf_has_debug_info(os.path.join(pinned, "rumbo", so[0]))] if so else "?"
    except OSError:
        pass
    md = [
        f"{time.strftime('%Y-%m-%d %H:%M %Z')} · rumbo {build} build · load average "
        f"{load_start} at start, {load_end} at end ({threads} CPUs: above {threads}, other "
        "processes compete for the cores and the ∥ numbers and gains are unreliable; with "
        "the kernel's autogroup scheduling a session gets its share of the CPUs whatever its "
        "thread count, so while other sessions are busy no parallel gain can show)",
        "",
        f"Times are steady-state minima in ms (lower is better); ∥ = `parallel=True` on the default "
        f"thread count ({threads} CPUs here), serial = the same function with `parallel=False` "
        f"(one thread); NumPy single-threaded. Ratios: *speed vs NumPy* = NumPy time / rumbo ∥ "
        f"time (issue 5's target for the softmax rows: ≥ {SEED_VS_NUMPY:g}×); *gain* = serial time "
        f"/ ∥ time (target ≥ {GAIN_TARGET:g}× for Black-Scholes and n-body); *rumbo ∥ / numba ∥* "
        f"< 1 means rumbo is faster (target: every row).",
        "",
        *table,
        "",
        "Failures:",
        "",
        *(failures or ["- none"]),
        "",
        f"{cfg['rounds']} fresh process(es) per JIT and variant (alternating; 1 for the 10^8 "
        "cases), one for NumPy; "
        "every result checked against NumPy's (rtol 1e-12 for softmax and Jacobi, 1e-10 "
        "Black-Scholes, 1e-9 n-body) before timing. On a shared 2-core machine the ∥ rows are "
        "the most sensitive to other load (see the load average in the header).",
    ]
    _last["md"] = "\n".join(md) + "\n"
    out_dir = getattr(args, "out", None)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        data = {"settings": cfg, "threads": threads, "rumbo_build": build,
                "loadavg": {"start": load_start, "end": load_end},
                "cases": [{"case": c[0], "label": c[1], "module": c[2], "kind": c[4],
                           "results": results[c[0]]} for c in cases]}
        for name, text in (("parallel.md", "# rumbo parallel benchmarks (issue 5)\n\n" + _last["md"]),
                           ("parallel.json", json.dumps(data, indent=1, default=str) + "\n")):
            path = os.path.join(out_dir, name)
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(path + ".tmp", path)
    return rows


def markdown_section():
    if "md" not in _last:
        return None
    return ("Parallel (bench_parallel.py, issue 5)", _last["md"])
