"""Array milestone (issue 4): the seed softmax at 10**7 and 10**8, an exp map
and a loop sum over 10**7 float64, against NumPy and Numba, single-threaded,
plus the memory-bandwidth bound measured in the same run.

Every number comes from fresh subprocesses (bench/_array_worker.py) that
import exactly one backend; this module never imports numba or rumbo.
"""

from __future__ import annotations

from _harness import NA, Row, Target, WorkerError, fmt_value, log, probe_backend, run_worker

WORKER = "_array_worker.py"
BACKENDS = ("numpy", "numba", "rumbo")
# Single-threaded: the seed's decorators say parallel=True, which Numba would
# run on all cores; rumbo runs serially, NumPy's ufuncs are single-threaded.
ENV = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1"}
BOUND_FACTOR = 1.5  # softmax reads z twice and writes once; a copy reads once and writes once


def _settings(args) -> dict:
    quick = args.quick
    return {
        "rounds": 1,  # one process per backend (the 10^8 rows make each one long)
        "n7": max(1000, int(10**7 * args.scale)),
        "n8": max(1000, int(10**8 * args.scale)),
        "repeats7": 3 if quick else 5,
        "repeats8": 2 if quick else 3,
        "copy_repeats": 3 if quick else 5,
    }


def _pow10(n: int) -> str:
    s = f"{n:.0e}"  # "1e+07"
    mant, exp = s.split("e")
    return f"10^{int(exp)}" if mant == "1" else f"{n:,}"


def run(args) -> list[Row]:
    cfg = _settings(args)
    res: dict = {}
    for b in BACKENDS:
        na = probe_backend(b) if b != "numpy" else None
        res[b] = na if na else []
    for _ in range(cfg["rounds"]):
        for b in BACKENDS:
            if isinstance(res[b], NA):
                continue
            spec = {"backend": b, **{k: cfg[k] for k in
                                     ("n7", "n8", "repeats7", "repeats8", "copy_repeats")}}
            try:
                r = run_worker(WORKER, spec, timeout=900 * max(1.0, args.scale), env=ENV)
            except WorkerError as e:
                res[b] = NA(str(e))
                continue
            res[b].append(r)
            log(f"arrays {b}: " + ", ".join(
                f"{k}={min(v['samples']) * 1e3:.1f}ms" if "samples" in v else f"{k}=FAIL"
                for k, v in r["cases"].items()))

    def value(b: str, case: str, per: float = 1.0):
        """Min over all samples of all processes, scaled by `per`; or NA."""
        r = res[b]
        if isinstance(r, NA):
            return r
        got = [p["cases"].get(case) for p in r]
        for g, p in zip(got, r):
            if g is None:
                return NA(p.get("_error", "not measured"))
            if "error" in g:
                return NA(g["error"])
        return min(s for g in got for s in g["samples"]) * per

    def samples(b, case):
        r = res[b]
        if isinstance(r, NA):
            return None
        return [s for p in r for s in p["cases"].get(case, {}).get("samples", [])]

    n7, n8 = cfg["n7"], cfg["n8"]
    p7, p8 = _pow10(n7), _pow10(n8)
    rows = []

    def row(bench, metric, unit, case, per, target, cols=BACKENDS):
        r = Row(bench, metric, unit, target=target)
        for b in cols:
            setattr(r, b, value(b, case, per))
            s = samples(b, case)
            if s:
                r.extra[b] = {"samples_s": [round(x, 6) for x in s]}
        rows.append(r)
        return r

    seed_target = Target("vs_numpy", 1.0, "rumbo ≤ numpy (single-threaded)")
    row(f"seed softmax {p7} float64", "softmax_optimized(z); numpy: np.exp(z)/np.sum(np.exp(z))",
        "ms", "softmax7", 1e3, seed_target)
    s8 = row(f"seed softmax {p8} float64",
             "softmax_optimized(z); numpy: np.exp(z)/np.sum(np.exp(z))", "ms", "softmax8", 1e3,
             seed_target)

    # The memory-bandwidth bound: min copy time over every process of the run.
    copies = [s for b in BACKENDS if isinstance(res[b], list)
              for p in res[b] for s in p["cases"]["copy8"]["samples"]]
    copy = min(copies) if copies else None
    crow = Row(f"memory copy {p8} float64", "np.copyto(out, z), out preallocated", "ms",
               numpy=copy * 1e3 if copy else NA("not measured"))
    crow.extra["per_process_min_ms"] = {b: [round(min(p["cases"]["copy8"]["samples"]) * 1e3, 2)
                                            for p in res[b]]
                                        for b in BACKENDS if isinstance(res[b], list)}
    rows.append(crow)
    fresh = [s for b in BACKENDS if isinstance(res[b], list)
             for p in res[b] for s in p["cases"].get("copy8_fresh", {}).get("samples", [])]
    rows.append(Row(f"memory copy {p8} float64", "np.copy(z) into a new array (page faults "
                    "included; for context)", "ms",
                    numpy=min(fresh) * 1e3 if fresh else NA("not measured"),
                    extra={"samples_ms": [round(x * 1e3, 1) for x in fresh]}))
    bound = BOUND_FACTOR * copy if copy else None
    brow = Row(f"seed softmax {p8} vs bandwidth bound",
               f"softmax time / bound; bound = {BOUND_FACTOR:g} × copy time = "
               + (f"{bound * 1e3:.0f} ms" if bound else "n/a"), "×",
               target=Target("abs", 1.5, "rumbo ≤ 1.5× bound"))
    for b in BACKENDS:
        v = getattr(s8, b)
        setattr(brow, b, v / (bound * 1e3) if isinstance(v, float) and bound else
                (v if isinstance(v, NA) else NA("no bound")))
    rows.append(brow)

    exp_target = Target("ratio", 0.25, "rumbo ≤ 0.25× numba")
    ns = 1e9 / n7
    row(f"exp map {p7} float64", "np.exp(a) compiled: ns per element (numpy: np.exp(a))",
        "ns", "exp_array", ns, exp_target)
    r = row(f"exp map {p7} float64",
            "loop out[i] = math.exp(a[i]): ns per element (numpy: np.exp(a))", "ns", "exp_loop",
            ns, exp_target, cols=("numba", "rumbo"))
    r.numpy = value("numpy", "exp_array", ns)
    r = row(f"loop sum {p7} float64", "for i in range(len(a)): s += a[i] (numpy: np.sum(a))",
            "ms", "loop_sum", 1e3, Target("vs_numpy", 1.0, "rumbo ≤ numpy"),
            cols=("numba", "rumbo"))
    r.numpy = value("numpy", "loop_sum", 1e3)

    # First call of the lazily compiled functions (compile + run), for reference.
    for case, label in (("exp_array", "np.exp(a)"), ("exp_loop", "exp loop"),
                        ("loop_sum", "loop sum")):
        fr = Row("first call (compile + run)", f"{label} on {p7} float64", "ms")
        for b in ("numba", "rumbo"):
            rb = res[b]
            if isinstance(rb, NA):
                setattr(fr, b, rb)
                continue
            c = rb[0]["cases"].get(case, {"error": "not measured"})
            setattr(fr, b, NA(c["error"]) if "error" in c else c["first_call_s"] * 1e3)
        rows.append(fr)
    ir = Row("import + compile at decoration", "`import` of the module with the two "
             "signature-decorated softmax functions", "ms")
    for b in ("numba", "rumbo"):
        rb = res[b]
        setattr(ir, b, rb if isinstance(rb, NA) else rb[0]["import_compile_s"] * 1e3)
    rows.append(ir)
    log("arrays: " + ", ".join(f"{b} softmax 10^8 = {fmt_value(getattr(s8, b), 'ms')}"
                               for b in BACKENDS) + f"; bound {fmt_value(bound and bound * 1e3, 'ms')}")
    return rows
