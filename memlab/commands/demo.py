"""`memlab demo`: the main job of `make demo` (see `memlab.demo`).

With a model other than memlab's offline baseline, the demo first prints what the grid is
expected to cost (`memlab.lab.running.estimate`) and asks before calling the model: `--yes`
(or `MEMLAB_YES=1`) skips the question; when stdin is not a terminal, the demo goes on only
with `--yes`, so a script never spends money by accident.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from memlab.commands import flags

if TYPE_CHECKING:
    from memlab.lab.running.experiment import Experiment

API_KEY_ENV = flags.field_flag("memlab.lab.running.experiment:Experiment.api_key_env")
"""`--api-key-env NAME`: the experiment's `api_key_env`."""


def register(sub: Any) -> None:
    """Add the `demo` subcommand to `sub` (argparse subparsers)."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="replay the bundled dataset through 20 memory designs, print scores, write a report",
        description="Replay the first test conversations of the bundled synthetic dataset "
        "(memlab-synthetic-v2; 4 by default, --limit N for more) through a grid of "
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
        "--limit",
        type=flags.LIMIT,
        help="replay the first N test conversations (default: 4 of the bundled dataset's 14, "
        "a subset that keeps the demo fast)",
    )
    parser.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key for the model (never stored with the results); a server on "
        "127.0.0.1/localhost gets 'none' by default",
    )
    parser.add_argument(
        "--api-key-env",
        metavar="NAME",
        default=os.environ.get("MEMLAB_API_KEY_ENV") or None,
        type=API_KEY_ENV,
        help="environment variable the model's key is read from (default: "
        "$MEMLAB_API_KEY_ENV, else the provider's own, e.g. OPENAI_API_KEY)",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        default=os.environ.get("MEMLAB_YES") == "1",
        help="with a real model, go on without asking after printing the cost estimate "
        "(default: $MEMLAB_YES=1)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from memlab.demo import DemoDeclined, run_demo

    def confirm(experiment: Experiment, left: int, total: int) -> bool:
        return _confirm(experiment, left, total, yes=args.yes)

    try:
        run_demo(
            out_dir=args.out,
            dataset=args.dataset,
            model=args.model,
            api_base=args.api_base,
            limit=args.limit,
            quiet=args.quiet,
            api_key=args.api_key,
            api_key_env=args.api_key_env,
            confirm=confirm,
        )
    except DemoDeclined as exc:
        print(f"memlab: {exc}", file=sys.stderr)
        return 1
    return 0


def _confirm(experiment: Experiment, left: int, total: int, *, yes: bool) -> bool:
    """Print the grid's cost estimate; True to replay (`--yes`, or "y" at a terminal)."""
    from memlab.lab.running.estimate import estimate_replay, estimate_text

    estimate = estimate_replay(experiment)
    print(estimate_text(estimate).replace("dry run: ", "cost estimate: ", 1), end="")
    if left < total:
        print(
            f"{left} of {total} units are left to run: finished units and cached calls cost "
            "nothing, so the estimate is an upper bound"
        )
    if yes:
        return True
    if not sys.stdin.isatty():
        print(
            "memlab: stdin is not a terminal, so nobody can confirm this spend: pass --yes "
            "(or set MEMLAB_YES=1) to run the demo with this model",
            file=sys.stderr,
        )
        return False
    try:
        answer = input("call the model for this? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")
