"""The object `@jit` returns: the Rust dispatcher plus Numba's introspection API."""

import functools
import sys

from . import _core
from . import types as _types


def _type_object(name):
    """The rumbo.types object named `name`, or the name itself for compound types."""
    return getattr(_types, name, name) if name.isidentifier() else name


class _Overload:
    """One compiled specialization, as found in `dispatcher.overloads`."""

    def __init__(self, spec):
        self._spec = spec
        args = ", ".join(spec["args"])
        self.signature = f"{spec['ret']}({args})"
        self.library = None
        self.entry_point = spec["wrapper_address"]

    def __repr__(self):
        return f"<compiled {self.signature}>"


class Dispatcher(_core.Dispatcher):
    """A jitted function: call it like the original; compiled per argument types."""

    def __init__(self, py_func, options):
        functools.update_wrapper(self, py_func)

    def __repr__(self):
        return f"CPUDispatcher({self.py_func!r})"

    def __get__(self, obj, objtype=None):
        # Behave like a function when stored on a class.
        if obj is None:
            return self
        return functools.partial(self, obj)

    @property
    def targetoptions(self):
        return dict(self._options)

    @property
    def signatures(self):
        return [tuple(_type_object(a) for a in s["args"]) for s in self._specializations()]

    @property
    def nopython_signatures(self):
        out = []
        for s in self._specializations():
            ret = _type_object(s["ret"])
            args = [_type_object(a) for a in s["args"]]
            out.append(f"{s['ret']}({', '.join(s['args'])})" if isinstance(ret, str) else ret(*args))
        return out

    @property
    def overloads(self):
        return {tuple(_type_object(a) for a in s["args"]): _Overload(s) for s in self._specializations()}

    def _select(self, signature):
        specs = self._specializations()
        if signature is None:
            return specs
        want = tuple(str(t) for t in signature)
        return [s for s in specs if tuple(s["args"]) == want]

    def inspect_types(self, file=None, signature=None, pretty=False, **kwargs):
        """Prints the source with the type of every variable, per specialization."""
        import inspect

        file = file or sys.stdout
        lines, first = inspect.getsourcelines(self.py_func)
        for s in self._select(signature):
            print(f"{self.__name__} ({', '.join(s['args'])}) -> {s['ret']}", file=file)
            print("-" * 80, file=file)
            by_line = {}
            for line, var, ty in s["annotations"]:
                by_line.setdefault(line, []).append(f"{var} = {ty}")
            for k, text in enumerate(lines):
                lineno = first + k
                print(f"# {lineno:4d}  {text.rstrip()}", file=file)
                for note in by_line.get(lineno, []):
                    print(f"#         #   {note}", file=file)
            print("=" * 80, file=file)

    def inspect_llvm(self, signature=None):
        """The optimized LLVM IR, per signature (or of one signature)."""
        specs = self._select(signature)
        if signature is not None:
            return specs[0]["llvm"] if specs else None
        return {tuple(_type_object(a) for a in s["args"]): s["llvm"] for s in specs}

    def inspect_ir(self, signature=None):
        """rumbo's typed IR, per signature."""
        return {tuple(_type_object(a) for a in s["args"]): s["ir"] for s in self._select(signature)}
