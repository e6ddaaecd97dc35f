"""What a GitHub Actions workflow runs, modelled offline: every combination of a job's matrix, the
expressions and variables of its steps expanded, its shell scripts split into commands, and the nox
sessions those commands select (``nox -s ...``), per runner platform as nox's ``MPI4PY_NOX_PLATFORM``
spells it. ``test/unit/test_workflows.py`` checks the real workflows with it; ``test_workflow_model.py``
checks the model.
"""

from __future__ import annotations

import itertools
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# nox options a workflow may use: explicit session selection, nothing that widens it.
NOX_SESSION_OPTIONS = {"-s", "--session", "--sessions", "-e"}
NOX_VALUE_OPTIONS = {"-P", "--force-python", "-f", "--noxfile", "-db", "--default-venv-backend"}
NOX_FLAG_OPTIONS = {"-r", "--reuse-existing-virtualenvs", "-R", "-x", "--stop-on-first-error", "--non-interactive", "-v", "--verbose"}

SHELL_OPERATORS = {"&&", "||", ";", "|", "&", "(", ")", ";;"}


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{path.name}: not a YAML mapping"
    if True in doc:  # YAML 1.1 reads the key `on` as a boolean
        doc["on"] = doc.pop(True)
    return doc


def matrix_combinations(job: dict[str, Any]) -> list[dict[str, Any]]:
    """Every value set of the job's matrix (axes product, minus exclude, plus include)."""
    matrix = job.get("strategy", {}).get("matrix")
    if matrix is None:
        return [{}]
    if not isinstance(matrix, dict):
        raise AssertionError(f"matrix must be written out (got {matrix!r}): the cross-check has to see every value")
    axes = {key: values for key, values in matrix.items() if key not in ("include", "exclude")}
    combos = [dict(zip(axes, values)) for values in itertools.product(*axes.values())] if axes else []
    for excluded in matrix.get("exclude", []):
        combos = [c for c in combos if not all(c.get(k) == v for k, v in excluded.items())]
    originals = list(combos)
    for included in matrix.get("include", []):
        shared = {k: v for k, v in included.items() if k in axes}
        targets = [c for c in originals if shared and all(c.get(k) == v for k, v in shared.items())]
        if targets:
            for target in targets:
                target.update(included)
        else:
            combos.append(dict(included))
    return combos


EXPRESSION = re.compile(r"\$\{\{\s*(matrix|env)\.([\w-]+)\s*\}\}")


def substitute_expressions(text: str, matrix: dict[str, Any], env: dict[str, str]) -> str:
    def value(m: re.Match[str]) -> str:
        scope, key = m.group(1), m.group(2)
        source: dict[str, Any] = matrix if scope == "matrix" else env
        return str(source[key]) if key in source else m.group(0)

    return EXPRESSION.sub(value, text)


def substitute_variables(script: str, env: dict[str, str]) -> str:
    """Replace $NAME / ${NAME} / $env:NAME for the variables the step defines; leave the rest."""

    def value(m: re.Match[str]) -> str:
        name = m.group("a") or m.group("b") or m.group("c")
        return env.get(name, m.group(0))

    return re.sub(r"\$\{(?P<a>\w+)\}|\$env:(?P<c>\w+)|\$(?P<b>\w+)", value, script)


@dataclass(frozen=True)
class Step:
    workflow: str
    job: str
    shell: str
    script: str  # expanded for one matrix combination
    platform: str  # the runner's, as nox's MPI4PY_NOX_PLATFORM spells it

    @property
    def where(self) -> str:
        return f"{self.workflow}: job {self.job}"


def runner_platform(runs_on: str, in_container: bool) -> str:
    """linux / darwin / win32 for a GitHub-hosted runner label (a job container is Linux)."""
    label = runs_on.strip().lower()
    assert "${{" not in label, f"runs-on {runs_on!r} must expand from the matrix"
    if in_container or label.startswith("ubuntu"):
        return "linux"
    if label.startswith("macos"):
        return "darwin"
    if label.startswith("windows"):
        return "win32"
    raise AssertionError(f"runs-on {runs_on!r}: not a GitHub-hosted ubuntu-*, macos-* or windows-* label")


def expanded_steps(path: Path) -> list[Step]:
    """Every ``run`` step of the workflow at ``path``, once per matrix combination of its job."""
    name = path.name
    doc = load(path)
    steps: list[Step] = []
    top_env = {k: str(v) for k, v in (doc.get("env") or {}).items()}
    top_shell = (doc.get("defaults") or {}).get("run", {}).get("shell", "bash")
    for job_id, job in doc["jobs"].items():
        job_shell = (job.get("defaults") or {}).get("run", {}).get("shell", top_shell)
        for combo in matrix_combinations(job):
            env = dict(top_env)
            env.update({k: substitute_expressions(str(v), combo, env) for k, v in (job.get("env") or {}).items()})
            platform = runner_platform(substitute_expressions(str(job["runs-on"]), combo, env), "container" in job)
            for step in job.get("steps", []):
                if "run" not in step:
                    continue
                step_env = dict(env)
                step_env.update({k: substitute_expressions(str(v), combo, env) for k, v in (step.get("env") or {}).items()})
                script = substitute_expressions(step["run"], combo, step_env)
                script = substitute_variables(script, step_env)
                steps.append(Step(name, job_id, step.get("shell", job_shell), script, platform))
    return steps


def commands(script: str) -> list[list[str]]:
    """Split a POSIX shell script into simple commands (tokens), one line at a time after joining
    backslash continuations; `&&`, `||`, `;`, `|` also end a command."""
    result: list[list[str]] = []
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        current: list[str] = []
        for token in lexer:
            if token in SHELL_OPERATORS:
                result.append(current)
                current = []
            else:
                current.append(token)
        result.append(current)
    return [cmd for cmd in result if cmd]


def nox_arguments(command: list[str]) -> list[str] | None:
    """The arguments of a nox invocation (`nox ...`, `/path/nox ...`, `python -m nox ...`), else None."""
    words = list(command)
    while words and re.fullmatch(r"\w+=.*", words[0]):  # leading VAR=value assignments
        words.pop(0)
    if not words:
        return None
    if Path(words[0]).name in ("nox", "nox.exe"):
        return words[1:]
    if re.fullmatch(r"python[\d.]*(\.exe)?", Path(words[0]).name) and words[1:3] == ["-m", "nox"]:
        return words[3:]
    return None


def selected_sessions(args: list[str], where: str) -> list[str]:
    """The sessions named by -s/--session; any option outside the allowed set is an error."""
    selected: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            break
        if arg in NOX_SESSION_OPTIONS:
            i += 1
            while i < len(args) and not args[i].startswith("-"):
                selected.append(args[i])
                i += 1
            continue
        if arg in NOX_VALUE_OPTIONS:
            i += 2
            continue
        if arg in NOX_FLAG_OPTIONS:
            i += 1
            continue
        raise AssertionError(f"{where}: nox argument {arg!r} is not allowed here; select sessions with -s NAME")
    assert selected, f"{where}: `nox {' '.join(args)}` selects no session; name them with -s"
    return selected


@dataclass(frozen=True)
class NoxCall:
    session: str
    where: str
    platform: str


def nox_calls(path: Path) -> list[NoxCall]:
    """Every nox session the workflow at ``path`` runs, with where and on which platform."""
    calls: list[NoxCall] = []
    for step in expanded_steps(path):
        if "pwsh" in step.shell or "powershell" in step.shell:
            assert not re.search(r"\bnox\b", step.script), f"{step.where}: call nox from a bash step"
            continue
        for command in commands(step.script):
            args = nox_arguments(command)
            if args is not None:
                calls.extend(NoxCall(s, step.where, step.platform) for s in selected_sessions(args, step.where))
    return calls


def normalize(session: str) -> str:
    return re.sub(r"\s+", "", session).replace('"', "'")


def base_name(session: str) -> str:
    return re.sub(r"[-(].*", "", session)


