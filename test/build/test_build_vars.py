"""What the build does with MPICC/MPICFG/BACKEND/CONFIGURE, checked with real pip builds.

The fast failures come first; the three full builds (cfg only, wrapper precedence, CONFIGURE)
share one source copy so Cython runs once.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from build_helpers import PINGPONG, PREFIX, TOP, VENV_BIN, build_env, installed_config, mpiexec, pip_install


def no_mpi_path(tmp_path: Path) -> str:
    """A PATH with every program of the current PATH except the MPI ones (mpicc, mpiexec, ...)."""
    bindir = tmp_path / "nompi-bin"
    bindir.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not directory or not os.path.isdir(directory) or Path(directory).resolve() == VENV_BIN.resolve():
            continue
        for entry in os.scandir(directory):
            link = bindir / entry.name
            if entry.name.startswith("mpi") or link.exists() or link.is_symlink():
                continue
            if entry.is_file() and os.access(entry.path, os.X_OK):
                link.symlink_to(entry.path)
    return str(bindir)


def logging_wrapper(path: Path, log: Path) -> Path:
    """An mpicc that records each call, then runs the real MPICH wrapper."""
    path.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{VENV_BIN / "mpicc"}" "$@"\n')
    path.chmod(0o755)
    return path


def test_mpicc_false_fails_naming_mpicc(tree: Path, tmp_path: Path) -> None:
    """Literally the user's ``MPICC=/bin/false pip install .`` (isolated build, requirements from PyPI)."""
    site = tmp_path / "site-packages"
    result = pip_install(tree, site, build_env(MPICC="/bin/false"), isolated=True)
    assert result.returncode != 0, result.show()
    assert "error: cannot build a minimal MPI program" in result.output, result.show()
    assert "Fix: set MPICC to a working MPI C compiler wrapper" in result.output
    assert "$ /bin/false" in result.output and "pip install mpich" in result.output
    assert "Traceback" not in result.output, result.show()
    assert not (site / "mpi4py").exists()  # nothing installed


def test_missing_wrapper_fails_before_compiling(tree: Path, tmp_path: Path) -> None:
    result = pip_install(tree, tmp_path / "site-packages", build_env(MPI4PY_BUILD_MPICC="/no/such/mpicc"))
    assert result.returncode != 0
    assert "MPI4PY_BUILD_MPICC='/no/such/mpicc': /no/such/mpicc does not exist" in result.output, result.show()
    assert "cythonizing" not in result.output


def test_bogus_backend_lists_accepted_values(tree: Path, tmp_path: Path) -> None:
    result = pip_install(tree, tmp_path / "site-packages", build_env(MPI4PY_BUILD_BACKEND="bogus"))
    assert result.returncode != 0
    assert "MPI4PY_BUILD_BACKEND='bogus'" in result.output, result.show()
    assert "setuptools, scikit-build-core, meson-python" in result.output
    assert not (tmp_path / "site-packages" / "mpi4py").exists()


def test_cfg_alone_without_any_wrapper(tree: Path, tmp_path: Path) -> None:
    """MS-MPI style: no mpicc anywhere on PATH; the cfg's directories and library are enough."""
    cfg = tmp_path / "pypi-mpich.cfg"
    cfg.write_text(
        "[mpich-from-pypi]\n"
        f"include_dirs = {PREFIX / 'include'}\n"
        f"library_dirs = {PREFIX / 'lib'}\n"
        f"runtime_library_dirs = {PREFIX / 'lib'}\n"
        "libraries = mpi\n"
    )
    path = no_mpi_path(tmp_path)
    site = tmp_path / "site-packages"
    result = pip_install(tree, site, build_env(PATH=path, MPI4PY_BUILD_MPICFG=f"{cfg}:mpich-from-pypi"))
    assert result.returncode == 0, result.show(80)
    compile_lines = [line for line in result.output.splitlines() if " -c " in line and "MPI.c" in line]
    assert compile_lines and all("mpicc" not in line for line in compile_lines), compile_lines
    assert f"-I{PREFIX / 'include'}" in compile_lines[-1]
    config = installed_config(site)
    assert "mpicc" not in config and config["include_dirs"] == str(PREFIX / "include")
    assert config["libraries"] == "mpi" and config["cfg_file"] == f"{cfg}:mpich-from-pypi"
    assert config["mpi_abi"] == "mpich" and config["config_header"] == "mpi-version"
    run = mpiexec(2, site, "-c", PINGPONG)
    assert run.returncode == 0 and "reply 42" in run.output, run.show()


def test_long_name_beats_alias(tree: Path, tmp_path: Path) -> None:
    long_log, alias_log = tmp_path / "long.log", tmp_path / "alias.log"
    long_cc = logging_wrapper(tmp_path / "mpicc-long", long_log)
    alias_cc = logging_wrapper(tmp_path / "mpicc-alias", alias_log)
    site = tmp_path / "site-packages"
    result = pip_install(tree, site, build_env(MPI4PY_BUILD_MPICC=str(long_cc), MPICC=str(alias_cc)))
    assert result.returncode == 0, result.show(80)
    assert f"MPI4PY_BUILD_MPICC='{long_cc}' overrides MPICC='{alias_cc}'" in result.output
    calls = long_log.read_text().splitlines()
    assert any("MPI.c" in call for call in calls), calls  # the extension itself went through it
    assert any("-shared" in call for call in calls), calls  # and so did its link (MPILD defaults to it)
    assert not alias_log.exists(), alias_log.read_text()
    config = installed_config(site)
    assert config["mpicc"] == config["mpild"] == str(long_cc) and config["mpicc_from"] == "MPI4PY_BUILD_MPICC"
    run = mpiexec(2, site, "-c", PINGPONG)
    assert run.returncode == 0 and "reply 42" in run.output, run.show()


HIDDEN = """\
from mpi4py import MPI
try:
    MPI.Pcontrol(0)
except NotImplementedError as exc:
    print("hidden:", exc)
else:
    raise SystemExit("MPI.Pcontrol worked although MPI_Pcontrol was hidden")
"""


def test_configure_with_a_hidden_routine(tree: Path, tmp_path: Path) -> None:
    """CONFIGURE probes every symbol; a cfg macro hides MPI_Pcontrol, which becomes a named stub."""
    cfg = tmp_path / "hide.cfg"
    cfg.write_text("[mpi]\ndefine_macros = MPI_Pcontrol=pympi_hidden_routine\n")
    site = tmp_path / "site-packages"
    result = pip_install(tree, site, build_env(MPI4PY_BUILD_CONFIGURE="1", MPICFG=str(cfg)))
    assert result.returncode == 0, result.show(80)
    timing = re.search(r"mpi4py: probe timing: (.*)", result.output)
    assert timing, result.show(80)
    print("probe timing:", timing.group(1))
    assert "MPI_Pcontrol" in timing.group(1)

    (header,) = tree.glob("build/temp.*/gensrc/pympi_config.h")
    text = header.read_text()
    assert '#define PYMPI_CONFIG_SOURCE "configure"' in text
    assert "#define PyMPI_HAVE_MPI_Comm_rank 1" in text and "#define PyMPI_HAVE_MPI_Pcontrol" not in text
    missing = re.search(r"/\* missing \(\d+\): (.*) \*/", text)
    assert missing and "MPI_Pcontrol" in missing.group(1).split()

    config = installed_config(site)
    assert config["config_header"] == "configure" and "MPI_Pcontrol" in config["missing_symbols"].split()
    assert config["define_macros"] == "MPI_Pcontrol=pympi_hidden_routine"
    assert config["mpicc"] == str(VENV_BIN / "mpicc") and config["mpicc_from"] == "PATH"

    run = mpiexec(1, site, "-c", HIDDEN)
    assert run.returncode == 0, run.show()
    assert "hidden: MPI_Pcontrol is not available in this MPI library" in run.output

    tests = mpiexec(2, site, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(TOP / "test" / "mpi"), cwd=tmp_path)
    print("MPI tests on the CONFIGURE build:", tests.output.strip().splitlines()[-1])
    assert tests.returncode == 0, tests.show(60)
