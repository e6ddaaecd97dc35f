"""Offline checks of the GitHub Actions workflows (.github/workflows), run by ``nox -s lint``.

The checks themselves are the tests in ``test/unit/test_workflows.py`` (schema validation with
check-jsonschema, ``zizmor --offline``, and the cross-check of the nox sessions the workflows call
against ``nox --list --json``, through the workflow model ``conf/workflow_model.py``, which
``test/unit/test_workflow_model.py`` checks); this module installs what they need and runs them.
"""

from __future__ import annotations

import nox

from noxlib.common import TOP

# What test/unit/test_workflows.py needs besides pytest: nox (to list the real sessions), the two
# validators, and a YAML parser.
TOOLS = ("nox", "check-jsonschema", "zizmor", "pyyaml")
TESTS = (TOP / "test" / "unit" / "test_workflow_model.py", TOP / "test" / "unit" / "test_workflows.py")


def check(session: nox.Session) -> None:
    """Validate every workflow offline and cross-check the sessions they call."""
    session.install("pytest", *TOOLS)
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *map(str, TESTS))
