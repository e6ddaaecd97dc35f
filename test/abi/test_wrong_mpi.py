"""A from-source build for MPICH (libmpi.so.12) in a venv where only Open MPI is present now."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_built_for_mpich_now_open_mpi() -> None:
    import mpi4py

    package = Path(mpi4py.__file__).resolve().parent
    assert list(package.glob("MPI.*.so")), "expected a from-source layout (mpi4py/MPI.*.so)"
    assert not (package / "_abi").exists()
    assert (Path(sys.prefix) / "lib" / "libmpi.so.40").exists() and not (Path(sys.prefix) / "lib" / "libmpi.so.12").exists()
    out = subprocess.run([sys.executable, "-c", "from mpi4py import MPI"], capture_output=True, text=True, timeout=60)
    print(out.stderr)
    assert out.returncode == 1
    text = out.stderr
    assert "ImportError: mpi4py.MPI cannot be loaded: this mpi4py was built for the MPICH ABI" in text
    assert "(libmpi.so.12)" in text  # the soname it needs, from the one ABI-variant table
    assert str(package / "mpi.cfg") in text
    assert "libmpi.so.12: cannot open shared object file" in text
    assert f"Open MPI {os.environ['MPI4PY_TEST_VENDOR']}" in text
    assert "pip cache remove mpi4py" in text
    assert "pip install --no-cache-dir --no-binary mpi4py --force-reinstall mpi4py" in text
