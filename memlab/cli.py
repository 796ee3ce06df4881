"""The `memlab` command: a thin shell over public functions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from memlab.errors import MemlabError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the `memlab` command line."""
    parser = argparse.ArgumentParser(prog="memlab", description="Measure agent memory designs.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="replay the embedded conversation and show what memory kept")
    demo.add_argument("--db", default="out/demo.duckdb", help="DuckDB file to write (replaced)")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            from memlab.demo import run_demo

            run_demo(db_path=args.db).db.close()
    except MemlabError as exc:
        print(f"memlab: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
