"""Text that cannot be stored is refused when added, and one bad row never loses the others."""

import json
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError, StoreError
from memlab.schema import LlmCall, MemoryOp, Message, Run, SessionSummary, ToolCall, UserMemory

BAD = "bad \ud800 text"


@pytest.mark.parametrize("write_behind", [True, False], ids=["write-behind", "durable"])
def test_a_lone_surrogate_is_refused_and_other_users_keep_their_memories(
    tmp_path, write_behind: bool
) -> None:
    path = tmp_path / "s.duckdb"
    db = DuckDbMemoryDb(path, write_behind=write_behind)
    memory = Memory(db)
    memory.add_user_memory("Ana lives in Porto", user_id="a")
    with pytest.raises(ConfigError, match=r"memory\.memory holds a character .* position 4"):
        memory.add_user_memory(BAD, user_id="b")
    memory.add_user_memory("Ana has a dog", user_id="a")
    # Every read and write of every user still works.
    assert memory.get_user_memories(user_id="b") == []
    assert len(memory.get_user_memories(user_id="a")) == 2
    db.flush()
    db.close()
    with DuckDbMemoryDb(path) as again:
        assert [m.memory for m in again.list_memories("a")] == [
            "Ana lives in Porto",
            "Ana has a dog",
        ]
        assert again.count_memories("b") == 0
        assert len(again.events_df()) == 2


def test_no_error_at_exit_and_nothing_lost(tmp_path) -> None:
    path = tmp_path / "exit.duckdb"
    script = textwrap.dedent(f"""
        from memlab import Memory
        from memlab.errors import ConfigError
        memory = Memory({str(path)!r})
        memory.add_user_memory("Ana lives in Porto", user_id="a")
        try:
            memory.add_user_memory({BAD!r}, user_id="b")
        except ConfigError as exc:
            print("refused:", exc)
        memory.add_user_memory("Ana has a dog", user_id="a")
        # no flush, no close: the exit hook must write the buffer
    """)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "refused: memory.memory" in out.stdout
    assert "Exception ignored" not in out.stderr
    assert "Traceback" not in out.stderr
    with DuckDbMemoryDb(path, read_only=True) as db:
        assert db.count_memories("a") == 2


@pytest.mark.parametrize(
    ("field", "call"),
    [
        pytest.param(
            "memory.topics[1]",
            lambda db: db.add_memory("u", UserMemory(memory="x", topics=["ok", BAD])),
            id="topics",
        ),
        pytest.param(
            "memory.input",
            lambda db: db.add_memory("u", UserMemory(memory="x", input=BAD)),
            id="input",
        ),
        pytest.param(
            "memories[1].source_message_ids[0]",
            lambda db: db.upsert_memories(
                "u", [UserMemory(memory="x"), UserMemory(memory="y", source_message_ids=[BAD])]
            ),
            id="sources",
        ),
        pytest.param("user_id", lambda db: db.add_memory(BAD, UserMemory(memory="x")), id="user"),
        pytest.param(
            "runs[0].messages[1].content",
            lambda db: db.add_runs(
                [
                    Run(
                        session_id="s",
                        user_id="u",
                        messages=[
                            Message(role="user", content="fine"),
                            Message(role="user", content=BAD),
                        ],
                    )
                ]
            ),
            id="message-content",
        ),
        pytest.param(
            "runs[0].messages[0].tool_calls[0].arguments",
            lambda db: db.add_runs(
                [
                    Run(
                        session_id="s",
                        user_id="u",
                        messages=[
                            Message(
                                role="assistant",
                                content="",
                                tool_calls=[ToolCall(id="c", name="f", arguments=BAD)],
                            )
                        ],
                    )
                ]
            ),
            id="tool-arguments",
        ),
        pytest.param(
            "runs[0].session_id",
            lambda db: db.add_runs([Run(session_id=BAD, user_id="u")]),
            id="session-id",
        ),
        pytest.param(
            "summary.summary",
            lambda db: db.upsert_summary(SessionSummary(session_id="s", user_id="u", summary=BAD)),
            id="summary",
        ),
        pytest.param(
            "ops[0].memory",
            lambda db: db.apply_ops("u", [MemoryOp(op="add", memory=BAD)], cause="t"),
            id="op",
        ),
        pytest.param(
            "row 1 column 'memory'",
            lambda db: db.import_memories_df(
                pd.DataFrame({"memory": pd.Series(["ok", BAD], dtype=object)}), user_id="u"
            ),
            id="import",
        ),
    ],
)
def test_each_field_is_checked_and_named(field: str, call) -> None:
    db = DuckDbMemoryDb(":memory:")
    with pytest.raises(ConfigError, match=f"^{_escape(field)} holds a character"):
        call(db)
    assert db.memories_df().empty
    assert db.runs_df().empty
    assert db.summaries_df().empty
    assert db.events_df().empty


def test_the_memory_facade_checks_its_inputs_before_any_model_call() -> None:
    memory = Memory(DuckDbMemoryDb(":memory:"))
    with pytest.raises(ConfigError, match=r"^message holds"):
        memory.create_user_memories(message=BAD)
    with pytest.raises(ConfigError, match=r"^messages\[0\]\.content holds"):
        memory.create_user_memories(messages=[{"role": "user", "content": BAD}])
    with pytest.raises(ConfigError, match=r"^session_id holds"):
        memory.add_run(BAD, [{"role": "user", "content": "hi"}])
    with pytest.raises(ConfigError, match=r"^user_id holds"):
        memory.get_user_memories(user_id=BAD)
    assert memory.db.llm_calls_df().empty


def test_the_ledger_and_cache_escape_what_a_model_returned() -> None:
    db = DuckDbMemoryDb(":memory:")
    db.record_llm_call(LlmCall(purpose="extract", model="m", request_hash="h", error=BAD))
    response = json.dumps({"text": BAD}, ensure_ascii=False)
    db.cache_put("h", model="m", response=response, input_tokens=1, output_tokens=1, cost_usd=None)
    db.flush()
    assert db.llm_calls_df()["error"].tolist() == ["bad \\ud800 text"]
    db._cache_memo.clear()  # read the stored entry, not the in-process copy
    assert json.loads(db.cache_get("h").response) == {"text": BAD}  # type: ignore[union-attr]


def test_a_row_the_database_refuses_at_flush_is_set_aside_and_the_others_are_stored(
    tmp_path,
) -> None:
    path = tmp_path / "f.duckdb"
    db = DuckDbMemoryDb(path)
    good = db.add_memory("a", UserMemory(memory="Ana lives in Porto"))
    bad = db.add_memory("b", UserMemory(memory="placeholder"))
    # A row that slipped past the checks (say, a future column type): poison the buffer.
    index = next(i for i, row in enumerate(db._pending_memories) if row[0] == bad.memory_id)
    db._pending_memories[index] = (
        *db._pending_memories[index][:2],
        BAD,
        *db._pending_memories[index][3:],
    )
    db.add_memory("a", UserMemory(memory="Ana has a dog"))
    with pytest.raises(StoreError, match="1 of 3 buffered rows could not be written"):
        db.flush()
    assert [w.table for w in db.failed_writes] == ["memories"]
    # The store works on, and the good rows are durable.
    assert db.get_memory("a", good.memory_id or "") == good
    db.flush()
    db.close()
    with DuckDbMemoryDb(path) as again:
        assert again.count_memories("a") == 2
        assert again.count_memories("b") == 0


def _escape(text: str) -> str:
    import re

    return re.escape(text)
