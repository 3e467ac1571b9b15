"""``python -m calsync_conformance``: the matrix EX id x provider (used by ``calsync conformance``).

Exit codes, as ``calsync`` documents them: 0 every pre-check and case that ran passed
(``partial`` names what it skipped) or is a declared gap; 1 a pre-check or case failed, or
none ran at all (``--live`` without credentials skips every case, which proves nothing);
2 usage: a provider with no conformance harness.
"""

from __future__ import annotations

import sys

from calsync_conformance.runner import main_args, render_json, render_markdown, run

#: Outcomes that mean a case actually ran.
RAN = frozenset({"pass", "partial", "fail", "gap"})


def main() -> int:
    """Run the suite and print the matrix."""
    options = main_args(sys.argv[1:])
    try:
        providers, results = run(options["providers"], live=options["live"])
    except SystemExit as exc:
        if isinstance(exc.code, str):  # no harness for a provider named
            sys.stderr.write(f"calsync conformance: {exc.code}\n")
            return 2
        raise
    render = render_json if options["format"] == "json" else render_markdown
    sys.stdout.write(render(providers, results))
    if any(r.outcome == "fail" for r in results):
        return 1
    if not any(r.outcome in RAN for r in results):
        reasons = sorted({r.reason for r in results if r.reason})[:3]
        sys.stderr.write(
            "calsync conformance: no case ran; every one was skipped"
            + (f" ({'; '.join(reasons)})" if reasons else "")
            + "\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
