"""N-body: direct O(n^2) gravitational forces with softening, symplectic Euler steps."""

import math

import numpy as np

from _backend import njit

TITLE = "n-body (all pairs, symplectic Euler)"
RTOL = 1e-8  # NumPy sums the forces in another order; the error grows with the steps
ATOL = 1e-12
EPS = 1e-3


@njit
def nbody(pos0, vel0, mass, dt, steps):
    pos = pos0.copy()
    vel = vel0.copy()
    n = pos.shape[0]
    acc = np.zeros((n, 3))
    for step in range(steps):
        acc[:, :] = 0.0
        for i in range(n):
            for j in range(i + 1, n):
                dx = pos[j, 0] - pos[i, 0]
                dy = pos[j, 1] - pos[i, 1]
                dz = pos[j, 2] - pos[i, 2]
                d2 = dx * dx + dy * dy + dz * dz + 1e-3
                inv = 1.0 / (d2 * math.sqrt(d2))
                acc[i, 0] += mass[j] * dx * inv
                acc[i, 1] += mass[j] * dy * inv
                acc[i, 2] += mass[j] * dz * inv
                acc[j, 0] -= mass[i] * dx * inv
                acc[j, 1] -= mass[i] * dy * inv
                acc[j, 2] -= mass[i] * dz * inv
        for i in range(n):
            for k in range(3):
                vel[i, k] += dt * acc[i, k]
                pos[i, k] += dt * vel[i, k]
    return pos, vel


kernel = nbody


def numpy_version(pos0, vel0, mass, dt, steps):
    pos = pos0.copy()
    vel = vel0.copy()
    for _ in range(steps):
        d = pos[np.newaxis, :, :] - pos[:, np.newaxis, :]  # d[i, j] = pos[j] - pos[i]
        d2 = (d * d).sum(axis=2) + EPS
        inv = 1.0 / (d2 * np.sqrt(d2))
        np.fill_diagonal(inv, 0.0)
        acc = (d * (inv * mass[np.newaxis, :])[:, :, np.newaxis]).sum(axis=1)
        vel += dt * acc
        pos += dt * vel
    return pos, vel


def inputs(scale):
    n = 64
    steps = max(1, round(100 * scale))
    rng = np.random.default_rng(1)
    pos = rng.standard_normal((n, 3))
    vel = 0.1 * rng.standard_normal((n, 3))
    mass = rng.uniform(0.5, 1.5, n) / n
    return (pos, vel, mass, 1e-3, steps), f"{n} bodies × {steps} steps"
