from rumbo import njit


@njit
def f(x):
    with open("x") as fh:
        x += 1
    return x


CALLS = [("f", (1,))]
