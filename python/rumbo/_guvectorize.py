"""`guvectorize`: generalized ufuncs from kernels over core dimensions (Numba's
`@guvectorize(signatures, "(n),(n)->()")`).

The kernel is compiled with `njit` (for the given signatures, or per argument types
when only a layout is given) and writes its results into its output arguments. A call
broadcasts the loop dimensions of the inputs as NumPy does, allocates the outputs
(unless given), and runs one compiled loop that calls the kernel for each loop index on
views of the arguments: inputs with core layout `()` arrive as numbers, outputs with
layout `()` as one-element arrays (`out[0] = ...`), as in Numba.
"""

import functools
import re

import numpy as np

from . import decorators
from ._vectorize import _numpy_name

_MAX_ARGS = 6


def _loop_for(kernel, nargs, options):
    """A compiled loop `run(n, a0, ...)` calling kernel(a0[i], ...) for i < n."""
    jit = decorators.njit(**options)
    if nargs == 1:
        def run(n, a0):
            for i in range(n):
                kernel(a0[i])
    elif nargs == 2:
        def run(n, a0, a1):
            for i in range(n):
                kernel(a0[i], a1[i])
    elif nargs == 3:
        def run(n, a0, a1, a2):
            for i in range(n):
                kernel(a0[i], a1[i], a2[i])
    elif nargs == 4:
        def run(n, a0, a1, a2, a3):
            for i in range(n):
                kernel(a0[i], a1[i], a2[i], a3[i])
    elif nargs == 5:
        def run(n, a0, a1, a2, a3, a4):
            for i in range(n):
                kernel(a0[i], a1[i], a2[i], a3[i], a4[i])
    else:
        def run(n, a0, a1, a2, a3, a4, a5):
            for i in range(n):
                kernel(a0[i], a1[i], a2[i], a3[i], a4[i], a5[i])
    return jit(run)


_DIMS = re.compile(r"\(([^()]*)\)")


def _parse_layout(layout):
    """"(n),(n)->()" -> ([("n",), ("n",)], [()])."""
    text = layout.replace(" ", "")
    if "->" not in text:
        raise ValueError(f"guvectorize layout {layout!r} has no '->'")
    left, right = text.split("->")

    def specs(part):
        return [tuple(d for d in m.split(",") if d) for m in _DIMS.findall(part)]

    return specs(left), specs(right)


def _dtype_of(type_name):
    """'float64[:]' / 'f8[:, :]' / 'int64' -> the element dtype."""
    base = type_name.split("[")[0]
    return np.dtype(_numpy_name(base))


class GUFunc:
    """What `@guvectorize` returns: call it with the inputs (and optionally the outputs)."""

    def __init__(self, func, signatures, layout, options):
        functools.update_wrapper(self, func)
        self.py_func = func
        self.layout = layout
        self._ins, self._outs = _parse_layout(layout)
        self.nin, self.nout = len(self._ins), len(self._outs)
        nargs = func.__code__.co_argcount
        if nargs != self.nin + self.nout:
            raise TypeError(f"layout {layout!r} has {self.nin + self.nout} arguments, the function {nargs}")
        if nargs > _MAX_ARGS:
            raise TypeError(f"guvectorize supports kernels of at most {_MAX_ARGS} arguments")
        self._options = decorators.kernel_options(options)
        self._kernel = decorators.njit(**self._options)(func)
        self._signatures = []
        for sig in signatures or ():
            types = _split_types(sig)
            if len(types) != nargs:
                raise TypeError(f"signature {sig!r} has {len(types)} arguments, the kernel {nargs}")
            self._signatures.append([_dtype_of(a) for a in types])
        self._loop = None

    def _dtypes(self, in_dtypes):
        """Argument dtypes (inputs then outputs) for inputs of `in_dtypes`."""
        for dts in self._signatures:
            if all(np.can_cast(d, a, "safe") for d, a in zip(in_dtypes, dts)):
                return dts
        if self._signatures:
            names = ", ".join(str(d) for d in in_dtypes)
            raise TypeError(f"gufunc '{self.__name__}' not supported for the input types ({names})")
        # A layout only: outputs take the first input's dtype (the kernel decides the values).
        return list(in_dtypes) + [in_dtypes[0]] * self.nout

    def __call__(self, *args):
        if len(args) not in (self.nin, self.nin + self.nout):
            raise TypeError(f"{self.__name__}() takes {self.nin} inputs (and optionally {self.nout} outputs), got {len(args)}")
        inputs = [np.asarray(a) for a in args[: self.nin]]
        given = list(args[self.nin:])
        dtypes = self._dtypes([a.dtype for a in inputs])
        sizes = {}
        loop_shapes = []
        for a, spec in zip(inputs, self._ins):
            if a.ndim < len(spec):
                raise ValueError(f"{self.__name__}: input needs at least {len(spec)} dimensions for {spec}, has {a.ndim}")
            core = a.shape[a.ndim - len(spec):]
            for name, size in zip(spec, core):
                if sizes.setdefault(name, size) != size:
                    raise ValueError(f"{self.__name__}: dimension {name!r} is {sizes[name]} in one argument and {size} in another")
            loop_shapes.append(a.shape[: a.ndim - len(spec)])
        for out, spec in zip(given, self._outs):
            core = out.shape[out.ndim - len(spec):] if spec else ()
            for name, size in zip(spec, core):
                sizes.setdefault(name, size)
        missing = [d for spec in self._outs for d in spec if d not in sizes]
        if missing:
            raise ValueError(f"{self.__name__}: output dimension(s) {missing} are not set by any input")
        loop = np.broadcast_shapes(*loop_shapes)
        n = int(np.prod(loop, dtype=np.int64))
        flat = []
        for a, spec, dt in zip(inputs, self._ins, dtypes):
            core = tuple(sizes[d] for d in spec)
            b = np.ascontiguousarray(np.broadcast_to(a.astype(dt, copy=False), loop + core))
            flat.append(b.reshape((n,) + core))
        outs = []
        for k, spec in enumerate(self._outs):
            core = tuple(sizes[d] for d in spec)
            want = loop + core
            if k < len(given):
                out = given[k]
                if out.shape != want:
                    raise ValueError(f"{self.__name__}: output {k} has shape {out.shape}, expected {want}")
            else:
                out = np.empty(want, dtypes[self.nin + k])
            outs.append(out)
        work = [o if o.flags.c_contiguous else np.empty(o.shape, o.dtype) for o in outs]
        # Outputs of layout () are one-element arrays to the kernel.
        views = [w.reshape((n,) + (tuple(sizes[d] for d in spec) or (1,))) for w, spec in zip(work, self._outs)]
        if self._loop is None:
            self._loop = _loop_for(self._kernel, self.nin + self.nout, self._options)
        self._loop(n, *flat, *views)
        for o, w in zip(outs, work):
            if o is not w:
                o[...] = w
        if len(given) == self.nout:
            return None
        return outs[0] if self.nout == 1 else tuple(outs)

    def __repr__(self):
        return f"<rumbo guvectorized gufunc {self.__name__!r} {self.layout}>"


def _split_types(sig):
    """The argument type names of 'void(float64[:], float64[:, :], int64)'."""
    text = str(sig).replace(" ", "")
    inner = text[text.index("(") + 1: text.rindex(")")]
    out, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def guvectorize(*args, **kws):
    """Numba's `@guvectorize([signatures], layout, ...)` and `@guvectorize(layout)`."""
    target = kws.pop("target", "cpu")
    if target not in ("cpu", "parallel"):
        raise ValueError(f"guvectorize target {target!r} is not supported (cpu or parallel)")
    kws.pop("nopython", None)
    kws.pop("writable_args", None)
    if len(args) == 1 and isinstance(args[0], str):
        sigs, layout = (), args[0]
    elif len(args) == 2:
        sigs, layout = args
        if isinstance(sigs, str):
            sigs = [sigs]
    else:
        raise TypeError("guvectorize takes ([signatures,] layout)")

    def wrap(func):
        return GUFunc(func, sigs, layout, kws)

    return wrap
