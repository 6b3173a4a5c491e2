"""Loop-lifting: loops of object-mode functions that type in nopython mode run
natively; the results equal CPython's, other loops stay in object mode."""

import io
import sys

import numpy as np
import pytest

from conftest import IS_NUMBA, jit

if IS_NUMBA:
    pytest.skip("rumbo's lifted-loop introspection", allow_module_level=True)


def objmode(f, **kw):
    return jit(forceobj=True, **kw)(f)


def lifted_of(d):
    (spec,) = [s for s in d._specializations() if s.get("objmode")]
    return spec["lifted"]


def sum_squares(a):
    out = []  # keeps the function in object mode
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * a[i]
    out.append(s)
    return out, s


def test_numeric_loop_is_lifted_and_compiled():
    c = objmode(sum_squares)
    a = np.arange(100.0)
    assert c(a) == sum_squares(a)
    [(line, loop)] = lifted_of(c)
    assert line == sum_squares.__code__.co_firstlineno + 3
    assert [s["args"] for s in loop._specializations()] == [["int64", "array(float64, 1d, C)"]]


def shapes(n):
    acc = []
    t = 0
    for i in range(n):  # appends to a list: stays in object mode
        acc.append(i)
    for j in range(n):  # `j` is read after the loop and may be unbound: not lifted
        t += j
    else:
        t += 100
    k = 0
    while k < 50:
        k += 1
        if k % 7 == 6:
            break
    last = -1
    for m in range(3, n):
        for q in range(m):
            last = m * q
    return acc, t, k, j, last


@pytest.mark.parametrize("n", [0, 1, 5, 12])
def test_loop_shapes_match_cpython(n):
    c = objmode(shapes)
    if n == 0:
        # `j` is unbound after an empty loop: both raise
        with pytest.raises(UnboundLocalError):
            shapes(n)
        with pytest.raises(UnboundLocalError):
            c(n)
        return
    assert c(n) == shapes(n)


def test_only_the_loops_that_type_are_lifted():
    c = objmode(shapes)
    c(5)
    lines = [line for line, _ in lifted_of(c)]
    first = shapes.__code__.co_firstlineno
    assert lines == [first + 3, first + 10, first + 15]
    compiled = [len(loop._specializations()) for _, loop in lifted_of(c)]
    assert compiled == [0, 1, 1]  # the list loop did not compile: it ran in object mode


def total(xs):
    t = 0
    for x in xs:
        t += x
    return t


def test_loop_over_untyped_values_runs_in_object_mode():
    c = objmode(total)
    assert c([1, 2, 3]) == 6
    assert c(np.arange(4)) == 6
    assert c((1.5, 2.5)) == 4.0


def divide_all(a, d):
    out = 0.0
    for i in range(a.shape[0]):
        out += a[i] / d
    return out


def test_exception_in_a_lifted_loop():
    c = objmode(divide_all)
    assert c(np.ones(4), 2.0) == 2.0
    with pytest.raises(ZeroDivisionError):
        c(np.ones(4), 0.0)


def test_looplift_false_keeps_loops_in_object_mode():
    c = objmode(sum_squares, looplift=False)
    a = np.arange(10.0)
    assert c(a) == sum_squares(a)
    assert lifted_of(c) == []


def test_inspect_types_lists_lifted_loops():
    c = objmode(sum_squares)
    c(np.arange(3.0))
    buf = io.StringIO()
    c.inspect_types(file=buf)
    text = buf.getvalue()
    assert "pyobject" in text
    assert "# The function contains lifted loops" in text
    assert f"# Loop at line {sum_squares.__code__.co_firstlineno + 3}" in text
    assert "s = float64" in text


def test_annotation_report_marks_lifted_loops():
    c = objmode(sum_squares)
    c(np.arange(3.0))
    (info,) = c.get_annotation_info().values()
    first = sum_squares.__code__.co_firstlineno
    rows = {r["lineno"]: r for r in info["lines"]}
    assert rows[first + 3]["loop"]["lifted"]
    assert rows[first + 4]["cost"] == "native"
    assert rows[first + 5]["cost"] == "python"
    assert "lifted" in c.annotate_html()


def test_lifted_loops_do_not_leak():
    c = objmode(sum_squares)
    a = np.arange(100.0)
    c(a)
    before = sys.getrefcount(a)
    for _ in range(100_000):
        c(a)
    assert sys.getrefcount(a) == before


def make_arrays(n):
    names = []  # object mode
    out = np.zeros(n, dtype=np.int64)
    for i in range(3):
        out = np.arange(n) * i  # arrays made by the lifted loop...
    names.append("done")
    return out, names  # ...and handed back to object mode


def test_arrays_made_in_lifted_loops_are_freed():
    from conftest import backend

    c = objmode(make_arrays)
    assert c(4)[0].tolist() == [0, 2, 4, 6]
    a0, f0 = backend._core.nrt_stats()
    for _ in range(2000):
        r = c(8)
        del r
    a1, f1 = backend._core.nrt_stats()
    assert a1 - a0 == f1 - f0 > 0
    assert len(lifted_of(c)[0][1]._specializations()) == 1
