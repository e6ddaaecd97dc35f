"""setuptools glue: the ``build_ext`` command that compiles ``mpi4py.MPI`` with the MPI wrappers."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from setuptools import Extension
from setuptools.command.build_ext import build_ext

from mpibuild import config, gensrc, probe, reproducible

TOP = Path(__file__).resolve().parents[2]


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip() not in ("", "0", "false", "no", "off")


def _log(message: str) -> None:
    print(f"mpi4py: {message}", flush=True)


def _fail(message: str) -> None:
    # A SystemExit with a message: pip shows it verbatim, without a traceback from setuptools.
    sys.stderr.write(f"\nerror: {message}\n\n")
    sys.stderr.flush()
    raise SystemExit(1)


def _replace_driver(command: list[str], driver: list[str]) -> list[str]:
    """Swap the compiler driver (first word) of a distutils command for the MPI wrapper."""
    return [*driver, *command[1:]] if driver else command


class BuildExtMPI(build_ext):
    def build_extensions(self) -> None:
        try:
            conf = config.resolve(warn=lambda m: _log(f"warning: {m}"))
        except config.ConfigError as exc:
            _fail(str(exc))
            return
        _log("MPI settings:\n" + conf.describe())
        if not conf.mpicc and not conf.include_dirs and not conf.libraries and os.name != "nt":
            _fail("no MPI compiler wrapper found (mpicc is not on PATH and no cfg gives include/library "
                  "settings).\n\n" + config.GET_MPI_HELP)

        start = time.monotonic()
        try:
            probe.check_hello(conf)
        except config.ConfigError as exc:
            _fail(str(exc))
        _log(f"MPI hello program compiled and linked ({time.monotonic() - start:.1f} s)")

        gendir = Path(self.build_temp).resolve() / "gensrc"
        present = None
        if _truthy("MPI4PY_BUILD_CONFIGURE"):
            from mpibuild import symbols

            table = symbols.load(symbols.default_table())
            start = time.monotonic()
            _log(f"MPI4PY_BUILD_CONFIGURE: probing {len(table)} MPI symbols ...")
            present = probe.probe_symbols(conf, table)
            missing = sorted(s.name for s in table if s.kind in symbols.PROBED_KINDS and s.name not in present)
            _log(f"probed in {time.monotonic() - start:.1f} s: {len(missing)} missing"
                 + (f" ({', '.join(missing[:20])}{' ...' if len(missing) > 20 else ''})" if missing else ""))
        gensrc.generate(gendir, present=present)
        # Objects built against another MPI (or other settings) must not be reused.
        fingerprint = repr((conf, sorted(present) if present is not None else None))
        stamp = gendir / "mpi-settings.txt"
        if not stamp.exists() or stamp.read_text() != fingerprint:
            self.force = True
            stamp.write_text(fingerprint)

        cc = self.compiler
        if conf.mpicc and hasattr(cc, "compiler_so"):
            cc.set_executables(compiler_so=_replace_driver(cc.compiler_so, conf.mpicc))
        if (conf.mpild or conf.mpicc) and hasattr(cc, "linker_so"):
            cc.set_executables(linker_so=_replace_driver(cc.linker_so, conf.mpild or conf.mpicc))
        for ext in self.extensions:
            ext.sources = [str(gendir / "MPI.c")]
            ext.include_dirs = [str(gendir), str(TOP / "src" / "mpi4py" / "include"), *conf.include_dirs]
            ext.library_dirs = [*ext.library_dirs, *conf.library_dirs]
            ext.runtime_library_dirs = [*ext.runtime_library_dirs, *conf.runtime_library_dirs]
            ext.libraries = [*ext.libraries, *conf.libraries]
            ext.define_macros = [*ext.define_macros, *conf.define_macros]
            ext.undef_macros = [*ext.undef_macros, *conf.undef_macros]
            ext.extra_compile_args = [*ext.extra_compile_args, *conf.extra_compile_args,
                                      *reproducible.compile_args(cc.compiler_type, TOP)]
            ext.extra_link_args = [*ext.extra_link_args, *conf.extra_link_args]
        _log("compiling mpi4py.MPI")
        super().build_extensions()


def setup_arguments() -> dict[str, Any]:
    from mpibuild import pysabi

    minimum = pysabi.requested()  # MPI4PY_BUILD_PYSABI: limited API, one cpXY-abi3 wheel
    ext = Extension("mpi4py.MPI", sources=["src/mpi4py/MPI.pyx"], py_limited_api=minimum is not None,
                    define_macros=pysabi.macros(minimum) if minimum else [])
    args: dict[str, Any] = {"ext_modules": [ext], "cmdclass": {"build_ext": BuildExtMPI}}
    if minimum:
        _log(f"{pysabi.VARIABLE}: limited API build, wheel tag {pysabi.tag(minimum)}-abi3")
        args["options"] = {"bdist_wheel": {"py_limited_api": pysabi.tag(minimum)}}
    return args
