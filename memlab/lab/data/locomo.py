"""LoCoMo (snap-research/locomo, `locomo10.json`) mapped onto memlab's conversations.

Users download the file themselves (CC BY-NC 4.0); memlab never ships it. The mapping keeps
LoCoMo's own category ids and names (mem0's harness relabels them; memlab does not) and
survives the quirks of the real file: `session_N_date_time` keys without a `session_N`, sessions
ordered by N as a number, shared photos (kept as their BLIP caption), integer answers,
category-5 (adversarial) questions without an `answer`, and malformed evidence ids (several in
one string, a bare `D`, an extra colon, zero-padded numbers, ids of turns that do not exist).
Paths in the problems this module reports name the field in the LoCoMo file (`[0].qa[12]
.evidence[1]`).
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

__all__ = ["LOCOMO_CATEGORIES", "locomo_conversation", "parse_locomo_date", "read_locomo"]

LOCOMO_CATEGORIES = {
    "1": "multi-hop",
    "2": "temporal",
    "3": "open-domain",
    "4": "single-hop",
    "5": "adversarial",
}
"""LoCoMo's own category ids and their names, as the LoCoMo paper and code define them."""

_SESSION = re.compile(r"session_(\d+)")
_DATE = re.compile(
    r"\s*(\d{1,2}):(\d{2})\s*([ap])\.?m\.?\s+on\s+(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})\s*", re.I
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EVIDENCE_SEP = re.compile(r"[;,\s]+")
_DIA_ID = re.compile(r"D:?0*(\d+):+0*(\d+)", re.I)


def parse_locomo_date(text: str) -> datetime | None:
    """Parse LoCoMo's `"1:56 pm on 8 May, 2023"` (UTC); None when it does not parse."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    hour, minute, half, day, month, year = match.groups()
    months = [k for k, name in enumerate(_MONTHS, 1) if month.lower().startswith(name)]
    if not months or not 1 <= int(hour) <= 12:
        return None
    hour_24 = int(hour) % 12 + (12 if half.lower() == "p" else 0)
    try:
        return datetime(int(year), months[0], int(day), hour_24, int(minute), tzinfo=UTC)
    except ValueError:
        return None


def _normal_id(token: str) -> str | None:
    match = _DIA_ID.fullmatch(token)
    return f"D{int(match[1])}:{int(match[2])}" if match else None


def _text(value: Any) -> str | None:
    # LoCoMo has integer answers (years, counts): they are answers all the same.
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


class _Mapper:
    def __init__(self, file: str, index: int, sample_id: str | None) -> None:
        self.file, self.base, self.sample_id = file, f"[{index}]", sample_id
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str, skipped: str | None) -> None:
        self.problems.append(
            Problem(
                file=self.file,
                conversation_id=self.sample_id,
                path=self.base + path,
                message=message,
                skipped=skipped,
            )
        )


def locomo_conversation(item: Any, index: int, file: str) -> Record:
    """Map one LoCoMo sample onto a conversation in the native shape (validated later)."""
    sample_id = item.get("sample_id") if isinstance(item, dict) else None
    sample_id = sample_id if isinstance(sample_id, str) else None
    m = _Mapper(file, index, sample_id)
    if not isinstance(item, dict) or not isinstance(item.get("conversation"), dict):
        m.problem("", "expected a sample object with a `conversation` object", f"sample #{index}")
        return Record(index, None, m.problems)
    conv: dict[str, Any] = item["conversation"]
    speakers = [conv.get("speaker_a"), conv.get("speaker_b")]
    if not all(isinstance(s, str) and s for s in speakers):
        m.problem(".conversation", "needs `speaker_a` and `speaker_b` names", f"sample #{index}")
        return Record(index, None, m.problems)
    sessions = _sessions(conv, m)
    turn_ids = {t["id"] for s in sessions for t in s["turns"]}
    probes = _probes(item.get("qa", []), turn_ids, m)
    data = {
        "id": sample_id or f"locomo-{index}",
        # Both speakers are people telling each other about their lives: both are principals.
        "participants": [{"name": s, "role": "user", "principal": True} for s in speakers],
        "sessions": sessions,
        "probes": probes,
    }
    return Record(index, data, m.problems)


def _sessions(conv: dict[str, Any], m: _Mapper) -> list[dict[str, Any]]:
    numbers = sorted(int(mt[1]) for key in conv if (mt := _SESSION.fullmatch(key)))
    sessions: list[dict[str, Any]] = []
    for n in numbers:  # a `session_N_date_time` without `session_N` is no session: skip it
        key, raw_turns = f"session_{n}", conv[f"session_{n}"]
        label = f"session {key!r} and its turns"
        if not isinstance(raw_turns, list):
            m.problem(f".conversation.{key}", "expected a list of turns", label)
            continue
        raw_date = conv.get(f"{key}_date_time")
        if not isinstance(raw_date, str):
            message = f"missing `{key}_date_time`: the session cannot be placed in time"
            m.problem(f".conversation.{key}_date_time", message, label)
            continue
        started_at = parse_locomo_date(raw_date)
        if started_at is None:
            message = f"unparsable date {raw_date!r}; expected like '1:56 pm on 8 May, 2023'"
            m.problem(f".conversation.{key}_date_time", message, label)
            continue
        turns = []
        for j, raw in enumerate(raw_turns):
            path = f".conversation.{key}[{j}]"
            bad = [f for f in ("speaker", "dia_id", "text") if not isinstance(_get(raw, f), str)]
            if bad:
                message = f"turn needs string fields {bad} (got {raw!r:.80})"
                m.problem(path, message, f"turn {_get(raw, 'dia_id')!r}")
                continue
            turn: dict[str, Any] = {"id": raw["dia_id"], "speaker": raw["speaker"]}
            turn["text"] = raw["text"]
            caption = raw.get("blip_caption")
            if isinstance(caption, str) and caption.strip():
                turn["attachments"] = [{"kind": "image", "caption": caption}]
            turns.append(turn)  # img_url, query and re-download say nothing a memory needs
        sessions.append({"id": key, "started_at": started_at.isoformat(), "turns": turns})
    return sessions


def _get(raw: Any, key: str) -> Any:
    return raw.get(key) if isinstance(raw, dict) else None


def _probes(qa: Any, turn_ids: set[str], m: _Mapper) -> list[dict[str, Any]]:
    if not isinstance(qa, list):
        m.problem(".qa", f"expected a list of questions, got {type(qa).__name__}", "all probes")
        return []
    by_normal = {(_normal_id(t) or t): t for t in turn_ids}
    probes: list[dict[str, Any]] = []
    for k, q in enumerate(qa):
        path, label = f".qa[{k}]", f"probe 'q{k}'"
        category = _text(_get(q, "category"))
        if not isinstance(q, dict) or not isinstance(q.get("question"), str) or not category:
            m.problem(path, "a question needs `question` and `category`", label)
            continue
        probe: dict[str, Any] = {"id": f"q{k}", "question": q["question"]}
        probe["category"] = LOCOMO_CATEGORIES.get(category, f"category-{category}")
        probe["category_id"] = category
        if category == "5":
            # Adversarial: the conversation never says; the given answer is the trap.
            trap = _text(q.get("adversarial_answer", q.get("answer")))
            probe.update(abstention=True, trap_answers=[] if trap is None else [trap])
        else:
            answer = _text(q.get("answer"))
            if answer is None:
                m.problem(f"{path}.answer", f"no usable answer ({q.get('answer')!r})", label)
                continue
            probe["answers"] = [answer]
            probe["evidence"] = _evidence(q.get("evidence", []), path, turn_ids, by_normal, m)
        probes.append(probe)
    return probes


def _evidence(
    raw: Any, path: str, turn_ids: set[str], by_normal: dict[str, str], m: _Mapper
) -> list[str]:
    if not isinstance(raw, list):
        raw = [raw]
    found: list[str] = []
    for e, entry in enumerate(raw):
        where = f"{path}.evidence[{e}]"
        if not isinstance(entry, str):
            m.problem(where, f"evidence must be a turn id string, got {entry!r}", f"{entry!r}")
            continue
        for token in filter(None, _EVIDENCE_SEP.split(entry)):
            normal = _normal_id(token)
            turn = token if token in turn_ids else by_normal.get(normal or "")
            if turn is not None:
                if turn not in found:
                    found.append(turn)
            elif normal is None:
                message = f"{token!r} is not a turn id (expected like 'D1:3')"
                m.problem(where, message, f"evidence {token!r}")
            else:
                message = f"evidence names turn {normal!r}, which does not exist"
                m.problem(where, message, f"evidence {token!r}")
    return found


def read_locomo(path: Path, file: str) -> tuple[dict[str, Any], Generator[Record, None, None]]:
    """The dataset metadata and the conversations of a LoCoMo file, one sample at a time."""
    meta = {
        "name": path.stem,
        "license": "CC BY-NC 4.0",
        "source": "https://github.com/snap-research/locomo",
        "description": "LoCoMo: very long-term conversations between two people (Maharana et "
        "al., 2024); categories are LoCoMo's own ids 1-5.",
    }
    records = (locomo_conversation(item, i, file) for i, item in iter_json_array(path))
    return meta, records
