"""`extending.overload` / `overload_method`: implementations chosen per argument types."""
import numpy as np
import pytest

import rumbo
from rumbo import types
from rumbo.extending import overload, overload_method


def clipped_norm(x, cap):
    """Pure-Python stand-in: compiled code calls the @overload implementation."""
    return min(float(np.sqrt(np.sum(np.square(x)))), cap)


@overload(clipped_norm)
def _ol_clipped_norm(x, cap):
    if isinstance(x, types.Array) and x.ndim == 1:
        def impl(x, cap):
            return min(np.sqrt((x * x).sum()), cap)
        return impl
    if isinstance(x, types.Float):
        def impl(x, cap):
            return min(abs(x), cap)
        return impl
    return None


@overload_method(types.Array, "double_sum")
def _ol_double_sum(a):
    def impl(a):
        return 2 * a.sum()
    return impl


@rumbo.njit
def use(a, x):
    return clipped_norm(a, 10.0), clipped_norm(x, 1.0), a.double_sum()


@rumbo.njit
def with_int(n):
    return clipped_norm(n, 1.0)


def test_overload_picks_an_implementation_per_types():
    a = np.array([3.0, 4.0])
    assert use(a, -2.5) == (5.0, 1.0, 14.0)
    assert use(np.array([30.0, 40.0]), 0.5) == (10.0, 0.5, 140.0)


def test_no_implementation_is_a_typing_error():
    with pytest.raises(rumbo.errors.TypingError, match="clipped_norm"):
        with_int(3)
