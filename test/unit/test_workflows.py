"""The GitHub Actions workflows, checked offline.

- every workflow validates against the GitHub workflow JSON schema (check-jsonschema's vendored copy);
- ``zizmor --offline`` (pedantic persona) reports nothing that is not ignored inline with a reason;
- every nox session a workflow calls exists in ``noxfile.py``, per the real ``nox --list --json``
  for the job's runner platform (``MPI4PY_NOX_PLATFORM=win32`` for Windows runners, so
  ``tests(mpi='msmpi')`` is checked against the Windows session list); matrix values and step ``env``
  are expanded first, so ``nox -s "tests(mpi='$MPI')"`` is checked for each MPI of the matrix;
- every file of this repository a workflow step names exists;
- the release rules: pinned actions, minimal permissions, timeouts, concurrency, trusted publishing;
- the README links each distribution channel to the workflow job that builds it.

The workflow model (matrix, expressions, shell commands, nox calls) is conf/workflow_model.py.
Needs nox, check-jsonschema, zizmor and PyYAML (``nox -s lint`` and ``nox -s tests`` install them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from noxlib.platforms import PLATFORM_VAR, PLATFORMS
from workflow_model import base_name, expanded_steps, load, normalize, nox_calls, runner_platform

TOP = Path(__file__).resolve().parents[2]
WORKFLOW_DIR = TOP / ".github" / "workflows"
WORKFLOWS = {path.name: path for path in sorted(WORKFLOW_DIR.glob("*.yml"))}
EXPECTED_WORKFLOWS = ("ci.yml", "packages.yml", "wheels.yml")

# The sessions the workflows must call between them (docs/architecture.md). `build_image` is the
# offline manylinux image for machines without a registry (.ci/run); GitHub runners pull the real ones.
EXPECTED_SESSIONS = {
    "lint", "tests", "build", "build_matrix", "build_checks", "hardening", "bench",
    "wheels", "wheel_abi", "reproducible", "deb", "rpm", "conda", "brew", "recipes",
}
EXPECTED_TEST_MPIS = {"mpich", "openmpi", "msmpi", "intel"}
SHA_PIN = re.compile(r"^\s*-?\s*uses:\s*(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)(?P<comment>\s+#.*)?$")
REPO_PATH = re.compile(r"(?<![\w./$-])(?:\./)?((?:conf|packaging|test|src|\.github)/[\w./*-]+)")


def tool(name: str) -> str:
    """An executable installed next to this interpreter (the nox session's venv), else on PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: `pip install {name}` (nox -s lint installs it)")
    return found


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=TOP, capture_output=True, text=True, timeout=300, check=False)


def list_sessions(platform: str) -> list[dict[str, Any]]:
    """All sessions of noxfile.py for ``platform``, as `nox --list --json` reports them (`-k True` selects every one)."""
    env = {**os.environ, PLATFORM_VAR: platform}
    out = subprocess.run([sys.executable, "-m", "nox", "--list", "--json", "-k", "True"], cwd=TOP, env=env,
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, f"{PLATFORM_VAR}={platform} nox --list failed:\n{out.stdout}\n{out.stderr}"
    sessions = json.loads(out.stdout)
    assert sessions, "nox --list --json listed no session"
    return sessions


@pytest.fixture(scope="module")
def nox_sessions() -> dict[str, list[dict[str, Any]]]:
    """platform -> its sessions."""
    return {platform: list_sessions(platform) for platform in PLATFORMS}


# ---------------------------------------------------------------------------------------------
# Tests


def test_the_three_workflows_exist() -> None:
    assert set(EXPECTED_WORKFLOWS) <= set(WORKFLOWS), f"missing in .github/workflows: {set(EXPECTED_WORKFLOWS) - set(WORKFLOWS)}"


def test_workflows_match_the_github_schema() -> None:
    out = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS.values()))
    assert out.returncode == 0, f"check-jsonschema:\n{out.stdout}\n{out.stderr}"


def describe(finding: dict[str, Any]) -> str:
    """One line per zizmor finding: audit, severity, file:line of each location."""
    where = []
    for loc in finding.get("locations", []):
        key = loc.get("symbolic", {}).get("key", {}).get("Local", {})
        path = key.get("verbatim_path") or key.get("given_path") or "?"
        row = loc.get("concrete", {}).get("location", {}).get("start_point", {}).get("row")
        where.append(f"{path}:{row + 1 if isinstance(row, int) else '?'}")
    return f"{finding.get('ident')} ({finding.get('determinations', {}).get('severity')}): {', '.join(where)}"


def test_zizmor_offline_finds_nothing() -> None:
    out = run(tool("zizmor"), "--offline", "--persona", "pedantic", "--format", "json", str(WORKFLOW_DIR))
    findings = json.loads(out.stdout or "[]")
    assert not findings, "zizmor findings (fix them, or ignore inline with a reason):\n" + "\n".join(map(describe, findings))
    assert out.returncode == 0, out.stderr


def test_every_zizmor_ignore_says_why() -> None:
    for name, path in WORKFLOWS.items():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = re.search(r"zizmor: ignore\[[\w,-]+\](.*)", line)
            if m:
                assert len(m.group(1).strip()) > 10, f"{name}:{number}: say why the finding is ignored"


def test_every_session_a_workflow_calls_exists(nox_sessions: dict[str, list[dict[str, Any]]]) -> None:
    known = {platform: {normalize(s["session"]) for s in found} | {normalize(s["name"]) for s in found}
             for platform, found in nox_sessions.items()}
    missing: dict[tuple[str, str], set[str]] = {}
    calls = [call for name in WORKFLOWS for call in nox_calls(WORKFLOWS[name])]
    assert calls, f"no nox session call found in the workflows {sorted(WORKFLOWS)}"
    for call in calls:
        if normalize(call.session) not in known[call.platform]:
            missing.setdefault((call.session, call.platform), set()).add(call.where)
    listing = "\n".join(f"  {p}: {', '.join(sorted(s['session'] for s in found))}" for p, found in nox_sessions.items())
    assert not missing, (
        "workflows call nox sessions that noxfile.py does not define for the job's platform:\n"
        + "\n".join(f"  {session!r} on {platform} (called by {'; '.join(sorted(where))})"
                    for (session, platform), where in sorted(missing.items()))
        + f"\nnox --list has:\n{listing}"
    )


def test_windows_jobs_are_checked_against_the_windows_sessions() -> None:
    # The tests-windows job must resolve against MPI4PY_NOX_PLATFORM=win32 (msmpi/intel), the
    # others against Linux/macOS (mpich/openmpi): a Windows MPI on a Linux runner is an error.
    platforms_of = {}
    for call in nox_calls(WORKFLOWS["ci.yml"]):
        m = re.fullmatch(r"tests\(mpi='(\w+)'\)", normalize(call.session))
        if m:
            platforms_of.setdefault(m.group(1), set()).add(call.platform)
    assert platforms_of == {"mpich": {"linux", "darwin"}, "openmpi": {"linux", "darwin"}, "msmpi": {"win32"}, "intel": {"win32"}}
    assert runner_platform("windows-2025", False) == "win32"
    assert runner_platform("ubuntu-24.04", True) == "linux"
    with pytest.raises(AssertionError, match="not a GitHub-hosted"):
        runner_platform("self-hosted", False)


def test_the_workflows_cover_every_session_and_mpi() -> None:
    calls = [call for name in WORKFLOWS for call in nox_calls(WORKFLOWS[name])]
    names = {base_name(call.session) for call in calls}
    assert EXPECTED_SESSIONS <= names, f"sessions no workflow calls: {sorted(EXPECTED_SESSIONS - names)}"
    test_mpis = {m.group(1) for call in calls if (m := re.fullmatch(r"tests\(mpi='(\w+)'\)", normalize(call.session)))}
    assert test_mpis == EXPECTED_TEST_MPIS, f"ci.yml tests MPIs: {sorted(test_mpis)}"


def test_files_named_by_steps_exist() -> None:
    missing = set()
    for name in WORKFLOWS:
        for step in expanded_steps(WORKFLOWS[name]):
            for path in REPO_PATH.findall(step.script):
                if not any(TOP.glob(path.rstrip("/"))):
                    missing.add(f"{path} ({step.where})")
    assert not missing, "workflow steps name files that are not in the repository:\n  " + "\n  ".join(sorted(missing))


@pytest.mark.parametrize("name", EXPECTED_WORKFLOWS)
def test_actions_are_pinned_by_commit(name: str) -> None:
    text = WORKFLOWS[name].read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*-?\s*uses:", line):
            m = SHA_PIN.match(line)
            assert m, f"{name}:{number}: cannot read {line.strip()!r}"
            assert re.fullmatch(r"[0-9a-f]{40}", m.group("ref")), f"{name}:{number}: pin {m.group('action')} by full commit SHA"
            assert m.group("comment") and re.search(r"#\s*v\d", m.group("comment")), f"{name}:{number}: add the tag, e.g. `# v5.0.0`"


@pytest.mark.parametrize("name", EXPECTED_WORKFLOWS)
def test_permissions_timeouts_concurrency(name: str) -> None:
    doc = load(WORKFLOWS[name])
    assert doc.get("permissions") == {"contents": "read"}, f"{name}: top-level permissions must be exactly contents: read"
    assert doc.get("concurrency", {}).get("group"), f"{name}: needs a concurrency group"
    for job_id, job in doc["jobs"].items():
        timeout = job.get("timeout-minutes")
        assert isinstance(timeout, int) and 0 < timeout <= 120, f"{name}: job {job_id} needs timeout-minutes (<= 120)"
        perms = job.get("permissions", {})
        if perms:
            assert job_id == "publish", f"{name}: only the publish job may widen permissions ({job_id}: {perms})"
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                persist = (step.get("with") or {}).get("persist-credentials")
                assert persist is False, f"{name}: {job_id}: checkout needs persist-credentials: false"
            assert "${{" not in step.get("run", ""), f"{name}: {job_id}: pass expressions to `run:` through env, not inline"


def test_ci_tests_oldest_and_newest_python() -> None:
    pyproject = (TOP / "pyproject.toml").read_text(encoding="utf-8")
    oldest = re.search(r'requires-python\s*=\s*">=\s*(3\.\d+)"', pyproject)
    assert oldest, "pyproject.toml: requires-python must read \">=3.X\""
    doc = load(WORKFLOWS["ci.yml"])
    for job_id in ("tests", "tests-windows"):
        versions = sorted(doc["jobs"][job_id]["strategy"]["matrix"]["python"], key=lambda v: tuple(map(int, v.split("."))))
        assert versions[0] == oldest.group(1), f"ci.yml {job_id}: oldest Python must be requires-python's {oldest.group(1)}"
        assert tuple(map(int, versions[-1].split("."))) >= (3, 13), f"ci.yml {job_id}: newest Python {versions[-1]} is too old"


def test_release_is_published_by_trusted_publishing_with_attestations() -> None:
    doc = load(WORKFLOWS["wheels.yml"])
    assert "v*" in doc["on"]["push"]["tags"]
    publish = doc["jobs"]["publish"]
    assert "refs/tags/v" in publish["if"] and "push" in publish["if"]
    assert {"sdist", "wheels", "test-wheels"} <= set(publish["needs"])
    assert publish["permissions"] == {"contents": "read", "id-token": "write", "attestations": "write"}
    assert publish["environment"]["name"] == "pypi"
    uses = [str(step.get("uses", "")).split("@")[0] for step in publish["steps"]]
    assert uses.index("actions/attest-build-provenance") < uses.index("pypa/gh-action-pypi-publish")
    publish_step = next(step for step in publish["steps"] if str(step.get("uses", "")).startswith("pypa/gh-action-pypi-publish@"))
    assert not {"password", "user"} & set(publish_step.get("with") or {}), "trusted publishing needs no password"
    for name in WORKFLOWS:
        for job_id, job in load(WORKFLOWS[name])["jobs"].items():
            if (job.get("permissions") or {}).get("id-token") == "write":
                assert (name, job_id) == ("wheels.yml", "publish"), f"{name}: {job_id} must not mint OIDC tokens"


CHANNEL_ROW = re.compile(
    r"^\|\s*(?P<channel>[\w ]+?)\s*\|.*?\[`(?P<file>[\w-]+\.yml)` → `(?P<job>[\w-]+)`\]\(\.github/workflows/(?P=file)\)"
)


def test_readme_links_each_channel_to_its_job() -> None:
    rows = {}
    for line in (TOP / "README.md").read_text(encoding="utf-8").splitlines():
        m = CHANNEL_ROW.match(line)
        if m:
            rows[m.group("channel")] = (m.group("file"), m.group("job"))
    for channel in ("wheels", "sdist", "conda", "rpm", "deb", "brew"):
        assert channel in rows, f"README.md: no row `| {channel} | ... [`file.yml` → `job`](.github/workflows/file.yml)`"
        file, job = rows[channel]
        assert file in WORKFLOWS, f"README.md: {channel} links {file}, which does not exist"
        assert job in load(WORKFLOWS[file])["jobs"], f"README.md: {channel} links job {job!r}, not in {file}"


def session_output_dirs() -> dict[str, str]:
    """Folders (relative to the top) where the sessions leave what CI uploads, from the session modules themselves."""
    from noxlib import abi, common, packages, recipes, wheels

    folders = {"dist": common.DIST, "wheelhouse": wheels.WHEELHOUSE, "deb": packages.DEB_BUILD, "wheel_abi": abi.WORK / "wheelhouse",
               "release_recipes": recipes.RELEASE_FORMS}
    return {name: path.relative_to(TOP).as_posix() for name, path in folders.items()}


def test_uploaded_artifacts_are_where_the_jobs_put_them() -> None:
    # An upload path is either a folder a nox session writes to (per conf/noxlib), or one a run step
    # of the same job names (rpmbuild's --define _topdir, conda build --output-folder).
    outputs = set(session_output_dirs().values())
    problems = []
    for name in WORKFLOWS:
        for job_id, job in load(WORKFLOWS[name])["jobs"].items():
            scripts = "\n".join(str(step.get("run", "")) for step in job.get("steps", []))
            for step in job.get("steps", []):
                if not str(step.get("uses", "")).startswith("actions/upload-artifact@"):
                    continue
                for line in str(step["with"]["path"]).splitlines():
                    path = re.sub(r"\$\{\{\s*runner\.temp\s*\}\}", "$RUNNER_TEMP", line.strip())
                    folder = path.split("*")[0].rsplit("/", 1)[0]
                    if folder not in outputs and folder not in scripts:
                        problems.append(f"{name}: {job_id}: uploads {path}, but no session writes {folder} and no step names it")
    assert not problems, "\n".join(problems)


def test_deb_artifact_names_match_the_session() -> None:
    from noxlib import packages

    job = load(WORKFLOWS["packages.yml"])["jobs"]["deb"]
    upload = next(step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/upload-artifact@"))
    paths = [line.strip() for line in str(upload["with"]["path"]).splitlines()]
    assert f"{session_output_dirs()['deb']}/{packages.DEB_PACKAGE}_*.deb" in paths
    for source_part in ("mpi4py_*.dsc", "mpi4py_*.debian.tar.xz", "mpi4py_*.orig.tar.gz"):  # the source package too
        assert f"{session_output_dirs()['deb']}/{source_part}" in paths, paths
    assert any(re.search(r"nox -s deb -- --apt", str(step.get("run", ""))) for step in job["steps"]), \
        "the deb job must let `nox -s deb` install debian/control's Build-Depends (-- --apt)"
