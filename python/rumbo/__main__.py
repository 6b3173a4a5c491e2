"""`python -m rumbo -s`: a short system report."""

import argparse
import platform
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="rumbo")
    parser.add_argument("-s", "--sysinfo", action="store_true", help="print a system report")
    args = parser.parse_args(argv)
    if args.sysinfo:
        import rumbo
        from rumbo import _core

        triple, cpu, features, vector = _core.host_info()
        print(f"rumbo {rumbo.__version__}")
        print(f"Python {platform.python_version()} ({sys.executable})")
        print(f"LLVM 19 (static), target {triple}, CPU {cpu}")
        print(f"Vector math library: {vector or 'none'}")
        print(f"CPU features: {features}")
        return 0
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
