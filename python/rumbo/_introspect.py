"""Formatting for the debugging surface: control-flow graphs (text, Graphviz DOT, SVG),
source annotated with types, and the stage dumps `rumbo.config` switches on.

The compiler hands over text (rumbo IR as `rumbo_ir::print_function` prints it, LLVM IR,
assembly); everything here works on that text, so dumps and the inspect APIs agree."""

import re
import shutil
import subprocess
import sys

_BLOCK = re.compile(r"^b(\d+)\((.*)\):$")
_TARGET = re.compile(r"\bb(\d+)\(")


def _banner(title, fill="-", width=80):
    title = f" {title} "
    left = max(2, (width - len(title)) // 2)
    return fill * left + title + fill * max(2, width - left - len(title))


def _dot_escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("{", "\\{").replace("}", "\\}")


class CFG:
    """A control-flow graph: `.blocks` (name -> text), `.edges` [(from, to, label)],
    `.entry`, `.loops` (header -> back-edge sources), `.text` and `.dot` (Graphviz source).

    `display()` and `_repr_svg_()` render it with Graphviz's `dot` program when installed
    (Debian: `apt-get install graphviz`)."""

    def __init__(self, name, blocks, edges, entry):
        self.name = name
        self.blocks = blocks
        self.edges = edges
        self.entry = entry
        self.loops = _back_edges(entry, blocks, edges)

    @classmethod
    def from_ir(cls, ir_text, name=None):
        """The CFG of a function in rumbo IR text."""
        blocks, edges, order = {}, [], []
        current = None
        for line in ir_text.splitlines():
            if line.startswith("function "):
                name = name or line[len("function ") :].split("(", 1)[0]
                continue
            m = _BLOCK.match(line)
            if m:
                current = f"b{m.group(1)}"
                order.append(current)
                blocks[current] = [line]
                continue
            if current is None or not line.startswith("    "):
                continue
            blocks[current].append(line[4:])
        for b in order:
            term = blocks[b][-1]
            targets = [f"b{t}" for t in _TARGET.findall(term)]
            if term.startswith("branch") and len(targets) == 2:
                edges += [(b, targets[0], "true"), (b, targets[1], "false")]
            else:
                edges += [(b, t, "") for t in targets]
        return cls(name or "function", {b: "\n".join(blocks[b]) for b in order}, edges, order[0] if order else None)

    @classmethod
    def from_llvm(cls, llvm_text, function):
        """The CFG of `function` (an LLVM name, without `@`) in LLVM IR text."""
        blocks, edges, order = {}, [], []
        inside, current = False, None
        header = re.compile(r'^define .*@"?' + re.escape(function) + r'"?\(')
        for line in llvm_text.splitlines():
            if not inside:
                if header.match(line):
                    inside = True
                    current = "entry"
                    order.append(current)
                    blocks[current] = []
                continue
            if line.startswith("}"):
                break
            m = re.match(r"^([-\w.$]+|\"[^\"]+\"):", line)
            if m:
                current = m.group(1).strip('"')
                if current not in blocks:
                    order.append(current)
                    blocks[current] = []
                blocks[current].append(line.split(";")[0].rstrip())
                continue
            if line.strip():
                blocks[current].append(line.rstrip())
        if order and not blocks[order[0]]:
            # The entry block had an explicit label: drop the placeholder.
            order.pop(0)
        for b in order:
            term_lines = []
            for text in reversed(blocks[b]):
                term_lines.insert(0, text)
                if re.match(r"\s+(br|switch|ret|unreachable|indirectbr|invoke|resume|callbr)\b", text):
                    break
            targets = re.findall(r'label %("[^"]+"|[-\w.$]+)', " ".join(term_lines))
            targets = [t.strip('"') for t in targets]
            if term_lines and re.match(r"\s+br i1", term_lines[0]) and len(targets) == 2:
                edges += [(b, targets[0], "true"), (b, targets[1], "false")]
            else:
                edges += [(b, t, "") for t in targets]
        return cls(function, {b: "\n".join(blocks[b]) for b in order}, edges, order[0] if order else None)

    @property
    def text(self):
        """Adjacency list, one block a line, then entry, exits and loops."""
        out = []
        for b in self.blocks:
            succ = [f"{t} ({label})" if label else t for f, t, label in self.edges if f == b]
            out.append(f"{b} -> {', '.join(succ) if succ else '(exit)'}")
        exits = [b for b in self.blocks if not any(f == b for f, _, _ in self.edges)]
        out.append(f"entry: {self.entry}; exits: {', '.join(exits) or 'none'}")
        if self.loops:
            loops = "; ".join(f"{h} (back edge from {', '.join(src)})" for h, src in self.loops.items())
            out.append(f"loops: {loops}")
        else:
            out.append("loops: none")
        return "\n".join(out)

    @property
    def dot(self):
        """Graphviz source: one box per block holding its code, edges labelled true/false."""
        lines = [f'digraph "{_dot_escape(self.name)}" {{', '  node [shape=box, fontname="monospace", fontsize=10];']
        for b, text in self.blocks.items():
            label = "\\l".join(_dot_escape(t) for t in text.splitlines()) + "\\l"
            extra = ", penwidth=2" if b == self.entry else ""
            lines.append(f'  "{_dot_escape(b)}" [label="{label}"{extra}];')
        for f, t, label in self.edges:
            back = f in self.loops.get(t, ())
            attrs = []
            if label:
                attrs.append(f'label="{label}"')
            if back:
                attrs.append("style=dashed")
            suffix = f" [{', '.join(attrs)}]" if attrs else ""
            lines.append(f'  "{_dot_escape(f)}" -> "{_dot_escape(t)}"{suffix};')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def render(self, format="svg"):
        """The graph rendered by Graphviz (`dot -T<format>`), as bytes."""
        exe = shutil.which("dot")
        if exe is None:
            raise RuntimeError(
                "rendering a CFG needs Graphviz's `dot` program\n"
                "  = help: install Graphviz (Debian: apt-get install graphviz), or use `.dot`"
            )
        done = subprocess.run([exe, f"-T{format}"], input=self.dot.encode(), capture_output=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")
        return done.stdout

    def display(self, filename=None, format="svg", view=False):
        """Renders the graph. In IPython it is shown; with `filename` it is written there
        (and opened when `view`); otherwise the SVG text is returned."""
        data = self.render(format)
        if filename is not None:
            with open(filename, "wb") as fh:
                fh.write(data)
            if view:
                import webbrowser

                webbrowser.open(f"file://{filename}")
            return filename
        if "IPython" in sys.modules and format == "svg":
            from IPython.display import SVG, display  # type: ignore

            display(SVG(data))
            return None
        return data.decode() if format == "svg" else data

    def _repr_svg_(self):
        if shutil.which("dot") is None:
            return None
        return self.render("svg").decode()

    def __str__(self):
        return self.text

    def __repr__(self):
        return f"<CFG of {self.name}: {len(self.blocks)} blocks, {len(self.edges)} edges, {len(self.loops)} loops>"


def _back_edges(entry, blocks, edges):
    """Loop header -> sources of its back edges (depth-first from the entry)."""
    succ = {b: [t for f, t, _ in edges if f == b and t in blocks] for b in blocks}
    loops = {}
    if entry is None:
        return loops
    state = {entry: 1}
    stack = [(entry, iter(succ[entry]))]
    while stack:
        b, it = stack[-1]
        nxt = next(it, None)
        if nxt is None:
            state[b] = 2
            stack.pop()
        elif state.get(nxt) == 1:
            loops.setdefault(nxt, []).append(b)
        elif nxt not in state:
            state[nxt] = 1
            stack.append((nxt, iter(succ[nxt])))
    return loops


def source_of(py_func):
    """(filename, first_line, lines) of a function, as the compiler read it."""
    from ._frontend import function_source

    _, filename, first, lines, _ = function_source(py_func)
    return filename, first, lines


def annotated_source(py_func, name, args, ret, annotations, file=None):
    """Writes the source of one specialization with the type of each variable under the line
    that assigns it (the format of `inspect_types()` and `DUMP_ANNOTATION`)."""
    file = file or sys.stdout
    filename, first, lines = source_of(py_func)
    print(f"{name} ({', '.join(args)}) -> {ret}", file=file)
    print(f"# File: {filename}", file=file)
    print("-" * 80, file=file)
    by_line = {}
    for line, var, ty in annotations:
        by_line.setdefault(line, []).append(f"{var} = {ty}")
    for k, text in enumerate(lines):
        lineno = first + k
        print(f"# {lineno:4d}  {text.rstrip()}", file=file)
        for note in by_line.get(lineno, []):
            print(f"#         #   {note}", file=file)
    print("=" * 80, file=file)


def lifted_loops(py_func, lifted, file=None):
    """After an object-mode function's types: which loops were lifted, and the
    types of each compiled lifted loop (Numba's layout)."""
    file = file or sys.stdout
    if not lifted:
        print("# The function contains no lifted loops", file=file)
        return
    print("# The function contains lifted loops", file=file)
    for line, loop in lifted:
        specs = loop._specializations()
        print(f"# Loop at line {line}", file=file)
        print(f"# Has {len(specs)} overloads", file=file)
        for s in specs:
            name = f"{py_func.__name__} (loop at line {line})"
            annotated_source(py_func, name, s["args"], s["ret"], s["annotations"], file=file)


def _print_dumps(info):
    """Called by the compiler with the texts of one compilation stage; prints what
    `rumbo.config` asks for (`DUMP_CFG`, `DUMP_IR`, ...)."""
    from . import config

    out = sys.stdout
    name = info["name"]
    if info["stage"] == "lowering":
        if config.DUMP_CFG:
            cfg = CFG.from_ir(info["ir"], name)
            print(_banner(f"CFG: {name} (after lowering)"), file=out)
            print(cfg.text, file=out)
            print(_banner(f"CFG DOT: {name}"), file=out)
            print(cfg.dot, end="", file=out)
        if config.DUMP_IR:
            print(_banner(f"IR DUMP: {name} (after lowering)"), file=out)
            print(info["ir"], end="", file=out)
        return
    sig = f"{name}({', '.join(info['args'])})"
    if config.DUMP_IR:
        print(_banner(f"IR DUMP: {sig} (after typing) -> {info['ret']}"), file=out)
        print(info["ir"], end="", file=out)
    if config.DUMP_ANNOTATION:
        print(_banner(f"ANNOTATION: {sig}"), file=out)
        annotated_source(info["py_func"], name, info["args"], info["ret"], info["annotations"], file=out)
    if config.DEBUG_ARRAY_OPT_STATS:
        fused = info.get("fusion") or []
        if fused:
            for line in fused:
                print(f"rumbo array-opt stats: {sig}: {line}", file=out)
        else:
            print(f"rumbo array-opt stats: {sig}: no array expressions fused", file=out)
        for line, _kind, text in info.get("parallel") or []:
            print(f"rumbo parallel stats: {sig}: line {line}: {text}", file=out)
    level = _parallel_level()
    if level and info.get("parallel") is not None and info.get("symbol"):
        parallel_diagnostics(info["py_func"], info["symbol"], level, file=out)
    for flag, key, title in (
        ("DUMP_LLVM", "llvm", "LLVM DUMP"),
        ("DUMP_OPTIMIZED", "optimized", "OPTIMIZED DUMP"),
        ("DUMP_ASSEMBLY", "assembly", "ASSEMBLY"),
    ):
        if getattr(config, flag) and info.get(key):
            print(_banner(f"{title}: {sig}"), file=out)
            print(info[key], end="" if info[key].endswith("\n") else "\n", file=out)
            print("=" * 80, file=out)
    out.flush()


def _parallel_level():
    import os

    for name in ("RUMBO_PARALLEL_DIAGNOSTICS", "NUMBA_PARALLEL_DIAGNOSTICS"):
        v = os.environ.get(name, "").strip()
        if v and v != "0":
            try:
                return max(1, min(4, int(v)))
            except ValueError:
                return 1
    return 0


def parallel_diagnostics(py_func, symbol, level=1, file=None):
    """Numba's parallel diagnostics report for one specialization: the source with
    its loops numbered, then what became of each (levels 1 to 4 add detail)."""
    out = file or sys.stdout
    from . import _core

    parallel, rows = _core.parallel_report(symbol)
    name = py_func.__name__
    code = py_func.__code__
    where = f"{code.co_filename} ({code.co_firstlineno})"
    print(_banner(f" Parallel Accelerator Optimizing:  Function {name}, {where} "), file=out)
    if not parallel:
        print("Function was not compiled with parallel=True: no parallel transforms.", file=out)
        return
    ids = {}
    for k, (line, kind, text) in enumerate(rows):
        ids.setdefault(line, []).append(k)
    print(f"\nParallel loop listing for  Function {name}, {where}", file=out)
    try:
        import linecache

        first = code.co_firstlineno
        lines = []
        n = first
        while True:
            text = linecache.getline(code.co_filename, n)
            if not text or (n > first + 1 and text.strip() and not text[0].isspace() and not text.startswith("@")):
                break
            lines.append((n, text.rstrip("\n")))
            n += 1
        width = max([len(t) for _, t in lines] + [38]) + 2
        print("-" * width + "|loop #ID", file=out)
        for n, text in lines:
            tag = ", ".join(f"#{k}" for k in ids.get(n, []))
            print(f"{text}{'-' * (width - len(text))}| {tag}" if tag else f"{text:<{width}}|", file=out)
    except OSError:
        pass
    print(_banner(" After Optimization "), file=out)
    if not rows:
        print("No parallel loops or array expressions were found.", file=out)
    for k, (line, kind, text) in enumerate(rows):
        serial = "serial" in text.split(";")[0]
        head = f"Parallel region {k}:" if not serial else f"Loop #{k} (line {line}):"
        print(head, file=out)
        print(f"+--{k} ({'serial' if serial else 'parallel'})", file=out)
        # Level 1: what was done; 2 and up: reductions and live-ins too.
        shown = text if level >= 2 or serial else text.split("; reductions")[0]
        print(f"   line {line}: {shown}", file=out)
    if level >= 3:
        print(_banner(" Loop invariant code motion "), file=out)
        print("LLVM's loop passes hoist invariant code in every outlined region (see inspect_llvm()).", file=out)
    print("-" * 80, file=out)
