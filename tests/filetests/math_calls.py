# math module attributes and functions.
import math

from rumbo import njit


@njit
def hypot_like(x, y):
    return math.sqrt(x * x + y * y) + math.floor(x) + math.pi


@njit
def trig(x):
    return math.sin(x) ** 2 + math.cos(x) ** 2, math.isnan(x)


CALLS = [
    ("hypot_like", (3, 4)),
    ("hypot_like", (3.0, 4.0)),
    ("trig", (0.5,)),
]
