"""Measurement subprocess for bench_objmode.  Not run directly.

    RUMBO_BENCH_BACKEND=python|numba|rumbo python bench/_objmode_worker.py '{"n": ..., "repeats": ...}'

An object-mode function (it builds a list of Python objects, so it cannot
compile in nopython mode) whose numeric loop over `n` elements is lifted by
the JITs and run by CPython for the "python" backend.  The result is checked
against CPython's before timing; prints `@@RESULT {json}`.
"""

import gc
import json
import math
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 1)[0])

from _backend import BACKEND, JITTED, jit  # noqa: E402

RESULT_MARK = "@@RESULT "


def lifted_loop(a):
    log = []  # Python objects: this function runs in object mode
    s = 0.0
    for i in range(a.shape[0]):  # the loop lifted out and compiled
        s += math.sqrt(a[i]) * 0.5 + a[i] * a[i]
    log.append(("done", s))
    return s, log


def main():
    import numpy as np

    spec = json.loads(sys.argv[1])
    n, repeats = spec["n"], spec["repeats"]
    a = np.random.default_rng(0).random(n)
    expected = lifted_loop(a)[0]
    f = jit(forceobj=True)(lifted_loop) if JITTED else lifted_loop
    t0 = time.perf_counter()
    got = f(a)[0]
    first = time.perf_counter() - t0
    result = {"backend": BACKEND, "first_call_s": first}
    if abs(got - expected) > 1e-9 * abs(expected):
        result["error"] = f"wrong result {got!r}, expected {expected!r}"
    else:
        samples = []
        gc.disable()
        for _ in range(repeats):
            t0 = time.perf_counter()
            f(a)
            samples.append(time.perf_counter() - t0)
        gc.enable()
        result["samples"] = samples
    sys.stdout.write(RESULT_MARK + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
