"""`export_to_postgres` and `memlab export`: a DuckDB store's users, copied as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from memlab import DuckDbMemoryDb
from memlab.cli import main
from memlab.db.postgres import PostgresMemoryDb
from memlab.db.postgres.export import export_to_postgres
from memlab.errors import ConfigError
from memlab.schema import MemoryOp, SessionSummary, UserMemory
from memlab.testing.store_suite.records import at, chat_run


def _bench_store(path: Path) -> None:
    db = DuckDbMemoryDb(path)
    for user in ("ana", "bo"):
        run = chat_run("s1", user, 0, ("user", f"I am {user} and I live in Porto"))
        db.add_runs([run, chat_run("s2", user, 5, ("user", "I adopted a cat"))])
        db.add_memory(user, UserMemory(memory=f"{user} lives in Porto", updated_at=at(1)))
        db.apply_ops(user, [MemoryOp(op="add", memory=f"{user} has a cat", at=at(5))], cause="c1")
        db.upsert_summary(
            SessionSummary(session_id="s1", user_id=user, summary="moved", run_ids=[run.run_id])
        )
    gone = db.add_memory("ana", UserMemory(memory="ana likes jazz"))
    db.delete_memory("ana", gone.memory_id or "")
    db.close()


def test_export_copies_users_as_they_were(
    tmp_path: Path, postgres_url: str, fresh_schema: str
) -> None:
    path = tmp_path / "results.duckdb"
    _bench_store(path)
    counts = export_to_postgres(path, postgres_url, user_id="ana", schema=fresh_schema)
    assert (counts.users, counts.memories, counts.events, counts.runs) == (1, 2, 4, 2)
    assert (counts.messages, counts.summaries) == (2, 1)
    duck = DuckDbMemoryDb(path, read_only=True)
    pg = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    assert pg.list_memories("ana") == duck.list_memories("ana")
    assert pg.get_runs("ana") == duck.get_runs("ana")
    assert pg.list_summaries("ana") == duck.list_summaries("ana")
    assert pg.summary_sources("ana", ["s1"]) == duck.summary_sources("ana", ["s1"])
    want = duck.events_df(user_id="ana")
    got = pg.events_df(user_id="ana")
    assert got["event_id"].tolist() == want["event_id"].tolist()
    assert got["op"].tolist() == ["add", "add", "add", "delete"]
    assert pg.count_memories("bo") == 0
    # Again, for every user: what is there already stays as it was, nothing is doubled.
    again = export_to_postgres(duck, pg)
    assert again.users == 2
    assert pg.list_memories("ana") == duck.list_memories("ana")
    assert pg.list_memories("bo") == duck.list_memories("bo")
    assert len(pg.events_df()) == len(duck.events_df())
    assert len(pg.get_runs("ana")) == 2
    duck.close()
    pg.close()


def test_export_refuses_an_unknown_user_and_a_missing_file(
    tmp_path: Path, postgres_url: str, fresh_schema: str
) -> None:
    path = tmp_path / "results.duckdb"
    _bench_store(path)
    with pytest.raises(ConfigError, match="'cy' has nothing"):
        export_to_postgres(path, postgres_url, user_id="cy", schema=fresh_schema)
    with pytest.raises(ConfigError, match="no DuckDB store"):
        export_to_postgres(tmp_path / "none.duckdb", postgres_url, schema=fresh_schema)


def test_the_export_command(
    tmp_path: Path, postgres_url: str, fresh_schema: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "results.duckdb"
    _bench_store(path)
    main(["export", "--db", str(path), "--to", postgres_url, "--schema", fresh_schema])
    out = capsys.readouterr().out
    assert out.startswith("copied 2 users: 4 memories, 6 events, 4 runs (4 messages)")
    pg = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    assert sorted(m.memory for m in pg.list_memories("bo")) == ["bo has a cat", "bo lives in Porto"]
    pg.close()
    with pytest.raises(SystemExit) as exited:
        main(["export", "--db", str(path), "--to", postgres_url, "--user", "cy"])
    assert exited.value.code == 2
    assert "'cy' has nothing" in capsys.readouterr().err
