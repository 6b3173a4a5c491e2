"""Numba's `numba.core` namespace, for code that imports from it."""
