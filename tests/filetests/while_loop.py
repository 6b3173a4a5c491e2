# while with break, continue and else.
from rumbo import njit


@njit
def first_multiple(n, k):
    i = 1
    found = -1
    while i < n:
        i += 1
        if i % 2 == 0:
            continue
        if i % k == 0:
            found = i
            break
    else:
        found = 0
    return found


@njit
def countdown(n):
    total = 0
    while n:
        total += n
        n -= 1
    return total


CALLS = [
    ("first_multiple", (20, 7)),
    ("countdown", (5,)),
]
