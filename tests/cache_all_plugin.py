"""`pytest -p cache_all_plugin`: every rumbo jit/njit defaults to cache=True.

`make test-cache-all` runs the suite twice with it and one empty RUMBO_CACHE_DIR: the
first run compiles and writes every specialization, the second loads them all from
the cache, so every test checks loaded code against its expectations."""

import rumbo.decorators

_jit = rumbo.decorators.jit
_defaults = list(_jit.__defaults__)
_defaults[_jit.__code__.co_varnames.index("cache") - (_jit.__code__.co_argcount - len(_defaults))] = True
_jit.__defaults__ = tuple(_defaults)
