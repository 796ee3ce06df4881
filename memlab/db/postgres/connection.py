"""The connection pool of the PostgreSQL store, and transactions that fail with a clear error.

Every connection of the pool reads and writes the store's own schema (`search_path`) in UTC.
`Pool.atomic` runs a function in one transaction: committed when it returns, rolled back when
it raises. A lost connection (a server restart, `pg_terminate_backend`, a network cut) becomes a
`StoreError` that says nothing of that transaction was written; a serialization failure or a
deadlock between concurrent writers is retried a few times, as DuckDB's store retries its
thread conflicts.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg_pool import ConnectionPool, PoolTimeout

from memlab.errors import ConfigError, StoreError

__all__ = ["Pool", "check_schema_name"]

T = TypeVar("T")
_RETRIES = 5
_SCHEMA = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_CONFLICTS = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)


def check_schema_name(schema: object) -> str:
    """Return `schema` when it is a plain lower-case SQL name, else raise `ConfigError`.

    The name goes into DDL and `search_path`, where parameters cannot be used.
    """
    if not isinstance(schema, str) or not _SCHEMA.fullmatch(schema):
        raise ConfigError(
            f"schema must be a lower-case SQL name (letters, digits, _; at most 63), got "
            f"{schema!r}; for example schema='memlab'"
        )
    return schema


def _hide_password(dsn: str) -> str:
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", re.sub(r"password=\S+", "password=***", dsn))


class Pool:
    """A `psycopg_pool.ConnectionPool` on one schema, with `atomic` transactions.

    Args:
        dsn: A libpq URL or key=value string.
        schema: The schema every connection uses (created by the migrations).
        max_size: Connections kept at most (one per thread that is inside a call).
        timeout_s: How long a call waits for a free connection, or for the server at open.
    """

    def __init__(self, dsn: str, *, schema: str, max_size: int = 8, timeout_s: float = 30.0):
        if not isinstance(dsn, str) or not dsn.strip():
            raise ConfigError(
                f"dsn must be a PostgreSQL URL, got {dsn!r}; for example "
                "'postgresql://user:password@host:5432/dbname'"
            )
        self.schema = check_schema_name(schema)
        self.where = _hide_password(dsn)
        self._closed = False
        self._lock = threading.Lock()
        self._pool = ConnectionPool(
            dsn,
            min_size=1,
            max_size=max_size,
            timeout=timeout_s,
            open=False,
            # Autocommit: a read is one statement; a write opens its own transaction (atomic).
            kwargs={
                "options": f"-c search_path={schema},public -c timezone=UTC",
                "autocommit": True,
            },
            check=ConnectionPool.check_connection,
            name=f"memlab-{schema}",
        )
        try:
            self._pool.open(wait=True, timeout=timeout_s)
        except PoolTimeout as exc:
            self._pool.close()
            raise StoreError(
                f"could not connect to PostgreSQL at {self.where} within {timeout_s:g} s: check "
                "that the server runs, the URL (host, port, user, password, database) and "
                "pg_hba.conf"
            ) from exc

    @property
    def closed(self) -> bool:
        """True once `close()` ran."""
        return self._closed

    def close(self) -> None:
        """Close every connection; later calls raise `StoreError`."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._pool.close()

    def check_open(self) -> None:
        """Raise `StoreError` when the pool is closed."""
        if self._closed:
            raise StoreError(
                f"this PostgresMemoryDb ({self.where}, schema {self.schema}) is closed; "
                "open a new one"
            )

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
        """A pooled connection for reads (its transaction ends when the block does)."""
        self.check_open()
        try:
            with self._pool.connection() as conn:
                yield conn
        except PoolTimeout as exc:
            raise StoreError(
                f"no PostgreSQL connection free within the pool's timeout ({self.where}); "
                "raise max_size or check the server"
            ) from exc
        except psycopg.OperationalError as exc:
            raise StoreError(
                f"lost the connection to PostgreSQL ({self.where}): {exc}; retry the call"
            ) from exc

    def atomic(self, fn: Callable[[psycopg.Cursor[tuple[object, ...]]], T], *, what: str) -> T:
        """Run `fn(cursor)` in one transaction; retry on a conflict with another writer.

        Raises:
            ConfigError: PostgreSQL refused the data (a NUL character, a value out of range);
                nothing was written.
            StoreError: the connection was lost or the server failed; nothing was written.
        """
        for attempt in range(_RETRIES):
            try:
                with self.connection() as conn, conn.transaction(), conn.cursor() as cur:
                    return fn(cur)
            except _CONFLICTS:
                if attempt == _RETRIES - 1:
                    raise StoreError(
                        f"{what} kept conflicting with concurrent writers ({_RETRIES} tries); "
                        "nothing was written, retry later"
                    ) from None
                time.sleep(0.01 * (attempt + 1))
            except StoreError as exc:
                raise StoreError(
                    f"{what} failed: {exc}; the transaction was rolled back, nothing of it was "
                    "written"
                ) from exc
            except (pg_errors.DataError, ValueError) as exc:
                raise ConfigError(
                    f"PostgreSQL refused the data while {what}: {exc}; nothing was written"
                ) from exc
            except psycopg.Error as exc:
                raise StoreError(
                    f"{what} failed on PostgreSQL ({self.where}): {exc}; the transaction was "
                    "rolled back, nothing of it was written"
                ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def read(self, fn: Callable[[psycopg.Cursor[tuple[object, ...]]], T]) -> T:
        """Run a read-only `fn(cursor)`; a server failure is a `StoreError`."""
        try:
            with self.connection() as conn, conn.cursor() as cur:
                return fn(cur)
        except psycopg.Error as exc:
            raise StoreError(f"a read failed on PostgreSQL ({self.where}): {exc}") from exc
