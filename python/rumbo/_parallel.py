"""`prange` and the thread-count functions (Numba's names), usable from Python
and from compiled code, where they are builtins (see `_builtin_name`)."""

import operator

from . import _core


def prange(*args):
    """`range` whose iterations may run in parallel in `parallel=True` functions."""
    return range(*args)


def get_num_threads():
    """Threads a parallel region started from this thread uses."""
    return _core.thread_info()[0]


def set_num_threads(n):
    """Use `n` threads (1 to NUMBA_NUM_THREADS) in parallel regions started from this thread."""
    if isinstance(n, bool):
        raise TypeError("The number of threads specified must be an integer, not bool")
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"The number of threads specified must be an integer, not {type(n).__name__}") from None
    if n < 1:
        raise ValueError(f"The number of threads must be between 1 and {_max_threads()}, got {n}")
    _core.set_num_threads(min(n, 2**63))


def get_thread_id():
    """This thread's index in the parallel region running it (0 outside regions)."""
    return _core.thread_info()[2]


def set_parallel_chunksize(n):
    """Iterations per chunk of the `prange` loops this thread starts (0: rumbo picks);
    returns the previous value (Numba's `set_parallel_chunksize`)."""
    n = operator.index(n)
    if n < 0:
        raise ValueError("chunksize must be greater than or equal to zero")
    return _core.parallel_chunksize(n)


def get_parallel_chunksize():
    """The chunk size set by `set_parallel_chunksize` (0: rumbo picks)."""
    return _core.parallel_chunksize(None)


class parallel_chunksize:
    """`with parallel_chunksize(n):` sets the chunk size for the block, then restores it."""

    def __init__(self, n):
        self._n = n
        self._old = 0

    def __enter__(self):
        self._old = set_parallel_chunksize(self._n)
        return self

    def __exit__(self, *exc):
        set_parallel_chunksize(self._old)
        return False


def threading_layer():
    """The threading layer parallel regions run on (Numba's `threading_layer()`):
    rumbo has one, its own worker team (the caller takes part; workers spin, then park),
    which is Numba's `workqueue` in kind."""
    return "workqueue"


def _max_threads():
    return _core.thread_info()[1]


_BUILTINS = {
    id(prange): "prange",
    id(get_num_threads): "threads.get_num_threads",
    id(set_num_threads): "threads.set_num_threads",
    id(get_thread_id): "threads.get_thread_id",
}


def _builtin_name(obj):
    """The compiled builtin `obj` is, or None."""
    return _BUILTINS.get(id(obj))
