"""`memlab export --db results.duckdb --to postgresql://…`: move a store to PostgreSQL."""

from __future__ import annotations

import argparse
from typing import Any

from memlab.commands import flags


def register(sub: Any) -> None:
    """Add the `export` subcommand to `sub`."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "export",
        help="copy memories, history, runs and summaries from a DuckDB store to PostgreSQL",
        description="Copy one user's or every user's memories, memory history, runs with "
        "their messages and session summaries from a DuckDB store to a PostgreSQL store "
        "(needs `pip install 'memlab[postgres]'`). Ids and times are kept; running it again "
        "changes nothing.",
    )
    parser.add_argument(
        "--db", required=True, type=flags.file_to_read, help="the DuckDB store to read"
    )
    parser.add_argument(
        "--to",
        required=True,
        metavar="POSTGRES_URL",
        help="the target, e.g. postgresql://user:password@host:5432/dbname",
    )
    parser.add_argument("--user", default=None, help="copy only this user (default: all)")
    parser.add_argument(
        "--schema", default="memlab", help="PostgreSQL schema of the store (default: memlab)"
    )
    parser.set_defaults(func=_export)


def _export(args: argparse.Namespace) -> int:
    try:
        from memlab.db.postgres.export import export_to_postgres
    except ImportError as exc:  # psycopg is an optional extra
        from memlab.errors import ConfigError

        raise ConfigError(
            f"memlab export needs psycopg ({exc}): pip install 'memlab[postgres]'"
        ) from exc
    counts = export_to_postgres(args.db, args.to, user_id=args.user, schema=args.schema)
    print(
        f"copied {counts.users} users: {counts.memories} memories, {counts.events} events, "
        f"{counts.runs} runs ({counts.messages} messages), {counts.summaries} summaries "
        f"to schema {args.schema!r}"
    )
    return 0
