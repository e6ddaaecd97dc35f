"""setuptools entry point; all logic lives in conf/mpibuild (shared with CMake and Meson)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "conf"))

from mpibuild.setuptools_ext import setup_arguments  # noqa: E402
from setuptools import setup  # noqa: E402

setup(**setup_arguments())
