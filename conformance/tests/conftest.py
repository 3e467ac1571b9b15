"""The suite's own tests: its pytest plugin, pytester, and the broken sandboxes next to this file."""

import sys
from pathlib import Path

pytest_plugins = ["calsync_conformance.plugin", "pytester"]

# pytest runs with --import-mode=importlib, which puts no test directory on sys.path; the
# shared helper module next to this file is imported by name, so put it there.
sys.path.insert(0, str(Path(__file__).parent))
