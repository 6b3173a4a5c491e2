"""The kernel suite (issue 7): classic numeric kernels, one module each.

Every module is written as Numba users write it, with `from _backend import
njit, prange` instead of `from numba import ...` (see bench/_backend.py), and
defines:

    TITLE                  one-line description for the table
    inputs(scale) -> (args, size)   deterministic inputs (seeded NumPy RNG) and
                           a short size description; work grows ~linearly with scale
    kernel                 the function the JITs compile (decorated with njit);
                           under the "python" backend it is the same code in CPython
    python_version         optional: the pure-Python version when `kernel` is
                           NumPy code (then `kernel` itself is the NumPy version)
    numpy_version          optional: the idiomatic NumPy version (None: not natural)
    kernel_parallel        optional: a prange/parallel=True variant
    result(ret, args)      optional: what is compared (default: ret)
    RTOL, ATOL             optional tolerances for floats (default 1e-10, 0)
    OUTPUT_ARGS            optional: indices of arguments the kernel writes by design
    NOTE                   optional: a note for the table

Results are compared before anything is timed: integers and booleans exactly,
floats with np.allclose(rtol=RTOL, atol=ATOL).
"""

KERNELS = [
    "fib", "nbody", "jacobi", "black_scholes", "mandelbrot", "pairwise",
    "ising", "growcut", "kmeans", "histogram", "prefix_sum", "quicksort",
    "expr_chain", "convolve", "matmul",
]
