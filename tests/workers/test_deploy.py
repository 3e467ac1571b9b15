"""The systemd units in deploy/ pass ``systemd-analyze verify`` (where systemd is installed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS = Path(__file__).parents[2] / "deploy" / "systemd"


@pytest.mark.parametrize("unit", sorted(p.name for p in UNITS.iterdir()))
def test_unit_verifies(unit: str, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # The units name calsync where an admin installs it; here it is this environment's.
    calsync = Path(sys.executable).with_name("calsync")
    for source in UNITS.iterdir():
        text = source.read_text(encoding="utf-8")
        (tmp_path / source.name).write_text(text.replace("/opt/calsync/bin/calsync", str(calsync)))
    target = tmp_path / (unit.replace("@.", "@1.") if "@." in unit else unit)
    if target.name != unit:
        (tmp_path / unit).rename(target)
    done = subprocess.run(
        [analyze, "verify", "--man=no", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
