"""2-D Ising model, Metropolis Monte Carlo on a periodic lattice.

The random numbers (sites and acceptance draws) are generated outside with
NumPy and passed in: rumbo has no np.random yet, and identical draws make the
results of all backends comparable exactly."""

import math

import numpy as np

from _backend import njit

TITLE = "Ising Monte Carlo (Metropolis)"
NOTE = "random numbers pre-generated with NumPy and passed in (rumbo has no np.random yet)"
numpy_version = None  # single-spin Metropolis is sequential


@njit
def ising(spins0, sites_i, sites_j, rands, beta):
    spins = spins0.copy()
    n, m = spins.shape
    for k in range(sites_i.shape[0]):
        i = sites_i[k]
        j = sites_j[k]
        s = spins[i, j]
        nb = (spins[(i + 1) % n, j] + spins[(i - 1) % n, j]
              + spins[i, (j + 1) % m] + spins[i, (j - 1) % m])
        dE = 2.0 * s * nb
        if dE <= 0.0 or rands[k] < math.exp(-beta * dE):
            spins[i, j] = -s
    return spins


kernel = ising


def inputs(scale):
    n = 64
    flips = max(1, round(800_000 * scale))
    rng = np.random.default_rng(4)
    spins = rng.choice(np.array([-1, 1], dtype=np.int64), size=(n, n))
    sites_i = rng.integers(0, n, flips)
    sites_j = rng.integers(0, n, flips)
    rands = rng.random(flips)
    return (spins, sites_i, sites_j, rands, 0.44), f"{n}×{n} lattice, {flips:,} flips"
