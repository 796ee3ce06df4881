"""Memory's agno-v2 surface, and where memlab departs from agno (docs/agno-parity.md)."""

import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError, NotFoundError
from memlab.schema import Message, Run, SessionSummary, UserMemory


@pytest.fixture
def memory(tmp_path):
    m = Memory(DuckDbMemoryDb(tmp_path / "mem.duckdb"))
    yield m
    m.db.close()


def turn(role: str, content: str, **kw) -> Message:
    return Message(role=role, content=content, **kw)


def test_runs_and_summaries_survive_a_new_memory_on_the_same_file(tmp_path) -> None:
    path = tmp_path / "p.duckdb"
    first = Memory(path)
    run = first.add_run(
        "s1", [turn("user", "I live in Porto"), turn("assistant", "Nice city")], user_id="ana"
    )
    first.add_session_summary(
        SessionSummary(
            session_id="s1", user_id="ana", summary="Ana lives in Porto", run_ids=[run.run_id]
        )
    )
    first.add_user_memory("Ana lives in Porto", user_id="ana")
    first.db.close()

    second = Memory(path)
    assert [r.run_id for r in second.get_runs("s1", user_id="ana")] == [run.run_id]
    assert second.get_runs("s1", user_id="ana")[0].messages == run.messages
    assert second.get_session_summary("s1", user_id="ana").summary == "Ana lives in Porto"
    assert [m.memory for m in second.get_user_memories(user_id="ana")] == ["Ana lives in Porto"]
    second.db.close()


def test_get_messages_from_last_n_runs(memory: Memory) -> None:
    for i in range(3):
        memory.add_run(
            "s", [turn("system", "be kind"), turn("user", f"q{i}"), turn("assistant", f"a{i}")]
        )
    msgs = memory.get_messages_from_last_n_runs("s", last_n=2)
    assert [m.content for m in msgs] == ["be kind", "q1", "a1", "q2", "a2"]
    no_system = memory.get_messages_from_last_n_runs("s", last_n=2, skip_role="system")
    assert [m.content for m in no_system] == ["q1", "a1", "q2", "a2"]
    assert len(memory.get_messages_from_last_n_runs("s")) == 7


def test_history_messages_are_skipped(memory: Memory) -> None:
    memory.add_run(
        "s", [turn("user", "old", from_history=True), turn("user", "new"), turn("assistant", "ok")]
    )
    assert [m.content for m in memory.get_messages_from_last_n_runs("s")] == ["new", "ok"]
    assert [
        m.content for m in memory.get_messages_from_last_n_runs("s", skip_history_messages=False)
    ] == ["old", "new", "ok"]


def test_get_messages_for_session_pairs_user_and_assistant(memory: Memory) -> None:
    memory.add_run("s", [turn("system", "sys"), turn("user", "q1"), turn("assistant", "a1")])
    memory.add_run(
        "s", [turn("user", "q2"), turn("tool", "t", tool_call_id="c"), turn("assistant", "a2")]
    )
    assert [m.content for m in memory.get_messages_for_session("s")] == ["q1", "a1", "q2", "a2"]


def test_add_run_rejects_bad_input_and_stores_nothing(memory: Memory) -> None:
    with pytest.raises(ConfigError, match="message of the run"):
        memory.add_run("s", [{"role": "robot", "content": "x"}])
    with pytest.raises(ConfigError, match="session_id"):
        memory.add_run("", [turn("user", "x")])
    with pytest.raises(ConfigError, match="session_id"):
        memory.add_run("s2", Run(session_id="s1", user_id="default"))
    with pytest.raises(ConfigError, match=r"add_run\('s', \.\.\.\) got a run with no messages"):
        memory.add_run("s", [])
    with pytest.raises(ConfigError, match="no messages"):
        memory.add_run("s", Run(session_id="s", user_id="default"))
    assert memory.get_runs() == []


def test_user_memory_crud(memory: Memory) -> None:
    mid = memory.add_user_memory(
        UserMemory(memory="Ana lives in Porto", topics=["place"]), user_id="ana"
    )
    assert memory.get_user_memory(mid, user_id="ana").topics == ["place"]
    memory.replace_user_memory(
        mid, UserMemory(memory="Ana lives in Lisbon", topics=["place"]), user_id="ana"
    )
    got = memory.get_user_memory(mid, user_id="ana")
    assert got.memory == "Ana lives in Lisbon" and got.updated_at >= got.created_at
    memory.delete_user_memory(mid, user_id="ana")
    with pytest.raises(NotFoundError, match=mid):
        memory.get_user_memory(mid, user_id="ana")


def test_unknown_ids_are_clear_errors_not_key_errors(memory: Memory) -> None:
    with pytest.raises(NotFoundError) as info:
        memory.get_user_memory("nope", user_id="ana")
    assert "nope" in str(info.value) and "ana" in str(info.value)
    with pytest.raises(NotFoundError):
        memory.replace_user_memory("nope", "x", user_id="ana")
    with pytest.raises(NotFoundError):
        memory.delete_session_summary("s-none", user_id="ana")


def test_one_convention_for_single_id_reads_and_deletes(memory: Memory) -> None:
    # Memory: a get or delete of one id that the user lacks is a NotFoundError, whatever
    # the kind of record. The store underneath returns the record, or None.
    with pytest.raises(NotFoundError, match="user 'ana' has no memory with id 'nope'"):
        memory.get_user_memory("nope", user_id="ana")
    with pytest.raises(NotFoundError, match="user 'ana' has no memory with id 'nope'"):
        memory.delete_user_memory("nope", user_id="ana")
    with pytest.raises(NotFoundError, match="user 'ana' has no summary for session 's'"):
        memory.get_session_summary("s", user_id="ana")
    with pytest.raises(NotFoundError, match="user 'ana' has no summary for session 's'"):
        memory.delete_session_summary("s", user_id="ana")
    mid = memory.add_user_memory("Ana lives in Porto", user_id="ana")
    summary = SessionSummary(session_id="s", user_id="ana", summary="Ana moved.")
    memory.add_session_summary(summary)
    db = memory.db
    assert db.get_memory("ana", "nope") is None and db.get_summary("ana", "nope") is None
    assert db.delete_memory("ana", "nope") is None and db.delete_summary("ana", "nope") is None
    assert memory.get_session_summary("s", user_id="ana") == summary
    deleted = db.delete_memory("ana", mid)
    assert deleted is not None and deleted.memory == "Ana lives in Porto"
    assert db.delete_summary("ana", "s") == summary
    assert (
        memory.delete_user_memory(memory.add_user_memory("x", user_id="ana"), user_id="ana") is None
    )


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda m: m.get_messages_from_last_n_runs("s", last_n=True), id="last_n"),
        pytest.param(lambda m: m.search_user_memories(limit=True), id="search-limit"),
        pytest.param(lambda m: m.recall("q", limit=False), id="recall-limit"),
        pytest.param(lambda m: m.db.list_memories("default", limit=True), id="db-list"),
        pytest.param(
            lambda m: m.db.list_memories("default", order="newest", limit=True), id="db-newest"
        ),
        pytest.param(lambda m: m.db.get_runs("default", last_n=True), id="db-runs"),
        pytest.param(lambda m: m.db.list_messages("default", limit=True), id="db-messages"),
    ],
)
def test_a_bool_is_never_a_count(memory: Memory, call) -> None:
    memory.add_run("s", [turn("user", "hi")])
    with pytest.raises(
        ConfigError, match=r"(limit|last_n) must be a positive integer.*got (True|False)"
    ):
        call(memory)


def test_deleting_another_users_memory_is_refused(memory: Memory) -> None:
    mid = memory.add_user_memory("Bob likes tea", user_id="bob")
    with pytest.raises(NotFoundError, match="'ana'"):
        memory.delete_user_memory(mid, user_id="ana")
    with pytest.raises(NotFoundError):
        memory.replace_user_memory(mid, "hijacked", user_id="ana")
    assert memory.get_user_memory(mid, user_id="bob").memory == "Bob likes tea"


def test_clear_needs_a_user_or_an_explicit_all_users(memory: Memory) -> None:
    memory.add_user_memory("a", user_id="ana")
    memory.add_user_memory("b", user_id="bob")
    with pytest.raises(ConfigError, match="all_users=True"):
        memory.clear()
    memory.clear(user_id="ana")
    assert memory.get_user_memories(user_id="ana") == []
    assert len(memory.get_user_memories(user_id="bob")) == 1
    memory.clear(all_users=True)
    assert memory.get_user_memories(user_id="bob") == []


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        pytest.param("", "empty", id="empty-text"),
        pytest.param("   \n", "empty", id="blank-text"),
        pytest.param(42, "UserMemory or a str", id="wrong-type"),
    ],
)
def test_bad_memory_input_changes_nothing(memory: Memory, bad, match) -> None:
    memory.add_user_memory("keep me")
    with pytest.raises(ConfigError, match=match):
        memory.add_user_memory(bad)
    assert [m.memory for m in memory.get_user_memories()] == ["keep me"]


def test_search_last_n_and_first_n(memory: Memory) -> None:
    for i in range(5):
        memory.add_user_memory(f"fact {i}", user_id="ana")
    assert [
        m.memory
        for m in memory.search_user_memories(limit=2, retrieval_method="last_n", user_id="ana")
    ] == ["fact 3", "fact 4"]
    assert [
        m.memory
        for m in memory.search_user_memories(limit=2, retrieval_method="first_n", user_id="ana")
    ] == ["fact 0", "fact 1"]
    assert len(memory.search_user_memories(user_id="ana")) == 5
    hits = memory.recall(None, strategy="last_n", limit=2, user_id="ana")
    assert [h.kind for h in hits] == ["memory", "memory"]
    assert hits[1].score > hits[0].score


def test_search_rejects_bad_limits_and_names(memory: Memory) -> None:
    with pytest.raises(ConfigError, match="limit"):
        memory.search_user_memories(limit=0)
    with pytest.raises(ConfigError, match="unknown recall strategy 'nope'"):
        memory.search_user_memories(retrieval_method="nope")


def test_search_is_sql_scoped_to_the_user(memory: Memory) -> None:
    memory.add_user_memory("ana fact", user_id="ana")
    memory.add_user_memory("bob fact", user_id="bob")
    assert [m.memory for m in memory.search_user_memories(limit=10, user_id="ana")] == ["ana fact"]


def test_to_dict_is_json_ready(memory: Memory) -> None:
    import json

    memory.add_user_memory("x", user_id="ana")
    memory.add_run("s", [turn("user", "hi")], user_id="ana")
    data = memory.to_dict(user_id="ana")
    assert json.loads(json.dumps(data))["memories"][0]["memory"] == "x"
    assert len(data["runs"]) == 1


def test_memory_rejects_a_non_store() -> None:
    with pytest.raises(ConfigError, match="MemoryDb"):
        Memory(db=42)  # type: ignore[arg-type]
