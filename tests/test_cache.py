"""cache=True: entries written by one process and loaded by the next without compiling.

Every test runs small scripts in fresh processes, with the sources in a temporary folder
and RUMBO_CACHE_DIR (or the folder's __pycache__) there too. A process that compiled
anything prints `rumbo: compiled ...` on stderr (RUMBO_COMPILE_TIMINGS), so "loaded
without compiling" is checked directly; each script prints its results and the
dispatchers' cache stats as one JSON line."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import IS_NUMBA, errors

pytestmark = pytest.mark.skipif(IS_NUMBA, reason="rumbo's cache")

PYTHON = sys.executable

MODULE = """
import numpy as np
from rumbo import njit
from helpers import twice

SCALE = 2.0

@njit(cache=True)
def softmax(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)

@njit(cache=True)
def scaled(x):
    return twice(x) * SCALE

@njit(cache=True)
def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)
"""

HELPERS = """
from rumbo import njit

@njit
def twice(x):
    return x + x
"""

RUN = """
import json, sys
import numpy as np
import mod
out = {
    "softmax": [round(v, 12) for v in mod.softmax(np.arange(4.0)).tolist()],
    "scaled": mod.scaled(3.0),
    "fact": mod.fact(10),
}
stats = {}
for name in ("softmax", "scaled", "fact"):
    s = getattr(mod, name).stats
    stats[name] = [sum(s.cache_hits.values()), sum(s.cache_misses.values())]
out["stats"] = stats
print(json.dumps(out))
"""


def write(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(textwrap.dedent(text))
    # A rewrite within the same second must still look new to anything keyed on mtime.
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    return path


def run(folder, script=RUN, env=None, check=True):
    """Runs `script` in `folder`; returns (parsed last stdout line, stderr)."""
    full = dict(os.environ, RUMBO_COMPILE_TIMINGS="1", PYTHONDONTWRITEBYTECODE="1")
    full.pop("NUMBA_CACHE_DIR", None)
    full.setdefault("RUMBO_CACHE_DIR", os.path.join(folder, "cache"))
    full.update(env or {})
    done = subprocess.run([PYTHON, "-c", textwrap.dedent(script)], cwd=folder, capture_output=True,
                          text=True, timeout=120, env=full)
    if check:
        assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    return (json.loads(lines[-1]) if lines else None), done.stderr


def compiled(stderr):
    """Names of the functions a process compiled."""
    return [line.split()[2].split("(")[0] for line in stderr.splitlines() if line.startswith("rumbo: compiled")]


def entries(folder):
    out = []
    for dirpath, _, names in os.walk(folder):
        out += [os.path.join(dirpath, n) for n in names if n.endswith(".rumbo")]
    return sorted(out)


@pytest.fixture
def project(tmp_path):
    folder = str(tmp_path)
    write(folder, "mod.py", MODULE)
    write(folder, "helpers.py", HELPERS)
    return folder


def test_second_process_loads_without_compiling(project):
    first, err1 = run(project)
    assert first["stats"] == {"softmax": [0, 1], "scaled": [0, 1], "fact": [0, 1]}
    assert {"softmax", "scaled", "twice", "fact"} <= set(compiled(err1))
    second, err2 = run(project)
    assert compiled(err2) == []
    assert second["stats"] == {"softmax": [1, 0], "scaled": [1, 0], "fact": [1, 0]}
    assert {k: v for k, v in second.items() if k != "stats"} == {k: v for k, v in first.items() if k != "stats"}
    assert second["scaled"] == 12.0 and second["fact"] == 3628800


@pytest.mark.parametrize("cause", ["source", "callee_in_other_module", "global_constant", "options"])
def test_each_change_recompiles(project, cause):
    run(project)
    if cause == "source":
        write(project, "mod.py", MODULE.replace("return twice(x) * SCALE", "return twice(x) * SCALE + 1"))
        expected = 13.0
    elif cause == "callee_in_other_module":
        write(project, "helpers.py", HELPERS.replace("return x + x", "return x + x + x"))
        expected = 18.0
    elif cause == "global_constant":
        write(project, "mod.py", MODULE.replace("SCALE = 2.0", "SCALE = 3.0"))
        expected = 18.0
    else:
        write(project, "mod.py", MODULE.replace("@njit(cache=True)\ndef scaled", "@njit(cache=True, fastmath=True)\ndef scaled"))
        expected = 12.0
    out, err = run(project)
    assert out["scaled"] == expected
    assert out["stats"]["scaled"] == [0, 1]
    assert "scaled" in compiled(err)
    # the others still load
    assert out["stats"]["softmax"] == [1, 0]


@pytest.mark.parametrize("part", ["rumbo_files", "llvm", "cpu", "cpu_features", "python"])
def test_environment_changes_recompile(project, part):
    run(project)
    patched = "import rumbo._cache as c\n" \
              "parts = c._environment_parts\n" \
              f"c._environment_parts = lambda: dict(parts(), {part}='changed')\n" + textwrap.dedent(RUN)
    out, err = run(project, patched)
    assert out["stats"] == {"softmax": [0, 1], "scaled": [0, 1], "fact": [0, 1]}
    assert "softmax" in compiled(err)


def test_cache_folders(project, tmp_path):
    env = {"RUMBO_CACHE_DIR": ""}
    run(project, env=env)
    # default: __pycache__ beside the source
    assert any("__pycache__" in e and "scaled." in e for e in entries(project))
    numba_dir = str(tmp_path / "numba-cache")
    out, _ = run(project, env={"RUMBO_CACHE_DIR": "", "NUMBA_CACHE_DIR": numba_dir})
    assert out["stats"]["scaled"] == [0, 1]
    assert any("scaled." in e for e in entries(numba_dir))


def test_read_only_source_folder_falls_back_to_user_cache(project, tmp_path):
    # a file where __pycache__ would go: the folder cannot hold the cache
    write(project, "__pycache__", "not a folder")
    home = str(tmp_path / "xdg")
    env = {"RUMBO_CACHE_DIR": "", "XDG_CACHE_HOME": home}
    out, _ = run(project, env=env)
    assert out["stats"]["scaled"] == [0, 1]
    assert any("scaled." in e for e in entries(os.path.join(home, "rumbo")))
    out, err = run(project, env=env)
    assert out["stats"]["scaled"] == [1, 0] and compiled(err) == []


def test_eight_processes_at_once_leave_one_valid_entry(project):
    env = dict(os.environ, RUMBO_COMPILE_TIMINGS="1", RUMBO_CACHE_DIR=os.path.join(project, "cache"))
    procs = [subprocess.Popen([PYTHON, "-c", textwrap.dedent(RUN)], cwd=project, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    results = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [r[1] for r in results]
    values = [json.loads(out.strip().splitlines()[-1]) for out, _ in results]
    assert all(v["scaled"] == 12.0 and v["fact"] == 3628800 for v in values)
    files = entries(os.path.join(project, "cache"))
    assert len([f for f in files if os.path.basename(f).startswith("scaled.")]) == 1
    assert not [f for dp, _, ns in os.walk(project) for f in ns if f.endswith(".tmp")]
    out, err = run(project)
    assert compiled(err) == [] and out["stats"]["scaled"] == [1, 0]


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "foreign"])
def test_damaged_entries_are_replaced(project, damage):
    first, _ = run(project)
    files = entries(os.path.join(project, "cache"))
    target = next(f for f in files if os.path.basename(f).startswith("scaled."))
    data = open(target, "rb").read()
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        i = len(data) - 40
        data = data[:i] + bytes([data[i] ^ 0x10]) + data[i + 1 :]
    elif damage == "garbage":
        data = os.urandom(len(data))
    elif damage == "empty":
        data = b""
    else:  # another function's intact entry under this name
        data = open(next(f for f in files if os.path.basename(f).startswith("fact.")), "rb").read()
    with open(target, "wb") as f:
        f.write(data)
    out, err = run(project)
    assert out["scaled"] == first["scaled"] and out["fact"] == first["fact"]
    assert out["stats"]["scaled"] == [0, 1] and "scaled" in compiled(err)
    out, err = run(project)
    assert out["stats"]["scaled"] == [1, 0] and compiled(err) == []


def test_damaged_callee_entry_recompiles_the_caller(project):
    run(project)
    target = next(f for f in entries(os.path.join(project, "cache")) if os.path.basename(f).startswith("twice."))
    with open(target, "r+b") as f:
        f.truncate(10)
    out, err = run(project)
    assert out["scaled"] == 12.0 and out["stats"]["scaled"] == [0, 1]


FULL_DISK = """
import resource, signal, warnings
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))   # every entry write fails: EFBIG
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
""" + textwrap.indent(textwrap.dedent(RUN), "    ") + """
print(json.dumps({"warnings": [str(w.message) for w in caught]}))
"""


def test_full_disk_means_one_warning_and_no_cache(project):
    out, err = run(project, FULL_DISK)
    assert len(out["warnings"]) == 1, out["warnings"]
    assert "could not write" in out["warnings"][0]
    assert not entries(os.path.join(project, "cache"))


UNWRITABLE = FULL_DISK.replace("resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))", "pass")


def test_unusable_cache_folder_means_one_warning(project):
    write(project, "blocker", "a file, so no folder can be made below it")
    out, err = run(project, UNWRITABLE, env={"RUMBO_CACHE_DIR": os.path.join(project, "blocker", "cache")})
    assert len(out["warnings"]) == 1 and "no writable cache directory" in out["warnings"][0]


SPECIAL = """
import json
import numpy as np
from rumbo import njit, prange

class Oops(Exception):
    pass

@njit("float64(float64)", cache=True)
def half(x):
    return x / 2

@njit(cache=True)
def check(x):
    if x < 0:
        raise Oops("negative")
    return x

@njit(cache=True, parallel=True)
def total(n):
    s = 0.0
    for i in prange(n):
        s += i * 0.5
    return s

@njit(cache=True, parallel=True)
def scaled_sum(a):
    out = np.empty_like(a)
    for i in prange(a.shape[0]):
        out[i] = a[i] * 2.0
    return np.sum(out * 0.5 + 1.0)
"""

SPECIAL_RUN = """
import json, io, contextlib, sys
import numpy as np
import special
try:
    special.check(-1.0)
    raised = None
except special.Oops as e:
    raised = str(e)
print(json.dumps({"half": special.half(5.0), "check": special.check(2.0), "raised": raised,
                  "total": special.total(10), "scaled_sum": float(special.scaled_sum(np.arange(100000.0))),
                  "hits": [sum(getattr(special, n).stats.cache_hits.values()) for n in ("half", "check", "total", "scaled_sum")]}))
# introspection of loaded code compiles it again, aside
text = io.StringIO()
with contextlib.redirect_stdout(text):
    special.total.parallel_diagnostics(level=2)
    special.total.inspect_types()
llvm = special.total.inspect_llvm()
assert "define" in next(iter(llvm.values())), llvm
assert "float64" in text.getvalue() and "Parallel" in text.getvalue(), text.getvalue()
assert next(iter(special.half.inspect_asm().values()))
assert len(special.total.signatures) == 1
print(json.dumps({"inspected": True}))
"""


def test_signatures_user_exceptions_parallel_and_introspection(project):
    write(project, "special.py", SPECIAL)
    no_introspection = SPECIAL_RUN.replace("# introspection", "sys.exit(0)\n#")
    first, _ = run(project, no_introspection)
    second, err = run(project, no_introspection)
    assert compiled(err) == []
    assert second["hits"] == [1, 1, 1, 1]
    for out in (first, second):
        assert out["half"] == 2.5 and out["check"] == 2.0 and out["raised"] == "negative" and out["total"] == 22.5
        assert out["scaled_sum"] == sum(i + 1.0 for i in range(100000))
    third, _ = run(project, SPECIAL_RUN)
    assert third == {"inspected": True}


def test_stats_attribute_without_cache():
    from rumbo import njit

    @njit
    def f(x):
        return x + 1

    f(1)
    assert f.stats.cache_path is None
    assert not f.stats.cache_hits and not f.stats.cache_misses


def test_cli_list_and_clear(project):
    run(project, env={"RUMBO_CACHE_DIR": ""})
    cli = [PYTHON, "-m", "rumbo", "cache"]
    env = dict(os.environ)
    env.pop("RUMBO_CACHE_DIR", None)
    env.pop("NUMBA_CACHE_DIR", None)
    listed = subprocess.run(cli + ["list", os.path.join(project, "mod.py")], capture_output=True, text=True,
                            env=env, check=True).stdout
    assert "scaled(float64) -> float64" in listed and "softmax(array(float64, 1d, C))" in listed
    assert "twice" not in listed  # helpers.py's entry (kept for mod.py's callers) is not mod.py's
    listed = subprocess.run(cli + ["list", project], capture_output=True, text=True, env=env, check=True).stdout
    assert "twice(float64) -> float64" in listed
    cleared = subprocess.run(cli + ["clear", project], capture_output=True, text=True, env=env, check=True).stdout
    assert "removed" in cleared
    assert not entries(project)


def test_function_without_source_file_fails_as_without_cache():
    import warnings

    namespace = {}
    exec("from rumbo import njit\n@njit(cache=True)\ndef g(x):\n    return x * 3\n", namespace)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # rumbo compiles from source: exec'd code does not compile at all
        with pytest.raises(errors.UnsupportedError, match="source code is not available"):
            namespace["g"](2)
    assert not caught
