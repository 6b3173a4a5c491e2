"""Plain-Python functions that bench_scalar compiles with each backend.

They live in a real file (not exec'd strings) so that both compilers can find
their source, exactly as they would for user code.  Scalars only: rumbo's
first milestone supports ints, floats and bools, no arrays or lists.
"""

import math


def one_line(x):
    return x + 1


def ident(x):
    return x


def loop(n, m, dx):
    # Escape-time grid (Mandelbrot-like) plus a Gaussian-weighted tally:
    # nested for/while loops, if/elif/else, math.sqrt/math.exp, accumulators.
    total = 0.0
    escaped = 0
    for i in range(n):
        cy = -1.5 + 3.0 * i / n
        for j in range(n):
            cx = -2.0 + 3.0 * j / n
            zx = 0.0
            zy = 0.0
            k = 0
            while k < m and zx * zx + zy * zy <= 4.0:
                t = zx * zx - zy * zy + cx
                zy = 2.0 * zx * zy + cy
                zx = t
                k += 1
            if k == m:
                r = math.sqrt(cx * cx + cy * cy)
                total += math.exp(-r * r) * dx
            else:
                escaped += 1
                total -= 1.0 / (k + 1)
    acc = 0
    i = 0
    while i < escaped:
        if i % 3 == 0:
            acc += i
        elif i % 3 == 1:
            acc -= 1
        i += 1
    return total + acc * 1e-6


# Arguments for the first call (small: the first call measures compilation).
LOOP_ARGS = (20, 50, 0.01)


# --- Functions with a typing error, for the error-message benchmark. --------
# Each is paired with the user source line the message should point at.


def err_str_plus_int(x):
    return "a" + x


def err_bad_attribute(x):
    y = x * 2
    return y.real_part


def err_wrong_arity(x):
    y = x + 1.0
    return math.sqrt(y, y)


def err_unify(x):
    if x > 0:
        y = 1
    else:
        y = "negative"
    return y


ERROR_CASES = {
    # name: (function name, argument, user source lines that count as
    #        "the user's line" -- the first of these quoted in the message)
    "str + int": ("err_str_plus_int", 1, ['return "a" + x']),
    "unknown attribute": ("err_bad_attribute", 1, ["return y.real_part"]),
    "wrong arity": ("err_wrong_arity", 1, ["return math.sqrt(y, y)"]),
    "int/str unification": ("err_unify", 1, ['y = "negative"', "y = 1", "return y"]),
}
