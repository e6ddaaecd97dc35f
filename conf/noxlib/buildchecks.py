"""Session: build_checks -- real pip builds that exercise the build variables (test/build).

Not part of ``nox -s tests``; CI runs it as its own step (about 1-2 minutes on 2 cores).
"""

from __future__ import annotations

import nox

from noxlib.common import TOP, install_mpi, mpiexec_env


@nox.session
def build_checks(session: nox.Session) -> None:
    """MPICC/MPICFG/BACKEND/CONFIGURE behaviour, each checked with a pip build against MPICH from PyPI."""
    install_mpi(session, "mpich")
    session.install("pip", "pytest", "numpy", "Cython>=3.0", "setuptools>=77", "wheel")  # numpy: test/mpi runs on the CONFIGURE build
    session.chdir(TOP)
    args = ["-rP", "--durations=0", "-p", "no:cacheprovider", "test/build", *session.posargs]
    session.run("python", "-m", "pytest", *args, env=mpiexec_env())
