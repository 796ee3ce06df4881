"""`memlab replay CONFIG.toml`: run an experiment into a results file, resumably."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from memlab.commands import flags
from memlab.commands.outcome import EXIT_BUDGET, EXIT_CODES_HELP, ReplayOutcome


def register(sub: Any) -> None:
    """Add the `replay` subcommand to `sub` (argparse subparsers)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "replay",
        help="replay recorded conversations through a grid of memory designs and score them",
        # Lines broken by hand: the raw formatter keeps the exit-code table's layout.
        description="Run an experiment (a TOML file) into a DuckDB results file.\n"
        "Running the same command again resumes: finished units are skipped,\n"
        "units with an error are redone.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "config", metavar="CONFIG.toml", type=flags.file_to_read, help="the experiment file"
    )
    parser.add_argument(
        "--db",
        type=flags.file_to_write("results.duckdb"),
        help="results file (default: results/<experiment name>.duckdb)",
        default=None,
    )
    parser.add_argument("--limit", type=flags.LIMIT, help="replay only the first N conversations")
    parser.add_argument("--force", action="store_true", help="recompute finished units too")
    parser.add_argument(
        "--max-cost", type=flags.MAX_COST, metavar="USD", help="budget in USD per model used"
    )
    parser.add_argument(
        "--concurrency", type=flags.CONCURRENCY, help="units (and model calls) at once"
    )
    parser.add_argument(
        "--model",
        type=flags.MODEL,
        help="use this litellm model for every stage (extract, summary, answer, judge)",
    )
    parser.add_argument(
        "--api-base",
        type=flags.API_BASE,
        help="server for non-memlab models (e.g. http://127.0.0.1:8000/v1)",
    )
    parser.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key for non-memlab models (never stored with the results); a server on "
        "127.0.0.1/localhost gets 'none' by default",
    )
    parser.add_argument(
        "--cache-from",
        metavar="FILE_OR_DB",
        type=flags.file_to_read,
        help="answer model calls from this shared cache too (a `memlab cache export` file or "
        "a results file; only read), e.g. to rerun a published grid without an API key",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--executor",
        choices=("local", "processes", "dask"),
        help="where units run: this process (local, the default), worker processes, or a "
        "Dask cluster; overrides [execution] executor",
    )
    parser.add_argument(
        "--workers", type=flags.WORKERS, help="worker processes (processes, or a dask LocalCluster)"
    )
    parser.add_argument(
        "--scheduler",
        type=flags.SCHEDULER,
        metavar="ADDRESS",
        help="a running Dask scheduler, e.g. tcp://127.0.0.1:8786 (with --executor dask; "
        "without it dask starts a local cluster)",
    )
    parser.add_argument(
        "--max-cost-usd",
        type=flags.RUN_MAX_COST,
        metavar="USD",
        help="budget of this run in USD, all models and workers together: no unit starts "
        "once it is reached, and the run stops resumably (exit code 5)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="refuse a dataset file with any problem (LoCoMo and LongMemEval files are "
        "otherwise loaded leniently: bad evidence ids are skipped and listed)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="call no model: print the calls, tokens and cost each stage is expected to take",
    )
    parser.add_argument("--json", action="store_true", help="with --dry-run: print JSON")
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
        api_key=args.api_key,
        strict=True if args.strict else None,
        execution={
            key: value
            for key, value in (
                ("executor", args.executor),
                ("workers", args.workers),
                ("scheduler", args.scheduler),
            )
            if value is not None
        },
        run_max_cost_usd=args.max_cost_usd,
        cli=True,
    )
    db = Path(args.db) if args.db else Path("results") / f"{_slug(experiment.name)}.duckdb"
    from memlab.commands.replay_plan import dry_run, list_skipped

    if args.json and not args.dry_run:
        from memlab.errors import ConfigError

        raise ConfigError("--json prints the --dry-run estimate: add --dry-run")
    if args.dry_run:
        return dry_run(experiment, db=db, as_json=args.json)
    list_skipped(experiment)
    from memlab.lab.running.budget_guard import RunBudgetReached

    try:
        results = replay(
            experiment, db=db, force=args.force, quiet=args.quiet, cache_from=args.cache_from
        )
    except RunBudgetReached as stopped:
        print(f"memlab: {stopped}", file=sys.stderr)
        return EXIT_BUDGET
    try:
        outcome = ReplayOutcome.of(results)
        print(
            f"{results.name} ({results.experiment_id}): {outcome.units} units, "
            f"{outcome.probe_rows} probe rows ({outcome.errors} errors), "
            f"{len(outcome.unhealthy)} unhealthy units -> {db}",
            file=sys.stdout,
        )
        from memlab.lab.analysis.findings import findings_text

        print("\n" + findings_text(results))
        print(f"next: memlab report --db {db}")
        for problem in outcome.problems():  # after everything is written, as the code says
            print(f"memlab: {problem}", file=sys.stderr)
    finally:
        results.close()
    return outcome.exit_code


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip("-") or "experiment"
