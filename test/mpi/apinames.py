"""Public names of ``mpi4py.MPI`` and of the pure-Python packages, as data for the API-parity test.

``python test/mpi/apinames.py > test/data/mpi4py-4.1-api.json`` and
``python test/mpi/apinames.py --python > test/data/mpi4py-4.1-pyapi.json`` (run with the upstream mpi4py
installed in a throwaway venv) captured the references once; the test imports ``public_names`` and
``python_names`` to list ours.
"""

from __future__ import annotations

import importlib
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


# The pure-Python modules whose public names are compared (mpi4py.util lists its submodules).
PYTHON_MODULES = (
    "mpi4py.futures",
    "mpi4py.util",
    "mpi4py.util.dtlib",
    "mpi4py.util.pkl5",
    "mpi4py.util.pool",
    "mpi4py.util.sync",
)


def module_names(modname: str) -> dict[str, Any]:
    """``{"module": [...], "classes": {name: [...]}}`` for a pure-Python module.

    Module names: ``__all__`` when the module defines it, else every public attribute that is not a
    module (``from .. import MPI`` is not API); a package adds its public submodules.  Classes: those
    the package itself defines (not re-exports of ``concurrent.futures`` or ``mpi4py.MPI``)."""
    module = importlib.import_module(modname)
    exported = getattr(module, "__all__", None)
    if exported is None:
        exported = [n for n in dir(module) if not n.startswith("_") and not isinstance(getattr(module, n), ModuleType)]
    names = set(exported)
    if hasattr(module, "__path__"):
        import pkgutil

        names.update(m.name for m in pkgutil.iter_modules(module.__path__) if not m.name.startswith("_"))
    package = modname.rsplit(".", 1)[0] if modname.count(".") > 1 else modname
    classes = {
        name: sorted(a for a in dir(obj) if not a.startswith("_"))
        for name in sorted(names)
        if isinstance(obj := getattr(module, name, None), type) and obj.__module__.startswith(package)
    }
    return {"module": sorted(names), "classes": classes}


def python_names() -> dict[str, Any]:
    """:func:`module_names` of every module in :data:`PYTHON_MODULES`."""
    return {modname: module_names(modname) for modname in PYTHON_MODULES}


if __name__ == "__main__":
    from mpi4py import MPI, __version__

    names = python_names() if sys.argv[1:] == ["--python"] else public_names(MPI)
    names["version"] = __version__
    json.dump(names, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
