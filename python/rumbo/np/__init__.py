"""NumPy functions and array methods, implemented in Python and compiled by rumbo."""

from . import reductions  # noqa: F401
from . import linalg  # noqa: F401,E402
