# Chained comparisons: a < b < c is a < b and b < c with b evaluated once.
from rumbo import njit


@njit
def between(lo, x, hi):
    return lo <= x < hi


@njit
def ordered(a, b, c, d):
    return a < b < c != d


CALLS = [
    ("between", (1, 2, 3)),
    ("between", (1.0, 2, 3.5)),
    ("ordered", (1, 2, 3, 4)),
]
