"""``python -m calsync_conformance``: the matrix EX id x provider (used by ``calsync conformance``)."""

from __future__ import annotations

import sys

from calsync_conformance.runner import main_args, render_json, render_markdown, run


def main() -> int:
    """Run the suite and print the matrix; exit 1 when a case fails."""
    options = main_args(sys.argv[1:])
    providers, results = run(options["providers"], live=options["live"])
    render = render_json if options["format"] == "json" else render_markdown
    sys.stdout.write(render(providers, results))
    return 1 if any(r.outcome == "fail" for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
