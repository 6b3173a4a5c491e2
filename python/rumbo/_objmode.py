"""`rumbo.objmode`: run part of a nopython function in the interpreter.

    @njit
    def f(x):
        y = x * 2
        with objmode(z='float64[:]'):
            z = np.asarray(some_python_library(y), dtype=np.float64)
        return z.sum()

The block's body runs as ordinary Python; the outputs named in objmode(...)
come back to compiled code with the declared types (a value of another type
raises TypeError)."""


class objmode:
    """A no-op context manager in the interpreter; compiled code cuts the block out."""

    def __init__(self, *args, **outputs):
        if args:
            raise TypeError("objmode() takes the output types as keyword arguments only")
        self.outputs = outputs

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def make_block(func, filename, first_line, lines, inputs, outputs):
    """The body of an objmode block as a function of its inputs returning its
    outputs; compiled with the file's line numbers and the function's globals."""
    import textwrap

    body = textwrap.dedent("\n".join(lines))
    indented = textwrap.indent(body, "    ")
    ret = "    return (" + "".join(f"{n}, " for n in outputs) + ")"
    header = f"def __rumbo_objmode_block({', '.join(inputs)}):"
    # Blank lines put the body on its own line numbers in tracebacks.
    source = "\n" * max(first_line - 2, 0) + header + "\n" + indented + "\n" + ret + "\n"
    namespace = {}
    exec(compile(source, filename, "exec"), func.__globals__, namespace)
    block = namespace["__rumbo_objmode_block"]
    block.__qualname__ = f"{func.__qualname__}.<objmode block>"
    return block


def make_factory(func, filename, first_line, lines, col, end_col, kind, name, captured):
    """A function of the captured variables that makes a lambda, nested def or
    class of an object-mode function from its source (the file's line numbers,
    the function's globals). Captured variables are bound to their values when
    the lambda/def runs, not looked up later (rumbo's object mode has no cells)."""
    import textwrap

    if kind == "lambda":
        if len(lines) == 1:
            text = lines[0][col:end_col]
        else:
            text = "\n".join([lines[0][col:]] + lines[1:-1] + [lines[-1][:end_col]])
        body = f"    return ({text})"
    else:
        body = textwrap.indent(textwrap.dedent("\n".join(lines)), "    ") + f"\n    return {name}"
    header = f"def __rumbo_make({', '.join(captured)}):"
    source = "\n" * max(first_line - 2, 0) + header + "\n" + body + "\n"
    namespace = {}
    exec(compile(source, filename, "exec"), func.__globals__, namespace)
    return namespace["__rumbo_make"]
