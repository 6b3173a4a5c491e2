from rumbo import njit


@njit
def f(x):
    t = (x, x)
    return t[2]


CALLS = [("f", (5,))]
