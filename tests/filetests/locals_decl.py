# locals= fixes a variable's type: assignments are converted to it.
from rumbo import float32, float64, njit


@njit(locals={"acc": float64})
def total(n):
    acc = 0
    for i in range(n):
        acc += i
    return acc


@njit(locals={"y": float32})
def narrowed(x):
    y = x * 2
    return y


CALLS = [
    ("total", (5,)),
    ("narrowed", (1.5,)),
]
