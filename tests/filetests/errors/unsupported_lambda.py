from rumbo import njit


@njit
def f(x):
    g = lambda y: y + 1  # noqa: E731
    return g(x)


CALLS = [("f", (1,))]
