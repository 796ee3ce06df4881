"""`None` and wrong types in the public `Memory` API: a `ConfigError` naming the argument.

Before, some raised Python's own errors naming no argument (`add_run("s", None)`: "'NoneType'
object is not iterable"; `add_session_summary(None)`: an `AttributeError`; a session id of 5:
a DuckDB conversion error or a pydantic error from the ledger), and some passed silently
(`add_user_memories("abc")` stored three memories "a", "b", "c"; `clear(all_users="no")`
cleared every user; `Memory(summary_trigger=5)` failed only at the first run). Every call
below must fail without changing what the memory holds.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from memlab import Memory
from memlab.errors import ConfigError

Call = Callable[[Memory], object]
RUN = [{"role": "user", "content": "I live in Lisbon."}]
ROLES = "['system', 'user', 'assistant', 'tool']"


CASES = [
    # runs
    pytest.param(
        lambda m: m.add_run("s", None),
        "run must be a Run or a list of messages (Message or dict), got None",
        id="add_run-run-None",
    ),
    pytest.param(
        lambda m: m.add_run("s", 5),
        "run must be a Run or a list of messages (Message or dict), got int 5",
        id="add_run-run-int",
    ),
    pytest.param(
        lambda m: m.add_run("s", "hello"),
        "run must be a Run or a list of messages (Message or dict), got str 'hello'",
        id="add_run-run-str",
    ),
    pytest.param(
        lambda m: m.add_run("s", RUN[0]),
        "run must be a Run or a list of messages (Message or dict), got dict {'role': "
        "'user', 'content': 'I live in Lisbon.'}",
        id="add_run-run-dict",
    ),
    pytest.param(
        lambda m: m.add_run(None, RUN),
        "session_id must be a non-empty string, got None",
        id="add_run-session-None",
    ),
    pytest.param(
        lambda m: m.get_runs(5),
        "session_id must be a non-empty string or None, got int 5",
        id="get_runs-session-int",
    ),
    pytest.param(
        lambda m: m.get_messages_from_last_n_runs(None),
        "session_id must be a non-empty string, got None",
        id="last_n_runs-session-None",
    ),
    pytest.param(
        lambda m: m.get_messages_from_last_n_runs("s", skip_role=5),
        f"skip_role must be one of {ROLES} or None, got int 5",
        id="last_n_runs-skip_role",
    ),
    pytest.param(
        lambda m: m.get_messages_from_last_n_runs("s", skip_history_messages="no"),
        "skip_history_messages must be True or False, got str 'no'",
        id="last_n_runs-skip_history",
    ),
    pytest.param(
        lambda m: m.get_messages_for_session(None),
        "session_id must be a non-empty string, got None",
        id="for_session-session-None",
    ),
    pytest.param(
        lambda m: m.get_messages_for_session("s", user_role="human"),
        f"user_role must be one of {ROLES}, got str 'human'",
        id="for_session-user_role",
    ),
    pytest.param(
        lambda m: m.get_messages_for_session("s", assistant_role=None),
        "assistant_role must be a list of roles, got None",
        id="for_session-assistant_role",
    ),
    # memories
    pytest.param(
        lambda m: m.add_user_memories(None),
        "memories must be a list of memories (UserMemory or str), got None",
        id="add_user_memories-None",
    ),
    pytest.param(
        lambda m: m.add_user_memories("abc"),
        "memories must be a list of memories (UserMemory or str), got str 'abc'",
        id="add_user_memories-str",
    ),
    pytest.param(
        lambda m: m.add_user_memory(None),
        "a memory must be a UserMemory or a str, got NoneType",
        id="add_user_memory-None",
    ),
    pytest.param(
        lambda m: m.get_user_memory(None),
        "memory_id must be a non-empty string, got None",
        id="get_user_memory-None",
    ),
    pytest.param(
        lambda m: m.get_user_memories(user_id=5),
        "user_id must be a non-empty string, got 5",
        id="get_user_memories-user-int",
    ),
    # recall
    pytest.param(
        lambda m: m.search_user_memories("q", retrieval_method=None),
        "retrieval_method must be a non-empty string, got None",
        id="search-method-None",
    ),
    pytest.param(
        lambda m: m.search_user_memories("q", limit="3"),
        "limit must be a positive integer or None, got '3'",
        id="search-limit-str",
    ),
    pytest.param(
        lambda m: m.recall("q", strategy=None),
        "strategy must be a non-empty string, got None",
        id="recall-strategy-None",
    ),
    pytest.param(
        lambda m: m.recall("q", limit=None),
        "limit must be a positive integer, got None",
        id="recall-limit-None",
    ),
    pytest.param(
        lambda m: m.recall("q", over=None),
        "unknown recall corpus over=None; choose one of ['memories', 'messages', 'summaries']",
        id="recall-over-None",
    ),
    pytest.param(
        lambda m: m.recall(5),
        "query must be a string or None, got int 5",
        id="recall-query-int",
    ),
    # model-driven memory
    pytest.param(
        lambda m: m.create_user_memories(None),
        "create_user_memories needs one of message='...' or messages=[...]; got neither",
        id="create-neither",
    ),
    pytest.param(
        lambda m: m.create_user_memories("a", RUN),
        "create_user_memories takes message='...' or messages=[...], not both",
        id="create-both",
    ),
    pytest.param(
        lambda m: m.create_user_memories(messages=5),
        "messages must be a list of messages, got int 5",
        id="create-messages-int",
    ),
    pytest.param(
        lambda m: m.create_user_memories(messages="I live in Lisbon"),
        "messages must be a list of messages, got str 'I live in Lisbon'",
        id="create-messages-str",
    ),
    pytest.param(
        lambda m: m.create_user_memories("I live in Porto", session_id=5),
        "session_id must be a non-empty string or None, got int 5",
        id="create-session-int",
    ),
    pytest.param(
        lambda m: m.create_user_memories("I live in Porto", run_id=""),
        "run_id must be a non-empty string or None, got str ''",
        id="create-run-empty",
    ),
    pytest.param(
        lambda m: m.update_memory_task(None),
        "task must be a non-empty string, got None",
        id="update_task-None",
    ),
    # summaries and housekeeping
    pytest.param(
        lambda m: m.add_session_summary(None),
        "summary must be a SessionSummary, got None; build one with "
        "SessionSummary(session_id=..., user_id=..., summary=...)",
        id="add_summary-None",
    ),
    pytest.param(
        lambda m: m.add_session_summary({"session_id": "s"}),
        "summary must be a SessionSummary, got dict {'session_id': 's'}; build one with "
        "SessionSummary(session_id=..., user_id=..., summary=...)",
        id="add_summary-dict",
    ),
    pytest.param(
        lambda m: m.get_session_summary(None),
        "session_id must be a non-empty string, got None",
        id="get_summary-None",
    ),
    pytest.param(
        lambda m: m.clear(all_users="no"),
        "all_users must be True or False, got str 'no'",
        id="clear-all_users-str",
    ),
    pytest.param(
        lambda m: m.clear(user_id=5),
        "user_id must be a non-empty string, got 5",
        id="clear-user-int",
    ),
]

CONSTRUCTOR = [
    pytest.param(
        lambda m: Memory(summary_trigger=5),
        "Memory(summary_trigger=...) takes a trigger's name ('never', 'every_n_runs', "
        "'token_threshold', 'session_end') or a trigger, got int",
        id="summary_trigger-int",
    ),
    pytest.param(
        lambda m: Memory(manager="agno-v2"),
        "Memory(manager=...) must be a MemoryManager, got str 'agno-v2'; e.g. "
        "MemoryManager(prompt='agno-v2'), or None for the default",
        id="manager-str",
    ),
    pytest.param(
        lambda m: Memory(summarizer="full"),
        "Memory(summarizer=...) must be a SessionSummarizer, got str 'full'; e.g. "
        "SessionSummarizer(mode='incremental'), or None for the default",
        id="summarizer-str",
    ),
    pytest.param(
        lambda m: Memory(user_id=5),
        "user_id must be a non-empty string, got 5",
        id="user_id-int",
    ),
]


@pytest.fixture
def memory() -> Memory:
    memory = Memory(user_id="ana")
    memory.add_run("s", RUN)
    memory.add_user_memory("Ana lives in Lisbon")
    memory.add_user_memory("Bob has a dog", user_id="bob")
    return memory


@pytest.mark.parametrize(("call", "message"), CASES + CONSTRUCTOR)
def test_a_wrong_argument_is_a_config_error_that_names_it(
    memory: Memory, call: Call, message: str
) -> None:
    everyone = [memory.to_dict(user_id=u) for u in ("ana", "bob")]
    with pytest.raises(ConfigError) as err:
        call(memory)
    assert str(err.value) == message
    assert [memory.to_dict(user_id=u) for u in ("ana", "bob")] == everyone
    assert memory.db.llm_calls_df().empty  # refused before any model call
