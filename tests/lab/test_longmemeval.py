"""The LongMemEval loader on a hand-written file in LongMemEval's format."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from memlab.lab import Dataset, load_dataset
from memlab.lab.data.longmemeval import parse_longmemeval_date

SMALL = Path(__file__).parent / "data" / "longmemeval_small.json"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(SMALL)


def test_each_question_is_one_conversation(dataset: Dataset) -> None:
    assert (dataset.name, dataset.license) == ("longmemeval_small", "MIT")
    assert [c.id for c in dataset.conversations] == ["q-user-1", "q-multi-2", "q-user-3_abs"]
    assert [[p.id for p in c.probes] for c in dataset.conversations] == [
        ["q-user-1"],
        ["q-multi-2"],
        ["q-user-3_abs"],
    ]
    assert dataset.problems == []


def test_user_is_the_principal(dataset: Dataset) -> None:
    conv = dataset.conversations[0]
    assert [(p.name, p.role, p.principal) for p in conv.participants] == [
        ("user", "user", True),
        ("assistant", "assistant", False),
    ]
    assert [t.speaker for _, t in conv.turns()] == [
        "user",
        "assistant",
        "user",
        "assistant",
        "user",
    ]


def test_sessions_and_dates(dataset: Dataset) -> None:
    conv = dataset.conversations[0]
    assert [(s.id, s.started_at) for s in conv.sessions] == [
        ("sharegpt_aa_0", datetime(2023, 5, 20, 2, 21, tzinfo=UTC)),
        ("answer_q1", datetime(2023, 5, 28, 18, 40, tzinfo=UTC)),
    ]
    assert conv.sessions[1].turns[0].id == "answer_q1:0"


def test_probe_asked_after_the_last_session_at_question_date(dataset: Dataset) -> None:
    probe = dataset.conversations[0].probes[0]
    assert probe.asked_after is None
    assert probe.asked_at == datetime(2023, 6, 2, 10, 15, tzinfo=UTC)
    assert (probe.category, probe.category_id) == ("single-session-user", "single-session-user")
    assert (probe.answers, probe.about) == (["a beagle"], "user")


def test_evidence_is_has_answer_turns_else_the_whole_answer_session(dataset: Dataset) -> None:
    assert dataset.conversations[0].probes[0].evidence == ["answer_q1:0"]
    # answer_m1 marks one turn; answer_m2 marks none, so all of its turns are evidence.
    multi = dataset.conversations[1].probes[0]
    assert multi.evidence == ["answer_m1:0", "answer_m2:0", "answer_m2:1", "answer_m2:2"]
    assert multi.answers == ["3"]  # a number in the file


def test_abs_questions_are_abstentions(dataset: Dataset) -> None:
    probe = dataset.conversations[2].probes[0]
    assert (probe.abstention, probe.answers, probe.evidence) == (True, [], [])


def item(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = json.loads(SMALL.read_text(encoding="utf-8"))[0]
    return {**base, **overrides}


def test_problems_name_the_source_field(tmp_path: Path) -> None:
    path = tmp_path / "lme.json"
    items = [
        item(haystack_dates=["someday", "2023/05/28 (Sun) 18:40"]),
        item(question_id="q2", question_date="later", answer_session_ids=["answer_q1", "gone"]),
    ]
    path.write_text(json.dumps(items), encoding="utf-8")
    dataset = load_dataset(path, strict=False)
    assert [(p.conversation_id, p.path, p.skipped) for p in dataset.problems] == [
        ("q-user-1", "[0].haystack_dates[0]", "session 'sharegpt_aa_0' and its turns"),
        ("q2", "[1].question_date", "the probe's asked_at"),
        ("q2", "[1].answer_session_ids[1]", "evidence session 'gone'"),
    ]
    assert [len(c.sessions) for c in dataset.conversations] == [1, 2]
    assert dataset.conversations[1].probes[0].asked_at is None


def test_limit_reads_only_the_first_items(tmp_path: Path) -> None:
    path = tmp_path / "lme.json"
    path.write_text(json.dumps([item(question_id=f"q{k}") for k in range(3)]), encoding="utf-8")
    with path.open("a", encoding="utf-8") as out:
        out.write("garbage after the list is never read")
    assert [c.id for c in load_dataset(path, limit=2).conversations] == ["q0", "q1"]


def test_sessions_are_replayed_in_date_order(tmp_path: Path) -> None:
    base = item()
    path = tmp_path / "lme.json"
    swapped = item(
        haystack_session_ids=base["haystack_session_ids"][::-1],
        haystack_dates=base["haystack_dates"][::-1],
        haystack_sessions=base["haystack_sessions"][::-1],
    )
    path.write_text(json.dumps([swapped]), encoding="utf-8")
    conv = load_dataset(path).conversations[0]
    assert [s.id for s in conv.sessions] == ["sharegpt_aa_0", "answer_q1"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2023/05/20 (Sat) 02:21", datetime(2023, 5, 20, 2, 21), id="usual"),
        pytest.param("2023/5/2 9:05", datetime(2023, 5, 2, 9, 5), id="no-weekday"),
        pytest.param("2023-05-20", None, id="iso-is-not-this-format"),
        pytest.param("2023/02/30 (Thu) 10:00", None, id="no-such-day"),
    ],
)
def test_parse_longmemeval_date(text: str, expected: datetime | None) -> None:
    want = None if expected is None else expected.replace(tzinfo=UTC)
    assert parse_longmemeval_date(text) == want
