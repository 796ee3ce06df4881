"""PostgreSQL-only behaviour: many writing processes, a connection killed mid-transaction,
migrations of an older schema, and a schema from a newer memlab."""

from __future__ import annotations

import multiprocessing
import threading
import time

import psycopg
import pytest

from memlab.db.postgres import PG_MIGRATIONS, PostgresMemoryDb, apply_pg_migrations
from memlab.errors import ConfigError, StoreError
from memlab.schema import MemoryOp, UserMemory
from memlab.testing.store_suite.records import chat_run

WRITERS = 4
ADDS = 60


def _writer(dsn: str, schema: str, n: int) -> None:
    """One process: single adds, a batch, model ops and runs, to its own user and a shared one."""
    db = PostgresMemoryDb(dsn, schema=schema, max_connections=2)
    for i in range(ADDS):
        db.add_memory(f"u{n}", UserMemory(memory=f"fact {i} of writer {n}"))
        db.add_memory("shared", UserMemory(memory=f"shared fact {i} from {n}"))
    db.upsert_memories("shared", [UserMemory(memory=f"batch {n}/{i}") for i in range(100)])
    db.apply_ops("shared", [MemoryOp(op="add", memory=f"op {n}/{i}") for i in range(10)], cause="t")
    db.add_runs([chat_run(f"s{n}", "shared", i, ("user", f"turn {i}")) for i in range(20)])
    db.close()


@pytest.mark.slow
def test_several_processes_write_at_once(postgres_url: str, fresh_schema: str) -> None:
    PostgresMemoryDb(postgres_url, schema=fresh_schema).close()  # migrated once, up front
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_writer, args=(postgres_url, fresh_schema, n)) for n in range(WRITERS)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    db = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    assert db.count_memories("shared") == WRITERS * (ADDS + 100 + 10)
    for n in range(WRITERS):
        assert db.count_memories(f"u{n}") == ADDS
        mine = [m.memory for m in db.list_memories(f"u{n}")]
        assert sorted(mine) == sorted(f"fact {i} of writer {n}" for i in range(ADDS))
    assert len(db.get_runs("shared")) == WRITERS * 20
    # Every write left its event, and nothing else did.
    events = db.events_df()
    assert len(events) == WRITERS * (2 * ADDS + 100 + 10)
    assert set(events["op"]) == {"add"}
    db.close()


def test_a_connection_killed_mid_transaction_writes_nothing(
    postgres_url: str, fresh_schema: str
) -> None:
    db = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    kept = db.add_memory("u1", UserMemory(memory="lives in Porto"))
    blocker = psycopg.connect(postgres_url)
    # An uncommitted row with the id the upsert will insert: the upsert updates `kept`, then
    # waits on that row's key, in the middle of its transaction.
    blocker.execute(
        f"INSERT INTO {fresh_schema}.memories (memory_id, user_id, memory, topics,"
        " source_message_ids, created_at, updated_at, content_hash)"
        " VALUES ('x', 'u1', 'other', '{}', '{}', now(), now(), '')"
    )
    raised: list[BaseException] = []

    def upsert() -> None:
        try:
            db.upsert_memories(
                "u1",
                [
                    kept.model_copy(update={"memory": "lives in Lisbon"}),
                    UserMemory(memory_id="x", memory="has a cat"),
                ],
            )
        except BaseException as exc:  # handed to the test thread
            raised.append(exc)

    thread = threading.Thread(target=upsert)
    thread.start()
    admin = psycopg.connect(postgres_url, autocommit=True)
    deadline = time.monotonic() + 30
    killed = False
    while not killed and time.monotonic() < deadline:
        row = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            " AND pid <> pg_backend_pid()"
        ).fetchone()
        if row:
            killed = bool(admin.execute("SELECT pg_terminate_backend(%s)", [row[0]]).fetchone())
        else:
            time.sleep(0.02)
    thread.join(timeout=30)
    blocker.rollback()
    blocker.close()
    admin.close()
    assert killed and not thread.is_alive()
    assert len(raised) == 1 and isinstance(raised[0], StoreError)
    assert "nothing of it was written" in str(raised[0])
    # Nothing half-written: the update is gone with its event, and the store still works.
    assert db.get_memory("u1", kept.memory_id or "") == kept
    assert db.count_memories("u1") == 1
    assert db.events_df()["op"].tolist() == ["add"]
    again = db.add_memory("u1", UserMemory(memory="has a cat"))
    assert db.get_memory("u1", again.memory_id or "") == again
    db.close()


def test_an_older_schema_is_migrated_with_its_data(postgres_url: str, fresh_schema: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert apply_pg_migrations(conn, fresh_schema, PG_MIGRATIONS[:1]) == ["m001_initial"]
        conn.execute(
            f"INSERT INTO {fresh_schema}.memories (memory_id, user_id, memory, topics,"
            " source_message_ids, created_at, updated_at, content_hash)"
            " VALUES ('old', 'u1', 'Ana adopted two cats', '{}', '{}', now(), now(), '')"
        )
    db = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    assert db.migrations_applied == [
        "m002_full_text",
        "m003_embeddings",
        "m004_memory_versions",
        "m005_data_versions",
        "m006_keyword_lengths",
    ]
    hits = db.keyword_search("u1", "cat")
    assert [h.memory.memory_id for h in hits] == ["old"]
    db.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        columns = conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = 'memories' ORDER BY ordinal_position",
            [fresh_schema],
        ).fetchall()
        names = conn.execute(f"SELECT name FROM {fresh_schema}._migrations ORDER BY name")
        assert [n for (n,) in names] == [name for name, _ in PG_MIGRATIONS]
    assert [c for (c,) in columns] == [
        "memory_id", "user_id", "memory", "topics", "input", "source_message_ids",
        "created_at", "updated_at", "content_hash", "seq", "tsv",
    ]  # fmt: skip
    # Opening a current schema applies nothing.
    db = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    assert db.migrations_applied == []
    db.close()


def test_a_schema_from_a_newer_memlab_is_refused(postgres_url: str, fresh_schema: str) -> None:
    PostgresMemoryDb(postgres_url, schema=fresh_schema).close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"INSERT INTO {fresh_schema}._migrations VALUES ('m099_future', now())")
    with pytest.raises(StoreError, match="newer memlab"):
        PostgresMemoryDb(postgres_url, schema=fresh_schema)


def test_bad_connection_settings_are_clear_errors(postgres_url: str) -> None:
    with pytest.raises(StoreError, match="could not connect"):
        PostgresMemoryDb("postgresql://nobody@127.0.0.1:1/none", timeout_s=1)
    with pytest.raises(ConfigError, match="schema"):
        PostgresMemoryDb(postgres_url, schema="Robert'); DROP TABLE x; --")
    db = PostgresMemoryDb(postgres_url, schema="nul_text")
    with pytest.raises(ConfigError, match="nothing was written"):
        db.add_memory("u1", UserMemory(memory="a \x00 b"))
    assert db.count_memories("u1") == 0
    db.close()
