import duckdb

from memlab.db import MIGRATIONS, DuckDbMemoryDb, apply_migrations

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
