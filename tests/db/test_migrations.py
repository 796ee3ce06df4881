import duckdb
import pytest

from memlab.db import MIGRATIONS, DuckDbMemoryDb, apply_migrations
from memlab.db.versions import migration_number, schema_version
from memlab.errors import StoreError
from memlab.schema import UserMemory

EXPECTED_COLUMNS = {
    "memories": [
        "memory_id",
        "user_id",
        "memory",
        "topics",
        "input",
        "source_message_ids",
        "created_at",
        "updated_at",
        "seq",
    ],
    "memory_events": [
        "event_id",
        "user_id",
        "memory_id",
        "op",
        "status",
        "before",
        "after",
        "source_message_ids",
        "cause",
        "reason",
        "created_at",
        "seq",
    ],
    "runs": ["run_id", "session_id", "user_id", "status", "created_at", "seq"],
    "messages": [
        "message_id",
        "run_id",
        "session_id",
        "user_id",
        "position",
        "role",
        "content",
        "name",
        "tool_call_id",
        "tool_calls",
        "from_history",
        "created_at",
    ],
    "summaries": ["user_id", "session_id", "summary", "topics", "run_ids", "updated_at"],
    "llm_calls": [
        "call_id",
        "created_at",
        "purpose",
        "model",
        "prompt_name",
        "prompt_version",
        "request_hash",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "latency_ms",
        "cached",
        "attempts",
        "error",
        "user_id",
        "session_id",
        "run_id",
        "memory_id",
    ],
    "llm_cache": [
        "request_hash",
        "model",
        "response",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "created_at",
    ],
    "embeddings": ["embedder", "content_hash", "dim", "vector", "created_at"],
    "_migrations": ["name", "applied_at"],
}


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def test_blank_database_migrates_to_the_expected_columns() -> None:
    con = duckdb.connect(":memory:")
    applied = apply_migrations(con)
    assert applied == [name for name, _ in MIGRATIONS]
    assert applied[:2] == ["m001_initial", "m002_embeddings"]
    for table, expected in EXPECTED_COLUMNS.items():
        assert columns(con, table)[: len(expected)] == expected, table


def test_migrations_are_recorded_and_not_applied_twice(tmp_path) -> None:
    path = tmp_path / "m.duckdb"
    DuckDbMemoryDb(path).close()
    con = duckdb.connect(str(path))
    assert apply_migrations(con) == []
    names = [r[0] for r in con.execute("SELECT name FROM _migrations ORDER BY name").fetchall()]
    assert names == sorted(name for name, _ in MIGRATIONS)


def test_migration_names_are_unique_and_ordered() -> None:
    names = [name for name, _ in MIGRATIONS]
    assert len(set(names)) == len(names)
    assert names == sorted(names)


STORE_VERSION = schema_version(name for name, _ in MIGRATIONS)
FUTURE = f"m{STORE_VERSION + 1:03d}_future"


def test_the_store_version_is_the_number_of_the_newest_migration() -> None:
    assert len(MIGRATIONS) == STORE_VERSION
    assert [migration_number(name) for name, _ in MIGRATIONS] == list(range(1, STORE_VERSION + 1))


def _newer_store(path, name: str) -> bytes:
    with DuckDbMemoryDb(path) as db:
        db.add_memory("ana", UserMemory(memory="Ana lives in Porto"))
        db.sql_df("INSERT INTO _migrations VALUES (?, now()::TIMESTAMP)", [name])
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "version"),
    [
        pytest.param(FUTURE, STORE_VERSION + 1, id="newer-number"),
        pytest.param("m002_renamed_in_a_fork", STORE_VERSION, id="unknown-name"),
        pytest.param("custom_patch", STORE_VERSION + 1, id="no-number"),
    ],
)
@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
def test_a_store_from_a_newer_memlab_is_refused_before_any_write(
    tmp_path, name: str, version: int, read_only: bool
) -> None:
    path = tmp_path / "newer.duckdb"
    before = _newer_store(path, name)
    message = (
        rf"newer\.duckdb: its store tables are at version {version} \(migrations {name}\), "
        rf"written by a newer memlab; this memlab \S+ reads store tables up to version "
        rf"{STORE_VERSION}\. Upgrade memlab \(`pip install -U memlab`\) to open this file\. "
        r"Nothing was written to the file\.$"
    )
    with pytest.raises(StoreError, match=message):
        DuckDbMemoryDb(path, read_only=read_only)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["newer.duckdb"]


def test_apply_migrations_refuses_an_unknown_ledger_name_before_writing() -> None:
    con = duckdb.connect(":memory:")
    apply_migrations(con, MIGRATIONS[:2])
    con.execute("INSERT INTO _migrations VALUES (?, now()::TIMESTAMP)", [FUTURE])
    with pytest.raises(StoreError, match=r":memory:: its store tables are at version"):
        apply_migrations(con)
    assert "stage" not in columns(con, "llm_calls")  # m003 was not applied
    assert len(con.execute("SELECT * FROM _migrations").fetchall()) == 3


def test_an_older_store_is_migrated_on_open(tmp_path) -> None:
    path = tmp_path / "older.duckdb"
    con = duckdb.connect(str(path))
    assert apply_migrations(con, MIGRATIONS[:2]) == ["m001_initial", "m002_embeddings"]
    con.close()
    with DuckDbMemoryDb(path) as db:
        names = db.sql_df("SELECT name FROM _migrations ORDER BY name")["name"].tolist()
        assert names == sorted(name for name, _ in MIGRATIONS)
        assert "stage" in db.sql_df("DESCRIBE llm_calls")["column_name"].tolist()
