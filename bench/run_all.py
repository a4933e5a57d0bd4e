"""Run every bench in turn: ``python -m bench.run_all [--full] [--only audit,gateway,...]``.

Each bench prints its figures as it goes; with ``--json FILE`` each appends one JSON line.
Default sizes finish in well under 15 minutes on a 2-core machine; ``--full`` runs the sizes of
docs/performance.md (1M audit entries, 2,000 bids from 200 bidders, open and closed loop,
10,000 bids scored, 100,000 tenders searched, 1,000,000 bids listed).
"""

from __future__ import annotations

import argparse
import importlib
import time
import traceback

BENCHES = ("audit", "verify", "gateway", "scoring", "rush", "open_rush", "payments", "search",
           "search_sqlite", "search_bids")


def main(argv: list[str] | None = None) -> int:
    """Run the selected benches; a failing bench is reported and the others still run."""
    parser = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--only", default=",".join(BENCHES))
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    started = time.monotonic()
    failed = []
    for name in [b for b in args.only.split(",") if b]:
        flags = (["--full"] if args.full else []) + (["--json", args.json] if args.json else [])
        try:
            importlib.import_module(f"bench.{name}").main(flags)
        except Exception:  # one broken bench must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
    print(f"\nall benches: {time.monotonic() - started:.0f}s"
          + (f"; errors in {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
