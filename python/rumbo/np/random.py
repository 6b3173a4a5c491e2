"""np.random in compiled code: seed, random/random_sample/sample/ranf, rand,
randn, randint, uniform, normal, standard_normal, exponential,
standard_exponential, choice, shuffle, permutation (the other distributions
are in random_distributions.py).

As in Numba, compiled code has its own MT19937 generator per thread, apart
from NumPy's global one (see rumbo/pyrandom.py for the primitives and the
runtime's random.rs): seeding outside compiled code does not affect it, and
`np.random.seed(n)` inside compiled code seeds the calling thread's
generator. After the same seed the streams equal NumPy's legacy
`np.random.RandomState(n)` for random, rand, randn, standard_normal, normal,
uniform, exponential, standard_exponential, randint, choice, shuffle and
permutation (element for element, also for the `size=` forms, filled in C
order).

`size` is None (a scalar), an integer or a tuple of integers (an array;
size=() gives a 0-d array, as in Numba). Departures from Numba: NumPy's
ValueError for a negative scale (normal, exponential); randint takes the
full int64 range (Numba's `high - low` overflows beyond 2**63) and the
`randint(high, size=...)` form; integer results are int64 whatever the
arguments' width (Numba keeps int32 for int32 bounds)."""

import math

import numpy as np

from ..decorators import njit
from ..extending import implements
from ..pyrandom import NP, below, between, next_double, next_gauss, seed_state, shuffle_with

_lib = njit(boundscheck=False)


@implements(np.random.seed)
def seed(seed):
    seed_state(NP, seed)


# ---------------------------------------------------------------------------
# scalars
# ---------------------------------------------------------------------------

@_lib
def _randint(low, high):
    """An integer in [low, high): NumPy's masked rejection sampling on the
    unsigned width high - low (which may exceed 2**63)."""
    if high <= low:
        raise ValueError("high <= low")
    return between(NP, low, high)


@_lib
def _normal(loc, scale):
    return loc + scale * next_gauss(NP)


@_lib
def _uniform(low, high):
    return low + (high - low) * next_double(NP)


@_lib
def _exponential(scale):
    return -math.log(1.0 - next_double(NP)) * scale


# ---------------------------------------------------------------------------
# size=: arrays filled in C order
# ---------------------------------------------------------------------------

@_lib
def _fill_double(size):
    out = np.empty(size, np.float64)
    flat = out.reshape(out.size)
    for i in range(flat.shape[0]):
        flat[i] = next_double(NP)
    return out


@_lib
def _fill_gauss(size, loc, scale):
    out = np.empty(size, np.float64)
    flat = out.reshape(out.size)
    for i in range(flat.shape[0]):
        flat[i] = loc + scale * next_gauss(NP)
    return out


@_lib
def _check_scale(scale):
    if scale < 0:
        raise ValueError("scale < 0")


@implements(np.random.random, np.random.random_sample, np.random.sample, np.random.ranf)
def random(size=None):
    if size is None:
        return next_double(NP)
    return _fill_double(size)


@implements(np.random.rand)
def rand(d0=None, d1=None, d2=None, d3=None, d4=None, d5=None):
    """np.random.rand(d0, d1, ...): up to 6 dimensions."""
    if d0 is None:
        return next_double(NP)
    if d1 is None:
        return _fill_double(d0)
    if d2 is None:
        return _fill_double((d0, d1))
    if d3 is None:
        return _fill_double((d0, d1, d2))
    if d4 is None:
        return _fill_double((d0, d1, d2, d3))
    if d5 is None:
        return _fill_double((d0, d1, d2, d3, d4))
    return _fill_double((d0, d1, d2, d3, d4, d5))


@implements(np.random.randn)
def randn(d0=None, d1=None, d2=None, d3=None, d4=None, d5=None):
    """np.random.randn(d0, d1, ...): up to 6 dimensions."""
    if d0 is None:
        return next_gauss(NP)
    if d1 is None:
        return _fill_gauss(d0, 0.0, 1.0)
    if d2 is None:
        return _fill_gauss((d0, d1), 0.0, 1.0)
    if d3 is None:
        return _fill_gauss((d0, d1, d2), 0.0, 1.0)
    if d4 is None:
        return _fill_gauss((d0, d1, d2, d3), 0.0, 1.0)
    if d5 is None:
        return _fill_gauss((d0, d1, d2, d3, d4), 0.0, 1.0)
    return _fill_gauss((d0, d1, d2, d3, d4, d5), 0.0, 1.0)


@implements(np.random.standard_normal)
def standard_normal(size=None):
    if size is None:
        return next_gauss(NP)
    return _fill_gauss(size, 0.0, 1.0)


@implements(np.random.normal)
def normal(loc=0.0, scale=1.0, size=None):
    _check_scale(scale)
    if size is None:
        return _normal(float(loc), float(scale))
    return _fill_gauss(size, float(loc), float(scale))


@implements(np.random.uniform)
def uniform(low=0.0, high=1.0, size=None):
    lo = float(low)
    hi = float(high)
    if size is None:
        return _uniform(lo, hi)
    out = np.empty(size, np.float64)
    flat = out.reshape(out.size)
    for i in range(flat.shape[0]):
        flat[i] = _uniform(lo, hi)
    return out


@implements(np.random.exponential)
def exponential(scale=1.0, size=None):
    _check_scale(scale)
    s = float(scale)
    if size is None:
        return _exponential(s)
    out = np.empty(size, np.float64)
    flat = out.reshape(out.size)
    for i in range(flat.shape[0]):
        flat[i] = _exponential(s)
    return out


@implements(np.random.standard_exponential)
def standard_exponential(size=None):
    return exponential(1.0, size)


@implements(np.random.randint)
def randint(low, high=None, size=None):
    """Integers in [low, high) (or [0, low) without high), int64."""
    if high is None:
        lo = 0
        hi = low
    else:
        lo = low
        hi = high
    if size is None:
        # inline, not _randint: one call less on the hot path
        if hi <= lo:
            raise ValueError("high <= low")
        return between(NP, lo, hi)
    out = np.empty(size, np.int64)
    if out.size > 0 and hi <= lo:
        raise ValueError("high <= low")
    flat = out.reshape(out.size)
    for i in range(flat.shape[0]):
        flat[i] = _randint(lo, hi)
    return out


# ---------------------------------------------------------------------------
# permutations
# ---------------------------------------------------------------------------

@implements(np.random.shuffle)
def shuffle(x):
    """Shuffles x in place along its first axis (NumPy's order of draws)."""
    shuffle_with(x, NP)


@implements(np.random.permutation)
def permutation(x):
    """A shuffled np.arange(x) for an integer, a shuffled copy of an array."""
    if isinstance(x, int):
        out = np.arange(x)
    else:
        out = x.copy()
    shuffle_with(out, NP)
    return out


@implements(np.random.choice)
def choice(a, size=None, replace=True):
    """Samples from a 1-D array, or from np.arange(a) for an integer a, with
    or without replacement (the `p` argument is not supported). Without
    replacement the sample is the first elements of a permutation, NumPy's
    legacy order."""
    if isinstance(a, int):
        n = a
        if n <= 0:
            raise ValueError("a must be greater than 0 unless no samples are taken")
    else:
        if a.ndim != 1:
            raise ValueError("a must be 1-dimensional")
        n = a.shape[0]
        if n == 0:
            raise ValueError("a cannot be empty unless no samples are taken")
    if size is None:
        i = below(NP, n)
        if isinstance(a, int):
            return i
        return a[i]
    if isinstance(a, int):
        out = np.empty(size, np.int64)
    else:
        out = np.empty(size, a.dtype)
    flat = out.reshape(out.size)
    if replace:
        for k in range(flat.shape[0]):
            i = below(NP, n)
            if isinstance(a, int):
                flat[k] = i
            else:
                flat[k] = a[i]
    else:
        if flat.shape[0] > n:
            raise ValueError("Cannot take a larger sample than population when 'replace=False'")
        perm = permutation(a)
        for k in range(flat.shape[0]):
            flat[k] = perm[k]
    return out
