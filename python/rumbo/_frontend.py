"""Source of a Python function as CPython's own syntax tree, for the compiler."""

import ast
import inspect


def function_source(func):
    """Return (ast.FunctionDef, filename, first_line, source_lines) of `func`.

    Line numbers in the tree are the file's; columns are the file's too (an
    indented definition is parsed inside an `if 1:` block instead of being
    dedented, so carets stay under the right column)."""
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
        text = "if 1:\n" + text
    tree = ast.parse(text)
    ast.increment_lineno(tree, first - 1 - (1 if indented else 0))
    node = tree.body[0].body[0] if indented else tree.body[0]
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        raise UnsupportedError(
            f"cannot compile {func!r}: rumbo compiles functions defined with `def`\n"
            "  = help: define it with def at module level"
        )
    return node, filename, first, [line.rstrip("\r\n") for line in lines]
