"""Session: typing -- mypy --strict over the stubs, the pure-Python packages and a sample program."""

from __future__ import annotations

import nox

from noxlib.common import TOP

# Checked from src/ so mypy reads mpi4py/MPI.pyi (the compiled module is not needed).
TYPED_TARGETS = (
    "mpi4py/__init__.py",
    "mpi4py/MPI.pyi",
    "mpi4py/typing.py",
    "mpi4py/futures",
    "mpi4py/util",
    "../test/typing/sample_program.py",
)


@nox.session
def typing(session: nox.Session) -> None:
    """mypy --strict: MPI.pyi, mpi4py.futures, mpi4py.util and test/typing/sample_program.py."""
    session.install("mypy", "numpy", "typing_extensions")
    session.chdir(TOP / "src")
    # The cache goes to build/, never into src/ (setuptools would graft it into the sdist).
    session.run("python", "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(TOP / "build" / "mypy-cache"), *TYPED_TARGETS)
