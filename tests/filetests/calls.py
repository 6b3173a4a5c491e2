# Calls between @njit functions, with positional, keyword and default arguments.
from rumbo import njit


@njit
def scale(x, factor=2):
    return x * factor


@njit
def caller(a):
    return scale(a) + scale(a, factor=0.5)


CALLS = [
    ("caller", (3,)),
    ("scale", (3,)),
]
