"""Random numbers in compiled code: np.random and the `random` module.

Written against Numba's public API and validated on Numba 0.68
(``RUMBO_TEST_BACKEND=numba``); by default it runs against rumbo.

What Numba does, and these tests check:

- compiled code has its own MT19937 generators, one per thread, apart from
  NumPy's and Python's global ones; ``np.random.seed(n)`` inside compiled code
  seeds the calling thread's generator, and from then on the streams equal
  NumPy's legacy ``np.random.RandomState(n)`` element for element (random,
  rand, randn, normal, uniform, randint, exponential, choice, shuffle,
  permutation, with and without ``size=``);
- the ``random`` module has a generator of its own: ``random.seed(n)`` seeds
  it like NumPy's legacy seeding (not CPython's ``init_by_array``), so
  ``random.random()`` gives RandomState(n)'s doubles, while randrange/randint/
  getrandbits/shuffle take the *top* bits of 32-bit draws as CPython does;
- unseeded generators start from OS entropy, per thread, and again in a
  forked child.

The raw 32-bit stream of a seed is ``RandomState(seed).randint(0, 2**32,
dtype=np.uint64)`` (NumPy draws one 32-bit word per value for that range).

Numba departures (strict xfails under Numba): randint over a range wider
than 2**63 (Numba's ``high - low`` overflows and it raises), ValueError for
a negative ``scale`` (NumPy's check; Numba returns a value), randrange with
step 0 (CPython's ValueError; Numba returns ``start``), and randint with
``size=`` but no ``high`` (Numba has no such overload).
"""

import math
import os
import random
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import BACKEND_NAME, backend, errors, njit

prange = backend.prange


def numba_departure(reason, **kw):
    return pytest.mark.numba_departure(reason, **kw)


def raw_u32(seed, n):
    """The first n 32-bit outputs of MT19937 seeded like RandomState(seed)."""
    return [int(v) for v in np.random.RandomState(seed).randint(0, 2**32, size=n, dtype=np.uint64)]


def cpython_below(words, n):
    """CPython's _randbelow(n) on an iterator of 32-bit words."""
    k = n.bit_length()
    while True:
        if k <= 32:
            r = next(words) >> (32 - k)
        else:
            lo = next(words)
            r = ((next(words) >> (64 - k)) << 32) | lo
        if r < n:
            return r


def assert_same(got, expected):
    """Exact equality of scalars or arrays, dtype kind and shape included."""
    if isinstance(expected, np.ndarray):
        assert isinstance(got, np.ndarray), f"expected an array, got {got!r}"
        assert got.shape == expected.shape
        assert got.dtype.kind == expected.dtype.kind, (got.dtype, expected.dtype)
        np.testing.assert_array_equal(got, expected)
    else:
        assert got == expected, f"{got!r} != {expected!r}"


# ==========================================================================
# Seeded np.random equals NumPy's RandomState


@njit
def seeded_random(seed):
    np.random.seed(seed)
    return np.random.random(), np.random.random_sample(), np.random.sample(), np.random.ranf()


@pytest.mark.parametrize("seed", [0, 1, 42, 12345, 2**32 - 1])
def test_random_equals_random_state(seed):
    rs = np.random.RandomState(seed)
    assert seeded_random(seed) == tuple(rs.random_sample() for _ in range(4))


def test_random_sample_is_the_reference_double():
    # (a >> 5) * 2**26 + (b >> 6), over 2**53, from the raw stream
    a, b = raw_u32(7, 2)
    expected = ((a >> 5) * 67108864.0 + (b >> 6)) / 9007199254740992.0
    assert seeded_random(7)[0] == expected


@njit
def seeded_random_sizes(seed):
    np.random.seed(seed)
    return np.random.random(5), np.random.random((2, 3)), np.random.random_sample(size=(2, 2, 2))


def test_random_with_size():
    rs = np.random.RandomState(3)
    got = seeded_random_sizes(3)
    for g, e in zip(got, (rs.random_sample(5), rs.random_sample((2, 3)), rs.random_sample((2, 2, 2)))):
        assert_same(g, e)


@njit
def zero_d_sizes(seed):
    np.random.seed(seed)
    return np.random.random(size=()), np.random.randint(0, 10, ()), np.random.normal(0.0, 1.0, ())


def test_size_empty_tuple_gives_0d_arrays():
    rs = np.random.RandomState(1)
    expected = (np.asarray(rs.random_sample(())), np.asarray(rs.randint(0, 10, ())), np.asarray(rs.normal(0.0, 1.0, ())))
    for g, e in zip(zero_d_sizes(1), expected):
        assert_same(g, e)


@njit
def seeded_rand(seed):
    np.random.seed(seed)
    return np.random.rand(), np.random.rand(3), np.random.rand(2, 3), np.random.rand(2, 1, 3)


def test_rand_shapes():
    rs = np.random.RandomState(11)
    got = seeded_rand(11)
    assert got[0] == rs.rand()
    for g, e in zip(got[1:], (rs.rand(3), rs.rand(2, 3), rs.rand(2, 1, 3))):
        assert_same(g, e)


@njit
def seeded_randn(seed):
    np.random.seed(seed)
    a = np.random.randn()
    b = np.random.randn(5)
    c = np.random.randn(3, 2)
    d = np.random.standard_normal()
    e = np.random.standard_normal(7)
    f = np.random.standard_normal((2, 2))
    return a, b, c, d, e, f


def test_randn_and_standard_normal():
    rs = np.random.RandomState(5)
    expected = (rs.randn(), rs.randn(5), rs.randn(3, 2), rs.standard_normal(), rs.standard_normal(7),
                rs.standard_normal((2, 2)))
    for g, e in zip(seeded_randn(5), expected):
        assert_same(g, e)


@njit
def gauss_cache(seed):
    # an odd number of normals leaves one cached; doubles come after it, and
    # the next normal is the cached one
    np.random.seed(seed)
    a = np.random.randn()
    u = np.random.random()
    b = np.random.randn()
    c = np.random.randn()
    return a, u, b, c


def test_cached_second_normal():
    rs = np.random.RandomState(9)
    assert gauss_cache(9) == (rs.randn(), rs.random_sample(), rs.randn(), rs.randn())


@njit
def reseed_drops_cached_normal(seed):
    np.random.seed(seed)
    a = np.random.randn()
    np.random.seed(seed)
    b = np.random.randn()
    return a, b


def test_seed_drops_the_cached_normal():
    a, b = reseed_drops_cached_normal(17)
    assert a == b == np.random.RandomState(17).randn()


@njit
def seeded_normal(seed):
    np.random.seed(seed)
    return (np.random.normal(), np.random.normal(2.0), np.random.normal(1.0, 3.0), np.random.normal(1, 2),
            np.random.normal(-1.0, 0.5, 6), np.random.normal(0.0, 2.0, (2, 3)), np.random.normal(0.0, 2.0, size=4))


def test_normal():
    rs = np.random.RandomState(21)
    expected = (rs.normal(), rs.normal(2.0), rs.normal(1.0, 3.0), rs.normal(1, 2), rs.normal(-1.0, 0.5, 6),
                rs.normal(0.0, 2.0, (2, 3)), rs.normal(0.0, 2.0, size=4))
    for g, e in zip(seeded_normal(21), expected):
        assert_same(g, e)


@njit
def seeded_uniform(seed):
    np.random.seed(seed)
    return (np.random.uniform(), np.random.uniform(-3.0, 5.0), np.random.uniform(1, 10),
            np.random.uniform(2.0, 4.0, 5), np.random.uniform(0.0, 1.0, (3, 2)))


def test_uniform():
    rs = np.random.RandomState(8)
    expected = (rs.uniform(), rs.uniform(-3.0, 5.0), rs.uniform(1, 10), rs.uniform(2.0, 4.0, 5),
                rs.uniform(0.0, 1.0, (3, 2)))
    for g, e in zip(seeded_uniform(8), expected):
        assert_same(g, e)


@njit
def seeded_exponential(seed):
    np.random.seed(seed)
    return (np.random.exponential(), np.random.exponential(2.5), np.random.exponential(0.5, 4),
            np.random.standard_exponential(), np.random.standard_exponential(3),
            np.random.exponential(1.0, (2, 2)))


def test_exponential():
    rs = np.random.RandomState(31)
    expected = (rs.exponential(), rs.exponential(2.5), rs.exponential(0.5, 4), rs.standard_exponential(),
                rs.standard_exponential(3), rs.exponential(1.0, (2, 2)))
    for g, e in zip(seeded_exponential(31), expected):
        assert_same(g, e)


@njit
def seeded_randint(seed, low, high, k):
    np.random.seed(seed)
    out = np.empty(k, np.int64)
    for i in range(k):
        out[i] = np.random.randint(low, high)
    return out


@pytest.mark.parametrize("low, high", [
    (0, 10), (-5, 5), (0, 1), (7, 8), (0, 2), (0, 3), (0, 1000), (-(2**31), 2**31),
    (0, 2**32), (0, 2**32 + 1), (0, 2**40), (-(2**61), 2**61), (100, 2**62),
])
def test_randint_masked_sampling(low, high):
    rs = np.random.RandomState(1234)
    expected = [rs.randint(low, high) for _ in range(50)]
    np.testing.assert_array_equal(seeded_randint(1234, low, high, 50), expected)


@given(st.integers(0, 2**32 - 1), st.integers(-(2**62), 2**62), st.integers(1, 2**62))
def test_randint_any_seed_and_width(seed, low, width):
    # every mask width, 32- and 64-bit draws, rejection rates up to one half
    high = low + width
    assume(high < 2**63)
    rs = np.random.RandomState(seed)
    expected = [rs.randint(low, high) for _ in range(8)]
    np.testing.assert_array_equal(seeded_randint(seed, low, high, 8), expected)


@given(st.integers(0, 2**32 - 1))
def test_any_seed_gives_random_states_doubles_and_normals(seed):
    rs = np.random.RandomState(seed)
    assert seeded_random(seed) == tuple(rs.random_sample() for _ in range(4))
    assert reseed_drops_cached_normal(seed)[0] == np.random.RandomState(seed).randn()


@njit
def randint_one_arg(seed):
    np.random.seed(seed)
    return np.random.randint(10), np.random.randint(1), np.random.randint(2**33)


def test_randint_one_argument():
    rs = np.random.RandomState(2)
    assert randint_one_arg(2) == (rs.randint(10), rs.randint(1), rs.randint(2**33))


@njit
def randint_sizes(seed):
    np.random.seed(seed)
    return np.random.randint(0, 100, 5), np.random.randint(-3, 3, (2, 3)), np.random.randint(0, 2**40, size=3)


def test_randint_with_size():
    rs = np.random.RandomState(4)
    expected = (rs.randint(0, 100, 5), rs.randint(-3, 3, (2, 3)), rs.randint(0, 2**40, size=3))
    for g, e in zip(randint_sizes(4), expected):
        assert_same(g, e)


@njit
def randint_size_without_high(seed):
    np.random.seed(seed)
    return np.random.randint(10, size=6)


@numba_departure("Numba's np.random.randint has no (low, size=) form")
def test_randint_size_without_high():
    assert_same(randint_size_without_high(6), np.random.RandomState(6).randint(10, size=6))


@numba_departure("Numba computes high - low in int64 and raises 'empty range' past 2**63")
def test_randint_full_int64_range():
    lo, hi = -(2**63), 2**63 - 1
    rs = np.random.RandomState(3)
    expected = [rs.randint(lo, hi) for _ in range(20)]
    np.testing.assert_array_equal(seeded_randint(3, lo, hi, 20), expected)


@njit
def seeded_choice(seed, a):
    np.random.seed(seed)
    return (np.random.choice(a), np.random.choice(a, 5), np.random.choice(a, (2, 3)),
            np.random.choice(a, 4, replace=False), np.random.choice(a, size=3, replace=True))


def test_choice_from_array():
    a = np.arange(10.0) * 1.5
    rs = np.random.RandomState(7)
    expected = (rs.choice(a), rs.choice(a, 5), rs.choice(a, (2, 3)), rs.choice(a, 4, replace=False),
                rs.choice(a, size=3, replace=True))
    got = seeded_choice(7, a)
    assert got[0] == expected[0]
    for g, e in zip(got[1:], expected[1:]):
        assert_same(g, e)


def test_choice_from_int():
    rs = np.random.RandomState(70)
    expected = (rs.choice(12), rs.choice(12, 5), rs.choice(12, (2, 3)), rs.choice(12, 4, replace=False),
                rs.choice(12, size=3, replace=True))
    got = seeded_choice(70, 12)
    assert got[0] == expected[0]
    for g, e in zip(got[1:], expected[1:]):
        assert_same(g, e)


def test_choice_of_an_int_array():
    a = np.array([3, 1, 4, 1, 5, 9, 2, 6], dtype=np.int32)
    rs = np.random.RandomState(71)
    expected = (rs.choice(a), rs.choice(a, 5), rs.choice(a, (2, 3)), rs.choice(a, 4, replace=False),
                rs.choice(a, size=3, replace=True))
    got = seeded_choice(71, a)
    assert got[0] == expected[0]
    for g, e in zip(got[1:], expected[1:]):
        assert g.dtype == np.int32
        assert_same(g, e)


@njit
def seeded_shuffle(seed, a):
    np.random.seed(seed)
    np.random.shuffle(a)


@pytest.mark.parametrize("n", [0, 1, 2, 10, 100])
def test_shuffle_1d(n):
    a = np.arange(n, dtype=np.float64)
    b = a.copy()
    seeded_shuffle(13, a)
    np.random.RandomState(13).shuffle(b)
    assert_same(a, b)


def test_shuffle_2d_rows():
    a = np.arange(24).reshape(6, 4)
    b = a.copy()
    seeded_shuffle(14, a)
    np.random.RandomState(14).shuffle(b)
    assert_same(a, b)


@njit
def seeded_permutation(seed, x):
    np.random.seed(seed)
    return np.random.permutation(x)


def test_permutation():
    assert_same(seeded_permutation(15, 10), np.random.RandomState(15).permutation(10))
    a = np.linspace(0.0, 1.0, 9)
    got = seeded_permutation(16, a)
    assert_same(got, np.random.RandomState(16).permutation(a))
    assert_same(a, np.linspace(0.0, 1.0, 9))  # the argument is not shuffled


@njit
def mixed_stream(seed):
    np.random.seed(seed)
    s = 0.0
    s += np.random.random()
    s += np.random.randint(0, 7)
    s += np.random.normal(1.0, 2.0)
    s += np.random.uniform(-1.0, 1.0)
    s += np.random.exponential(3.0)
    s += np.random.randn()
    return s, np.random.random()


def test_interleaved_calls_follow_one_stream():
    rs = np.random.RandomState(99)
    s = 0.0
    s += rs.random_sample()
    s += rs.randint(0, 7)
    s += rs.normal(1.0, 2.0)
    s += rs.uniform(-1.0, 1.0)
    s += rs.exponential(3.0)
    s += rs.randn()
    assert mixed_stream(99) == (s, rs.random_sample())


@njit
def seeded_distributions(seed):
    np.random.seed(seed)
    return (np.random.poisson(3.0, 100), np.random.poisson(50.0, 100), np.random.binomial(20, 0.3, 100),
            np.random.binomial(20, 0.8, 100), np.random.binomial(1000, 0.4, 100), np.random.geometric(0.5, 100),
            np.random.geometric(0.1, 100), np.random.laplace(1.0, 2.0, 100), np.random.logistic(1.0, 2.0, 100),
            np.random.gumbel(1.0, 2.0, 100), np.random.weibull(2.0, 100), np.random.lognormal(1.0, 0.5, 100),
            np.random.wald(1.0, 2.0, 100), np.random.standard_cauchy(100), np.random.power(2.0, 100),
            np.random.hypergeometric(10, 5, 6, 100), np.random.logseries(0.5, 100), np.random.zipf(2.0, 100),
            np.random.multinomial(20, np.array((0.2, 0.3, 0.5)), 30))


def test_distributions_follow_random_state():
    rs = np.random.RandomState(12)
    expected = (rs.poisson(3.0, 100), rs.poisson(50.0, 100), rs.binomial(20, 0.3, 100), rs.binomial(20, 0.8, 100),
                rs.binomial(1000, 0.4, 100), rs.geometric(0.5, 100), rs.geometric(0.1, 100),
                rs.laplace(1.0, 2.0, 100), rs.logistic(1.0, 2.0, 100), rs.gumbel(1.0, 2.0, 100), rs.weibull(2.0, 100),
                rs.lognormal(1.0, 0.5, 100), rs.wald(1.0, 2.0, 100), rs.standard_cauchy(100), rs.power(2.0, 100),
                rs.hypergeometric(10, 5, 6, 100), rs.logseries(0.5, 100), rs.zipf(2.0, 100),
                rs.multinomial(20, np.array((0.2, 0.3, 0.5)), 30))
    for g, e in zip(seeded_distributions(12), expected):
        assert_same(g, e)


@njit
def seeded_rounding_apart(seed):
    np.random.seed(seed)
    return np.random.pareto(3.0, 100), np.random.rayleigh(2.0, 100), np.random.triangular(0.0, 1.0, 3.0, 100)


def test_distributions_within_rounding_of_random_state():
    # the same draws, the formula rearranged (as in Numba): within a few ulps
    rs = np.random.RandomState(13)
    expected = (rs.pareto(3.0, 100), rs.rayleigh(2.0, 100), rs.triangular(0.0, 1.0, 3.0, 100))
    for g, e in zip(seeded_rounding_apart(13), expected):
        np.testing.assert_allclose(g, e, rtol=1e-13)


@njit
def scalar_distributions(seed):
    np.random.seed(seed)
    return (np.random.poisson(4.0), np.random.binomial(10, 0.5), np.random.geometric(0.3),
            np.random.laplace(), np.random.logistic(), np.random.gumbel(0.0, 1.0), np.random.rayleigh(),
            np.random.standard_cauchy(), np.random.zipf(3.0))


def test_scalar_distributions():
    rs = np.random.RandomState(14)
    expected = (rs.poisson(4.0), rs.binomial(10, 0.5), rs.geometric(0.3), rs.laplace(), rs.logistic(), rs.gumbel(0.0, 1.0),
                rs.rayleigh(), rs.standard_cauchy(), rs.zipf(3.0))
    got = scalar_distributions(14)
    assert got[:3] == expected[:3] and got[-1] == expected[-1]
    np.testing.assert_allclose(got[3:-1], expected[3:-1], rtol=1e-13)


@njit
def vector_distributions(n):
    m = np.random.multinomial(30, (0.1, 0.2, 0.7), n)
    d = np.random.dirichlet(np.array((1.0, 2.0, 3.0)), n)
    return m, d, np.random.dirichlet((2.0, 2.0))


@njit
def vector_distribution_shapes(seed):
    np.random.seed(seed)
    return np.random.multinomial(10, (0.5, 0.5), (2, 3)), np.random.dirichlet((1.0, 1.0, 1.0), (4, 2))


def test_multinomial_and_dirichlet_with_tuple_sizes():
    m, d = vector_distribution_shapes(3)
    assert m.shape == (2, 3, 2) and np.all(m.sum(axis=-1) == 10)
    assert d.shape == (4, 2, 3)
    np.testing.assert_allclose(d.sum(axis=-1), 1.0, rtol=1e-12)
    rs = np.random.RandomState(3)
    assert_same(m, rs.multinomial(10, (0.5, 0.5), (2, 3)))


def test_multinomial_and_dirichlet():
    m, d, d1 = vector_distributions(20_000)
    assert m.shape == (20_000, 3) and np.all(m.sum(axis=1) == 30)
    np.testing.assert_allclose(m.mean(axis=0), [3.0, 6.0, 21.0], rtol=0.03)
    assert d.shape == (20_000, 3)
    np.testing.assert_allclose(d.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(d.mean(axis=0), [1 / 6, 2 / 6, 3 / 6], rtol=0.03)
    assert d1.shape == (2,) and abs(d1.sum() - 1.0) < 1e-12


@njit
def numba_algorithm_moments(which, n):
    s = 0.0
    s2 = 0.0
    for i in range(n):
        if which == 0:
            x = np.random.chisquare(4.0)
        elif which == 1:
            x = np.random.f(5.0, 10.0)
        elif which == 2:
            x = np.random.standard_t(10.0)
        elif which == 3:
            x = np.random.standard_gamma(0.7)
        elif which == 4:
            x = np.random.vonmises(3.0, 4.0)
        elif which == 5:
            x = float(np.random.negative_binomial(5, 0.5))
        else:
            x = np.random.noncentral_chisquare(3.0, 2.0)
        s += x
        s2 += x * x
    mean = s / n
    return mean, s2 / n - mean * mean


@pytest.mark.parametrize("which, mean, var", [
    (0, 4.0, 8.0), (1, 10 / 8, 2 * 100 * 13 / (5 * 64 * 6)), (2, 0.0, 10 / 8), (3, 0.7, 0.7),
    (4, 3.0, None), (5, 5.0, 10.0), (6, 5.0, 2 * (3.0 + 4.0)),
])
def test_distribution_moments(which, mean, var):
    n = 200_000
    m, v = numba_algorithm_moments(which, n)
    sd = math.sqrt(var if var is not None else v)
    assert abs(m - mean) < 5 * sd / math.sqrt(n), (m, mean)
    if var is not None:
        assert abs(v - var) < 0.08 * var, (v, var)


@njit
def distribution_errors(which):
    if which == 0:
        return float(np.random.binomial(10, 1.5))
    if which == 1:
        return float(np.random.geometric(0.0))
    if which == 2:
        return float(np.random.poisson(-1.0))
    if which == 3:
        return float(np.random.zipf(1.0))
    return np.random.gamma(-1.0)


@pytest.mark.parametrize("which", range(5))
def test_distribution_domain_errors(which):
    with pytest.raises(ValueError):
        distribution_errors(which)


# ==========================================================================
# Compiled generators are apart from NumPy's and Python's global ones


@njit
def draw():
    return np.random.random()


@njit
def draw_seeded(seed):
    np.random.seed(seed)
    return np.random.random()


def test_seeding_numpy_outside_does_not_seed_compiled_code():
    np.random.seed(0)
    a = draw()
    np.random.seed(0)
    b = draw()
    assert a != b
    assert np.random.random() == np.random.RandomState(0).random_sample()


def test_seeding_inside_leaves_numpy_alone():
    np.random.seed(5)
    draw_seeded(123)
    assert np.random.random() == np.random.RandomState(5).random_sample()


@njit
def np_and_py_streams(seed):
    np.random.seed(seed)
    random.seed(seed + 1)
    return np.random.random(), random.random()


def test_np_random_and_random_module_have_separate_states():
    a, b = np_and_py_streams(42)
    assert a == np.random.RandomState(42).random_sample()
    assert b == np.random.RandomState(43).random_sample()


@njit
def deterministic_after_seed(seed, n):
    np.random.seed(seed)
    return np.random.random(n)


def test_same_seed_same_stream():
    assert_same(deterministic_after_seed(3, 20), deterministic_after_seed(3, 20))
    assert not np.array_equal(deterministic_after_seed(3, 20), deterministic_after_seed(4, 20))


# ==========================================================================
# Unseeded: distributions' moments


N_MOMENTS = 200_000


@njit
def moments(which, n, p1, p2):
    s = 0.0
    s2 = 0.0
    for i in range(n):
        if which == 0:
            x = np.random.random()
        elif which == 1:
            x = np.random.randn()
        elif which == 2:
            x = np.random.exponential(p1)
        elif which == 3:
            x = np.random.uniform(p1, p2)
        elif which == 4:
            x = np.random.normal(p1, p2)
        elif which == 5:
            x = float(np.random.randint(0, 10))
        elif which == 6:
            x = np.random.gamma(p1, p2)
        elif which == 7:
            x = np.random.beta(p1, p2)
        elif which == 8:
            x = float(np.random.poisson(p1))
        elif which == 9:
            x = np.random.lognormal(p1, p2)
        else:
            x = np.random.standard_exponential()
        s += x
        s2 += x * x
    mean = s / n
    return mean, s2 / n - mean * mean


@pytest.mark.parametrize("which, p1, p2, mean, var", [
    (0, 0.0, 0.0, 0.5, 1 / 12),
    (1, 0.0, 0.0, 0.0, 1.0),
    (2, 2.0, 0.0, 2.0, 4.0),
    (3, -1.0, 3.0, 1.0, 16 / 12),
    (4, 5.0, 2.0, 5.0, 4.0),
    (5, 0.0, 0.0, 4.5, 99 / 12),
    (6, 2.5, 2.0, 5.0, 10.0),
    (6, 0.5, 1.0, 0.5, 0.5),
    (7, 2.0, 3.0, 0.4, 6 / 150),
    (8, 4.0, 0.0, 4.0, 4.0),
    (8, 30.0, 0.0, 30.0, 30.0),
    (9, 0.0, 0.5, math.exp(0.125), (math.exp(0.25) - 1) * math.exp(0.25)),
    (10, 0.0, 0.0, 1.0, 1.0),
])
def test_moments(which, p1, p2, mean, var):
    m, v = moments(which, N_MOMENTS, p1, p2)
    sd = math.sqrt(var)
    # the sample mean is within 5 standard errors; the variance within 5%
    assert abs(m - mean) < 5 * sd / math.sqrt(N_MOMENTS), (m, mean)
    assert abs(v - var) < 0.05 * var, (v, var)


@njit
def randint_counts(n):
    c = np.zeros(6, np.int64)
    for i in range(n):
        c[np.random.randint(1, 7) - 1] += 1
    return c


def test_randint_covers_its_range_evenly():
    c = randint_counts(60_000)
    assert c.sum() == 60_000
    assert np.all(np.abs(c - 10_000) < 500), c


def test_unseeded_calls_differ():
    assert draw() != draw()


# ==========================================================================
# One generator per thread: prange loops


@njit(parallel=True)
def parallel_fill(n):
    out = np.empty(n)
    for i in prange(n):
        out[i] = np.random.random()
    return out


def test_prange_draws_in_range_and_distinct():
    out = parallel_fill(100_000)
    assert np.all((out >= 0.0) & (out < 1.0))
    # identical streams in two threads would repeat values
    assert np.unique(out).size == out.size
    assert abs(out.mean() - 0.5) < 0.01


@njit(parallel=True)
def parallel_seeded(n, seed):
    out = np.empty(n)
    for i in prange(n):
        np.random.seed(seed)
        out[i] = np.random.random()
    return out


def test_seed_in_prange_seeds_each_thread():
    out = parallel_seeded(1000, 42)
    assert np.all(out == np.random.RandomState(42).random_sample())


@njit(parallel=True)
def monte_carlo_pi(n):
    c = 0
    for i in prange(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            c += 1
    return 4.0 * c / n


def test_monte_carlo_pi():
    assert abs(monte_carlo_pi(1_000_000) - math.pi) < 0.01


@njit(parallel=True)
def parallel_arrays(n):
    s = 0.0
    for i in prange(n):
        s += np.random.standard_normal(10).sum() + np.random.randint(0, 3)
    return s


def test_prange_with_size_forms():
    # mean 10 * 0 + 1 per iteration
    assert abs(parallel_arrays(20_000) / 20_000 - 1.0) < 0.1


_script_dir = tempfile.mkdtemp(prefix="rumbo-test-random-")


def run_script(code):
    code = textwrap.dedent(code).replace("BACKEND", BACKEND_NAME)
    path = os.path.join(_script_dir, f"case_{abs(hash(code)):x}.py")
    with open(path, "w") as f:
        f.write(code)
    p = subprocess.run([sys.executable, path], capture_output=True, text=True, timeout=120, cwd=_script_dir)
    assert p.returncode == 0 and "OK" in p.stdout, (p.stdout[-2000:], p.stderr[-2000:])
    return p.stdout


def test_forked_child_draws_a_fresh_stream():
    run_script("""
        import os
        import numpy as np
        from BACKEND import njit

        @njit
        def draw():
            return np.random.random()

        draw()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.write(w, repr(draw()).encode())
            os._exit(0)
        os.waitpid(pid, 0)
        child = float(os.read(r, 100).decode())
        parent = draw()
        assert child != parent, (child, parent)
        print("OK")
    """)


def test_processes_start_from_entropy():
    code = """
        import numpy as np
        from BACKEND import njit

        @njit
        def draw():
            return np.random.random()

        print("OK", draw())
    """
    assert run_script(code) != run_script(code + "\n")


# ==========================================================================
# The random module


@njit
def py_seeded(seed):
    random.seed(seed)
    return random.random(), random.uniform(2.0, 5.0), random.uniform(1, 3), random.gauss(1.0, 2.0), \
        random.normalvariate(0.0, 1.0)


def test_random_module_doubles_and_normals():
    rs = np.random.RandomState(77)
    a = rs.random_sample()
    b = 2.0 + 3.0 * rs.random_sample()
    c = 1.0 + 2.0 * rs.random_sample()
    d = 1.0 + 2.0 * rs.standard_normal()
    e = rs.standard_normal()
    assert py_seeded(77) == (a, b, c, d, e)


@njit
def py_ints(seed, n):
    random.seed(seed)
    out = np.empty((n, 4), np.int64)
    for i in range(n):
        out[i, 0] = random.randint(1, 6)
        out[i, 1] = random.randrange(10)
        out[i, 2] = random.randrange(-20, 20, 3)
        out[i, 3] = random.randrange(2**40)
    return out


def test_random_module_integers_take_cpython_top_bits():
    words = iter(raw_u32(5, 1000))
    expected = []
    for _ in range(20):
        expected.append([
            1 + cpython_below(words, 6),
            cpython_below(words, 10),
            -20 + 3 * cpython_below(words, 14),
            cpython_below(words, 2**40),
        ])
    np.testing.assert_array_equal(py_ints(5, 20), np.array(expected))


@njit
def py_getrandbits(seed):
    random.seed(seed)
    return random.getrandbits(1), random.getrandbits(32), random.getrandbits(40), random.getrandbits(64)


def test_getrandbits():
    w = raw_u32(8, 6)
    expected = (w[0] >> 31, w[1], ((w[3] >> 24) << 32) | w[2], (w[5] << 32) | w[4])
    assert tuple(int(x) for x in py_getrandbits(8)) == expected


@njit
def py_shuffle(seed, a):
    random.seed(seed)
    random.shuffle(a)


def test_random_shuffle_of_an_array():
    a = np.arange(20)
    py_shuffle(6, a)
    words = iter(raw_u32(6, 200))
    b = list(range(20))
    for i in range(19, 0, -1):
        j = cpython_below(words, i + 1)
        b[i], b[j] = b[j], b[i]
    assert a.tolist() == b


@njit
def py_distributions(n, which):
    s = 0.0
    for i in range(n):
        if which == 0:
            s += random.expovariate(0.5)
        elif which == 1:
            s += random.gammavariate(3.0, 2.0)
        elif which == 2:
            s += random.betavariate(2.0, 2.0)
        elif which == 3:
            s += random.triangular(0.0, 6.0, 3.0)
        elif which == 4:
            s += random.lognormvariate(0.0, 0.25)
        elif which == 5:
            s += random.weibullvariate(1.0, 1.0)
        elif which == 6:
            s += random.paretovariate(3.0)
        else:
            s += random.vonmisesvariate(3.0, 4.0)
    return s / n


@pytest.mark.parametrize("which, mean", [
    (0, 2.0), (1, 6.0), (2, 0.5), (3, 3.0), (4, math.exp(0.03125)), (5, 1.0), (6, 1.5), (7, 3.0),
])
def test_random_module_distributions(which, mean):
    assert abs(py_distributions(100_000, which) - mean) < 0.03 * max(1.0, mean)


# ==========================================================================
# Errors


@njit
def randint2(low, high):
    return np.random.randint(low, high)


@njit
def randint1(high):
    return np.random.randint(high)


def test_randint_empty_range_raises():
    with pytest.raises(ValueError):
        randint2(5, 5)
    with pytest.raises(ValueError):
        randint2(5, 1)
    with pytest.raises(ValueError):
        randint1(0)


@njit
def choice_n(a, k):
    return np.random.choice(a, k, replace=False)


@njit
def choice1(a):
    return np.random.choice(a)


def test_choice_errors():
    with pytest.raises(ValueError):
        choice_n(np.arange(5.0), 6)
    with pytest.raises(ValueError):
        choice1(0)
    with pytest.raises(ValueError):
        choice1(np.empty(0))


@njit
def py_randint(a, b):
    return random.randint(a, b)


@njit
def py_randrange(a, b, c):
    return random.randrange(a, b, c)


def test_random_module_empty_ranges_raise():
    with pytest.raises(ValueError):
        py_randint(5, 4)
    with pytest.raises(ValueError):
        py_randrange(5, 5, 1)
    with pytest.raises(ValueError):
        py_randrange(0, 10, -1)
    assert 0 <= py_randrange(10, 0, -1) - 1 < 10


@numba_departure("Numba returns start for step 0; CPython raises ValueError")
def test_randrange_zero_step_raises():
    with pytest.raises(ValueError):
        py_randrange(0, 10, 0)


@njit
def getrandbits_of(k):
    return random.getrandbits(k)


def test_getrandbits_limits():
    with pytest.raises(OverflowError):
        getrandbits_of(65)


@njit
def seed_with(s):
    np.random.seed(s)


def test_seed_takes_an_integer():
    with pytest.raises(errors.TypingError):
        seed_with(1.5)


@njit
def normal_scale(s):
    return np.random.normal(0.0, s)


@njit
def exponential_scale(s):
    return np.random.exponential(s)


@numba_departure("NumPy raises ValueError for a negative scale; Numba returns a value")
def test_negative_scale_raises():
    with pytest.raises(ValueError):
        normal_scale(-1.0)
    with pytest.raises(ValueError):
        exponential_scale(-1.0)


# ==========================================================================
# Names: from-imports and module aliases resolve to the same implementations


from numpy.random import randint as np_randint  # noqa: E402
from random import random as py_random  # noqa: E402
import numpy.random as npr  # noqa: E402


@njit
def imported_names(seed):
    npr.seed(seed)
    return np_randint(0, 100), npr.random(), py_random() < 1.0


def test_imported_names():
    rs = np.random.RandomState(19)
    a, b, c = imported_names(19)
    assert (a, b, c) == (rs.randint(0, 100), rs.random_sample(), True)
