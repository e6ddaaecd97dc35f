"""Signatures of the callables a ``MPI.pyi`` stub declares, as data for the signature-parity test.

``python test/mpi/signatures.py path/to/upstream/MPI.pyi > test/data/mpi4py-4.1-signatures.json``
captured the reference once from the stub in upstream's 4.1 wheel (only names, kinds and defaults
are stored); the test reads ours from src/mpi4py/MPI.pyi, which ``mypy.stubtest`` holds to the
compiled module.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

# A parameter: [name, kind, default] (default: the source text, None when it has none).
Param = list


def _params(fn: ast.FunctionDef) -> list[Param]:
    a = fn.args
    out: list[Param] = []
    positional = [*a.posonlyargs, *a.args]
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    for i, (arg, default) in enumerate(zip(positional, defaults)):
        kind = "positional-only" if i < len(a.posonlyargs) else "positional-or-keyword"
        out.append([arg.arg, kind, None if default is None else ast.unparse(default)])
    if a.vararg:
        out.append([a.vararg.arg, "var-positional", None])
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        out.append([arg.arg, "keyword-only", None if default is None else ast.unparse(default)])
    if a.kwarg:
        out.append([a.kwarg.arg, "var-keyword", None])
    return out


def _is_accessor(fn: ast.FunctionDef) -> bool:
    names = {ast.unparse(d) for d in fn.decorator_list}
    return "property" in names or any(n.endswith((".setter", ".deleter")) for n in names)


def _collect(body: list[ast.stmt], prefix: str, found: dict[str, list[list[Param]]]) -> None:
    for node in body:
        if isinstance(node, ast.If):  # version-dependent parts (sys.version_info) count as declared
            _collect(node.body, prefix, found)
        elif isinstance(node, ast.ClassDef):
            _collect(node.body, f"{prefix}{node.name}.", found)
        elif isinstance(node, ast.FunctionDef) and not _is_accessor(node):
            found.setdefault(prefix + node.name, []).append(_params(node))


def stub_signatures(path: Path) -> dict[str, list[list[Param]]]:
    """``{"Class.method": [signature, ...]}`` (several when overloaded) of every callable in a stub."""
    found: dict[str, list[list[Param]]] = {}
    _collect(ast.parse(path.read_text()).body, "", found)
    return found


if __name__ == "__main__":
    json.dump(stub_signatures(Path(sys.argv[1])), sys.stdout, indent=0, sort_keys=True)
    sys.stdout.write("\n")
