import math

from rumbo import njit


@njit
def f(x):
    return math.sqrt(x, 2)


CALLS = [("f", (4.0,))]
