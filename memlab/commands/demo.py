"""`memlab demo`: the main job of `make demo`."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add the `demo` subcommand to `sub` (argparse subparsers)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo", help="replay the embedded conversation and show what memory kept"
    )
    parser.add_argument("--db", default="out/demo.duckdb", help="DuckDB file to write (replaced)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from memlab.demo import run_demo

    run_demo(db_path=args.db).db.close()
    return 0
