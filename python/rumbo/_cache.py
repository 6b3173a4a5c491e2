"""The Python half of `cache=True`: what a function's key is made of (its source text and
the names it reads), where its entries live, one warning per process when caching is
impossible, and `rumbo cache list/clear`.

The entries themselves (format, checksum, loading into the JIT) are Rust:
rumbo-python/src/cache.rs; the key walk over globals is fingerprint.rs."""

import os
import sys

#: Suffix of every cache entry file.
SUFFIX = ".rumbo"

# filename -> (mtime_ns, size, lines)
_TEXTS = {}
# source directory -> cache directory or None
_DIRS = {}
_WARNED = set()


def _lines(filename):
    try:
        st = os.stat(filename)
    except OSError:
        return None
    cached = _TEXTS.get(filename)
    if cached is not None and cached[0] == st.st_mtime_ns and cached[1] == st.st_size:
        return cached[2]
    try:
        with open(filename, "rb") as fh:
            lines = fh.read().decode("utf-8", errors="replace").splitlines()
    except OSError:
        return None
    _TEXTS[filename] = (st.st_mtime_ns, st.st_size, lines)
    return lines


def _walk_code(code, names, last):
    names.update(code.co_names)
    names.update(code.co_freevars)
    positions = code.co_positions() if hasattr(code, "co_positions") else ()
    for pos in positions:
        if pos[1] is not None and pos[1] > last[0]:
            last[0] = pos[1]
    if not positions and hasattr(code, "co_lines"):
        for _, _, line in code.co_lines():
            if line is not None and line > last[0]:
                last[0] = line
    for const in code.co_consts:
        if hasattr(const, "co_code"):
            _walk_code(const, names, last)


def _const_shape(c):
    if isinstance(c, (frozenset, set)):  # set order follows string hashes, random per process
        return (type(c).__name__, sorted(repr(x) for x in c))
    if isinstance(c, tuple):
        return ("tuple", tuple(_const_shape(x) for x in c))
    return (type(c).__name__, repr(c))


def _code_shape(code):
    """The code object's bytecode, constants and names: tells apart functions that share
    source lines (two lambdas on one line)."""
    consts = tuple(_code_shape(c) if hasattr(c, "co_code") else _const_shape(c) for c in code.co_consts)
    return (code.co_code.hex(), consts, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars,
            code.co_argcount, code.co_kwonlyargcount, code.co_flags)


def function_parts(func):
    """(source text, sorted free names) of `func`, or None when its file cannot be read.

    The text runs from the first decorator line to the last line any instruction of the
    function (or of a nested function) comes from, followed by the shape of its code
    (`_code_shape`: lambdas on one line share their lines); the names are every name its code
    objects load (globals, attributes, closure variables): a superset of its free names."""
    code = func.__code__
    lines = _lines(code.co_filename)
    if lines is None:
        return None
    names = set()
    last = [code.co_firstlineno]
    _walk_code(code, names, last)
    first = code.co_firstlineno
    if first < 1 or last[0] > len(lines):
        return None
    text = "\n".join(lines[first - 1 : last[0]])
    return f"{text}\n{_code_shape(code)!r}", sorted(names)


def package_stamp():
    """Size and modification time of rumbo's own files (the extension and the Python
    library compiled by rumbo): a rebuilt or edited rumbo gets new keys."""
    root = os.path.dirname(os.path.abspath(__file__))
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".so", ".pyd")):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                out.append(f"{os.path.relpath(os.path.join(dirpath, name), root)}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(out)


def _environment_parts():
    """What compiled code depends on besides the function and what it reads, by name (each
    part is in every key: changing any one recompiles)."""
    from . import __version__, _core

    triple, cpu, features, vector = _core.host_info()
    return {
        "format": "rumbo-cache-1",
        "rumbo": __version__,
        "rumbo_files": package_stamp(),
        "llvm": ".".join(map(str, _core.llvm_version())),
        "triple": triple,
        "cpu": cpu,
        "cpu_features": features,
        "vector_library": str(vector),
        "vector_math": ",".join(_core.vector_math_variants()),
        "python": f"{sys.implementation.cache_tag} {sys.version}",
    }


def environment():
    """The parts above as one string (computed once per process by the compiler)."""
    return "|".join(f"{k}={v}" for k, v in sorted(_environment_parts().items()))


def _mirror(root, source_dir):
    """`source_dir` as a relative path below `root` (Numba's layout for NUMBA_CACHE_DIR)."""
    drive, rest = os.path.splitdrive(os.path.abspath(source_dir))
    return os.path.join(root, drive.strip(":"), rest.lstrip(os.sep))


def _usable(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return False
    return os.path.isdir(path) and os.access(path, os.W_OK | os.X_OK)


def user_cache_root():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "rumbo")


def override_root():
    """RUMBO_CACHE_DIR, else NUMBA_CACHE_DIR, else None."""
    return os.environ.get("RUMBO_CACHE_DIR") or os.environ.get("NUMBA_CACHE_DIR") or None


def candidates(source_dir):
    """Where entries for sources in `source_dir` may live, in order of preference."""
    root = override_root()
    if root:
        return [_mirror(root, source_dir)]
    return [os.path.join(source_dir, "__pycache__"), _mirror(user_cache_root(), source_dir)]


def locate(func):
    """The cache directory for `func` (created if needed), or None (one warning) when no
    candidate is writable or the function has no source file."""
    filename = func.__code__.co_filename
    if not os.path.isfile(filename):
        warn_once(("nofile", filename), f"cannot cache {func.__qualname__}: its source file {filename!r} is not a file")
        return None
    source_dir = os.path.dirname(os.path.abspath(filename))
    if source_dir in _DIRS:
        return _DIRS[source_dir]
    found = next((p for p in candidates(source_dir) if _usable(p)), None)
    if found is None:
        warn_once(("nodir", source_dir), f"no writable cache directory for {source_dir!r}: caching is off for its functions")
    _DIRS[source_dir] = found
    return found


def warn_once(key, message):
    """One NumbaWarning per `key` and process."""
    if key in _WARNED:
        return
    _WARNED.add(key)
    import warnings

    from .errors import NumbaWarning

    warnings.warn(f"rumbo cache: {message}", NumbaWarning, stacklevel=4)


# -- rumbo cache list / clear --------------------------------------------------------------


def _entry_files(path):
    """Cache entry files for the sources at `path` (a .py file or a folder, default the
    current folder): its __pycache__ folders and its mirrors under RUMBO_CACHE_DIR or
    NUMBA_CACHE_DIR and the per-user cache. Without a path, those whole caches too."""
    roots = [r for r in (override_root(), user_cache_root()) if r]
    found = set()

    def scan(folder, recursive):
        for dirpath, dirnames, filenames in os.walk(folder):
            # entries, and temporary files a killed writer left (`<entry>.<pid>.<ns>.tmp`)
            found.update(os.path.join(dirpath, n) for n in filenames
                         if n.endswith(SUFFIX) or (SUFFIX + "." in n and n.endswith(".tmp")))
            if not recursive:
                break

    if path is None:
        for root in roots:
            scan(root, True)
        path = os.getcwd()
    path = os.path.abspath(path)
    if os.path.isdir(path):
        for root in roots:
            scan(_mirror(root, path), True)
        for dirpath, dirnames, _ in os.walk(path):
            if os.path.basename(dirpath) == "__pycache__":
                scan(dirpath, False)
        return sorted(found)
    folder = os.path.dirname(path)
    for d in [os.path.join(folder, "__pycache__")] + [_mirror(root, folder) for root in roots]:
        scan(d, False)
    from . import _core

    def belongs(f):
        info = _core.cache_entry_info(f)
        return info is not None and os.path.abspath(info["source"]) == path

    return sorted(f for f in found if belongs(f))


def list_entries(path=None, out=None):
    from . import _core

    out = out or sys.stdout
    files = _entry_files(path)
    total = 0
    for f in files:
        size = os.path.getsize(f)
        total += size
        info = _core.cache_entry_info(f)
        if info is None:
            out.write(f"{f}\n    invalid entry (corrupt or from another rumbo), {size} bytes\n")
            continue
        out.write(f"{f}\n    {info['qualname']}({', '.join(info['args'])}) -> {info['ret']}  "
                  f"[{info['source']}] {size} bytes\n")
    out.write(f"{len(files)} entr{'y' if len(files) == 1 else 'ies'}, {total} bytes\n")
    return 0


def clear(path=None, out=None):
    out = out or sys.stdout
    files = _entry_files(path)
    removed = 0
    for f in files:
        try:
            os.unlink(f)
            removed += 1
        except OSError as exc:
            out.write(f"could not remove {f}: {exc}\n")
    out.write(f"removed {removed} entr{'y' if removed == 1 else 'ies'}\n")
    return 0
