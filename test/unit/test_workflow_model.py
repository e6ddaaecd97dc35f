"""conf/workflow_model.py: the offline model of what a GitHub Actions workflow runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from workflow_model import (
    commands,
    expanded_steps,
    matrix_combinations,
    nox_arguments,
    nox_calls,
    runner_platform,
    selected_sessions,
    substitute_expressions,
    substitute_variables,
)


def test_the_parser_sees_matrix_and_env_values() -> None:
    # The expansion used by the cross-check, on a job shaped like the ones in ci.yml.
    job = {
        "strategy": {"matrix": {"mpi": ["a", "b"], "py": ["3.9"], "include": [{"mpi": "c", "py": "3.14"}]}},
        "steps": [{
            "env": {"MPI": "${{ matrix.mpi }}"},
            "run": "pip install nox && \\\n  nox -P \"${{ matrix.py }}\" -s \"t(mpi='$MPI')\" -- -k x",
        }],
    }
    combos = matrix_combinations(job)
    assert combos == [{"mpi": "a", "py": "3.9"}, {"mpi": "b", "py": "3.9"}, {"mpi": "c", "py": "3.14"}]
    seen = []
    for combo in combos:
        env = {"MPI": substitute_expressions("${{ matrix.mpi }}", combo, {})}
        script = substitute_variables(substitute_expressions(job["steps"][0]["run"], combo, env), env)
        for command in commands(script):
            args = nox_arguments(command)
            if args is not None:
                seen += selected_sessions(args, "example")
    assert seen == ["t(mpi='a')", "t(mpi='b')", "t(mpi='c')"]
    with pytest.raises(AssertionError, match="not allowed"):
        selected_sessions(["-k", "tests"], "example")
    assert nox_arguments(["/opt/nox/bin/nox", "-s", "deb"]) == ["-s", "deb"]
    assert nox_arguments(["python3", "-m", "nox", "-s", "x"]) == ["-s", "x"]
    assert nox_arguments(["noxious", "-s", "x"]) is None


def test_shell_commands_split_at_operators_and_continuations() -> None:
    script = "set -e\nnox -s a && nox -s b || echo 'x && y'; ls | wc \\\n  -l\n"
    assert commands(script) == [["set", "-e"], ["nox", "-s", "a"], ["nox", "-s", "b"], ["echo", "x && y"], ["ls"], ["wc", "-l"]]


def test_runner_labels_map_to_nox_platforms() -> None:
    assert [runner_platform(label, False) for label in ("ubuntu-24.04", "macos-14", "windows-2025")] == ["linux", "darwin", "win32"]
    assert runner_platform("windows-2025", True) == "linux"  # a job container is Linux
    with pytest.raises(AssertionError, match="not a GitHub-hosted"):
        runner_platform("self-hosted", False)
    with pytest.raises(AssertionError, match="must expand from the matrix"):
        runner_platform("${{ matrix.os }}", False)


def test_a_workflow_file_expands_into_its_nox_calls(tmp_path: Path) -> None:
    workflow = tmp_path / "ci.yml"
    workflow.write_text(
        "on: push\n"
        "env:\n  MPI: mpich\n"
        "jobs:\n"
        "  tests:\n"
        "    runs-on: ${{ matrix.os }}\n"
        "    strategy:\n      matrix:\n        os: [ubuntu-24.04, windows-2025]\n        exclude:\n          - os: windows-2025\n"
        "    steps:\n"
        "      - uses: actions/checkout@0000000000000000000000000000000000000000\n"
        "      - run: nox -s \"tests(mpi='$MPI')\" lint\n"
        "  pwsh:\n"
        "    runs-on: windows-2025\n"
        "    defaults:\n      run:\n        shell: pwsh\n"
        "    steps:\n      - run: echo hello\n",
        encoding="utf-8")
    steps = expanded_steps(workflow)
    assert [(s.job, s.platform, s.shell) for s in steps] == [("tests", "linux", "bash"), ("pwsh", "win32", "pwsh")]
    assert [(c.session, c.platform, c.where) for c in nox_calls(workflow)] == [
        ("tests(mpi='mpich')", "linux", "ci.yml: job tests"), ("lint", "linux", "ci.yml: job tests")]
    workflow.write_text(workflow.read_text(encoding="utf-8").replace("echo hello", "nox -s lint"), encoding="utf-8")
    with pytest.raises(AssertionError, match="call nox from a bash step"):
        nox_calls(workflow)
