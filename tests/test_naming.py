"""`Memory(ids="derived")` names extracted memories from what they came from; random is default."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from memlab import Memory
from memlab.errors import ConfigError
from memlab.naming import DerivedIds
from memlab.schema import Message, Run

TURNS = [
    Message(id="m1", role="user", content="I live in Porto and I work as a nurse."),
    Message(id="m2", role="assistant", content="Nice to meet you."),
]
MORE = [Message(id="m3", role="user", content="My dog is called Bolt and I play tennis.")]


def _extract_twice(memory: Memory) -> list[str]:
    run = Run(run_id="r1", session_id="s1", user_id="ana", messages=TURNS)
    memory.add_run("s1", run, user_id="ana")
    # the same run extracted again, say with a later message of it
    memory.create_user_memories(messages=MORE, user_id="ana", run_id="r1")
    return [m.memory_id or "" for m in memory.get_user_memories(user_id="ana")]


def test_derived_ids_name_the_user_run_extraction_and_op(tmp_path: Path) -> None:
    ids = _extract_twice(Memory(tmp_path / "a.duckdb", ingest="extract", ids="derived"))
    first = [i for i in ids if i.startswith("ana/run:r1/x0/")]
    second = [i for i in ids if i.startswith("ana/run:r1/x1/")]
    assert first and second and len(first) + len(second) == len(ids)
    assert all(i.rsplit("/", 1)[1].isdigit() for i in ids)
    # another store, the same calls: the same names
    assert _extract_twice(Memory(tmp_path / "b.duckdb", ingest="extract", ids="derived")) == ids


def test_random_ids_stay_the_default(tmp_path: Path) -> None:
    ids = _extract_twice(Memory(tmp_path / "a.duckdb", ingest="extract"))
    assert ids and all(uuid.UUID(i).version == 4 for i in ids)


def test_the_source_of_an_extraction_is_its_run_session_or_task() -> None:
    ids = DerivedIds()
    assert ids.prefix("u", run_id="r") == "u/run:r/x0"
    assert ids.prefix("u", run_id="r") == "u/run:r/x1"
    assert ids.prefix("u", session_id="s") == "u/session:s/x0"
    assert ids.prefix("u", task=True) == "u/task/x0"
    assert ids.prefix("u") == "u/direct/x0"
    assert ids.prefix("v", run_id="r") == "v/run:r/x0"


def test_a_second_memory_repeating_a_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.duckdb"
    first = Memory(path, ingest="extract", ids="derived")
    first.create_user_memories(messages=TURNS, user_id="ana", run_id="r1")
    first.db.close()
    again = Memory(path, ingest="extract", ids="derived")
    with pytest.raises(ConfigError, match="already holds a record with that id"):
        again.create_user_memories(messages=MORE, user_id="ana", run_id="r1")
    again.db.close()


def test_an_unknown_id_mode_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"Memory\(ids=...\) is one of"):
        Memory(ids="uuid")  # type: ignore[arg-type]
