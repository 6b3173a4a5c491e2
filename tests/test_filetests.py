"""File-driven snapshot tests of rumbo's typed IR and of its error messages.

``tests/filetests/<name>.py`` defines ``@njit`` functions and a module-level
``CALLS = [("func_name", (args...)), ...]``. The driver imports the file,
makes every listed call (compiling the function; the result must match the
plain Python function's), then prints, for each listed function in order of
first appearance, every compiled signature in compile order (callees compiled
by a caller included)::

    == func_name(int64, float64)
    <dispatcher.inspect_ir() text: rumbo IR with `: type` per value>

and compares that text with ``tests/filetests/<name>.ir``.

``tests/filetests/errors/<name>.py`` has the same shape, but every listed call
must raise a rumbo error; ``<name>.err`` holds, per call, a header
``== func_name(args) -> ErrorClass`` and then ``str(exception)``, with the
tests directory replaced by ``<tests>``.

``RUMBO_BLESS=1 python -m pytest tests/test_filetests.py`` (re)writes the
expected files instead of comparing (except those listed in ``XFAIL``, which
hold hand-written right answers): read every changed expected file before
committing it. ``Dispatcher(#id)`` in the IR is written ``Dispatcher(#N)``.
"""

import difflib
import importlib.util
import math
import os
import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    (os.environ.get("RUMBO_TEST_BACKEND", "").strip() or "rumbo") != "rumbo",
    reason="rumbo IR snapshots (no Numba equivalent)",
)

TESTS_DIR = Path(__file__).resolve().parent
FILETESTS = TESTS_DIR / "filetests"
ERRORS = FILETESTS / "errors"
BLESS = os.environ.get("RUMBO_BLESS", "") not in ("", "0")

#: Files whose snapshot shows a known bug, by path relative to filetests/:
#: their expected file holds the right output (written by hand, not blessed),
#: so the test fails until the bug is fixed (then it XPASSes: drop the entry).
XFAIL = {}


def _params(directory):
    out = []
    for path in sorted(directory.glob("*.py")):
        key = path.relative_to(FILETESTS).with_suffix("").as_posix()
        marks = []
        if key in XFAIL:
            marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[key]))
        out.append(pytest.param(path, id=key, marks=marks))
    return out


def _normalize_ir(text):
    # Dispatcher ids count the dispatchers created in the process so far.
    return re.sub(r"Dispatcher\(#\d+\)", "Dispatcher(#N)", text)


def _load(path, package):
    name = f"rumbo_filetests.{package}{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _same(got, expected):
    if isinstance(expected, tuple):
        return (
            isinstance(got, tuple)
            and len(got) == len(expected)
            and all(_same(g, e) for g, e in zip(got, expected))
        )
    # Numba's typing unifies int and float paths to float (and may return a
    # number where Python returns a bool), so numbers compare by value.
    if isinstance(expected, float) and math.isnan(expected):
        return isinstance(got, float) and math.isnan(got)
    return type(got) in (bool, int, float, type(expected)) and got == expected


def _check_snapshot(path, text):
    text = text.rstrip("\n") + "\n"
    key = path.relative_to(FILETESTS).with_suffix("").as_posix()
    if BLESS and key not in XFAIL:
        path.write_text(text)
        return
    if not path.exists():
        pytest.fail(f"{path.name} is missing: run with RUMBO_BLESS=1 and read the result")
    expected = path.read_text()
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), text.splitlines(True), f"{path.name} (expected)", "actual"
            )
        )
        pytest.fail(f"{path.name} differs (RUMBO_BLESS=1 rewrites it):\n{diff}", pytrace=False)


@pytest.mark.parametrize("path", _params(FILETESTS))
def test_ir_snapshot(path):
    module = _load(path, "")
    names = []
    for name, args in module.CALLS:
        func = getattr(module, name)
        if name not in names:
            names.append(name)
        try:
            expected = func.py_func(*args)
        except Exception as exc:  # the compiled function must raise the same
            with pytest.raises(type(exc)):
                func(*args)
        else:
            got = func(*args)
            assert _same(got, expected), f"{name}{args!r}: got {got!r}, expected {expected!r}"
    parts = []
    for name in names:
        for key, ir in getattr(module, name).inspect_ir().items():
            header = f"== {name}({', '.join(str(t) for t in key)})"
            parts.append(f"{header}\n{_normalize_ir(ir).rstrip()}\n")
    _check_snapshot(path.with_suffix(".ir"), "\n".join(parts))


@pytest.mark.parametrize("path", _params(ERRORS))
def test_error_snapshot(path):
    from rumbo.errors import NumbaError

    module = _load(path, "errors.")
    parts = []
    for name, args in module.CALLS:
        with pytest.raises(NumbaError) as info:
            getattr(module, name)(*args)
        message = str(info.value).replace(str(TESTS_DIR), "<tests>")
        arg_text = ", ".join(repr(a) for a in args)
        parts.append(f"== {name}({arg_text}) -> {type(info.value).__name__}\n{message.rstrip()}\n")
    _check_snapshot(path.with_suffix(".err"), "\n".join(parts))
