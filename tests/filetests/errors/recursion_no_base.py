# No non-recursive return: the return type cannot be inferred.
from rumbo import njit


@njit
def f(n):
    return f(n - 1) + 1


CALLS = [("f", (5,))]
