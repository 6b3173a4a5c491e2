"""Settings from the environment (RUMBO_* or Numba's NUMBA_* names), read at import."""

import os


def _env(name, default=None):
    for prefix in ("RUMBO_", "NUMBA_"):
        value = os.environ.get(prefix + name)
        if value is not None:
            return value
    return default


def _flag(name):
    return _env(name, "0").strip().lower() not in ("", "0", "false", "no", "off")


DISABLE_JIT = _flag("DISABLE_JIT")
OPT = int(_env("OPT", "3"))
