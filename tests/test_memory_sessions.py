"""`Memory.aingest_sessions`: several sessions at once leave the state one by one would."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from memlab import Memory
from memlab.errors import ConfigError
from memlab.schema import Message, Run


def _run(session: str, n: int, *lines: tuple[str, str]) -> Run:
    return Run(
        run_id=f"{session}:r{n}",
        session_id=session,
        user_id="ana",
        messages=[
            Message(id=f"{session}:r{n}:m{i}", role=role, content=text, name=role.title())
            for i, (role, text) in enumerate(lines)
        ],
    )


SESSIONS: list[tuple[str, list[Run]]] = [
    (
        "s1",
        [
            _run("s1", 1, ("user", "I live in Porto and work as a nurse."), ("assistant", "Nice!")),
            _run("s1", 2, ("user", "My dog is called Bolt."), ("assistant", "Great name.")),
        ],
    ),
    ("s2", [_run("s2", 1, ("user", "I moved to Lisbon in May."), ("assistant", "Exciting."))]),
    ("s3", [_run("s3", 1, ("user", "Bolt turned three today."), ("assistant", "Happy day!"))]),
]


def _one_by_one(memory: Memory, sessions: Sequence[tuple[str, list[Run]]]) -> None:
    async def go() -> None:
        for session_id, runs in sessions:
            await memory.aingest(session_id, runs, user_id="ana")
            await memory.aend_session(session_id, user_id="ana")

    asyncio.run(go())


@pytest.mark.parametrize(
    ("ingest", "trigger", "batches"),
    [
        pytest.param("verbatim", "never", True, id="verbatim"),
        pytest.param("messages", "never", True, id="messages"),
        pytest.param("verbatim", "session_end", False, id="verbatim-summaries"),
        pytest.param("extract", "never", False, id="extract"),
    ],
)
def test_at_once_leaves_the_state_one_by_one_leaves(
    tmp_path: Path, ingest: str, trigger: str, batches: bool
) -> None:
    def build(name: str) -> Memory:
        return Memory(
            tmp_path / f"{name}.duckdb",
            ingest=ingest,  # type: ignore[arg-type]
            summary_trigger=trigger,
            ids="derived",  # extracted memories get the same ids in both stores
        )

    one, batch = build("one"), build("batch")
    assert batch.batches_sessions is batches
    _one_by_one(one, SESSIONS)
    asyncio.run(batch.aingest_sessions(SESSIONS, user_id="ana"))
    assert one.to_dict(user_id="ana") == batch.to_dict(user_id="ana")
    assert one.held(user_id="ana") == batch.held(user_id="ana")
    assert one.get_runs(user_id="ana") == batch.get_runs(user_id="ana")
    kept = [len(m.get_user_memories(user_id="ana")) for m in (one, batch)]
    assert kept[0] == kept[1] == (8 if ingest == "verbatim" else kept[0])
    summaries = [len(m.db.list_summaries("ana")) for m in (one, batch)]
    assert summaries[0] == summaries[1] == (3 if trigger == "session_end" else 0)


def test_a_refused_batch_writes_nothing(tmp_path: Path) -> None:
    memory = Memory(tmp_path / "m.duckdb", ingest="verbatim")
    _one_by_one(memory, SESSIONS[:1])
    before = memory.to_dict(user_id="ana")
    # s2 is new but s1's runs are stored already: the batch is one write, refused whole.
    with pytest.raises(ConfigError, match="already holds a record with that id"):
        asyncio.run(memory.aingest_sessions([SESSIONS[1], SESSIONS[0]], user_id="ana"))
    assert memory.to_dict(user_id="ana") == before
    assert [r.session_id for r in memory.get_runs(user_id="ana")] == ["s1", "s1"]
    # The store is still usable, and its caches agree with the file.
    asyncio.run(memory.aingest_sessions(SESSIONS[1:], user_id="ana"))
    assert len(memory.get_user_memories(user_id="ana")) == 8
    assert memory.db.sql_df("SELECT count(*) AS n FROM memories")["n"][0] == 8


def test_bad_input_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    memory = Memory(tmp_path / "m.duckdb", ingest="verbatim")
    with pytest.raises(ConfigError, match=r"run\.session_id is 's1', not 's9'"):
        asyncio.run(memory.aingest_sessions([SESSIONS[1], ("s9", SESSIONS[0][1])], user_id="ana"))
    assert memory.get_runs(user_id="ana") == []
