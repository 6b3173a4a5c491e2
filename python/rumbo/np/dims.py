"""np.squeeze and the array method squeeze, with `axis=` (an int or a tuple
of ints): a view without those axes, made by the primitive `rumbo.drop_axes`.

Without `axis` the number of dimensions of the result would depend on the
shape at run time, which compiled code cannot have (its types are static), so
that form is a compile-time error telling to pass the axes. (Numba does not
support np.squeeze at all.)"""

import numpy as np

from ..extending import array_method, implements, primitive, register_jitable


@primitive("rumbo.drop_axes")
def _drop_axes(a, axes):
    """The view of a without `axes` (checked: in range, distinct, of length 1)."""
    return np.squeeze(a, axis=axes)


@register_jitable
def _check_axis(shape, axis):
    n = len(shape)
    if axis < -n or axis >= n:
        raise np.exceptions.AxisError("axis is out of bounds for the array's dimensions")
    if shape[axis] != 1:
        raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    if axis < 0:
        return axis + n
    return axis


@implements(np.squeeze)
@array_method("squeeze")
def squeeze(a, axis=None):
    if axis is None:
        # a compile-time error explaining why (see the module docstring)
        return _drop_axes(a, axis)
    if isinstance(axis, tuple):
        seen = 0
        for ax in axis:
            bit = 1 << _check_axis(a.shape, ax)
            if seen & bit:
                raise ValueError("duplicate value in 'axis'")
            seen |= bit
        return _drop_axes(a, axis)
    _check_axis(a.shape, axis)
    return _drop_axes(a, axis)
