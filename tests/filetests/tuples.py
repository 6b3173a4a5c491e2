# Tuple packing, unpacking, swapping, indexing and returning tuples.
from rumbo import njit


@njit
def swap(a, b):
    a, b = b, a
    return a, b


@njit
def divmod_pair(a, b):
    t = (a // b, a % b)
    q, r = t
    return q * b + r, t[1]


@njit
def heterogeneous(x):
    t = (x, 1.5, True)
    return t


@njit
def take(t):
    a, b = t
    return a + b


CALLS = [
    ("swap", (1, 2)),
    ("divmod_pair", (17, 5)),
    ("heterogeneous", (3,)),
    ("take", ((2, 3),)),
    ("take", ((2, 3.5),)),
]
