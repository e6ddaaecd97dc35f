""".ci/run's step helpers: together() runs independent steps at once and fails when any of them fails;
logged() runs one; a failed step repeats the lines that say why (why_failed) at the end of its output."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

CI_RUN = Path(__file__).resolve().parents[2] / ".ci" / "run"


def _functions() -> str:
    text = CI_RUN.read_text()
    bodies = []
    for name in ("why_failed", "logged", "together"):
        body = re.search(rf"^{name}\(\) \{{\n.*?^\}}\n", text, re.S | re.M)
        assert body, f"{name}() not found in .ci/run"
        bodies.append(body.group(0))
    return "".join(bodies)


def _run(helper: str, *commands: str) -> subprocess.CompletedProcess[str]:
    quoted = " ".join("'" + c.replace("'", "'\\''") + "'" for c in commands)
    script = f"set -euo pipefail\nstart=$(date +%s)\n{_functions()}{helper} {quoted}\necho after\n"
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)


def run_together(*commands: str) -> subprocess.CompletedProcess[str]:
    return _run("together", *commands)


def run_logged(command: str) -> subprocess.CompletedProcess[str]:
    return _run("logged bash -c", command)


def test_both_succeed_and_both_logs_are_printed() -> None:
    result = run_together("echo first-step", "echo second-step")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "first-step" in out and "second-step" in out and out.rstrip().endswith("after")


def test_one_failure_fails_the_step_after_both_finished() -> None:
    result = run_together("sleep 1; echo slow-step-finished", "echo failing-step; exit 3")
    assert result.returncode != 0
    assert "slow-step-finished" in result.stdout  # the other step ran to its end and its log was shown
    assert "failed: echo failing-step; exit 3" in result.stdout
    assert "after" not in result.stdout  # set -e stops .ci/run there


def test_a_failed_steps_output_comes_last_with_its_tail_repeated() -> None:
    # CI shows the start and the end of a long output: the reason for a failure must be at the end.
    result = run_together("echo failing-step-reason; exit 1", "echo passing-step")
    assert result.returncode != 0
    out = result.stdout
    assert out.index("passing-step") < out.index("failing-step-reason")
    tail = out[out.index("--- last 60 lines of the failed step: echo failing-step-reason"):]
    assert "failing-step-reason" in tail.splitlines()[1]
    assert "passing-step" not in tail


# A nox call with several sessions: the failed one's reason is followed by pages of later sessions.
FAILING_STEP = (
    "echo 'nox > Running session tests_pythons(3.10)'; "
    "echo 'FAILED test/mpi/test_x.py::test_y - AssertionError: the reason'; "
    "echo 'nox > Session tests_pythons(3.10) failed.'; "
    "for i in $(seq 300); do echo later-session-output-$i; done; exit 1"
)


def test_a_failed_steps_reason_is_repeated_at_its_end() -> None:
    for result in (run_logged(FAILING_STEP), run_together(FAILING_STEP, "echo passing-step")):
        assert result.returncode != 0
        out = result.stdout
        assert "after" not in out
        why = out[out.rindex("--- why the step failed"):]
        assert "FAILED test/mpi/test_x.py::test_y - AssertionError: the reason" in why
        assert "nox > Session tests_pythons(3.10) failed." in why
        assert out.count("later-session-output-150") <= 2  # the log is not dumped again in full


def test_a_logged_step_that_passes_prints_its_output_once() -> None:
    result = run_logged("echo FAILED-looking but fine; echo done")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("FAILED-looking") == 1
    assert "why the step failed" not in result.stdout
    assert result.stdout.rstrip().endswith("after")


def test_a_logged_step_keeps_the_commands_exit_code() -> None:
    result = run_logged("echo out; exit 7")
    assert result.returncode == 7
    assert "--- why the step failed (exit 7)" in result.stdout
