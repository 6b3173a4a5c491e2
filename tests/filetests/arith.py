# Straight-line arithmetic: one block, int64 and float64 specializations.
from rumbo import njit


@njit
def arith(a, b):
    c = a + b * 2
    d = c - a // 3
    e = d % 7
    f = -e + a**2
    return f / b


@njit
def bits(a, b):
    return (a & b) | (a ^ b) << 1 >> 2, ~a


CALLS = [
    ("arith", (7, 3)),
    ("arith", (7.5, 2.0)),
    ("arith", (7, 2.5)),
    ("bits", (12, 10)),
]
