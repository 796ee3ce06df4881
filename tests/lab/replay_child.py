"""A replay run in a subprocess that kills itself (SIGKILL) at a chosen point.

Used by test_runner_resume.py: `python replay_child.py DB POINT N`, where POINT is

- `commit`: after the N-th unit committed (between units; others are half-done),
- `session`: after the N-th session any unit ingested (mid-unit: its rows, memories and
  some ledger rows are written, its answers may be in flight),
- `transaction`: inside the N-th unit's commit, after every row was inserted and the ledger
  attributed, before the transaction ends (mid-commit),
- `none`: never.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from replay_fixtures import resume_experiment

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running import runner, unit, unit_loop

db, point, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
counts = {"commit": 0, "session": 0, "transaction": 0}
committing = False


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _count(name: str) -> None:
    counts[name] += 1
    if point == name and counts[name] >= n:
        _die()


real_commit = unit_loop.commit_unit


def commit(*args: Any, **kwargs: Any) -> None:
    """Commit a unit (marking its transaction), then count the commit."""
    global committing
    committing = True
    try:
        real_commit(*args, **kwargs)
    finally:
        committing = False
    _count("commit")


real_transaction = DuckDbMemoryDb.transaction


@contextmanager
def transaction(self: DuckDbMemoryDb) -> Iterator[Any]:
    """The store's transaction; a unit's commit counts, and may die before it ends."""
    with real_transaction(self) as cur:
        yield cur
        if committing:
            _count("transaction")


real_ingest = unit._Replay.ingest_session


async def ingest_session(self: Any, index: int) -> None:
    """Ingest one session of a unit, then count it."""
    await real_ingest(self, index)
    _count("session")


unit_loop.commit_unit = commit  # type: ignore[assignment]
DuckDbMemoryDb.transaction = transaction  # type: ignore[method-assign,assignment]
unit._Replay.ingest_session = ingest_session  # type: ignore[method-assign]
runner.replay(resume_experiment(), db=db, quiet=True, concurrency=2)
print("finished")
