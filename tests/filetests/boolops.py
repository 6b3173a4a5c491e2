# and / or return one of their operands (Python's value rule), not a bool.
from rumbo import njit


@njit
def and_value(a, b):
    return a and b


@njit
def or_chain(a, b, c):
    return a or b or c


@njit
def not_and(a, b):
    return not a and b > 0


CALLS = [
    ("and_value", (3, 4)),
    ("and_value", (0, 4.5)),
    ("or_chain", (0, 0, 7)),
    ("not_and", (0, 2)),
]
