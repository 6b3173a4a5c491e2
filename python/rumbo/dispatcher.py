"""The object `@jit` returns: the Rust dispatcher plus Numba's introspection API."""

import collections
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


#: What `dispatcher.stats` returns (Numba's name and fields): the cache folder, and
#: Counters of cache hits and misses by argument types.
_CompileStats = collections.namedtuple("_CompileStats", ("cache_path", "cache_hits", "cache_misses"))

#: When a list, every Dispatcher created is appended to it (`rumbo annotate FILE.py`).
_created = None

#: symbol -> assembly, made on demand by `inspect_asm()`.
_ASM = {}


#: symbol of a specialization loaded from the cache -> the same code compiled again, for
#: introspection (the cache keeps only machine code).
_INSPECTABLE = {}


def _assembly(spec):
    text = _ASM.get(spec["symbol"])
    if text is None:
        text = _ASM[spec["symbol"]] = _core.assembly_of_ir(spec["llvm"])
    return text


class Dispatcher(_core.Dispatcher):
    """A jitted function: call it like the original; compiled per argument types."""

    def __init__(self, py_func, options):
        functools.update_wrapper(self, py_func)
        if _created is not None:
            _created.append(self)

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
    def stats(self):
        """Cache hits and misses per signature (`cache=True`), as Numba's `stats`."""
        path, events = self._cache_stats()
        hits, misses = collections.Counter(), collections.Counter()
        for args, hit in events:
            (hits if hit else misses)[tuple(_type_object(a) for a in args)] += 1
        return _CompileStats(path, hits, misses)

    @property
    def signatures(self):
        return [tuple(_type_object(a) for a in s["args"]) for s in self._specializations()]

    @property
    def nopython_signatures(self):
        out = []
        for s in self._specializations():
            if s.get("objmode"):
                continue
            ret = _type_object(s["ret"])
            args = [_type_object(a) for a in s["args"]]
            out.append(f"{s['ret']}({', '.join(s['args'])})" if isinstance(ret, str) else ret(*args))
        return out

    @property
    def overloads(self):
        return {tuple(_type_object(a) for a in s["args"]): _Overload(s) for s in self._specializations()}

    def _select(self, signature):
        specs = self._specializations()
        if signature is not None:
            want = tuple(str(t) for t in signature)
            specs = [s for s in specs if tuple(s["args"]) == want]
        return [self._inspectable(s) for s in specs]

    def _inspectable(self, spec):
        """`spec`, or for code loaded from the cache the same code compiled again (once)."""
        if not spec.get("from_cache"):
            return spec
        again = _INSPECTABLE.get(spec["symbol"])
        if again is None:
            again = _INSPECTABLE[spec["symbol"]] = self._inspection_specialization(spec["symbol"])
        return again

    def parallel_diagnostics(self, signature=None, level=1):
        """Prints what parallel=True did to each specialization (Numba's report:
        the loops numbered in the source, then each one parallel or serial and why)."""
        from ._introspect import parallel_diagnostics

        if not 1 <= int(level) <= 4:
            raise ValueError("level must be between 1 and 4")
        specs = self._select(signature)
        if not specs:
            raise ValueError("no compiled specialization: call the function first")
        for s in specs:
            parallel_diagnostics(self.py_func, s["symbol"], int(level))

    def inspect_types(self, file=None, signature=None, pretty=False, style="default", **kwargs):
        """Prints the source with the type of every variable, per specialization (or for
        `signature`, a tuple of argument types). With `pretty=True` returns an object that
        shows as coloured text in a terminal and as an HTML table in a notebook."""
        from . import _introspect

        if pretty:
            if file is not None:
                raise ValueError("`file` must be None if `pretty=True`")
            from .annotate import PrettyTypes

            return PrettyTypes(self, signature=signature, style=style)
        file = file or sys.stdout
        for s in self._select(signature):
            _introspect.annotated_source(self.py_func, self.__name__, s["args"], s["ret"], s["annotations"], file=file)
            if s.get("objmode"):
                _introspect.lifted_loops(self.py_func, s.get("lifted", []), file=file)

    def inspect_asm(self, signature=None):
        """Host assembly, per signature (or of one signature): generated from the optimized
        LLVM IR on first request, so compiling never pays for it."""
        specs = self._select(signature)
        texts = {tuple(_type_object(a) for a in s["args"]): _assembly(s) for s in specs}
        if signature is not None:
            return next(iter(texts.values()), None)
        return texts

    def inspect_cfg(self, signature=None, show_wrapper=None, level="ir", **kwargs):
        """The control-flow graph, per signature (or of one signature): an object with
        `.dot` (Graphviz source), `.text`, and `.display()` / `_repr_svg_()` when Graphviz is
        installed. `level="ir"` is rumbo's typed IR; `level="llvm"` the optimized LLVM
        function (its code: the `$defer` body; `show_wrapper="python"`: its uniform-ABI wrapper)."""
        from ._introspect import CFG

        def cfg(s):
            if level == "llvm":
                fn = s["symbol"] + ("$wrap" if show_wrapper == "python" else "$defer")
                return CFG.from_llvm(s["llvm"], fn)
            return CFG.from_ir(s["ir"], f"{self.__name__}({', '.join(s['args'])})")

        graphs = {tuple(_type_object(a) for a in s["args"]): cfg(s) for s in self._select(signature)}
        if signature is not None:
            return next(iter(graphs.values()), None)
        return graphs

    def annotate_html(self, path=None, signature=None):
        """A self-contained HTML page: each line with its variables' types, coloured by cost,
        loops marked vectorized or not (LLVM's remarks), LLVM IR and assembly per line.
        Returns the HTML; also writes it to `path` when given."""
        from .annotate import write_report

        return write_report([self], path, signature=signature)

    def get_annotation_info(self, signature=None):
        """The data behind `annotate_html()`, per signature: lines, types, costs, loops."""
        from .annotate import specialization_info

        return {tuple(_type_object(a) for a in s["args"]): specialization_info(self, s) for s in self._select(signature)}

    def inspect_llvm(self, signature=None):
        """The optimized LLVM IR, per signature (or of one signature)."""
        specs = self._select(signature)
        if signature is not None:
            return specs[0]["llvm"] if specs else None
        return {tuple(_type_object(a) for a in s["args"]): s["llvm"] for s in specs}

    def inspect_ir(self, signature=None):
        """rumbo's typed IR, per signature."""
        return {tuple(_type_object(a) for a in s["args"]): s["ir"] for s in self._select(signature)}
