"""Run the rumbo benchmarks: every bench/bench_*.py module's run(args)
(scalar, arrays, kernels, parallel, cache).

    .venv/bin/python bench/run.py [--quick] [--only NAME] [--scale X] [--kernel NAME]
                                  [--parallel-case NAME]

Writes bench/results/latest.md (Markdown table) and bench/results/latest.json
(bench_kernels also writes kernels.md, kernels.json and kernels.png).
This process never imports numba or rumbo: all measurements run in fresh
subprocesses (see _harness.py), which import a copy of rumbo taken when the
run starts (_harness.pin_rumbo), so a concurrent rebuild cannot mix builds.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from importlib import metadata

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)

from _harness import NA, Row, log, markdown_table, pin_rumbo  # noqa: E402

RESULTS_DIR = os.path.join(BENCH_DIR, "results")


def discover() -> dict[str, str]:
    """{short name: module name} for bench/bench_*.py."""
    mods = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(BENCH_DIR, "bench_*.py")))
    return {m[len("bench_"):]: m for m in mods}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats (noisier, ~3x faster)")
    p.add_argument("--only", metavar="NAME", action="append",
                   help="run only bench_NAME.py (repeatable; 'scalar' or 'bench_scalar')")
    p.add_argument("--scale", type=float, default=1.0, metavar="X",
                   help="multiply problem sizes by X (default 1.0)")
    p.add_argument("--kernel", metavar="NAME", action="append",
                   help="bench_kernels: run only this kernel (repeatable)")
    p.add_argument("--no-parallel", action="store_true",
                   help="bench_kernels: skip the parallel=True variants")
    p.add_argument("--parallel-case", metavar="NAME", action="append",
                   help="bench_parallel: run only this case (repeatable: softmax7, softmax8, "
                        "seed7, seed8, bs_arrays, bs_prange, jacobi, nbody)")
    p.add_argument("--out", default=RESULTS_DIR, help="results directory (default bench/results)")
    return p.parse_args(argv)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def environment() -> dict:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=BENCH_DIR,
                                capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": commit,
        "python": platform.python_version(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "numpy": _version("numpy"),
        "numba": _version("numba"),
        "rumbo": _version("rumbo"),
    }


def write_results(rows: list[Row], env: dict, args, elapsed: float, out_dir: str,
                  sections: list[tuple[str, str]] = ()) -> None:
    os.makedirs(out_dir, exist_ok=True)
    mode = ("quick" if args.quick else "full") + f", scale {args.scale:g}"
    build = env.get("rumbo_build", {}).get("build", "?")
    load = env.get("loadavg", {})
    md = [
        "# rumbo benchmarks",
        "",
        f"{env['date']} · commit `{env['commit'] or '?'}` · Python {env['python']} · "
        f"numpy {env['numpy']} · numba {env['numba']} · rumbo {env['rumbo']} ({build} build)",
        f"{env['cpu']} ({env['cpus']} CPUs) · {mode} · took {elapsed:.0f} s · "
        f"load average {load.get('start', '?')} at start, {load.get('end', '?')} at end",
        "",
        "Lower is better everywhere. Every number is from fresh subprocesses that import "
        "only one JIT; see bench/README.md for the method. "
        "`n/a (reason)`: could not be measured; `—`: not applicable.",
        "",
        markdown_table(rows),
    ]
    for title, text in sections:
        md += ["", f"## {title}", "", text]
    data = {"environment": env, "mode": {"quick": args.quick, "scale": args.scale,
                                         "only": args.only, "kernel": args.kernel},
            "elapsed_s": round(elapsed, 1), "rows": [r.to_json() for r in rows]}
    # Write to .tmp files and rename, so an interrupted run leaves the old results.
    for name, text in (("latest.md", "\n".join(md)),
                       ("latest.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")):
        path = os.path.join(out_dir, name)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)


def main(argv=None) -> int:
    args = parse_args(argv)
    available = discover()
    names = list(available)
    if args.only:
        wanted = [n[len("bench_"):] if n.startswith("bench_") else n for n in args.only]
        unknown = [n for n in wanted if n not in available]
        if unknown:
            print(f"unknown benchmark(s) {unknown}; available: {names}", file=sys.stderr)
            return 2
        names = wanted
    t0 = time.perf_counter()
    env = environment()
    env["rumbo_build"] = pin_rumbo()
    env["loadavg"] = {"start": round(os.getloadavg()[0], 2)}
    log(f"rumbo build: {env['rumbo_build'].get('build')} "
        f"(extension built {env['rumbo_build'].get('extension_mtime', '?')}), pinned for this run")
    if not env["rumbo_build"].get("build", "").startswith("release"):
        log("WARNING: the installed rumbo is not a release build; run `make build PROFILE=release`")
    rows: list[Row] = []
    sections: list[tuple[str, str]] = []
    for name in names:
        log(f"== bench_{name}")
        mod = importlib.import_module(available[name])
        try:
            rows += mod.run(args)
            # A module may add a section of its own below the table.
            if callable(getattr(mod, "markdown_section", None)):
                sec = mod.markdown_section()
                if sec:
                    sections.append(sec)
        except Exception as e:  # a broken module must not lose the others' rows
            log(f"bench_{name} failed: {type(e).__name__}: {e}")
            rows.append(Row(f"bench_{name}", "module failed", "", numba=NA(f"{type(e).__name__}: {e}"),
                            rumbo=NA(f"{type(e).__name__}: {e}")))
    elapsed = time.perf_counter() - t0
    env["loadavg"]["end"] = round(os.getloadavg()[0], 2)
    write_results(rows, env, args, elapsed, args.out, sections)
    print(markdown_table(rows))
    for title, text in sections:
        print(f"\n## {title}\n\n{text}")
    log(f"wrote {os.path.relpath(args.out)}/latest.md and latest.json ({elapsed:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
