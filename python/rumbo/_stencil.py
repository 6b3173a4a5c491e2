"""`stencil`: kernels written with relative indexing (`a[-1, 0] + a[1, 0]`) applied at
every point of an array, as Numba's `@stencil`.

The kernel's source is rewritten once per stencil into a loop over the interior points
(the relative offsets found in it set the border; `neighborhood=` overrides them) that
writes what the kernel returns; that loop is written to a file of its own (rumbo compiles
from source files) and compiled with `njit`. Points nearer the edge than the neighborhood
get `cval` (0 by default). The output dtype is the kernel's return type for the inputs.
Calling a stencil from compiled code is not supported yet.
"""

import functools
import importlib.util
import itertools
import os
import tempfile

import numpy as np

from . import decorators

_counter = itertools.count()
_DIR = None


def _module_dir():
    global _DIR
    if _DIR is None:
        _DIR = tempfile.mkdtemp(prefix="rumbo-stencil-")
    return _DIR


def _const_int(node):
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _const_int(node.operand)
        if v is not None:
            return -v if isinstance(node.op, ast.USub) else v
    return None


def _index_parts(node):
    import ast

    return list(node.elts) if isinstance(node, ast.Tuple) else [node]


class StencilFunc:
    def __init__(self, kernel, neighborhood=None, cval=0, standard_indexing=()):
        import ast

        from ._frontend import function_source

        functools.update_wrapper(self, kernel)
        self.kernel = kernel
        self.cval = cval
        node = function_source(kernel)[0]
        params = [a.arg for a in node.args.args]
        relative = [p for p in params if p not in standard_indexing]
        ranges = {}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and sub.value.id in relative:
                parts = _index_parts(sub.slice)
                for axis, part in enumerate(parts):
                    off = _const_int(part)
                    if off is None and neighborhood is None:
                        raise ValueError(f"stencil {kernel.__name__}: relative index {ast.unparse(part)} is not a "
                                         "constant; give neighborhood=((lo, hi), ...)")
                    lo, hi = ranges.get(axis, (0, 0))
                    if off is not None:
                        ranges[axis] = (min(lo, off), max(hi, off))
        ndim = max(ranges) + 1 if ranges else 0
        if neighborhood is not None:
            ranges = {k: (int(lo), int(hi)) for k, (lo, hi) in enumerate(neighborhood)}
            ndim = len(neighborhood)
        if ndim == 0:
            raise ValueError(f"stencil {kernel.__name__}: no relative indexing of its array arguments")
        self.ndim = ndim
        self.neighborhood = tuple(ranges.get(k, (0, 0)) for k in range(ndim))
        self._relative = relative
        self._params = params
        self._loop = self._build_loop(node)
        self._kernel_jit = decorators.njit(kernel)
        self._out_dtypes = {}

    def _build_loop(self, node):
        """The loop over interior points, compiled from a file written for it."""
        import ast

        idx = [f"_rumbo_i{k}" for k in range(self.ndim)]
        relative = set(self._relative)

        class Shift(ast.NodeTransformer):
            def visit_Subscript(self, sub):
                self.generic_visit(sub)
                if isinstance(sub.value, ast.Name) and sub.value.id in relative:
                    parts = _index_parts(sub.slice)
                    shifted = [ast.BinOp(ast.Name(idx[k], ast.Load()), ast.Add(), p) for k, p in enumerate(parts)]
                    sub.slice = ast.Tuple(shifted, ast.Load()) if len(shifted) > 1 else shifted[0]
                return sub

            def visit_Return(self, ret):
                self.generic_visit(ret)
                target = ast.Subscript(ast.Name("_rumbo_out", ast.Load()),
                                       ast.Tuple([ast.Name(i, ast.Load()) for i in idx], ast.Load()), ast.Store())
                return [ast.Assign([target], ret.value), ast.Continue()]

        import copy

        # A copy: the frontend keeps the file's parsed tree for compiling the kernel itself.
        body = [Shift().visit(s) for s in copy.deepcopy(node.body)]
        flat = []
        for s in body:
            flat.extend(s if isinstance(s, list) else [s])
        loop = flat
        for k in reversed(range(self.ndim)):
            lo, hi = self.neighborhood[k]
            bounds = [ast.Constant(-lo), ast.BinOp(ast.Subscript(ast.Attribute(ast.Name("_rumbo_out", ast.Load()), "shape", ast.Load()),
                                                                ast.Constant(k), ast.Load()), ast.Sub(), ast.Constant(hi))]
            loop = [ast.For(ast.Name(idx[k], ast.Store()), ast.Call(ast.Name("range", ast.Load()), bounds, []), loop, [])]
        args = ast.arguments(posonlyargs=[], args=[ast.arg(p) for p in self._params] + [ast.arg("_rumbo_out")],
                             kwonlyargs=[], kw_defaults=[], defaults=[])
        fn = ast.FunctionDef(f"stencil_{self.kernel.__name__}", args, loop + [ast.Return(ast.Name("_rumbo_out", ast.Load()))], [], None)
        module = ast.Module([fn], [])
        ast.fix_missing_locations(module)
        source = ast.unparse(module) + "\n"
        path = os.path.join(_module_dir(), f"rumbo_stencil_{next(_counter)}.py")
        with open(path, "w") as fh:
            fh.write(source)
        spec = importlib.util.spec_from_file_location(f"rumbo_stencil_{os.path.basename(path)[:-3]}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        # The kernel's globals and closure values are the loop's globals.
        names = dict(self.kernel.__globals__)
        if self.kernel.__closure__:
            names.update(zip(self.kernel.__code__.co_freevars, (c.cell_contents for c in self.kernel.__closure__)))
        for key, value in names.items():
            mod.__dict__.setdefault(key, value)
        return decorators.njit(getattr(mod, fn.name))

    def _out_dtype(self, args):
        parts = []
        for a in args:
            if isinstance(a, np.ndarray):
                dims = [":"] * a.ndim
                if a.ndim and a.flags.c_contiguous:
                    dims[-1] = "::1"
                parts.append(f"{'bool' if a.dtype == np.bool_ else a.dtype}[{', '.join(dims)}]")
            elif isinstance(a, (bool, np.bool_)):
                parts.append("boolean")
            elif isinstance(a, (int, np.integer)):
                parts.append("int64")
            elif isinstance(a, (float, np.floating)):
                parts.append("float64")
            else:
                parts.append("complex128")
        want = "(" + ", ".join(parts) + ")"
        ret = self._out_dtypes.get(want)
        if ret is None:
            before = {tuple(s["args"]) for s in self._kernel_jit._specializations()}
            self._kernel_jit.compile(want)
            new = [s for s in self._kernel_jit._specializations() if tuple(s["args"]) not in before]
            ret = self._out_dtypes[want] = new[0]["ret"]
        return np.dtype("bool" if ret == "bool" else ret)

    def __call__(self, *args, out=None):
        if len(args) != len(self._params):
            raise TypeError(f"{self.__name__}() takes {len(self._params)} arguments ({len(args)} given)")
        first = args[self._params.index(self._relative[0])]
        shape = np.shape(first)
        if len(shape) != self.ndim:
            raise ValueError(f"stencil {self.__name__} indexes {self.ndim} dimensions, the array has {len(shape)}")
        if out is None:
            out = np.full(shape, self.cval, self._out_dtype(args))
        return self._loop(*args, out)


def stencil(func_or_mode="constant", **options):
    """Numba's `@stencil`, `@stencil()`, `@stencil(neighborhood=((-1, 1), (-1, 1)),
    cval=0.0, standard_indexing=("weights",))`."""
    options.pop("func_or_mode", None)
    if callable(func_or_mode):
        return StencilFunc(func_or_mode, **options)

    def wrap(kernel):
        return StencilFunc(kernel, **options)

    return wrap
