"""LongMemEval (xiaowu0162/LongMemEval, MIT) mapped onto memlab's conversations.

Each item of `longmemeval_s.json` / `_m` / `_oracle` is one question with its own haystack of
chat sessions between a user and an assistant; it becomes one conversation (id: the
`question_id`) with one probe asked after the last session, at `question_date`. Evidence is the
turns marked `has_answer`; an answer session with no marked turn contributes all its turns.
Paths in the problems this module reports name the field in the LongMemEval file.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from memlab.lab.data.dataset import Problem
from memlab.lab.data.dataset_io import Record
from memlab.lab.data.jsonstream import iter_json_array

__all__ = ["longmemeval_conversation", "parse_longmemeval_date", "read_longmemeval"]

_DATE = re.compile(r"\s*(\d{4})/(\d{1,2})/(\d{1,2})\s*(?:\([A-Za-z]+\))?\s*(\d{1,2}):(\d{2})\s*")
_ROLES = ("user", "assistant")


def parse_longmemeval_date(text: str) -> datetime | None:
    """Parse LongMemEval's `"2023/05/20 (Sat) 02:21"` (UTC); None when it does not parse."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    try:
        year, month, day, hour, minute = (int(g) for g in match.groups())
        return datetime(year, month, day, hour, minute, tzinfo=UTC)
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # some answers are numbers
    return None


def longmemeval_conversation(item: Any, index: int, file: str) -> Record:
    """Map one LongMemEval question and its haystack onto a conversation in the native shape."""
    qid = item.get("question_id") if isinstance(item, dict) else None
    problems: list[Problem] = []

    def problem(path: str, message: str, skipped: str | None) -> None:
        problems.append(
            Problem(
                file=file,
                conversation_id=qid if isinstance(qid, str) else None,
                path=f"[{index}]{path}",
                message=message,
                skipped=skipped,
            )
        )

    needed = ("question_id", "question_type", "question", "haystack_sessions")
    if not isinstance(item, dict) or not all(isinstance(item.get(k), str | list) for k in needed):
        problem("", f"a question needs {', '.join(needed)}", f"question #{index}")
        return Record(index, None, problems)
    ids = item.get("haystack_session_ids")
    dates = item.get("haystack_dates")
    bodies = item["haystack_sessions"]
    if not (isinstance(ids, list) and isinstance(dates, list)) or not (
        len(ids) == len(dates) == len(bodies)
    ):
        message = "haystack_session_ids, haystack_dates and haystack_sessions must be lists of "
        message += "the same length"
        problem("", message, f"question {qid!r}")
        return Record(index, None, problems)
    sessions: list[tuple[datetime, dict[str, Any]]] = []
    marked: dict[str, list[str]] = {}
    for k, (sid, date, body) in enumerate(zip(ids, dates, bodies, strict=True)):
        label = f"session {sid!r} and its turns"
        started_at = parse_longmemeval_date(date) if isinstance(date, str) else None
        if started_at is None:
            message = f"unparsable date {date!r}; expected like '2023/05/20 (Sat) 02:21'"
            problem(f".haystack_dates[{k}]", message, label)
            continue
        if not isinstance(sid, str) or not isinstance(body, list):
            problem(f".haystack_sessions[{k}]", "expected a session id and a list of turns", label)
            continue
        turns = []
        for j, turn in enumerate(body):
            role = turn.get("role") if isinstance(turn, dict) else None
            if role not in _ROLES or not isinstance(turn.get("content"), str):
                message = f"a turn needs `role` user/assistant and `content` (got {turn!r:.80})"
                problem(f".haystack_sessions[{k}][{j}]", message, f"turn {sid}:{j}")
                continue
            turns.append({"id": f"{sid}:{j}", "speaker": role, "text": turn["content"]})
            if turn.get("has_answer") is True:
                marked.setdefault(sid, []).append(f"{sid}:{j}")
        sessions.append(
            (started_at, {"id": sid, "started_at": started_at.isoformat(), "turns": turns})
        )
    # Replay in time order; the haystack lists sessions in date order already, as a rule.
    sessions.sort(key=lambda pair: pair[0])
    probe: dict[str, Any] = {
        "id": qid,
        "question": item["question"],
        "category": item["question_type"],
        "category_id": item["question_type"],
        "about": "user",
    }
    asked = item.get("question_date")
    asked_at = parse_longmemeval_date(asked) if isinstance(asked, str) else None
    if asked_at is None:
        message = f"unparsable question_date {asked!r}; expected like '2023/05/20 (Sat) 02:21'"
        problem(".question_date", message, "the probe's asked_at")
    else:
        probe["asked_at"] = asked_at.isoformat()
    if str(qid).endswith("_abs"):
        probe["abstention"] = True  # the honest answer is "you never said"; no evidence
    else:
        answer = _text(item.get("answer"))
        probe["answers"] = [] if answer is None else [answer]
        probe["evidence"] = _evidence(item.get("answer_session_ids"), sessions, marked)
        by_id = {s["id"] for _, s in sessions}
        for k, sid in enumerate(item.get("answer_session_ids") or []):
            if sid not in by_id:
                message = f"answer session {sid!r} is not in the haystack"
                problem(f".answer_session_ids[{k}]", message, f"evidence session {sid!r}")
    data = {
        "id": qid,
        "participants": [
            {"name": "user", "role": "user", "principal": True},
            {"name": "assistant", "role": "assistant"},
        ],
        "sessions": [body for _, body in sessions],
        "probes": [probe],
    }
    return Record(index, data, problems)


def _evidence(
    answer_ids: Any, sessions: list[tuple[datetime, dict[str, Any]]], marked: dict[str, list[str]]
) -> list[str]:
    evidence = [turn for _, s in sessions for turn in marked.get(s["id"], [])]
    by_id = {s["id"]: s for _, s in sessions}
    for sid in answer_ids if isinstance(answer_ids, list) else []:
        if isinstance(sid, str) and sid in by_id and sid not in marked:
            # No turn of this answer session is marked: the whole session is the evidence.
            evidence.extend(t["id"] for t in by_id[sid]["turns"])
    return evidence


def read_longmemeval(path: Path, file: str) -> tuple[dict[str, Any], Generator[Record, None, None]]:
    """The dataset metadata and the conversations of a LongMemEval file, one item at a time."""
    meta = {
        "name": path.stem,
        "license": "MIT",
        "source": "https://github.com/xiaowu0162/LongMemEval",
        "description": "LongMemEval (Wu et al., 2024): one question per conversation, each "
        "with its own haystack of user-assistant sessions; categories are its question types.",
    }
    records = (longmemeval_conversation(item, i, file) for i, item in iter_json_array(path))
    return meta, records
