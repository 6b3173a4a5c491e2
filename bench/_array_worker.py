"""Measurement subprocess for bench_arrays.  Not run directly.

    python bench/_array_worker.py '{"backend": "numpy" | "numba" | "rumbo", ...}'

Imports exactly one backend (see _backend.py), builds the inputs with the same
seed as every other backend, checks each compiled function against NumPy
(relative error <= 1e-12) before timing it, and prints cumulative results as
`@@RESULT {json}` lines.  Every process also times a plain copy of the 10**8
array into a preallocated array (the memory-bandwidth reference).
"""

import gc
import json
import os
import sys
import time

RESULT_MARK = "@@RESULT "
REL = 1e-12


def emit(result):
    sys.stdout.write(RESULT_MARK + json.dumps(result) + "\n")
    sys.stdout.flush()


def short_exc(e, width=300):
    lines = [l.strip() for l in str(e).strip().splitlines() if l.strip()]
    s = f"{type(e).__name__}: {lines[0]}" if lines else type(e).__name__
    where = next((l[4:] for l in lines if l.startswith("--> ")), None)
    if where:
        s += f" ({os.path.basename(where)})"
    return s[:width]


def samples(fn, args, repeats):
    """Seconds per call, `repeats` single calls, gc disabled (as timeit)."""
    out = []
    gc.disable()
    try:
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn(*args)
            out.append(time.perf_counter() - t0)
    finally:
        gc.enable()
    return out


def max_rel(got, expected):
    import numpy as np

    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise ValueError(f"shape {got.shape}, expected {expected.shape}")
    return float(np.max(np.abs(got - expected) / np.abs(expected)))


def main():
    spec = json.loads(sys.argv[1])
    backend = spec["backend"]
    os.environ["RUMBO_BENCH_BACKEND"] = backend
    import numpy as np

    import _backend  # noqa: F401  the JIT itself, imported before the clock starts

    t0 = time.perf_counter()
    import _array_funcs as F  # numba/rumbo compile the signature-decorated softmax pair here
    out = {"import_compile_s": time.perf_counter() - t0, "cases": {}}
    n7, n8 = spec["n7"], spec["n8"]
    r7, r8 = spec["repeats7"], spec["repeats8"]
    jitted = backend in ("numba", "rumbo")

    z7 = np.random.default_rng(0).uniform(0, 10, n7)
    z8 = np.random.default_rng(1).uniform(0, 10, n8)

    def case(name, fn, args, repeats, expected=None, check=None):
        """First call (compile + run for lazy JITs), check, then timing."""
        try:
            t = time.perf_counter()
            got = fn(*args)
            first = time.perf_counter() - t
            if check is not None:
                err = check(got)
                if err:
                    out["cases"][name] = {"error": err}
                    emit(out)
                    return
            out["cases"][name] = {"first_call_s": first, "samples": samples(fn, args, repeats)}
        except Exception as e:  # noqa: BLE001
            out["cases"][name] = {"error": short_exc(e)}
        emit(out)

    def rel_check(expected):
        def check(got):
            rel = max_rel(got, expected)
            return None if rel <= REL else f"wrong result: max relative error {rel:.3g} > {REL:g}"
        return check

    # The bandwidth reference: copy z8 into a preallocated array (pages touched first).
    dst = np.empty_like(z8)
    np.copyto(dst, z8)
    out["cases"]["copy8"] = {"samples": samples(F.copy_numpy, (dst, z8), spec["copy_repeats"])}
    del dst
    # For context: a copy into a new array, i.e. with the page faults that every
    # array-returning call pays (large blocks are mmap'ed afresh per call).
    out["cases"]["copy8_fresh"] = {"samples": samples(np.copy, (z8,), spec["copy_repeats"])}
    emit(out)

    if jitted:
        # Expected results come from NumPy in this process.
        exp7 = np.exp(z7)
        case("exp_array", F.exp_array, (z7,), r7, check=rel_check(exp7))
        case("exp_loop", F.exp_loop, (z7,), r7, check=rel_check(exp7))
        del exp7
        # The loop sum adds in order: compare with NumPy's sequential cumsum.
        seq = float(np.cumsum(z7)[-1])
        case("loop_sum", F.loop_sum, (z7,), r7,
             check=lambda got: None if abs(got - seq) <= REL * abs(seq)
             else f"wrong result: {got!r}, expected {seq!r}")
        for name, z, reps in (("softmax7", z7, r7), ("softmax8", z8, r8)):
            e = np.exp(z)
            expected = e / np.sum(e)
            del e
            case(name, F.softmax_optimized, (z,), reps, check=rel_check(expected))
            del expected
    else:
        case("exp_array", F.exp_numpy, (z7,), r7)
        case("loop_sum", F.sum_numpy, (z7,), r7)
        case("softmax7", F.softmax_numpy, (z7,), r7)
        case("softmax8", F.softmax_numpy, (z8,), r8)


if __name__ == "__main__":
    main()
