"""Dense linear algebra without LAPACK: np.linalg.solve, np.linalg.inv,
np.linalg.det, np.linalg.slogdet and np.linalg.matrix_power.

Plain Python compiled by rumbo: an LU factorization with partial pivoting
(LAPACK's getrf: the largest |pivot| in the column, the first on ties),
computed in float64 (complex128 for complex input) whatever the input's
type, then stored in NumPy's result type: float64 for integers, float32 when
every input is float32, complex64/complex128 for complex input. A zero pivot
raises numpy.linalg.LinAlgError("Singular matrix") in solve and inv (det is
then 0). Matrices are 2-D (NumPy's stacks of matrices are not supported);
inputs may have any layout. Accuracy is LAPACK's on well-conditioned
matrices (the same algorithm, without blocking)."""

import numpy as np

from ..extending import implements, register_jitable

LinAlgError = np.linalg.LinAlgError

# the O(n**3) loops index only in range: no bounds checks
_kernel = register_jitable(boundscheck=False)


@register_jitable
def _not_a_matrix(a):
    if a.ndim == 1:
        raise LinAlgError("1-dimensional array given. Array must be at least two-dimensional")
    if a.ndim == 0:
        raise LinAlgError("0-dimensional array given. Array must be at least two-dimensional")
    raise NotImplementedError("rumbo: np.linalg supports 2-D matrices (not stacks of matrices)")


@register_jitable
def _check_square(a):
    if a.shape[0] != a.shape[1]:
        raise LinAlgError("Last 2 dimensions of the array must be square")


@register_jitable
def _work_copy(a, cplx):
    """a as a new C-contiguous float64 (complex128 when cplx is True; None:
    real, a compile-time choice) matrix."""
    if cplx is None:
        out = np.empty(a.shape, np.float64)
    else:
        out = np.empty(a.shape, np.complex128)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] = a[i, j]
    return out


@_kernel
def _lu(lu, perm):
    """Factors the n x n work matrix in place (L below the diagonal, unit
    diagonal implied; U on and above it), row swaps recorded in perm.
    Returns (sign of the permutation, True when a pivot is zero)."""
    n = lu.shape[0]
    sign = 1
    for i in range(n):
        perm[i] = i
    for k in range(n):
        p = k
        m = abs(lu[k, k])
        for i in range(k + 1, n):
            v = abs(lu[i, k])
            if v > m:
                m = v
                p = i
        if m == 0:
            return sign, True
        if p != k:
            for j in range(n):
                t = lu[k, j]
                lu[k, j] = lu[p, j]
                lu[p, j] = t
            t2 = perm[k]
            perm[k] = perm[p]
            perm[p] = t2
            sign = -sign
        piv = lu[k, k]
        for i in range(k + 1, n):
            f = lu[i, k] / piv
            lu[i, k] = f
            if f != 0:
                for j in range(k + 1, n):
                    lu[i, j] -= f * lu[k, j]
    return sign, False


@_kernel
def _lu_solve(lu, perm, x):
    """Solves L U y = P x for the columns of the 2-D work array x, in place
    (x rows are first permuted by the caller)."""
    n = lu.shape[0]
    for c in range(x.shape[1]):
        for i in range(n):
            s = x[i, c]
            for j in range(i):
                s -= lu[i, j] * x[j, c]
            x[i, c] = s
        for i in range(n - 1, -1, -1):
            s = x[i, c]
            for j in range(i + 1, n):
                s -= lu[i, j] * x[j, c]
            x[i, c] = s / lu[i, i]


@register_jitable
def _result_zero2(a, b):
    """An empty array of NumPy's linalg result type for inputs a and b."""
    return np.empty(0, a.dtype) + np.empty(0, b.dtype) + 0.0


@register_jitable
def _cplx(r):
    """True (complex result) or None (real), decided by r's dtype at compile time."""
    if r.dtype == np.complex128 or r.dtype == np.complex64:
        return True
    return None


@register_jitable
def _solve(a, b):
    _check_square(a)
    n = a.shape[0]
    if b.ndim != 1 and b.ndim != 2:
        raise ValueError("rumbo: np.linalg.solve supports a 1-D or 2-D right-hand side")
    if b.shape[0] != n:
        raise ValueError("solve: Input operand 1 has a mismatch in its core dimension 0")
    r = _result_zero2(a, b)
    cplx = _cplx(r)
    lu = _work_copy(a, cplx)
    perm = np.empty(n, np.int64)
    sign, singular = _lu(lu, perm)
    if singular:
        raise LinAlgError("Singular matrix")
    if b.ndim == 1:
        x = _work_copy(b[:, None], cplx)
        for i in range(n):
            x[i, 0] = b[perm[i]]
        _lu_solve(lu, perm, x)
        out = np.empty(n, r.dtype)
        for i in range(n):
            out[i] = x[i, 0]
        return out
    x2 = _work_copy(b, cplx)
    for i in range(n):
        for j in range(b.shape[1]):
            x2[i, j] = b[perm[i], j]
    _lu_solve(lu, perm, x2)
    out2 = np.empty(b.shape, r.dtype)
    for i in range(n):
        for j in range(b.shape[1]):
            out2[i, j] = x2[i, j]
    return out2


@register_jitable
def _inv(a):
    _check_square(a)
    n = a.shape[0]
    r = _result_zero2(a, a)
    cplx = _cplx(r)
    lu = _work_copy(a, cplx)
    perm = np.empty(n, np.int64)
    sign, singular = _lu(lu, perm)
    if singular:
        raise LinAlgError("Singular matrix")
    x = _work_copy(a, cplx)
    for i in range(n):
        for j in range(n):
            x[i, j] = 1 if perm[i] == j else 0
    _lu_solve(lu, perm, x)
    out = np.empty((n, n), r.dtype)
    for i in range(n):
        for j in range(n):
            out[i, j] = x[i, j]
    return out


@register_jitable
def _det(a):
    _check_square(a)
    n = a.shape[0]
    r = _result_zero2(a, a)
    lu = _work_copy(a, _cplx(r))
    perm = np.empty(n, np.int64)
    sign, singular = _lu(lu, perm)
    d = _one_like(r) * sign
    if singular:
        return _store_as(d * 0, r)
    for i in range(n):
        d = d * lu[i, i]
    return _store_as(d, r)


@register_jitable
def _one_like(r):
    """1 in the work type of the result array r (float64 or complex128)."""
    if r.dtype == np.complex128 or r.dtype == np.complex64:
        return 1 + 0j
    return 1.0


@register_jitable
def _store_as(x, r):
    """The scalar x converted to r's dtype (np.empty(1) of that dtype, stored, read)."""
    t = np.empty(1, r.dtype)
    t[0] = x
    return t[0]


@register_jitable
def _slogdet(a):
    """(sign, log|det|): sign 0 and -inf log for a singular matrix."""
    _check_square(a)
    n = a.shape[0]
    r = _result_zero2(a, a)
    lu = _work_copy(a, _cplx(r))
    perm = np.empty(n, np.int64)
    sign, singular = _lu(lu, perm)
    s = _one_like(r) * sign
    logdet = 0.0
    if singular:
        return _store_as(s * 0, r), _store_as(-np.inf, _real_zero(r))
    for i in range(n):
        v = lu[i, i]
        m = abs(v)
        s = s * (v / m)
        logdet += np.log(m)
    return _store_as(s, r), _store_as(logdet, _real_zero(r))


@register_jitable
def _real_zero(r):
    """An empty array of the real type of r's dtype."""
    if r.dtype == np.complex64:
        return np.empty(0, np.float32)
    if r.dtype == np.complex128:
        return np.empty(0, np.float64)
    return r


@_kernel
def _matmul(x, y):
    n = x.shape[0]
    out = np.zeros((n, n), x.dtype)
    for i in range(n):
        for k in range(n):
            v = x[i, k]
            if v != 0:
                for j in range(n):
                    out[i, j] += v * y[k, j]
    return out


@register_jitable
def _power(a, p):
    """a ** p for p >= 1 by repeated squaring, in a's dtype."""
    n = a.shape[0]
    base = np.empty((n, n), a.dtype)
    for i in range(n):
        for j in range(n):
            base[i, j] = a[i, j]
    result = base
    first = True
    while p > 0:
        if p & 1:
            if first:
                result = base
                first = False
            else:
                result = _matmul(result, base)
        p >>= 1
        if p > 0:
            base = _matmul(base, base)
    return result


@register_jitable
def _matrix_power(a, n):
    """a to the integer power n in a's dtype (the identity for 0; inv(a) **
    -n for n < 0, as NumPy, for float and complex matrices only: for integer
    matrices NumPy's result type would depend on n's value)."""
    _check_square(a)
    if n < 0:
        if a.dtype == np.float64 or a.dtype == np.float32 or a.dtype == np.complex128 or a.dtype == np.complex64:
            return _power(_inv(a), -n)
        # (the result type would depend on n's value)
        raise NotImplementedError("rumbo: np.linalg.matrix_power of an integer matrix with a negative power")
    if n == 0:
        e = np.zeros(a.shape, a.dtype)
        for i in range(a.shape[0]):
            e[i, i] = 1
        return e
    return _power(a, n)


# The public functions type their body only for 2-D matrices (branches on
# a.ndim are decided at compile time), so other arrays get NumPy's error.

@implements(np.linalg.solve)
def solve(a, b):
    if a.ndim == 2:
        return _solve(a, b)
    _not_a_matrix(a)


@implements(np.linalg.inv)
def inv(a):
    if a.ndim == 2:
        return _inv(a)
    _not_a_matrix(a)


@implements(np.linalg.det)
def det(a):
    if a.ndim == 2:
        return _det(a)
    _not_a_matrix(a)


@implements(np.linalg.slogdet)
def slogdet(a):
    if a.ndim == 2:
        return _slogdet(a)
    _not_a_matrix(a)


@implements(np.linalg.matrix_power)
def matrix_power(a, n):
    if a.ndim == 2:
        return _matrix_power(a, n)
    _not_a_matrix(a)
