# Two set-up-and-go commands: `make demo` and `make test`. Each installs what is
# missing (Debian's LLVM 19, a venv with the Python tools, the extension build).

SHELL := /bin/bash
PY ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
export LLVM_SYS_191_PREFIX ?= /usr/lib/llvm-19
export PATH := $(HOME)/.cargo/bin:$(PATH)
# Tests build in debug with assertions; `make bench`/`make demo` in release.
PROFILE ?= dev

.PHONY: demo test test-rust test-python test-cache-all test-browser bench llvm venv build build-release clean

llvm:
	@if [ ! -x $(LLVM_SYS_191_PREFIX)/bin/llvm-config ] || [ ! -f $(LLVM_SYS_191_PREFIX)/lib/libPolly.a ]; then \
		echo "installing LLVM 19 (llvm-19-dev, libpolly-19-dev) ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			llvm-19-dev libpolly-19-dev libzstd-dev zlib1g-dev >/dev/null; \
	fi

$(VENV)/.installed: requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

build: llvm venv
	$(VENV)/bin/maturin develop -q --profile $(PROFILE) 2>&1 | grep -v "^📦\|^🔗\|^🐍\|^⚠\|^🛠" || true
	$(VPY) -c "import rumbo._core"

build-release:
	$(MAKE) build PROFILE=release

demo: llvm venv
	$(MAKE) build PROFILE=release
	$(VPY) examples/softmax.py

test-rust: llvm
	cargo test --workspace --quiet

test-python: build
	$(VPY) -m pytest -q -x -p no:cacheprovider tests

test: test-rust test-python

# The Python tests with every function cache=True, twice: compiled and written, then
# all loaded from the cache (timing tests may skip or flake on a busy machine).
test-cache-all: build
	rm -rf /tmp/rumbo-test-cache-all
	for run in write load; do \
		RUMBO_CACHE_DIR=/tmp/rumbo-test-cache-all PYTHONPATH=tests $(VPY) -m pytest -q -p cache_all_plugin \
			-p no:cacheprovider tests --deselect tests/test_cache.py || exit 1; \
	done

# The annotation report in headless Chromium, CFG rendering with Graphviz. Not part of `test`:
# installing Debian's chromium takes ~40 s and ~350 MB, so `test` skips these two checks when
# the programs are missing; this target installs them (as root) and runs the introspection tests.
test-browser: build
	@command -v chromium >/dev/null && command -v dot >/dev/null || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium graphviz >/dev/null; }
	RUMBO_BROWSER_TESTS=1 $(VPY) -m pytest -q -p no:cacheprovider tests/test_introspection.py

bench: llvm venv
	$(MAKE) build PROFILE=release
	$(VPY) bench/run.py

clean:
	cargo clean
	rm -rf $(VENV)
