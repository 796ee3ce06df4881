"""`memlab cache export|import|info`: share the model answers a results file paid for."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from memlab.commands import flags


def register(sub: Any) -> None:
    """Add the `cache` subcommand (with `export`, `import`, `info`) to `sub`."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "cache",
        help="export, import and describe shared caches of model answers",
        description="Publish the model answers of a results file with your results: anyone "
        "with the exported file replays the same grid with `memlab replay ... --cache-from "
        "FILE`, without an API key and at no cost.",
    )
    actions = parser.add_subparsers(dest="action", required=True)

    export = actions.add_parser(
        "export", help="write a results file's response cache to a Parquet file"
    )
    export.add_argument(
        "--db", required=True, type=flags.file_to_read, help="the results file (only read)"
    )
    export.add_argument(
        "--to",
        required=True,
        type=flags.file_to_write("cache.parquet"),
        help="the Parquet file to write",
    )
    export.add_argument("--model", type=flags.MODEL, help="export only this model's answers")
    export.add_argument("--force", action="store_true", help="replace --to when it exists")
    export.set_defaults(func=_export)

    into = actions.add_parser(
        "import", help="add a cache export's answers to a results file (never replacing any)"
    )
    into.add_argument("file", metavar="CACHE.parquet", type=flags.file_to_read)
    into.add_argument(
        "--db",
        required=True,
        type=flags.file_to_write("results.duckdb"),
        help="the results file to add the answers to (created when missing)",
    )
    into.set_defaults(func=_import)

    info = actions.add_parser("info", help="describe a cache export (or a results file's cache)")
    info.add_argument("file", metavar="FILE", type=flags.file_to_read)
    info.set_defaults(func=_info)


def _export(args: argparse.Namespace) -> int:
    from memlab.llm.cache_transfer import export_cache

    done = export_cache(args.db, args.to, model=args.model, force=args.force)
    models = ", ".join(f"{m} ({n})" for m, n in done.models.items()) or "none"
    print(f"exported {done.entries} cached model answers to {done.path} (models: {models})")
    print(f"next: memlab replay CONFIG.toml --cache-from {done.path}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from memlab.llm.cache_transfer import import_cache

    done = import_cache(args.file, args.db)
    print(
        f"imported {done.added} cached model answers into {args.db} ({done.same} already there, "
        f"{len(done.conflicts)} conflicts)"
    )
    if not done.conflicts:
        return 0
    print(
        f"memlab: {len(done.conflicts)} requests are cached in {args.db} with a different "
        f"answer than in {args.file}; the answers of {args.db} were kept:",
        file=sys.stderr,
    )
    for conflict in done.conflicts[:20]:
        prompt = f", prompt {conflict.prompt}" if conflict.prompt else ""
        print(f"  {conflict.request_hash} ({conflict.model}{prompt})", file=sys.stderr)
    if len(done.conflicts) > 20:
        print(f"  ... and {len(done.conflicts) - 20} more", file=sys.stderr)
    print(
        "To use the file's answers instead, import it into a new results file.",
        file=sys.stderr,
    )
    return 1


def _info(args: argparse.Namespace) -> int:
    from memlab.llm.cache_info import describe_cache

    print(describe_cache(args.file).text())
    return 0
