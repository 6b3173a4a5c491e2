"""tests/test_scalar_language.py with every function compiled in object mode:
results must equal CPython's (the tests that expect nopython's fixed-width
integers are expected failures here)."""

import pytest

from conftest import IS_NUMBA

if IS_NUMBA:
    pytest.skip("rumbo object mode corpus", allow_module_level=True)

from _objmode_corpus import load

DEPARTURES = {
    "test_global_is_frozen_after_first_compilation": "globals are read at call time, as in CPython",
    "test_closure_variables_frozen": "closure cells are read at call time, as in CPython",
}

load("test_scalar_language", globals(), DEPARTURES)
