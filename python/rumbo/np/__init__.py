"""NumPy functions and array methods, implemented in Python and compiled by rumbo."""

from . import reductions  # noqa: F401
