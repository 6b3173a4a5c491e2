# Conditional expressions: the join block takes the result as its first parameter.
from rumbo import njit


@njit
def absolute(x):
    return x if x >= 0 else -x


@njit
def mixed(x):
    y = 1 if x > 0 else 2.5
    return y * 2


CALLS = [
    ("absolute", (-4,)),
    ("mixed", (1,)),
]
