"""The `rumbo` command (also `python -m rumbo`).

    rumbo -s                              system report (like `numba -s`)
    rumbo annotate FILE.py [-o OUT.html] [ARGS...]
                                          run FILE.py, then write the HTML annotation report
                                          of every function it compiled
    rumbo --annotate-html OUT.html FILE.py [ARGS...]   (Numba's spelling of the same)
    rumbo cache list [PATH]               cache=True entries for the sources at PATH (a file
                                          or folder; default: here, plus the cache folders)
    rumbo cache clear [PATH]              remove them
"""

import argparse
import os
import sys


def _row(key, value):
    return f"{key:<34}: {value}"


def sysinfo():
    """The system report, as text."""
    import datetime
    import platform

    import rumbo
    from rumbo import _core, config

    triple, cpu, features, vector = _core.host_info()
    major, minor, patch = _core.llvm_version()
    enabled = sorted(f[1:] for f in features.split(",") if f.startswith("+"))
    out = ["System info:", "-" * 80]
    out.append("__Time Stamp__")
    out.append(_row("Report started (local time)", datetime.datetime.now().isoformat(sep=" ", timespec="seconds")))
    out.append("")
    out.append("__Hardware Information__")
    out.append(_row("Machine", platform.machine()))
    out.append(_row("CPU Name", cpu))
    out.append(_row("CPU Count", os.cpu_count()))
    if hasattr(os, "sched_getaffinity"):
        out.append(_row("CPUs available to this process", len(os.sched_getaffinity(0))))
    out.append(_row("Target triple", triple))
    out.append("CPU Features:")
    line = " "
    for f in enabled:
        if len(line) + len(f) + 1 > 80:
            out.append(line)
            line = " "
        line += " " + f
    if line.strip():
        out.append(line)
    out.append("")
    out.append("__OS Information__")
    out.append(_row("Platform Name", platform.platform()))
    out.append(_row("OS specific info", " ".join(platform.libc_ver()) or "unknown"))
    out.append("")
    out.append("__Python Information__")
    out.append(_row("Python Compiler", platform.python_compiler()))
    out.append(_row("Python Implementation", platform.python_implementation()))
    out.append(_row("Python Version", platform.python_version()))
    out.append(_row("Python Executable", sys.executable))
    out.append("")
    out.append("__rumbo Toolchain Versions__")
    out.append(_row("rumbo Version", rumbo.__version__))
    out.append(_row("LLVM Version", f"{major}.{minor}.{patch} (statically linked)"))
    out.append("")
    out.append("__NumPy Information__")
    try:
        import numpy

        out.append(_row("NumPy Version", numpy.__version__))
    except ImportError:
        out.append(_row("NumPy Version", "not installed"))
    out.append("")
    out.append("__Vector Math Library__")
    if vector:
        out.append(_row("Vector math library", f"{vector} (glibc libmvec; loop vectorizer calls it)"))
    else:
        out.append(_row("Vector math library", "none (vector math calls stay scalar)"))
    out.append("")
    out.append("__Threading Layer Information__")
    out.append(_row("Threading layer", "serial (no parallel backend yet: prange runs serially)"))
    out.append(_row("NUM_THREADS", getattr(config, "NUM_THREADS", 1)))
    out.append("")
    out.append("__Caching__")
    from . import _cache

    cache_dir = _cache.override_root()
    if cache_dir:
        out.append(_row("Cache directory", f"{cache_dir} (RUMBO_CACHE_DIR/NUMBA_CACHE_DIR)"))
    else:
        out.append(_row("Cache directory", "__pycache__ beside each source file"))
        out.append(_row("Fallback (read-only sources)", _cache.user_cache_root()))
    out.append("")
    out.append("__Debugging Flags__")
    flags = [name for name in config._DUMP_FLAGS if getattr(config, name)]
    out.append(_row("Stage dumps on", ", ".join(flags) or "none"))
    out.append("")
    out.append("__Environment Variables__")
    env = sorted((k, v) for k, v in os.environ.items() if k.startswith(("RUMBO_", "NUMBA_")))
    if env:
        out.extend(_row(k, v) for k, v in env)
    else:
        out.append("(no RUMBO_* or NUMBA_* variables set)")
    return "\n".join(out) + "\n"


def annotate(path, output=None, script_args=()):
    """Runs the script at `path` (as `__main__`, with `script_args` as its arguments),
    records every dispatcher it creates, and writes the HTML report to `output`
    (default: FILE.html in the current directory). Returns the script's exit status."""
    import runpy
    import traceback

    from . import dispatcher as _dispatcher
    from .annotate import write_report

    path = os.path.abspath(path)
    if output is None:
        output = os.path.splitext(os.path.basename(path))[0] + ".html"
    created = []
    saved_argv, saved_path = sys.argv[:], sys.path[:]
    sys.argv = [path, *script_args]
    sys.path.insert(0, os.path.dirname(path))
    _dispatcher._created = created
    status = 0
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # the report of what did compile is still useful
        traceback.print_exc()
        status = 1
    finally:
        _dispatcher._created = None
        sys.argv, sys.path[:] = saved_argv, saved_path
    compiled = [d for d in created if d._specializations()]
    write_report(compiled, output)
    n = sum(len(d._specializations()) for d in compiled)
    print(f"rumbo: wrote {output}: {n} specialization(s) of {len(compiled)} function(s)", file=sys.stderr)
    return status


_ANNOTATE_USAGE = """usage: rumbo annotate FILE.py [-o OUT.html] [ARGS...] [-- ARGS...]

Runs FILE.py as __main__ with ARGS, records every function it compiles with @jit/@njit,
and writes one HTML page about them to OUT.html (default: FILE.html in the current
directory). Arguments after `--` all go to the script, even those named like -o.
"""


def _annotate_command(argv):
    output, file, rest = None, None, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            rest += argv[i + 1 :]
            break
        if a in ("-o", "--output") and i + 1 < len(argv):
            output = argv[i + 1]
            i += 2
            continue
        if a.startswith("--output="):
            output = a.split("=", 1)[1]
        elif a in ("-h", "--help") and file is None:
            sys.stdout.write(_ANNOTATE_USAGE)
            return 0
        elif file is None:
            file = a
        else:
            rest.append(a)
        i += 1
    if file is None:
        sys.stderr.write(_ANNOTATE_USAGE)
        return 2
    return annotate(file, output, rest)


_CACHE_USAGE = """usage: rumbo cache list [PATH]
       rumbo cache clear [PATH]

Lists or removes the cache=True entries of the sources at PATH (a .py file or a folder,
default the current folder): their __pycache__ folders and their places under
RUMBO_CACHE_DIR/NUMBA_CACHE_DIR or the per-user cache. Without PATH, every entry in the
RUMBO_CACHE_DIR/NUMBA_CACHE_DIR or per-user cache folder is included too.
"""


def _cache_command(argv):
    from . import _cache

    if len(argv) not in (1, 2) or argv[0] not in ("list", "clear"):
        sys.stderr.write(_CACHE_USAGE)
        return 2
    path = argv[1] if len(argv) == 2 else None
    return (_cache.list_entries if argv[0] == "list" else _cache.clear)(path)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["cache"]:
        return _cache_command(argv[1:])
    if argv[:1] == ["annotate"]:
        return _annotate_command(argv[1:])
    if argv[:1] == ["--annotate-html"]:
        if len(argv) < 3:
            print("usage: rumbo --annotate-html OUT.html FILE.py [ARGS...]", file=sys.stderr)
            return 2
        return annotate(argv[2], argv[1], argv[3:])
    parser = argparse.ArgumentParser(
        prog="rumbo",
        description="rumbo, a JIT compiler for numeric Python",
        epilog="commands:\n  annotate FILE.py [-o OUT.html] [ARGS...]   run a script, write the HTML "
        "annotation report\n  --annotate-html OUT.html FILE.py [ARGS...]   the same, Numba's spelling"
        "\n  cache list [PATH] | cache clear [PATH]      show or remove cache=True entries",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-s", "--sysinfo", action="store_true", help="print a system report")
    args = parser.parse_args(argv)
    if args.sysinfo:
        sys.stdout.write(sysinfo())
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
