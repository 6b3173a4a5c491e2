"""Reductions, scans and sorts: np.sum, np.prod, np.min/amin, np.max/amax,
np.mean, np.var, np.std, np.argmin, np.argmax, np.any, np.all (whole array or
along one `axis`), np.cumsum, np.cumprod, np.sort, np.argsort, and the same
array methods (a.sum(axis=0), a.cumsum(), a.sort(), a.argsort(), ...).

Plain Python compiled by rumbo for each argument type. What follows NumPy:

- Result types: sums and products of booleans and integers narrower than 64
  bits accumulate in int64 (unsigned: uint64), float32 stays float32, mean/var/
  std of integers are float64, var/std of complex are real. The accumulator
  type is written `a.dtype(0) + a.dtype(0)` (rumbo's integer arithmetic widens
  to 64 bits like NumPy's accumulators; floats keep their width), the mean's
  `a.dtype(0) / a.dtype(1)`. Arrays of such a type come from np.where (_full).
- Sums (sum, mean, var, std) are NumPy's pairwise summation: blocks of at most
  128 elements summed with 8 accumulators, halves split at multiples of 8,
  complex numbers with NumPy's complex variant (4 complex accumulators, blocks
  of 64). The order is NumPy's where NumPy's own order is known: 1-D arrays of any
  stride, the C order of C-contiguous arrays and the memory order of Fortran-
  contiguous ones; along an axis, pairwise when the axis is the one NumPy's
  iterator runs innermost (the smallest stride), else one slab after the other.
  Results are then bit-identical to NumPy's, except for products of complex
  numbers along a non-inner axis (NumPy multiplies complex arrays with FMA on
  AVX machines) and n-D arrays NumPy reads through its iterator's buffers
  (negative strides): there within rounding (rtol 1e-12 in the tests).
- min/max propagate NaN, argmin/argmax return the first NaN; complex numbers
  compare lexicographically. Empty reductions without identity raise NumPy's
  ValueError; an empty mean/var is nan (without NumPy's RuntimeWarning).
- An out-of-range axis raises numpy.exceptions.AxisError, with NumPy's message
  for the axes next to the valid range (compiled code has no f-strings).
- Sorting is a stable merge sort in NumPy's order (NaNs last; complex
  lexicographic with NaNs last). For distinct values the result equals NumPy's
  default sort; ties in argsort come out in index order, as NumPy's
  kind='stable' (its default quicksort promises no order for ties).

`axis` is an integer (negative allowed) for 1-D to 3-D arrays (axis reductions
of arrays with more dimensions raise NotImplementedError); var/std take ddof;
dtype=, out=, keepdims= and kind= are not supported."""

import numpy as np

from ..decorators import njit
from ..extending import array_method, implements

# Library code runs without bounds checks (every index below is computed in
# range) and with NumPy's error model (0/0 is nan: the mean of an empty array).
_lib = njit(boundscheck=False, error_model="numpy")

AxisError = np.exceptions.AxisError


# ---------------------------------------------------------------------------
# helpers: typed constants, arrays of a scalar's type, axes
# ---------------------------------------------------------------------------

@_lib
def _full(shape, value):
    """A new C array of `shape` filled with `value`, of value's type (np.full)."""
    return np.where(np.empty(shape, np.bool_), value, value)


@_lib
def _empty_of(shape, value):
    """A new uninitialized C array of `shape` of value's type (np.empty with a
    dtype known from a value: the dtype of a zero-size _full)."""
    return np.empty(shape, _full(0, value).dtype)


@_lib
def _count_as(n, zero):
    """The count n as a number of zero's type (NumPy divides a float32 sum by a
    float32 count): Horner's rule in that type, exact below 2**24 for float32."""
    r = zero
    one = zero + True
    b = 0
    while b < 63 and (n >> (b + 1)) != 0:
        b += 1
    for i in range(b, -1, -1):
        r = r + r
        if (n >> i) & 1:
            r = r + one
    return r


@_lib
def _axis_error(axis, ndim):
    # (no f-strings in compiled code: NumPy's message for the axes next to
    # the valid range, a generic one beyond)
    if ndim == 1:
        if axis == 1:
            raise AxisError("axis 1 is out of bounds for array of dimension 1")
        if axis == 2:
            raise AxisError("axis 2 is out of bounds for array of dimension 1")
        if axis == -2:
            raise AxisError("axis -2 is out of bounds for array of dimension 1")
        if axis == -3:
            raise AxisError("axis -3 is out of bounds for array of dimension 1")
    elif ndim == 2:
        if axis == 2:
            raise AxisError("axis 2 is out of bounds for array of dimension 2")
        if axis == 3:
            raise AxisError("axis 3 is out of bounds for array of dimension 2")
        if axis == -3:
            raise AxisError("axis -3 is out of bounds for array of dimension 2")
        if axis == -4:
            raise AxisError("axis -4 is out of bounds for array of dimension 2")
    elif ndim == 3:
        if axis == 3:
            raise AxisError("axis 3 is out of bounds for array of dimension 3")
        if axis == 4:
            raise AxisError("axis 4 is out of bounds for array of dimension 3")
        if axis == -4:
            raise AxisError("axis -4 is out of bounds for array of dimension 3")
        if axis == -5:
            raise AxisError("axis -5 is out of bounds for array of dimension 3")
    raise AxisError("axis is out of bounds for the array's dimensions")


@_lib
def _norm_axis(axis, ndim):
    """axis in range(ndim), or AxisError."""
    if axis < -ndim or axis >= ndim:
        _axis_error(axis, ndim)
    if axis < 0:
        return axis + ndim
    return axis


@_lib
def _too_many_dims():
    raise NotImplementedError("rumbo: axis= supports arrays of 1 to 3 dimensions")


@_lib
def _inner_axis(shape, strides):
    """The axis NumPy's iterator runs innermost: the smallest |stride| among
    the axes longer than 1 (the later axis on ties; the last if none is)."""
    best = len(shape) - 1
    best_stride = -1
    for k in range(len(shape) - 1, -1, -1):
        if shape[k] > 1:
            s = abs(strides[k])
            if best_stride < 0 or s < best_stride:
                best = k
                best_stride = s
    return best


@_lib
def _f_order(shape, strides, itemsize):
    """True when an array is Fortran- but not C-contiguous (NumPy reduces it
    in memory order)."""
    c = True
    f = True
    expect = itemsize
    for k in range(len(shape) - 1, -1, -1):
        if shape[k] != 1:
            if strides[k] != expect:
                c = False
            expect *= shape[k]
    expect = itemsize
    for k in range(len(shape)):
        if shape[k] != 1:
            if strides[k] != expect:
                f = False
            expect *= shape[k]
    return f and not c


@_lib
def _out_shape(a, k):
    """a.shape without axis k (a is 2-D or 3-D)."""
    if a.ndim == 2:
        return (a.shape[1 - k],)
    if k == 0:
        return (a.shape[1], a.shape[2])
    if k == 1:
        return (a.shape[0], a.shape[2])
    return (a.shape[0], a.shape[1])


@_lib
def _lane(a, k, p):
    """The 1-D view of a (2-D or 3-D) along axis k for output position p (C order)."""
    if a.ndim == 2:
        if k == 0:
            return a[:, p]
        return a[p, :]
    if k == 0:
        return a[:, p // a.shape[2], p % a.shape[2]]
    if k == 1:
        return a[p // a.shape[2], :, p % a.shape[2]]
    return a[p // a.shape[1], p % a.shape[1], :]


@_lib
def _slab(a, k, i):
    """a[..., i, ...] with i at axis k (a is 2-D or 3-D)."""
    if a.ndim == 2:
        if k == 0:
            return a[i, :]
        return a[:, i]
    if k == 0:
        return a[i, :, :]
    if k == 1:
        return a[:, i, :]
    return a[:, :, i]


@_lib
def _seq_axis(a, k, zero, is_prod):
    """zero + (or *) the slabs along axis k one after the other: NumPy's order
    when axis k is not its iterator's innermost (elementwise, vectorized).
    (NumPy's own complex array multiply uses FMA on AVX machines, so complex
    products along such an axis may differ from NumPy's in the last bit.)"""
    out = _full(_out_shape(a, k), zero)
    for i in range(a.shape[k]):
        if is_prod:
            out = out * _slab(a, k, i)
        else:
            out = out + _slab(a, k, i)
    return out


@_lib
def _row(v, r):
    """Row r (C order) of a 2-D or 3-D array."""
    if v.ndim == 2:
        return v[r]
    return v[r // v.shape[1], r % v.shape[1]]


@_lib
def _flat_copy(a):
    """a's elements in C order, as a new 1-D array."""
    out = np.empty(a.size, a.dtype)
    i = 0
    for x in a.flat:
        out[i] = x
        i += 1
    return out


# ---------------------------------------------------------------------------
# pairwise summation: NumPy's pairwise_sum (loops_utils.h.src) without
# recursion or calls. Nodes (lo, n) split at h = n // 2 rounded down to a
# multiple of 8 (complex128: NumPy's complex variant, blocks of 64 elements
# summed with 4 accumulators); blocks of at most 128 elements are summed with
# 8 accumulators in NumPy's order. `frames` (64 x 3 int64: lo, n, state) and
# `vals` (64 partial sums, then 8 accumulators) are the explicit stack, allocated once per call of
# a public function. Indices into blocks are uint64 so that loads need no
# negative-index wrap-around (which keeps the block loop vectorizable).
#
# `nz` is the accumulator type's negative zero (-0.0 + x == x: an exact
# conversion). With `m` given the terms are |x - m|**2 (var), else x.
# ---------------------------------------------------------------------------

@_lib
def _pairwise(v, nz, m, buf, frames, vals):
    """The pairwise sum of v's terms: v 1-D, or 2-D/3-D read in C order (a
    block that straddles rows is gathered into buf, 128 of v's dtype)."""
    cplx = v.dtype == np.complex128 or v.dtype == np.complex64  # (compile-time)
    if cplx and m is None:
        block = 64
    else:
        block = 128
    frames[0, 0] = 0
    frames[0, 1] = v.size
    frames[0, 2] = 0
    sp = 1
    vsp = 0
    while sp > 0:
        lo = frames[sp - 1, 0]
        n = frames[sp - 1, 1]
        if n > block:
            if cplx and m is None:
                h = (n - n % 8) // 2
            else:
                h = n // 2
                h -= h % 8
            state = frames[sp - 1, 2]
            if state == 0:
                frames[sp - 1, 2] = 1
                frames[sp, 0] = lo
                frames[sp, 1] = h
                frames[sp, 2] = 0
                sp += 1
            elif state == 1:
                frames[sp - 1, 2] = 2
                frames[sp, 0] = lo + h
                frames[sp, 1] = n - h
                frames[sp, 2] = 0
                sp += 1
            else:
                sp -= 1
                vals[vsp - 2] = vals[vsp - 2] + vals[vsp - 1]
                vsp -= 1
            continue
        sp -= 1
        # the block: elements lo .. lo+n of the C-order sequence, as w[base:base+n]
        if v.ndim == 1:
            w = v
            base = np.uint64(lo)
        else:
            width = v.shape[v.ndim - 1]
            r = lo // width
            c = lo - r * width
            if c + n <= width:
                w = _row(v, r)
                base = np.uint64(c)
            else:
                k = 0
                while k < n:
                    row = _row(v, r)
                    take = min(width - c, n - k)
                    for t in range(take):
                        buf[k + t] = row[c + t]
                    k += take
                    r += 1
                    c = 0
                w = buf
                base = np.uint64(0)
        un = np.uint64(n)
        if m is not None:
            # |x - m|**2 terms, 8 accumulators
            if n < 8:
                s = nz
                for t in range(n):
                    d = w[base + np.uint64(t)] - m
                    s += d.real * d.real + d.imag * d.imag
            else:
                d = w[base] - m
                r0 = nz + (d.real * d.real + d.imag * d.imag)
                d = w[base + np.uint64(1)] - m
                r1 = nz + (d.real * d.real + d.imag * d.imag)
                d = w[base + np.uint64(2)] - m
                r2 = nz + (d.real * d.real + d.imag * d.imag)
                d = w[base + np.uint64(3)] - m
                r3 = nz + (d.real * d.real + d.imag * d.imag)
                d = w[base + np.uint64(4)] - m
                r4 = nz + (d.real * d.real + d.imag * d.imag)
                d = w[base + np.uint64(5)] - m
                r5 = nz + (d.real * d.real + d.imag * d.imag)
                d = w[base + np.uint64(6)] - m
                r6 = nz + (d.real * d.real + d.imag * d.imag)
                d = w[base + np.uint64(7)] - m
                r7 = nz + (d.real * d.real + d.imag * d.imag)
                q = un // np.uint64(8)
                for j in range(1, q):
                    i = base + np.uint64(8) * np.uint64(j)
                    d = w[i] - m
                    r0 += d.real * d.real + d.imag * d.imag
                    d = w[i + np.uint64(1)] - m
                    r1 += d.real * d.real + d.imag * d.imag
                    d = w[i + np.uint64(2)] - m
                    r2 += d.real * d.real + d.imag * d.imag
                    d = w[i + np.uint64(3)] - m
                    r3 += d.real * d.real + d.imag * d.imag
                    d = w[i + np.uint64(4)] - m
                    r4 += d.real * d.real + d.imag * d.imag
                    d = w[i + np.uint64(5)] - m
                    r5 += d.real * d.real + d.imag * d.imag
                    d = w[i + np.uint64(6)] - m
                    r6 += d.real * d.real + d.imag * d.imag
                    d = w[i + np.uint64(7)] - m
                    r7 += d.real * d.real + d.imag * d.imag
                # through memory: the stores make the 8 accumulators one
                # vector for LLVM's SLP vectorizer (contiguous loads above)
                vals[64] = r0
                vals[65] = r1
                vals[66] = r2
                vals[67] = r3
                vals[68] = r4
                vals[69] = r5
                vals[70] = r6
                vals[71] = r7
                s = ((vals[64] + vals[65]) + (vals[66] + vals[67])) + ((vals[68] + vals[69]) + (vals[70] + vals[71]))
                for t in range(np.uint64(8) * q, un):
                    d = w[base + np.uint64(t)] - m
                    s += d.real * d.real + d.imag * d.imag
        elif cplx:
            # complex: 4 accumulators
            if n < 4:
                s = nz
                for t in range(n):
                    s += w[base + np.uint64(t)]
            else:
                r0 = nz + w[base]
                r1 = nz + w[base + np.uint64(1)]
                r2 = nz + w[base + np.uint64(2)]
                r3 = nz + w[base + np.uint64(3)]
                q = un // np.uint64(4)
                for j in range(1, q):
                    i = base + np.uint64(4) * np.uint64(j)
                    r0 += w[i]
                    r1 += w[i + np.uint64(1)]
                    r2 += w[i + np.uint64(2)]
                    r3 += w[i + np.uint64(3)]
                vals[64] = r0
                vals[65] = r1
                vals[66] = r2
                vals[67] = r3
                s = (vals[64] + vals[65]) + (vals[66] + vals[67])
                for t in range(np.uint64(4) * q, un):
                    s += w[base + np.uint64(t)]
        else:
            if n < 8:
                s = nz
                for t in range(n):
                    s += w[base + np.uint64(t)]
            else:
                r0 = nz + w[base]
                r1 = nz + w[base + np.uint64(1)]
                r2 = nz + w[base + np.uint64(2)]
                r3 = nz + w[base + np.uint64(3)]
                r4 = nz + w[base + np.uint64(4)]
                r5 = nz + w[base + np.uint64(5)]
                r6 = nz + w[base + np.uint64(6)]
                r7 = nz + w[base + np.uint64(7)]
                q = un // np.uint64(8)
                for j in range(1, q):
                    i = base + np.uint64(8) * np.uint64(j)
                    r0 += w[i]
                    r1 += w[i + np.uint64(1)]
                    r2 += w[i + np.uint64(2)]
                    r3 += w[i + np.uint64(3)]
                    r4 += w[i + np.uint64(4)]
                    r5 += w[i + np.uint64(5)]
                    r6 += w[i + np.uint64(6)]
                    r7 += w[i + np.uint64(7)]
                # through memory: the stores make the 8 accumulators one
                # vector for LLVM's SLP vectorizer (contiguous loads above)
                vals[64] = r0
                vals[65] = r1
                vals[66] = r2
                vals[67] = r3
                vals[68] = r4
                vals[69] = r5
                vals[70] = r6
                vals[71] = r7
                s = ((vals[64] + vals[65]) + (vals[66] + vals[67])) + ((vals[68] + vals[69]) + (vals[70] + vals[71]))
                for t in range(np.uint64(8) * q, un):
                    s += w[base + np.uint64(t)]
        vals[vsp] = s
        vsp += 1
    return vals[0]


@_lib
def _sum_flat(a, zero, m):
    """zero + the pairwise sum of a's terms, in NumPy's order."""
    nz = -zero
    if a.size == 0:
        return zero
    frames = np.empty((64, 3), np.int64)
    vals = _full(72, nz)
    if a.ndim == 1:
        return zero + _pairwise(a, nz, m, None, frames, vals)
    if a.ndim == 2 or a.ndim == 3:
        buf = np.empty(128, a.dtype)
        if _f_order(a.shape, a.strides, a.itemsize):
            return zero + _pairwise(a.T, nz, m, buf, frames, vals)
        return zero + _pairwise(a, nz, m, buf, frames, vals)
    return _sum_flat(_flat_copy(a), zero, m)


@_lib
def _sum_lane(v, zero, m, pairwise, frames, vals):
    """Sum along one lane: pairwise when NumPy's iterator runs the reduced
    axis innermost, else one element after the other."""
    if pairwise:
        if v.shape[0] == 0:
            return zero
        return zero + _pairwise(v, -zero, m, None, frames, vals)
    s = zero
    if m is None:
        for x in v:
            s += x
    else:
        for x in v:
            d = x - m
            s += d.real * d.real + d.imag * d.imag
    return s


@_lib
def _sum_axis(a, axis, zero):
    k = _norm_axis(axis, a.ndim)
    if a.ndim == 1:
        return _sum_flat(a, zero, None)
    if a.ndim > 3:
        _too_many_dims()
    if k != _inner_axis(a.shape, a.strides):
        return _seq_axis(a, k, zero, False)
    out = _full(_out_shape(a, k), zero)
    flat = out.reshape(out.size)
    frames = np.empty((64, 3), np.int64)
    vals = _full(72, -zero)
    for p in range(flat.shape[0]):
        flat[p] = _sum_lane(_lane(a, k, p), zero, None, True, frames, vals)
    return out


@implements(np.sum)
@array_method("sum")
@_lib
def array_sum(a, axis=None):
    if axis is None:
        return _sum_flat(a, a.dtype(0) + a.dtype(0), None)
    return _sum_axis(a, axis, a.dtype(0) + a.dtype(0))


@_lib
def _prod_seq(v, one):
    p = one
    for x in v:
        p *= x
    return p


@implements(np.prod)
@array_method("prod")
@_lib
def array_prod(a, axis=None):
    one = a.dtype(1) * a.dtype(1)
    if axis is None or a.ndim == 1:
        if axis is not None:
            _norm_axis(axis, a.ndim)
        if a.ndim == 1:
            return _prod_seq(a, one)
        return _prod_seq(a.flat, one)
    k = _norm_axis(axis, a.ndim)
    if a.ndim > 3:
        _too_many_dims()
    return _seq_axis(a, k, one, True)


# The mean divides by the count in the mean's type (float32 stays float32).
# NumPy divides complex128 sums by multiplying with the count's reciprocal,
# complex64 sums part by part (what complex division by count + 0j does).

@implements(np.mean)
@array_method("mean")
@_lib
def array_mean(a, axis=None):
    mz = a.dtype(0) / a.dtype(1)  # float64 for booleans and integers
    if axis is None or a.ndim == 1:
        if axis is not None:
            _norm_axis(axis, a.ndim)
        s = _sum_flat(a, mz, None)
        if a.dtype == np.complex128:
            return s * ((mz + True) / _count_as(a.size, mz))
        return s / _count_as(a.size, mz)
    k = _norm_axis(axis, a.ndim)
    if a.ndim > 3:
        _too_many_dims()
    count = _count_as(a.shape[k], mz)
    if k != _inner_axis(a.shape, a.strides):
        out = _seq_axis(a, k, mz, False)
    else:
        out = _full(_out_shape(a, k), mz)
        flat = out.reshape(out.size)
        frames = np.empty((64, 3), np.int64)
        vals = _full(72, -mz)
        for p in range(flat.shape[0]):
            flat[p] = _sum_lane(_lane(a, k, p), mz, None, True, frames, vals)
    if a.dtype == np.complex128:
        return out * ((mz + True) / count)
    return out / count


@implements(np.var)
@array_method("var")
@_lib
def array_var(a, axis=None, ddof=0):
    mz = a.dtype(0) / a.dtype(1)  # float64 for booleans and integers
    vz = mz.real
    if axis is None or a.ndim == 1:
        if axis is not None:
            _norm_axis(axis, a.ndim)
        s = _sum_flat(a, mz, None)
        if a.dtype == np.complex128:
            mean = s * ((mz + True) / _count_as(a.size, mz))
        else:
            mean = s / _count_as(a.size, mz)
        return _sum_flat(a, vz, mean) / _count_as(max(a.size - ddof, 0), vz)
    k = _norm_axis(axis, a.ndim)
    if a.ndim > 3:
        _too_many_dims()
    count = _count_as(a.shape[k], mz)
    dof = _count_as(max(a.shape[k] - ddof, 0), vz)
    out = _full(_out_shape(a, k), vz)
    flat = out.reshape(out.size)
    pairwise = k == _inner_axis(a.shape, a.strides)
    frames = np.empty((64, 3), np.int64)
    vals = _full(72, -mz)
    vvals = _full(72, -vz)
    for p in range(flat.shape[0]):
        v = _lane(a, k, p)
        s = _sum_lane(v, mz, None, pairwise, frames, vals)
        if a.dtype == np.complex128:
            mean = s * ((mz + True) / count)
        else:
            mean = s / count
        flat[p] = _sum_lane(v, vz, mean, pairwise, frames, vvals) / dof
    return out


@implements(np.std)
@array_method("std")
@_lib
def array_std(a, axis=None, ddof=0):
    return np.sqrt(array_var(a, axis, ddof))


# ---------------------------------------------------------------------------
# min, max, argmin, argmax: NaN propagates (min/max) or is the answer (the
# first NaN for argmin/argmax); complex numbers compare lexicographically, as
# NumPy's. 1-D runs keep 8 independent (value, index) candidates so that the
# loop vectorizes; a NaN seen on the way is looked up again at the end.
# ---------------------------------------------------------------------------

@_lib
def _extreme(v, mx, index, cand, where):
    """(value, index) of the first min (max when mx is True; mx None: min,
    a compile-time choice) of the non-empty 1-D v, or of its first NaN.
    index None: the index is not tracked (min/max). cand, where: scratch for
    8 values of v's dtype and 8 int64."""
    n = v.shape[0]
    m = v[0]
    best = 0
    nan = m != m
    if n >= 16:
        m0 = v[0]
        m1 = v[1]
        m2 = v[2]
        m3 = v[3]
        m4 = v[4]
        m5 = v[5]
        m6 = v[6]
        m7 = v[7]
        i0 = 0
        i1 = 1
        i2 = 2
        i3 = 3
        i4 = 4
        i5 = 5
        i6 = 6
        i7 = 7
        nan = ((m0 != m0) or (m1 != m1) or (m2 != m2) or (m3 != m3)
               or (m4 != m4) or (m5 != m5) or (m6 != m6) or (m7 != m7))
        q = n // 8
        for j in range(1, q):
            i = 8 * j
            x = v[np.uint64(i)]
            if mx is None:
                p = x
                r = m0
            else:
                p = m0
                r = x
            b = p.real < r.real or (p.real == r.real and p.imag < r.imag)
            m0 = x if b else m0
            if index is not None:
                i0 = i if b else i0
            nan = nan or x != x
            x = v[np.uint64(i + 1)]
            if mx is None:
                p = x
                r = m1
            else:
                p = m1
                r = x
            b = p.real < r.real or (p.real == r.real and p.imag < r.imag)
            m1 = x if b else m1
            if index is not None:
                i1 = i + 1 if b else i1
            nan = nan or x != x
            x = v[np.uint64(i + 2)]
            if mx is None:
                p = x
                r = m2
            else:
                p = m2
                r = x
            b = p.real < r.real or (p.real == r.real and p.imag < r.imag)
            m2 = x if b else m2
            if index is not None:
                i2 = i + 2 if b else i2
            nan = nan or x != x
            x = v[np.uint64(i + 3)]
            if mx is None:
                p = x
                r = m3
            else:
                p = m3
                r = x
            b = p.real < r.real or (p.real == r.real and p.imag < r.imag)
            m3 = x if b else m3
            if index is not None:
                i3 = i + 3 if b else i3
            nan = nan or x != x
            x = v[np.uint64(i + 4)]
            if mx is None:
                p = x
                r = m4
            else:
                p = m4
                r = x
            b = p.real < r.real or (p.real == r.real and p.imag < r.imag)
            m4 = x if b else m4
            if index is not None:
                i4 = i + 4 if b else i4
            nan = nan or x != x
            x = v[np.uint64(i + 5)]
            if mx is None:
                p = x
                r = m5
            else:
                p = m5
                r = x
            b = p.real < r.real or (p.real == r.real and p.imag < r.imag)
            m5 = x if b else m5
            if index is not None:
                i5 = i + 5 if b else i5
            nan = nan or x != x
            x = v[np.uint64(i + 6)]
            if mx is None:
                p = x
                r = m6
            else:
                p = m6
                r = x
            b = p.real < r.real or (p.real == r.real and p.imag < r.imag)
            m6 = x if b else m6
            if index is not None:
                i6 = i + 6 if b else i6
            nan = nan or x != x
            x = v[np.uint64(i + 7)]
            if mx is None:
                p = x
                r = m7
            else:
                p = m7
                r = x
            b = p.real < r.real or (p.real == r.real and p.imag < r.imag)
            m7 = x if b else m7
            if index is not None:
                i7 = i + 7 if b else i7
            nan = nan or x != x
        # the first of the 8 candidates' extremes (ties: the lowest index),
        # through memory: the stores make the 8 candidates one vector for
        # LLVM's SLP vectorizer
        cand[0] = m0
        cand[1] = m1
        cand[2] = m2
        cand[3] = m3
        cand[4] = m4
        cand[5] = m5
        cand[6] = m6
        cand[7] = m7
        where[0] = i0
        where[1] = i1
        where[2] = i2
        where[3] = i3
        where[4] = i4
        where[5] = i5
        where[6] = i6
        where[7] = i7
        for k in range(1, 8):
            x = cand[k]
            xi = where[k]
            if mx is None:
                p = x
                r = m0
            else:
                p = m0
                r = x
            b = p.real < r.real or (p.real == r.real and p.imag < r.imag)
            a = r.real < p.real or (r.real == p.real and r.imag < p.imag)
            if b or (not a and xi < i0):
                m0 = x
                i0 = xi
        m = m0
        best = i0
        start = 8 * q
    else:
        start = 1
    for i in range(start, n):
        x = v[i]
        if mx is None:
            p = x
            r = m
        else:
            p = m
            r = x
        if p.real < r.real or (p.real == r.real and p.imag < r.imag):
            m = x
            best = i
        nan = nan or x != x
    if nan:
        for i in range(n):
            x = v[i]
            if x != x:
                return x, i
    return m, best


@_lib
def _extreme_flat(a, mx, index):
    """(value, C-order index) of the first min (max) or NaN of the non-empty a."""
    if a.ndim == 1:
        return _extreme(a, mx, index, np.empty(8, a.dtype), np.empty(8, np.int64))
    if (a.ndim == 2 or a.ndim == 3) and a.shape[a.ndim - 1] >= 16:
        # row by row (C order): the rows' first extremes, the first of those
        width = a.shape[a.ndim - 1]
        cand = np.empty(8, a.dtype)
        where = np.empty(8, np.int64)
        m, best = _extreme(_row(a, 0), mx, index, cand, where)
        if m != m:
            return m, best
        for r in range(1, a.size // width):
            x, xi = _extreme(_row(a, r), mx, index, cand, where)
            if x != x:
                return x, r * width + xi
            if mx is None:
                p = x
                q = m
            else:
                p = m
                q = x
            if p.real < q.real or (p.real == q.real and p.imag < q.imag):
                m = x
                best = r * width + xi
        return m, best
    best = 0
    i = 0
    m = a.dtype(0)
    for x in a.flat:
        if i == 0:
            m = x
        elif m == m:
            if x != x:
                m = x
                best = i
            else:
                if mx is None:
                    p = x
                    q = m
                else:
                    p = m
                    q = x
                if p.real < q.real or (p.real == q.real and p.imag < q.imag):
                    m = x
                    best = i
        i += 1
    return m, best


@_lib
def _no_identity(is_max):
    if is_max:
        raise ValueError("zero-size array to reduction operation maximum which has no identity")
    raise ValueError("zero-size array to reduction operation minimum which has no identity")


@_lib
def _empty_sequence(is_max):
    if is_max:
        raise ValueError("attempt to get argmax of an empty sequence")
    raise ValueError("attempt to get argmin of an empty sequence")


@_lib
def _extreme_axis(a, axis, mx, index):
    """min/max along an axis, or argmin/argmax with index=True (None: the
    values; a compile-time choice, as the result types differ)."""
    k = _norm_axis(axis, a.ndim)
    if a.ndim > 3:
        _too_many_dims()
    if a.shape[k] == 0:
        if index is not None:
            _empty_sequence(mx is not None)
        _no_identity(mx is not None)
    if index is not None:
        out = np.empty(_out_shape(a, k), np.int64)
    else:
        out = np.empty(_out_shape(a, k), a.dtype)
    flat = out.reshape(out.size)
    cand = np.empty(8, a.dtype)
    where = np.empty(8, np.int64)
    for p in range(flat.shape[0]):
        m, best = _extreme(_lane(a, k, p), mx, index, cand, where)
        if index is not None:
            flat[p] = best
        else:
            flat[p] = m
    return out


@implements(np.min, np.amin)
@array_method("min")
@_lib
def array_min(a, axis=None):
    if axis is None or a.ndim == 1:
        if axis is not None:
            _norm_axis(axis, a.ndim)
        if a.size == 0:
            _no_identity(False)
        return _extreme_flat(a, None, None)[0]
    return _extreme_axis(a, axis, None, None)


@implements(np.max, np.amax)
@array_method("max")
@_lib
def array_max(a, axis=None):
    if axis is None or a.ndim == 1:
        if axis is not None:
            _norm_axis(axis, a.ndim)
        if a.size == 0:
            _no_identity(True)
        return _extreme_flat(a, True, None)[0]
    return _extreme_axis(a, axis, True, None)


@implements(np.argmin)
@array_method("argmin")
@_lib
def array_argmin(a, axis=None):
    if axis is None or a.ndim == 1:
        if axis is not None:
            _norm_axis(axis, a.ndim)
        if a.size == 0:
            _empty_sequence(False)
        return _extreme_flat(a, None, True)[1]
    return _extreme_axis(a, axis, None, True)


@implements(np.argmax)
@array_method("argmax")
@_lib
def array_argmax(a, axis=None):
    if axis is None or a.ndim == 1:
        if axis is not None:
            _norm_axis(axis, a.ndim)
        if a.size == 0:
            _empty_sequence(True)
        return _extreme_flat(a, True, True)[1]
    return _extreme_axis(a, axis, True, True)


# ---------------------------------------------------------------------------
# any, all
# ---------------------------------------------------------------------------

@_lib
def _any_of(v, is_all):
    if is_all:
        for x in v:
            if not x:
                return False
        return True
    for x in v:
        if x:
            return True
    return False


@_lib
def _any_axis(a, axis, is_all):
    k = _norm_axis(axis, a.ndim)
    if a.ndim == 1:
        return _any_of(a, is_all)
    if a.ndim > 3:
        _too_many_dims()
    out = np.empty(_out_shape(a, k), np.bool_)
    flat = out.reshape(out.size)
    for p in range(flat.shape[0]):
        flat[p] = _any_of(_lane(a, k, p), is_all)
    return out


@implements(np.any)
@array_method("any")
@_lib
def array_any(a, axis=None):
    if axis is None:
        return _any_of(a.flat, False)
    return _any_axis(a, axis, False)


@implements(np.all)
@array_method("all")
@_lib
def array_all(a, axis=None):
    if axis is None:
        return _any_of(a.flat, True)
    return _any_axis(a, axis, True)


# ---------------------------------------------------------------------------
# cumsum, cumprod (NumPy's accumulate: one element after the other, starting
# from the first element)
# ---------------------------------------------------------------------------

@_lib
def _scan(src, dst, start, is_prod):
    c = start
    i = 0
    if is_prod:
        for x in src:
            c = c * x
            dst[i] = c
            i += 1
    else:
        for x in src:
            c = c + x
            dst[i] = c
            i += 1


@_lib
def _scan_array(a, axis, zero, start, is_prod):
    if axis is None or a.ndim == 1:
        if axis is not None:
            _norm_axis(axis, a.ndim)
        out = _empty_of(a.size, zero)
        if a.ndim == 1:
            _scan(a, out, start, is_prod)
        else:
            _scan(a.flat, out, start, is_prod)
        return out
    k = _norm_axis(axis, a.ndim)
    if a.ndim > 3:
        _too_many_dims()
    out = _empty_of(a.shape, zero)
    for p in range(a.size // max(a.shape[k], 1)):
        _scan(_lane(a, k, p), _lane(out, k, p), start, is_prod)
    return out


@implements(np.cumsum)
@array_method("cumsum")
@_lib
def array_cumsum(a, axis=None):
    zero = a.dtype(0) + a.dtype(0)
    return _scan_array(a, axis, zero, -zero, False)


@implements(np.cumprod)
@array_method("cumprod")
@_lib
def array_cumprod(a, axis=None):
    one = a.dtype(1) * a.dtype(1)
    return _scan_array(a, axis, one, one, True)


# ---------------------------------------------------------------------------
# sort, argsort: stable merge sort (insertion-sorted runs of 16, then
# branch-free merges between the data and a scratch array) in NumPy's order.
# `x before y` is npysort's LT: NaN last, complex lexicographic with NaNs last
# (for real numbers the imaginary parts are constant 0 and it folds to
# `x < y or (y != y and x == x)`).
# ---------------------------------------------------------------------------

@_lib
def _before(x, y):
    """npysort's LT(x, y) (CLT for complex numbers), without branches."""
    xr = x.real
    xm = x.imag
    yr = y.real
    ym = y.imag
    less = xr < yr
    more = xr > yr
    same = (xr == yr) | ((xr != xr) & (yr != yr))
    return ((less & ((xm == xm) | (ym != ym)))
            | (more & (ym != ym) & (xm == xm))
            | (same & ((xm < ym) | ((ym != ym) & (xm == xm))))
            | (~less & ~more & ~same & (yr != yr)))


@_lib
def _msort(keys, tk, idx, ti, with_idx):
    """Sorts keys (1-D) in place; tk: scratch at least as long. With
    with_idx=True (None: without, a compile-time choice) the index array idx
    is permuted alongside, ti its scratch."""
    n = keys.shape[0]
    for s in range(0, n, 16):
        e = min(s + 16, n)
        for i in range(s + 1, e):
            x = keys[i]
            if with_idx is not None:
                xi = idx[i]
            j = i
            while j > s:
                y = keys[j - 1]
                xr = x.real
                xm = x.imag
                yr = y.real
                ym = y.imag
                less = xr < yr
                more = xr > yr
                same = (xr == yr) | ((xr != xr) & (yr != yr))
                lt = ((less & ((xm == xm) | (ym != ym)))
                      | (more & (ym != ym) & (xm == xm))
                      | (same & ((xm < ym) | ((ym != ym) & (xm == xm))))
                      | (~less & ~more & ~same & (yr != yr)))
                if not lt:
                    break
                keys[j] = y
                if with_idx is not None:
                    idx[j] = idx[j - 1]
                j -= 1
            keys[j] = x
            if with_idx is not None:
                idx[j] = xi
    width = 16
    in_scratch = False
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            if in_scratch:
                _merge(tk, keys, ti, idx, lo, mid, hi, with_idx)
            else:
                _merge(keys, tk, idx, ti, lo, mid, hi, with_idx)
        in_scratch = not in_scratch
        width *= 2
    if in_scratch:
        for i in range(n):
            keys[i] = tk[i]
            if with_idx is not None:
                idx[i] = ti[i]


@_lib
def _merge(src, dst, isrc, idst, lo, mid, hi, with_idx):
    """Merges src[lo:mid] and src[mid:hi] into dst[lo:hi] (stable)."""
    i = lo
    j = mid
    o = lo
    while i < mid and j < hi:
        x = src[j]
        y = src[i]
        xr = x.real
        xm = x.imag
        yr = y.real
        ym = y.imag
        less = xr < yr
        more = xr > yr
        same = (xr == yr) | ((xr != xr) & (yr != yr))
        right = ((less & ((xm == xm) | (ym != ym)))
                 | (more & (ym != ym) & (xm == xm))
                 | (same & ((xm < ym) | ((ym != ym) & (xm == xm))))
                 | (~less & ~more & ~same & (yr != yr)))
        dst[o] = x if right else y
        if with_idx is not None:
            idst[o] = isrc[j] if right else isrc[i]
        step = 1 if right else 0
        j += step
        i += 1 - step
        o += 1
    while i < mid:
        dst[o] = src[i]
        if with_idx is not None:
            idst[o] = isrc[i]
        i += 1
        o += 1
    while j < hi:
        dst[o] = src[j]
        if with_idx is not None:
            idst[o] = isrc[j]
        j += 1
        o += 1


@_lib
def _sort_lanes(a, k):
    """Sorts a in place along axis k (normalized)."""
    if a.ndim == 1:
        scratch = np.empty(a.shape[0], a.dtype)
        _msort(a, scratch, scratch, scratch, None)
        return
    if a.ndim > 3:
        _too_many_dims()
    scratch = np.empty(a.shape[k], a.dtype)
    for p in range(a.size // max(a.shape[k], 1)):
        _msort(_lane(a, k, p), scratch, scratch, scratch, None)


@_lib
def _copy(a):
    """A C-contiguous copy of a."""
    out = np.empty(a.shape, a.dtype)
    flat = out.reshape(out.size)
    i = 0
    for x in a.flat:
        flat[i] = x
        i += 1
    return out


@implements(np.sort)
@_lib
def np_sort(a, axis=-1):
    if axis is None:
        out = _flat_copy(a)
        _sort_lanes(out, 0)
        return out
    k = _norm_axis(axis, a.ndim)
    out = _copy(a)
    _sort_lanes(out, k)
    return out


@array_method("sort")
@_lib
def array_sort(a, axis=-1):
    _sort_lanes(a, _norm_axis(axis, a.ndim))


@_lib
def _argsort_axis(a, k):
    m = a.shape[k]
    keys = np.empty(m, a.dtype)
    tk = np.empty(m, a.dtype)
    ti = np.empty(m, np.int64)
    if a.ndim == 1:
        out = np.empty(m, np.int64)
        for i in range(m):
            keys[i] = a[i]
            out[i] = i
        _msort(keys, tk, out, ti, True)
        return out
    if a.ndim > 3:
        _too_many_dims()
    out = np.empty(a.shape, np.int64)
    for p in range(a.size // max(m, 1)):
        v = _lane(a, k, p)
        o = _lane(out, k, p)
        for i in range(m):
            keys[i] = v[i]
            o[i] = i
        _msort(keys, tk, o, ti, True)
    return out


@implements(np.argsort)
@array_method("argsort")
@_lib
def array_argsort(a, axis=-1):
    if axis is None:
        return _argsort_axis(_flat_copy(a), 0)
    return _argsort_axis(a, _norm_axis(axis, a.ndim))
