"""The kernel suite (issue 7): classic numeric kernels under pure Python,
NumPy, Numba and rumbo, on identical inputs, results checked before timing.

Per kernel and backend (fresh subprocesses of bench/_kernel_worker.py, one
backend each): compile time, first-call time, steady-state min and median.
Writes bench/results/kernels.md, kernels.json and kernels.png, and returns
summary rows for latest.md.  This module never imports numba or rumbo.
"""

from __future__ import annotations

import json
import os
import re
import statistics

from _harness import (NA, Row, Target, WorkerError, geomean, is_num, log, probe_backend,
                      run_worker, scratch_dir)

WORKER = "_kernel_worker.py"
JITS = ("numba", "rumbo")
BACKENDS = ("python", "numpy", *JITS)

# Serial rows: every library single-threaded (NumPy's BLAS too), so that the
# comparison is of generated code.  Parallel rows: the default thread count.
SERIAL_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "NUMBA_NUM_THREADS": "1"}

_last: dict = {}  # what markdown_section() reports after run()


def _settings(args) -> dict:
    quick = args.quick
    return {
        "jit_runs": 1 if quick else 3,     # fresh processes per JIT and kernel
        "min_time": 0.2 if quick else 0.4,  # steady-state seconds per process
        "min_repeats": 3 if quick else 5,
        "max_repeats": 30 if quick else 60,
        "python_time": 0.0 if quick else 1.0,  # python: more runs only while under this
        "scale": args.scale,
        "kernels": getattr(args, "kernel", None),
        "parallel": not getattr(args, "no_parallel", False),
    }


# --------------------------------------------------------------------------
# Measuring.


def _measure(name: str, backend: str, variant: str, cfg: dict, ref_path: str) -> dict:
    spec = {"task": "measure", "kernel": name, "backend": backend, "variant": variant,
            "scale": cfg["scale"], "ref_path": ref_path, "min_time": cfg["min_time"],
            "min_repeats": 1 if backend == "python" else cfg["min_repeats"],
            "max_repeats": 3 if backend == "python" else cfg["max_repeats"]}
    if backend == "python":
        spec["min_time"] = cfg["python_time"]
    timeout = (240 if backend == "python" else 300) * max(1.0, cfg["scale"])
    env = SERIAL_ENV if variant == "serial" else {}
    try:
        r = run_worker(WORKER, spec, timeout=timeout, env=env)
    except WorkerError as e:
        return {"error": {"stage": "process", "first_line": str(e), "where": None}}
    if "_error" in r and "error" not in r:
        # The process died after printing a partial result (crash, timeout).
        stage = "run" if "first_call_s" in r else "compile"
        r["error"] = {"stage": stage, "first_line": r["_error"], "where": None}
    return r


def _aggregate(runs: list[dict]) -> dict:
    """Combine the fresh processes of one backend: median compile and first
    call, min and median of all steady-state samples."""
    for i, r in enumerate(runs):
        if "error" in r:
            e = dict(r["error"])
            if len(runs) > 1 or i:
                e["run"] = f"{i + 1} of {len(runs)}"
            return {"error": e, "compile_error": r.get("compile_error")}
    if not runs or "skip" in runs[0]:
        return {"skip": runs[0]["skip"] if runs else "not run"}
    samples = [s for r in runs for s in r.get("steady_s", [])]
    out = {
        "first_call_s": statistics.median(r["first_call_s"] for r in runs),
        "steady_min_s": min(samples),
        "steady_median_s": statistics.median(samples),
        "processes": len(runs),
        "samples": len(samples),
        "checked_against": runs[0].get("checked_against"),
        "raw": [{k: v for k, v in r.items() if k != "_error"} for r in runs],
    }
    cpu = [c for r in runs for c in r.get("steady_cpu_s", []) if c is not None]
    if cpu:
        out["steady_cpu_min_s"] = min(cpu)
    comp = [r["compile_s"] for r in runs if "compile_s" in r]
    if comp:
        out["compile_s"] = statistics.median(comp)
    elif runs[0].get("compile_error"):
        out["compile_error"] = runs[0]["compile_error"]
    return out


def _measure_kernel(name: str, variant: str, meta: dict, cfg: dict, available: dict) -> dict:
    ref_path = os.path.join(scratch_dir(), f"ref_{name}.pkl")
    res: dict = {}
    if variant == "serial":
        if os.path.exists(ref_path):
            os.remove(ref_path)
        res["python"] = _aggregate([_measure(name, "python", variant, cfg, ref_path)])
        if meta["numpy"]:
            res["numpy"] = _aggregate([_measure(name, "numpy", variant, cfg, ref_path)])
        else:
            res["numpy"] = {"skip": "no natural NumPy version"}
    else:
        res["python"] = {"skip": "serial only"}
        res["numpy"] = {"skip": "serial only"}
    runs: dict = {b: [] for b in JITS}
    for _ in range(cfg["jit_runs"]):
        for b in JITS:  # interleaved, so machine drift hits both alike
            if available[b] is not None:
                continue
            if runs[b] and "error" in runs[b][-1]:
                continue
            runs[b].append(_measure(name, b, variant, cfg, ref_path))
    for b in JITS:
        res[b] = ({"error": {"stage": "import", "first_line": available[b].reason, "where": None}}
                  if available[b] is not None else _aggregate(runs[b]))
    return res


# --------------------------------------------------------------------------
# Formatting.


def _ms(s: float) -> str:
    v = s * 1e3
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def _ratio(a, b) -> float | None:
    return a / b if is_num(a) and is_num(b) and b > 0 else None


def _fmt_ratio(r) -> str:
    return "—" if r is None else f"{r:.2f}×" if r < 10 else f"{r:.0f}×"


def _fail_text(r: dict, width: int = 110) -> str:
    e = r["error"]
    stage = {"compile": "does not compile", "run": "fails at run time", "check": "wrong result",
             "process": "fails", "import": "unavailable"}.get(e["stage"], "fails")
    text = e["first_line"]
    if e.get("where"):
        text += f" ({e['where']})"
    if e.get("run"):
        text += f" [run {e['run']}]"
    if len(text) > width:
        text = text[: width - 1] + "…"
    return f"{stage}: {text}"


def _cell(r: dict, key: str) -> str:
    if "skip" in r:
        return "—"
    if "error" in r:
        return "fails"
    if key == "compile_s" and key not in r:
        return "n/a"
    return _ms(r[key])


def _rows_md(results: dict, meta: dict) -> tuple[list[str], list[str]]:
    head = ["kernel", "size", "python", "numpy", "numba compile", "numba 1st call",
            "numba min / median", "rumbo compile", "rumbo 1st call", "rumbo min / median",
            "rumbo/numba steady", "rumbo/numba 1st call", "rumbo/numpy steady"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    failures = []
    for (name, variant), res in results.items():
        m = meta[name]
        label = f"`{name}`" + (" (parallel)" if variant == "parallel" else "")
        cells = [label, m["size"]]
        for b in ("python", "numpy"):
            r = res[b]
            cells.append(_cell(r, "steady_min_s"))
        for b in JITS:
            r = res[b]
            cells += [_cell(r, "compile_s"), _cell(r, "first_call_s")]
            cells.append("fails" if "error" in r else "—" if "skip" in r else
                         f"{_ms(r['steady_min_s'])} / {_ms(r['steady_median_s'])}")
        rb, nb, npy = res["rumbo"], res["numba"], res["numpy"]
        cells.append(_fmt_ratio(_ratio(rb.get("steady_min_s"), nb.get("steady_min_s"))))
        cells.append(_fmt_ratio(_ratio(rb.get("first_call_s"), nb.get("first_call_s"))))
        cells.append(_fmt_ratio(_ratio(rb.get("steady_min_s"), npy.get("steady_min_s"))))
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        for b in BACKENDS:
            if "error" in res[b]:
                failures.append(f"- {label}, {b}: {_fail_text(res[b])}")
            elif res[b].get("compile_error") and b in JITS:
                ce = res[b]["compile_error"]
                failures.append(f"- {label}, {b}: `compile(signature)` failed, the lazy first call "
                                f"worked (compile time n/a): {ce['first_line']}")
    return lines, failures


def _geomeans(results: dict) -> dict:
    def gm(variant, key_a, b_a, key_b, b_b):
        rs = [_ratio(res[b_a].get(key_a), res[b_b].get(key_b))
              for (name, v), res in results.items() if v == variant]
        rs = [r for r in rs if r is not None]
        return {"value": geomean(rs), "n": len(rs)}

    out = {}
    for variant in ("serial", "parallel"):
        if not any(v == variant for (_, v) in results):
            continue
        out[variant] = {
            "steady rumbo/numba": gm(variant, "steady_min_s", "rumbo", "steady_min_s", "numba"),
            "first call rumbo/numba": gm(variant, "first_call_s", "rumbo", "first_call_s", "numba"),
            "compile rumbo/numba": gm(variant, "compile_s", "rumbo", "compile_s", "numba"),
            "steady rumbo/numpy": gm(variant, "steady_min_s", "rumbo", "steady_min_s", "numpy"),
            "steady numba/numpy": gm(variant, "steady_min_s", "numba", "steady_min_s", "numpy"),
            "steady numba/python": gm(variant, "steady_min_s", "numba", "steady_min_s", "python"),
            "steady rumbo/python": gm(variant, "steady_min_s", "rumbo", "steady_min_s", "python"),
        }
    return out


def _markdown(results: dict, meta: dict, geo: dict, cfg: dict, counts: dict) -> str:
    lines, failures = _rows_md(results, meta)
    total = counts["total"]
    out = [
        f"{counts['serial']} kernels (+ {counts['parallel']} parallel variants); times in ms, "
        f"lower is better. rumbo compiles {counts['rumbo_ok']} of {total} rows, "
        f"numba {counts['numba_ok']} of {total}.",
        "",
        *lines,
        "",
        "Geometric means of the ratios (over the kernels where both sides ran; "
        "targets from issue 7: steady state ≤ 1.0, first call ≤ 0.5):",
        "",
        "| rows | steady rumbo/numba | first call rumbo/numba | compile rumbo/numba "
        "| steady rumbo/numpy | steady numba/numpy |",
        "|---|---|---|---|---|---|",
    ]
    for variant, g in geo.items():
        def c(k):
            v = g[k]
            return "—" if v["value"] is None else f"{v['value']:.3g}× (n={v['n']})"
        out.append(f"| {variant} | {c('steady rumbo/numba')} | {c('first call rumbo/numba')} | "
                   f"{c('compile rumbo/numba')} | {c('steady rumbo/numpy')} | "
                   f"{c('steady numba/numpy')} |")
    out += ["", "Failures (first line of the error):", ""]
    out += failures or ["- none"]
    out += [
        "",
        "Notes:",
        "",
        f"- python, numpy: steady-state min of the runs in one fresh process (pure Python: "
        f"the first call counts as a run). numba, rumbo: {cfg['jit_runs']} fresh "
        "process(es) each, alternating; *compile* = `f.compile(signature of the inputs)` and "
        "*1st call* = compile + the first call (medians over the processes, imports excluded); "
        "*min / median* over all steady-state samples (each sample the mean of enough calls "
        "to last ≥ 2 ms). Ratios use the steady-state min.",
        "- Results are compared with the pure-Python result before anything is timed "
        "(integers exactly, floats with np.allclose at the kernel's rtol, 1e-8 to 1e-12); "
        "a kernel that modifies an input it should not also fails the check.",
        "- Serial rows run single-threaded (OMP/OpenBLAS/MKL/NUMBA threads = 1, so NumPy's "
        "`A @ B` is one-thread BLAS). Parallel rows are `@njit(parallel=True)` with `prange`, "
        "default thread count (2 CPUs here): `prange` loops run as parallel regions on rumbo's thread pool.",
        *[f"- `{n}`: {meta[n]['note']}" for n in dict.fromkeys(n for n, _ in results)
          if meta[n]["note"]],
    ]
    return "\n".join(out) + "\n"


def _compact_json(data) -> str:
    """Indented JSON with floats at 4 significant digits and number lists on one line."""
    def r(o):
        if isinstance(o, float):
            return float(f"{o:.4g}")
        if isinstance(o, (list, tuple)):
            return [r(x) for x in o]
        if isinstance(o, dict):
            return {str(k): r(v) for k, v in o.items()}
        return o
    text = json.dumps(r(data), indent=1, ensure_ascii=False, default=str)
    return re.sub(r"\[\s*([-0-9.eE+, \n]+?)\s*\]",
                  lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text) + "\n"


def _chart(results: dict, meta: dict, path: str) -> str | None:
    """Bar chart: steady-state time relative to Numba (log scale), and first
    call time of numba vs rumbo.  Returns an error string if it cannot draw."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        return f"matplotlib unavailable: {e}"
    keys = list(results)
    labels = [n + (" ∥" if v == "parallel" else "") for n, v in keys]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 0.42 * len(keys) + 1.8),
                                   gridspec_kw={"width_ratios": [3, 2]})
    colors = {"python": "#bbbbbb", "numpy": "#4c72b0", "numba": "#55a868", "rumbo": "#c44e52"}
    h = 0.2
    for i, key in enumerate(keys):
        res = results[key]
        base = res["numba"].get("steady_min_s")
        for j, b in enumerate(BACKENDS):
            y = i + (j - 1.5) * h
            r = res[b]
            if "steady_min_s" in r and is_num(base):
                ax1.barh(y, r["steady_min_s"] / base, height=h, color=colors[b])
                if b == "rumbo":
                    ax1.text(r["steady_min_s"] / base, y, f" {r['steady_min_s'] / base:.2f}",
                             va="center", fontsize=6.5)
            elif "error" in r and b in JITS:
                ax1.text(1.0, y, f" {b} fails", va="center", fontsize=7, color=colors[b])
    ax1.axvline(1.0, color="k", lw=0.6)
    ax1.set_xscale("log")
    ax1.set_yticks(range(len(keys)), labels)
    ax1.invert_yaxis()
    ax1.set_xlabel("steady-state time / Numba's (log scale, lower is better)")
    from matplotlib.patches import Patch

    ax1.legend(handles=[Patch(color=colors[b], label=b) for b in BACKENDS],
               loc="lower right", fontsize=8)
    for i, key in enumerate(keys):
        res = results[key]
        for j, b in enumerate(JITS):
            y = i + (j - 0.5) * 0.35
            r = res[b]
            if "first_call_s" in r:
                ax2.barh(y, r["first_call_s"] * 1e3, height=0.35, color=colors[b])
            elif "error" in r:
                ax2.text(1.0, y, f" {b} fails", va="center", fontsize=7, color=colors[b])
    ax2.legend(handles=[Patch(color=colors[b], label=b) for b in JITS],
               loc="lower right", fontsize=8)
    ax2.set_xscale("log")
    ax2.set_yticks(range(len(keys)), [""] * len(keys))
    ax2.invert_yaxis()
    ax2.set_xlabel("first call in a fresh process, ms (compile + run)")
    fig.suptitle("rumbo kernel suite: Numba = 1", fontsize=11)
    fig.tight_layout()
    fig.savefig(path + ".tmp", dpi=110, format="png")
    plt.close(fig)
    os.replace(path + ".tmp", path)
    return None


# --------------------------------------------------------------------------


def run(args) -> list[Row]:
    cfg = _settings(args)
    available = {b: probe_backend(b) for b in JITS}
    for b in JITS:
        log(f"{b}: " + (f"unavailable -> {available[b].reason}" if available[b] else "available"))
    meta = run_worker(WORKER, {"task": "describe", "backend": "python", "scale": cfg["scale"]},
                      timeout=120)
    names = list(meta)
    if cfg["kernels"]:
        unknown = [k for k in cfg["kernels"] if k not in meta]
        if unknown:
            raise ValueError(f"unknown kernel(s) {unknown}; available: {names}")
        names = [n for n in names if n in cfg["kernels"]]
    plan = [(n, "serial") for n in names]
    if cfg["parallel"]:
        plan += [(n, "parallel") for n in names if meta[n]["parallel"]]
    results: dict = {}
    for name, variant in plan:
        res = _measure_kernel(name, variant, meta[name], cfg, available)
        results[(name, variant)] = res

        def short(r):
            if "skip" in r:
                return "—"
            if "error" in r:
                return "FAILS: " + r["error"]["first_line"][:80]
            return f"{r['steady_min_s'] * 1e3:.3g} ms"
        log(f"kernel {name} ({variant}): " + ", ".join(f"{b}={short(res[b])}" for b in BACKENDS))

    geo = _geomeans(results)
    counts = {
        "serial": sum(1 for _, v in results if v == "serial"),
        "parallel": sum(1 for _, v in results if v == "parallel"),
        "total": len(results),
        "rumbo_ok": sum(1 for r in results.values() if "steady_min_s" in r["rumbo"]),
        "numba_ok": sum(1 for r in results.values() if "steady_min_s" in r["numba"]),
    }
    md = _markdown(results, meta, geo, cfg, counts)
    RESULTS_DIR = args.out
    os.makedirs(RESULTS_DIR, exist_ok=True)
    chart_err = _chart(results, meta, os.path.join(RESULTS_DIR, "kernels.png"))
    if chart_err:
        log(f"no chart: {chart_err}")
    data = {
        "settings": cfg,
        "geomeans": geo,
        "kernels": [{"kernel": n, "variant": v, **meta[n], "results": r}
                    for (n, v), r in results.items()],
    }
    with open(os.path.join(RESULTS_DIR, "kernels.json.tmp"), "w", encoding="utf-8") as f:
        f.write(_compact_json(data))
    os.replace(os.path.join(RESULTS_DIR, "kernels.json.tmp"), os.path.join(RESULTS_DIR, "kernels.json"))
    full_md = ("# rumbo kernel suite\n\n" + md
               + ("\n![kernel chart](kernels.png)\n" if not chart_err else ""))
    with open(os.path.join(RESULTS_DIR, "kernels.md.tmp"), "w", encoding="utf-8") as f:
        f.write(full_md)
    os.replace(os.path.join(RESULTS_DIR, "kernels.md.tmp"), os.path.join(RESULTS_DIR, "kernels.md"))
    _last["md"] = md
    _last["geo"] = geo

    # Summary rows for latest.md: one per kernel (steady-state min), then the geomeans.
    rows = []
    for (name, variant), res in results.items():
        row = Row("kernel" + (" (parallel)" if variant == "parallel" else ""),
                  f"{name}: steady-state min, {meta[name]['size']}", "ms")
        for b in BACKENDS:
            r = res[b]
            if "skip" in r:
                val = None
            elif "error" in r:
                val = NA(_fail_text(r, 60))
            else:
                val = r["steady_min_s"] * 1e3
            setattr(row, b, val)
        row.extra = {b: {k: v for k, v in res[b].items() if k != "raw"} for b in BACKENDS}
        rows.append(row)
    targets = {"steady rumbo/numba": Target("abs", 1.0, "geomean ≤ 1.0"),
               "first call rumbo/numba": Target("abs", 0.5, "geomean ≤ 0.5")}
    for variant, g in geo.items():
        for key in ("steady rumbo/numba", "first call rumbo/numba", "compile rumbo/numba",
                    "steady rumbo/numpy"):
            v = g[key]
            row = Row("kernel geomean" + (" (parallel)" if variant == "parallel" else ""),
                      f"{key} over {v['n']} kernels", "×",
                      target=targets.get(key, Target("info")) if variant == "serial"
                      else Target("info"))
            row.rumbo = v["value"] if v["value"] is not None else NA("no kernel ran on both")
            rows.append(row)
    return rows


def markdown_section():
    if "md" not in _last:
        return None
    return ("Kernel suite (bench_kernels.py; also results/kernels.md, kernels.json, kernels.png)",
            _last["md"])
