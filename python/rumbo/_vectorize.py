"""`vectorize`: NumPy-style ufuncs from scalar functions (Numba's `@vectorize`).

The scalar function is compiled with `njit` (eagerly for the given signatures, else
per argument types); calling the result on arrays broadcasts them as NumPy does and runs
one compiled loop over the elements, which calls the compiled scalar function (LLVM
inlines it). Scalars in, a scalar out. `out=` writes into an existing array. Methods of
real ufuncs (`reduce`, `accumulate`, `at`, `outer`) are not provided.
"""

import functools

import numpy as np

from . import decorators

# The element loops, one per arity: each runs `kernel` over flat, equal-length arrays.
_MAX_ARGS = 8


def _loop_for(kernel, nargs, options):
    """A compiled loop `run(out, x0, ..., x{n-1})` storing kernel(x0[i], ...) into out[i]."""
    jit = decorators.njit(**options)
    if nargs == 1:
        def run(out, x0):
            for i in range(out.shape[0]):
                out[i] = kernel(x0[i])
    elif nargs == 2:
        def run(out, x0, x1):
            for i in range(out.shape[0]):
                out[i] = kernel(x0[i], x1[i])
    elif nargs == 3:
        def run(out, x0, x1, x2):
            for i in range(out.shape[0]):
                out[i] = kernel(x0[i], x1[i], x2[i])
    elif nargs == 4:
        def run(out, x0, x1, x2, x3):
            for i in range(out.shape[0]):
                out[i] = kernel(x0[i], x1[i], x2[i], x3[i])
    elif nargs == 5:
        def run(out, x0, x1, x2, x3, x4):
            for i in range(out.shape[0]):
                out[i] = kernel(x0[i], x1[i], x2[i], x3[i], x4[i])
    elif nargs == 6:
        def run(out, x0, x1, x2, x3, x4, x5):
            for i in range(out.shape[0]):
                out[i] = kernel(x0[i], x1[i], x2[i], x3[i], x4[i], x5[i])
    elif nargs == 7:
        def run(out, x0, x1, x2, x3, x4, x5, x6):
            for i in range(out.shape[0]):
                out[i] = kernel(x0[i], x1[i], x2[i], x3[i], x4[i], x5[i], x6[i])
    else:
        def run(out, x0, x1, x2, x3, x4, x5, x6, x7):
            for i in range(out.shape[0]):
                out[i] = kernel(x0[i], x1[i], x2[i], x3[i], x4[i], x5[i], x6[i], x7[i])
    return jit(run)


def _parse_signature(sig):
    """'f8(f8, i8)' or a rumbo.types signature -> (argument type names, return type name)."""
    text = str(sig).replace(" ", "")
    ret, _, args = text.partition("(")
    args = args.rstrip(")")
    return [a for a in args.split(",") if a], ret


class DUFunc:
    """What `@vectorize` returns: call it on numbers (a number back) or on arrays and
    numbers (broadcast, an array back)."""

    def __init__(self, func, signatures, options, identity=None):
        functools.update_wrapper(self, func)
        self.py_func = func
        self.identity = identity
        self._options = decorators.kernel_options(options)
        self._kernel = decorators.njit(**self._options)(func)
        self._loops = {}
        self._signatures = []
        self.nin = func.__code__.co_argcount
        self.nout = 1
        if self.nin > _MAX_ARGS:
            raise TypeError(f"vectorize supports functions of at most {_MAX_ARGS} arguments")
        for sig in signatures or ():
            args, ret = _parse_signature(sig)
            if len(args) != self.nin:
                raise TypeError(f"signature {sig!r} has {len(args)} arguments, the function {self.nin}")
            self._kernel.compile("(" + ", ".join(args) + ")")
            self._signatures.append(([np.dtype(_numpy_name(a)) for a in args], np.dtype(_numpy_name(ret))))

    @property
    def ntypes(self):
        return len(self._signatures)

    @property
    def types(self):
        return [''.join(a.char for a in args) + '->' + ret.char for args, ret in self._signatures]

    def _result_dtype(self, dtypes):
        """The output dtype for arguments of `dtypes`: a declared signature they convert to
        safely (the first, as NumPy picks), else what the compiled function returns."""
        if self._signatures:
            for args, ret in self._signatures:
                if all(np.can_cast(d, a, "safe") for d, a in zip(dtypes, args)):
                    return args, ret
            names = ", ".join(str(d) for d in dtypes)
            raise TypeError(f"ufunc '{self.__name__}' not supported for the input types ({names})")
        self._kernel.compile("(" + ", ".join(_rumbo_name(d) for d in dtypes) + ")")
        want = [_rumbo_name(d) for d in dtypes]
        for spec in self._kernel._specializations():
            if list(spec["args"]) == want:
                return list(dtypes), np.dtype(_numpy_name(spec["ret"]))
        raise TypeError(f"ufunc '{self.__name__}' could not be compiled for {want}")

    def __call__(self, *args, out=None):
        if len(args) != self.nin:
            raise TypeError(f"{self.__name__}() takes {self.nin} arguments ({len(args)} given)")
        arrays = [np.asarray(a) for a in args]
        scalar_call = out is None and not any(isinstance(a, np.ndarray) for a in args)
        if scalar_call and not self._signatures:
            return self._kernel(*args)
        in_types, ret = self._result_dtype([a.dtype for a in arrays])
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        flat = [np.ascontiguousarray(np.broadcast_to(a.astype(t, copy=False), shape)).reshape(-1)
                for a, t in zip(arrays, in_types)]
        target = np.empty(shape, ret) if out is None else out
        if out is not None and out.shape != shape:
            raise ValueError(f"non-broadcastable output operand with shape {out.shape} doesn't match the broadcast shape {shape}")
        result = target if target.flags.c_contiguous else np.empty(shape, target.dtype)
        loop = self._loops.get(self.nin)
        if loop is None:
            loop = self._loops[self.nin] = _loop_for(self._kernel, self.nin, self._options)
        loop(result.reshape(-1), *flat)
        if result is not target:
            target[...] = result
        if scalar_call:
            return target[()]
        return target

    def __repr__(self):
        return f"<rumbo vectorized ufunc {self.__name__!r}>"


def _numpy_name(t):
    """The NumPy dtype name of a type name in a signature ('f8', 'double', 'int64')."""
    from . import types

    t = str(t)
    return str(getattr(types, t, t))


def _rumbo_name(dtype):
    return "bool" if dtype == np.bool_ else str(dtype)


def vectorize(ftylist_or_function=(), **kws):
    """Numba's `@vectorize`, `@vectorize()`, `@vectorize(signature)` and
    `@vectorize([signatures], identity=..., nopython=True, fastmath=..., cache=...)`."""
    target = kws.pop("target", "cpu")
    if target not in ("cpu", "parallel"):
        raise ValueError(f"vectorize target {target!r} is not supported (cpu or parallel)")
    identity = kws.pop("identity", None)
    if callable(ftylist_or_function):
        return DUFunc(ftylist_or_function, (), kws, identity)
    sigs = ftylist_or_function
    if isinstance(sigs, str) or not isinstance(sigs, (list, tuple)):
        sigs = [sigs]

    def wrap(func):
        return DUFunc(func, sigs, kws, identity)

    return wrap
