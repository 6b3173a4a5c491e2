# `y` is a local (assigned below) but no path assigns it before this read.
from rumbo import njit


@njit
def f(x):
    if x > 0:
        x += 1
    z = y + x
    y = 1
    return z + y


CALLS = [("f", (1,))]
