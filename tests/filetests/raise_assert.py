# raise and assert end their blocks with a `raise` terminator.
from rumbo import njit


@njit
def checked_sqrt(x):
    if x < 0:
        raise ValueError("negative")
    return x**0.5


@njit
def positive(x):
    assert x > 0, "x must be positive"
    assert x != 3
    return x


@njit
def bare_class(x):
    if x == 0:
        raise ZeroDivisionError
    return 1 / x


CALLS = [
    ("checked_sqrt", (4.0,)),
    ("positive", (5,)),
    ("bare_class", (4,)),
]
