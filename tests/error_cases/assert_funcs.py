"""Jitted-function sources that use ``assert``.

They live outside the ``test_*.py`` modules because pytest rewrites assert
statements in test modules, and a bytecode-based backend (Numba) would then
compile pytest's rewritten code instead of the plain ``assert``.
"""


def asserting(x):
    assert x > 0, "x must be > 0"
    return x


def asserting_no_msg(x):
    assert x > 0
    return x


def asserting_in_loop(n):
    s = 0
    for i in range(n):
        assert i < 5, "i reached 5"
        s += i
    return s
