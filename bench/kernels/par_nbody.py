"""Issue 5: n-body, direct O(n^2) gravitational accelerations with softening
and symplectic Euler steps; the force loop is a prange over the bodies (each
body sums over all others: no write conflicts), parallel=True, and the same
function with parallel=False as the serial baseline; NumPy: broadcasting."""

import math

import numpy as np

from _backend import njit, prange

TITLE = "n-body, prange over bodies"
RTOL = 1e-9  # NumPy sums the forces in another order; the error grows with the steps
ATOL = 1e-12
EPS = 1e-3


def nbody(pos0, vel0, mass, dt, steps):
    pos = pos0.copy()
    vel = vel0.copy()
    n = pos.shape[0]
    acc = np.zeros((n, 3))
    for step in range(steps):
        for i in prange(n):
            ax = 0.0
            ay = 0.0
            az = 0.0
            for j in range(n):
                dx = pos[j, 0] - pos[i, 0]
                dy = pos[j, 1] - pos[i, 1]
                dz = pos[j, 2] - pos[i, 2]
                d2 = dx * dx + dy * dy + dz * dz + 1e-3
                inv = mass[j] / (d2 * math.sqrt(d2))
                if j != i:
                    ax += dx * inv
                    ay += dy * inv
                    az += dz * inv
            acc[i, 0] = ax
            acc[i, 1] = ay
            acc[i, 2] = az
        for i in prange(n):
            for k in range(3):
                vel[i, k] += dt * acc[i, k]
                pos[i, k] += dt * vel[i, k]
    return pos, vel


kernel = njit(nbody)
kernel_parallel = njit(parallel=True)(nbody)


def numpy_version(pos0, vel0, mass, dt, steps):
    pos = pos0.copy()
    vel = vel0.copy()
    for _ in range(steps):
        d = pos[np.newaxis, :, :] - pos[:, np.newaxis, :]  # d[i, j] = pos[j] - pos[i]
        d2 = (d * d).sum(axis=2) + EPS
        inv = mass[np.newaxis, :] / (d2 * np.sqrt(d2))
        np.fill_diagonal(inv, 0.0)
        acc = (d * inv[:, :, np.newaxis]).sum(axis=1)
        vel += dt * acc
        pos += dt * vel
    return pos, vel


def inputs(scale):
    n = 2000
    steps = max(1, round(4 * scale))
    rng = np.random.default_rng(1)
    pos = rng.standard_normal((n, 3))
    vel = 0.1 * rng.standard_normal((n, 3))
    mass = rng.uniform(0.5, 1.5, n) / n
    return (pos, vel, mass, 1e-3, steps), f"{n} bodies × {steps} steps"
