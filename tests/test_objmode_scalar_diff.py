"""tests/test_scalar_diff.py with every function compiled in object mode:
results must equal CPython's (the tests that expect nopython's fixed-width
integers are expected failures here)."""

import pytest

from conftest import IS_NUMBA

if IS_NUMBA:
    pytest.skip("rumbo object mode corpus", allow_module_level=True)

from _objmode_corpus import load

WRAP = "Python ints do not wrap at 64 bits"
NUMPY = "NumPy scalars keep NumPy's own arithmetic (as CPython running the function)"
DEPARTURES = {
    "test_wraparound_explicit_values": WRAP,
    "test_left_shift_wraps": WRAP,
    "test_wraparound_add_sub_mul": WRAP,
    "test_wraparound_pow": WRAP,
    "test_wraparound_left_shift": WRAP,
    # test_wraparound_in_loop passes: the loop is lifted and runs in nopython
    # mode, with its fixed-width integers (as in Numba).
    "test_int8_arguments_promote_to_int64": NUMPY,
    "test_uint_small_widths_promote_to_uint64": NUMPY,
    "test_float32_arithmetic_stays_float32": NUMPY,
    "test_mixed_width_promotion_rules": NUMPY,
    "test_explicit_narrow_return_type_wraps": "signatures do not narrow object-mode values",
}

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

load("test_scalar_diff", globals(), DEPARTURES)
