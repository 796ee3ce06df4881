"""`memlab replay CONFIG.toml`: run an experiment into a results file, resumably."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the `replay` subcommand to `sub` (argparse subparsers)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "replay",
        help="replay recorded conversations through a grid of memory designs and score them",
        description="Run an experiment (a TOML file) into a DuckDB results file. Running the "
        "same command again resumes: finished units are skipped.",
    )
    parser.add_argument("config", metavar="CONFIG.toml", help="the experiment file")
    parser.add_argument(
        "--db", help="results file (default: results/<experiment name>.duckdb)", default=None
    )
    parser.add_argument("--limit", type=int, help="replay only the first N conversations")
    parser.add_argument("--force", action="store_true", help="recompute finished units too")
    parser.add_argument(
        "--max-cost", type=float, metavar="USD", help="budget in USD per model used"
    )
    parser.add_argument("--concurrency", type=int, help="units (and model calls) at once")
    parser.add_argument(
        "--model", help="use this litellm model for every stage (extract, summary, answer, judge)"
    )
    parser.add_argument(
        "--api-base", help="server for non-memlab models (e.g. http://127.0.0.1:8000/v1)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from memlab.lab.running.experiment import load_experiment
    from memlab.lab.running.runner import replay

    experiment = load_experiment(args.config).with_overrides(
        model=args.model,
        limit=args.limit,
        max_cost_usd=args.max_cost,
        concurrency=args.concurrency,
        api_base=args.api_base,
    )
    db = Path(args.db) if args.db else Path("results") / f"{_slug(experiment.name)}.duckdb"
    results = replay(experiment, db=db, force=args.force, quiet=args.quiet)
    try:
        units = results.units_df()
        probes = results.probes_df()
        errors = int((probes["status"] == "error").sum())
        unhealthy = int((units["health"] != "ok").sum())
        print(
            f"{results.name} ({results.experiment_id}): {len(units)} units, "
            f"{len(probes)} probe rows ({errors} errors), {unhealthy} unhealthy units -> {db}",
            file=sys.stdout,
        )
        print(f"next: memlab report --db {db}")
    finally:
        results.close()
    return 0


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip("-") or "experiment"
