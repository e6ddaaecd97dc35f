"""Public names of an ``mpi4py.MPI`` module, as data for the API-parity test.

``python test/mpi/apinames.py > test/data/mpi4py-4.1-api.json`` (run with the upstream mpi4py installed
in a throwaway venv) captured the reference once; the test imports ``public_names`` to list ours.
"""

from __future__ import annotations

import json
import sys
from types import ModuleType
from typing import Any


def public_names(mpi: ModuleType) -> dict[str, Any]:
    """``{"module": [...], "classes": {name: [...]}}``: top-level names and each class's public attributes."""
    module = sorted(n for n in dir(mpi) if not n.startswith("_"))
    classes = {
        name: sorted(a for a in dir(obj) if not a.startswith("_"))
        for name in module
        if isinstance(obj := getattr(mpi, name), type) and obj.__module__ == mpi.__name__
    }
    return {"module": module, "classes": classes}


if __name__ == "__main__":
    from mpi4py import MPI, __version__

    names = public_names(MPI)
    names["version"] = __version__
    json.dump(names, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
