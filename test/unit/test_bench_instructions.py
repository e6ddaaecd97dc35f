"""bench.instructions without valgrind: the overhead ratio and the refusal of a path that is no venv."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import instructions


def test_overhead_is_the_bindings_cost_above_c_in_units_of_the_other() -> None:
    assert instructions.overhead(3000, 5000, 1000) == "0.50"
    assert instructions.overhead(1000, 5000, 1000) == "0.00"
    assert instructions.overhead(6000, 5000, 1000) == "1.25"
    assert instructions.overhead(3000, 1000, 1000) == "—"  # the second has no overhead over C to compare with


def test_a_path_without_python_is_refused_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        instructions.main(["--only", "buffer", str(tmp_path)])
    assert exc.value.code == 2
    assert f"VENV {tmp_path}: no bin/python there" in capsys.readouterr().err


def test_the_c_worker_has_every_buffer_case() -> None:
    source = instructions.C_SOURCE.read_text()
    for case in instructions.BUFFER_CASES:
        assert f'"{case}"' in source
