#!/usr/bin/env python3
"""Run a tooling module of conf/ as a script: ``python conf/run.py MODULE [ARGS...]``.

For example ``python conf/run.py cibw.abi_repair -w DEST WHEEL`` or ``python conf/run.py mpibuild.layout version``.
A script run by path has its own directory first on ``sys.path``: for this file that is conf/, so the
module and its packages (cibw, mpibuild, noxlib, release) import each other by their one name wherever
the tree is (cibuildwheel's ``{project}`` in a container, an unpacked sdist, a CMake or Meson build).
Plain Python 3 syntax only: an old interpreter must get as far as mpibuild's own version check.
"""

import runpy
import sys


def main(argv):
    if len(argv) < 2 or argv[1].startswith("-"):
        raise SystemExit("usage: " + argv[0] + " MODULE [ARGS...]  (MODULE: a module under conf/, e.g. cibw.test_wheel)")
    sys.argv = [argv[1]] + argv[2:]
    runpy.run_module(argv[1], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv)
