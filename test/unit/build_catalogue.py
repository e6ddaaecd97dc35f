"""The build-time bad-input catalogue: each case is one wrong setting and the message it must produce.

A case runs exactly what a build runs before compiling anything (``conf/mpibuild/preflight.py``,
or the PEP 517 dispatcher for backend choices) in a subprocess, with a PATH that holds no MPI, and
fake compilers/MPIs made of small shell scripts and headers.  The README "Troubleshooting" section
is generated from the ``symptom``/``fix`` pairs (``python test/unit/build_catalogue.py --readme``)
and both texts are asserted to appear in the real output, so the README cannot drift.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TOP = Path(__file__).resolve().parents[2]
RUN = TOP / "conf" / "run.py"  # runs a conf/ module as a script
# What a PEP 517 frontend does: backend-path (conf/) on the import path, then the hooks.
BACKEND_HOOK = (
    "import sys; {block}"
    "from mpibuild import backend; backend.get_requires_for_build_wheel(); backend.build_wheel({out!r})"
)
MAX_LINES = 30  # "one short message": the error, what was tried, the settings, the fix


@dataclass
class Env:
    """What a case may use: a scratch directory, a PATH without MPI, fake MPIs and compilers."""

    tmp: Path
    nompi_path: str
    fake_a: Path  # wrapper of fake MPI "A" (MPICH-like header and library)
    fake_b: Path  # wrapper of fake MPI "B" (Open MPI-like)
    fake_include: Path  # include dir of fake MPI A (for cfg-only cases)
    fake_libdir: Path

    def script(self, name: str, body: str, mode: int = 0o755) -> Path:
        path = self.tmp / name
        path.write_text(body)
        path.chmod(mode)
        return path

    def cfg(self, text: str, name: str = "my.cfg") -> Path:
        path = self.tmp / name
        path.write_text(text)
        return path


Setup = Callable[[Env], dict[str, str]]


@dataclass
class Case:
    id: str
    setup: Setup
    symptom: str  # the start of the message the user sees (shown in the README)
    fix: str  # text that must appear and tells the fix (shown in the README)
    also: tuple[str, ...] = ()  # more text that must appear (names the input, shows the output)
    runner: str = "preflight"  # or "backend"
    exit_code: int = 1
    readme: str = ""  # cause and fix in words, for the README table (empty: not listed)


CASES: list[Case] = []


def case(id: str, symptom: str, fix: str, *also: str, runner: str = "preflight", exit_code: int = 1,
         readme: str = "") -> Callable[[Setup], Setup]:
    def register(setup: Setup) -> Setup:
        CASES.append(Case(id, setup, symptom, fix, tuple(also), runner, exit_code, readme))
        return setup
    return register


# -- MPI4PY_BUILD_BACKEND --------------------------------------------------------------------

ACCEPTED = "Accepted values: setuptools, scikit-build-core, meson-python"


@case("backend-unknown", "MPI4PY_BUILD_BACKEND='bogus' is not a known build backend", ACCEPTED, runner="backend",
      readme='`MPI4PY_BUILD_BACKEND` has a value we do not know: use one of the listed values or unset it.')
def _(e: Env) -> dict[str, str]:
    return {"MPI4PY_BUILD_BACKEND": "bogus"}


@case("backend-typo", "MPI4PY_BUILD_BACKEND='setuptool' is not a known build backend", ACCEPTED,
      runner="backend")
def _(e: Env) -> dict[str, str]:
    return {"MPI4PY_BUILD_BACKEND": "setuptool"}


@case("backend-meson-not-installed", "MPI4PY_BUILD_BACKEND=meson-python needs meson-python",
      "Install them, or build with build isolation", runner="backend",
      readme="The chosen backend's Python packages are missing in a `--no-build-isolation` build: install them, or drop that option.")
def _(e: Env) -> dict[str, str]:
    return {"MPI4PY_BUILD_BACKEND": "Meson", "HIDE_MODULE": "mesonpy"}


@case("backend-skbuild-not-installed", "MPI4PY_BUILD_BACKEND=scikit-build-core needs scikit-build-core",
      "Install them, or build with build isolation", runner="backend")
def _(e: Env) -> dict[str, str]:
    return {"MPI4PY_BUILD_BACKEND": "cmake", "HIDE_MODULE": "scikit_build_core"}


@case("mpiabi-unknown", "MPI4PY_BUILD_MPIABI='bogus' is not a known MPI ABI", "use one of", "or unset it",
      readme="`MPI4PY_BUILD_MPIABI` picks one variant of the multi-MPI wheel build: use a listed value, or unset it.")
def _(e: Env) -> dict[str, str]:
    return {"MPI4PY_BUILD_MPIABI": "bogus"}


# -- compiler and linker wrappers ----------------------------------------------------------

SET_WRAPPER = "to your MPI C compiler wrapper (for example /usr/bin/mpicc), or unset it"
WORKING_WRAPPER = "to a working MPI C compiler wrapper"
HELLO_FAILED = "cannot build a minimal MPI program"


@case("mpicc-missing", "MPICC='/no/such/mpicc': /no/such/mpicc does not exist", SET_WRAPPER,
      readme="The wrapper path is wrong: point the variable at your MPI's `mpicc`, or unset it.")
def _(e: Env) -> dict[str, str]:
    return {"MPICC": "/no/such/mpicc"}


@case("mpicc-not-executable", "MPI4PY_BUILD_MPICC='…/mpicc': … is not an executable file", SET_WRAPPER,
      "is not an executable file", "MPI4PY_BUILD_MPICC=",
      readme='The wrapper is not executable (or is a directory): give the real wrapper.')
def _(e: Env) -> dict[str, str]:
    return {"MPI4PY_BUILD_MPICC": str(e.script("mpicc", "#!/bin/sh\nexit 0\n", 0o644))}


@case("mpicc-directory", "MPICC='…': … is not an executable file", SET_WRAPPER, "is not an executable file")
def _(e: Env) -> dict[str, str]:
    return {"MPICC": str(e.tmp)}


@case("mpicc-not-on-path", "MPICC='mpicc-nope': 'mpicc-nope' was not found on PATH", SET_WRAPPER,
      readme='A bare wrapper name is looked up on `PATH`: add its directory to `PATH`, or give a full path.')
def _(e: Env) -> dict[str, str]:
    return {"MPICC": "mpicc-nope"}


@case("mpicc-bad-quoting", "MPICC=… is not a valid command line", "quote it as a shell would",
      readme='The value is split like a shell command line: fix the quotes.')
def _(e: Env) -> dict[str, str]:
    return {"MPICC": "ccache 'mpicc"}


@case("mpicc-launcher-missing-wrapper", "MPICC='ccache nompicc': 'nompicc' was not found on PATH", SET_WRAPPER)
def _(e: Env) -> dict[str, str]:
    e.script("ccache", '#!/bin/sh\nexec "$@"\n')
    return {"MPICC": "ccache nompicc", "PATH": f"{e.tmp}{os.pathsep}{e.nompi_path}"}


@case("mpicc-false", HELLO_FAILED, "Fix: set MPICC to a working MPI C compiler wrapper", "$ /bin/false -c hello.c",
      "pip install mpich",
      readme='The wrapper ran but could not build a tiny MPI program; the message shows the command and its output.')
def _(e: Env) -> dict[str, str]:
    return {"MPICC": "/bin/false"}


@case("mpicc-not-mpi", HELLO_FAILED, "Fix: set MPI4PY_BUILD_MPICC to a working MPI C compiler wrapper", "mpi.h")
def _(e: Env) -> dict[str, str]:
    return {"MPI4PY_BUILD_MPICC": "cc"}  # a plain C compiler: mpi.h is not found


@case("mpicc-cxx-only", HELLO_FAILED, "Fix: set MPICC to a working MPI C compiler wrapper",
      "this wrapper compiles C++ only")
def _(e: Env) -> dict[str, str]:
    body = ('#!/bin/sh\nfor a in "$@"; do case "$a" in *.c) echo "mpicxx: error: $a: this wrapper compiles C++ only" >&2; '
            'exit 1;; esac; done\nexec cc "$@"\n')
    return {"MPICC": str(e.script("mpicxx", body))}


@case("mpicc-bad-interpreter", HELLO_FAILED, "Fix: set MPICC to a working MPI C compiler wrapper", "could not run")
def _(e: Env) -> dict[str, str]:
    return {"MPICC": str(e.script("mpicc", "#!/no/such/interpreter\nexec cc \"$@\"\n"))}


@case("mpicc-broken-script", HELLO_FAILED, "Fix: set MPICC to a working MPI C compiler wrapper", "exit 2")
def _(e: Env) -> dict[str, str]:
    return {"MPICC": str(e.script("mpicc", "#!/bin/sh\nif then fi (\n"))}


@case("mpicc-silent-no-output", HELLO_FAILED, "Fix: set MPICC to a working MPI C compiler wrapper",
      "The compile step failed (exit 0, but it wrote no hello.o)")
def _(e: Env) -> dict[str, str]:
    return {"MPICC": str(e.script("mpicc", "#!/bin/sh\nexit 0\n"))}  # "succeeds" but writes nothing


@case("mpicc-from-path-broken", HELLO_FAILED, "does not work; repair that MPI, take it off PATH",
      "[from PATH]",
      readme='The `mpicc` found on `PATH` is broken: repair it, remove it from `PATH`, or choose another with `MPI4PY_BUILD_MPICC`.')
def _(e: Env) -> dict[str, str]:
    e.script("mpicc", "#!/bin/sh\necho 'mpicc: cannot find the MPI installation' >&2\nexit 1\n")
    return {"PATH": f"{e.tmp}{os.pathsep}{e.nompi_path}"}


@case("mpild-missing", "MPILD='/no/such/mpild': /no/such/mpild does not exist", "Set MPILD to your MPI",
      readme='`MPILD`/`MPI4PY_BUILD_MPILD` points to nothing: fix it, or unset it to link with the compiler wrapper.')
def _(e: Env) -> dict[str, str]:
    return {"MPICC": str(e.fake_a), "MPILD": "/no/such/mpild"}


@case("mpild-false", HELLO_FAILED, "Fix: set MPI4PY_BUILD_MPILD to the linker wrapper of the same MPI",
      "The link step failed")
def _(e: Env) -> dict[str, str]:
    return {"MPICC": str(e.fake_a), "MPI4PY_BUILD_MPILD": "/bin/false"}


@case("mixed-wrappers", HELLO_FAILED, "Fix: set MPILD to the linker wrapper of the same MPI as the compiler wrapper",
      "undefined reference to `MPIR_Dup_fn'",
      readme="Compiler and linker wrappers come from different MPIs (e.g. MPICH's `mpicc` with Open MPI's): use one MPI for both.")
def _(e: Env) -> dict[str, str]:
    return {"MPICC": str(e.fake_a), "MPILD": str(e.fake_b)}  # MPICH-like mpi.h, Open MPI-like library


@case("mixed-wrappers-reversed", HELLO_FAILED, "Fix: set MPILD to the linker wrapper of the same MPI",
      "OMPI_C_MPI_DUP_FN")
def _(e: Env) -> dict[str, str]:
    return {"MPICC": str(e.fake_b), "MPILD": str(e.fake_a)}


@case("no-mpi-at-all", "no MPI found (no mpicc on PATH", "pip install mpich", "apt install libmpich-dev",
      "MPI4PY_BUILD_MPICFG=file.cfg",
      readme='No MPI was found: install one (`pip install mpich`, `apt install libmpich-dev`, ...) or set the variables.')
def _(e: Env) -> dict[str, str]:
    return {}


@case("relative-wrapper-path", "", "", "[from MPICC]", exit_code=0)
def _(e: Env) -> dict[str, str]:
    # Compilers run in a temporary directory; "bin/mpicc" relative to the caller must still work.
    (e.tmp / "bin").mkdir()
    (e.tmp / "bin" / "mpicc").symlink_to(e.fake_a)
    return {"MPICC": "bin/mpicc", "CWD": str(e.tmp)}


# -- MPICFG ------------------------------------------------------------------------------------

CFG_HINT = "give the path of an ini file with an [mpi] section"


@case("cfg-missing", "MPICFG='/no/such.cfg': '/no/such.cfg' does not exist", CFG_HINT,
      readme='`MPICFG`/`MPI4PY_BUILD_MPICFG` must name an existing ini file.')
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": "/no/such.cfg"}


@case("cfg-directory", "MPI4PY_BUILD_MPICFG=…: '…' is a directory, not a file", CFG_HINT)
def _(e: Env) -> dict[str, str]:
    return {"MPI4PY_BUILD_MPICFG": str(e.tmp)}


@case("cfg-no-mpi-section", "MPICFG=…: … has no [mpi] section (sections found: [openmpi])",
      "pick one with MPICFG=…:SECTION", "[openmpi]",
      readme='The cfg file has no `[mpi]` section: rename the section, or choose it with `file.cfg:SECTION`.')
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg("[openmpi]\nmpicc = /bin/false\n"))}


@case("cfg-wrong-section", "MPICFG=…: … has no [intel] section", "pick one with MPICFG=", "[mpi]")
def _(e: Env) -> dict[str, str]:
    cfg = e.cfg("[mpi]\nlibraries = mpi\n")
    return {"MPICFG": f"{cfg}:intel"}


@case("cfg-not-ini", "MPICFG=…: cannot read … as an ini file", "File contains no section headers")
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg("mpicc = mpicc\n"))}


@case("cfg-duplicate-key", "MPICFG=…: cannot read … as an ini file", "option 'libraries'")
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg("[mpi]\nlibraries = mpi\nlibraries = mpich\n"))}


@case("cfg-binary", "MPICFG=…: cannot read … as an ini file", "utf-8")
def _(e: Env) -> dict[str, str]:
    path = e.tmp / "binary.cfg"
    path.write_bytes(b"[mpi]\nlibraries = \xff\xfe\n")
    return {"MPICFG": str(path)}


@case("cfg-unknown-key-warns", "unknown key 'incldue_dirs' ignored", "known keys: mpicc, mpild, include_dirs",
      "no MPI found",
      readme='A warning, not an error: a key in the cfg file is misspelt and was ignored.')
def _(e: Env) -> dict[str, str]:
    # a misspelt key: the warning comes before the error it explains
    return {"MPICFG": str(e.cfg(f"[mpi]\nincldue_dirs = {e.fake_include}\n"))}


@case("cfg-unknown-key-only-warns", "unknown key 'color' ignored", "known keys:", exit_code=0)
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg(f"[mpi]\nmpicc = {e.fake_a}\ncolor = blue\n"))}


@case("cfg-bad-define-macros", "define_macros in …: bad macro '1X=2'", "write NAME or NAME=VALUE, separated by spaces",
      readme='`define_macros` takes `NAME` or `NAME=VALUE` items, not `-D` flags.')
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg("[mpi]\ndefine_macros = OK 1X=2\n"))}


@case("cfg-define-macros-with-D", "define_macros in …: bad macro '-DHAVE_X'", "write NAME or NAME=VALUE")
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg("[mpi]\ndefine_macros = -DHAVE_X\n"))}


@case("cfg-bad-undef-macros", "undef_macros in …: bad macro name 'A-B'", "write macro names separated by spaces")
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg("[mpi]\nundef_macros = A-B\n"))}


@case("cfg-libraries-with-l", "libraries in …: write the library name 'mpi', not '-lmpi'", "(no -l)",
      readme='`libraries` takes library names (`mpi`), not linker flags (`-lmpi`).')
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg("[mpi]\nlibraries = -lmpi\n"))}


@case("cfg-bad-args-quoting", "extra_compile_args in …: … is not a valid argument list", "No closing quotation")
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg("[mpi]\nextra_compile_args = -DX='a\n"))}


@case("cfg-include-dir-missing", "include_dirs in …: '/opt/nompi/include' does not exist",
      "Fix: correct include_dirs in that file",
      readme='A directory in `include_dirs`/`library_dirs` does not exist (or uses an unset `$VAR`).')
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg(f"[mpi]\nmpicc = {e.fake_a}\ninclude_dirs = /opt/nompi/include\n"))}


@case("cfg-library-dir-missing", "library_dirs in …: '…/lib64' does not exist", "Fix: correct library_dirs")
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg(f"[mpi]\ninclude_dirs = {e.fake_include}\nlibrary_dirs = lib64\nlibraries = mpi\n"))}


@case("cfg-unset-variable-in-path", "include_dirs in …: '…/$MPI_HOME/include' does not exist (is the environment variable in it unset?)",
      "Fix: correct include_dirs")
def _(e: Env) -> dict[str, str]:
    # $MPI_HOME is not set: kept as written, then reported (relative to the cfg file)
    return {"MPICFG": str(e.cfg("[mpi]\ninclude_dirs = $MPI_HOME/include\nlibraries = mpi\n"))}


@case("cfg-mpicc-missing", "mpicc in …: /opt/nompi/bin/mpicc does not exist", "or unset it")
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg("[mpi]\nmpicc = /opt/nompi/bin/mpicc\n"))}


@case("cfg-settings-do-not-build", HELLO_FAILED, "Fix: correct the settings in", "mpi.h",
      readme="The cfg file's settings cannot build an MPI program; the message shows the command and its output.")
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg("[mpi]\nmpicc =\nlibraries = mpi\n"))}  # plain C compiler, no include dir


@case("cfg-empty-section", "no MPI found (", "pip install mpich", "gives no mpicc, include_dirs or libraries")
def _(e: Env) -> dict[str, str]:
    return {"MPICFG": str(e.cfg("[mpi]\nmpicc =\n"))}


# -- MPI4PY_BUILD_CONFIGURE ---------------------------------------------------------------------


@case("configure-broken-probe-compiler", "MPI4PY_BUILD_CONFIGURE: the compiler cannot build even an empty symbol probe",
      "unset MPI4PY_BUILD_CONFIGURE", "unrecognized command-line option",
      readme='`MPI4PY_BUILD_CONFIGURE` needs a GCC/Clang-like compiler for its probes: change compiler or unset it.')
def _(e: Env) -> dict[str, str]:
    body = (f'#!/bin/sh\ncase "$*" in *-Werror=*) echo "cc: error: unrecognized command-line option" >&2; exit 1;; esac\n'
            f'exec "{e.fake_a}" "$@"\n')
    return {"MPICC": str(e.script("oldcc", body)), "MPI4PY_BUILD_CONFIGURE": "1"}


@case("configure-broken-compiler", HELLO_FAILED, "Fix: set MPICC to a working MPI C compiler wrapper")
def _(e: Env) -> dict[str, str]:
    return {"MPICC": "/bin/false", "MPI4PY_BUILD_CONFIGURE": "yes"}


# -- running a case ------------------------------------------------------------------------------


def run_case(c: Case, e: Env) -> subprocess.CompletedProcess[str]:
    extra = c.setup(e)
    env = {"PATH": e.nompi_path, "HOME": str(e.tmp / "home"), "LC_ALL": "C", "PYTHONDONTWRITEBYTECODE": "1"}
    cwd = extra.pop("CWD", str(e.tmp))
    hide = extra.pop("HIDE_MODULE", "")
    env.update(extra)
    if c.runner == "backend":
        block = f"sys.modules[{hide!r}] = None; " if hide else ""
        code = BACKEND_HOOK.format(block=block, out=str(e.tmp / "out"))
        cmd = [sys.executable, "-c", code]
        env["PYTHONPATH"] = str(TOP / "conf")
    else:
        cmd = [sys.executable, str(RUN), "mpibuild.preflight"]
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def fragments(text: str) -> list[str]:
    """The literal pieces of a symptom/fix text ("…" stands for a path that differs per run)."""
    return [p.strip() for p in text.split("…") if p.strip()]


def readme_section() -> str:
    lines = ["| The error says (… stands for your paths) | Cause and fix |", "| --- | --- |"]
    for c in CASES:
        if c.readme:
            lines.append(f"| `{c.symptom}` … {c.fix} | {c.readme} |")
    return "\n".join(lines)


if __name__ == "__main__" and sys.argv[1:] == ["--readme"]:
    print(readme_section())
