from rumbo import njit


@njit
def f(x):
    return x + not_defined_anywhere


CALLS = [("f", (1,))]
