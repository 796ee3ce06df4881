"""The `memlab` command: a thin shell over public functions.

Each subcommand lives in its own module of `memlab.commands`; this module only dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from memlab.db.versions import memlab_version
from memlab.errors import MemlabError

__all__ = ["main"]

# One module of `memlab.commands` per subcommand, in the order `--help` lists them.
COMMANDS = ("demo", "datasets", "replay", "report", "view", "cache", "export")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the `memlab` command line; exits with the subcommand's code."""
    parser = argparse.ArgumentParser(prog="memlab", description="Measure agent memory designs.")
    parser.add_argument("--version", action="version", version=f"memlab {memlab_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"memlab.commands.{name}").register(sub)
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args))
    except MemlabError as exc:
        print(f"memlab: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc
    if code:
        raise SystemExit(code)
