from rumbo import njit


def helper(x):
    return x + 1


@njit
def f(x):
    return helper(x)


CALLS = [("f", (1,))]
