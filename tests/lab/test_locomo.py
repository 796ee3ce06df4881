"""The LoCoMo loader on hand-written files in LoCoMo's format, one quirk at a time."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from memlab.errors import DatasetError
from memlab.lab import Conversation, load_dataset
from memlab.lab.data.locomo import LOCOMO_CATEGORIES, parse_locomo_date
from memlab.testing.locomo_file import locomo_like, write_locomo_like

QUIRKS = Path(__file__).parent / "data" / "locomo_quirks.json"


@pytest.fixture(scope="module")
def conv_a() -> Conversation:
    return load_dataset(QUIRKS, strict=False).conversations[0]


def probe(conv: Conversation, pid: str) -> Any:
    return next(p for p in conv.probes if p.id == pid)


def test_dataset_metadata_and_counts() -> None:
    dataset = load_dataset(QUIRKS, format="locomo", strict=False)
    assert (dataset.name, dataset.license) == ("locomo_quirks", "CC BY-NC 4.0")
    assert [c.id for c in dataset.conversations] == ["conv-a", "conv-b"]
    assert [c.turn_count() for c in dataset.conversations] == [8, 4]
    assert dataset.probe_count() == 9


def test_sessions_ordered_by_number_and_dated_without_inventing_any(conv_a: Conversation) -> None:
    # session_3_date_time has no session_3: no session; session_10 comes after session_2.
    assert [s.id for s in conv_a.sessions] == ["session_1", "session_2", "session_10"]
    assert [s.started_at for s in conv_a.sessions] == [
        datetime(2023, 5, 8, 13, 56, tzinfo=UTC),
        datetime(2023, 6, 27, 10, 37, tzinfo=UTC),
        datetime(2023, 8, 14, 9, 5, tzinfo=UTC),
    ]
    # Turns take their time from their session.
    session, turn = next(conv_a.turns())
    assert turn.at is None
    assert session.turn_time(turn) == datetime(2023, 5, 8, 13, 56, tzinfo=UTC)


def test_both_speakers_are_principals(conv_a: Conversation) -> None:
    assert [(p.name, p.role, p.principal) for p in conv_a.participants] == [
        ("Mara", "user", True),
        ("Theo", "user", True),
    ]


def test_shared_photo_keeps_its_caption_and_drops_the_rest(conv_a: Conversation) -> None:
    turn = conv_a.sessions[0].turns[2]
    assert turn.id == "D1:3"
    assert [(a.kind, a.caption) for a in turn.attachments] == [
        ("image", "a photo of a blue ceramic bowl on a table")
    ]
    assert turn.content() == (
        "Look at my first bowl! [shared image: a photo of a blue ceramic bowl on a table]"
    )


def test_categories_keep_locomo_ids_and_names(conv_a: Conversation) -> None:
    assert [(p.category_id, p.category) for p in conv_a.probes] == [
        ("1", "multi-hop"),
        ("2", "temporal"),
        ("3", "open-domain"),
        ("4", "single-hop"),
        ("4", "single-hop"),
        ("4", "single-hop"),
        ("5", "adversarial"),
    ]
    assert LOCOMO_CATEGORIES["5"] == "adversarial"


def test_integer_answer_is_text(conv_a: Conversation) -> None:
    assert probe(conv_a, "q3").answers == ["2022"]


@pytest.mark.parametrize(
    ("pid", "evidence"),
    [
        pytest.param("q0", ["D1:3", "D2:1"], id="semicolon-in-one-string"),
        pytest.param("q1", ["D2:2", "D10:2"], id="space-in-one-string"),
        pytest.param("q2", ["D1:1"], id="bare-D-dropped"),
        pytest.param("q3", ["D1:4"], id="extra-colon"),
        pytest.param("q4", ["D10:2"], id="zero-padded"),
        pytest.param("q5", ["D10:1"], id="turn-that-does-not-exist-dropped"),
    ],
)
def test_malformed_evidence_is_split_and_normalized(
    conv_a: Conversation, pid: str, evidence: list[str]
) -> None:
    assert probe(conv_a, pid).evidence == evidence


def test_unrecoverable_evidence_is_reported_on_its_probe() -> None:
    dataset = load_dataset(QUIRKS, strict=False)
    assert [str(p) for p in dataset.problems] == [
        f"{QUIRKS}: [0].qa[1].evidence[1] (conversation 'conv-a'): evidence names turn "
        "'D10:19', which does not exist [skipped evidence 'D10:19']",
        f"{QUIRKS}: [0].qa[2].evidence[0] (conversation 'conv-a'): 'D' is not a turn id "
        "(expected like 'D1:3') [skipped evidence 'D']",
        f"{QUIRKS}: [0].qa[5].evidence[0] (conversation 'conv-a'): evidence names turn "
        "'D30:5', which does not exist [skipped evidence 'D30:5']",
    ]
    assert load_dataset(QUIRKS) == dataset  # a LoCoMo file loads leniently by default
    with pytest.raises(DatasetError) as info:
        load_dataset(QUIRKS, strict=True)
    assert info.value.problems == dataset.problems


def test_category_5_is_an_abstention_with_its_trap(conv_a: Conversation) -> None:
    adversarial = probe(conv_a, "q6")
    assert (adversarial.abstention, adversarial.answers, adversarial.evidence) == (True, [], [])
    assert adversarial.trap_answers == ["a blue bowl"]
    conv_b = load_dataset(QUIRKS, strict=False).conversations[1]
    # Some category-5 items carry `answer` instead of `adversarial_answer`.
    assert probe(conv_b, "q1").trap_answers == ["Miso"]
    assert probe(conv_b, "q1").abstention


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("1:56 pm on 8 May, 2023", datetime(2023, 5, 8, 13, 56), id="pm"),
        pytest.param("12:05 am on 1 January, 2024", datetime(2024, 1, 1, 0, 5), id="midnight"),
        pytest.param("12:30 pm on 9 Sept, 2023", datetime(2023, 9, 9, 12, 30), id="noon-abbr"),
        pytest.param("10:37 AM on 27 June 2023", datetime(2023, 6, 27, 10, 37), id="no-comma"),
        pytest.param("yesterday", None, id="words"),
        pytest.param("1:56 pm on 31 February, 2023", None, id="no-such-day"),
    ],
)
def test_parse_locomo_date(text: str, expected: datetime | None) -> None:
    want = None if expected is None else expected.replace(tzinfo=UTC)
    assert parse_locomo_date(text) == want


def sample(**conversation: Any) -> dict[str, Any]:
    base = {"speaker_a": "A", "speaker_b": "B"}
    return {"sample_id": "s", "conversation": {**base, **conversation}, "qa": []}


@pytest.mark.parametrize(
    ("conversation", "path", "message"),
    [
        pytest.param(
            {"session_1": [{"speaker": "A", "dia_id": "D1:1", "text": "hi"}]},
            "[0].conversation.session_1_date_time",
            "missing `session_1_date_time`",
            id="session-without-date",
        ),
        pytest.param(
            {"session_1_date_time": "soon", "session_1": [{"speaker": "A", "dia_id": "D1:1"}]},
            "[0].conversation.session_1_date_time",
            "unparsable date 'soon'; expected like '1:56 pm on 8 May, 2023'",
            id="unparsable-date",
        ),
    ],
)
def test_session_problems(
    tmp_path: Path, conversation: dict[str, Any], path: str, message: str
) -> None:
    file = tmp_path / "l.json"
    ok = {"session_2_date_time": "1:00 pm on 2 May, 2023", "session_2": [{"speaker": "B"}]}
    ok["session_2"] = [{"speaker": "B", "dia_id": "D2:1", "text": "hello"}]
    file.write_text(json.dumps([sample(**conversation, **ok)]), encoding="utf-8")
    dataset = load_dataset(file, strict=False)
    (problem,) = dataset.problems
    assert (problem.path, problem.skipped) == (path, "session 'session_1' and its turns")
    assert problem.message.startswith(message)
    assert [s.id for s in dataset.conversations[0].sessions] == ["session_2"]


def test_turn_without_text_is_reported(tmp_path: Path) -> None:
    file = tmp_path / "l.json"
    turns = [
        {"speaker": "A", "dia_id": "D1:1", "text": "hi"},
        {"speaker": "B", "dia_id": "D1:2", "img_url": ["x"]},
    ]
    data = sample(session_1_date_time="1:00 pm on 2 May, 2023", session_1=turns)
    file.write_text(json.dumps([data]), encoding="utf-8")
    (problem,) = load_dataset(file, strict=False).problems
    assert (problem.path, problem.skipped) == ("[0].conversation.session_1[1]", "turn 'D1:2'")
    assert "turn needs string fields ['text']" in problem.message


def test_locomo_sized_synthetic_file(tmp_path: Path) -> None:
    path = write_locomo_like(tmp_path / "big.json", samples=2, sessions=12, probes_per_sample=120)
    dataset = load_dataset(path, strict=False)
    assert [c.turn_count() for c in dataset.conversations] == [240, 240]
    assert [len(c.sessions) for c in dataset.conversations] == [12, 12]
    assert dataset.probe_count() == 240
    # Questions 2 and 102 of each sample carry a bare "D": reported, the probe kept.
    problems = [(p.path.split(".evidence")[0], p.skipped) for p in dataset.problems]
    assert problems == [(f"[{s}].qa[{q}]", "evidence 'D'") for s in (0, 1) for q in (2, 102)]
    # The zero-padded and joined ids were recovered.
    assert len(dataset.conversations[0].probes[0].evidence) >= 1
    assert locomo_like(samples=1, seed=3) == locomo_like(samples=1, seed=3)
