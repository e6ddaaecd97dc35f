"""Build-time bad input: every catalogue case ends in one short ``error:`` message naming the input and
the fix, with a non-zero exit and no traceback (see build_catalogue.py for the cases)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from build_catalogue import CASES, MAX_LINES, TOP, Case, Env, fragments, readme_section, run_case

FAKE_MPI_H = r"""
#ifndef FAKE_MPI_H
#define FAKE_MPI_H
typedef int MPI_Comm;
#define MPI_COMM_WORLD ((MPI_Comm)1)
static inline int MPI_Init(int *argc, char ***argv) { (void)argc; (void)argv; return 0; }
static inline int MPI_Comm_rank(MPI_Comm comm, int *rank) { (void)comm; *rank = 0; return 0; }
static inline int MPI_Finalize(void) { return 0; }
#define @FAMILY@
extern int @DUPFN@(void);
#define MPI_DUP_FN @DUPFN@
#endif
"""
# One fake MPI "family" per entry: the macro its mpi.h defines, and the symbol only its library has.
FAMILIES = {"a": ("MPICH_VERSION \"0\"", "MPIR_Dup_fn"), "b": ("OPEN_MPI 1", "OMPI_C_MPI_DUP_FN")}
WRAPPER = """#!/bin/sh
# fake MPI compiler wrapper: adds the fake MPI's include dir, or its library when linking
for arg in "$@"; do [ "$arg" = -c ] || [ "$arg" = -E ] && exec cc -I{inc} "$@"; done
exec cc "$@" -L{lib} -lfakempi
"""


def _no_mpi_path(root: Path) -> str:
    """A PATH with every program of the current PATH except MPI ones (mpicc, mpiexec, ...)."""
    bindir = root / "nompi-bin"
    bindir.mkdir()
    for directory in os.environ.get("PATH", os.defpath).split(os.pathsep):
        if not directory or not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            link = bindir / entry.name
            if entry.name.startswith("mpi") or "mpicc" in entry.name or link.exists() or link.is_symlink():
                continue
            if entry.is_file() and os.access(entry.path, os.X_OK):
                link.symlink_to(entry.path)
    return str(bindir)


def _fake_mpi(root: Path, family: str) -> Path:
    macro, dupfn = FAMILIES[family]
    inc, lib = root / f"fake-{family}" / "include", root / f"fake-{family}" / "lib"
    inc.mkdir(parents=True)
    lib.mkdir()
    (inc / "mpi.h").write_text(FAKE_MPI_H.replace("@FAMILY@", macro).replace("@DUPFN@", dupfn))
    (lib / "dupfn.c").write_text(f"int {dupfn}(void) {{ return 0; }}\n")
    subprocess.run(["cc", "-c", "dupfn.c", "-o", "dupfn.o"], cwd=lib, check=True)
    subprocess.run(["ar", "rcs", "libfakempi.a", "dupfn.o"], cwd=lib, check=True)
    wrapper = root / f"fake-{family}" / "mpicc"
    wrapper.write_text(WRAPPER.format(inc=inc, lib=lib))
    wrapper.chmod(0o755)
    return wrapper


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    root = tmp_path_factory.mktemp("catalogue")
    return _no_mpi_path(root), _fake_mpi(root, "a"), _fake_mpi(root, "b")


@pytest.fixture
def env(shared: tuple[str, Path, Path], tmp_path: Path) -> Env:
    path, fake_a, fake_b = shared
    return Env(tmp_path, path, fake_a, fake_b, fake_a.parent / "include", fake_a.parent / "lib")


def test_catalogue_size() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 30, len(ids)


def test_fake_mpi_builds(env: Env) -> None:
    """Control: the fake MPI passes the same checks, so each case fails for its own reason only."""
    result = run_case(Case("control", lambda e: {"MPICC": str(e.fake_a)}, "", ""), env)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_bad_build_input(c: Case, env: Env) -> None:
    result = run_case(c, env)
    err = result.stderr
    assert result.returncode == c.exit_code, f"exit {result.returncode}\n{err}{result.stdout}"
    assert "Traceback" not in err, err
    for text in (c.symptom, c.fix, *c.also):
        for piece in fragments(text):
            assert piece in err + result.stdout, f"{piece!r} not in:\n{err}"
    if c.exit_code:
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, err  # one message, not a cascade
        assert len(err.strip().splitlines()) <= MAX_LINES, err
        symptom = fragments(c.symptom)
        assert symptom[0] in errors[0] or symptom[0] in err.split("error:", 1)[0], err  # the first line says it


def test_readme_troubleshooting_matches_catalogue() -> None:
    """README's Troubleshooting table is exactly the catalogue's (regenerate: python test/unit/build_catalogue.py --readme)."""
    text = (TOP / "README.md").read_text()
    found = re.search(r"<!-- troubleshooting:begin -->\n(.*?)\n<!-- troubleshooting:end -->", text, re.S)
    assert found, "README.md has no troubleshooting block"
    assert found.group(1).strip() == readme_section().strip()
