"""The functions bench_cache.py times: written into a temporary module with the backend's
`njit` (`from BACKEND import njit`), so Numba and rumbo compile the same text.

SOFTMAX is the seed softmax (examples/softmax.py's functions); LONG is one ~200-line
numeric function (statistics, a histogram, a stencil sweep, Newton iterations, a small
n-body step, polynomial evaluation, a prefix scan, a bubble pass): many blocks, loops and
math calls, so compilation takes long and loading from a cache matters."""

HEADER = """
import math
import numpy as np
from {backend} import njit
"""

SOFTMAX = """
@njit(cache=True)
def esum(z):
    return np.sum(np.exp(z))


@njit(cache=True)
def softmax(z):
    num = np.exp(z)
    s = num / esum(z)
    return s
"""

LONG = '''
@njit(cache=True)
def long_kernel(x, steps):
    n = x.shape[0]
    # 1. mean and variance, two passes
    total = 0.0
    for i in range(n):
        total += x[i]
    mean = total / n
    acc = 0.0
    for i in range(n):
        d = x[i] - mean
        acc += d * d
    var = acc / n
    std = math.sqrt(var)
    # 2. min, max and a histogram of 16 bins
    lo = x[0]
    hi = x[0]
    for i in range(1, n):
        v = x[i]
        if v < lo:
            lo = v
        if v > hi:
            hi = v
    bins = np.zeros(16)
    width = (hi - lo) / 16.0
    if width == 0.0:
        width = 1.0
    for i in range(n):
        k = int((x[i] - lo) / width)
        if k >= 16:
            k = 15
        if k < 0:
            k = 0
        bins[k] += 1.0
    mode = 0
    for k in range(16):
        if bins[k] > bins[mode]:
            mode = k
    # 3. a 1-D Jacobi stencil, `steps` sweeps
    u = np.empty(n)
    w = np.empty(n)
    for i in range(n):
        u[i] = x[i]
    for s in range(steps):
        w[0] = u[0]
        w[n - 1] = u[n - 1]
        for i in range(1, n - 1):
            w[i] = 0.25 * u[i - 1] + 0.5 * u[i] + 0.25 * u[i + 1]
        for i in range(n):
            u[i] = w[i]
    smooth = 0.0
    for i in range(n):
        smooth += abs(u[i] - x[i])
    # 4. Newton's method for the cube root of each |x| + 1
    roots = 0.0
    for i in range(n):
        a = abs(x[i]) + 1.0
        r = a
        it = 0
        while it < 50:
            f = r * r * r - a
            fp = 3.0 * r * r
            step = f / fp
            r -= step
            if abs(step) < 1e-12 * r:
                break
            it += 1
        roots += r
    # 5. polynomial evaluation (Horner) and its derivative
    c0 = 1.0
    c1 = -0.5
    c2 = 0.25
    c3 = -0.125
    c4 = 0.0625
    poly = 0.0
    dpoly = 0.0
    for i in range(n):
        t = x[i] / (1.0 + abs(x[i]))
        p = (((c4 * t + c3) * t + c2) * t + c1) * t + c0
        dp = ((4.0 * c4 * t + 3.0 * c3) * t + 2.0 * c2) * t + c1
        poly += p
        dpoly += dp
    # 6. a small n-body step on the first 32 values as positions
    m = 32
    if n < m:
        m = n
    px = np.empty(m)
    py = np.empty(m)
    vx = np.zeros(m)
    vy = np.zeros(m)
    for i in range(m):
        px[i] = math.cos(x[i]) * (i + 1)
        py[i] = math.sin(x[i]) * (i + 1)
    dt = 0.01
    for s in range(steps):
        for i in range(m):
            ax = 0.0
            ay = 0.0
            for j in range(m):
                if i != j:
                    dx = px[j] - px[i]
                    dy = py[j] - py[i]
                    r2 = dx * dx + dy * dy + 0.01
                    inv = 1.0 / (r2 * math.sqrt(r2))
                    ax += dx * inv
                    ay += dy * inv
            vx[i] += ax * dt
            vy[i] += ay * dt
        for i in range(m):
            px[i] += vx[i] * dt
            py[i] += vy[i] * dt
    energy = 0.0
    for i in range(m):
        energy += 0.5 * (vx[i] * vx[i] + vy[i] * vy[i])
    # 7. prefix sums and the largest running drawdown
    run = 0.0
    peak = 0.0
    drawdown = 0.0
    for i in range(n):
        run += x[i] - mean
        if run > peak:
            peak = run
        if peak - run > drawdown:
            drawdown = peak - run
    # 8. one bubble pass and a count of inversions among neighbours
    y = np.empty(n)
    for i in range(n):
        y[i] = x[i]
    swaps = 0
    for i in range(n - 1):
        if y[i] > y[i + 1]:
            tmp = y[i]
            y[i] = y[i + 1]
            y[i + 1] = tmp
            swaps += 1
    # 9. a logistic map per value, and a tanh/exp/log mix
    chaos = 0.0
    for i in range(n):
        z = 0.5 + 0.4 * math.sin(x[i])
        for k in range(20):
            z = 3.7 * z * (1.0 - z)
        chaos += z
    mix = 0.0
    for i in range(n):
        v = x[i]
        mix += math.tanh(v) + math.exp(-v * v) + math.log(1.0 + v * v)
    # 10. integer work: gcd of neighbours' scaled values, collatz lengths
    g = 0
    for i in range(n - 1):
        a = int(abs(x[i]) * 1000.0) + 1
        b = int(abs(x[i + 1]) * 1000.0) + 1
        while b != 0:
            a, b = b, a % b
        g += a
    collatz = 0
    for i in range(min(n, 64)):
        c = int(abs(x[i]) * 100.0) + 1
        while c != 1:
            if c % 2 == 0:
                c = c // 2
            else:
                c = 3 * c + 1
            collatz += 1
    # 11. autocovariance at lags 1..4, and a clipped, saturating accumulator
    cov = 0.0
    for lag in range(1, 5):
        c = 0.0
        for i in range(n - lag):
            c += (x[i] - mean) * (x[i + lag] - mean)
        cov += c / (n - lag)
    sat = 0.0
    for i in range(n):
        v = x[i] * 10.0
        if v > 5.0:
            v = 5.0
        elif v < -5.0:
            v = -5.0
        sat += v
        if sat > 100.0:
            sat = 100.0
        elif sat < -100.0:
            sat = -100.0
    # 12. Simpson's rule for the integral of exp(-t*t) over [lo, hi]
    parts = 64
    hstep = (hi - lo) / parts
    simpson = math.exp(-lo * lo) + math.exp(-hi * hi)
    for k in range(1, parts):
        t = lo + k * hstep
        if k % 2 == 1:
            simpson += 4.0 * math.exp(-t * t)
        else:
            simpson += 2.0 * math.exp(-t * t)
    simpson *= hstep / 3.0
    # 13. the result: everything combined
    out = cov + sat * 1e-3 + simpson
    out += mean + std + bins[mode] + smooth + roots / n + poly / n + dpoly / n
    out += energy + drawdown + swaps + chaos / n + mix / n
    out += (g % 1000) * 1e-3 + collatz * 1e-4 + mode * 1e-2 + lo + hi
    return out
'''

#: (label, source, call expression) per benchmark; `np` and `m` (the module) are in scope.
CASES = [
    ("seed softmax, 1000 floats", SOFTMAX, "float(m.softmax(np.linspace(-1.0, 1.0, 1000)).sum())"),
    ("~200-line numeric function", LONG, "float(m.long_kernel(np.linspace(-2.0, 3.0, 500), 3))"),
]
