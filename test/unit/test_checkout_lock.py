"""noxlib.common's checkout lock: sdist builds from the checkout run one at a time, across processes too."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from noxlib import common

HOLD = 0.6  # seconds the other process keeps the lock


def test_a_second_build_waits_for_the_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fcntl")
    monkeypatch.setattr(common, "TOP", tmp_path)
    ready = tmp_path / "ready"
    holder = (
        "import sys, time; from pathlib import Path; from noxlib import common\n"
        f"common.TOP = Path({str(tmp_path)!r})\n"
        "with common._checkout_lock():\n"
        f"    Path({str(ready)!r}).touch(); time.sleep({HOLD})\n"
    )
    conf = Path(common.__file__).resolve().parents[1]
    other = subprocess.Popen([sys.executable, "-c", holder], env={"PYTHONPATH": str(conf)})
    try:
        while not ready.exists():
            assert other.poll() is None, "the lock holder ended before taking the lock"
            time.sleep(0.01)
        start = time.monotonic()
        with common._checkout_lock():
            waited = time.monotonic() - start
        assert waited > HOLD / 3, f"took the lock after {waited:.3f} s while another process held it"
    finally:
        assert other.wait(timeout=30) == 0


def test_the_lock_is_free_again_afterwards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("fcntl")
    monkeypatch.setattr(common, "TOP", tmp_path)
    for _ in range(2):
        start = time.monotonic()
        with common._checkout_lock():
            pass
        assert time.monotonic() - start < HOLD / 3
    assert (tmp_path / "build" / ".checkout-sdist.lock").is_file()
