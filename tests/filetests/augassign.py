# Augmented assignment: every operator, and a float widening by `/=`.
from rumbo import njit


@njit
def ops(x, y):
    x += y
    x -= 1
    x *= 3
    x //= 2
    x %= 100
    x **= 2
    x <<= 1
    x >>= 1
    x &= 255
    x |= 1
    x ^= 3
    return x


@njit
def halve(x):
    x /= 2
    return x


CALLS = [
    ("ops", (5, 6)),
    ("halve", (9,)),
]
