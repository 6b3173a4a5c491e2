"""NumPy functions and array methods, implemented in Python and compiled by rumbo."""

from . import reductions  # noqa: F401
from . import linalg  # noqa: F401,E402
from . import creation  # noqa: F401,E402
from . import methods  # noqa: F401,E402
from . import indexing  # noqa: F401,E402
from . import joining  # noqa: F401,E402
from . import statistics  # noqa: F401,E402
from . import manipulation  # noqa: F401,E402
from . import linalg_solve  # noqa: F401,E402
from . import sets  # noqa: F401,E402
from . import products  # noqa: F401,E402
from . import random  # noqa: F401,E402
from . import random_distributions  # noqa: F401,E402
from . import dims  # noqa: F401,E402
from . import iterables  # noqa: F401,E402
from . import cmath_functions  # noqa: F401,E402
from . import linalg_factor  # noqa: F401,E402

import rumbo as _rumbo  # noqa: E402

from ..extending import implements as _implements  # noqa: E402


@_implements(_rumbo.literal_unroll)
def _literal_unroll(container):
    return container
