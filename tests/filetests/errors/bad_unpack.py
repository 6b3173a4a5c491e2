from rumbo import njit


@njit
def f(x):
    a, b = (x, x + 1, x + 2)
    return a + b


CALLS = [("f", (1,))]
