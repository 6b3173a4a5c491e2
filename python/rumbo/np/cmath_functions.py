"""The `cmath` module in compiled code, on the complex math ufuncs (C99's complex
functions, as NumPy's). Arguments may be ints, floats or complex numbers. Departure:
at the poles and branch points (`cmath.log(0)`, `cmath.atanh(1)`) the IEEE result is
returned (infinite parts), where CPython raises ValueError."""

import cmath
import math

import numpy as np

from ..extending import implements


@implements(cmath.exp)
def exp(z):
    return np.exp(complex(z))


@implements(cmath.log)
def log(z, base=None):
    if base is None:
        return np.log(complex(z))
    return np.log(complex(z)) / np.log(complex(base))


@implements(cmath.log10)
def log10(z):
    return np.log(complex(z)) / 2.302585092994046


@implements(cmath.sqrt)
def sqrt(z):
    return np.sqrt(complex(z))


@implements(cmath.sin)
def sin(z):
    return np.sin(complex(z))


@implements(cmath.cos)
def cos(z):
    return np.cos(complex(z))


@implements(cmath.tan)
def tan(z):
    return np.tan(complex(z))


@implements(cmath.asin)
def asin(z):
    return np.arcsin(complex(z))


@implements(cmath.acos)
def acos(z):
    return np.arccos(complex(z))


@implements(cmath.atan)
def atan(z):
    return np.arctan(complex(z))


@implements(cmath.sinh)
def sinh(z):
    return np.sinh(complex(z))


@implements(cmath.cosh)
def cosh(z):
    return np.cosh(complex(z))


@implements(cmath.tanh)
def tanh(z):
    return np.tanh(complex(z))


@implements(cmath.asinh)
def asinh(z):
    return np.arcsinh(complex(z))


@implements(cmath.acosh)
def acosh(z):
    return np.arccosh(complex(z))


@implements(cmath.atanh)
def atanh(z):
    return np.arctanh(complex(z))


@implements(cmath.phase)
def phase(z):
    w = complex(z)
    return math.atan2(w.imag, w.real)


@implements(cmath.polar)
def polar(z):
    w = complex(z)
    return abs(w), math.atan2(w.imag, w.real)


@implements(cmath.rect)
def rect(r, phi):
    return complex(r * math.cos(phi), r * math.sin(phi))


@implements(cmath.isnan)
def isnan(z):
    w = complex(z)
    return math.isnan(w.real) or math.isnan(w.imag)


@implements(cmath.isinf)
def isinf(z):
    w = complex(z)
    return math.isinf(w.real) or math.isinf(w.imag)


@implements(cmath.isfinite)
def isfinite(z):
    w = complex(z)
    return math.isfinite(w.real) and math.isfinite(w.imag)


@implements(np.real)
def real(z):
    """np.real of an array (a view, as a.real) or of a number."""
    if isinstance(z, np.ndarray):
        return z.real
    return complex(z).real


@implements(np.imag)
def imag(z):
    """np.imag of an array (as a.imag) or of a number."""
    if isinstance(z, np.ndarray):
        return z.imag
    return complex(z).imag


@implements(np.angle)
def angle(z, deg=False):
    """np.angle of an array or a number: atan2(imag, real), in degrees with deg=True."""
    out = np.arctan2(np.imag(z), np.real(z))
    if deg:
        return out * (180.0 / np.pi)
    return out
