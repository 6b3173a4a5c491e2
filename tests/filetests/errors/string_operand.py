from rumbo import njit


@njit
def f(x):
    return "total: " + x


CALLS = [("f", (1,))]
