"""A scalar example: the same function in Python and compiled, timed side by side."""

import math
import time

from rumbo import njit


def mandel_count(n, max_iter):
    inside = 0
    for i in range(n):
        cy = -1.5 + 3.0 * i / n
        for j in range(n):
            cx = -2.0 + 3.0 * j / n
            zx = zy = 0.0
            k = 0
            while k < max_iter and zx * zx + zy * zy <= 4.0:
                zx, zy = zx * zx - zy * zy + cx, 2.0 * zx * zy + cy
                k += 1
            inside += k == max_iter
    return inside, math.sqrt(inside)


fast = njit(mandel_count)

if __name__ == "__main__":
    t0 = time.perf_counter()
    expected = mandel_count(200, 100)
    t1 = time.perf_counter()
    got = fast(200, 100)
    t2 = time.perf_counter()
    got = fast(200, 100)
    t3 = time.perf_counter()
    assert got == expected, (got, expected)
    print(f"python   {t1 - t0:8.3f} s  -> {expected}")
    print(f"rumbo    {t3 - t2:8.3f} s  (first call with compilation {t2 - t1:.3f} s)")
    print(f"speed-up {(t1 - t0) / (t3 - t2):8.1f}x")
