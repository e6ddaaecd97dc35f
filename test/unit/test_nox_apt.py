"""common.ensure_apt: the one apt policy of the nox sessions (install only with ``-- --apt``, as root)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from noxlib import common, wheels

pytestmark = pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="needs dpkg (Debian/Ubuntu)")


class Stop(Exception):
    pass


class FakeSession:
    """Records what a session would run; ``error`` stops like nox's does."""

    def __init__(self, *posargs: str) -> None:
        self.posargs = list(posargs)
        self.runs: list[tuple[str, ...]] = []

    def error(self, message: str) -> None:
        raise Stop(message)

    def log(self, message: str) -> None:
        pass

    def run(self, *args: str, **kwargs: Any) -> None:
        self.runs.append(args)


def test_installed_packages_need_nothing() -> None:
    session = FakeSession()
    common.ensure_apt(session, ["dpkg", "dpkg"], "this test")  # type: ignore[arg-type]
    common.ensure_apt(session, [], "this test")  # type: ignore[arg-type]
    assert session.runs == []


def test_without_the_switch_it_names_packages_and_command() -> None:
    session = FakeSession()
    with pytest.raises(Stop) as exc:
        common.ensure_apt(session, ["dpkg", "no-such-package-xyz"], "the test session")  # type: ignore[arg-type]
    message = str(exc.value)
    assert "the test session" in message and "apt-get install -y no-such-package-xyz" in message
    assert "-- --apt" in message and "dpkg " not in message
    assert session.runs == []


def test_with_the_switch_as_root_it_installs_only_the_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common.os, "geteuid", lambda: 0)
    session = FakeSession("--apt")
    common.ensure_apt(session, ["dpkg", "no-such-package-xyz"], "the test session")  # type: ignore[arg-type]
    install = session.runs[-1]
    assert install[:2] == ("apt-get", "install") and install[-1] == "no-such-package-xyz" and "dpkg" not in install


def test_with_the_switch_but_not_root_it_says_sudo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common.os, "geteuid", lambda: 1000)
    with pytest.raises(Stop, match="sudo apt-get install -y no-such-package-xyz"):
        common.ensure_apt(FakeSession("--apt"), ["no-such-package-xyz"], "x")  # type: ignore[arg-type]


def test_wheels_keeps_the_switch_from_cibuildwheel() -> None:
    session = FakeSession("--only", "cp311-manylinux_x86_64", "--apt")
    assert wheels.cibuildwheel_args(session) == ["--only", "cp311-manylinux_x86_64"]  # type: ignore[arg-type]
    assert wheels.missing_programs("sh", "no-such-program-xyz") == ["no-such-program-xyz"]
