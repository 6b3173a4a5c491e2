"""`numba.core.errors` under rumbo: the same classes as rumbo.errors."""

from ..errors import *  # noqa: F401,F403
from ..errors import NumbaError, TypingError, UnsupportedError  # noqa: F401
