"""Source of a Python function as CPython's own syntax tree, for the compiler.

Fast path: the function's file is parsed once with the builtin `compile(...,
PyCF_ONLY_AST)` (no `inspect` or `ast` import, which would cost more than
compiling a small function) and its definitions are indexed by first line.
Functions whose file cannot be read (REPL cells, exec) fall back to `inspect`."""

import os

_PyCF_ONLY_AST = 0x400
# filename -> (mtime, size, lines, {first_line: [FunctionDef nodes]})
_FILES = {}


def _index_defs(node, out):
    """Every (Async)FunctionDef below `node`, by the line its source starts at."""
    kind = type(node).__name__
    if kind in ("FunctionDef", "AsyncFunctionDef"):
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        out.setdefault(first, []).append(node)
    elif kind == "Lambda":
        out.setdefault(node.lineno, []).append(node)
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, list):
            for item in value:
                if hasattr(item, "_fields"):
                    _index_defs(item, out)
        elif hasattr(value, "_fields"):
            _index_defs(value, out)


def _parsed_file(filename):
    try:
        st = os.stat(filename)
    except OSError:
        return None
    cached = _FILES.get(filename)
    if cached is not None and cached[0] == st.st_mtime_ns and cached[1] == st.st_size:
        return cached
    try:
        with open(filename, "rb") as fh:
            data = fh.read()
        tree = compile(data, filename, "exec", _PyCF_ONLY_AST)
    except (OSError, SyntaxError, ValueError):
        return None
    text = data.decode("utf-8", errors="replace")
    defs = {}
    _index_defs(tree, defs)
    entry = (st.st_mtime_ns, st.st_size, text.splitlines(), defs)
    _FILES[filename] = entry
    return entry


def _from_file(func):
    code = func.__code__
    entry = _parsed_file(code.co_filename)
    if entry is None:
        return None
    _, _, lines, defs = entry
    if code.co_name == "<lambda>":
        node = _lambda_node(code, defs.get(code.co_firstlineno, ()))
        if node is None:
            return None
    else:
        nodes = [n for n in defs.get(code.co_firstlineno, ()) if getattr(n, "name", None) == code.co_name]
        if len(nodes) != 1:
            return None
        node = nodes[0]
    first = code.co_firstlineno
    return node, code.co_filename, first, lines[first - 1 : node.end_lineno], 0


def _lambda_node(code, candidates):
    """The `lambda` of `code` among the lambdas starting on its line, as a
    FunctionDef whose body returns the lambda's expression."""
    lambdas = [n for n in candidates if type(n).__name__ == "Lambda"]
    if len(lambdas) > 1:
        # Tell them apart by where the body's first instruction is.
        cols = [p[2] for p in code.co_positions() if p[2]]
        lambdas = [n for n in lambdas if cols and n.body.col_offset == cols[0]]
    if len(lambdas) != 1:
        return None
    lam = lambdas[0]
    import _ast

    where = {"lineno": lam.lineno, "col_offset": lam.col_offset, "end_lineno": lam.end_lineno, "end_col_offset": lam.end_col_offset}
    ret = _ast.Return(value=lam.body, **{**where, "col_offset": lam.body.col_offset})
    return _ast.FunctionDef(name="<lambda>", args=lam.args, body=[ret], decorator_list=[], returns=None, type_comment=None, **where)


def _from_inspect(func):
    import inspect

    from .errors import UnsupportedError

    try:
        lines, first = inspect.getsourcelines(func)
    except (OSError, TypeError) as exc:
        raise UnsupportedError(
            f"cannot compile {getattr(func, '__qualname__', func)!s}: its source code is not available ({exc})\n"
            "  = help: rumbo compiles from source; define the function in a .py file (not exec or the bare REPL)"
        ) from None
    filename = inspect.getsourcefile(func) or func.__code__.co_filename
    text = "".join(lines)
    indented = lines[0][:1].isspace()
    if indented:
        # Parsed inside a block instead of dedented, so columns stay the file's.
        text = "if 1:\n" + text
    tree = compile(text, filename, "exec", _PyCF_ONLY_AST)
    node = tree.body[0].body[0] if indented else tree.body[0]
    line_offset = first - 1 - (1 if indented else 0)
    return node, filename, first, [line.rstrip("\r\n") for line in lines], line_offset


def function_source(func):
    """Return (FunctionDef node, filename, first_line, source_lines, line_offset).

    The node's line numbers plus `line_offset` are the file's; columns are the file's."""
    from .errors import UnsupportedError

    found = _from_file(func) or _from_inspect(func)
    node = found[0]
    if type(node).__name__ not in ("FunctionDef", "AsyncFunctionDef"):
        raise UnsupportedError(
            f"cannot compile {func!r}: rumbo compiles functions defined with `def`\n"
            "  = help: define it with def at module level"
        )
    return found
