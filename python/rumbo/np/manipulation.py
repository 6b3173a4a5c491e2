"""Array manipulation and elementwise helpers: np.unique, np.diff, np.flip,
np.fliplr, np.flipud, np.roll, np.repeat, np.tile, np.trace, np.diag,
np.outer, np.cross, np.nonzero, np.flatnonzero, np.argwhere,
np.count_nonzero, np.round/np.around, np.interp, np.isclose, np.allclose,
np.array_equal, np.triu, np.tril, np.atleast_1d/2d/3d, np.expand_dims,
np.swapaxes, np.take, np.fill_diagonal, np.ediff1d, np.rot90, np.tri,
np.triu_indices, np.tril_indices, and the array methods repeat, round, trace,
nonzero, swapaxes, take.

Plain Python compiled by rumbo for each call site; inputs may have any layout.
Views where NumPy returns views: flip/fliplr/flipud, atleast_*d,
expand_dims, rot90, swapaxes of 2-D arrays (3-D swapaxes other than (0, 2) returns
a copy). Everything else returns new C-contiguous arrays.

Limits (as Numba's, or of rumbo's compile-time typing): roll and repeat
without `axis` (flattened, as Numba); diff along the last axis of 1-D to 3-D
arrays; tile with an int reps, or a 2-tuple for 1-D and 2-D arrays; diag,
triu, tril of 1-D/2-D arrays; nonzero/argwhere of 1-D to 3-D arrays; cross of
3-vectors (1-D, or rows of 2-D arrays); round of numbers and arrays (`out=` not
supported); interp of real sample points and values (left=,
right=, period= not supported)."""

import numpy as np

from ..extending import array_method, implements, register_jitable


@register_jitable
def _flat(a):
    """a's elements in C order as a new 1-D array."""
    out = np.empty(a.size, a.dtype)
    i = 0
    for x in a.flat:
        out[i] = x
        i += 1
    return out


# ---------------------------------------------------------------------------
# unique, diff
# ---------------------------------------------------------------------------

@implements(np.unique)
def unique(ar):
    """The sorted distinct values of ar, flattened (NaNs collapse into one,
    NumPy's equal_nan=True)."""
    s = np.sort(ar, None)
    n = s.shape[0]
    out = np.empty(n, s.dtype)
    k = 0
    for i in range(n):
        x = s[i]
        if i == 0:
            out[k] = x
            k += 1
        else:
            p = s[i - 1]
            if x != p and not (x != x and p != p):
                out[k] = x
                k += 1
    return out[:k].copy()


@register_jitable
def _diff_once(a):
    if a.dtype == np.bool_:
        if a.ndim == 1:
            return a[1:] != a[:-1]
        if a.ndim == 2:
            return a[:, 1:] != a[:, :-1]
        return a[:, :, 1:] != a[:, :, :-1]
    if a.ndim == 1:
        return a[1:] - a[:-1]
    if a.ndim == 2:
        return a[:, 1:] - a[:, :-1]
    return a[:, :, 1:] - a[:, :, :-1]


@implements(np.diff)
def diff(a, n=1):
    """The n-th difference along the last axis (a 1-D to 3-D; n=0 gives a copy)."""
    if a.ndim > 3:
        raise NotImplementedError("rumbo: np.diff supports arrays of 1 to 3 dimensions")
    if n < 0:
        raise ValueError("order must be non-negative")
    if n == 0:
        return _copy_c(a)
    r = _diff_once(a)
    for _ in range(n - 1):
        r = _diff_once(r)
    return r


@register_jitable
def _copy_c(a):
    """A C-contiguous copy of a, of the type _diff_once gives for a."""
    if a.dtype == np.bool_:
        return a == True  # noqa: E712  (a new bool array)
    return a + a.dtype(0)


# ---------------------------------------------------------------------------
# flips, roll, repeat, tile
# ---------------------------------------------------------------------------

@implements(np.flip)
def flip(m):
    """m reversed along every axis (a view; `axis=` is not supported)."""
    if m.ndim == 1:
        return m[::-1]
    if m.ndim == 2:
        return m[::-1, ::-1]
    if m.ndim == 3:
        return m[::-1, ::-1, ::-1]
    raise NotImplementedError("rumbo: np.flip supports arrays of 1 to 3 dimensions")


@implements(np.fliplr)
def fliplr(m):
    if m.ndim < 2:
        raise ValueError("Input must be >= 2-d.")
    if m.ndim == 2:
        return m[:, ::-1]
    return m[:, ::-1, :]


@implements(np.flipud)
def flipud(m):
    if m.ndim == 1:
        return m[::-1]
    if m.ndim == 2:
        return m[::-1, :]
    return m[::-1, :, :]


@implements(np.roll)
def roll(a, shift):
    """a's elements shifted by `shift` positions in C order, wrapping around
    (no `axis`, as in Numba)."""
    out = np.empty(a.shape, a.dtype)
    n = a.size
    if n == 0:
        return out
    flat = out.reshape(n)
    s = shift % n
    if a.ndim == 1:
        flat[s:] = a[:n - s]
        flat[:s] = a[n - s:]
        return out
    i = 0
    for x in a.flat:
        flat[i] = x
        i += 1
    tail = flat[n - s:].copy()
    flat[s:] = flat[:n - s].copy()
    flat[:s] = tail
    return out


@implements(np.repeat)
@array_method("repeat")
def repeat(a, repeats):
    """Each element of a (flattened) `repeats` times: an int, or an array of
    one count per element (no `axis`, as in Numba)."""
    if isinstance(repeats, np.ndarray):
        src = _flat(a)
        if repeats.ndim != 1 or (repeats.shape[0] != src.shape[0] and repeats.shape[0] != 1):
            raise ValueError("operands could not be broadcast together")
        if repeats.shape[0] == 1:
            return _repeat_int(src, repeats[0])
        total = 0
        for r in repeats:
            if r < 0:
                raise ValueError("negative dimensions are not allowed")
            total += r
        out = np.empty(total, a.dtype)
        k = 0
        for i in range(src.shape[0]):
            for _ in range(repeats[i]):
                out[k] = src[i]
                k += 1
        return out
    return _repeat_int(a, repeats)


@register_jitable
def _repeat_int(a, repeats):
    if repeats < 0:
        raise ValueError("negative dimensions are not allowed")
    out = np.empty(a.size * repeats, a.dtype)
    k = 0
    for x in a.flat:
        for _ in range(repeats):
            out[k] = x
            k += 1
    return out


@implements(np.tile)
def tile(A, reps):
    """A repeated `reps` times along its last axis (int reps), or (r0, r1)
    times along two axes (a 2-tuple, A 1-D or 2-D: a 2-D result)."""
    if isinstance(reps, tuple):
        if A.ndim == 1:
            src = A[None, :]
        elif A.ndim == 2:
            src = A[:, :]
        else:
            raise NotImplementedError("rumbo: np.tile with a tuple supports 1-D and 2-D arrays")
        r0 = reps[0]
        r1 = reps[1]
        if r0 < 0 or r1 < 0:
            raise ValueError("negative dimensions are not allowed")
        h = src.shape[0]
        w = src.shape[1]
        out = np.empty((h * r0, w * r1), A.dtype)
        for i in range(h * r0):
            for j in range(w * r1):
                out[i, j] = src[i % h, j % w]
        return out
    if reps < 0:
        raise ValueError("negative dimensions are not allowed")
    if A.ndim == 1:
        n = A.shape[0]
        out1 = np.empty(n * reps, A.dtype)
        for i in range(n * reps):
            out1[i] = A[i % n]
        return out1
    if A.ndim == 2:
        w = A.shape[1]
        out2 = np.empty((A.shape[0], w * reps), A.dtype)
        for i in range(A.shape[0]):
            for j in range(w * reps):
                out2[i, j] = A[i, j % w]
        return out2
    raise NotImplementedError("rumbo: np.tile supports arrays of 1 or 2 dimensions")


# ---------------------------------------------------------------------------
# diagonals, triangles, products
# ---------------------------------------------------------------------------

@implements(np.trace)
@array_method("trace")
def trace(a):
    """The sum of the main diagonal of a 2-D array (offset= not supported)."""
    if a.ndim != 2:
        raise ValueError("rumbo: np.trace supports 2-D arrays")
    s = a.dtype(0) + a.dtype(0)
    for i in range(min(a.shape[0], a.shape[1])):
        s += a[i, i]
    return s


@implements(np.diag)
def diag(v, k=0):
    """A 2-D array with v (1-D) on diagonal k, or the diagonal k of v (2-D), copied."""
    if v.ndim == 1:
        n = v.shape[0] + abs(k)
        out = np.zeros((n, n), v.dtype)
        for i in range(v.shape[0]):
            if k >= 0:
                out[i, i + k] = v[i]
            else:
                out[i - k, i] = v[i]
        return out
    if v.ndim == 2:
        rows = v.shape[0]
        cols = v.shape[1]
        if k >= 0:
            m = max(0, min(rows, cols - k))
        else:
            m = max(0, min(rows + k, cols))
        d = np.empty(m, v.dtype)
        for i in range(m):
            if k >= 0:
                d[i] = v[i, i + k]
            else:
                d[i] = v[i - k, i]
        return d
    raise ValueError("Input must be 1- or 2-d.")


@register_jitable
def _tri(m, k, upper):
    if m.ndim != 2:
        raise NotImplementedError("rumbo: np.triu and np.tril support 2-D arrays")
    out = np.empty(m.shape, m.dtype)
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if upper:
                keep = j - i >= k
            else:
                keep = j - i <= k
            out[i, j] = m[i, j] if keep else m.dtype(0)
    return out


@implements(np.triu)
def triu(m, k=0):
    return _tri(m, k, True)


@implements(np.tril)
def tril(m, k=0):
    return _tri(m, k, False)


@implements(np.outer)
def outer(a, b):
    x = _flat(a)
    y = _flat(b)
    return x[:, None] * y[None, :]


@implements(np.cross)
def cross(a, b):
    """The cross product of 3-vectors: 1-D arrays of 3, or 2-D arrays of
    rows of 3 (the same number of rows, or one row broadcast)."""
    if a.ndim == 1 and b.ndim == 1:
        if a.shape[0] != 3 or b.shape[0] != 3:
            raise ValueError("rumbo: np.cross supports vectors of dimension 3")
        out = np.empty(3, (a[:1] * b[:1]).dtype)
        out[0] = a[1] * b[2] - a[2] * b[1]
        out[1] = a[2] * b[0] - a[0] * b[2]
        out[2] = a[0] * b[1] - a[1] * b[0]
        return out
    if a.ndim == 2 and b.ndim == 2:
        if a.shape[1] != 3 or b.shape[1] != 3:
            raise ValueError("rumbo: np.cross supports vectors of dimension 3")
        na = a.shape[0]
        nb = b.shape[0]
        if na != nb and na != 1 and nb != 1:
            raise ValueError("shape mismatch: objects cannot be broadcast to a single shape")
        n = max(na, nb)
        out2 = np.empty((n, 3), (a[:1, :1] * b[:1, :1]).dtype)
        for r in range(n):
            x = a[r if na > 1 else 0]
            y = b[r if nb > 1 else 0]
            out2[r, 0] = x[1] * y[2] - x[2] * y[1]
            out2[r, 1] = x[2] * y[0] - x[0] * y[2]
            out2[r, 2] = x[0] * y[1] - x[1] * y[0]
        return out2
    raise NotImplementedError("rumbo: np.cross supports two 1-D or two 2-D arrays")


# ---------------------------------------------------------------------------
# nonzero and friends
# ---------------------------------------------------------------------------

@implements(np.count_nonzero)
def count_nonzero(a):
    n = 0
    for x in a.flat:
        if x != 0:
            n += 1
    return n


@implements(np.flatnonzero)
def flatnonzero(a):
    out = np.empty(count_nonzero(a), np.int64)
    k = 0
    i = 0
    for x in a.flat:
        if x != 0:
            out[k] = i
            k += 1
        i += 1
    return out


@implements(np.argwhere)
def argwhere(a):
    """The indices of the non-zero elements, one row each, in C order."""
    idx = flatnonzero(a)
    n = idx.shape[0]
    out = np.empty((n, a.ndim), np.int64)
    for r in range(n):
        q = idx[r]
        for d in range(a.ndim - 1, -1, -1):
            out[r, d] = q % a.shape[d]
            q //= a.shape[d]
    return out


@implements(np.nonzero)
@array_method("nonzero")
def nonzero(a):
    """A tuple of a.ndim index arrays (a 1-D to 3-D)."""
    if a.ndim == 1:
        return (flatnonzero(a),)
    if a.ndim == 2:
        n = count_nonzero(a)
        rows = np.empty(n, np.int64)
        cols = np.empty(n, np.int64)
        k = 0
        for i in range(a.shape[0]):
            for j in range(a.shape[1]):
                if a[i, j] != 0:
                    rows[k] = i
                    cols[k] = j
                    k += 1
        return (rows, cols)
    if a.ndim == 3:
        w = argwhere(a)
        return (w[:, 0].copy(), w[:, 1].copy(), w[:, 2].copy())
    raise NotImplementedError("rumbo: np.nonzero supports arrays of 1 to 3 dimensions")


# ---------------------------------------------------------------------------
# round, interp, closeness
# ---------------------------------------------------------------------------

@register_jitable
def _round(x, decimals):
    """NumPy's round: rint(x * 10**d) / 10**d (x / 10**-d, then * 10**-d, for
    d < 0), in x's type; integers with d >= 0 unchanged."""
    if decimals >= 0:
        f = 10.0 ** decimals
        return np.rint(x * f) / f
    f = 10.0 ** (-decimals)
    return np.rint(x / f) * f


@implements(np.round, np.around)
@array_method("round")
def around(a, decimals=0):
    if isinstance(a, np.ndarray):
        if a.dtype == np.complex128 or a.dtype == np.complex64:
            # the real and imaginary parts rounded on their own, as NumPy
            out = np.empty(a.shape, a.dtype)
            flat = out.reshape(out.size)
            i = 0
            for z in a.flat:
                flat[i] = complex(_round(z.real, decimals), _round(z.imag, decimals))
                i += 1
            return out
        if a.dtype == np.float64 or a.dtype == np.float32:
            return _round(a, decimals)
        if decimals >= 0:
            return a.copy()
        f = a.dtype(10) ** a.dtype(-decimals)
        return (np.rint(a / f) * f).astype(a.dtype)
    if isinstance(a, float):
        return _round(a, decimals)
    if isinstance(a, complex):
        return complex(_round(a.real, decimals), _round(a.imag, decimals))
    return a


@implements(np.interp)
def interp(x, xp, fp):
    """Piecewise-linear interpolation (NumPy's algorithm: exact at the sample
    points, fp[0] left and fp[-1] right of them)."""
    if xp.ndim != 1 or fp.ndim != 1:
        raise ValueError("object too deep for desired array")
    n = xp.shape[0]
    if n == 0:
        raise ValueError("array of sample points is empty")
    if fp.shape[0] != n:
        raise ValueError("fp and xp are not of the same length.")
    if isinstance(x, np.ndarray):
        out = np.empty(x.shape, np.float64)
        flat = out.reshape(out.size)
        i = 0
        for v in x.flat:
            flat[i] = _interp_one(v, xp, fp)
            i += 1
        return out
    return _interp_one(x, xp, fp)


@register_jitable
def _interp_one(xv, xp, fp):
    x = float(xv)
    n = xp.shape[0]
    if x != x:
        return x
    if x < xp[0]:
        return float(fp[0])
    if x > xp[n - 1]:
        return float(fp[n - 1])
    # j: the last sample point <= x
    lo = 0
    hi = n
    while lo < hi:
        mid = (lo + hi) >> 1
        if xp[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    j = lo - 1
    if j >= n - 1:
        return float(fp[n - 1])
    if xp[j] == x:
        return float(fp[j])
    y0 = float(fp[j])
    y1 = float(fp[j + 1])
    slope = (y1 - y0) / (float(xp[j + 1]) - float(xp[j]))
    r = slope * (x - float(xp[j])) + y0
    if r != r:
        r = slope * (x - float(xp[j + 1])) + y1
        if r != r and y0 == y1:
            r = y0
    return r


@implements(np.isclose)
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|a - b| <= atol + rtol * |b| elementwise (b converted to a float
    type first), infinities equal only to themselves; NaNs equal with
    equal_nan. Arrays broadcast; two scalars give a bool."""
    y = b * 1.0
    x = a
    r = (np.abs(x - y) <= atol + rtol * np.abs(y)) & np.isfinite(y) | (x == y)
    if equal_nan:
        r = r | (np.isnan(x) & np.isnan(y))
    return r


@implements(np.allclose)
def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    r = isclose(a, b, rtol, atol, equal_nan)
    if isinstance(r, np.ndarray):
        for v in r.flat:
            if not v:
                return False
        return True
    return bool(r)


@implements(np.array_equal)
def array_equal(a1, a2):
    """True when a1 and a2 have the same shape and elements (NaN != NaN)."""
    if a1.ndim != a2.ndim:
        return False
    for d in range(a1.ndim):
        if a1.shape[d] != a2.shape[d]:
            return False
    x = _flat(a1)
    y = _flat(a2)
    for i in range(x.shape[0]):
        if x[i] != y[i]:
            return False
    return True


# ---------------------------------------------------------------------------
# dimensions
# ---------------------------------------------------------------------------

@implements(np.atleast_1d)
def atleast_1d(a):
    if isinstance(a, np.ndarray):
        return a
    out = np.empty(1, np.asarray(np.array((a,))).dtype)
    out[0] = a
    return out


@implements(np.atleast_2d)
def atleast_2d(a):
    if isinstance(a, np.ndarray):
        if a.ndim == 1:
            return a[None, :]
        return a
    out = np.empty((1, 1), np.array((a,)).dtype)
    out[0, 0] = a
    return out


@implements(np.atleast_3d)
def atleast_3d(a):
    if isinstance(a, np.ndarray):
        if a.ndim == 1:
            return a[None, :, None]
        if a.ndim == 2:
            return a[:, :, None]
        return a
    out = np.empty((1, 1, 1), np.array((a,)).dtype)
    out[0, 0, 0] = a
    return out


@implements(np.expand_dims)
def expand_dims(a, axis):
    """A view of a (1-D or 2-D) with a new axis of length 1 at `axis`."""
    if a.ndim == 1:
        if axis == 0 or axis == -2:
            return a[None, :]
        if axis == 1 or axis == -1:
            return a[:, None]
    elif a.ndim == 2:
        if axis == 0 or axis == -3:
            return a[None, :, :]
        if axis == 1 or axis == -2:
            return a[:, None, :]
        if axis == 2 or axis == -1:
            return a[:, :, None]
    else:
        raise NotImplementedError("rumbo: np.expand_dims supports arrays of 1 or 2 dimensions")
    raise np.exceptions.AxisError("axis is out of bounds for the result's dimensions")


@implements(np.swapaxes)
@array_method("swapaxes")
def swapaxes(a, axis1, axis2):
    """a with two axes interchanged: a view for 2-D arrays and for axes
    (0, 2) of 3-D arrays, a copy for the other pairs of 3-D arrays."""
    if a.ndim == 1:
        if (axis1 != 0 and axis1 != -1) or (axis2 != 0 and axis2 != -1):
            raise np.exceptions.AxisError("axis is out of bounds for array of dimension 1")
        return a[::1]
    if a.ndim == 2:
        i = _axis(axis1, 2)
        j = _axis(axis2, 2)
        if i == j:
            return a[::1, ::1]
        return a.T[::1, ::1]
    if a.ndim == 3:
        i = _axis(axis1, 3)
        j = _axis(axis2, 3)
        if i == j:
            return a[::1, ::1, ::1]
        if i + j == 2 and i != j and i != 1:
            return a.T[::1, ::1, ::1]
        # swap (0, 1) or (1, 2): a copy
        if i + j == 1:
            out = np.empty((a.shape[1], a.shape[0], a.shape[2]), a.dtype)
            for p in range(a.shape[1]):
                for q in range(a.shape[0]):
                    out[p, q, :] = a[q, p, :]
        else:
            out = np.empty((a.shape[0], a.shape[2], a.shape[1]), a.dtype)
            for p in range(a.shape[0]):
                out[p] = a[p].T
        return out[::1, ::1, ::1]
    raise NotImplementedError("rumbo: np.swapaxes supports arrays of 1 to 3 dimensions")


@register_jitable
def _axis(axis, ndim):
    if axis < -ndim or axis >= ndim:
        raise np.exceptions.AxisError("axis is out of bounds for the array's dimensions")
    if axis < 0:
        return axis + ndim
    return axis


@implements(np.take)
@array_method("take")
def take(a, indices):
    """a's elements (flattened, C order) at `indices`: an int, or an integer
    array (the result has its shape); negative indices count from the end
    (no `axis`, as in Numba)."""
    src = _flat(a)
    n = src.shape[0]
    if isinstance(indices, np.ndarray):
        out = np.empty(indices.shape, a.dtype)
        flat = out.reshape(out.size)
        i = 0
        for k in indices.flat:
            flat[i] = src[_wrap_index(k, n)]
            i += 1
        return out
    return src[_wrap_index(indices, n)]


@register_jitable
def _wrap_index(k, n):
    if k < -n or k >= n:
        raise IndexError("index out of bounds for the array's size")
    if k < 0:
        return k + n
    return k


@implements(np.fill_diagonal)
def fill_diagonal(a, val, wrap=False):
    """Stores val (a scalar, or an array whose elements are used in turn) on
    the main diagonal of the 2-D a, in place (wrap=True: again every
    a.shape[1] + 1 rows of a tall matrix, as NumPy)."""
    if a.ndim != 2:
        raise NotImplementedError("rumbo: np.fill_diagonal supports 2-D arrays")
    rows = a.shape[0]
    cols = a.shape[1]
    if isinstance(val, np.ndarray):
        v = _flat(val)
        if v.shape[0] == 0:
            return
    # NumPy's a.flat[:end:cols + 1] = val
    if wrap:
        end = rows * cols
    else:
        end = min(cols * cols, rows * cols)
    k = 0
    for p in range(0, end, cols + 1):
        if isinstance(val, np.ndarray):
            a[p // cols, p % cols] = v[k % v.shape[0]]
        else:
            a[p // cols, p % cols] = val
        k += 1


@implements(np.ediff1d)
def ediff1d(ary):
    """The differences between consecutive elements of the flattened ary
    (to_end= and to_begin= are not supported)."""
    v = _flat(ary)
    return v[1:] - v[:-1]


@implements(np.rot90)
def rot90(m, k=1):
    """m (2-D) rotated by 90 degrees k times, from the first axis towards
    the second: a view, as in NumPy (axes= is not supported)."""
    if m.ndim != 2:
        raise NotImplementedError("rumbo: np.rot90 supports 2-D arrays")
    r = k % 4
    if r == 0:
        return m[::1, ::1]
    if r == 1:
        return m[:, ::-1].T[::1, ::1]
    if r == 2:
        return m[::-1, ::-1]
    return m.T[:, ::-1]


@implements(np.tri)
def tri(N, M=None, k=0, dtype=None):
    """An N x M array (M defaults to N) of ones at and below diagonal k,
    zeros above (float64 unless dtype is given)."""
    if M is None:
        m = N
    else:
        m = M
    if dtype is None:
        out = np.empty((N, m), np.float64)
    else:
        out = np.empty((N, m), dtype)
    for i in range(N):
        for j in range(m):
            out[i, j] = 1 if j - i <= k else 0
    return out


@register_jitable
def _tri_indices(n, k, m, upper):
    count = 0
    for i in range(n):
        for j in range(m):
            if (upper and j - i >= k) or (not upper and j - i <= k):
                count += 1
    rows = np.empty(count, np.int64)
    cols = np.empty(count, np.int64)
    p = 0
    for i in range(n):
        for j in range(m):
            if (upper and j - i >= k) or (not upper and j - i <= k):
                rows[p] = i
                cols[p] = j
                p += 1
    return rows, cols


@implements(np.triu_indices)
def triu_indices(n, k=0, m=None):
    """(rows, cols) of the elements of an n x m array at and above diagonal k."""
    if m is None:
        return _tri_indices(n, k, n, True)
    return _tri_indices(n, k, m, True)


@implements(np.tril_indices)
def tril_indices(n, k=0, m=None):
    """(rows, cols) of the elements of an n x m array at and below diagonal k."""
    if m is None:
        return _tri_indices(n, k, n, False)
    return _tri_indices(n, k, m, False)


@implements(np.ascontiguousarray)
def ascontiguousarray(a):
    """A C-contiguous array of a's elements: a new one here even when a already is
    (NumPy returns a itself then; rumbo cannot tell a's layout apart at this point)."""
    return np.copy(a)
