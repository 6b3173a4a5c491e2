# Module-level constants are frozen at compile time; unused-before-assignment
# on one path is fine when the value is not read.
from rumbo import njit

LIMIT = 10
RATE = 0.25
FLAGS = (1, 2, 3)


@njit
def clipped(x):
    if x > LIMIT:
        x = LIMIT
    return x * RATE + FLAGS[2]


@njit
def none_return(x):
    if x:
        return
    y = x + 1


CALLS = [
    ("clipped", (12,)),
    ("none_return", (0,)),
]
