"""The debugging surface: stage dumps (RUMBO_/NUMBA_ DUMP_* flags), the inspect APIs, the
HTML annotation report (checked in headless Chromium when available) and `rumbo -s`.

Expectations check the stable parts of each output (banners, structure, LLVM 19's remark
wording), not block numbers or register choices, so IR and codegen work elsewhere does not
break them.

Browser tests run when `chromium` is installed. When it is missing they skip, unless
RUMBO_BROWSER_TESTS=1 and the tests run as root: then they install Debian's `chromium` with
apt-get first (about 40 s). `make test-browser` does exactly that. Screenshots are written
to tests/artifacts/ (not committed).
"""

import html.parser
import os
import re
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from conftest import IS_NUMBA

if IS_NUMBA:
    pytest.skip("rumbo's own debugging surface", allow_module_level=True)

import rumbo  # noqa: E402
from rumbo import _core, config, njit  # noqa: E402
from rumbo.annotate import loop_verdict  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(HERE, "artifacts")
PYTHON = sys.executable


# ---------------------------------------------------------------------------
# Functions under test (defined at module level: the compiler reads this file)
# ---------------------------------------------------------------------------


def loop_sum(a, n):
    s = 0.0
    for i in range(n):
        s += a[i] * 2.0
    return s


def strict_sum(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def fast_dot(a, b):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * b[i]
    return s


def square(x):
    return x * x


def calls_square(x):
    return square_jit(x) + 1.0


square_jit = njit(square)


def scalar_add(x, y):
    return x + y


@pytest.fixture
def flags():
    """Sets dump flags through rumbo.config for one test, then restores them."""
    saved = {name: getattr(config, name) for name in config._DUMP_FLAGS}

    def set_flags(**values):
        for name, value in values.items():
            setattr(config, name, value)

    yield set_flags
    for name, value in saved.items():
        setattr(config, name, value)


def fresh(func, **options):
    """A new dispatcher, so the next call compiles (and dumps) again."""
    return njit(**options)(func)


# ---------------------------------------------------------------------------
# 1. Flags
# ---------------------------------------------------------------------------


#: The environment without dump flags, for subprocesses whose output is checked.
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("RUMBO_DUMP", "NUMBA_DUMP", "RUMBO_DEBUG", "NUMBA_DEBUG"))}


def _flags_in_subprocess(env):
    code = "import rumbo, json; from rumbo import _core, config; print(json.dumps([config.DUMP_IR, config.DUMP_CFG, _core.dump_flags()]))"
    out = subprocess.run([PYTHON, "-c", code], env={**CLEAN_ENV, **env}, capture_output=True, text=True, check=True)
    import json

    return json.loads(out.stdout)


def test_flags_are_read_from_the_environment_at_import():
    ir, cfg, core = _flags_in_subprocess({"NUMBA_DUMP_IR": "1", "RUMBO_DUMP_CFG": "1"})
    assert ir and cfg
    assert core["DUMP_IR"] and core["DUMP_CFG"] and not core["DUMP_LLVM"]
    # RUMBO_ wins over NUMBA_.
    ir, _, core = _flags_in_subprocess({"NUMBA_DUMP_IR": "1", "RUMBO_DUMP_IR": "0"})
    assert not ir and not core["DUMP_IR"]


def test_setting_a_config_attribute_reaches_the_compiler(flags):
    flags(DUMP_ASSEMBLY=True)
    assert _core.dump_flags()["DUMP_ASSEMBLY"]
    flags(DUMP_ASSEMBLY=False)
    assert not _core.dump_flags()["DUMP_ASSEMBLY"]


def test_no_output_when_flags_are_off(flags, capsys):
    flags(**{name: False for name in config._DUMP_FLAGS})
    assert fresh(scalar_add)(1.0, 2.0) == 3.0
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------------------
# 1b. Each dump
# ---------------------------------------------------------------------------


def test_dump_cfg_prints_text_and_dot(flags, capsys):
    flags(DUMP_CFG=True)
    fresh(loop_sum)(np.arange(4.0), 4)
    out = capsys.readouterr().out
    assert re.search(r"-+ CFG: loop_sum \(after lowering\) -+", out)
    text = out.split("CFG DOT")[0]
    assert re.search(r"^b\d+ -> b\d+ \(true\), b\d+ \(false\)$", text, re.M)
    assert re.search(r"^loops: b\d+ \(back edge from b\d+\)$", text, re.M)
    assert re.search(r"^entry: b0; exits: b\d+", text, re.M)
    dot = out[out.index("digraph") :]
    assert dot.startswith('digraph "loop_sum" {')
    assert "style=dashed" in dot  # the back edge
    assert dot.split("\n\n")[0].rstrip().endswith("}")


def test_dump_ir_prints_each_stage(flags, capsys):
    flags(DUMP_IR=True)
    fresh(loop_sum)(np.arange(4.0), 4)
    out = capsys.readouterr().out
    lowered = out.index("IR DUMP: loop_sum (after lowering)")
    typed = out.index("IR DUMP: loop_sum(array(float64, 1d, C), int64) (after typing) -> float64")
    assert lowered < typed
    assert "function loop_sum(a, n) {" in out[lowered:typed]
    assert re.search(r"v\d+ : float64 = const 0\.0  # s", out[typed:])


def test_dump_annotation(flags, capsys):
    flags(DUMP_ANNOTATION=True)
    fresh(loop_sum)(np.arange(4.0), 4)
    out = capsys.readouterr().out
    assert "ANNOTATION: loop_sum(array(float64, 1d, C), int64)" in out
    assert re.search(r"#\s+\d+\s+s = 0\.0\n#\s+#   s = float64", out)
    assert re.search(r"#\s+#   i = int64", out)


def test_dump_llvm_optimized_and_assembly(flags, capsys):
    flags(DUMP_LLVM=True, DUMP_OPTIMIZED=True, DUMP_ASSEMBLY=True)
    fresh(scalar_add)(1.0, 2.0)
    out = capsys.readouterr().out
    llvm = out.index("LLVM DUMP: scalar_add(float64, float64)")
    opt = out.index("OPTIMIZED DUMP: scalar_add(float64, float64)")
    asm = out.index("ASSEMBLY: scalar_add(float64, float64)")
    assert llvm < opt < asm
    assert "define i32 @rumbo.scalar_add." in out[llvm:opt]
    assert "fadd" in out[opt:asm]
    assert re.search(r"^\s+vaddsd|^\s+addsd", out[asm:], re.M)


def test_debug_array_opt_stats_hook(flags, capsys):
    flags(DEBUG_ARRAY_OPT_STATS=True)
    fresh(scalar_add)(1, 2)
    out = capsys.readouterr().out
    assert "rumbo array-opt stats: scalar_add(int64, int64): no array expressions fused" in out


def test_dump_ir_is_printed_even_when_typing_fails(flags, capsys):
    flags(DUMP_IR=True)
    with pytest.raises(rumbo.errors.TypingError):
        fresh(scalar_add)(1.0, (1, 2))
    out = capsys.readouterr().out
    assert "IR DUMP: scalar_add (after lowering)" in out
    assert "(after typing)" not in out


# ---------------------------------------------------------------------------
# 2. Inspect APIs
# ---------------------------------------------------------------------------


def test_inspect_types_signature_file_and_pretty():
    import io

    f = fresh(scalar_add)
    f(1, 2)
    f(1.0, 2.0)
    buf = io.StringIO()
    f.inspect_types(file=buf)
    text = buf.getvalue()
    assert "scalar_add (int64, int64) -> int64" in text and "scalar_add (float64, float64) -> float64" in text
    buf = io.StringIO()
    f.inspect_types(file=buf, signature=(rumbo.float64, rumbo.float64))
    assert "(float64, float64)" in buf.getvalue() and "(int64, int64)" not in buf.getvalue()
    pretty = f.inspect_types(pretty=True)
    assert "x: int64" in repr(pretty)
    assert "<table>" in pretty._repr_html_()
    with pytest.raises(ValueError):
        f.inspect_types(file=buf, pretty=True)


def test_inspect_llvm_and_asm_per_signature():
    f = fresh(scalar_add)
    f(1, 2)
    f(1.0, 2.0)
    llvm = f.inspect_llvm()
    asm = f.inspect_asm()
    assert set(llvm) == set(asm) == {(rumbo.int64, rumbo.int64), (rumbo.float64, rumbo.float64)}
    one = f.inspect_asm(signature=(rumbo.float64, rumbo.float64))
    assert isinstance(one, str) and re.search(r"^\s+v?addsd", one, re.M)
    assert re.search(r"^\s+(add|lea)q?\b", f.inspect_asm((rumbo.int64, rumbo.int64)), re.M)
    # made once per specialization
    assert f.inspect_asm((rumbo.float64, rumbo.float64)) is one


def test_inspect_cfg_object():
    f = fresh(loop_sum)
    f(np.arange(3.0), 3)
    cfgs = f.inspect_cfg()
    (cfg,) = cfgs.values()
    assert cfg.dot.startswith("digraph") and "->" in cfg.dot
    assert len(cfg.loops) == 1
    assert "loops:" in cfg.text
    llvm = f.inspect_cfg(signature=next(iter(cfgs)), level="llvm")
    assert llvm.blocks and llvm.dot.startswith("digraph")
    wrapper = f.inspect_cfg(signature=next(iter(cfgs)), level="llvm", show_wrapper="python")
    assert wrapper.name.endswith("$wrap") and wrapper.blocks


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_inspect_cfg_renders_svg(tmp_path):
    f = fresh(loop_sum)
    f(np.arange(3.0), 3)
    (cfg,) = f.inspect_cfg().values()
    svg = cfg._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    out = tmp_path / "cfg.svg"
    assert cfg.display(filename=str(out)) == str(out)
    assert out.read_text().count("<g id=\"node") == len(cfg.blocks)


def test_cfg_without_graphviz_explains(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    f = fresh(scalar_add)
    f(1, 2)
    (cfg,) = f.inspect_cfg().values()
    assert cfg._repr_svg_() is None
    with pytest.raises(RuntimeError, match="Graphviz"):
        cfg.display()


# ---------------------------------------------------------------------------
# 3. Annotation report
# ---------------------------------------------------------------------------


def test_loop_verdict_wording():
    assert loop_verdict(["vectorized loop (vectorization width: 8, interleaved count: 2)"]) == (
        True, 8, "vectorized (width 8, interleaved 2)")
    vec, _, text = loop_verdict(["loop not vectorized: call instruction cannot be vectorized", "loop not vectorized"])
    assert not vec and text == "not vectorized: call instruction cannot be vectorized"
    assert loop_verdict(["completely unrolled loop with 3 iterations"])[2].startswith("not vectorized: completely unrolled")
    assert loop_verdict([], outer=True)[2].startswith("not vectorized: outer loop")


def test_annotation_info_marks_loops_costs_and_types():
    dot = fresh(fast_dot, fastmath=True)
    strict = fresh(strict_sum)
    caller = fresh(calls_square)
    x = np.arange(100.0)
    assert dot(x, x) == float(x @ x) and strict(x) == x.sum() and caller(3.0) == 10.0

    (info,) = dot.get_annotation_info().values()
    (loop_row,) = [r for r in info["lines"] if r["loop"]]
    assert loop_row["text"].strip().startswith("for i in range")
    assert loop_row["loop"]["vectorized"] and loop_row["loop"]["width"] >= 2
    assert ("i", "int64") in loop_row["types"]
    body = next(r for r in info["lines"] if r["lineno"] == loop_row["lineno"] + 1)
    assert body["llvm"] and body["asm"], "the loop body has code attributed"
    assert any("<" in text and " x double>" in text for _, _, text in body["llvm"]), "vector instructions in the body"

    (info,) = strict.get_annotation_info().values()
    (loop_row,) = [r for r in info["lines"] if r["loop"]]
    assert loop_row["loop"]["verdict"] == "not vectorized: cannot prove it is safe to reorder floating-point operations"

    (info,) = caller.get_annotation_info().values()
    call_row = next(r for r in info["lines"] if "square_jit(" in r["text"])
    assert call_row["cost"] == "call"
    assert ("call", "calls compiled function square") in call_row["costs"]


def test_annotate_html_is_self_contained(tmp_path):
    f = fresh(fast_dot, fastmath=True)
    f(np.ones(8), np.ones(8))
    path = tmp_path / "r.html"
    page = f.annotate_html(str(path))
    assert path.read_text() == page
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page), "no external resources"
    assert 'class="badge loop vectorized"' in page
    assert "basic block" in page  # says how lines are mapped


def _run_script(tmp_path, argv_prefix, name="prog.py"):
    script = tmp_path / name
    script.write_text(textwrap.dedent("""
        import sys
        import numpy as np
        from rumbo import njit

        @njit(fastmath=True)
        def total(a):
            s = 0.0
            for i in range(a.shape[0]):
                s += a[i]
            return s

        @njit
        def unused(x):
            return x

        print(total(np.ones(int(sys.argv[1]))))
    """))
    out = tmp_path / "report.html"
    done = subprocess.run(
        [*argv_prefix, "annotate", str(script), "-o", str(out), "16"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, env=CLEAN_ENV,
    )
    return done, out


def test_rumbo_annotate_command(tmp_path):
    done, out = _run_script(tmp_path, [PYTHON, "-m", "rumbo"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "16.0"  # the script ran with its argument
    assert "1 specialization(s) of 1 function(s)" in done.stderr
    page = out.read_text()
    assert "total(array(float64, 1d, C)) -&gt; float64" in page
    assert "unused(" not in page  # never called: nothing compiled


def test_console_script_and_numba_spelling(tmp_path):
    exe = os.path.join(os.path.dirname(PYTHON), "rumbo")
    if not os.path.exists(exe):
        pytest.skip("the rumbo console script is not installed in this environment")
    done, out = _run_script(tmp_path, [exe])
    assert done.returncode == 0, done.stderr
    assert out.exists()
    other = tmp_path / "numba-style.html"
    done = subprocess.run([exe, "--annotate-html", str(other), str(tmp_path / "prog.py"), "4"],
                          capture_output=True, text=True, timeout=120, env=CLEAN_ENV)
    assert done.returncode == 0, done.stderr
    assert "total(" in other.read_text()


# ---------------------------------------------------------------------------
# 3b. In a real browser
# ---------------------------------------------------------------------------


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    if os.environ.get("RUMBO_BROWSER_TESTS") == "1" and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=False, capture_output=True)
        return shutil.which("chromium")
    return None


class _Dom(html.parser.HTMLParser):
    """Elements by id with their attributes and text, from a dumped DOM."""

    def __init__(self):
        super().__init__()
        self.by_id, self.stack, self.root = {}, [], None

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": []}
        if tag == "html":
            self.root = el
        if "id" in el["attrs"]:
            self.by_id[el["attrs"]["id"]] = el
        if tag not in ("meta", "br", "img", "link", "input"):
            self.stack.append(el)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for el in self.stack:
            el["text"].append(data)


@pytest.fixture(scope="module")
def chromium():
    exe = _chromium()
    if exe is None:
        pytest.skip("chromium is not installed (RUMBO_BROWSER_TESTS=1 as root installs it)")
    return exe


def _browser(exe, *args):
    flags = ["--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-dev-shm-usage"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")
    return subprocess.run([exe, *flags, *args], capture_output=True, text=True, timeout=120)


def test_report_in_headless_chromium(chromium, tmp_path):
    dot = fresh(fast_dot, fastmath=True)
    strict = fresh(strict_sum)
    x = np.arange(64.0)
    dot(x, x)
    strict(x)
    from rumbo.annotate import write_report

    page = tmp_path / "report.html"
    write_report([dot, strict], str(page))
    info = dot.get_annotation_info()
    (rows,) = [v["lines"] for v in info.values()]
    body_line = next(r["lineno"] for r in rows if r["loop"]) + 1
    target = f"s0-L{body_line}"
    url = f"file://{page}#{target}"

    done = _browser(chromium, "--dump-dom", url)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = _Dom()
    dom.feed(done.stdout)
    assert dom.root["attrs"].get("data-ready") == "1", "the page's script ran"
    sections = [el for el in dom.by_id.values() if el["tag"] == "section"]
    assert [s["attrs"]["data-function"] for s in sections] == ["fast_dot", "strict_sum"]
    # The hash opened the loop body's detail, as a click does.
    row, detail = dom.by_id[target], dom.by_id[target + "-detail"]
    assert "open" in row["attrs"]["class"] and row["attrs"]["aria-expanded"] == "true"
    assert "hidden" not in detail["attrs"]
    assert "x double>" in "".join(detail["text"])
    # Others stay closed.
    closed = [el for k, el in dom.by_id.items() if k.endswith("-detail") and k != target + "-detail"]
    assert closed and all("hidden" in el["attrs"] for el in closed)
    # Loop badges from LLVM's remarks.
    text = {k: "".join(el["text"]) for k, el in dom.by_id.items()}
    loop_rows = [k for k, el in dom.by_id.items() if el["tag"] == "tr" and "vectorized" in text[k]]
    assert any("vectorized (width" in text[k] for k in loop_rows if k.startswith("s0-"))
    assert any("not vectorized: cannot prove it is safe to reorder floating-point operations" in text[k]
               for k in loop_rows if k.startswith("s1-"))

    os.makedirs(ARTIFACTS, exist_ok=True)
    shot = os.path.join(ARTIFACTS, "annotate-report.png")
    if os.path.exists(shot):
        os.remove(shot)
    done = _browser(chromium, f"--screenshot={shot}", "--window-size=1280,1000", url)
    assert done.returncode == 0, done.stderr[-2000:]
    with open(shot, "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------
# 4. System report
# ---------------------------------------------------------------------------


def test_system_report():
    done = subprocess.run([PYTHON, "-m", "rumbo", "-s"], capture_output=True, text=True, timeout=60, check=True,
                          env=CLEAN_ENV)
    out = done.stdout
    triple, cpu, features, vector = _core.host_info()
    for needle in (
        f"rumbo Version                     : {rumbo.__version__}",
        "LLVM Version                      : 19.",
        f"CPU Name                          : {cpu}",
        f"Target triple                     : {triple}",
        "Threading layer                   : serial",
        "Cache directory                   : ",
        "NumPy Version                     : " + np.__version__,
        "Python Version",
    ):
        assert needle in out, needle
    assert ("Vector math library               : " + (vector or "none")) in out
    enabled = [f[1:] for f in features.split(",") if f.startswith("+")]
    if enabled:
        assert enabled[0] in out
