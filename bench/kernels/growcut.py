"""GrowCut cellular-automaton segmentation, one step (the kernel from the
Numba benchmark suite, unchanged: it writes into a caller-supplied array)."""

import math

import numpy as np

from _backend import njit

TITLE = "GrowCut segmentation step"
RTOL = 1e-12
numpy_version = None
OUTPUT_ARGS = (2,)  # state_next is written by the kernel


@njit
def growcut(image, state, state_next, window_radius):
    changes = 0
    sqrt_3 = math.sqrt(3.0)

    height = image.shape[0]
    width = image.shape[1]

    for j in range(width):
        for i in range(height):

            winning_colony = state[i, j, 0]
            defense_strength = state[i, j, 1]

            for jj in range(max(j - window_radius, 0),
                            min(j + window_radius + 1, width)):
                for ii in range(max(i - window_radius, 0),
                                min(i + window_radius + 1, height)):
                    if ii == i and jj == j:
                        continue

                    d = image[i, j, 0] - image[ii, jj, 0]
                    s = d * d
                    for k in range(1, 3):
                        d = image[i, j, k] - image[ii, jj, k]
                        s += d * d
                    gval = 1.0 - math.sqrt(s) / sqrt_3

                    attack_strength = gval * state[ii, jj, 1]

                    if attack_strength > defense_strength:
                        defense_strength = attack_strength
                        winning_colony = state[ii, jj, 0]
                        changes += 1

            state_next[i, j, 0] = winning_colony
            state_next[i, j, 1] = defense_strength

    return changes


kernel = growcut


def result(ret, args):
    return ret, args[2]  # the change count and the written state


def inputs(scale):
    n = max(8, round(220 * scale ** 0.5))
    rng = np.random.default_rng(5)
    image = rng.random((n, n, 3))
    state = np.zeros((n, n, 2))
    seeds = rng.integers(0, n, (n // 4, 2))
    state[seeds[:, 0], seeds[:, 1], 0] = rng.integers(1, 4, len(seeds))
    state[seeds[:, 0], seeds[:, 1], 1] = 1.0
    state_next = np.empty_like(state)
    return (image, state, state_next, 1), f"{n}×{n}×3 image, window radius 1"
