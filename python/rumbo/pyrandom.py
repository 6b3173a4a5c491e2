"""The `random` module in compiled code, and the random-number primitives
np.random (rumbo/np/random.py) is built from.

As in Numba, compiled code draws from its own generators, not from Python's
or NumPy's global ones: MT19937 states kept per thread by the runtime
(rumbo-runtime's random.rs), seeded from OS entropy at first use. Each
thread has one generator for `random` and one for `np.random`, so
`random.seed(n)` inside compiled code seeds the calling thread's `random`
generator only, and seeding outside compiled code has no effect inside.

What follows Numba (and therefore differs from CPython's `random`):
`random.seed(n)` takes an integer and seeds with NumPy's legacy
`init_genrand(n & 0xffffffff)` (CPython seeds with `init_by_array`), so the
streams after a seed equal `np.random.RandomState(n)`'s doubles, not
CPython's; `gauss`/`normalvariate` are the polar Box-Muller method with the
second value kept. `random()`, `randrange`, `randint`, `getrandbits`,
`shuffle` and the distributions use CPython's algorithms on that stream.
Departures from Numba: `randrange` with step 0 raises ValueError as CPython
does (Numba returns `start`); gauss/normalvariate/expovariate take CPython's
defaults (mu=0, sigma=1, lambd=1).

Plain Python compiled by rumbo; no NumPy needed (shuffle takes arrays)."""

import math
import random

from .decorators import njit
from .extending import implements, primitive

# The generator a primitive draws from.
NP = 0
PY = 1

_lib = njit(boundscheck=False)


# ---------------------------------------------------------------------------
# primitives (codegen calls the runtime); the bodies run only from Python
# ---------------------------------------------------------------------------

@primitive("rumbo.random_seed")
def seed_state(which, seed):
    """Seeds this thread's generator `which` with `seed & 0xffffffff`."""
    random.seed(seed)


@primitive("rumbo.random_double")
def next_double(which):
    """A float in [0, 1) with 53 random bits (NumPy's random_sample)."""
    return random.random()


@primitive("rumbo.random_gauss")
def next_gauss(which):
    """A standard normal (NumPy's legacy polar method, the second value kept)."""
    return random.gauss(0.0, 1.0)


@primitive("rumbo.random_below")
def below(which, n):
    """An integer in [0, n) for n >= 1 (n read as unsigned, 0 meaning 2**64):
    NumPy's masked rejection sampling for NP, CPython's `_randbelow` for PY."""
    return random.randrange(n % 2**64 or 2**64)


@primitive("rumbo.random_between")
def between(which, lo, hi):
    """An integer in [lo, hi) for lo < hi: lo + below(which, hi - lo), the
    width computed without overflow."""
    return random.randrange(lo, hi)


@primitive("rumbo.random_bits")
def bits(which, k):
    """CPython's getrandbits(k) for 1 <= k <= 64."""
    return random.getrandbits(k)


# ---------------------------------------------------------------------------
# the random module
# ---------------------------------------------------------------------------

@implements(random.seed)
def seed(a):
    seed_state(PY, a)


@implements(random.random)
def random_():
    return next_double(PY)


@implements(random.getrandbits)
def getrandbits(k):
    if k < 1 or k > 64:
        raise OverflowError("getrandbits() limited to 64 bits")
    return bits(PY, k)


@_lib
def _randrange(start, stop, step):
    if step == 0:
        raise ValueError("zero step for randrange()")
    width = stop - start
    if step == 1:
        n = width
    elif step > 0:
        n = (width + step - 1) // step
    else:
        n = (width + step + 1) // step
    if n <= 0:
        raise ValueError("empty range for randrange()")
    return start + below(PY, n) * step


@implements(random.randrange)
def randrange(start, stop=None, step=1):
    if stop is None:
        if start <= 0:
            raise ValueError("empty range for randrange()")
        return between(PY, 0, start)
    if step == 1:
        if stop <= start:
            raise ValueError("empty range for randrange()")
        return between(PY, start, stop)
    return _randrange(start, stop, step)


@implements(random.randint)
def randint(a, b):
    if b < a:
        raise ValueError("empty range for randrange()")
    return between(PY, a, b + 1)


@implements(random.uniform)
def uniform(a, b):
    lo = float(a)
    return lo + (float(b) - lo) * next_double(PY)


@implements(random.gauss, random.normalvariate)
def gauss(mu=0.0, sigma=1.0):
    return float(mu) + float(sigma) * next_gauss(PY)


@implements(random.lognormvariate)
def lognormvariate(mu, sigma):
    return math.exp(gauss(mu, sigma))


@implements(random.expovariate)
def expovariate(lambd=1.0):
    return -math.log(1.0 - next_double(PY)) / lambd


@implements(random.triangular)
def triangular(low=0.0, high=1.0, mode=None):
    if mode is None:
        c = 0.5
    else:
        if high == low:
            return float(low)
        c = (mode - low) / (high - low)
    u = next_double(PY)
    lo = float(low)
    hi = float(high)
    if u > c:
        u = 1.0 - u
        c = 1.0 - c
        lo = float(high)
        hi = float(low)
    return lo + (hi - lo) * math.sqrt(u * c)


@_lib
def _gamma(alpha, beta, which):
    """CPython's gammavariate (Numba uses it for np.random.gamma too)."""
    if alpha <= 0.0 or beta <= 0.0:
        raise ValueError("gammavariate: alpha and beta must be > 0.0")
    if alpha > 1.0:
        # R.C.H. Cheng, "The generation of Gamma variables with non-integral
        # shape parameters", Applied Statistics (1977), 26, No. 1, p71-74
        ainv = math.sqrt(2.0 * alpha - 1.0)
        bbb = alpha - math.log(4.0)
        ccc = alpha + ainv
        sg_magicconst = 1.0 + math.log(4.5)
        while True:
            u1 = next_double(which)
            if not (1e-7 < u1 and u1 < 0.9999999):
                continue
            u2 = 1.0 - next_double(which)
            v = math.log(u1 / (1.0 - u1)) / ainv
            x = alpha * math.exp(v)
            z = u1 * u1 * u2
            r = bbb + ccc * v - x
            if r + sg_magicconst - 4.5 * z >= 0.0 or r >= math.log(z):
                return x * beta
    elif alpha == 1.0:
        return -math.log(1.0 - next_double(which)) * beta
    # alpha in (0, 1): algorithm GS of Kennedy & Gentle, Statistical Computing
    while True:
        u = next_double(which)
        b = (math.e + alpha) / math.e
        p = b * u
        if p <= 1.0:
            x = p ** (1.0 / alpha)
        else:
            x = -math.log((b - p) / alpha)
        u1 = next_double(which)
        if p > 1.0:
            if u1 <= x ** (alpha - 1.0):
                return x * beta
        elif u1 <= math.exp(-x):
            return x * beta


@implements(random.gammavariate)
def gammavariate(alpha, beta):
    return _gamma(float(alpha), float(beta), PY)


@_lib
def _beta(alpha, beta, which):
    y = _gamma(alpha, 1.0, which)
    if y == 0.0:
        return 0.0
    return y / (y + _gamma(beta, 1.0, which))


@implements(random.betavariate)
def betavariate(alpha, beta):
    return _beta(float(alpha), float(beta), PY)


@implements(random.paretovariate)
def paretovariate(alpha):
    u = 1.0 - next_double(PY)
    return 1.0 / u ** (1.0 / alpha)


@implements(random.weibullvariate)
def weibullvariate(alpha, beta):
    u = 1.0 - next_double(PY)
    return alpha * (-math.log(u)) ** (1.0 / beta)


@implements(random.vonmisesvariate)
def vonmisesvariate(mu, kappa):
    """Fisher, "Statistical Analysis of Circular Data" (CPython's algorithm)."""
    if kappa <= 1e-6:
        return 2.0 * math.pi * next_double(PY)
    s = 0.5 / kappa
    r = s + math.sqrt(1.0 + s * s)
    while True:
        u1 = next_double(PY)
        z = math.cos(math.pi * u1)
        d = z / (r + z)
        u2 = next_double(PY)
        if u2 < 1.0 - d * d or u2 <= (1.0 - d) * math.exp(d):
            break
    q = 1.0 / r
    f = (q + z) / (1.0 + q * z)
    u3 = next_double(PY)
    if u3 > 0.5:
        return (mu + math.acos(f)) % (2.0 * math.pi)
    return (mu - math.acos(f)) % (2.0 * math.pi)


@_lib
def shuffle_with(x, which):
    """Fisher-Yates along the first axis, from the last element down (NumPy's
    and CPython's order); rows of n-D arrays are swapped through copies."""
    i = x.shape[0] - 1
    while i > 0:
        j = below(which, i + 1)
        if x.ndim == 1:
            t = x[i]
            x[i] = x[j]
            x[j] = t
        else:
            t = x[i].copy()
            x[i] = x[j]
            x[j] = t
        i -= 1


@implements(random.shuffle)
def shuffle(x):
    shuffle_with(x, PY)
