"""setuptools glue: the ``build_ext`` command that compiles ``mpi4py.MPI`` with the MPI wrappers."""

from __future__ import annotations

import importlib.machinery
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

from setuptools import Extension
from setuptools.command.build_ext import build_ext

from mpibuild import config, gensrc, layout, mpiabi, optflags, preflight, probe, record, reproducible, symbols

TOP = Path(__file__).resolve().parents[2]
INCLUDE = layout.PRIVATE_INCLUDE
# Where MPI_api.h goes, relative to the package folder (API_HEADER_DEST without the leading 'mpi4py/').
API_HEADER_IN_PACKAGE = Path(*gensrc.API_HEADER_DEST.split("/")[1:], gensrc.API_HEADER)


def _log(message: str) -> None:
    print(f"mpi4py: {message}", flush=True)


def _fail(message: str) -> NoReturn:
    # A short message and exit status 1: pip shows it without a setuptools traceback.
    sys.stderr.write(f"\nerror: {message}\n\n")
    sys.stderr.flush()
    raise SystemExit(1)


def _replace_driver(command: list[str], driver: list[str]) -> list[str]:
    """Swap the compiler driver (first word) of a distutils command for the MPI wrapper."""
    return [*driver, *command[1:]] if driver else command


class BuildExtMPI(build_ext):
    def build_extensions(self) -> None:
        try:
            variant = mpiabi.requested()  # MPI4PY_BUILD_MPIABI: one variant of the merged wheel
            start = time.monotonic()
            # settings, hello program, CONFIGURE probe compiler; its error message shows the settings
            conf = preflight.check(mpiabi.build_environ(variant), warn=lambda m: _log(f"warning: {m}"))
        except config.ConfigError as exc:
            _fail(str(exc))
        _log("MPI settings:\n" + conf.describe())
        _log(f"MPI hello program compiled and linked ({time.monotonic() - start:.1f} s)")

        gendir = Path(self.build_temp).resolve() / "gensrc"
        table = symbols.load(symbols.default_table())
        present = missing = None
        if config.configure_requested():
            stats = probe.ProbeStats()
            _log(f"MPI4PY_BUILD_CONFIGURE: probing the MPI symbols of {symbols.default_table().name} ...")
            present = probe.probe_symbols(conf, table, stats=stats)
            if not present:  # the hello program built, so this is a probe problem, not a missing MPI
                _fail("MPI4PY_BUILD_CONFIGURE: no MPI symbol passed its probe although a hello program built; "
                      "check extra_compile_args/define_macros, or build without MPI4PY_BUILD_CONFIGURE.")
            missing = sorted(s.name for s in table if s.kind in symbols.PROBED_KINDS and s.name not in present)
            shown = f": {', '.join(missing[:20])}{' ...' if len(missing) > 20 else ''}" if missing else ""
            _log(f"probe timing: {stats.summary()}; {len(missing)} missing{shown}")
        limited_api = any(ext.py_limited_api for ext in self.extensions)  # MPI4PY_BUILD_PYSABI (setup_arguments)
        gensrc.generate(gendir, present=present, limited_api=limited_api)
        facts = probe.header_facts(conf, gendir, INCLUDE)
        _log(f"mpi.h: family {facts.get('abi_family', 'unknown')}, MPI standard {facts.get('std_version', 'unknown')}")
        try:
            mpiabi.check_family(variant, facts)
        except config.ConfigError as exc:
            _fail(str(exc))

        # Objects built against another MPI (or other settings) must not be reused.
        fingerprint = repr((conf, sorted(present) if present is not None else None, limited_api))
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
            # The hand-written and generated headers: an edit of one recompiles (setuptools compares mtimes).
            ext.depends = [*ext.depends, *(str(h) for h in sorted(INCLUDE.rglob("*.h"))), *(str(h) for h in sorted(gendir.glob("*.h")))]
            # Include dirs and defines shared with CMake/Meson come from layout.py (one place).
            ext.include_dirs = [str(gendir), *(str(TOP / d) for d in layout.EXT_INCLUDE_DIRS), *conf.include_dirs]
            ext.library_dirs = [*ext.library_dirs, *conf.library_dirs]
            ext.runtime_library_dirs = [*ext.runtime_library_dirs, *conf.runtime_library_dirs]
            ext.libraries = [*ext.libraries, *conf.libraries, *mpiabi.late_bind_libraries(variant)]
            ext.define_macros = [*layout.EXT_DEFINES, *ext.define_macros, *conf.define_macros,
                                 *mpiabi.late_bind_macros(variant)]
            ext.undef_macros = [*ext.undef_macros, *conf.undef_macros]
            ext.extra_compile_args = [*ext.extra_compile_args, *conf.extra_compile_args,
                                      *reproducible.compile_args(cc.compiler_type, TOP),
                                      *optflags.compile_args(cc.compiler_type)]
            ext.extra_link_args = [*ext.extra_link_args, *conf.extra_link_args]
        self._remove_other_kinds()
        _log("compiling mpi4py.MPI")
        super().build_extensions()

        build = record.build_items(conf, "setuptools", facts, "configure" if present is not None else "mpi-version", missing)
        if variant:
            build["mpi_abi_variant"] = variant
        where = record.write_record(Path(self.get_ext_fullpath("mpi4py.MPI")).parent, record.mpi_items(conf), build)
        _log(f"build record written to {where}")
        header = self._api_header_path()
        header.parent.mkdir(parents=True, exist_ok=True)  # an editable build's build-lib has no package data
        self.copy_file(str(gendir / gensrc.API_HEADER), str(header), level=self.verbose)

    def _api_header_path(self) -> Path:
        # The public header Cython generated for the cdef api functions, beside mpi4py.h (see gensrc.py).
        return Path(self.get_ext_fullpath("mpi4py.MPI")).parent / API_HEADER_IN_PACKAGE

    def _remove_other_kinds(self) -> None:
        """Drop a module of the other kind left by an earlier build in the same tree (``MPI.abi3.so`` next to
        ``MPI.cpython-311-*.so``, or the reverse): the wheel would carry both, and import picks by suffix order."""
        for ext in self.extensions:
            target = Path(self.get_ext_fullpath(ext.name))
            stem = ext.name.rpartition(".")[2]
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                other = target.with_name(stem + suffix)
                if other != target and other.is_file():
                    _log(f"removing {other} (left by an earlier build of the other kind)")
                    other.unlink()

    # In-place and editable builds (pip install -e) copy the extension next to the sources;
    # the build record written beside it in build_lib must follow, or get_config() is empty.
    def _record_mapping(self) -> dict[str, str]:
        build_py = self.get_finalized_command("build_py")
        mapping = {}
        for ext in self.extensions:
            inplace_file, regular_file = self._get_inplace_equivalent(build_py, ext)
            mapping[str(Path(regular_file).parent / record.FILENAME)] = str(Path(inplace_file).parent / record.FILENAME)
            mapping[str(Path(regular_file).parent / API_HEADER_IN_PACKAGE)] = str(Path(inplace_file).parent / API_HEADER_IN_PACKAGE)
        return mapping

    def copy_extensions_to_source(self) -> None:
        super().copy_extensions_to_source()
        for regular, inplace in self._record_mapping().items():
            if Path(regular).is_file():
                self.copy_file(regular, inplace, level=self.verbose)

    def get_output_mapping(self) -> dict[str, str]:
        mapping = super().get_output_mapping()
        if mapping:  # only in-place builds have a mapping
            mapping.update(self._record_mapping())
        return mapping


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
