"""Sorting by hand: recursive quicksort (median-of-three, Hoare partition)
with insertion sort for short runs, on a copy of the array."""

import numpy as np

from _backend import njit

TITLE = "quicksort + insertion sort, by hand"


@njit
def insertion_sort(a, lo, hi):
    for i in range(lo + 1, hi + 1):
        v = a[i]
        j = i - 1
        while j >= lo and a[j] > v:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = v


@njit
def quicksort(a, lo, hi):
    while hi - lo > 16:
        mid = (lo + hi) // 2
        # median of three to a[mid]
        if a[mid] < a[lo]:
            a[lo], a[mid] = a[mid], a[lo]
        if a[hi] < a[mid]:
            a[hi], a[mid] = a[mid], a[hi]
            if a[mid] < a[lo]:
                a[lo], a[mid] = a[mid], a[lo]
        pivot = a[mid]
        i = lo
        j = hi
        while True:
            while a[i] < pivot:
                i += 1
            while a[j] > pivot:
                j -= 1
            if i >= j:
                break
            a[i], a[j] = a[j], a[i]
            i += 1
            j -= 1
        # recurse into the smaller half, loop on the larger
        if j - lo < hi - j:
            quicksort(a, lo, j)
            lo = j + 1
        else:
            quicksort(a, j + 1, hi)
            hi = j
    insertion_sort(a, lo, hi)


@njit
def sort_copy(x):
    a = x.copy()
    quicksort(a, 0, a.shape[0] - 1)
    return a


kernel = sort_copy


def numpy_version(x):
    return np.sort(x)


def inputs(scale):
    n = max(16, round(200_000 * scale))
    x = np.random.default_rng(9).standard_normal(n)
    return (x,), f"{n:,} float64"
