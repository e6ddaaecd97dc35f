"""docs/architecture.md matches the tree: every repository path it names exists, every nox session it
names is defined, and its list of session names covers every session ``noxfile.py`` defines."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
ARCHITECTURE = TOP / "docs" / "architecture.md"
# A code span is a repository path when it starts with one of these (or is a file at the top).
PATH_ROOTS = ("src/", "conf/", "test/", "docs/", "packaging/", "bench/", ".ci/", ".github/")
SESSION_LIST = "Session names"  # the paragraph that lists every session


def code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", text)


def named_paths(text: str, top: Path) -> list[str]:
    """Repository paths among the code spans: the first word, without a ``: name`` suffix or trailing punctuation."""
    found: list[str] = []
    for span in code_spans(text):
        word = span.split()[0].split(":")[0].rstrip(",.")
        if word.startswith(PATH_ROOTS) or ("/" not in word and "." in word and (top / word).exists()):
            found.append(word)
    for span in code_spans(text):  # a script named inside a command: `python conf/run.py ...`
        found.extend(w for w in span.split()[1:] if w.startswith(PATH_ROOTS))
    return sorted(set(found))


def path_problems(text: str, top: Path) -> list[str]:
    problems = []
    for path in named_paths(text, top):
        if "<" in path:  # a placeholder such as mpi4py/_abi/<variant>/
            continue
        if not (any(top.glob(path)) if "*" in path else (top / path).exists()):
            problems.append(f"docs/architecture.md names {path}, which does not exist")
    return problems


def named_sessions(text: str) -> tuple[set[str], set[str]]:
    """(every session named anywhere as ``nox -s NAME``, the sessions of the session-names paragraph)."""
    anywhere = set(re.findall(r"nox -s ([A-Za-z0-9_]+)", text))
    paragraph = next((p for p in text.split("\n- ") if p.startswith(SESSION_LIST)), "")
    listed = {s for s in code_spans(paragraph.split(":", 1)[-1]) if re.fullmatch(r"[a-z0-9_]+", s)}
    return anywhere | listed, listed


def session_problems(text: str, defined: set[str]) -> list[str]:
    named, listed = named_sessions(text)
    problems = [f"docs/architecture.md names the nox session {s!r}, which noxfile.py does not define" for s in sorted(named - defined)]
    problems += [f"docs/architecture.md's {SESSION_LIST} omit the session {s!r}" for s in sorted(defined - listed)]
    return problems


@pytest.fixture(scope="module")
def defined_sessions() -> set[str]:
    out = subprocess.run([sys.executable, "-m", "nox", "--list", "--json", "-k", "True"], cwd=TOP,
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, f"nox --list failed:\n{out.stdout}\n{out.stderr}"
    names = {re.sub(r"[-(].*", "", s["name"]) for s in json.loads(out.stdout)}
    assert names, "nox --list --json listed no session"
    return names


def test_every_named_path_exists() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    paths = named_paths(text, TOP)
    assert len(paths) >= 30, f"expected the document to name many paths, found {paths}"
    assert path_problems(text, TOP) == []


def test_sessions_match_the_noxfile(defined_sessions: set[str]) -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert named_sessions(text)[1], f"no session list found in a paragraph starting {SESSION_LIST!r}"
    assert session_problems(text, defined_sessions) == []


def test_checks_catch_a_stale_document() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    stale = text.replace("`conf/launch.py`", "`conf/noxlib/timeout_run.py`", 1) + "\nSee `test/runtests.py`.\n"
    assert path_problems(stale, TOP) == ["docs/architecture.md names conf/noxlib/timeout_run.py, which does not exist",
                                         "docs/architecture.md names test/runtests.py, which does not exist"]
    _, listed = named_sessions(text)
    dropped = text.replace("`typing`, ", "", 1)
    assert session_problems(dropped, listed) == ["docs/architecture.md's Session names omit the session 'typing'"]
    invented = text + "\nRun `nox -s frobnicate`.\n"
    assert session_problems(invented, listed) == [
        "docs/architecture.md names the nox session 'frobnicate', which noxfile.py does not define"]
