"""The CBLAS routines compiled code calls for np.dot and @, registered once: when rumbo's
NumPy library loads, or when a cache entry that calls them is loaded (without the library)."""

import ctypes
import glob
import itertools
import os

from . import _core

_found = []


def _find():
    """Finds CBLAS routines: NumPy's bundled OpenBLAS (ILP64 names) first."""
    import numpy as np

    libs_dir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    candidates = [(p, "scipy_cblas_{}64_", True) for p in sorted(glob.glob(os.path.join(libs_dir, "libscipy_openblas64_*.so*")))]
    candidates += [(p, "scipy_cblas_{}", False) for p in sorted(glob.glob(os.path.join(libs_dir, "libscipy_openblas*.so*")))]

    def system_blas():
        # find_library runs ldconfig/gcc (tens of ms): only when NumPy bundles no BLAS.
        import ctypes.util

        for name in ("cblas", "openblas", "blas"):
            found = ctypes.util.find_library(name)
            if found:
                yield (found, "cblas_{}", False)

    for path, pattern, ilp64 in itertools.chain(candidates, system_blas()):
        try:
            lib = ctypes.CDLL(path)
            routines = [(r, ctypes.cast(getattr(lib, pattern.format(r)), ctypes.c_void_p).value)
                        for r in ("dgemm", "sgemm", "dgemv", "sgemv", "ddot", "sdot")]
        except (OSError, AttributeError):
            continue
        _core.set_blas(routines, ilp64)
        return path
    return None


def register():
    """Registers the routines (once); returns the library's path, or None."""
    if not _found:
        _found.append(_find())
    return _found[0]
