"""A damaged or foreign store file gets a `StoreError` saying what is wrong and what to do.

Each damaged file is made here from a real store: cut to half or 90% of its length, garbled
(seeded random bytes over its middle half), replaced by text, or emptied. Opening it (which
migrates it) and reading it first must raise that error, and leave the file's bytes as they
were: memlab never repairs a damaged file by deleting or overwriting it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.db.damage import problem_of
from memlab.errors import StoreError
from memlab.schema import UserMemory

RESTORE = "Restore it from a backup copy"
SALVAGE = "python -m memlab.db.salvage"
CHECK_PATH = "Check the path"
NEW_PATH = "Give a path that does not exist yet"


def garble(data: bytes) -> bytes:
    """Overwrite 256 bytes every 64 KiB across the middle half with seeded random bytes."""
    rng = random.Random(17)
    out = bytearray(data)
    for start in range(len(out) // 4, 3 * len(out) // 4, 64 * 1024):
        out[start : start + 256] = rng.randbytes(256)
    return bytes(out)


TEXT = b"user_id,memory\nana,Ana lives in Porto\n" * 50

DAMAGE = [
    pytest.param(lambda b: b[: len(b) // 2], "is truncated", RESTORE, id="truncated-50%"),
    pytest.param(lambda b: b[: len(b) * 9 // 10], "is truncated", RESTORE, id="truncated-90%"),
    pytest.param(
        garble, "is corrupt: a block of it does not match its checksum", RESTORE, id="garbled"
    ),
    pytest.param(lambda b: TEXT, "is not a DuckDB database file", CHECK_PATH, id="text"),
    pytest.param(lambda b: b"", "is empty (0 bytes)", NEW_PATH, id="empty"),
]

Damage = Callable[[bytes], bytes]


def write_store(path: Path) -> Path:
    """A real store: 20 cached model answers, then 2,000 memories (about 2 MB, 8 blocks)."""
    with DuckDbMemoryDb(path) as db:
        for i in range(20):
            db.cache_put(
                f"h{i}",
                model="m",
                response=f"answer {i}",
                input_tokens=3,
                output_tokens=2,
                cost_usd=None,
            )
        for i in range(2000):
            text = f"Ana mentioned fact number {i}: " + "she likes long walks by the river " * 3
            db.add_memory("ana", UserMemory(memory=text))
    return path


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return write_store(tmp_path_factory.mktemp("healthy") / "agent.duckdb").read_bytes()


def _open_and_read(path: Path, *, read_only: bool) -> None:
    db = DuckDbMemoryDb(path, read_only=read_only)  # opens, checks and migrates the file
    try:
        assert len(db.list_memories("ana")) == 2000  # the first read
    finally:
        db.close()


@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
@pytest.mark.parametrize(("damage", "problem", "advice"), DAMAGE)
def test_a_damaged_store_is_refused_clearly_and_left_as_it_was(
    healthy: bytes, tmp_path: Path, damage: Damage, problem: str, advice: str, read_only: bool
) -> None:
    path = tmp_path / "agent.duckdb"
    damaged = damage(healthy)
    path.write_bytes(damaged)
    with pytest.raises(StoreError) as caught:
        _open_and_read(path, read_only=read_only)
    message = str(caught.value)
    assert message.startswith(f"{path} {problem}"), message
    assert advice in message
    assert (SALVAGE in message) == (advice == RESTORE)
    assert path.read_bytes() == damaged
    assert [p.name for p in tmp_path.iterdir()] == ["agent.duckdb"]  # no WAL, no copy


def test_the_healthy_store_the_damage_starts_from_opens(healthy: bytes, tmp_path: Path) -> None:
    path = tmp_path / "agent.duckdb"
    path.write_bytes(healthy)
    _open_and_read(path, read_only=False)


def test_a_truncated_store_says_how_much_is_missing(healthy: bytes, tmp_path: Path) -> None:
    path = tmp_path / "cut.duckdb"
    path.write_bytes(healthy[: len(healthy) * 9 // 10])
    with pytest.raises(StoreError) as caught:
        DuckDbMemoryDb(path)
    size = f"{len(healthy) * 9 // 10:,}"
    message = str(caught.value)
    assert f"it holds {size} bytes where the blocks it uses need " in message
    found = re.search(r"the blocks it uses need ([\d,]+),", message)
    assert found is not None, message
    needed = int(found.group(1).replace(",", ""))
    assert len(healthy) * 9 // 10 < needed <= len(healthy)


def test_a_garbled_store_fails_on_the_first_read_through_memory(
    healthy: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "agent.duckdb"
    path.write_bytes(garble(healthy))
    memory = Memory(DuckDbMemoryDb(path))  # the damaged blocks are not read yet
    try:
        with pytest.raises(StoreError, match=re.escape(f"{path} is corrupt")) as caught:
            memory.get_user_memories(user_id="ana")
        assert "DuckDB: Corrupt database file" in str(caught.value)
    finally:
        memory.db.close()


def test_a_sqlite_file_is_refused_before_duckdb_opens_it(tmp_path: Path) -> None:
    # DuckDB would try to load its SQLite extension (from the network) to open it.
    path = tmp_path / "agno.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(4080))
    with pytest.raises(StoreError, match=r"is a SQLite database .*Check the path"):
        DuckDbMemoryDb(path)


def test_a_missing_file_is_still_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "agent.duckdb"
    with DuckDbMemoryDb(path) as db:
        db.add_memory("ana", UserMemory(memory="Ana lives in Porto"))
    with DuckDbMemoryDb(path, read_only=True) as db:
        assert db.count_memories("ana") == 1


def test_a_write_into_a_garbled_store_stays_buffered_and_the_file_unchanged(
    healthy: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "agent.duckdb"
    damaged = garble(healthy)
    path.write_bytes(damaged)
    db = DuckDbMemoryDb(path)
    db.add_memory("ana", UserMemory(memory="Ana moved to Lisbon"))  # buffered
    with pytest.raises(StoreError, match=re.escape(f"{path} is corrupt")):
        db.flush()  # the file is at fault, not the row: it is not set aside as a bad row
    assert db.failed_writes == []
    with pytest.raises(StoreError, match="is corrupt"):
        db.close()
    assert path.read_bytes() == damaged


@pytest.mark.parametrize(
    ("error", "said"),
    [
        pytest.param(
            duckdb.IOException('IO Error: Could not read enough bytes from file "x"'),
            "is truncated",
            id="cut-off",
        ),
        pytest.param(
            duckdb.Error(
                "Corrupt database file: computed checksum 1 does not match stored "
                "checksum 2 in block at location 3"
            ),
            "is corrupt: a block of it does not match its checksum",
            id="checksum",
        ),
        pytest.param(
            duckdb.Error("corrupt database file - index entry without table entry"),
            "is corrupt: DuckDB found inconsistent data",
            id="catalog",
        ),
        pytest.param(
            duckdb.IOException(
                'Error opening "x": file was written with a storage version '
                "greater than the latest version supported by this DuckDB "
                "instance. Try opening the file with a newer version of DuckDB."
            ),
            "was written by a DuckDB version",
            id="newer-duckdb",
        ),
        pytest.param(
            duckdb.IOException("Could not read from file: Input/output error"),
            "could not be read from the disk",
            id="disk",
        ),
        pytest.param(duckdb.BinderException("column x not found"), None, id="not-damage"),
        pytest.param(duckdb.TransactionException("Conflict on tuple"), None, id="conflict"),
    ],
)
def test_duckdb_errors_about_the_file_are_told_apart_from_others(
    error: duckdb.Error, said: str | None
) -> None:
    problem = problem_of(error)
    if said is None:
        assert problem is None
    else:
        assert problem is not None
        assert problem.what.startswith(said)


def test_another_application_s_duckdb_file_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "analytics.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE memories (page VARCHAR, visits INTEGER)")
    con.close()
    with pytest.raises(StoreError, match=r"migration m001_initial of its store tables failed"):
        DuckDbMemoryDb(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        assert tables == [("memories",)]  # not even an empty ledger was left behind
    finally:
        con.close()
