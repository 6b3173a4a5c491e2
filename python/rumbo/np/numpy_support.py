"""`numba.np.numpy_support`: converting between NumPy dtypes and rumbo types."""

import numpy as np

from ..types import from_dtype  # noqa: F401


def as_dtype(rumbo_type):
    """The NumPy dtype of a rumbo scalar type (`as_dtype(types.float32)` is float32)."""
    name = str(rumbo_type)
    return np.dtype("bool" if name in ("bool", "boolean") else name)
