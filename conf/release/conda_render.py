"""Render packaging/conda-recipe for every platform with py-rattler-build and check the result.

Checks (each failure names the variant and what was wrong):

- the recipe parses with rattler-build's strict v1 parser (unknown keys are errors);
- the variant set per platform: mpich+openmpi on linux-64 and osx-arm64, impi on linux-64 and
  win-64, msmpi on win-64, nothing else; every python of variants.yaml for each;
- the build string carries the MPI name (``py311h<hash>_mpich_0``);
- host: python, pip, setuptools, cython and exactly one MPI package, with a lower bound;
- run: python and the MPI's runtime package with a lower bound, a spec that also accepts an
  external MPI (``mpich 4.2.1 external_0``), and the MPI's own run-exports ignored;
- run_exports: mpi4py pinned to its major version (packages built against its headers);
- tests: import mpi4py.MPI, ``--mpi-library``, and conf/smoke.py with the variant's library name;
- with ``--sdist`` (a release form): the rendered ``source`` names that file and has its sha256.

Needs ``py-rattler-build`` and ``py-rattler``; runs offline.  ``python -m release.conda_render``
(``conf`` on ``PYTHONPATH``) ``[--recipe-dir DIR] [--sdist dist/mpi4py-X.tar.gz]``.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TOP = Path(__file__).resolve().parents[2]
RECIPE_DIR = TOP / "packaging" / "conda-recipe"
PLATFORMS = ("linux-64", "osx-arm64", "win-64")
EXPECTED_MPIS = {
    "linux-64": {"mpich", "openmpi", "impi"},
    "osx-arm64": {"mpich", "openmpi"},
    "win-64": {"impi", "msmpi"},
}
# MPI variant -> (host package, run package, a version an external install of it could have, library name in smoke test)
MPI_PACKAGES = {
    "mpich": ("mpich", "mpich", "4.2.1", "MPICH"),
    "openmpi": ("openmpi", "openmpi", "4.1.6", "Open MPI"),
    "impi": ("impi-devel", "impi_rt", "2021.13.1", "Intel"),
    "msmpi": ("msmpi", "msmpi", "10.1.1", "Microsoft"),
}
ALL_MPI_NAMES = {name for entry in MPI_PACKAGES.values() for name in entry[:2]}


class RenderCheckError(Exception):
    pass


@dataclass
class Rendered:
    platform: str
    variant: dict[str, str]
    recipe: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.platform}/mpi={self.variant.get('mpi')}/python={self.variant.get('python')}"


def render(platform: str, recipe_dir: Path = RECIPE_DIR) -> list[Rendered]:
    """Render every variant for ``platform`` as a native build (build platform = target platform)."""
    from rattler_build import JinjaConfig, PlatformConfig, RenderConfig, Stage0Recipe, VariantConfig

    recipe = Stage0Recipe.from_file(str(recipe_dir / "recipe.yaml"))
    config = PlatformConfig(target_platform=platform, build_platform=platform)
    variants = VariantConfig.from_file_with_context(str(recipe_dir / "variants.yaml"), JinjaConfig(platform=config))
    out = []
    for item in recipe.render(variants, RenderConfig(platform=config)):
        out.append(Rendered(platform, {k: str(v) for k, v in item.variant.items()}, item.recipe.to_dict()))
    return out


def python_versions(recipe_dir: Path = RECIPE_DIR) -> set[str]:
    from rattler_build import VariantConfig

    return {str(v) for v in VariantConfig.from_file(str(recipe_dir / "variants.yaml"))["python"]}


def _spec_name(spec: str) -> str:
    return re.split(r"[\s=<>!~]", spec.strip(), maxsplit=1)[0]


def _has_lower_bound(spec: str) -> bool:
    from rattler import MatchSpec

    version = MatchSpec(spec).version
    return version is not None and ">=" in str(version)


def _accepts_external(spec: str, name: str, version: str, platform: str) -> bool:
    """Would ``spec`` accept an external MPI (the ``external_*`` builds that wrap a system MPI)?"""
    from rattler import BuildString, MatchSpec, PackageRecord

    record = PackageRecord(name=name, version=version, build=BuildString("external_0"), build_number=0, subdir=platform)
    return MatchSpec(spec).matches(record)


def _pins_major(spec: str, version: str) -> bool:
    """``spec`` admits this version and the rest of its major series, and not the next major."""
    from rattler import BuildString, MatchSpec, PackageRecord

    def admits(candidate: str) -> bool:
        record = PackageRecord(name="mpi4py", version=candidate, build=BuildString("0"), build_number=0, subdir="noarch")
        return MatchSpec(spec).matches(record)

    major = int(version.split(".")[0])
    return admits(version) and admits(f"{major}.999") and not admits(f"{major + 1}.0")


def pin_to_spec(pin: dict[str, Any], version: str) -> str:
    """A ``pin_subpackage`` as rattler-build resolves it for ``version``: ``upper_bound="x"`` -> ``>=V,<major+1.0a0``."""
    parts = version.split(".")
    lower = pin.get("lower_bound", "x.x.x.x.x.x")
    upper = pin.get("upper_bound", "x.x.x.x.x.x")
    lower_version = ".".join(parts[: len(str(lower).split("."))])
    kept = parts[: len(str(upper).split("."))]
    kept[-1] = str(int(kept[-1]) + 1)
    return f"{pin['name']} >={lower_version},<{'.'.join(kept)}.0a0"


def check_run_exports(item: Rendered) -> list[str]:
    reqs = item.recipe.get("requirements", {})
    exports = reqs.get("run_exports", {})
    entries = exports.get("weak", []) if isinstance(exports, dict) else exports
    version = str(item.recipe["package"]["version"])
    specs = [pin_to_spec(e["pin_subpackage"], version) if isinstance(e, dict) and "pin_subpackage" in e else str(e) for e in entries]
    mine = [s for s in specs if _spec_name(s) == "mpi4py"]
    if len(mine) != 1 or not _pins_major(mine[0], version):
        return [f"{item.label}: run_exports should pin mpi4py to {version.split('.')[0]}.x (>= this version), got {specs}"]
    return []


def check_source(item: Rendered, sdist: Path) -> list[str]:
    """A release form: the url names ``sdist`` and the sha256 is its own."""
    import hashlib

    sources = item.recipe.get("source", [])
    if len(sources) != 1 or "url" not in sources[0]:
        return [f"{item.label}: a release form needs one url source, got {sources}"]
    source = sources[0]
    problems = []
    if str(source["url"]).rsplit("/", 1)[-1] != sdist.name:
        problems.append(f"{item.label}: source url {source['url']} does not name {sdist.name}")
    if source.get("sha256") != hashlib.sha256(sdist.read_bytes()).hexdigest():
        problems.append(f"{item.label}: source sha256 {source.get('sha256')} is not that of {sdist}")
    return problems


def check_variant(item: Rendered, recipe_dir: Path = RECIPE_DIR) -> list[str]:
    problems: list[str] = []
    mpi = item.variant.get("mpi", "")
    if mpi not in MPI_PACKAGES:
        return [f"{item.label}: unknown mpi variant {mpi!r}"]
    host_pkg, run_pkg, external_version, library = MPI_PACKAGES[mpi]
    build = item.recipe.get("build", {})
    string = str(build.get("string", ""))
    if not re.fullmatch(rf"py3\d+h[0-9a-f]+_{mpi}_\d+", string):
        problems.append(f"{item.label}: build string {string!r} does not look like py3XXh<hash>_{mpi}_<n>")

    script = build.get("script", {})
    want = "bld.bat" if item.platform.startswith("win") else "build.sh"
    if script.get("file") != want or not (recipe_dir / want).is_file():
        problems.append(f"{item.label}: build script should be {want} from the recipe directory, got {script.get('file')!r}")
    if script.get("env", {}).get("MPI4PY_CONDA_MPI") != mpi:
        problems.append(f"{item.label}: build script env MPI4PY_CONDA_MPI should be {mpi!r}, got {script.get('env')}")

    reqs = item.recipe.get("requirements", {})
    host = [str(s) for s in reqs.get("host", [])]
    run = [str(s) for s in reqs.get("run", [])]
    for needed in ("python", "pip", "setuptools", "cython"):
        if needed not in {_spec_name(s) for s in host}:
            problems.append(f"{item.label}: host requirements lack {needed}: {host}")
    host_mpis = [s for s in host if _spec_name(s) in ALL_MPI_NAMES]
    if [_spec_name(s) for s in host_mpis] != [host_pkg]:
        problems.append(f"{item.label}: host MPI should be exactly {host_pkg}, got {host_mpis}")
    elif not _has_lower_bound(host_mpis[0]):
        problems.append(f"{item.label}: host {host_mpis[0]!r} has no lower bound")

    run_mpis = [s for s in run if _spec_name(s) in ALL_MPI_NAMES]
    if "python" not in {_spec_name(s) for s in run}:
        problems.append(f"{item.label}: run requirements lack python: {run}")
    if [_spec_name(s) for s in run_mpis] != [run_pkg]:
        problems.append(f"{item.label}: run MPI should be exactly {run_pkg}, got {run_mpis}")
    else:
        spec = run_mpis[0]
        if not _has_lower_bound(spec):
            problems.append(f"{item.label}: run {spec!r} has no lower bound")
        if not _accepts_external(spec, run_pkg, external_version, item.platform):
            problems.append(f"{item.label}: run {spec!r} rejects an external {run_pkg} {external_version} (build external_0)")
    if len(host_mpis) == 1 and len(run_mpis) == 1 and host_pkg == run_pkg:
        # Built against a newer MPI than the run floor, mpi4py links symbols the floor lacks.
        host_floor, run_floor = (re.search(r">=([\d.]+)", s) for s in (host_mpis[0], run_mpis[0]))
        if host_floor and run_floor and host_floor.group(1) != run_floor.group(1):
            problems.append(f"{item.label}: host {host_mpis[0]!r} does not build against the run floor {run_mpis[0]!r}")
    ignored = [str(s) for s in reqs.get("ignore_run_exports", {}).get("from_package", [])]
    if host_pkg not in ignored:
        problems.append(f"{item.label}: the run-exports of {host_pkg} are not ignored (they would pin the exact host version)")

    scripts = [str(line) for test in item.recipe.get("tests", []) for line in test.get("script", [])]
    imports = [str(m) for test in item.recipe.get("tests", []) for m in test.get("python", {}).get("imports", [])]
    files = [str(f) for test in item.recipe.get("tests", []) for f in test.get("files", {}).get("source", [])]
    if "mpi4py.MPI" not in imports:
        problems.append(f"{item.label}: no import test of mpi4py.MPI")
    if not any("--mpi-library" in line for line in scripts):
        problems.append(f"{item.label}: no test prints --mpi-library")
    smoke = [line for line in scripts if "conf/smoke.py" in line]
    if len(smoke) != 1 or f"--expect-library {library}".replace(" ", "") not in smoke[0].replace('"', "").replace(" ", ""):
        problems.append(f"{item.label}: expected one conf/smoke.py test with --expect-library {library!r}, got {smoke}")
    for needed in ("conf/smoke.py", "conf/launch.py"):  # smoke.py imports its sibling launch.py
        if needed not in files:
            problems.append(f"{item.label}: the test does not copy {needed} from the source")
    return problems + check_run_exports(item)


def check_all(recipe_dir: Path = RECIPE_DIR, sdist: Path | None = None) -> tuple[dict[str, list[Rendered]], list[str]]:
    pythons = python_versions(recipe_dir)
    rendered: dict[str, list[Rendered]] = {}
    problems: list[str] = []
    for platform in PLATFORMS:
        items = render(platform, recipe_dir)
        rendered[platform] = items
        seen = {(i.variant.get("mpi"), i.variant.get("python")) for i in items}
        expected = {(m, p) for m in EXPECTED_MPIS[platform] for p in pythons}
        if seen != expected:
            problems.append(f"{platform}: variants {sorted(seen)} != expected {sorted(expected)}")
        if len(items) != len(seen):
            problems.append(f"{platform}: {len(items)} rendered outputs for {len(seen)} distinct (mpi, python) pairs")
        for item in items:
            problems.extend(check_variant(item, recipe_dir))
            if sdist is not None:
                problems.extend(check_source(item, sdist))
    return rendered, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="render and check the conda recipe for every platform")
    parser.add_argument("--recipe-dir", type=Path, default=RECIPE_DIR)
    parser.add_argument("--sdist", type=Path, help="a release form: check that its source is this file")
    args = parser.parse_args(argv)
    try:
        rendered, problems = check_all(args.recipe_dir, args.sdist)
    except Exception as exc:  # rattler-build parse/render errors carry the recipe location
        print(f"conda_render: error: cannot render {args.recipe_dir}: {exc}", file=sys.stderr)
        return 1
    for platform, items in rendered.items():
        mpis = sorted({i.variant["mpi"] for i in items})
        print(f"conda_render: {platform}: {len(items)} variants, mpi={mpis}")
        for item in items:
            reqs = item.recipe["requirements"]
            print(f"  {item.recipe['build']['string']:28} host={reqs['host']} run={reqs['run']}")
    for problem in problems:
        print(f"conda_render: FAIL {problem}")
    total = sum(len(v) for v in rendered.values())
    print(f"conda_render: {total} variants rendered, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
