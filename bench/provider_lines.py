"""Provider code size: lines of each built-in plugin's own code, without emulator, harness and tests.

Issue 19 measures how much a provider author writes: a provider should be its conversions plus its
service calls, the rest shared from core. Counted per plugin under ``plugins/NAME/src``, leaving out
the ``emulator`` package and the conformance ``harness`` (module or package), which stand in for the
service rather than talk to it. Two figures: ``lines`` (physical lines, as ``wc -l``) and ``code``
(lines that are neither blank nor a ``#`` comment; docstrings count, they are part of what is read).

Written to bench/results.json under ``provider_lines``: ``now`` is replaced on every run, ``before``
is kept from the first run (the figures before the shared helpers), so the two stay comparable.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("results.json")
LEFT_OUT = frozenset({"emulator", "harness", "harness.py"})


def provider_files(plugin: Path) -> list[Path]:
    """The plugin's own source files: everything under src/ but its emulator and harness."""
    return sorted(
        path
        for path in (plugin / "src").rglob("*.py")
        if not LEFT_OUT.intersection(path.relative_to(plugin / "src").parts[1:])
    )


def count(files: list[Path]) -> dict[str, int]:
    lines = code = 0
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            lines += 1
            stripped = line.strip()
            code += bool(stripped) and not stripped.startswith("#")
    return {"files": len(files), "lines": lines, "code": code}


def measure() -> dict[str, dict[str, int]]:
    return {
        plugin.name: count(provider_files(plugin))
        for plugin in sorted((ROOT / "plugins").iterdir())
        if (plugin / "src").is_dir()
    }


def main() -> None:
    """Count, print a table, and record the figures in results.json."""
    figures = measure()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    entry = results.get("provider_lines") or {}
    before = entry.get("before") or {"commit": commit, "plugins": figures}
    print(f"{'plugin':<12}{'files':>6}{'lines':>7}{'code':>6}   before (lines/code)")
    for name, now in figures.items():
        was = before["plugins"].get(name, {"lines": 0, "code": 0})
        print(
            f"{name:<12}{now['files']:>6}{now['lines']:>7}{now['code']:>6}"
            f"   {was['lines']}/{was['code']}"
        )
    results["provider_lines"] = {"before": before, "now": {"commit": commit, "plugins": figures}}
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
