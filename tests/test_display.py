"""What a notebook cell shows: compact tables with short ids, dates and clipped text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from requires import require

from memlab.display import SessionSummaries, clip, short_date, short_id
from memlab.lab.analysis.results import open_results
from memlab.lab.data.dataset import Conversation, Dataset, Participant, Probe, Session, Turn
from memlab.lab.running.experiment import build_experiment
from memlab.lab.running.runner import replay
from memlab.manager import ExtractionResult
from memlab.memory import Memory
from memlab.recall.hits import RecallHits
from memlab.schema import MemoryEvent, MemoryOp, SessionSummary, Usage

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DAY = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def memory(tmp_path: Path) -> Memory:
    mem = Memory(tmp_path / "m.duckdb", user_id="maya")
    mem.add_run(
        "s1",
        [
            {
                "role": "user",
                "content": "I live in Porto and I work as a nurse.",
                "created_at": DAY,
            },
            {"role": "assistant", "content": "Nice to meet you!", "created_at": DAY},
        ],
    )
    return mem


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        pytest.param("short", 10, "short", id="fits"),
        pytest.param("a  b\n c", 10, "a b c", id="one-line"),
        pytest.param("abcdefghij klm", 10, "abcdefghi…", id="clipped"),
        pytest.param(None, 10, "", id="none"),
    ],
)
def test_clip(text: str | None, width: int, expected: str) -> None:
    assert clip(text, width) == expected


def test_short_id_and_date() -> None:
    assert short_id("0123456789abcdef") == "01234567"
    assert short_id("s1") == "s1"
    assert short_id(None) == ""
    assert short_date(DAY) == "2026-03-02"


def test_extraction_result_renders_a_compact_table(memory: Memory) -> None:
    result = memory.create_user_memories(
        messages=[{"role": "user", "content": "I live in Porto and I have a dog called Pixel."}]
    )
    assert result.ops, "the offline model extracts facts from this message"
    full = result.to_df()
    assert list(full.columns) == [
        "status",
        "op",
        "memory_id",
        "memory",
        "topics",
        "source_message_ids",
        "reason",
    ]
    assert len(full) == len(result.ops)
    assert list(full["memory_id"]) == [op.memory_id for op in result.ops]
    compact = result.to_df(compact=True)
    assert list(compact.columns) == ["op", "id", "memory", "topics", "sources"]
    assert all(len(i) == 8 for i in compact["id"])
    html = result._repr_html_()
    assert "<table" in html
    assert f"{len(result.ops)} applied, 0 rejected" in html
    assert result.prompt in html
    assert not UUID.search(html), "full ids stay out of the display"


def test_extraction_result_lists_rejected_ops_with_their_reason() -> None:
    long_text = "word " * 60
    result = ExtractionResult(
        ops=[
            MemoryOp(op="add", memory_id="a" * 36, memory=long_text, source_message_ids=["m" * 36])
        ],
        rejected=[
            MemoryEvent(
                user_id="u",
                memory_id="b" * 36,
                op="update",
                after="Lives in Lisbon",
                status="rejected",
                reason="unknown memory id",
            )
        ],
        usage=Usage(input_tokens=1200, output_tokens=34, cost_usd=None, calls=2, cached_calls=1),
        call_ids=("c1", "c2"),
        prompt="agno-v2@1",
    )
    compact = result.to_df(compact=True)
    assert list(compact["status"]) == ["applied", "rejected"]
    assert list(compact["id"]) == ["a" * 8, "b" * 8]
    assert compact["memory"][0].endswith("…") and len(compact["memory"][0]) == 100
    assert compact["reason"][1] == "unknown memory id"
    assert compact["sources"][0] == "m" * 8
    html = result._repr_html_()
    assert "1 applied, 1 rejected · agno-v2@1 · 2 calls (1 cached), 1,234 tokens, cost unknown" in (
        html
    )


def test_recall_returns_hits_that_render_as_a_table(memory: Memory) -> None:
    memory.create_user_memories(
        messages=[{"role": "user", "content": "I have a dog called Pixel.", "created_at": DAY}]
    )
    hits = memory.recall("where does she live", strategy="bm25", over="messages", limit=5)
    assert isinstance(hits, RecallHits) and isinstance(hits, list)
    assert hits, "the Porto message matches"
    full = hits.to_df()
    assert list(full["rank"]) == list(range(1, len(hits) + 1))
    assert list(full["item_id"]) == [h.item_id for h in hits]
    assert full["updated_at"].dt.tz is not None
    compact = hits.to_df(compact=True)
    assert list(compact.columns) == ["rank", "kind", "id", "score", "text", "date", "sources"]
    assert compact["kind"][0] == "message (user)"
    assert compact["date"][0] == "2026-03-02"
    assert hits.texts() == [h.text for h in hits]
    html = hits._repr_html_()
    assert f"{len(hits)} recalled" in html
    assert not UUID.search(html)


def test_empty_recall_still_renders() -> None:
    hits = RecallHits()
    assert hits.to_df().empty and "rank" in hits.to_df(compact=True).columns
    assert "0 recalled" in hits._repr_html_()


def test_session_summaries_render_as_a_table(memory: Memory) -> None:
    memory.create_session_summary("s1")
    summaries = memory.get_session_summaries()
    assert isinstance(summaries, SessionSummaries) and len(summaries) == 1
    full = summaries.to_df()
    assert list(full.columns) == list(SessionSummary.model_fields)
    compact = summaries.to_df(compact=True)
    assert compact.loc[0, "session"] == "s1" and compact.loc[0, "runs"] == 1
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", compact.loc[0, "date"])
    assert "1 session summaries" in summaries._repr_html_()
    one = memory.get_session_summary("s1")
    assert "<table" in one._repr_html_() and "s1" in one._repr_html_()


def _conversation(cid: str) -> Conversation:
    start = datetime(2024, 1, 1, 9, tzinfo=UTC)
    lines = [("Ana", "Hi! I live in Porto and my dog is called Bolt."), ("Bot", "Nice!")]
    turns = [
        Turn(id=f"s1:t{i}", speaker=who, text=text, at=start + timedelta(minutes=i))
        for i, (who, text) in enumerate(lines, 1)
    ]
    return Conversation(
        id=cid,
        participants=[
            Participant(name="Ana", role="user", principal=True),
            Participant(name="Bot", role="assistant"),
        ],
        sessions=[Session(id="s1", started_at=start, turns=turns)],
        probes=[
            Probe(
                id="q1",
                question="What is the name of Ana's dog?",
                answers=["Bolt"],
                evidence=["s1:t1"],
            )
        ],
    )


def _dataset() -> Dataset:
    # Two conversations: intervals are resampled by conversation, so one would give none.
    return Dataset(name="two", conversations=[_conversation("c1"), _conversation("c2")])


def test_results_render_counts_and_the_summary_table(tmp_path: Path) -> None:
    experiment = build_experiment(
        {
            "name": "display",
            "dataset": _dataset(),
            "ingest": [{"kind": "verbatim"}],
            "recall": [{"strategy": "bm25", "k": [1, 2], "label": "kw{k}"}],
        }
    )
    replay(experiment, db=tmp_path / "r.duckdb", quiet=True).close()
    results = open_results(tmp_path / "r.duckdb")
    try:
        html = results._repr_html_()
    finally:
        results.close()
    assert "Results of &#x27;display&#x27;" in html
    assert "2 variants, 2 conversations, 2 units, 4 probe rows, 0 errors" in html
    assert html.index("kw1") < html.index("kw2")
    assert "<td>1.000 [1.000, 1.000]</td>" in html, "the score with its interval"
    for column in ("evidence_recall_any", "n", "errors", "tokens/probe", "context tokens/probe"):
        assert f"<th>{column}</th>" in html


def test_ipython_text_form_is_the_same_compact_table(memory: Memory) -> None:
    pretty = require("IPython.lib.pretty", install="pip install -e '.[notebooks]'")
    memory.create_session_summary("s1")
    hits = memory.recall("Porto", strategy="bm25", over="messages", limit=2)
    text = pretty.pretty(hits)
    assert text.startswith(f"{len(hits)} recalled\n") and " rank " in text.splitlines()[1] + " "
    assert not UUID.search(text)
    assert pretty.pretty(memory.get_session_summaries()).startswith("1 session summaries\n")
    result = memory.create_user_memories(message="I have a dog called Pixel.")
    assert pretty.pretty(result).startswith(f"{len(result.ops)} applied, 0 rejected")
