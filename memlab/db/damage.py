"""Damaged and foreign files: recognize them and say what is wrong and what to do.

A store or results file can be cut short by a copy, a download or a full disk, garbled on disk,
or not be a DuckDB database at all (an empty file, text, another library's SQLite store).
DuckDB reports these with terse errors, some only on the first read that touches a lost block.
Here each one becomes a `StoreError` that names the file, says what is wrong, and what to do
(restore a copy, salvage the cached model answers, check the path, upgrade).

Three checks run when a file is opened: its first bytes before DuckDB sees it (so DuckDB never
tries to open a SQLite file through an extension, or a text file at all), its length against
the blocks DuckDB says it uses (a cut-off tail can hold live data DuckDB reads only much later;
free blocks are not counted, since a healthy file may have dropped them), and DuckDB's own
errors. Every public method of the store reports DuckDB's errors about lost or garbled blocks
the same way (`reports_damage`). Nothing here writes to the file: memlab never repairs a
damaged file by deleting or overwriting it.
"""

from __future__ import annotations

import functools
import inspect
import os
import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import duckdb

from memlab.errors import StoreError

__all__ = [
    "Problem",
    "check_header",
    "check_length",
    "damage_error",
    "problem_of",
    "reported",
    "reports_damage",
]

_C = TypeVar("_C", bound=type)
_HEADER_BYTES = 3 * 4096  # DuckDB's main header and its two database headers
_DUCKDB_MAGIC = b"DUCK"  # at offset 8, after the header's checksum
_SQLITE_MAGIC = b"SQLite format 3\x00"

_ADVICE_DAMAGED = (
    "memlab does not repair or overwrite a damaged file. Restore it from a backup copy. The "
    "model answers cached in it may still be readable: `python -m memlab.db.salvage {path} "
    "NEW.duckdb` copies them into a new file, and a replay rerun into that file (`memlab "
    "replay CONFIG --db NEW.duckdb`) reuses them instead of asking the models again."
)
_ADVICE_FOREIGN = (
    "memlab keeps memories and results in DuckDB files it creates itself. Check the path; to "
    "start a new file, give a path that does not exist yet. The file was not changed."
)
_ADVICE_EMPTY = (
    "Give a path that does not exist yet (memlab creates the file), or remove the empty file "
    "yourself if nothing else is writing it. The file was not changed."
)
_ADVICE_OTHER_DUCKDB = (
    "Upgrade memlab and DuckDB (`pip install -U memlab duckdb`), or open it with the versions "
    "that wrote it. The file was not changed."
)
_CUT_SHORT = (
    "so part of it is missing (a copy, download or sync was cut short, or the disk filled up "
    "while it was written)"
)


class Problem(NamedTuple):
    """What is wrong with a file, and what to do about it."""

    what: str
    """Completes "<path> …": "is truncated: …", "is corrupt: …"."""
    advice: str
    """What to do; `{path}` stands for the file, quoted for a shell."""


_TRUNCATED = Problem(
    f"is truncated: DuckDB needs bytes past the end of the file, {_CUT_SHORT}", _ADVICE_DAMAGED
)
_GARBLED = Problem(
    "is corrupt: a block of it does not match its checksum, so its bytes were garbled on disk "
    "or in a copy",
    _ADVICE_DAMAGED,
)
_CORRUPT = Problem("is corrupt: DuckDB found inconsistent data in it", _ADVICE_DAMAGED)
_UNREADABLE = Problem("could not be read from the disk (an I/O error)", _ADVICE_DAMAGED)
_NOT_DUCKDB = Problem("is not a DuckDB database file", _ADVICE_FOREIGN)
_OTHER_DUCKDB = Problem(
    f"was written by a DuckDB version that this memlab's DuckDB {duckdb.__version__} cannot "
    "read (most likely a newer one)",
    _ADVICE_OTHER_DUCKDB,
)

# DuckDB's words for each problem, first match wins (its exception classes do not tell them
# apart: a checksum mismatch is a bare `duckdb.Error`, a cut-off file an `IOException`).
_MESSAGES: tuple[tuple[str, Problem], ...] = (
    ("could not read enough bytes", _TRUNCATED),
    ("does not match stored checksum", _GARBLED),
    ("corrupt database file", _CORRUPT),
    ("not a valid duckdb database file", _NOT_DUCKDB),
    ("newer version of duckdb", _OTHER_DUCKDB),
    ("can only read storage versions", _OTHER_DUCKDB),
    ("input/output error", _UNREADABLE),
)


def problem_of(exc: BaseException) -> Problem | None:
    """The file problem a DuckDB error reports, or None when it is about something else."""
    if not isinstance(exc, duckdb.Error):
        return None
    text = str(exc).lower()
    return next((problem for needle, problem in _MESSAGES if needle in text), None)


def damage_error(
    path: str | Path, problem: Problem, exc: BaseException | None = None
) -> StoreError:
    """The `StoreError` for `problem` in the file `path`, quoting DuckDB's words if any."""
    said = f" (DuckDB: {str(exc).strip().splitlines()[0]})" if exc is not None else ""
    advice = problem.advice.format(path=shlex.quote(str(path)))
    return StoreError(f"{path} {problem.what}{said}. {advice}")


def check_header(path: str | Path) -> None:
    """Refuse an existing file that is not a DuckDB database, before DuckDB opens it.

    A missing file is fine (DuckDB creates it); one memlab cannot read the start of is left
    to DuckDB, whose error is then reported.

    Raises:
        StoreError: the file is empty, a SQLite database, or lacks DuckDB's magic bytes.
    """
    file = Path(path)
    try:
        if not file.is_file():
            return
        with file.open("rb") as f:
            head = f.read(16)
    except OSError:
        return
    if not head:
        raise damage_error(
            path, Problem("is empty (0 bytes), not a DuckDB database", _ADVICE_EMPTY)
        )
    if head.startswith(_SQLITE_MAGIC):
        what = "is a SQLite database (another library's store?), not a DuckDB file"
        raise damage_error(path, Problem(what, _ADVICE_FOREIGN))
    if head[8:12] != _DUCKDB_MAGIC:
        what = f"is not a DuckDB database file (it begins with {head!r})"
        raise damage_error(path, Problem(what, _ADVICE_FOREIGN))


def check_length(cur: duckdb.DuckDBPyConnection, path: str | Path) -> None:
    """Refuse a DuckDB file shorter than the blocks it uses (a cut-off tail).

    DuckDB reads blocks lazily, so a file missing its tail opens, and may answer many queries,
    before a read reaches the lost part; comparing lengths finds it at once. Reads only.

    Raises:
        StoreError: the file is truncated.
    """
    # Used blocks, not total: free blocks at the tail may be gone from a healthy file (DuckDB
    # truncates them at a checkpoint) while the header still counts them; every used block
    # occupies its own block of the file, so fewer bytes than those is a cut-off file.
    row = cur.execute(
        "SELECT block_size, used_blocks FROM pragma_database_size()"
        " WHERE database_name = current_database()"
    ).fetchone()
    if row is None:
        return
    expected = _HEADER_BYTES + int(row[0]) * int(row[1])
    actual = os.path.getsize(path)
    if actual < expected:
        what = (
            f"is truncated: it holds {actual:,} bytes where the blocks it uses need {expected:,}, "
            f"{_CUT_SHORT}"
        )
        raise damage_error(path, Problem(what, _ADVICE_DAMAGED))


@contextmanager
def reported(path: str | Path) -> Iterator[None]:
    """Turn a DuckDB error about the file's bytes, raised in the block, into a `StoreError`.

    Other DuckDB errors (a wrong query, a write conflict) pass through unchanged.
    """
    try:
        yield
    except duckdb.Error as exc:
        problem = problem_of(exc)
        if problem is None:
            raise
        raise damage_error(path, problem, exc) from exc


def reports_damage(cls: _C) -> _C:
    """Make every public method of the store class `cls` report a damaged file clearly.

    DuckDB finds a garbled or missing block only when a read reaches it, which can be any
    method's first read; each public method then raises the `StoreError` of `reported`
    (naming `self.path`) instead of DuckDB's bare error. Properties, class and static methods
    and `__init__` (whose open path checks the file itself) are left as they are.
    """
    for name in dir(cls):
        attr = inspect.getattr_static(cls, name)
        if name.startswith("_") or not inspect.isfunction(attr):
            continue
        if inspect.iscoroutinefunction(attr) or inspect.isgeneratorfunction(attr):
            continue
        setattr(cls, name, _reporting(attr))
    return cls


def _reporting(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def reporting(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except duckdb.Error as exc:
            problem = problem_of(exc)
            if problem is None:
                raise
            raise damage_error(self.path, problem, exc) from exc

    return reporting
