"""The release forms of the conda recipe and the Homebrew formula, made from the in-tree ones and the sdist.

The in-tree recipe and formula build the checkout they sit in; a feedstock or a tap needs the published
sdist instead. This writes, for ``dist/mpi4py-<version>.tar.gz`` (the file uploaded to PyPI):

- ``<outdir>/conda-recipe/``: the recipe directory with ``source: url`` (PyPI's ``/packages/source/``
  form conda-forge uses) and ``sha256``;
- ``<outdir>/homebrew/mpi4py.rb``: the formula with ``url`` (PyPI's hashed ``files.pythonhosted.org``
  path, which PyPI derives from the file's BLAKE2b-256 digest and which ``brew audit --strict`` asks
  for) and ``sha256``.

Usage (``conf`` on ``PYTHONPATH``; ``nox -s release_recipes`` runs it and checks the result)::

    python -m release.release_forms --sdist dist/mpi4py-X.tar.gz --outdir build/release-recipes
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from release.sync import CONDA_RECIPE, FORMULA, IN_TREE_SOURCE, TOP, SyncError, project_version

CONDA_URL = "https://pypi.org/packages/source/m/mpi4py/mpi4py-${{ version }}.tar.gz"
# The file lives at /packages/<b2[:2]>/<b2[2:4]>/<b2[4:]>/<file name> on PyPI's file host.
PYPI_FILES = "https://files.pythonhosted.org/packages"


def digest(path: Path, algorithm: str) -> str:
    hasher = hashlib.blake2b(digest_size=32) if algorithm == "blake2b_256" else hashlib.new(algorithm)
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def pypi_file_url(sdist: Path) -> str:
    b2 = digest(sdist, "blake2b_256")
    return f"{PYPI_FILES}/{b2[:2]}/{b2[2:4]}/{b2[4:]}/{sdist.name}"


def _replace_source(rel: Path, text: str, new: str) -> str:
    pattern, wanted = IN_TREE_SOURCE[rel]
    if not pattern.search(text):
        raise SyncError(f"{rel}: the in-tree source is not {wanted}; nothing to replace")
    return pattern.sub(lambda _: new, text, count=1)


def conda_release(text: str, sha256: str) -> str:
    text = _replace_source(CONDA_RECIPE, text, f"source:\n  url: {CONDA_URL}\n  sha256: {sha256}\n")
    header = "# conda recipe (rattler-build v1 format) for mpi4py: the release form (conf/release/release_forms.py).\n"
    return re.sub(r"\A(#[^\n]*\n)+", header, text, count=1)


def formula_release(text: str, url: str, sha256: str) -> str:
    text = re.sub(r'^  version "[^"]*"\n', "", text, count=1, flags=re.MULTILINE)  # Homebrew reads it from the url
    text = re.sub(r"^  # This checkout[^\n]*\n(  #[^\n]*\n)*", "", text, count=1, flags=re.MULTILINE)
    return _replace_source(FORMULA, text, f'  url "{url}"\n  sha256 "{sha256}"\n')


def write_release_forms(top: Path, sdist: Path, outdir: Path) -> list[Path]:
    version = project_version(top)
    if sdist.name != f"mpi4py-{version}.tar.gz":
        raise SyncError(f"--sdist {sdist}: expected mpi4py-{version}.tar.gz (the sdist of version {version}); rebuild it")
    if not sdist.is_file():
        raise SyncError(f"--sdist {sdist}: no such file; build it with `nox -s build`")
    sha256 = digest(sdist, "sha256")
    recipe_dir = outdir / "conda-recipe"
    shutil.rmtree(recipe_dir, ignore_errors=True)
    shutil.copytree(top / CONDA_RECIPE.parent, recipe_dir, ignore=shutil.ignore_patterns("README.md"))
    recipe = recipe_dir / CONDA_RECIPE.name
    recipe.write_text(conda_release(recipe.read_text(encoding="utf-8"), sha256), encoding="utf-8")
    formula = outdir / "homebrew" / FORMULA.name
    formula.parent.mkdir(parents=True, exist_ok=True)
    formula.write_text(formula_release((top / FORMULA).read_text(encoding="utf-8"), pypi_file_url(sdist), sha256), encoding="utf-8")
    return [recipe, formula]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="release.release_forms", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdist", type=Path, required=True, help="the sdist published on PyPI")
    parser.add_argument("--outdir", type=Path, required=True)
    parser.add_argument("--top", type=Path, default=TOP)
    args = parser.parse_args(argv)
    try:
        written = write_release_forms(args.top, args.sdist, args.outdir)
    except SyncError as exc:
        print(f"release_forms: error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"release_forms: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
