"""Recursive Fibonacci: call overhead of a self-recursive scalar function."""

import math

from _backend import njit

TITLE = "recursive fib(n)"
numpy_version = None


@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


kernel = fib


def inputs(scale):
    # fib(n) makes ~phi**n calls: n grows by log_phi(scale).
    n = 32 + max(-12, round(math.log(max(scale, 1e-6)) / math.log((1 + 5 ** 0.5) / 2)))
    return (n,), f"n={n}"
