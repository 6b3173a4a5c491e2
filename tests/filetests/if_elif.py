# if / elif / else: the joins take the assigned variable as a block parameter.
from rumbo import njit


@njit
def classify(x):
    if x < 0:
        r = -1
    elif x == 0:
        r = 0
    else:
        r = 1
    return r


@njit
def early_return(x):
    if x > 10:
        return x * 2
    if x > 5:
        y = x + 1
    else:
        y = x - 1.5
    return y


CALLS = [
    ("classify", (-3,)),
    ("classify", (0.5,)),
    ("early_return", (7,)),
]
