"""Order statistics, NaN-ignoring reductions and counting: np.median,
np.percentile, np.quantile, np.nanmedian, np.nanpercentile, np.nanquantile,
np.nansum, np.nanprod, np.nanmean, np.nanmin, np.nanmax, np.average, np.cov,
np.corrcoef, np.histogram, np.bincount, np.digitize, np.searchsorted, np.ptp,
np.trapezoid, np.nanvar, np.nanstd, np.nancumsum, np.nancumprod, np.partition,
np.argpartition.

Plain Python compiled by rumbo for each call site; inputs of any layout and
dimension are read whole (no `axis=`, as in Numba). What follows NumPy:

- median/percentile/quantile select the order statistics they need from a
  copy (quickselect, O(n); any NaN makes the result NaN) and interpolate
  with NumPy's default method 'linear' (its `_lerp`); the result is float64
  for integer input and keeps float32. `q` is a number, a tuple of numbers
  or an array (the result then has q's shape).
  Quantiles of an empty array raise NumPy's IndexError (nan* variants and
  median: NaN).
- nanmin/nanmax of an all-NaN array are NaN (NumPy also warns), nanmean of no
  numbers NaN; nansum/nanprod of integers are the plain sum/product.
- histogram: `bins` is a count (uniform bins over `range`, or the data's
  min..max) or an increasing array of edges; counts are int64, the edges
  float64 (float32 for float32 data; an array of edges is returned as given);
  values outside the range are left out, the last bin includes its right edge.
- searchsorted and digitize order NaN last, as NumPy's sort; searchsorted's
  `side` is a string constant ('left' or 'right'), decided at compile time.

- partition/argpartition return the sorted array / the stable argsort (one
  of the arrangements NumPy allows; NumPy's own differs).
- cov/corrcoef of a 2-D input with one variable give a (1, 1) array where
  NumPy squeezes to 0-d (a 1-D input gives NumPy's 0-d array / float).

Not supported: method=/weights= of quantiles, density= and
weights= of histogram, `axis=` everywhere."""

import numpy as np

from ..extending import implements, register_jitable

# loops that index only in range: no bounds checks
_kernel = register_jitable(boundscheck=False)


# ---------------------------------------------------------------------------
# quantiles
# ---------------------------------------------------------------------------

@register_jitable
def _inexact_zero(a):
    """0 of the type NumPy computes a's statistics in: float64 for booleans
    and integers, a's own type for floats."""
    if a.dtype == np.float32:
        return np.float32(0)
    if a.dtype == np.complex128 or a.dtype == np.complex64:
        return a.dtype(0)
    return 0.0


@register_jitable
def _values(a, drop_nan):
    """(a's elements as a new 1-D array, whether one is NaN); without the
    NaNs when drop_nan (True, None: a compile-time choice)."""
    n = 0
    for x in a.flat:
        if x == x:
            n += 1
    if drop_nan is None:
        out = np.empty(a.size, a.dtype)
        i = 0
        for x in a.flat:
            out[i] = x
            i += 1
        return out, n != a.size
    out = np.empty(n, a.dtype)
    i = 0
    for x in a.flat:
        if x == x:
            out[i] = x
            i += 1
    return out, False


@_kernel
def _select(v, k):
    """Rearranges the 1-D v (no NaN) so that v[k] is its k-th smallest
    element, with no larger one before it and no smaller one after it
    (quickselect with a median of three; a sort once it has taken too many
    rounds, or for complex numbers). Returns v[k]."""
    if v.dtype == np.complex128 or v.dtype == np.complex64:
        v.sort()
        return v[k]
    lo = 0
    hi = v.shape[0] - 1
    rounds = 0
    while hi - lo >= 16:
        rounds += 1
        if rounds > 64:
            v[lo:hi + 1].sort()
            return v[k]
        mid = lo + (hi - lo) // 2
        if v[mid] < v[lo]:
            t = v[mid]
            v[mid] = v[lo]
            v[lo] = t
        if v[hi] < v[lo]:
            t = v[hi]
            v[hi] = v[lo]
            v[lo] = t
        if v[hi] < v[mid]:
            t = v[hi]
            v[hi] = v[mid]
            v[mid] = t
        pivot = v[mid]
        i = lo
        j = hi
        while i <= j:
            while v[i] < pivot:
                i += 1
            while pivot < v[j]:
                j -= 1
            if i <= j:
                t = v[i]
                v[i] = v[j]
                v[j] = t
                i += 1
                j -= 1
        # v[lo..j] <= pivot, v[i..hi] >= pivot, v[j+1..i-1] == pivot
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            return v[k]
    for i in range(lo + 1, hi + 1):
        x = v[i]
        j = i
        while j > lo and x < v[j - 1]:
            v[j] = v[j - 1]
            j -= 1
        v[j] = x
    return v[k]


@_kernel
def _min_from(v, k):
    """The smallest of v[k:] (non-empty, no NaN; complex v is sorted)."""
    if v.dtype == np.complex128 or v.dtype == np.complex64:
        return v[k]
    m = v[k]
    for i in range(k + 1, v.shape[0]):
        if v[i] < m:
            m = v[i]
    return m


@_kernel
def _max_until(v, k):
    """The largest of v[:k] (non-empty, no NaN; complex v is sorted)."""
    if v.dtype == np.complex128 or v.dtype == np.complex64:
        return v[k - 1]
    m = v[0]
    for i in range(1, k):
        if v[i] > m:
            m = v[i]
    return m


@register_jitable
def _lerp_select(v, has_nan, q, zero):
    """NumPy's 'linear' quantile q (in [0, 1]) of the values v (reordered
    in place), in zero's type."""
    n = v.shape[0]
    if n == 0 or has_nan:
        return zero + np.nan
    vi = (n - 1) * q
    if vi >= n - 1:
        return zero + _select(v, n - 1)
    if vi <= 0:
        return zero + _select(v, 0)
    lo = int(np.floor(vi))
    gamma = zero + (vi - lo)
    a = zero + _select(v, lo)
    b = zero + _min_from(v, lo + 1)
    diff = b - a
    if gamma >= 0.5:
        return b - diff * (1 - gamma)
    return a + diff * gamma


@register_jitable
def _check_q(x, scale):
    if not (x >= 0 and x <= scale):
        if scale == 100:
            raise ValueError("Percentiles must be in the range [0, 100]")
        raise ValueError("Quantiles must be in the range [0, 1]")


@register_jitable
def _quantiles(a, q, scale, drop_nan):
    if a.dtype == np.complex128 or a.dtype == np.complex64:
        raise TypeError("a must be an array of real numbers")
    if drop_nan is None and a.size == 0:
        # (NumPy's message: it indexes the last element)
        raise IndexError("index -1 is out of bounds for axis 0 with size 0")
    v, has_nan = _values(a, drop_nan)
    zero = _inexact_zero(a)
    if isinstance(q, np.ndarray):
        # NumPy interpolates with q / scale as an array: a float32 `a` with
        # float64 (or integer) q gives float64
        out = np.empty(q.shape, (np.where(np.empty(0, np.bool_), zero, zero) + np.empty(0, q.dtype) / 1).dtype)
        flat = out.reshape(out.size)
        i = 0
        for x in q.flat:
            _check_q(x, scale)
            flat[i] = _lerp_select(v, has_nan, x / scale, zero)
            i += 1
        return out
    if isinstance(q, tuple):
        out = np.empty(len(q), np.float64)
        for i in range(len(q)):
            _check_q(q[i], scale)
            out[i] = _lerp_select(v, has_nan, q[i] / scale, zero)
        return out
    _check_q(q, scale)
    return _lerp_select(v, has_nan, q / scale, zero)


@implements(np.percentile)
def percentile(a, q):
    return _quantiles(a, q, 100, None)


@implements(np.quantile)
def quantile(a, q):
    return _quantiles(a, q, 1, None)


@implements(np.nanpercentile)
def nanpercentile(a, q):
    return _quantiles(a, q, 100, True)


@implements(np.nanquantile)
def nanquantile(a, q):
    return _quantiles(a, q, 1, True)


@register_jitable
def _median(a, drop_nan):
    v, has_nan = _values(a, drop_nan)
    zero = _inexact_zero(a)
    n = v.shape[0]
    if n == 0 or has_nan:
        return zero + np.nan
    h = n // 2
    upper = _select(v, h)
    if n % 2 == 1:
        return zero + upper
    return ((zero + _max_until(v, h)) + (zero + upper)) / 2


@implements(np.median)
def median(a):
    return _median(a, None)


@implements(np.nanmedian)
def nanmedian(a):
    return _median(a, True)


# ---------------------------------------------------------------------------
# NaN-ignoring reductions
# ---------------------------------------------------------------------------

@implements(np.nansum)
def nansum(a):
    s = a.dtype(0) + a.dtype(0)
    for x in a.flat:
        if x == x:
            s += x
    return s


@implements(np.nanprod)
def nanprod(a):
    s = a.dtype(1) * a.dtype(1)
    for x in a.flat:
        if x == x:
            s *= x
    return s


@implements(np.nanmean)
def nanmean(a):
    s = _inexact_zero(a)
    n = 0
    for x in a.flat:
        if x == x:
            s += x
            n += 1
    return s / n if n > 0 else s + np.nan


@register_jitable
def _nan_extreme(a, is_max):
    if a.size == 0:
        if is_max:
            raise ValueError("zero-size array to reduction operation fmax which has no identity")
        raise ValueError("zero-size array to reduction operation fmin which has no identity")
    found = False
    m = a.dtype(0)
    for x in a.flat:
        if x == x:
            if not found:
                m = x
                found = True
            elif (is_max and x > m) or (not is_max and x < m):
                m = x
    if not found:
        return a.dtype(np.nan)
    return m


@implements(np.nanmin)
def nanmin(a):
    if a.dtype == np.float64 or a.dtype == np.float32:
        return _nan_extreme(a, False)
    return np.min(a)


@implements(np.nanmax)
def nanmax(a):
    if a.dtype == np.float64 or a.dtype == np.float32:
        return _nan_extreme(a, True)
    return np.max(a)


@implements(np.average)
def average(a, axis=None, weights=None):
    """The mean of a (axis=None only), or the weighted mean with `weights`
    of a's shape."""
    if axis is not None:
        raise NotImplementedError("rumbo: np.average supports axis=None only")
    # (`weights is None` does not type for arrays, and `not isinstance(...)`
    # is not decided at compile time in rumbo yet)
    if isinstance(weights, np.ndarray):
        return _weighted_average(a, weights)
    return np.mean(a)


@register_jitable
def _weighted_average(a, weights):
    if weights.ndim != a.ndim:
        raise TypeError("Axis must be specified when shapes of a and weights differ.")
    for d in range(a.ndim):
        if weights.shape[d] != a.shape[d]:
            raise TypeError("Axis must be specified when shapes of a and weights differ.")
    zero = _inexact_zero(a) + weights.dtype(0)
    if a.dtype == np.float32 and weights.dtype == np.float32:
        zero = np.float32(0)
    num = zero
    den = zero
    # element pairs in C order: a and weights have the same shape
    av = _flat(a)
    wv = _flat(weights)
    for k in range(av.shape[0]):
        num += (zero + av[k]) * wv[k]
        den += wv[k]
    if den == 0:
        raise ZeroDivisionError("Weights sum to zero, can't be normalized")
    return num / den


@register_jitable
def _flat(a):
    """a as a 1-D array in C order (a itself when 1-D, else a copy)."""
    if a.ndim == 1:
        return a
    out = np.empty(a.size, a.dtype)
    i = 0
    for x in a.flat:
        out[i] = x
        i += 1
    return out


# ---------------------------------------------------------------------------
# searching and counting
# ---------------------------------------------------------------------------

@register_jitable
def _lt(x, y):
    """x < y in NumPy's sort order (NaN last; complex numbers
    lexicographically, without NaNs)."""
    if isinstance(x, complex):
        return x.real < y.real or (x.real == y.real and x.imag < y.imag)
    return x < y or (y != y and x == x)


@register_jitable
def _search(a, v, right):
    """The insertion index of v in the sorted 1-D a: before equal elements
    (right False) or after them (right True)."""
    lo = 0
    hi = a.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if right:
            go_right = not _lt(v, a[mid])
        else:
            go_right = _lt(a[mid], v)
        if go_right:
            lo = mid + 1
        else:
            hi = mid
    return lo


@register_jitable
def _search_all(a, v, right):
    if isinstance(v, np.ndarray):
        out = np.empty(v.shape, np.int64)
        flat = out.reshape(out.size)
        i = 0
        for x in v.flat:
            flat[i] = _search(a, x, right)
            i += 1
        return out
    return _search(a, v, right)


@implements(np.searchsorted)
def searchsorted(a, v, side="left"):
    if a.ndim != 1:
        raise ValueError("object too deep for desired array")
    if side == "left":
        return _search_all(a, v, False)
    if side == "right":
        return _search_all(a, v, True)
    raise ValueError("search side must be 'left' or 'right'")


@register_jitable
def _digitize_one(x, bins, right, increasing):
    n = bins.shape[0]
    if increasing:
        return _search(bins, x, not right)
    # decreasing bins: search the reversed bins
    return n - _search(bins[::-1], x, not right)


@implements(np.digitize)
def digitize(x, bins, right=False):
    if bins.ndim != 1:
        raise ValueError("object too deep for desired array")
    n = bins.shape[0]
    increasing = True
    if n > 1:
        inc = True
        dec = True
        for i in range(n - 1):
            if bins[i + 1] < bins[i]:
                inc = False
            if bins[i + 1] > bins[i]:
                dec = False
        if not inc and not dec:
            raise ValueError("bins must be monotonically increasing or decreasing")
        increasing = inc
    if isinstance(x, np.ndarray):
        out = np.empty(x.shape, np.int64)
        flat = out.reshape(out.size)
        i = 0
        for v in x.flat:
            flat[i] = _digitize_one(v, bins, right, increasing)
            i += 1
        return out
    return _digitize_one(x, bins, right, increasing)


@implements(np.bincount)
def bincount(x, weights=None, minlength=0):
    if x.ndim != 1:
        raise ValueError("object too deep for desired array")
    if minlength < 0:
        raise ValueError("'minlength' must not be negative")
    n = minlength
    for v in x:
        if v < 0:
            raise ValueError("'list' argument must have no negative elements")
        if v + 1 > n:
            n = v + 1
    if isinstance(weights, np.ndarray):
        if weights.ndim != 1 or weights.shape[0] != x.shape[0]:
            raise ValueError("The weights and list don't have the same length.")
        wout = np.zeros(n, np.float64)
        for i in range(x.shape[0]):
            wout[x[i]] += weights[i]
        return wout
    out = np.zeros(n, np.int64)
    for v in x:
        out[v] += 1
    return out


# ---------------------------------------------------------------------------
# histogram
# ---------------------------------------------------------------------------

@register_jitable
def _edge_half(a):
    """0.5 in the type of the bin edges: float32 for float32 data, else float64."""
    if a.dtype == np.float32:
        return np.float32(0.5)
    return 0.5


@register_jitable
def _histogram_edges(a, bins, range):
    """(counts, edges) for a count of uniform bins."""
    half = _edge_half(a)
    zero = half - half
    if bins < 1:
        raise ValueError("`bins` must be positive, when an integer")
    if range is not None:
        first = zero + range[0]
        last = zero + range[1]
        if first > last:
            raise ValueError("max must be larger than min in range parameter.")
        if not (np.isfinite(first) and np.isfinite(last)):
            raise ValueError("supplied range is not finite")
    elif a.size == 0:
        first = zero
        last = half + half
    else:
        first = zero + np.min(a)
        last = zero + np.max(a)
        if not (np.isfinite(first) and np.isfinite(last)):
            raise ValueError("autodetected range is not finite")
    if first == last:
        first = first - half
        last = last + half
    edges = np.linspace(first, last, bins + 1)
    counts = np.zeros(bins, np.int64)
    denom = last - first
    for x in a.flat:
        v = zero + x
        if v >= first and v <= last:
            i = int(((v - first) / denom) * bins)
            if i == bins:
                i -= 1
            if v < edges[i]:
                i -= 1
            elif i != bins - 1 and v >= edges[i + 1]:
                i += 1
            counts[i] += 1
    return counts, edges


@register_jitable
def _histogram_bins(a, bins):
    """(counts, edges) for an array of bin edges."""
    if bins.ndim != 1:
        raise ValueError("`bins` must be 1d, when an array")
    nb = bins.shape[0] - 1
    for i in range(nb):
        if bins[i + 1] < bins[i]:
            raise ValueError("`bins` must increase monotonically, when an array")
    edges = np.empty(bins.shape[0], bins.dtype)
    for i in range(bins.shape[0]):
        edges[i] = bins[i]
    counts = np.zeros(max(nb, 0), np.int64)
    if nb < 1:
        return counts, edges
    lo = edges[0]
    hi = edges[nb]
    for x in a.flat:
        if x >= lo and x <= hi:
            i = _search(edges, x, True) - 1
            if i == nb:
                i -= 1
            counts[i] += 1
    return counts, edges


@implements(np.histogram)
def histogram(a, bins=10, range=None):
    if isinstance(bins, np.ndarray):
        return _histogram_bins(a, bins)
    return _histogram_edges(a, bins, range)


# ---------------------------------------------------------------------------
# cov, corrcoef
# ---------------------------------------------------------------------------

@register_jitable
def _observations(m, rowvar):
    """m as a 2-D (variables, observations) view."""
    if m.ndim == 1:
        return m[None, :]
    if m.ndim == 2:
        if rowvar or m.shape[0] == 1:
            return m[:, :]
        return m.T[:, :]
    raise ValueError("m has more than 2 dimensions")


@register_jitable
def _cov(m, y, rowvar, bias, ddof):
    """The covariance matrix, 2-D, float64 (complex128 for complex input)."""
    xm = _observations(m, rowvar)
    k1 = xm.shape[0]
    n = xm.shape[1]
    if isinstance(y, np.ndarray):
        ym = _observations(y, rowvar)
        if ym.shape[1] != n:
            raise ValueError("all the input array dimensions except for the concatenation axis must match exactly")
        k = k1 + ym.shape[0]
        zero = m.dtype(0) * 0.0 + y.dtype(0) * 0.0
    else:
        ym = xm
        k = k1
        zero = m.dtype(0) * 0.0
    # zero: 0.0, or 0j for complex input (NumPy's result_type(m, y, float64))
    x = np.empty((k, n), _full_dtype(zero))
    for i in range(k):
        if i < k1:
            for j in range(n):
                x[i, j] = xm[i, j]
        else:
            for j in range(n):
                x[i, j] = ym[i - k1, j]
    if ddof is None:
        dd = 1 if not bias else 0
    else:
        dd = ddof
    fact = n - dd
    if fact < 0:
        fact = 0
    for i in range(k):
        row = x[i]
        mu = np.mean(row)
        for j in range(n):
            row[j] = row[j] - mu
    return _gram(x, zero, fact)


@_kernel
def _gram(x, zero, fact):
    """x @ x.conj().T / fact; the lower triangle mirrors the upper one."""
    k = x.shape[0]
    n = x.shape[1]
    c = np.empty((k, k), x.dtype)
    q = n - n % 4
    for i in range(k):
        xi = x[i]
        for j in range(i, k):
            xj = x[j]
            # four partial sums (independent chains: the loop pipelines)
            s0 = zero
            s1 = zero
            s2 = zero
            s3 = zero
            for t in range(0, q, 4):
                s0 += xi[t] * _conj(xj[t])
                s1 += xi[t + 1] * _conj(xj[t + 1])
                s2 += xi[t + 2] * _conj(xj[t + 2])
                s3 += xi[t + 3] * _conj(xj[t + 3])
            s = (s0 + s1) + (s2 + s3)
            for t in range(q, n):
                s += xi[t] * _conj(xj[t])
            c[i, j] = s / fact
            if j != i:
                c[j, i] = _conj(c[i, j])
    return c


@register_jitable
def _conj(z):
    if isinstance(z, complex):
        return complex(z.real, -z.imag)
    return z


@register_jitable
def _full_dtype(zero):
    return np.where(np.empty(0, np.bool_), zero, zero).dtype


@implements(np.cov)
def cov(m, y=None, rowvar=True, bias=False, ddof=None):
    """NumPy's cov of 1-D or 2-D m (and y): a 0-d array for a 1-D m alone,
    else the (k, k) matrix (also for k = 1 from a 2-D m, where NumPy's
    squeeze gives a 0-d array)."""
    c = _cov(m, y, rowvar, bias, ddof)
    # (nested: `and` and `not` are not decided at compile time in rumbo yet)
    if m.ndim == 1:
        if isinstance(y, np.ndarray):
            return c
        return np.full((), c[0, 0])
    return c


@implements(np.corrcoef)
def corrcoef(x, y=None, rowvar=True):
    """NumPy's corrcoef: cov / outer(stddev, stddev), real parts clipped to
    [-1, 1]; 1.0 (x / x) for a 1-D x alone."""
    c = _cov(x, y, rowvar, False, None)
    if x.ndim == 1:
        if isinstance(y, np.ndarray):
            return _normalize(c)
        return c[0, 0] / c[0, 0]
    return _normalize(c)


@register_jitable
def _normalize(c):
    k = c.shape[0]
    d = np.empty(k, np.float64)
    for i in range(k):
        d[i] = np.sqrt(c[i, i].real)
    for i in range(k):
        for j in range(k):
            v = c[i, j] / d[i]
            v = v / d[j]
            c[i, j] = _clip_unit(v)
    return c


@register_jitable
def _clip(x):
    """x (a float) clipped to [-1, 1]; NaN stays NaN."""
    if x > 1.0:
        return 1.0
    if x < -1.0:
        return -1.0
    return x


@register_jitable
def _clip_unit(v):
    """v with its real (and imaginary) part clipped to [-1, 1], as NumPy's corrcoef."""
    if isinstance(v, complex):
        return complex(_clip(v.real), _clip(v.imag))
    return _clip(v)


# ---------------------------------------------------------------------------
# ptp, trapezoid
# ---------------------------------------------------------------------------

@implements(np.ptp)
def ptp(a):
    """max - min of the whole array, in a's dtype (integers wrap as in NumPy)."""
    return a.dtype(np.max(a) - np.min(a))


@implements(np.trapezoid)
def trapezoid(y, x=None, dx=1.0):
    """The trapezoidal rule along a 1-D y, with sample points x (1-D, as
    long as y) or spacing dx."""
    if y.ndim != 1:
        raise NotImplementedError("rumbo: np.trapezoid supports 1-D arrays")
    if isinstance(x, np.ndarray):
        if x.ndim != 1 or x.shape[0] != y.shape[0]:
            raise ValueError("operands could not be broadcast together")
        return np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2.0)
    return np.sum(dx * (y[1:] + y[:-1]) / 2.0)


# ---------------------------------------------------------------------------
# nanvar, nanstd, nancumsum, nancumprod, partition, argpartition
# ---------------------------------------------------------------------------

@register_jitable
def _nanvar(a, ddof):
    zero = _inexact_zero(a)
    s = zero
    n = 0
    for x in a.flat:
        if x == x:
            s += x
            n += 1
    if n - ddof <= 0:
        return abs(zero) + np.nan
    mean = s / n
    ss = abs(zero)
    for x in a.flat:
        if x == x:
            d = x - mean
            ss += (d.real * d.real + d.imag * d.imag)
    return ss / (n - ddof)


@implements(np.nanvar)
def nanvar(a, ddof=0):
    """The variance of a's non-NaN elements (float64 for integers; real for complex)."""
    return _nanvar(a, ddof)


@implements(np.nanstd)
def nanstd(a, ddof=0):
    return np.sqrt(_nanvar(a, ddof))


@implements(np.nancumsum)
def nancumsum(a):
    """cumsum of the flattened a with NaNs counted as 0."""
    c = _acc_zero(a)
    out = np.empty(a.size, _full_dtype(c))
    i = 0
    for x in a.flat:
        if x == x:
            c = c + x
        out[i] = c
        i += 1
    return out


@implements(np.nancumprod)
def nancumprod(a):
    """cumprod of the flattened a with NaNs counted as 1."""
    c = _acc_zero(a) + True
    out = np.empty(a.size, _full_dtype(c))
    i = 0
    for x in a.flat:
        if x == x:
            c = c * x
        out[i] = c
        i += 1
    return out


@register_jitable
def _acc_zero(a):
    """0 of the accumulator type of a's sums (int64 for small integers and bools)."""
    return a.dtype(0) + a.dtype(0)


@register_jitable
def _check_kth(a, kth):
    n = a.shape[a.ndim - 1]
    if kth < -n or kth >= n:
        raise ValueError("kth out of bounds")


@implements(np.partition)
def partition(a, kth):
    """A copy of a whose element kth (along the last axis) is where sorting
    would put it, smaller ones before and larger ones after: here the sorted
    copy, one of the arrangements NumPy allows (NumPy's own differs)."""
    _check_kth(a, kth)
    return np.sort(a)


@implements(np.argpartition)
def argpartition(a, kth):
    """Indices that partition a along its last axis (here: the stable argsort)."""
    _check_kth(a, kth)
    return np.argsort(a)
