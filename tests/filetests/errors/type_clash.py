# A variable that is a number on one path and a tuple on the other.
from rumbo import njit


@njit
def f(x):
    if x > 0:
        y = 1
    else:
        y = (1, 2)
    return y


CALLS = [("f", (1,))]
