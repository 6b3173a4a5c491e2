# Nested loops: a for inside a while, a break in the inner loop only.
from rumbo import njit


@njit
def table(n):
    total = 0
    i = 0
    while i < n:
        for j in range(n):
            if j > i:
                break
            total += i * j
        i += 1
    return total


@njit
def pairs(n):
    count = 0
    for a in range(n):
        for b in range(a):
            count += 1
    return count


CALLS = [
    ("table", (4,)),
    ("pairs", (5,)),
]
