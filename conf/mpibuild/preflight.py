"""The checks every setuptools build runs before any compiling: settings, hello program, CONFIGURE probe.

``python conf/run.py mpibuild.preflight`` runs them alone (exit 1 and one ``error:`` message on bad
input), so the bad-input catalogue is tested exactly as the build reports it, without building.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from mpibuild import config, probe
from mpibuild.config import ConfigError, MPIConfig, Warn


def check(environ: Mapping[str, str] | None = None, warn: Warn | None = None) -> MPIConfig:
    """Resolve the settings and prove they build an MPI program; raise ConfigError naming the input if not."""
    conf = config.resolve(environ, warn=warn)
    config.check_paths(conf)
    probe.check_hello(conf)
    if config.configure_requested(environ):
        probe.check_probe_compiler(conf)
    return conf


def main(argv: list[str] | None = None) -> int:
    from mpibuild import mpiabi

    try:
        environ = mpiabi.build_environ(mpiabi.requested())  # as setuptools_ext does
        conf = check(environ, warn=lambda m: print(f"mpi4py: warning: {m}", file=sys.stderr))
    except ConfigError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    print("mpi4py: MPI settings:\n" + conf.describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
