"""`Memory` as a `MemorySystem`: ingest modes, session ends, recall and what it holds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from memlab import DuckDbMemoryDb, Memory
from memlab.errors import ConfigError
from memlab.schema import Message, Run
from memlab.system import MemorySystem, build_system, load_factory


def _run(session: str, n: int, user: str, *lines: tuple[str, str]) -> Run:
    return Run(
        run_id=f"{session}:r{n}",
        session_id=session,
        user_id=user,
        messages=[
            Message(id=f"{session}:r{n}:m{i}", role=role, content=text, name=role.title())
            for i, (role, text) in enumerate(lines)
        ],
    )


RUNS = [
    _run("s1", 1, "ana", ("user", "I live in Porto and work as a nurse."), ("assistant", "Nice!")),
    _run("s1", 2, "ana", ("user", "My dog is called Bolt."), ("assistant", "Great name.")),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDbMemoryDb]:
    db = DuckDbMemoryDb(tmp_path / "m.duckdb")
    yield db
    db.close()


def test_memory_is_a_memory_system(store: DuckDbMemoryDb) -> None:
    system: MemorySystem = Memory(store)  # mypy checks the protocol; isinstance the methods
    assert isinstance(system, MemorySystem)


def test_verbatim_ingest_keeps_every_turn_with_derived_ids(store: DuckDbMemoryDb) -> None:
    memory = Memory(store, model=None, ingest="verbatim")
    asyncio.run(memory.aingest("s1", RUNS, user_id="ana"))
    memories = memory.get_user_memories(user_id="ana")
    assert [m.memory for m in memories] == [
        "User: I live in Porto and work as a nurse.",
        "Assistant: Nice!",
        "User: My dog is called Bolt.",
        "Assistant: Great name.",
    ]
    assert [m.memory_id for m in memories] == [f"ana/{m.id}" for r in RUNS for m in r.messages]
    assert [m.source_message_ids for m in memories] == [[m.id] for r in RUNS for m in r.messages]
    # The same runs twice are refused as a whole, and nothing stored is lost.
    with pytest.raises(ConfigError, match="already holds a record with that id"):
        asyncio.run(memory.aingest("s1", RUNS, user_id="ana"))
    assert memory.get_user_memories(user_id="ana") == memories


def test_add_run_and_aingest_leave_the_same_state(tmp_path: Path) -> None:
    one = Memory(tmp_path / "one.duckdb", model=None, ingest="verbatim")
    for run in RUNS:
        one.add_run("s1", run, user_id="ana")
    batch = Memory(tmp_path / "batch.duckdb", model=None, ingest="verbatim")
    asyncio.run(batch.aingest("s1", RUNS, user_id="ana"))
    assert one.to_dict(user_id="ana") == batch.to_dict(user_id="ana")
    assert one.held(user_id="ana") == batch.held(user_id="ana")


@pytest.mark.parametrize("every", ["run", "session"])
def test_extract_ingest_extracts_per_run_or_at_the_session_end(
    store: DuckDbMemoryDb, every: str
) -> None:
    memory = Memory(store, ingest="extract", extract_every=every)  # type: ignore[arg-type]
    asyncio.run(memory.aingest("s1", RUNS, user_id="ana"))
    after_ingest = len(memory.get_user_memories(user_id="ana"))
    asyncio.run(memory.aend_session("s1", user_id="ana"))
    facts = memory.get_user_memories(user_id="ana")
    calls = store.llm_calls_df()
    if every == "run":
        assert after_ingest == len(facts) and len(calls) == 2  # one call per run
    else:
        assert after_ingest == 0 and len(calls) == 1  # one call over the whole session
    text = " ".join(m.memory for m in facts)
    assert "Porto" in text and "Bolt" in text
    assert all(m.source_message_ids for m in facts)


def test_no_extraction_call_without_a_user_turn(store: DuckDbMemoryDb) -> None:
    memory = Memory(store, ingest="extract")
    only_bot = _run("s1", 1, "ana", ("assistant", "Hello, how can I help?"))
    asyncio.run(memory.aingest("s1", [only_bot], user_id="ana"))
    assert store.llm_calls_df().empty


def test_session_end_trigger_fires_inside_memory(store: DuckDbMemoryDb) -> None:
    memory = Memory(store, summary_trigger="session_end")
    asyncio.run(memory.aingest("s1", RUNS, user_id="ana"))
    assert memory.get_session_summaries(user_id="ana") == []
    summary = asyncio.run(memory.aend_session("s1", user_id="ana"))
    assert summary is not None and "Porto" in summary.summary
    held = [h for h in memory.held(user_id="ana") if h.kind == "summary"]
    assert len(held) == 1
    assert set(held[0].source_message_ids) == {m.id for r in RUNS for m in r.messages}


def test_every_n_runs_sees_each_run(store: DuckDbMemoryDb) -> None:
    memory = Memory(store, summary_trigger="every_n_runs")
    asyncio.run(memory.aingest("s1", RUNS, user_id="ana"))
    summary = memory.get_session_summary("s1", user_id="ana")
    assert summary.run_ids == [r.run_id for r in RUNS]
    assert len(store.llm_calls_df()) == 2  # one summary after each run


def test_messages_ingest_holds_the_messages(store: DuckDbMemoryDb) -> None:
    memory = Memory(store, model=None)
    asyncio.run(memory.aingest("s1", RUNS, user_id="ana"))
    held = memory.held(user_id="ana")
    assert [h.kind for h in held] == ["message"] * 4
    assert [h.source_message_ids for h in held] == [(m.id,) for r in RUNS for m in r.messages]


def test_arecall_is_recall(store: DuckDbMemoryDb) -> None:
    memory = Memory(store, model=None, ingest="verbatim")
    asyncio.run(memory.aingest("s1", RUNS, user_id="ana"))
    sync = memory.recall("where does she live", strategy="bm25", limit=2, user_id="ana")
    found = asyncio.run(
        memory.arecall("where does she live", strategy="bm25", limit=2, user_id="ana")
    )
    assert list(found) == list(sync) and "Porto" in found[0].text
    capped = asyncio.run(
        memory.arecall("dog", strategy="bm25", limit=4, user_id="ana", budget_tokens=8)
    )
    assert 0 < len(capped) < 4


def test_bad_ingest_options_are_refused(store: DuckDbMemoryDb) -> None:
    with pytest.raises(ConfigError, match="ingest"):
        Memory(store, ingest="facts")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="extract_every"):
        Memory(store, extract_every="turn")  # type: ignore[arg-type]


def test_load_factory_names_what_is_wrong() -> None:
    with pytest.raises(ConfigError, match=r"is not 'package\.module:function'"):
        load_factory("memlab.memory")
    with pytest.raises(ConfigError, match="does not import"):
        load_factory("memlab.no_such_module:make")
    with pytest.raises(ConfigError, match="has no 'Nope'"):
        load_factory("memlab.memory:Nope")
    with pytest.raises(ConfigError, match="is not callable"):
        load_factory("memlab.memory:DEFAULT_USER")
    with pytest.raises(ConfigError, match="does not accept options"):
        build_system("memlab.memory:Memory", {"colour": "blue"})
    system = build_system("memlab.memory:Memory", {"ingest": "verbatim", "model": None})
    assert isinstance(system, Memory) and system.ingest == "verbatim"
