"""`memlab demo`: the main job of `make demo` (see `memlab.demo`)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from memlab.commands import flags


def register(sub: Any) -> None:
    """Add the `demo` subcommand to `sub` (argparse subparsers)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="replay the bundled dataset through 20 memory designs, print scores, write a report",
        description="Replay the test split of the bundled synthetic dataset through a grid of "
        "ingest x recall designs into RESULTS/demo.duckdb, print the summary table and write "
        "RESULTS/report.md with its plots. Offline by default; MEMLAB_MODEL=<litellm model> "
        "runs the same grid with that model and turns the answer and judge stages on. Running "
        "it again reuses the finished units.",
    )
    parser.add_argument(
        "--out",
        default="results",
        type=flags.folder_to_write,
        help="directory of demo.duckdb and report.md (results)",
    )
    parser.add_argument(
        "--model",
        default=os.environ.get("MEMLAB_MODEL") or None,
        type=flags.MODEL,
        help="litellm model for every stage (default: $MEMLAB_MODEL, else offline)",
    )
    parser.add_argument(
        "--api-base",
        default=os.environ.get("MEMLAB_API_BASE") or None,
        type=flags.API_BASE,
        help="server the model is called at (default: $MEMLAB_API_BASE)",
    )
    parser.add_argument(
        "--dataset",
        default=None,
        type=flags.file_to_read,
        help="dataset file (default: the bundled one)",
    )
    parser.add_argument(
        "--limit", type=flags.LIMIT, help="replay only the first N test conversations"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from memlab.demo import run_demo

    run_demo(
        out_dir=args.out,
        dataset=args.dataset,
        model=args.model,
        api_base=args.api_base,
        limit=args.limit,
        quiet=args.quiet,
    )
    return 0
