"""`memlab report --db results/NAME.duckdb`: write report.md and its plots for one experiment."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from memlab.commands import flags


def register(sub: Any) -> None:
    """Add the `report` subcommand to `sub` (argparse subparsers)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="write report.md and PNG plots for a replay's results file",
        description="Summarize one experiment of a results file written by `memlab replay`: "
        "scores with 95% intervals, tokens, the Pareto set, health and provenance.",
    )
    parser.add_argument(
        "--db",
        required=True,
        type=flags.file_to_read,
        help="results file written by `memlab replay`",
    )
    parser.add_argument(
        "--out",
        default=None,
        type=flags.folder_to_write,
        help="directory for report.md and plots (default: next to --db)",
    )
    parser.add_argument(
        "--experiment", default=None, help="experiment id, when the file holds several"
    )
    parser.add_argument(
        "--n-boot", type=flags.at_least(0), default=1000, help="bootstrap resamples (0: none)"
    )
    parser.add_argument("--seed", type=flags.at_least(0), default=0, help="seed of the bootstrap")
    parser.add_argument(
        "--html",
        default=None,
        metavar="PATH",
        help="also write the probe viewer (as `memlab view` serves it) as one self-contained "
        "HTML file (a large result also gets a folder NAME_files/ of chunks beside it)",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from memlab.lab.analysis.report import write_report
    from memlab.lab.analysis.results import open_results

    db = Path(args.db)
    results = open_results(db, experiment_id=args.experiment)
    try:
        out = Path(args.out) if args.out else db.parent / f"{db.stem}-report"
        path = write_report(results, out, n_boot=args.n_boot, seed=args.seed)
        if args.html:
            from memlab.lab.view import view_page

            page = view_page(results, n_boot=args.n_boot, seed=args.seed)
            print(f"wrote {page.save(args.html)}")
    finally:
        results.close()
    print(f"wrote {path}")
    return 0
