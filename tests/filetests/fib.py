# Recursion: the return type comes from the non-recursive return.
from rumbo import njit


@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


CALLS = [
    ("fib", (10,)),
]
