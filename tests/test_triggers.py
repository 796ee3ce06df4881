"""Summary triggers: the registry, each trigger, and Memory firing them on add_run."""

from __future__ import annotations

import pytest

from memlab import Memory
from memlab.errors import ConfigError
from memlab.triggers import TRIGGERS, EveryNRuns, get_trigger


def run(
    memory: Memory, text: str = "I'm planning a trip to Japan in May.", session: str = "s1"
) -> None:
    memory.add_run(session, [{"role": "user", "content": text}], user_id="ana")


def summaries(memory: Memory) -> int:
    calls = memory.db.llm_calls_df()
    return int((calls["purpose"] == "summarize").sum()) if len(calls) else 0


def test_registry() -> None:
    assert sorted(TRIGGERS) == ["every_n_runs", "never", "session_end", "token_threshold"]
    assert get_trigger("every_n_runs", n=3) == EveryNRuns(n=3)
    with pytest.raises(ConfigError, match="unknown summary trigger 'sometimes'"):
        get_trigger("sometimes")
    with pytest.raises(ConfigError, match="does not accept"):
        get_trigger("never", n=2)
    with pytest.raises(ConfigError, match="n >= 1"):
        get_trigger("every_n_runs", n=0)


def test_never_is_the_default() -> None:
    memory = Memory()
    for _ in range(3):
        run(memory)
    assert summaries(memory) == 0 and memory.end_session("s1", user_id="ana") is None


def test_every_n_runs_counts_runs_the_summary_does_not_cover() -> None:
    memory = Memory(summary_trigger=EveryNRuns(n=2))
    fired = []
    for _ in range(5):
        run(memory)
        fired.append(summaries(memory))
    assert fired == [0, 1, 1, 2, 2]
    assert len(memory.get_session_summary("s1", user_id="ana").run_ids) == 4  # type: ignore[union-attr]


def test_token_threshold_counts_unsummarized_tokens() -> None:
    memory = Memory(summary_trigger=get_trigger("token_threshold", tokens=20))
    run(memory, "I live in Porto.")  # 5 tokens (cl100k)
    assert summaries(memory) == 0
    run(
        memory, "I work as a nurse at the Santa Maria hospital and I really love my job there."
    )  # +18
    assert summaries(memory) == 1
    run(memory, "I have a cat.")  # the count starts again after a summary
    assert summaries(memory) == 1


def test_session_end_fires_only_when_the_session_ends() -> None:
    memory = Memory(summary_trigger="session_end")
    run(memory)
    run(memory)
    assert summaries(memory) == 0
    summary = memory.end_session("s1", user_id="ana")
    assert summary is not None and len(summary.run_ids) == 2
    assert memory.end_session("s1", user_id="ana") is None  # nothing new to summarize
    assert summaries(memory) == 1
