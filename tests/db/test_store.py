import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime

import pandas as pd
import pytest

from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError, StoreError
from memlab.schema import MemoryOp, Message, Run, SessionSummary, UserMemory


@pytest.fixture
def db(tmp_path):
    store = DuckDbMemoryDb(tmp_path / "store.duckdb")
    yield store
    store.close()


def test_add_get_and_list_in_update_order(db: DuckDbMemoryDb) -> None:
    a = db.add_memory("u1", UserMemory(memory="Ana lives in Porto", topics=["place"]))
    b = db.add_memory("u1", UserMemory(memory="Ana has a dog"))
    assert db.get_memory("u1", a.memory_id) == a
    assert [m.memory for m in db.list_memories("u1")] == ["Ana lives in Porto", "Ana has a dog"]
    newest = db.list_memories("u1", order="newest", limit=1)
    assert [m.memory_id for m in newest] == [b.memory_id]
    assert db.count_memories("u1") == 2


def test_buffered_adds_survive_close_and_reopen(tmp_path) -> None:
    path = tmp_path / "s.duckdb"
    with DuckDbMemoryDb(path) as db:
        ids = [db.add_memory("u1", UserMemory(memory=f"fact {i}")).memory_id for i in range(50)]
    with DuckDbMemoryDb(path) as db:
        assert [m.memory_id for m in db.list_memories("u1")] == ids
        assert len(db.events_df(user_id="u1")) == 50


def test_durable_mode_commits_each_add(tmp_path) -> None:
    db = DuckDbMemoryDb(tmp_path / "d.duckdb", write_behind=False)
    m = db.add_memory("u1", UserMemory(memory="x"))
    # Read straight from the table with no flush: the row is already committed.
    rows = db.cursor().execute("SELECT memory_id FROM memories").fetchall()
    assert rows == [(m.memory_id,)]
    db.close()


def test_users_never_see_each_other(db: DuckDbMemoryDb) -> None:
    a = db.add_memory("u1", UserMemory(memory="secret of u1"))
    assert db.get_memory("u2", a.memory_id) is None
    assert db.list_memories("u2") == []
    assert db.delete_memory("u2", a.memory_id) is None
    assert db.get_memory("u1", a.memory_id) is not None


def test_upsert_refuses_another_users_id_and_writes_nothing(db: DuckDbMemoryDb) -> None:
    a = db.add_memory("u1", UserMemory(memory="of u1"))
    before = db.events_df()
    with pytest.raises(ConfigError, match="another user"):
        db.upsert_memories(
            "u2", [UserMemory(memory="new"), a.model_copy(update={"memory": "stolen"})]
        )
    assert db.list_memories("u2") == []
    assert db.get_memory("u1", a.memory_id).memory == "of u1"
    assert len(db.events_df()) == len(before)


def test_upsert_updates_and_records_before_and_after(db: DuckDbMemoryDb) -> None:
    a = db.add_memory("u1", UserMemory(memory="lives in Porto"))
    db.upsert_memories("u1", [a.model_copy(update={"memory": "lives in Lisbon"})])
    events = db.events_df(user_id="u1")
    assert events["op"].tolist() == ["add", "update"]
    assert events.iloc[1][["before", "after"]].tolist() == ["lives in Porto", "lives in Lisbon"]


def test_apply_ops_rejects_bad_ops_and_applies_the_rest(db: DuckDbMemoryDb) -> None:
    mine = db.add_memory("u1", UserMemory(memory="lives in Porto"))
    theirs = db.add_memory("u2", UserMemory(memory="likes tea"))
    events = db.apply_ops(
        "u1",
        [
            MemoryOp(
                op="update",
                memory_id=mine.memory_id,
                memory="lives in Lisbon",
                source_message_ids=["m1"],
            ),
            MemoryOp(op="delete", memory_id="no-such-id"),
            MemoryOp(op="delete", memory_id=theirs.memory_id),
            MemoryOp(op="add", memory="   "),
            MemoryOp(op="add", memory="has a cat", source_message_ids=["m2"]),
        ],
        cause="call-1",
    )
    assert [e.status for e in events] == ["applied", "rejected", "rejected", "rejected", "applied"]
    assert "unknown memory id" in events[1].reason
    assert "another user" in events[2].reason
    assert "empty" in events[3].reason
    assert sorted(m.memory for m in db.list_memories("u1")) == ["has a cat", "lives in Lisbon"]
    assert db.get_memory("u2", theirs.memory_id).memory == "likes tea"
    stored = db.events_df(user_id="u1")
    assert (stored["cause"].iloc[1:] == "call-1").all()
    assert stored[stored.status == "rejected"]["reason"].str.len().gt(0).all()
    assert db.get_memory("u1", mine.memory_id).source_message_ids == ["m1"]


def test_import_dataframe_validates_before_writing(db: DuckDbMemoryDb) -> None:
    with pytest.raises(ConfigError, match=r"rows \[1\]"):
        db.import_memories_df(pd.DataFrame({"memory": ["ok", ""]}), user_id="u1")
    with pytest.raises(ConfigError, match="'memory' column"):
        db.import_memories_df(pd.DataFrame({"text": ["ok"]}), user_id="u1")
    with pytest.raises(ConfigError, match="user_id"):
        db.import_memories_df(pd.DataFrame({"memory": ["ok"]}))
    with pytest.raises(ConfigError, match="ISO 8601"):
        db.import_memories_df(
            pd.DataFrame({"memory": ["ok"], "created_at": ["yesterday"]}), user_id="u1"
        )
    assert db.count_memories("u1") == 0
    n = db.import_memories_df(
        pd.DataFrame(
            {
                "memory": ["a", "b"],
                "user_id": ["u1", "u2"],
                "topics": [["t"], []],
                "created_at": ["2024-01-01T00:00:00Z", "2024-01-02T10:00:00+02:00"],
            }
        )
    )
    assert n == 2
    (b,) = db.list_memories("u2")
    assert b.created_at == datetime(2024, 1, 2, 8, tzinfo=UTC)
    assert db.list_memories("u1")[0].topics == ["t"]
    assert db.events_df()["cause"].tolist() == ["import", "import"]


def test_clear_is_scoped_and_keeps_history(db: DuckDbMemoryDb) -> None:
    db.add_memory("u1", UserMemory(memory="a"))
    db.add_memory("u2", UserMemory(memory="b"))
    db.add_runs([Run(session_id="s", user_id="u1", messages=[Message(role="user", content="hi")])])
    with pytest.raises(ConfigError, match="all_users=True"):
        db.clear()
    db.clear("u1")
    assert db.count_memories("u1") == 0 and db.get_runs("u1") == []
    assert db.count_memories("u2") == 1
    assert db.events_df(user_id="u1")["op"].tolist() == ["add", "delete"]
    db.clear(all_users=True)
    assert db.count_memories("u2") == 0


def test_closed_store_says_so(tmp_path) -> None:
    db = DuckDbMemoryDb(tmp_path / "c.duckdb")
    db.close()
    with pytest.raises(StoreError, match="closed"):
        db.add_memory("u1", UserMemory(memory="x"))
    with pytest.raises(StoreError, match="closed"):
        db.list_memories("u1")


@pytest.mark.parametrize(
    "bad", [pytest.param("", id="empty"), pytest.param("  ", id="blank"), pytest.param(3, id="int")]
)
def test_bad_user_id_is_a_config_error(db: DuckDbMemoryDb, bad) -> None:
    with pytest.raises(ConfigError, match="user_id"):
        db.add_memory(bad, UserMemory(memory="x"))


def test_second_process_gets_a_store_error_naming_the_holder(tmp_path) -> None:
    path = tmp_path / "locked.duckdb"
    db = DuckDbMemoryDb(path)
    db.add_memory("u1", UserMemory(memory="x"))
    db.flush()
    script = textwrap.dedent(
        f"""
        from memlab.db import DuckDbMemoryDb
        from memlab.errors import StoreError
        try:
            DuckDbMemoryDb({str(path)!r}, read_only=True)
        except StoreError as exc:
            print(exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    import os

    assert f"process {os.getpid()}" in out.stdout
    assert str(path) in out.stdout
    assert "one process" in out.stdout
    db.close()


def test_threads_share_one_store(db: DuckDbMemoryDb) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(100):
                db.add_memory(f"user{worker}", UserMemory(memory=f"fact {i}"))
                if i % 10 == 0:
                    db.list_memories(f"user{worker}", order="newest", limit=5)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [db.count_memories(f"user{w}") for w in range(4)] == [100] * 4


def test_summaries_round_trip_and_delete(db: DuckDbMemoryDb) -> None:
    s = SessionSummary(
        session_id="s1",
        user_id="u1",
        summary="talked about Porto",
        topics=["travel"],
        run_ids=["r1"],
    )
    db.upsert_summary(s)
    assert db.get_summary("u1", "s1") == s
    assert db.get_summary("u2", "s1") is None
    assert db.delete_summary("u1", "s1") == s
    assert db.delete_summary("u1", "s1") is None


def test_frames_have_stable_columns(db: DuckDbMemoryDb) -> None:
    db.add_memory("u1", UserMemory(memory="x"))
    db.add_runs([Run(session_id="s", user_id="u1", messages=[Message(role="user", content="hi")])])
    assert list(db.memories_df().columns) == [
        "memory_id",
        "user_id",
        "memory",
        "topics",
        "input",
        "source_message_ids",
        "created_at",
        "updated_at",
    ]
    assert list(db.runs_df().columns) == [
        "run_id",
        "session_id",
        "user_id",
        "status",
        "created_at",
        "n_messages",
    ]
    assert list(db.messages_df().columns) == [
        "message_id",
        "run_id",
        "session_id",
        "user_id",
        "position",
        "role",
        "content",
        "name",
        "created_at",
    ]
    assert str(db.memories_df()["created_at"].dt.tz) == "UTC"
    assert db.runs_df()["n_messages"].tolist() == [1]
    assert "is_baseline" in db.llm_calls_df().columns


def test_newest_cache_follows_every_write(db: DuckDbMemoryDb) -> None:
    def newest(n: int) -> list[str]:
        return [m.memory for m in db.list_memories("u1", order="newest", limit=n)]

    ids = [db.add_memory("u1", UserMemory(memory=f"m{i}")).memory_id for i in range(5)]
    assert newest(3) == ["m2", "m3", "m4"]
    db.add_memory("u1", UserMemory(memory="m5"))  # appended to the cache
    assert newest(2) == ["m4", "m5"]
    db.upsert_memories("u1", [UserMemory(memory_id=ids[0], memory="m0 again")])
    assert newest(2) == ["m5", "m0 again"]
    db.delete_memory("u1", ids[4])
    assert newest(3) == ["m3", "m5", "m0 again"]
    db.apply_ops("u1", [MemoryOp(op="update", memory_id=ids[1], memory="m1 now")], cause="t")
    assert newest(1) == ["m1 now"]
    db.import_memories_df(pd.DataFrame({"memory": ["bulk"]}), user_id="u1")
    assert newest(1) == ["bulk"]
    db.sql_df("DELETE FROM memories WHERE memory = 'bulk'")
    assert newest(1) == ["m1 now"]
    db.clear("u1")
    assert newest(5) == []
    # A caller-dated memory older than the newest one is placed by its time, not appended.
    db.add_memory("u1", UserMemory(memory="now"))
    db.add_memory("u1", UserMemory(memory="old", updated_at=datetime(2001, 1, 1, tzinfo=UTC)))
    assert newest(2) == ["old", "now"]


def test_data_version_moves_on_writes_of_that_user_only(db: DuckDbMemoryDb) -> None:
    v1, v2 = db.data_version("u1"), db.data_version("u2")
    db.add_memory("u1", UserMemory(memory="x"))
    db.add_runs([Run(session_id="s", user_id="u1")])
    assert db.data_version("u1") == v1 + 2
    assert db.data_version("u2") == v2
    db.clear(all_users=True)
    assert db.data_version("u2") == v2 + 1


def test_newest_cache_matches_sql_under_random_writes(db: DuckDbMemoryDb) -> None:
    import random

    from memlab.db.rows import MEMORY_COLUMNS, memory_from_row

    rng = random.Random(7)

    def from_sql(limit: int) -> list[str]:
        rows = (
            db._cur()
            .execute(
                f"SELECT {MEMORY_COLUMNS} FROM memories WHERE user_id = 'u1'"
                f" ORDER BY updated_at DESC, seq DESC LIMIT {limit}"
            )
            .fetchall()
        )
        return [memory_from_row(r).memory for r in reversed(rows)]

    ids: list[str] = []
    for step in range(300):
        if step % 10 == 0:
            ids = [m.memory_id for m in db.list_memories("u1")]
        action = rng.choice(["add", "add", "upsert", "delete", "op-update", "op-delete", "run"])
        if action == "add" or not ids:
            db.add_memory("u1", UserMemory(memory=f"fact {step}"))
        elif action == "upsert":
            db.upsert_memories(
                "u1", [UserMemory(memory_id=rng.choice(ids), memory=f"upserted {step}")]
            )
        elif action == "delete":
            victim = ids.pop(rng.randrange(len(ids)))
            db.delete_memory("u1", victim)
        elif action == "op-update":
            db.apply_ops(
                "u1",
                [MemoryOp(op="update", memory_id=rng.choice(ids), memory=f"op {step}")],
                cause="t",
            )
        elif action == "op-delete":
            victim = ids.pop(rng.randrange(len(ids)))
            db.apply_ops("u1", [MemoryOp(op="delete", memory_id=victim)], cause="t")
        else:
            db.add_runs([Run(session_id="s", user_id="u1")])
        limit = rng.choice([1, 3, 10])
        assert [m.memory for m in db.list_memories("u1", order="newest", limit=limit)] == from_sql(
            limit
        ), step


def test_runs_and_model_ops_keep_the_newest_cache(db: DuckDbMemoryDb) -> None:
    m = db.add_memory("u1", UserMemory(memory="lives in Porto"))
    db.list_memories("u1", order="newest", limit=5)
    db.add_runs([Run(session_id="s", user_id="u1")])
    db.apply_ops(
        "u1", [MemoryOp(op="update", memory_id=m.memory_id, memory="lives in Lisbon")], cause="c"
    )
    assert "u1" in db._newest  # updated in place, so the next last_n needs no SQL
    assert [x.memory for x in db.list_memories("u1", order="newest", limit=5)] == [
        "lives in Lisbon"
    ]


def test_memory_changes_since_replays_exact_writes(db: DuckDbMemoryDb) -> None:
    def changes(version: int) -> list[tuple[list[str], list[str]]] | None:
        got = db.memory_changes_since("u1", version)
        if got is None:
            return None
        return [(list(c.removed), [m.memory for m in c.appended]) for c in got]

    v0 = db.data_version("u1")
    a = db.add_memory("u1", UserMemory(memory="a"))
    db.add_runs([Run(session_id="s", user_id="u1")])  # not a memory change
    db.add_memory("u1", UserMemory(memory="b"))
    assert changes(v0) == [([], ["a"]), ([], ["b"])]
    assert changes(db.data_version("u1")) == []
    db.apply_ops("u1", [MemoryOp(op="update", memory_id=a.memory_id, memory="a2")], cause="t")
    db.delete_memory("u1", a.memory_id or "")
    assert changes(v0) == [([], ["a"]), ([], ["b"]), ([a.memory_id], ["a2"]), ([a.memory_id], [])]
    v1 = db.data_version("u1")
    db.import_memories_df(pd.DataFrame({"memory": ["bulk"]}), user_id="u1")
    assert changes(v0) is None and changes(v1) is None  # a bulk import: read the table
    v2 = db.data_version("u1")
    db.add_memory("u1", UserMemory(memory="c"))
    assert changes(v2) == [([], ["c"])]
    db.clear(all_users=True)
    assert changes(v2) is None


@pytest.mark.parametrize(
    ("query", "error", "match"),
    [
        pytest.param("", ConfigError, "sql_df needs a SQL statement, got ''", id="empty"),
        pytest.param("   ", ConfigError, "sql_df needs a SQL statement", id="blank"),
        pytest.param(
            "SELEC 1", ConfigError, "sql_df could not run 'SELEC 1': Parser Error", id="syntax"
        ),
        pytest.param("SELECT * FROM nope", ConfigError, "Table with name nope", id="table"),
        pytest.param("SELECT nope FROM memories", ConfigError, "nope", id="column"),
        pytest.param(
            "INSERT INTO runs (run_id) VALUES ('r')",
            StoreError,
            "sql_df failed on",
            id="constraint",
        ),
    ],
)
def test_sql_df_errors_say_what_is_wrong(db: DuckDbMemoryDb, query: str, error, match) -> None:
    with pytest.raises(error, match=match):
        db.sql_df(query)
    assert db.sql_df("SELECT count(*) AS n FROM memories")["n"].tolist() == [0]


def test_sql_df_runs_statements_without_rows_and_drops_caches(db: DuckDbMemoryDb) -> None:
    db.add_memory("u1", UserMemory(memory="x"))
    version = db.data_version("u1")
    db.sql_df("DELETE FROM memories WHERE user_id = ?", ["u1"])
    assert db.data_version("u1") > version
    assert db.list_memories("u1", order="newest", limit=5) == []
    assert db.sql_df("CREATE TABLE notes (x INTEGER)").empty


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"flush_rows": True}, id="flush_rows-bool"),
        pytest.param({"flush_rows": 0}, id="flush_rows-zero"),
        pytest.param({"flush_interval_s": True}, id="interval-bool"),
    ],
)
def test_store_options_are_checked(options) -> None:
    with pytest.raises(ConfigError, match="flush_"):
        DuckDbMemoryDb(":memory:", **options)
