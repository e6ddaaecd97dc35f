"""Unit tests of the build configuration in conf/ (no MPI needed)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "conf"))
