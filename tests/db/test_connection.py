"""Write conflicts between threads are retried inside the store, or reported as `StoreError`."""

import threading
from collections import Counter
from collections.abc import Callable

import pytest

from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError, StoreError
from memlab.schema import MemoryOp, Run, SessionSummary, UserMemory


def _race(*calls: Callable[[], object]) -> list[BaseException]:
    """Run the calls in threads started together; return what they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> None:
        start.wait()
        try:
            call()
        except BaseException as exc:  # collected and asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_delete_racing_a_model_update_leaves_a_consistent_store(tmp_path) -> None:
    db = DuckDbMemoryDb(tmp_path / "race.duckdb")
    outcomes: Counter[str] = Counter()
    delete_failed: dict[str, bool] = {}
    for i in range(300):
        m = db.add_memory("u", UserMemory(memory=f"fact {i}"))
        mid = m.memory_id or ""
        op = MemoryOp(op="update", memory_id=mid, memory=f"fact {i} updated")
        failed: list[str] = []

        def delete(mid: str = mid, failed: list[str] = failed) -> None:
            try:
                db.delete_memory("u", mid)
            except StoreError:
                failed.append("delete")
                raise

        errors = _race(delete, lambda op=op: db.apply_ops("u", [op], cause="race"))
        assert all(isinstance(e, StoreError) for e in errors), errors
        outcomes.update(type(e).__name__ for e in errors)
        delete_failed[mid] = bool(failed)
    # Whatever the order, the table and the history tell the same story: a memory is gone
    # exactly when its delete succeeded; the update either applied before the delete or was
    # rejected because the memory was already gone (or, rarely, gave up with a StoreError).
    events = db.events_df(user_id="u")
    for mid, failed_delete in delete_failed.items():
        mine = events[events["memory_id"] == mid]
        applied = mine[mine["status"] == "applied"]["op"].tolist()
        rejected = mine[mine["status"] == "rejected"]["reason"].tolist()
        assert (db.get_memory("u", mid) is not None) == failed_delete
        assert applied[0] == "add" and applied.count("add") == 1, mine
        assert (applied[-1] == "delete") != failed_delete, mine
        assert set(applied) <= {"add", "update", "delete"} and applied.count("update") <= 1
        assert all(r.startswith("unknown memory id") for r in rejected), mine
        assert len(applied) + len(rejected) <= 3
        outcomes[" ".join(applied)] += 1
    assert db.count_memories("u") == sum(delete_failed.values())
    assert outcomes["StoreError"] <= 3, outcomes  # conflicts are retried, not raised
    db.close()


def test_upserts_and_summaries_racing_each_other_all_land() -> None:
    db = DuckDbMemoryDb(":memory:")
    m = db.add_memory("u", UserMemory(memory="v0"))
    for i in range(50):
        errors = _race(
            lambda i=i: db.upsert_memories("u", [m.model_copy(update={"memory": f"a{i}"})]),
            lambda i=i: db.upsert_memories("u", [m.model_copy(update={"memory": f"b{i}"})]),
            lambda i=i: db.upsert_summary(
                SessionSummary(session_id="s", user_id="u", summary=f"{i}")
            ),
            lambda i=i: db.upsert_summary(
                SessionSummary(session_id="s", user_id="u", summary=f"{i}")
            ),
        )
        assert errors == []
        assert db.get_memory("u", m.memory_id or "").memory in (f"a{i}", f"b{i}")  # type: ignore[union-attr]
        assert len(db.list_summaries("u")) == 1
    assert db.count_memories("u") == 1
    assert len(db.events_df()) == 1 + 100


def test_a_conflict_that_persists_is_a_store_error_saying_what_conflicted() -> None:
    db = DuckDbMemoryDb(":memory:")
    m = db.add_memory("u", UserMemory(memory="x"))
    db.flush()
    # Another writer deletes the row and keeps its transaction open.
    other = db._shared.database.cursor()
    other_thread_cursor = other.cursor()
    other_thread_cursor.execute("BEGIN TRANSACTION")
    other_thread_cursor.execute("DELETE FROM memories WHERE memory_id = ?", [m.memory_id])
    try:
        with pytest.raises(StoreError, match=r"deleting memory .* conflicted with another thread"):
            db.delete_memory("u", m.memory_id or "")
        with pytest.raises(StoreError, match="nothing of this call was written"):
            db.apply_ops("u", [MemoryOp(op="update", memory_id=m.memory_id, memory="y")], cause="t")
    finally:
        other_thread_cursor.execute("ROLLBACK")
    # The other writer gave up: the store is whole and works on.
    assert db.get_memory("u", m.memory_id or "") == m
    assert db.events_df()["op"].tolist() == ["add"]
    assert db.delete_memory("u", m.memory_id or "") == m


def test_a_key_that_is_really_taken_is_a_config_error_not_a_conflict() -> None:
    db = DuckDbMemoryDb(":memory:")
    run = Run(run_id="r1", session_id="s", user_id="u")
    db.add_runs([run])
    with pytest.raises(ConfigError, match=r"storing 2 runs .* Duplicate key .* another id"):
        db.add_runs([Run(run_id="r2", session_id="s", user_id="u"), run])
    assert [r.run_id for r in db.get_runs("u")] == ["r1"]
