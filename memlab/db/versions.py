"""Schema versions of a file, read from its migrations ledger, and refusing newer files.

The store (`_migrations`) and the replay lab (`_lab_migrations`) each record the names of the
migrations applied to a file. A name carries its number (`m003_…`, `lab_m002_…`), so a file's
version is the highest number in its ledger. A file whose ledger holds a name this memlab does
not ship, or a higher number, was written by a newer memlab: reading it could misread renamed
columns and writing it could break it for the memlab that wrote it, so both are refused before
anything is written, with one message shape for both ledgers.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Iterable
from typing import NamedTuple

import duckdb

from memlab.errors import StoreError

__all__ = [
    "LedgerState",
    "applied_names",
    "memlab_version",
    "migration_number",
    "newer_schema_error",
    "read_ledger",
    "schema_version",
]

_NUMBER = re.compile(r"(?:^|_)m(\d+)_")


class LedgerState(NamedTuple):
    """What a file's migrations ledger says about its schema."""

    version: int
    """The highest migration number applied (0 for a file without the ledger)."""
    unknown: tuple[str, ...]
    """Applied names this memlab does not ship (a newer memlab wrote them)."""


def migration_number(name: str) -> int | None:
    """The number in a migration's name (`m003_llm_calls_lab` is 3), or None if it has none."""
    match = _NUMBER.search(name)
    return int(match.group(1)) if match else None


def schema_version(names: Iterable[str]) -> int:
    """The version a list of shipped migrations brings a file to: its highest number."""
    return max((migration_number(n) or 0 for n in names), default=0)


def _tables(cur: duckdb.DuckDBPyConnection) -> set[str]:
    rows = cur.execute(
        "SELECT table_name FROM duckdb_tables()"
        " WHERE database_name = current_database() AND schema_name = current_schema()"
    ).fetchall()
    return {r[0] for r in rows}


def applied_names(cur: duckdb.DuckDBPyConnection, *, ledger: str) -> list[str] | None:
    """The migration names `ledger` records, in name order; None when the file has no ledger."""
    if ledger not in _tables(cur):
        return None
    return [r[0] for r in cur.execute(f"SELECT name FROM {ledger} ORDER BY name").fetchall()]


def read_ledger(
    cur: duckdb.DuckDBPyConnection,
    *,
    ledger: str,
    known: Iterable[str],
    unversioned: int = 0,
) -> LedgerState:
    """Read `ledger` (a code constant, never user input) without writing anything.

    Args:
        cur: A cursor on the file.
        ledger: The ledger table.
        known: The migration names this memlab ships for that ledger.
        unversioned: The version of a file that has no ledger (0: nothing applied yet).

    Returns:
        The file's version and the applied names this memlab does not know. A name without a
        number counts as newer than every known one.
    """
    names = applied_names(cur, ledger=ledger)
    if names is None:
        return LedgerState(unversioned, ())
    shipped = set(known)
    newest = schema_version(shipped)
    version = max(
        (newest + 1 if (n := migration_number(name)) is None else n for name in names),
        default=unversioned,
    )
    return LedgerState(version, tuple(n for n in names if n not in shipped))


def memlab_version() -> str:
    """The installed memlab's version, for messages about files from other versions."""
    try:
        return importlib.metadata.version("memlab")
    except importlib.metadata.PackageNotFoundError:
        return "(version unknown)"


def newer_schema_error(
    path: str, *, tables: str, found: LedgerState, supported: int, action: str
) -> StoreError:
    """The error for a file a newer memlab wrote: both versions, and what to do.

    Args:
        path: The file.
        tables: What the ledger versions, as a plural noun ("store tables", "lab tables").
        found: The file's ledger (see `read_ledger`).
        supported: The highest version this memlab reads.
        action: What upgrading lets the user do ("open this file", ...).
    """
    names = ", ".join(found.unknown) or "unknown"
    return StoreError(
        f"{path}: its {tables} are at version {found.version} (migrations {names}), written "
        f"by a newer memlab; this memlab {memlab_version()} reads {tables} up to version "
        f"{supported}. Upgrade memlab (`pip install -U memlab`) to {action}. Nothing was "
        "written to the file."
    )
