# A variable assigned on one path only: as in Numba, the other path reads a
# zero of the variable's type (`undef y`), and typing accepts it.
from rumbo import njit


@njit
def f(x):
    if x > 0:
        y = x
    return y


CALLS = [("f", (1,))]
