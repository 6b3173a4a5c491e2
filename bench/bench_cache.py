"""cache=True: time to the first result in a fresh process, cold (empty cache: compile
and write the entry) and cached (load it), for the seed softmax and a ~200-line numeric
function, Numba against rumbo.

Every number comes from a fresh subprocess (bench/_cache_worker.py) that imports one
backend and a module generated from bench/_cache_funcs.py with that backend's njit. The
first result is timed after `import numpy` + `import <backend>`, which is reported on
its own row; the target is rumbo's cached first result at most 15 ms beyond the import.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile

import _cache_funcs as F
from _harness import (INFO, NA, Row, Target, WorkerError, fmt_value, log, median,
                      probe_backend, run_worker, summary)

WORKER = "_cache_worker.py"
JITS = ("numba", "rumbo")


def _case(label, source, expr, runs) -> list[Row]:
    folder = tempfile.mkdtemp(prefix="rumbo-bench-cache-")
    try:
        cache = os.path.join(folder, "cache")
        env = {"RUMBO_CACHE_DIR": cache, "NUMBA_CACHE_DIR": cache}
        for b in JITS:
            with open(os.path.join(folder, f"m_{b}.py"), "w") as f:
                f.write(F.HEADER.format(backend=b) + source)
        samples = {b: probe_backend(b) or {"cold": [], "cached": [], "import": []} for b in JITS}
        values = {}
        # Interleaved run by run so drift hits both; run 0 is a discarded warm-up.
        for run_no in range(runs + 1):
            for b in JITS:
                if isinstance(samples[b], NA):
                    continue
                shutil.rmtree(cache, ignore_errors=True)
                for kind in ("cold", "cached"):
                    spec = {"backend": b, "folder": folder, "module": f"m_{b}", "expr": expr}
                    try:
                        r = run_worker(WORKER, spec, timeout=300, env=env)
                    except WorkerError as e:
                        samples[b] = NA(str(e))
                        break
                    if "_error" in r:
                        samples[b] = NA(r["_error"])
                        break
                    values.setdefault(b, r["value"])
                    if b == "rumbo" and kind == "cached" and not r.get("hits"):
                        samples[b] = NA("the second process did not load from the cache")
                        break
                    if run_no:
                        samples[b][kind].append(r["first_result"] * 1e3)
                        samples[b]["import"].append(r["import"] * 1e3)
        if all(b in values for b in JITS) and not math.isclose(values["numba"], values["rumbo"], rel_tol=1e-9):
            samples["rumbo"] = NA(f"result {values['rumbo']!r} differs from Numba's {values['numba']!r}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = []
    for kind, metric, target in (
        ("cold", f"{label}: first result, cold cache", INFO),
        ("cached", f"{label}: first result, cached", Target("abs", 15, "rumbo ≤ 15 ms beyond import")),
        ("import", f"{label}: import numpy + backend", INFO),
    ):
        row = Row("cache=True (fresh process)", metric, "ms", target=target)
        for b in JITS:
            s = samples[b]
            cell = s if isinstance(s, NA) else median(s[kind])
            setattr(row, b, cell)
            if not isinstance(s, NA):
                row.extra[b] = summary(s[kind])
        rows.append(row)
    log(f"cache {label}: " + ", ".join(
        f"{b} cold={fmt_value(r.__dict__[b], 'ms')}" for r in rows[:1] for b in JITS) + ", " + ", ".join(
        f"{b} cached={fmt_value(rows[1].__dict__[b], 'ms')}" for b in JITS))
    return rows


def run(args) -> list[Row]:
    runs = 3 if args.quick else 5
    rows = []
    for label, source, expr in F.CASES:
        rows += _case(label, source, expr, runs)
    return rows
