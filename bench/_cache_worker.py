"""Measurement subprocess for bench_cache.  Not run directly.

    python bench/_cache_worker.py '{"backend": ..., "folder": ..., "module": ..., "expr": ...}'

Times, from the first line of this script: `import numpy` plus the backend, then
importing the generated module (decorating its cache=True functions) and evaluating
`expr` (the first call: compile or load from the cache, then run). Prints
`@@RESULT {json}`."""

import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

spec = json.loads(sys.argv[1])
import numpy as np  # noqa: E402

__import__(spec["backend"])
T1 = time.perf_counter()
sys.path.insert(0, spec["folder"])
m = __import__(spec["module"])
value = eval(spec["expr"], {"np": np, "m": m})
T2 = time.perf_counter()
result = {"import": T1 - T0, "first_result": T2 - T1, "value": value}
if spec["backend"] == "rumbo":
    # Proof of where the code came from: cache hits and misses of every function.
    result["hits"] = sum(sum(getattr(m, n).stats.cache_hits.values()) for n in dir(m) if hasattr(getattr(m, n), "stats"))
sys.stdout.write("@@RESULT " + json.dumps(result) + "\n")
