"""Offline checks of the GitHub Actions workflows (.github/workflows), run by ``nox -s lint``.

The checks themselves are the tests in ``test/unit/test_workflows.py`` (schema validation with
check-jsonschema, ``zizmor --offline``, and the cross-check of the nox sessions the workflows call
against ``nox --list --json``); this module installs what they need and runs them.
"""

from __future__ import annotations

import nox

from noxlib.common import TOP

# What test/unit/test_workflows.py needs besides pytest: nox (to list the real sessions), the two
# validators, and a YAML parser.
TOOLS = ("nox", "check-jsonschema", "zizmor", "pyyaml")
TEST = TOP / "test" / "unit" / "test_workflows.py"


def check(session: nox.Session) -> None:
    """Validate every workflow offline and cross-check the sessions they call."""
    session.install("pytest", *TOOLS)
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", str(TEST))
