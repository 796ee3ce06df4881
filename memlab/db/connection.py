"""One DuckDB database, one cursor per thread, and errors that say who holds the file."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from memlab.errors import StoreError

__all__ = ["Connection"]

_PID = re.compile(r"PID (\d+)")


class Connection:
    """A DuckDB database opened once per process, handing each thread its own cursor.

    DuckDB allows one writing process per file and locks the whole file, even against
    read-only opens, so a second process gets a `StoreError` naming the holder's PID.
    Within a process, threads share the database through per-thread cursors.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._root = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            raise _lock_error(self.path, exc) from exc
        self._root.execute("SET TimeZone = 'UTC'")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self.closed = False

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """Return this thread's cursor, creating it on first use."""
        if self.closed:
            raise StoreError(
                f"the memory store {self.path!r} is closed; open a new DuckDbMemoryDb to continue"
            )
        cur: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._root.cursor()
            cur.execute("SET TimeZone = 'UTC'")
            self._local.cursor = cur
            with self._lock:
                self._cursors.append(cur)
        return cur

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run the block in one transaction on this thread's cursor; roll back on any error."""
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")

    def close(self) -> None:
        """Close every cursor and the database; later use raises `StoreError`."""
        if self.closed:
            return
        self.closed = True
        with self._lock:
            for cur in self._cursors:
                cur.close()
            self._cursors.clear()
        self._root.close()


def _lock_error(path: str, exc: duckdb.IOException) -> StoreError:
    text = str(exc)
    if "lock" not in text.lower():
        return StoreError(f"could not open the memory store {path!r}: {text}")
    match = _PID.search(text)
    holder = f"process {match.group(1)}" if match else "another process"
    return StoreError(
        f"the memory store {path!r} is held by {holder}: DuckDB lets one process open a file "
        "at a time (read-only opens included). Close the other process's DuckDbMemoryDb "
        "(or stop that process), or give this process its own file, then retry."
    )
