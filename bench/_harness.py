"""Shared helpers for the rumbo benchmark harness.

The harness process itself never imports numba or rumbo: every measurement
runs in a fresh subprocess that imports exactly one backend, so timings of
one JIT cannot be polluted by the other (import side effects, LLVM
initialisation, shared caches).  This module only uses the standard library.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable
RESULT_MARK = "@@RESULT "
_scratch: str | None = None


def scratch_dir() -> str:
    """An empty working directory for `python -c` children, so that '' on
    their sys.path cannot shadow numpy/numba/rumbo with the caller's cwd."""
    global _scratch
    if _scratch is None:
        _scratch = tempfile.mkdtemp(prefix="rumbo-bench-")
        atexit.register(shutil.rmtree, _scratch, ignore_errors=True)
    return _scratch


# --------------------------------------------------------------------------
# Cells: a measured number, or "n/a (reason)".


class NA:
    """A value that could not be measured, with a short reason."""

    def __init__(self, reason: str):
        self.reason = " ".join(str(reason).split()) or "unknown"

    def __repr__(self) -> str:
        return f"NA({self.reason!r})"

    def short(self, width: int = 70) -> str:
        r = self.reason
        return r if len(r) <= width else r[: width - 1] + "…"


class Miss(NA):
    """Measured, but the thing looked for is absent (e.g. the error message
    does not quote the user's line).  Shown as "none (reason)"; counts as a
    missed target rather than n/a."""


def is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


# --------------------------------------------------------------------------
# Targets: how a row decides "met".


@dataclass
class Target:
    """`rumbo <= bound * reference` (kind "ratio" vs numba, "vs_numpy" vs
    numpy) or `rumbo <= bound` (kind "abs").  kind "info" has no target."""

    kind: str
    bound: float = 0.0
    text: str = ""

    def check(self, row: "Row") -> str:
        if self.kind == "info":
            return "n/a"
        r = row.rumbo
        if isinstance(r, Miss):
            return "no"
        if not is_num(r):
            return "n/a"
        if self.kind == "abs":
            return "yes" if r <= self.bound else "no"
        ref = row.numba if self.kind == "ratio" else row.numpy
        if not is_num(ref) or ref <= 0:
            return "n/a"
        return "yes" if r <= self.bound * ref else "no"

    def describe(self) -> str:
        if self.text:
            return self.text
        if self.kind == "ratio":
            return f"rumbo ≤ {self.bound:g}× numba"
        if self.kind == "vs_numpy":
            return f"rumbo ≤ {self.bound:g}× numpy"
        if self.kind == "abs":
            return f"rumbo ≤ {self.bound:g}"
        return "—"


INFO = Target("info")


# --------------------------------------------------------------------------
# Rows.

COLUMNS = ("python", "numpy", "numba", "rumbo")


@dataclass
class Row:
    benchmark: str
    metric: str
    unit: str
    python: Any = None  # None = not applicable; NA = could not measure
    numpy: Any = None
    numba: Any = None
    rumbo: Any = None
    target: Target = field(default_factory=lambda: INFO)
    extra: dict = field(default_factory=dict)  # raw samples etc. (JSON only)

    @property
    def ratio(self) -> Any:
        if is_num(self.rumbo) and is_num(self.numba) and self.numba != 0:
            return self.rumbo / self.numba
        return None

    @property
    def met(self) -> str:
        return self.target.check(self)

    def to_json(self) -> dict:
        def cell(v):
            if isinstance(v, Miss):
                return {"none": v.reason}
            if isinstance(v, NA):
                return {"na": v.reason}
            return v

        d = {"benchmark": self.benchmark, "metric": self.metric, "unit": self.unit}
        for c in COLUMNS:
            d[c] = cell(getattr(self, c))
        d["ratio_rumbo_numba"] = self.ratio
        d["target"] = self.target.describe()
        d["met"] = self.met
        if self.extra:
            d["extra"] = self.extra
        return d


def fmt_value(v: Any, unit: str) -> str:
    if v is None:
        return "—"
    if isinstance(v, Miss):
        return f"none ({v.short()})"
    if isinstance(v, NA):
        return f"n/a ({v.short()})"
    if not is_num(v):
        return str(v)
    if unit in ("lines", "line"):
        return f"{v:.0f}"
    if abs(v) >= 100:
        s = f"{v:.0f}"
    elif abs(v) >= 1:
        s = f"{v:.3g}"
    else:
        s = f"{v:.2g}"
    return f"{s} {unit}"


def fmt_ratio(r: Any) -> str:
    if r is None:
        return "n/a"
    return f"{r:.3g}×"


def _md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: list[Row]) -> str:
    head = ["benchmark", "metric", *COLUMNS, "ratio rumbo/numba", "target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r.benchmark, r.metric]
        cells += [fmt_value(getattr(r, c), r.unit) for c in COLUMNS]
        cells += [fmt_ratio(r.ratio), r.target.describe(), r.met]
        lines.append("| " + " | ".join(_md_escape(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Statistics.


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def geomean(xs: list[float]) -> float | None:
    xs = [x for x in xs if is_num(x) and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def summary(xs: list[float]) -> dict:
    return {"n": len(xs), "median": median(xs), "min": min(xs), "max": max(xs),
            "samples": [round(x, 6) for x in xs]}


# --------------------------------------------------------------------------
# Subprocesses.


class WorkerError(Exception):
    """A measurement subprocess failed; str() is a short reason."""


def _last_error_line(text: str) -> str:
    """The most informative line of a traceback: the final 'Xxx: message'."""
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    for l in reversed(lines):
        if not l.startswith(("File ", "^", "~")) and (":" in l or "Error" in l):
            return l
    return lines[-1] if lines else "no output"


def _run(args: list[str], timeout: float, env: dict | None = None) -> tuple[str, str | None]:
    """Run the venv interpreter with `args` in a fresh process (`env`: extra
    environment variables).  Returns (stdout, None) on success, (stdout so
    far, one-line reason) on failure."""
    env = {**os.environ, **(env or {})}
    env.pop("PYTHONSTARTUP", None)
    try:
        p = subprocess.run([PYTHON, *args], capture_output=True, text=True,
                           timeout=timeout, cwd=scratch_dir(), env=env)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return out, f"timed out after {timeout:.0f}s"
    if p.returncode == 0:
        return p.stdout, None
    text = p.stderr or "\n".join(l for l in p.stdout.splitlines()
                                   if not l.startswith(RESULT_MARK))
    reason = _last_error_line(text)
    if p.returncode < 0:
        try:
            sig = signal.Signals(-p.returncode).name
        except ValueError:
            sig = f"signal {-p.returncode}"
        reason = f"crashed ({sig})" + (f": {reason}" if text.strip() else "")
    return p.stdout, reason


def run_python(args: list[str], timeout: float = 120.0) -> str:
    """Like _run, but raise WorkerError on failure."""
    out, err = _run(args, timeout)
    if err:
        raise WorkerError(err)
    return out


def run_worker(script: str, spec: dict, timeout: float = 120.0, env: dict | None = None) -> dict:
    """Run bench/<script> with a JSON spec as argv[1] in a fresh process.  The
    worker prints `@@RESULT {json}` lines, each a cumulative result; the last
    one is returned.  If the worker died after printing a partial result, the
    dict is returned with the failure reason under "_error"; if it printed
    nothing, WorkerError is raised."""
    out, err = _run([os.path.join(BENCH_DIR, script), json.dumps(spec)], timeout, env)
    for line in reversed(out.splitlines()):
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK):])
            if err:
                result["_error"] = err
            return result
    raise WorkerError(err or "worker printed no result")


# --------------------------------------------------------------------------
# The rumbo build under measurement.


def elf_has_debug_info(path: str) -> bool | None:
    """True if the ELF file has a .debug_info section (a debug build; release
    builds are stripped), None if it cannot be read as 64-bit ELF."""
    import struct

    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF" or head[4] != 2:
                return None
            endian = "<" if head[5] == 1 else ">"
            shoff, = struct.unpack_from(endian + "Q", head, 0x28)
            shentsize, shnum, shstrndx = struct.unpack_from(endian + "HHH", head, 0x3A)
            f.seek(shoff + shstrndx * shentsize)
            sh = f.read(shentsize)
            str_off, str_size = struct.unpack_from(endian + "QQ", sh, 0x18)
            f.seek(str_off)
            names = f.read(str_size)
    except (OSError, struct.error, IndexError):
        return None
    return b".debug_info\0" in names


def pin_rumbo() -> dict:
    """Copy the installed rumbo package (its Python files and the built
    extension) into the scratch directory and put that copy first on every
    child's PYTHONPATH.  Other developers rebuild rumbo (often in debug) while
    benchmarks run; with the copy, one run measures one build throughout.
    Returns a description of the build (path, release/debug, mtime)."""
    import importlib.util

    spec = importlib.util.find_spec("rumbo")
    if spec is None or not spec.submodule_search_locations:
        return {"build": "not installed"}
    src = list(spec.submodule_search_locations)[0]
    dest_root = os.path.join(scratch_dir(), "pinned")
    dest = os.path.join(dest_root, "rumbo")
    shutil.rmtree(dest_root, ignore_errors=True)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.tmp"))
    info: dict = {"source": src, "build": "unknown (extension not found)"}
    sos = sorted(n for n in os.listdir(dest) if n.startswith("_core") and n.endswith(".so"))
    if sos:
        so = os.path.join(dest, sos[0])
        dbg = elf_has_debug_info(so)
        info["build"] = {True: "debug (has debug info)", False: "release (stripped)",
                         None: "unknown"}[dbg]
        info["extension_mtime"] = time.strftime(
            "%Y-%m-%dT%H:%M:%S", time.localtime(os.path.getmtime(os.path.join(src, sos[0]))))
        info["extension_mb"] = round(os.path.getsize(so) / 2**20, 1)
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = dest_root + (os.pathsep + old if old else "")
    return info


# --------------------------------------------------------------------------
# Backend availability (probed once, in a subprocess).

_probe_cache: dict[str, Any] = {}


def probe_backend(name: str) -> NA | None:
    """None if `from <name> import njit` works in a fresh process, else NA."""
    if name not in _probe_cache:
        code = (f"import {name}\n"
                f"if not callable(getattr({name}, 'njit', None)):\n"
                f"    raise ImportError('{name} imported but has no njit (not built?)')\n")
        try:
            run_python(["-c", code], timeout=120)
            _probe_cache[name] = None
        except WorkerError as e:
            _probe_cache[name] = NA(str(e))
    return _probe_cache[name]


def _import_once(module: str, timeout: float) -> float:
    code = ("import time\n"
            "t0 = time.perf_counter()\n"
            f"import {module}\n"
            "t1 = time.perf_counter()\n"
            f"if {module!r} == 'rumbo' and not callable(getattr({module}, 'njit', None)):\n"
            "    raise ImportError('rumbo imported but has no njit (not built?)')\n"
            f"print({RESULT_MARK!r} + repr(t1 - t0))\n")
    out = run_python(["-c", code], timeout)
    vals = [l for l in out.splitlines() if l.startswith(RESULT_MARK)]
    if not vals:
        raise WorkerError("no timing printed")
    return float(vals[-1][len(RESULT_MARK):])


def time_imports(modules: list[str], runs: int, timeout: float = 120.0) -> dict:
    """Wall time (seconds) of `import <module>` in fresh interpreters, `runs`
    samples per module, interleaved across modules so drift hits all alike.
    One discarded warm-up run per module first (it also refreshes .pyc
    caches).  Returns {module: [samples] or NA}; a module that fails once is
    not retried."""
    res: dict = {m: [] for m in modules}
    for i in range(runs + 1):
        for m in modules:
            if isinstance(res[m], NA):
                continue
            try:
                t = _import_once(m, timeout)
            except WorkerError as e:
                res[m] = NA(str(e))
                continue
            if i:
                res[m].append(t)
    return res


# --------------------------------------------------------------------------
# Progress output.

_T0 = time.perf_counter()


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.1f}s] {msg}", file=sys.stderr, flush=True)

