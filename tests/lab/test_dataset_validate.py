"""Validation: every problem named with file, conversation and field path; strict and lenient."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from memlab.errors import DatasetError
from memlab.lab import Dataset, load_dataset
from memlab.lab.data.validate import validate_dataset

BASE: dict[str, Any] = {
    "id": "c1",
    "participants": [
        {"name": "Ana", "principal": True},
        {"name": "Assistant", "role": "assistant"},
    ],
    "sessions": [
        {
            "id": "s1",
            "started_at": "2024-01-03T09:00:00Z",
            "turns": [
                {"id": "t1", "speaker": "Ana", "text": "We adopted a puppy."},
                {
                    "id": "t2",
                    "speaker": "Ana",
                    "text": "",
                    "attachments": [{"kind": "image", "caption": "a puppy on a rug"}],
                },
                {"id": "t3", "speaker": "Assistant", "text": "What is her name?"},
            ],
        },
        {
            "id": "s2",
            "started_at": "2024-02-01T18:30:00Z",
            "turns": [{"id": "t4", "speaker": "Ana", "text": "Her name is Biscuit."}],
        },
    ],
    "probes": [
        {"id": "p1", "question": "Puppy's name?", "answers": ["Biscuit"], "evidence": ["t1", "t4"]},
        {
            "id": "p2",
            "question": "Any pets yet?",
            "answers": ["a puppy"],
            "evidence": ["t1"],
            "asked_after": "s1",
        },
        {"id": "p3", "question": "Ana's job?", "abstention": True},
    ],
}

Mutation = Callable[[dict[str, Any]], None]
S0, S1 = "sessions[0]", "sessions[1]"
P1_T4 = ("probes[0].evidence[1]", "evidence 't4'")  # follows from losing turn t4
P1_T1 = ("probes[0].evidence[0]", "evidence 't1'")
P2_T1 = ("probes[1].evidence[0]", "evidence 't1'")


def write(path: Path, *conversations: dict[str, Any]) -> Path:
    header = {"format": "memlab-conversations", "version": 1, "name": "v"}
    lines = [json.dumps(header), *(json.dumps(c) for c in conversations)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def setter(path: str, value: Any) -> Mutation:
    """Set (or, for `...`, delete) the field at a dotted path like `sessions.0.turns.1.text`."""

    def mutate(conv: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = conv
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        key: Any = int(last) if last.isdigit() else last
        if value is ...:
            del node[key]
        else:
            node[key] = value

    return mutate


CASES = [
    pytest.param(
        setter("sessions.1.id", "s1"),
        "duplicate session id 's1'",
        [(f"{S1}.id", "session 's1' and its turns"), P1_T4],
        id="duplicate-session",
    ),
    pytest.param(
        setter("sessions.1.turns.0.id", "t1"),
        "duplicate turn id 't1'",
        [(f"{S1}.turns[0].id", "turn 't1'"), P1_T4],
        id="duplicate-turn",
    ),
    pytest.param(
        setter("probes.1.id", "p1"),
        "duplicate probe id 'p1'",
        [("probes[1].id", "probe 'p1'")],
        id="duplicate-probe",
    ),
    pytest.param(
        setter("probes.0.evidence", ["t1", "t9"]),
        "evidence names turn 't9', which does not exist",
        [("probes[0].evidence[1]", "evidence 't9'")],
        id="evidence-missing",
    ),
    pytest.param(
        setter("probes.1.evidence", ["t4"]),
        "asked after session 's1' but its evidence turn 't4' is in the later session 's2'",
        [("probes[1].evidence[0]", "probe 'p2'")],
        id="asked-before-evidence",
    ),
    pytest.param(
        setter("sessions.0.turns.0.text", "  "),
        "empty text",
        [(f"{S0}.turns[0].text", "turn 't1'"), P1_T1, P2_T1],
        id="empty-text",
    ),
    pytest.param(
        setter("sessions.1.started_at", "next Tuesday"),
        "unparsable date 'next Tuesday'; write ISO 8601",
        [(f"{S1}.started_at", "session 's2' and its turns"), P1_T4],
        id="unparsable-session-date",
    ),
    pytest.param(
        setter("sessions.0.turns.2.at", "2024-13-45T00:00:00"),
        "unparsable date '2024-13-45T00:00:00'",
        [(f"{S0}.turns[2].at", "turn 't3'")],
        id="unparsable-turn-date",
    ),
    pytest.param(
        setter("sessions.1.started_at", "2023-12-01T00:00:00Z"),
        "session 's2' starts 2023-12-01T00:00:00+00:00, before the session before it ('s1'",
        [(f"{S1}.started_at", "session 's2' and its turns"), P1_T4],
        id="sessions-out-of-order",
    ),
    pytest.param(
        setter("sessions.0.turns.0.text", 5),
        "Input should be a valid string (got int 5)",
        [(f"{S0}.turns[0].text", "turn 't1'"), P1_T1, P2_T1],
        id="wrong-type-text",
    ),
    pytest.param(
        setter("probes.0.answers", "Biscuit"),
        "Input should be a valid list",
        [("probes[0].answers", "probe 'p1'")],
        id="wrong-type-answers",
    ),
    pytest.param(
        setter("sessions.0.turns.2.txt", "typo"),
        "unknown field 'txt'",
        [(f"{S0}.turns[2].txt", "turn 't3'")],
        id="unknown-field",
    ),
    pytest.param(
        setter("probes.0.answer", "Biscuit"),
        "unknown field 'answer'; did you mean 'answers'?",
        [("probes[0].answer", "probe 'p1'")],
        id="misspelled-field-suggests-the-name",
    ),
    pytest.param(
        setter("sessions.1", "oops"),
        "expected a session object, got str",
        [(S1, "session #1"), P1_T4],
        id="session-not-an-object",
    ),
    pytest.param(
        setter("sessions.1.id", ...),
        "missing required field 'id'",
        [(f"{S1}.id", "session #1 and its turns"), P1_T4],
        id="session-without-id",
    ),
    pytest.param(
        setter("probes.2.evidence", ["t1"]),
        "an abstention probe (never mentioned) cannot name evidence turns",
        [("probes[2].evidence", "probe 'p3'")],
        id="abstention-with-evidence",
    ),
    pytest.param(
        setter("probes.0.answers", []),
        "no accepted answer; add one to `answers` or set `abstention: true`",
        [("probes[0].answers", "probe 'p1'")],
        id="no-answer",
    ),
    pytest.param(
        setter("sessions.1.turns.0.speaker", "Bob"),
        "speaker 'Bob' is not a participant",
        [(f"{S1}.turns[0].speaker", "turn 't4'"), P1_T4],
        id="unknown-speaker",
    ),
    pytest.param(
        setter("probes.1.asked_after", "s9"),
        "`asked_after` names session 's9', which is absent",
        [("probes[1].asked_after", "probe 'p2'")],
        id="asked-after-unknown-session",
    ),
    pytest.param(
        setter("probes.1.asked_at", "2023-01-01T00:00:00Z"),
        "before session 's1' it follows began",
        [("probes[1].asked_at", "probe 'p2'")],
        id="asked-at-before-session",
    ),
    pytest.param(
        setter("probes.0.about", "Bob"),
        "`about` names 'Bob', who is not a participant",
        [("probes[0].about", "probe 'p1'")],
        id="about-unknown",
    ),
    pytest.param(
        setter("participants.0.principal", False),
        "no participant is a principal",
        [("participants", "conversation 'c1'")],
        id="no-principal",
    ),
    pytest.param(
        setter("sessions", []),
        "the conversation has no turns",
        [("sessions", "conversation 'c1'"), *[(f"probes[{k}].evidence[0]", None) for k in (0, 1)]],
        id="no-turns",
    ),
]


@pytest.mark.parametrize(("mutate", "message", "expected"), CASES)
def test_problem_is_named_and_skipped(
    tmp_path: Path, mutate: Mutation, message: str, expected: list[tuple[str, str | None]]
) -> None:
    conv = copy.deepcopy(BASE)
    mutate(conv)
    path = write(tmp_path / "one.jsonl", conv)
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    problems = info.value.problems
    found = [(p.path, p.skipped) for p in problems]
    if expected[-1][1] is None:  # a dropped conversation: its probes' problems are skipped too
        found = found[:1]
        expected = expected[:1]
    assert found == [(f"conversations[0].{where}", skip) for where, skip in expected]
    assert message in problems[0].message
    assert {(p.file, p.conversation_id) for p in problems} == {(str(path), "c1")}
    assert message in str(info.value)  # the error text lists the problems too
    lenient = load_dataset(path, strict=False)
    assert lenient.problems == problems


def test_lenient_keeps_everything_but_the_bad_records(tmp_path: Path) -> None:
    conv = copy.deepcopy(BASE)
    conv["sessions"][0]["turns"][0]["text"] = ""  # t1 goes; p1 and p2 lose that evidence
    conv["probes"][0]["answers"] = 3  # p1 goes
    path = write(tmp_path / "l.jsonl", conv)
    (kept,) = load_dataset(path, strict=False).conversations
    assert [t.id for _, t in kept.turns()] == ["t2", "t3", "t4"]
    assert [(p.id, p.evidence) for p in kept.probes] == [("p2", []), ("p3", [])]


def test_strict_lists_every_problem_of_every_conversation(tmp_path: Path) -> None:
    first, second, third = (copy.deepcopy(BASE) for _ in range(3))
    first["sessions"][0]["turns"][2]["text"] = ""
    second["id"] = "c2"
    second["probes"][0]["evidence"] = ["nope"]
    third["probes"][2]["evidence"] = ["t1"]  # and a duplicate of c1's id
    path = write(tmp_path / "many.jsonl", first, second, third)
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    assert [(p.conversation_id, p.path) for p in info.value.problems] == [
        ("c1", "conversations[0].sessions[0].turns[2].text"),
        ("c2", "conversations[1].probes[0].evidence[0]"),
        ("c1", "conversations[2].id"),
        ("c1", "conversations[2].probes[2].evidence"),
    ]
    assert "4 problem(s)" in str(info.value)
    lenient = load_dataset(path, strict=False)
    assert [c.id for c in lenient.conversations] == ["c1", "c2"]
    assert lenient.conversations[0].turn_count() == 3


def test_conversation_that_is_not_an_object(tmp_path: Path) -> None:
    path = write(tmp_path / "x.jsonl", BASE)
    with path.open("a", encoding="utf-8") as out:
        out.write("[1, 2]\n")
    lenient = load_dataset(path, strict=False)
    assert [str(p) for p in lenient.problems] == [
        f"{path}: conversations[1]: expected a conversation object, got list "
        "[skipped conversations[1]]"
    ]


def test_validate_dataset_checks_models_in_memory() -> None:
    good = load_dataset_from(BASE)
    assert validate_dataset(good) == []
    bad = good.model_copy(deep=True)
    bad.conversations[0].probes[0].evidence.append("t99")
    (problem,) = validate_dataset(bad, file="mem")
    assert str(problem) == (
        "mem: conversations[0].probes[0].evidence[2] (conversation 'c1'): evidence names "
        "turn 't99', which does not exist [skipped evidence 't99']"
    )


def load_dataset_from(conv: dict[str, Any]) -> Dataset:
    return Dataset.model_validate({"name": "m", "conversations": [conv]})
