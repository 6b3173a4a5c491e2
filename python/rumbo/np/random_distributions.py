"""More np.random distributions in compiled code: gamma, standard_gamma,
beta, chisquare, f, standard_t, noncentral_chisquare, lognormal, laplace,
logistic, gumbel, pareto, power, weibull, rayleigh, wald, vonmises,
triangular, standard_cauchy, poisson, binomial, negative_binomial,
geometric, hypergeometric, logseries, zipf, multinomial, dirichlet.

They draw from the np.random generator of the calling thread (see
random.py) with Numba's algorithms, which are NumPy's legacy ones except
for gamma/standard_gamma (and so beta, chisquare, f, standard_t, dirichlet,
negative_binomial), which are CPython's gammavariate in Numba, and vonmises
(CPython's vonmisesvariate). So after the same seed, poisson, binomial,
geometric, laplace, logistic, gumbel, pareto, weibull, rayleigh, lognormal,
wald, standard_cauchy, power, hypergeometric and logseries follow
RandomState's stream.

Every function takes `size=None` (a scalar), an integer or a tuple of
integers (an array filled in C order). Integer results are int64."""

import math

import numpy as np

from ..decorators import njit
from ..extending import implements
from ..pyrandom import NP, _beta, _gamma, next_double, next_gauss

_lib = njit(boundscheck=False)


@_lib
def _new(size, dtype):
    """A new C array and its 1-D view."""
    out = np.empty(size, dtype)
    return out, out.reshape(out.size)


# ---------------------------------------------------------------------------
# gamma family (CPython's gammavariate, as Numba)
# ---------------------------------------------------------------------------

@implements(np.random.gamma)
def gamma(shape, scale=1.0, size=None):
    if size is None:
        return _gamma(float(shape), float(scale), NP)
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _gamma(float(shape), float(scale), NP)
    return out


@implements(np.random.standard_gamma)
def standard_gamma(shape, size=None):
    return gamma(shape, 1.0, size)


@implements(np.random.beta)
def beta(a, b, size=None):
    if size is None:
        return _beta(float(a), float(b), NP)
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _beta(float(a), float(b), NP)
    return out


@_lib
def _chisquare(df):
    return 2.0 * _gamma(df / 2.0, 1.0, NP)


@implements(np.random.chisquare)
def chisquare(df, size=None):
    if size is None:
        return _chisquare(float(df))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _chisquare(float(df))
    return out


@_lib
def _f(dfnum, dfden):
    return (_chisquare(dfnum) * dfden) / (_chisquare(dfden) * dfnum)


@implements(np.random.f)
def f(dfnum, dfden, size=None):
    if size is None:
        return _f(float(dfnum), float(dfden))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _f(float(dfnum), float(dfden))
    return out


@_lib
def _standard_t(df):
    n = next_gauss(NP)
    g = _gamma(df / 2.0, 1.0, NP)
    return math.sqrt(df / 2.0) * n / math.sqrt(g)


@implements(np.random.standard_t)
def standard_t(df, size=None):
    if size is None:
        return _standard_t(float(df))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _standard_t(float(df))
    return out


@_lib
def _noncentral_chisquare(df, nonc):
    if nonc != nonc:
        return math.nan
    if 1 < df:
        chi2 = _chisquare(df - 1)
        n = next_gauss(NP) + math.sqrt(nonc)
        return chi2 + n * n
    i = _poisson(nonc / 2.0)
    return _chisquare(df + 2 * i)


@implements(np.random.noncentral_chisquare)
def noncentral_chisquare(df, nonc, size=None):
    if df <= 0:
        raise ValueError("df <= 0")
    if nonc < 0:
        raise ValueError("nonc < 0")
    if size is None:
        return _noncentral_chisquare(float(df), float(nonc))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _noncentral_chisquare(float(df), float(nonc))
    return out


# ---------------------------------------------------------------------------
# continuous, from one or two doubles or normals
# ---------------------------------------------------------------------------

@implements(np.random.lognormal)
def lognormal(mean=0.0, sigma=1.0, size=None):
    m = float(mean)
    s = float(sigma)
    if size is None:
        return math.exp(m + s * next_gauss(NP))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = math.exp(m + s * next_gauss(NP))
    return out


@_lib
def _laplace(loc, scale):
    u = next_double(NP)
    if u < 0.5:
        return loc + scale * math.log(u + u)
    return loc - scale * math.log(2.0 - u - u)


@implements(np.random.laplace)
def laplace(loc=0.0, scale=1.0, size=None):
    if size is None:
        return _laplace(float(loc), float(scale))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _laplace(float(loc), float(scale))
    return out


@_lib
def _logistic(loc, scale):
    u = next_double(NP)
    return loc + scale * math.log(u / (1.0 - u))


@implements(np.random.logistic)
def logistic(loc=0.0, scale=1.0, size=None):
    if size is None:
        return _logistic(float(loc), float(scale))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _logistic(float(loc), float(scale))
    return out


@_lib
def _gumbel(loc, scale):
    u = 1.0 - next_double(NP)
    return loc - scale * math.log(-math.log(u))


@implements(np.random.gumbel)
def gumbel(loc=0.0, scale=1.0, size=None):
    if size is None:
        return _gumbel(float(loc), float(scale))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _gumbel(float(loc), float(scale))
    return out


@_lib
def _pareto(a):
    u = 1.0 - next_double(NP)
    return 1.0 / u ** (1.0 / a) - 1


@implements(np.random.pareto)
def pareto(a, size=None):
    if size is None:
        return _pareto(float(a))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _pareto(float(a))
    return out


@_lib
def _power(a):
    if a <= 0.0:
        raise ValueError("power(): a <= 0")
    e = -math.log(1.0 - next_double(NP))
    return math.pow(1 - math.exp(-e), 1.0 / a)


@implements(np.random.power)
def power(a, size=None):
    if size is None:
        return _power(float(a))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _power(float(a))
    return out


@_lib
def _weibull(a):
    u = 1.0 - next_double(NP)
    return (-math.log(u)) ** (1.0 / a)


@implements(np.random.weibull)
def weibull(a, size=None):
    if size is None:
        return _weibull(float(a))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _weibull(float(a))
    return out


@_lib
def _rayleigh(scale):
    if scale <= 0.0:
        raise ValueError("rayleigh(): scale <= 0")
    return scale * math.sqrt(-2.0 * math.log(1.0 - next_double(NP)))


@implements(np.random.rayleigh)
def rayleigh(scale=1.0, size=None):
    if size is None:
        return _rayleigh(float(scale))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _rayleigh(float(scale))
    return out


@_lib
def _wald(mean, scale):
    if mean <= 0.0:
        raise ValueError("wald(): mean <= 0")
    if scale <= 0.0:
        raise ValueError("wald(): scale <= 0")
    mu_2l = mean / (2.0 * scale)
    y = next_gauss(NP)
    y = mean * y * y
    x = mean + mu_2l * (y - math.sqrt(4 * scale * y + y * y))
    if next_double(NP) <= mean / (mean + x):
        return x
    return mean * mean / x


@implements(np.random.wald)
def wald(mean, scale, size=None):
    if size is None:
        return _wald(float(mean), float(scale))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _wald(float(mean), float(scale))
    return out


@_lib
def _vonmises(mu, kappa):
    """CPython's vonmisesvariate (Numba's np.random.vonmises)."""
    if kappa <= 1e-6:
        return 2.0 * math.pi * next_double(NP)
    s = 0.5 / kappa
    r = s + math.sqrt(1.0 + s * s)
    while True:
        u1 = next_double(NP)
        z = math.cos(math.pi * u1)
        d = z / (r + z)
        u2 = next_double(NP)
        if u2 < 1.0 - d * d or u2 <= (1.0 - d) * math.exp(d):
            break
    q = 1.0 / r
    f = (q + z) / (1.0 + q * z)
    if next_double(NP) > 0.5:
        return (mu + math.acos(f)) % (2.0 * math.pi)
    return (mu - math.acos(f)) % (2.0 * math.pi)


@implements(np.random.vonmises)
def vonmises(mu, kappa, size=None):
    if size is None:
        return _vonmises(float(mu), float(kappa))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _vonmises(float(mu), float(kappa))
    return out


@_lib
def _triangular(left, mode, right):
    if right == left:
        return left
    u = next_double(NP)
    c = (mode - left) / (right - left)
    lo = left
    hi = right
    if u > c:
        u = 1.0 - u
        c = 1.0 - c
        lo = right
        hi = left
    return lo + (hi - lo) * math.sqrt(u * c)


@implements(np.random.triangular)
def triangular(left, mode, right, size=None):
    if size is None:
        return _triangular(float(left), float(mode), float(right))
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = _triangular(float(left), float(mode), float(right))
    return out


@implements(np.random.standard_cauchy)
def standard_cauchy(size=None):
    if size is None:
        return next_gauss(NP) / next_gauss(NP)
    out, flat = _new(size, np.float64)
    for i in range(flat.shape[0]):
        flat[i] = next_gauss(NP) / next_gauss(NP)
    return out


# ---------------------------------------------------------------------------
# discrete
# ---------------------------------------------------------------------------

@_lib
def _loggam(x):
    """log(gamma(x)) for x > 0 as NumPy's random_loggam computes it."""
    a = (8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04,
         -5.952380952380952e-04, 8.417508417508418e-04, -1.917526917526918e-03,
         6.410256410256410e-03, -2.955065359477124e-02, 1.796443723688307e-01,
         -1.39243221690590e+00)
    if x == 1.0 or x == 2.0:
        return 0.0
    x0 = x
    n = 0
    if x <= 7.0:
        n = int(7 - x)
        x0 = x + n
    x2 = 1.0 / (x0 * x0)
    lg2pi = 1.8378770664093453
    gl0 = a[9]
    for k in range(8, -1, -1):
        gl0 = gl0 * x2 + a[k]
    gl = gl0 / x0 + 0.5 * lg2pi + (x0 - 0.5) * math.log(x0) - x0
    if x <= 7.0:
        for k in range(1, n + 1):
            gl -= math.log(x0 - 1.0)
            x0 -= 1.0
    return gl


@_lib
def _poisson(lam):
    """NumPy's legacy poisson: Knuth's multiplication method below 10,
    Hörmann's PTRS transformed rejection from 10 on."""
    if lam < 0.0:
        raise ValueError("lam < 0")
    if lam == 0.0:
        return 0
    if lam < 10.0:
        enlam = math.exp(-lam)
        x = 0
        prod = 1.0
        while True:
            prod *= next_double(NP)
            if prod <= enlam:
                return x
            x += 1
    slam = math.sqrt(lam)
    loglam = math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = next_double(NP) - 0.5
        v = next_double(NP)
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)) <= (-lam + k * loglam - _loggam(k + 1.0)):
            return k


@implements(np.random.poisson)
def poisson(lam=1.0, size=None):
    if size is None:
        return _poisson(float(lam))
    out, flat = _new(size, np.int64)
    for i in range(flat.shape[0]):
        flat[i] = _poisson(float(lam))
    return out


@_lib
def _btpe_squeeze(big_a, xm, m, n, y, r, q):
    """The Stirling squeeze of BTPE (case 52) with NumPy's legacy constants."""
    x1 = y + 1
    f1 = m + 1
    z = n + 1 - m
    w = n - y + 1
    x2 = x1 * x1
    f2 = f1 * f1
    z2 = z * z
    w2 = w * w
    return big_a > (
        xm * math.log(f1 / x1) + (n - m + 0.5) * math.log(z / w)
        + (y - m) * math.log(w * r / (x1 * q))
        + (13680. - (462. - (132. - (99. - 140. / f2) / f2) / f2) / f2) / f1 / 166320.
        + (13680. - (462. - (132. - (99. - 140. / z2) / z2) / z2) / z2) / z / 166320.
        + (13680. - (462. - (132. - (99. - 140. / x2) / x2) / x2) / x2) / x1 / 166320.
        + (13680. - (462. - (132. - (99. - 140. / w2) / w2) / w2) / w2) / w / 166320.)


@_lib
def _btpe(n, r):
    """NumPy's BTPE binomial sampler for n * min(p, 1 - p) > 30 (r = min(p, 1 - p))."""
    q = 1.0 - r
    fm = n * r + r
    m = int(math.floor(fm))
    p1 = math.floor(2.195 * math.sqrt(n * r * q) - 4.6 * q) + 0.5
    xm = m + 0.5
    xl = xm - p1
    xr = xm + p1
    c = 0.134 + 20.5 / (15.3 + m)
    a = (fm - xl) / (fm - xl * r)
    laml = a * (1.0 + a / 2.0)
    a = (xr - fm) / (xr * q)
    lamr = a * (1.0 + a / 2.0)
    p2 = p1 * (1.0 + 2.0 * c)
    p3 = p2 + c / laml
    p4 = p3 + c / lamr
    nrq = n * r * q
    while True:
        u = next_double(NP) * p4
        v = next_double(NP)
        if u <= p1:
            return int(math.floor(xm - p1 * v + u))
        if u <= p2:
            x = xl + (u - p1) / c
            v = v * c + 1.0 - abs(m - x + 0.5) / p1
            if v > 1.0:
                continue
            y = int(math.floor(x))
        elif u <= p3:
            y = int(math.floor(xl + math.log(v) / laml))
            if y < 0 or v == 0.0:
                continue
            v = v * (u - p2) * laml
        else:
            y = int(math.floor(xr - math.log(v) / lamr))
            if y > n or v == 0.0:
                continue
            v = v * (u - p3) * lamr
        k = abs(y - m)
        if k > 20 and k < nrq / 2.0 - 1:
            rho = (k / nrq) * ((k * (k / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5)
            t = -k * k / (2 * nrq)
            big_a = math.log(v)
            if big_a < t - rho:
                return y
            if big_a > t + rho:
                continue
            if _btpe_squeeze(big_a, xm, m, n, y, r, q):
                continue
            return y
        s = r / q
        a = s * (n + 1)
        big_f = 1.0
        if m < y:
            for i in range(m + 1, y + 1):
                big_f = big_f * (a / i - s)
        elif m > y:
            for i in range(y + 1, m + 1):
                big_f = big_f / (a / i - s)
        if v > big_f:
            continue
        return y


@_lib
def _binomial(n, p):
    """NumPy's binomial: BINV inversion for small means, BTPE for large ones."""
    if n < 0:
        raise ValueError("binomial(): n <= 0")
    if not (0.0 <= p and p <= 1.0):
        raise ValueError("binomial(): p outside of [0, 1]")
    if p == 0.0:
        return 0
    if p == 1.0:
        return n
    flipped = p > 0.5
    r = p
    if flipped:
        r = 1.0 - p
    q = 1.0 - r
    np_prod = n * r
    if np_prod > 30.0:
        x = _btpe(n, r)
        if flipped:
            return n - x
        return x
    niters = 1
    nn = n
    qn = q ** nn
    while qn <= 1e-308:
        # underflow: split into several rounds
        niters <<= 2
        nn >>= 2
        qn = q ** nn
    bound = min(nn, np_prod + 10.0 * math.sqrt(np_prod * q + 1))
    total = 0
    while niters > 0:
        x = 0
        u = next_double(NP)
        px = qn
        while x <= bound:
            if u <= px:
                if flipped:
                    total += nn - x
                else:
                    total += x
                niters -= 1
                break
            u -= px
            x += 1
            px = ((nn - x + 1) * r * px) / (x * q)
    return total


@implements(np.random.binomial)
def binomial(n, p, size=None):
    if size is None:
        return _binomial(int(n), float(p))
    out, flat = _new(size, np.int64)
    for i in range(flat.shape[0]):
        flat[i] = _binomial(int(n), float(p))
    return out


@_lib
def _negative_binomial(n, p):
    if n <= 0:
        raise ValueError("negative_binomial(): n <= 0")
    if p < 0.0 or p > 1.0:
        raise ValueError("negative_binomial(): p outside of [0, 1]")
    return _poisson(_gamma(n, (1.0 - p) / p, NP))


@implements(np.random.negative_binomial)
def negative_binomial(n, p, size=None):
    if size is None:
        return _negative_binomial(float(n), float(p))
    out, flat = _new(size, np.int64)
    for i in range(flat.shape[0]):
        flat[i] = _negative_binomial(float(n), float(p))
    return out


@_lib
def _geometric(p):
    if p <= 0.0 or p > 1.0:
        raise ValueError("geometric(): p outside of (0, 1]")
    q = 1.0 - p
    if p >= 0.333333333333333333333333:
        x = 1
        total = p
        prod = p
        u = next_double(NP)
        while u > total:
            prod *= q
            total += prod
            x += 1
        return x
    return int(math.ceil(math.log(1.0 - next_double(NP)) / math.log(q)))


@implements(np.random.geometric)
def geometric(p, size=None):
    if size is None:
        return _geometric(float(p))
    out, flat = _new(size, np.int64)
    for i in range(flat.shape[0]):
        flat[i] = _geometric(float(p))
    return out


@_lib
def _hypergeometric(ngood, nbad, nsample):
    d1 = nbad + ngood - nsample
    d2 = float(min(nbad, ngood))
    y = d2
    k = nsample
    while y > 0.0 and k > 0:
        y -= math.floor(next_double(NP) + y / (d1 + k))
        k -= 1
    z = int(d2 - y)
    if ngood > nbad:
        return nsample - z
    return z


@implements(np.random.hypergeometric)
def hypergeometric(ngood, nbad, nsample, size=None):
    if size is None:
        return _hypergeometric(int(ngood), int(nbad), int(nsample))
    out, flat = _new(size, np.int64)
    for i in range(flat.shape[0]):
        flat[i] = _hypergeometric(int(ngood), int(nbad), int(nsample))
    return out


@_lib
def _logseries(p):
    if p <= 0.0 or p > 1.0:
        raise ValueError("logseries(): p outside of (0, 1]")
    r = math.log(1.0 - p)
    v = next_double(NP)
    if v >= p:
        return 1
    u = next_double(NP)
    q = 1.0 - math.exp(r * u)
    if v <= q * q:
        return int(1.0 + math.log(v) / math.log(q))
    if v >= q:
        return 1
    return 2


@implements(np.random.logseries)
def logseries(p, size=None):
    if size is None:
        return _logseries(float(p))
    out, flat = _new(size, np.int64)
    for i in range(flat.shape[0]):
        flat[i] = _logseries(float(p))
    return out


@_lib
def _zipf(a):
    if a <= 1.0:
        raise ValueError("zipf(): a <= 1")
    am1 = a - 1.0
    b = 2.0 ** am1
    while True:
        u = 1.0 - next_double(NP)
        v = next_double(NP)
        xf = math.floor(u ** (-1.0 / am1))
        if xf > 9.223372036854775e18 or xf < 1.0:
            continue
        x = int(xf)
        t = (1.0 + 1.0 / x) ** am1
        if v * x * (t - 1.0) / (b - 1.0) <= t / b:
            return x


@implements(np.random.zipf)
def zipf(a, size=None):
    if size is None:
        return _zipf(float(a))
    out, flat = _new(size, np.int64)
    for i in range(flat.shape[0]):
        flat[i] = _zipf(float(a))
    return out


# ---------------------------------------------------------------------------
# vector-valued: multinomial, dirichlet
# ---------------------------------------------------------------------------

@_lib
def _multinomial_fill(n, pvals, flat):
    """NumPy's multinomial: per group of len(pvals) counts, binomials of the
    remaining trials with the conditional probabilities."""
    plen = len(pvals)
    for i in range(0, flat.shape[0], plen):
        for j in range(plen):
            flat[i + j] = 0
        p_sum = 1.0
        left = n
        for j in range(plen - 1):
            p_j = pvals[j]
            n_j = _binomial(left, p_j / p_sum)
            flat[i + j] = n_j
            left -= n_j
            if left <= 0:
                break
            p_sum -= p_j
        if left > 0:
            flat[i + plen - 1] = left


@implements(np.random.multinomial)
def multinomial(n, pvals, size=None):
    """Counts of n trials over len(pvals) outcomes, shape size + (len(pvals),)."""
    k = len(pvals)
    if size is None:
        out = np.empty(k, np.int64)
    elif isinstance(size, tuple):
        out = np.empty(size + (k,), np.int64)
    else:
        out = np.empty((size, k), np.int64)
    _multinomial_fill(n, pvals, out.reshape(out.size))
    return out


@_lib
def _dirichlet_fill(alpha, flat):
    for a in alpha:
        if a <= 0:
            raise ValueError("dirichlet: alpha must be > 0.0")
    k = len(alpha)
    for i in range(0, flat.shape[0], k):
        norm = 0.0
        for j in range(k):
            g = _gamma(float(alpha[j]), 1.0, NP)
            flat[i + j] = g
            norm += g
        for j in range(k):
            flat[i + j] /= norm


@implements(np.random.dirichlet)
def dirichlet(alpha, size=None):
    """Points of the simplex, shape size + (len(alpha),)."""
    k = len(alpha)
    if size is None:
        out = np.empty(k, np.float64)
    elif isinstance(size, tuple):
        out = np.empty(size + (k,), np.float64)
    else:
        out = np.empty((size, k), np.float64)
    _dirichlet_fill(alpha, out.reshape(out.size))
    return out
