""".ci/run's together(): independent CI steps at once; the step fails when any of them fails."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

CI_RUN = Path(__file__).resolve().parents[2] / ".ci" / "run"


def run_together(*commands: str) -> subprocess.CompletedProcess[str]:
    body = re.search(r"^together\(\) \{\n.*?^\}\n", CI_RUN.read_text(), re.S | re.M)
    assert body, "together() not found in .ci/run"
    quoted = " ".join("'" + c.replace("'", "'\\''") + "'" for c in commands)
    script = f"set -euo pipefail\nstart=$(date +%s)\n{body.group(0)}together {quoted}\necho after\n"
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)


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
