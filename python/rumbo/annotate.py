"""The HTML annotation report (`rumbo annotate FILE.py`, `dispatcher.annotate_html()`).

One self-contained page (no external files, scripts or fonts): per compiled specialization,
each source line with the types of its variables, coloured by what it costs; each loop marked
"vectorized (width N, ...)" or "not vectorized: <reason>" from LLVM's optimization remarks;
a click on a line shows the LLVM IR and assembly attributed to it.

The data comes from `_core.render_report`, which builds the specialization's module again
with line-table debug info (codegen emits no debug locations yet: every instruction gets the
line most of its rumbo IR block's statements are on, so the per-line views are per basic
block) and collects the
remarks of the loop vectorizer, the SLP vectorizer and the unroller."""

import html
import platform
import re
import sys

from . import _core, _introspect

#: Cost classes, most expensive first; a line is coloured by the first that applies.
COSTS = (
    ("python", "calls into Python (object mode; none in nopython code)"),
    ("alloc", "allocates an array"),
    ("parallel", "parallel loop (prange)"),
    ("call", "calls another compiled function"),
    ("native", "native code only"),
)

_VECTORIZED = re.compile(r"vectorized loop \(vectorization width: (\d+), interleaved count: (\d+)\)")
_INTERLEAVED = re.compile(r"interleaved loop \(interleaved count: (\d+)\)")
_LOOP_REMARK = re.compile(
    r"^(vectorized loop|interleaved loop|loop not vectorized|the cost-model|completely unrolled|"
    r"unrolled loop|peeled loop|SLP vectorized|Stores SLP vectorized|Vectorized horizontal reduction|"
    r"List vectorization)"
)


# ---------------------------------------------------------------------------
# LLVM IR and assembly, split by source line
# ---------------------------------------------------------------------------


def llvm_by_line(text):
    """{line: [(function, block, instruction)]} from LLVM IR with `!dbg` line attachments,
    and the IR without debug attachments and metadata (for display)."""
    locs = {}
    for m in re.finditer(r"^!(\d+) = (?:distinct )?!DILocation\(line: (\d+)", text, re.M):
        locs[m.group(1)] = int(m.group(2))
    out, clean = {}, []
    fn = block = None
    for line in text.splitlines():
        if line.startswith("!") or line.startswith("declare !dbg") or line.startswith("attributes #"):
            continue
        m = re.match(r'define [^@]*@("[^"]+"|[-\w.$]+)\(', line)
        if m:
            fn, block = m.group(1).strip('"'), "entry"
        elif line.startswith("}"):
            fn = None
        elif fn is not None:
            m = re.match(r'^("[^"]+"|[-\w.$]+):', line)
            if m:
                block = m.group(1).strip('"')
        dbg = re.search(r", !dbg !(\d+)", line)
        stripped = re.sub(r", !dbg !\d+", "", line)
        stripped = re.sub(r" !dbg !\d+", "", stripped)
        clean.append(stripped)
        if fn is not None and dbg and dbg.group(1) in locs:
            out.setdefault(locs[dbg.group(1)], []).append((fn, block, stripped.strip()))
    return out, "\n".join(clean).rstrip() + "\n"


def asm_by_line(text):
    """{line: [(function, label, instruction)]} from assembly with `.loc` directives."""
    out = {}
    fn = label = None
    line_no = 0
    for raw in text.splitlines():
        m = re.match(r'^("[^"]+"|[-\w.$]+):', raw)
        if m:
            name = m.group(1).strip('"')
            if name.startswith(".Lfunc_end"):
                fn = None
            elif not name.startswith("."):
                fn, label, line_no = name, name, 0
            else:
                label = name
            continue
        m = re.match(r"^\s+\.loc\s+\d+\s+(\d+)", raw)
        if m:
            line_no = int(m.group(1))
            continue
        body = raw.strip()
        if fn is None or not body or body.startswith(".") or body.startswith("#") or not raw[:1].isspace():
            continue
        if line_no:
            out.setdefault(line_no, []).append((fn, label, body.split("#")[0].rstrip()))
    return out


def _ir_loop_vectorized(text):
    """Lines of loops whose `llvm.loop` ID says LLVM vectorized them (the fallback when a
    loop got no remark)."""
    nodes = dict(re.findall(r"^!(\d+) = (.*)$", text, re.M))
    lines = set()
    for ident, body in nodes.items():
        ops = re.findall(r"!(\d+)", body)
        if not body.startswith("distinct !{") or not ops or ops[0] != ident:
            continue
        if any("llvm.loop.isvectorized" in nodes.get(o, "") for o in ops[1:]):
            for o in ops[1:]:
                m = re.match(r"(?:distinct )?!DILocation\(line: (\d+)", nodes.get(o, ""))
                if m:
                    lines.add(int(m.group(1)))
    return lines


# ---------------------------------------------------------------------------
# The facts per specialization
# ---------------------------------------------------------------------------


def _dedupe(items):
    seen, out = set(), []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def _associate(remarks):
    """Remarks as (line, message), with each "loop not vectorized: <reason>" moved to the line
    of the loop it is about. A reason is located at the instruction it is about (inside the
    loop body); the loop vectorizer emits a loop's reasons just before the remark that
    concludes on that loop ("loop not vectorized" or "vectorized loop ..."), at the loop's line."""
    out, pending = [], []
    for line, message in remarks:
        if not _LOOP_REMARK.match(message):
            continue
        if message.startswith("loop not vectorized: "):
            pending.append((line, message))
            continue
        if message.startswith(("loop not vectorized", "vectorized loop")):
            out += [(line, m) for _, m in pending]
            pending = []
        out.append((line, message))
    return out + pending


def loop_verdict(messages, outer=False, ir_vectorized=False):
    """(vectorized, width, text) for a loop from the remarks at its line."""
    for m in messages:
        v = _VECTORIZED.search(m)
        if v:
            width, ic = int(v.group(1)), int(v.group(2))
            return True, width, f"vectorized (width {width}, interleaved {ic})"
    reasons = []
    for m in messages:
        if m.startswith("loop not vectorized: "):
            reasons.append(m[len("loop not vectorized: ") :])
        elif m.startswith("the cost-model indicates that vectorization is not beneficial"):
            reasons.append("the cost model found vectorization not beneficial")
    interleave = [int(i.group(1)) for i in map(_INTERLEAVED.search, messages) if i]
    suffix = f"; interleaved {interleave[0]}x" if interleave else ""
    if reasons:
        return False, None, "not vectorized: " + "; ".join(_dedupe(reasons)) + suffix
    if any(m.startswith("loop not vectorized") for m in messages):
        return False, None, "not vectorized" + suffix
    unrolled = [m for m in messages if m.startswith("completely unrolled")]
    if unrolled:
        return False, None, f"not vectorized: {unrolled[0]}"
    if ir_vectorized:
        return True, None, "vectorized (from the loop's IR metadata)"
    if outer:
        return False, None, "not vectorized: outer loop (LLVM vectorizes innermost loops)"
    return False, None, (
        "no vectorizer remark: LLVM removed or rewrote the loop before vectorization "
        "(e.g. computed its result in closed form)"
    )


def _indent(text):
    return len(text) - len(text.lstrip())


def _loop_bodies(lines, first, loop_lines):
    """{loop line: last line of its body}, from indentation."""
    out = {}
    for ln in loop_lines:
        k = ln - first
        if not 0 <= k < len(lines):
            continue
        base = _indent(lines[k])
        end = ln
        for j in range(k + 1, len(lines)):
            if lines[j].strip() and _indent(lines[j]) <= base:
                break
            if lines[j].strip():
                end = first + j
        out[ln] = end
    return out


def _objmode_info(dispatcher, spec):
    """An object-mode specialization: every line calls into Python, except the
    bodies of lifted loops, which are native (with the types they compiled for)."""
    filename, first, lines = _introspect.source_of(dispatcher.py_func)
    lifted = {line: loop for line, loop in spec.get("lifted", [])}
    bodies = _loop_bodies(lines, first, sorted(lifted))
    native = {ln for start, end in bodies.items() for ln in range(start, end + 1)}
    types = {}
    for line, var, ty in spec["annotations"]:
        if (var, ty) not in types.setdefault(line, []):
            types[line].append((var, ty))
    loop_types = {}
    for line, loop in lifted.items():
        for s in loop._specializations():
            for ln, var, ty in s["annotations"]:
                if (var, ty) not in loop_types.setdefault(ln, []):
                    loop_types[ln].append((var, ty))
    rows = []
    for k, text in enumerate(lines):
        ln = first + k
        code = text.strip() and not text.strip().startswith(("#", "@", "def "))
        row = {
            "lineno": ln, "text": text.rstrip(), "types": loop_types.get(ln, []) if ln in native else types.get(ln, []),
            "costs": [], "remarks": [], "llvm": [], "asm": [], "loop": None, "slp": [],
            "cost": ("native" if ln in native else "python") if code else None,
        }
        if ln in lifted:
            sigs = ["(" + ", ".join(s["args"]) + ")" for s in lifted[ln]._specializations()]
            verdict = "lifted: " + (", ".join(sigs) if sigs else "not compiled yet")
            kind = "while" if text.strip().startswith("while") else "for"
            row["loop"] = {"kind": kind, "vectorized": False, "width": None, "verdict": verdict, "end": bodies[ln], "lifted": True}
        rows.append(row)
    return {
        "name": dispatcher.__name__,
        "qualname": getattr(dispatcher, "__qualname__", dispatcher.__name__),
        "args": list(spec["args"]),
        "ret": spec["ret"],
        "symbol": spec["symbol"],
        "filename": filename,
        "first_line": first,
        "lines": rows,
        "remarks": [],
        "llvm": spec["llvm"],
        "asm_source": "",
        "mapping": "basic block",
        "objmode": True,
        "lifted_loops": sorted(lifted),
    }


def specialization_info(dispatcher, spec):
    """Everything the report shows about one specialization, as plain data."""
    if spec.get("objmode"):
        return _objmode_info(dispatcher, spec)
    filename, first, lines = _introspect.source_of(dispatcher.py_func)
    rep = _core.render_report(spec["symbol"])
    llvm_lines, _ = llvm_by_line(rep["optimized"])
    asm_lines = asm_by_line(rep["assembly"])
    wanted = {spec["symbol"], spec["symbol"] + "$defer", spec["symbol"] + "$wrap"}
    types, costs, remarks = {}, {}, {}
    for line, var, ty in spec["annotations"]:
        if (var, ty) not in types.setdefault(line, []):
            types[line].append((var, ty))
    for line, kind, detail in rep["costs"]:
        costs.setdefault(line, []).append((kind, detail))
    for line, message in _associate(rep["remarks"]):
        remarks.setdefault(line, []).append(message)
    loop_lines = sorted({ln for ln, _ in rep["loops"]})
    bodies = _loop_bodies(lines, first, loop_lines)
    ir_vectorized = _ir_loop_vectorized(rep["optimized"])
    code_lines = set(rep["code_lines"])
    rows = []
    for k, text in enumerate(lines):
        ln = first + k
        row = {
            "lineno": ln,
            "text": text.rstrip(),
            "types": types.get(ln, []),
            "costs": costs.get(ln, []),
            "remarks": _dedupe(remarks.get(ln, [])),
            "llvm": [x for x in llvm_lines.get(ln, []) if x[0] in wanted],
            "asm": [x for x in asm_lines.get(ln, []) if x[0] in wanted],
            "loop": None,
        }
        kinds = {kind for kind, _ in row["costs"]}
        has_code = ln in code_lines or row["llvm"] or row["asm"]
        row["cost"] = next((c for c, _ in COSTS if c in kinds), "native" if has_code else None)
        if ln in bodies:
            outer = any(ln < other <= bodies[ln] for other in loop_lines)
            vec, width, verdict = loop_verdict(row["remarks"], outer, ln in ir_vectorized)
            kind = "while" if text.strip().startswith("while") else "for"
            row["loop"] = {"kind": kind, "vectorized": vec, "width": width, "verdict": verdict, "end": bodies[ln]}
        # SLP remarks at the `def` line are about the wrapper's argument and result copies.
        slp = [m for m in row["remarks"] if ("SLP" in m or m.startswith("Vectorized horizontal")) and ln != rep["function_line"]]
        row["slp"] = slp
        rows.append(row)
    return {
        "name": dispatcher.__name__,
        "qualname": getattr(dispatcher, "__qualname__", dispatcher.__name__),
        "args": list(spec["args"]),
        "ret": spec["ret"],
        "symbol": spec["symbol"],
        "filename": filename,
        "first_line": first,
        "lines": rows,
        "remarks": [(ln, m) for ln, m in rep["remarks"] if _LOOP_REMARK.match(m)],  # as LLVM located them
        "llvm": spec["llvm"],
        "asm_source": rep["assembly"],
        "mapping": "basic block",
    }


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

_CSS = """
:root { --native:#eaf7ee; --call:#e5efff; --python:#ffe1e1; --alloc:#fff0d4; --parallel:#f1e5ff; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1em 2em; color: #1d1d1f; }
h1 { font-size: 1.5em; margin-bottom: .2em; } h2 { font-size: 1.15em; margin: 1.6em 0 .3em; }
.meta, .where, .note { color: #555; font-size: .9em; }
.legend span { display: inline-block; padding: .1em .6em; margin: .15em .3em .15em 0; border-radius: 3px; border: 1px solid #ccc; }
table.source { border-collapse: collapse; width: 100%; }
table.source td { vertical-align: top; padding: 0 .5em; }
tr.line td { border-bottom: 1px solid #f0f0f0; }
tr.line.has-detail { cursor: pointer; }
tr.line.has-detail:hover td, tr.line.open td { outline: 1px solid #b7c6e0; }
tr.line:focus { outline: 2px solid #4a78c2; }
td.lineno { color: #999; text-align: right; width: 3em; user-select: none; }
td.code pre { margin: 0; font: 13px/1.45 ui-monospace, monospace; white-space: pre; }
td.types { font: 12px ui-monospace, monospace; color: #264d7a; }
td.types span { display: inline-block; margin-right: 1em; white-space: nowrap; }
.cost-native { background: var(--native); } .cost-call { background: var(--call); }
.cost-python { background: var(--python); } .cost-alloc { background: var(--alloc); }
.cost-parallel { background: var(--parallel); }
.badge { display: inline-block; font-size: 12px; padding: 0 .5em; border-radius: 9px; margin-left: .3em; white-space: nowrap; }
.badge.vectorized { background: #cdf2d8; color: #0e6b2c; border: 1px solid #8fd4a6; }
.badge.not-vectorized { background: #ffe9b8; color: #7a4a00; border: 1px solid #e8c26a; }
.badge.cost { background: #fff; color: #444; border: 1px solid #bbb; }
.badge.slp { background: #d9f0ff; color: #0b4f7a; border: 1px solid #9ccbea; }
tr.detail td { background: #fafafa; padding: .5em 1em 1em 3.5em; }
tr.detail .cols { display: flex; gap: 1em; }
tr.detail .cols > div { flex: 1; min-width: 0; }
tr.detail h4 { margin: .3em 0; font-size: .85em; color: #555; }
tr.detail pre, details pre { font: 12px/1.4 ui-monospace, monospace; background: #fff; border: 1px solid #e3e3e3; padding: .5em; overflow-x: auto; max-height: 24em; margin: 0; }
tr.detail ul { margin: .2em 0 .5em; padding-left: 1.2em; }
details { margin: .4em 0; } summary { cursor: pointer; color: #333; }
"""

_JS = """
(function () {
  function toggle(row) {
    var d = document.getElementById(row.id + "-detail");
    if (!d) return;
    d.hidden = !d.hidden;
    row.classList.toggle("open", !d.hidden);
    row.setAttribute("aria-expanded", String(!d.hidden));
  }
  var rows = document.querySelectorAll("tr.line.has-detail");
  for (var i = 0; i < rows.length; i++) {
    (function (r) {
      r.addEventListener("click", function () { toggle(r); });
      r.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(r); }
      });
    })(rows[i]);
  }
  function openFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var r = id && document.getElementById(id);
    if (r && r.classList.contains("has-detail")) {
      var d = document.getElementById(id + "-detail");
      if (d && d.hidden) toggle(r);
      r.scrollIntoView({block: "nearest"});
    }
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
  document.documentElement.setAttribute("data-ready", "1");
})();
"""


def _e(text):
    return html.escape(str(text), quote=True)


def _group(entries):
    """`(function, block, text)` entries as text, with a header line per block."""
    out, last = [], None
    for fn, block, text in entries:
        if (fn, block) != last:
            out.append(f"; {fn} / {block}" if block != fn else f"; {fn}")
            last = (fn, block)
        out.append("  " + text)
    return "\n".join(out)


def _row_html(info, sid, row):
    ln = row["lineno"]
    rid = f"{sid}-L{ln}"
    cls = ["line"]
    if row["cost"]:
        cls.append(f"cost-{row['cost']}")
    has_detail = bool(row["llvm"] or row["asm"] or row["remarks"] or row["costs"])
    if has_detail:
        cls.append("has-detail")
    types = "".join(f'<span class="type" data-var="{_e(v)}">{_e(v)}: {_e(t)}</span>' for v, t in row["types"])
    badges = []
    loop = row["loop"]
    if loop:
        kind = "vectorized" if loop["vectorized"] else "not-vectorized"
        width = f' data-width="{loop["width"]}"' if loop["width"] else ""
        badges.append(
            f'<span class="badge loop {kind}" data-vectorized="{str(loop["vectorized"]).lower()}"{width}>'
            f'{_e(loop["verdict"])}</span>'
        )
    for kind, detail in row["costs"]:
        if kind != "native":
            badges.append(f'<span class="badge cost" data-kind="{_e(kind)}" title="{_e(detail)}">{_e(detail)}</span>')
    if row["slp"]:
        badges.append(f'<span class="badge slp" title="{_e("; ".join(row["slp"]))}">SLP-vectorized</span>')
    attrs = f' tabindex="0" role="button" aria-expanded="false"' if has_detail else ""
    cost_attr = f' data-cost="{row["cost"]}"' if row["cost"] else ""
    out = [
        f'<tr class="{" ".join(cls)}" id="{rid}" data-line="{ln}"{cost_attr}{attrs}>'
        f'<td class="lineno">{ln}</td><td class="code"><pre>{_e(row["text"]) or " "}</pre></td>'
        f'<td class="types">{types}</td><td class="notes">{"".join(badges)}</td></tr>'
    ]
    if has_detail:
        parts = []
        if row["remarks"]:
            items = "".join(f"<li>{_e(m)}</li>" for m in row["remarks"])
            parts.append(f'<h4>LLVM optimization remarks</h4><ul class="remarks">{items}</ul>')
        if row["costs"]:
            items = "".join(f"<li>{_e(k)}: {_e(d)}</li>" for k, d in row["costs"])
            parts.append(f'<h4>Cost</h4><ul class="costs">{items}</ul>')
        llvm = _group(row["llvm"]) or "(no LLVM instructions attributed to this line)"
        asm = _group(row["asm"]) or "(no machine instructions attributed to this line)"
        parts.append(
            '<div class="cols">'
            f'<div><h4>LLVM IR (optimized)</h4><pre class="llvm">{_e(llvm)}</pre></div>'
            f'<div><h4>Assembly</h4><pre class="asm">{_e(asm)}</pre></div></div>'
        )
        out.append(f'<tr class="detail" id="{rid}-detail" hidden><td colspan="4">{"".join(parts)}</td></tr>')
    return "\n".join(out)


def _section_html(info, sid, asm_text):
    sig = f"{info['name']}({', '.join(info['args'])}) -> {info['ret']}"
    rows = "\n".join(_row_html(info, sid, row) for row in info["lines"])
    loops = [r for r in info["lines"] if r["loop"]]
    summary = ", ".join(
        f"line {r['lineno']}: {r['loop']['verdict']}" for r in loops
    ) or "no loops"
    remarks = "".join(f"<li>line {ln}: {_e(m)}</li>" for ln, m in info["remarks"]) or "<li>none</li>"
    return f"""
<section class="function" id="{sid}" data-function="{_e(info['name'])}" data-signature="{_e(', '.join(info['args']))}">
<h2>{_e(sig)}</h2>
<p class="where">{_e(info['filename'])}:{info['first_line']} &middot; loops: {_e(summary)}</p>
<table class="source"><tbody>
{rows}
</tbody></table>
<details class="remarks-all"><summary>All optimization remarks</summary><ul>{remarks}</ul></details>
<details class="whole-llvm"><summary>Whole module: optimized LLVM IR</summary><pre>{_e(info['llvm'])}</pre></details>
<details class="whole-asm"><summary>Whole module: assembly</summary><pre>{_e(asm_text)}</pre></details>
</section>"""


def report_html(dispatchers, signature=None, title=None):
    """The report for every compiled specialization of `dispatchers`, as one HTML page."""
    from . import __version__
    from .dispatcher import _assembly

    sections, files = [], []
    count = 0
    for d in dispatchers:
        for spec in d._select(signature):
            info = specialization_info(d, spec)
            if info["filename"] not in files:
                files.append(info["filename"])
            sections.append(_section_html(info, f"s{count}", _assembly(spec)))
            count += 1
    triple, cpu, features, vector = _core.host_info()
    title = title or ("rumbo annotation: " + ", ".join(files) if files else "rumbo annotation")
    legend = "".join(f'<span class="cost-{c}">{_e(text)}</span>' for c, text in COSTS)
    body = "\n".join(sections) or '<p class="empty">No compiled functions: nothing ran under @jit.</p>'
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="generator" content="rumbo {_e(__version__)}">
<title>{_e(title)}</title>
<style>{_CSS}</style></head>
<body data-specializations="{count}">
<header>
<h1>rumbo annotation report</h1>
<p class="meta">{_e(', '.join(files) or 'no source files')} &middot; rumbo {_e(__version__)} &middot;
Python {_e(platform.python_version())} &middot; LLVM 19 &middot; {_e(triple)}, CPU {_e(cpu)} &middot;
vector math library: {_e(vector or 'none')}</p>
<p class="legend">{legend}</p>
<p class="note">Click a line (or press Enter on it) for its LLVM IR, assembly and remarks.
Loop verdicts are LLVM's own optimization remarks. Code is attributed to source lines by
basic block: rumbo does not emit per-instruction debug locations yet, so all the code of a
block of straight-line statements shows under the line most of them are on, and the other
lines of that block show none. The whole module is below each function.</p>
</header>
<main>
{body}
</main>
<script>{_JS}</script>
</body></html>
"""


def write_report(dispatchers, path=None, signature=None, title=None):
    """Builds the report; writes it to `path` when given. Returns the HTML."""
    page = report_html(dispatchers, signature=signature, title=title)
    if path is not None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(page)
    return page


# ---------------------------------------------------------------------------
# inspect_types(pretty=True)
# ---------------------------------------------------------------------------


class PrettyTypes:
    """Source annotated with types: coloured text as `repr`, an HTML table in notebooks."""

    def __init__(self, dispatcher, signature=None, style="default"):
        self.dispatcher = dispatcher
        self.signature = signature
        self.style = style

    def _specs(self):
        return self.dispatcher._select(self.signature)

    def __repr__(self):
        color = sys.stdout.isatty() if hasattr(sys.stdout, "isatty") else False
        dim, blue, reset = ("\x1b[2m", "\x1b[34m", "\x1b[0m") if color else ("", "", "")
        out = []
        for s in self._specs():
            filename, first, lines = _introspect.source_of(self.dispatcher.py_func)
            out.append(f"{self.dispatcher.__name__} ({', '.join(s['args'])}) -> {s['ret']}")
            by_line = {}
            for line, var, ty in s["annotations"]:
                by_line.setdefault(line, []).append(f"{var}: {ty}")
            width = max((len(t.rstrip()) for t in lines), default=0) + 2
            for k, text in enumerate(lines):
                notes = ", ".join(by_line.get(first + k, []))
                note = f"{blue}# {notes}{reset}" if notes else ""
                out.append(f"{dim}{first + k:4d}{reset}  {text.rstrip():<{width}}{note}".rstrip())
        return "\n".join(out)

    def _repr_html_(self):
        parts = []
        for s in self._specs():
            _, first, lines = _introspect.source_of(self.dispatcher.py_func)
            by_line = {}
            for line, var, ty in s["annotations"]:
                by_line.setdefault(line, []).append(f"{var}: {ty}")
            rows = "".join(
                f"<tr><td>{first + k}</td><td><pre style='margin:0'>{_e(t.rstrip())}</pre></td>"
                f"<td><code>{_e(', '.join(by_line.get(first + k, [])))}</code></td></tr>"
                for k, t in enumerate(lines)
            )
            head = _e(f"{self.dispatcher.__name__} ({', '.join(s['args'])}) -> {s['ret']}")
            parts.append(f"<p><b>{head}</b></p><table>{rows}</table>")
        return "".join(parts)
