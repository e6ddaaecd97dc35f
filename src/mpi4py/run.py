"""Run Python code in an MPI job: ``python -m mpi4py [options] (script.py | -m mod | -c cmd | -) [args]``.

Runs Python code like the ``python`` command, but an uncaught exception on any MPI process
prints its traceback and aborts the whole job with ``MPI_Abort`` instead of leaving the other
processes waiting forever.  ``python -m mpi4py.run`` is the same command; from Python,
``main(argv)`` runs it, ``run_command_line(args)`` runs a program without the abort handling, and
``set_abort_status(status)`` makes the job abort with ``status`` when Python exits.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import NoReturn

USAGE = """\
usage: python -m mpi4py [options] <pyfile> [arg] ...
   or: python -m mpi4py [options] -m <mod> [arg] ...
   or: python -m mpi4py [options] -c <cmd> [arg] ...
   or: python -m mpi4py [options] - [arg] ..."""

HELP = f"""{USAGE}

Run Python code in an MPI job; an uncaught exception on any process aborts the whole job.

options:
  -h, --help           show this help message and exit
  --version            show the mpi4py version and exit
  --prefix             show the mpi4py installation directory and exit
  --mpi-library        show the path of the MPI library in use and exit
  --mpi-std-version    show the MPI standard version and exit
  --mpi-lib-version    show the MPI library version and exit
  --mpi-vendor         show the MPI vendor and version (e.g. MPICH 4.3.2) and exit
  --mpi-abi            show the MPI ABI mpi4py.MPI runs on (mpich, openmpi, mpiabi,
                       msmpi, impi) and exit; MPI4PY_TRACE_ABI=1 shows how it was chosen
  -rc <key=value,...>  set mpi4py.rc options before MPI is initialized
                       (initialize, threads, thread_level, finalize, errors, irecv_bufsz, ...)

program:
  <pyfile>             run a Python script file
  -m <mod>             run a library module as a script
  -c <cmd>             run a program passed in as a string
  -                    read the program from standard input
"""


class UsageError(Exception):
    """Bad command line."""


def _parse_rc_value(text: str) -> object:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    if lowered in ("none", ""):
        return None
    try:
        return int(text)
    except ValueError:
        return text.strip()


def parse_rc(text: str) -> dict[str, object]:
    """``key=value,key=value`` -> keyword arguments for ``mpi4py.rc``."""
    options: dict[str, object] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"-rc: expected key=value, got {item!r}")
        options[key.strip()] = _parse_rc_value(value)
    return options


def mpi_library_path() -> str:
    """Real path of the shared MPI library loaded by ``mpi4py.MPI``."""
    from mpi4py import MPI

    path = MPI._mpi_library_path()
    if path and os.path.isabs(path) and "libmpi" in os.path.basename(path).lower():
        return os.path.realpath(path)
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                candidate = line.split()[-1]
                if os.path.isabs(candidate) and os.path.basename(candidate).lower().startswith(("libmpi", "msmpi", "impi")):
                    return os.path.realpath(candidate)
    except OSError:
        pass
    return os.path.realpath(path) if path else ""


def _abort(code: int) -> NoReturn:
    """Flush output and terminate every process of the job."""
    from mpi4py import MPI

    MPI._abort_job(code)


def _exit_code(exc: SystemExit) -> tuple[int, str | None]:
    return _status_code(exc.code)


def _status_code(code: object) -> tuple[int, str | None]:
    if code is None:
        return 0, None
    if isinstance(code, int):
        return code, None
    return 1, str(code)


def set_abort_status(status: object) -> None:
    """At Python exit, terminate the whole MPI job with ``MPI_Abort`` instead of finalizing MPI.

    ``status`` is an exit status as ``sys.exit`` takes it: an int, ``None`` (0: no abort) or anything
    else (1). mpi4py.MPI's exit handler does the abort (``MPI._set_abort_status``); nothing happens if
    mpi4py.MPI was never imported (no MPI job to abort).
    """
    mpi = sys.modules.get(f"{__spec__.parent}.MPI")
    if mpi is not None:
        mpi._set_abort_status(status)


def run_command_line(args: Sequence[str] | None = None) -> None:
    """Run ``[pyfile | -m mod | -c cmd | -] [arg] ...`` as ``__main__`` (default: ``sys.argv[1:]``).

    Exceptions propagate to the caller (``main`` adds the abort of the job)."""
    _run(*_program(list(sys.argv[1:] if args is None else args)), abort=False)


def _program(args: list[str]) -> tuple[str, str, list[str]]:
    """(kind, target, arguments) of a command line that starts with the program."""
    if not args:
        raise UsageError("no program given (a script, -m module, -c command or -)")
    arg = args.pop(0)
    if arg in ("-m", "-c"):
        if not args:
            raise UsageError(f"argument {arg}: expected one argument")
        return ("module" if arg == "-m" else "command", args.pop(0), args)
    if arg == "-":
        return ("stdin", "-", args)
    if arg.startswith("-"):
        raise UsageError(f"unknown option {arg!r}")
    if not os.path.exists(arg):
        raise UsageError(f"can't open file {arg!r}: no such file")
    return ("path", arg, args)


def run_program(kind: str, target: str, args: Sequence[str]) -> None:
    """Run a script/module/command as ``__main__``; abort the MPI job on an uncaught exception."""
    _run(kind, target, args, abort=True)


def _run(kind: str, target: str, args: Sequence[str], abort: bool) -> None:
    import runpy
    import traceback
    import types

    try:
        if kind == "path":
            sys.argv[:] = [target, *args]
            sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
            runpy.run_path(target, run_name="__main__")
        elif kind == "module":
            sys.argv[:] = [target, *args]
            sys.path.insert(0, "")
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        else:
            source = sys.stdin.read() if kind == "stdin" else target
            sys.argv[:] = ["-" if kind == "stdin" else "-c", *args]
            sys.path.insert(0, "")
            main = types.ModuleType("__main__")
            main.__dict__["__builtins__"] = __builtins__
            sys.modules["__main__"] = main
            exec(compile(source, "<stdin>" if kind == "stdin" else "<string>", "exec"), main.__dict__)
    except SystemExit as exc:
        if not abort:
            raise
        code, message = _exit_code(exc)
        if message is not None:
            print(message, file=sys.stderr)
        if code != 0:
            _abort(code)
        raise
    except BaseException:  # noqa: BLE001 - every uncaught exception must end the whole job
        if not abort:
            raise
        # one write, so the report reaches the launcher whole before the abort tears the job down
        sys.stderr.write(traceback.format_exc())
        _abort(1)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        _main(args)
    except UsageError as exc:
        print(f"{USAGE}\npython -m mpi4py: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _main(args: list[str]) -> None:
    import mpi4py

    while args:
        arg = args.pop(0)
        if arg in ("-h", "--help"):
            print(HELP, end="")
            return
        if arg == "--version":
            print(f"mpi4py {mpi4py.__version__}")
            return
        if arg == "--prefix":
            print(os.path.dirname(os.path.abspath(mpi4py.__file__)))
            return
        if arg == "--mpi-library":
            mpi4py.rc(initialize=False)
            print(mpi_library_path())
            return
        if arg == "--mpi-std-version":
            mpi4py.rc(initialize=False)
            from mpi4py import MPI

            print("MPI-{}.{}".format(*MPI.Get_version()))
            return
        if arg == "--mpi-lib-version":
            mpi4py.rc(initialize=False)
            from mpi4py import MPI

            print(MPI.Get_library_version())
            return
        if arg in ("--mpi-vendor", "--mpi-abi"):
            mpi4py.rc(initialize=False)
            from mpi4py import MPI, _mpiabi

            if arg == "--mpi-abi":
                print(_mpiabi.current_abi(MPI._build_info()["abi"]))
            else:
                name, version = _mpiabi.vendor(MPI.Get_library_version())
                print(f"{name} {version}" if name else MPI.Get_library_version().splitlines()[0].strip())
            return
        if arg == "-rc" or arg.startswith("-rc="):
            if arg == "-rc":
                if not args:
                    raise UsageError("-rc: missing key=value,... argument")
                text = args.pop(0)
            else:
                text = arg[len("-rc="):]
            try:
                mpi4py.rc(**parse_rc(text))
            except (TypeError, ValueError) as exc:
                raise UsageError(str(exc)) from None
            continue
        run_program(*_program([arg, *args]))
        return
    raise UsageError("no program given (a script, -m module, -c command or -)")


if __name__ == "__main__":
    main()
