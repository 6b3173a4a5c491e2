# for over range with one, two and three arguments, including a negative step.
from rumbo import njit


@njit
def down(n):
    s = 0
    for i in range(n, 0, -2):
        s = s * 10 + i
    return s


@njit
def span(a, b):
    last = -1
    for j in range(a, b):
        last = j
    else:
        last = last + 100
    return last


CALLS = [
    ("down", (9,)),
    ("span", (3, 6)),
]
