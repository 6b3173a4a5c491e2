"""Mandelbrot set escape counts, with complex numbers."""

import numpy as np

from _backend import njit, prange

TITLE = "Mandelbrot (complex arithmetic)"


@njit
def mandel(c, max_iter):
    z = 0j
    for i in range(max_iter):
        z = z * z + c
        if z.real * z.real + z.imag * z.imag >= 4.0:
            return i
    return max_iter


@njit
def mandelbrot(xs, ys, max_iter):
    img = np.empty((ys.shape[0], xs.shape[0]), dtype=np.int64)
    for y in range(ys.shape[0]):
        for x in range(xs.shape[0]):
            img[y, x] = mandel(complex(xs[x], ys[y]), max_iter)
    return img


kernel = mandelbrot


@njit(parallel=True)
def mandelbrot_parallel(xs, ys, max_iter):
    img = np.empty((ys.shape[0], xs.shape[0]), dtype=np.int64)
    for y in prange(ys.shape[0]):
        for x in range(xs.shape[0]):
            img[y, x] = mandel(complex(xs[x], ys[y]), max_iter)
    return img


kernel_parallel = mandelbrot_parallel


def numpy_version(xs, ys, max_iter):
    c = xs[np.newaxis, :] + 1j * ys[:, np.newaxis]
    z = np.zeros_like(c)
    img = np.full(c.shape, max_iter, dtype=np.int64)
    alive = np.ones(c.shape, dtype=bool)
    for i in range(max_iter):
        z[alive] = z[alive] * z[alive] + c[alive]
        escaped = alive & (z.real * z.real + z.imag * z.imag >= 4.0)
        img[escaped] = i
        alive &= ~escaped
    return img


def inputs(scale):
    w = max(8, round(320 * scale ** 0.5))
    h = max(6, round(240 * scale ** 0.5))
    xs = np.linspace(-2.2, 0.8, w)
    ys = np.linspace(-1.2, 1.2, h)
    return (xs, ys, 200), f"{w}×{h} pixels, ≤200 iterations"
