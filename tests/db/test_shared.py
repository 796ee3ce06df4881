"""Two store objects on one file in one process share it; another process is refused."""

import gc
import os
import subprocess
import sys
import textwrap
import threading

import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import StoreError
from memlab.schema import MemoryOp, Run, SessionSummary, UserMemory


def test_rerunning_a_notebook_cell_opens_the_same_file_again(tmp_path) -> None:
    path = tmp_path / "agent.duckdb"
    memory = Memory(DuckDbMemoryDb(path))
    first_id = memory.add_user_memory("Ana lives in Porto", user_id="ana")
    # The cell runs again: the previous Memory still holds its store.
    memory = Memory(DuckDbMemoryDb(path))
    second_id = memory.add_user_memory("Ana has a dog", user_id="ana")
    assert [m.memory_id for m in memory.get_user_memories(user_id="ana")] == [first_id, second_id]


def test_two_objects_see_each_others_writes_and_keep_their_caches_right(tmp_path) -> None:
    path = tmp_path / "shared.duckdb"
    a = DuckDbMemoryDb(path)
    b = DuckDbMemoryDb(str(path))  # the same file named another way
    x = a.add_memory("u", UserMemory(memory="x"))  # buffered in the shared write-behind buffer
    assert [m.memory for m in b.list_memories("u", order="newest", limit=5)] == ["x"]
    version = a.data_version("u")
    y = b.add_memory("u", UserMemory(memory="y"))
    assert a.data_version("u") > version  # recall indexes built on `a` see b's write
    assert [m.memory for m in a.list_memories("u", order="newest", limit=5)] == ["x", "y"]
    b.delete_memory("u", x.memory_id or "")
    assert [m.memory_id for m in a.list_memories("u", order="newest", limit=5)] == [y.memory_id]
    a.apply_ops("u", [MemoryOp(op="update", memory_id=y.memory_id, memory="y2")], cause="t")
    assert b.get_memory("u", y.memory_id or "").memory == "y2"  # type: ignore[union-attr]
    a.add_runs([Run(session_id="s", user_id="u")])
    b.upsert_summary(SessionSummary(session_id="s", user_id="u", summary="sum"))
    assert len(a.get_runs("u")) == 1
    assert a.get_summary("u", "s") is not None
    a.close()
    b.close()


def test_threads_writing_through_two_objects_leave_one_consistent_store(tmp_path) -> None:
    path = tmp_path / "threads.duckdb"
    a, b = DuckDbMemoryDb(path), DuckDbMemoryDb(path, write_behind=False)
    errors: list[BaseException] = []

    def work(db: DuckDbMemoryDb, name: str) -> None:
        try:
            for i in range(60):
                m = db.add_memory("u", UserMemory(memory=f"{name} {i}"))
                if i % 3 == 0:
                    db.delete_memory("u", m.memory_id or "")
                db.list_memories("u", order="newest", limit=4)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(db, n)) for db, n in ((a, "a"), (b, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert a.count_memories("u") == b.count_memories("u") == 80
    newest = [m.memory_id for m in a.list_memories("u", order="newest", limit=10)]
    in_sql = a.sql_df("SELECT memory_id FROM memories ORDER BY updated_at DESC, seq DESC LIMIT 10")[
        "memory_id"
    ].tolist()[::-1]
    assert newest == in_sql
    a.close()
    b.close()


def test_closing_one_object_leaves_the_other_working(tmp_path) -> None:
    path = tmp_path / "two.duckdb"
    old = DuckDbMemoryDb(path)
    new = DuckDbMemoryDb(path)
    old.add_memory("u", UserMemory(memory="added through the old object"))
    old.close()
    with pytest.raises(StoreError, match="was closed; open a new DuckDbMemoryDb"):
        old.list_memories("u")
    with pytest.raises(StoreError, match="was closed"):
        old.add_memory("u", UserMemory(memory="x"))
    assert [m.memory for m in new.list_memories("u")] == ["added through the old object"]
    new.close()
    with DuckDbMemoryDb(path) as again:
        assert again.count_memories("u") == 1


def test_a_forgotten_object_lets_go_of_the_file(tmp_path) -> None:
    path = tmp_path / "gc.duckdb"
    db = DuckDbMemoryDb(path)
    db.add_memory("u", UserMemory(memory="buffered, never flushed by hand"))
    del db
    gc.collect()
    # The file is closed (another process could open it) and the buffered add was kept.
    out = _run_child(f"""
        from memlab.db import DuckDbMemoryDb
        with DuckDbMemoryDb({str(path)!r}, read_only=True) as db:
            print(db.count_memories("u"))
    """)
    assert out.stdout.strip() == "1", out.stderr


def test_opening_an_open_file_another_way_is_a_clear_error(tmp_path) -> None:
    path = tmp_path / "mode.duckdb"
    with (
        DuckDbMemoryDb(path),
        pytest.raises(StoreError, match="already open read-write in this process"),
    ):
        DuckDbMemoryDb(path, read_only=True)


def test_a_second_process_is_refused_while_this_one_holds_the_file(tmp_path) -> None:
    path = tmp_path / "held.duckdb"
    first = DuckDbMemoryDb(path)
    second = DuckDbMemoryDb(path)
    out = _run_child(f"""
        from memlab.db import DuckDbMemoryDb
        from memlab.errors import StoreError
        try:
            DuckDbMemoryDb({str(path)!r})
        except StoreError as exc:
            print(exc)
    """)
    assert f"held by process {os.getpid()}" in out.stdout, out.stderr
    first.close()
    # One object still holds the file, so the process still does.
    assert f"process {os.getpid()}" in _run_child(out.args[-1]).stdout
    second.close()


def _run_child(script: str) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(script)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
