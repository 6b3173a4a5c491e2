from rumbo import njit


@njit
def f(x):
    if x > 0:
        return (x, x)
    return x


CALLS = [("f", (1,))]
