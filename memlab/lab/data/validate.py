"""Validation of recorded conversations: every problem named, bad records skipped, none silently.

A conversation is checked piece by piece so that one bad turn costs only that turn: types first
(each participant, session, turn and probe parsed on its own), then what types cannot say
(duplicate ids, evidence naming a turn that does not exist or comes after the probe is asked,
empty text, sessions out of time order, an abstention probe with evidence). Each `Problem`
names the file, the conversation id and the field path (`conversations[3].sessions[2].turns[7]
.text`); `skipped` says what lenient loading left out because of it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from memlab.errors import DatasetError
from memlab.lab.data.dataset import (
    Conversation,
    Dataset,
    Participant,
    Probe,
    Problem,
    Session,
    Turn,
)

__all__ = ["ConversationChecker", "problems_error", "validate_dataset"]

M = TypeVar("M", bound=BaseModel)
_Pieces = tuple[list[tuple[int, Session, list[tuple[int, Turn]]]], list[tuple[int, Probe]]]


class _Report:
    """Problems of one conversation, all carrying its file and id."""

    def __init__(self, file: str, conversation_id: str | None) -> None:
        self.file = file
        self.conversation_id = conversation_id
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, skipped: str | None = None) -> None:
        self.problems.append(
            Problem(
                file=self.file,
                conversation_id=self.conversation_id,
                path=path,
                message=message,
                skipped=skipped,
            )
        )


def _loc(loc: Sequence[int | str]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


# Every field name of the format, to suggest the one a misspelled key meant (`answer`).
_FIELDS = sorted(
    {
        name
        for model in (Dataset, Conversation, Participant, Session, Turn, Probe)
        for name in model.model_fields
    }
)


def _message(error: Any) -> str:
    kind: str = error["type"]
    value = error.get("input")
    name = str(error["loc"][-1]) if error["loc"] else "value"
    if kind == "missing":
        return f"missing required field {name!r}"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(name, _FIELDS, n=1, cutoff=0.75)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return (
            f"unknown field {name!r}; {hint}the format's fields are listed in "
            "docs/dataset-format.md"
        )
    if kind.startswith(("datetime", "date")):
        return f"unparsable date {value!r}; write ISO 8601, like '2023-05-08T13:56:00Z'"
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return f"{error['msg']} (got {type(value).__name__} {shown})"


def _parse(model: type[M], raw: Any, path: str, report: _Report, skipped: str) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            report.add(path + _loc(error["loc"]), _message(error), skipped)
        return None


def _label(kind: str, raw: Any, index: int) -> str:
    ident = raw.get("id") if isinstance(raw, dict) else None
    return f"{kind} {ident!r}" if isinstance(ident, str) else f"{kind} #{index}"


def _pieces(raw: Any, index: int, report: _Report) -> tuple[Conversation | None, _Pieces]:
    """Parse a conversation that failed as a whole, one record at a time."""
    base = f"conversations[{index}]"
    sessions: list[tuple[int, Session, list[tuple[int, Turn]]]] = []
    probes: list[tuple[int, Probe]] = []
    raw_sessions, raw_probes = raw.get("sessions", []), raw.get("probes", [])
    shell = {**raw, "sessions": [], "probes": []}
    conv = _parse(Conversation, shell, base, report, _label("conversation", raw, index))
    for key, value in (("sessions", raw_sessions), ("probes", raw_probes)):
        if not isinstance(value, list):
            report.add(f"{base}.{key}", f"expected a list, got {type(value).__name__}", "all")
            conv = None
    if conv is None:
        return None, (sessions, probes)
    for si, s in enumerate(raw_sessions):
        path, label = f"{base}.sessions[{si}]", _label("session", s, si)
        if not isinstance(s, dict):
            report.add(path, f"expected a session object, got {type(s).__name__}", label)
            continue
        turns_raw = s.get("turns", [])
        session = _parse(Session, {**s, "turns": []}, path, report, label + " and its turns")
        if not isinstance(turns_raw, list):
            report.add(f"{path}.turns", "expected a list of turns", label + " and its turns")
            session = None
        if session is None:
            continue
        turns = [
            (ti, turn)
            for ti, t in enumerate(turns_raw)
            if (turn := _parse(Turn, t, f"{path}.turns[{ti}]", report, _label("turn", t, ti)))
        ]
        sessions.append((si, session, turns))
    for pi, p in enumerate(raw_probes):
        probe = _parse(Probe, p, f"{base}.probes[{pi}]", report, _label("probe", p, pi))
        if probe is not None:
            probes.append((pi, probe))
    return conv, (sessions, probes)


class ConversationChecker:
    """Checks the conversations of one file in order, remembering the ids seen across them."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._ids: set[str] = set()

    def check(self, raw: Any, index: int) -> tuple[Conversation | None, list[Problem]]:
        """Check one conversation (a dict in the native shape, or a model).

        Args:
            raw: The conversation record as read from the file.
            index: Its position in the file, for field paths.

        Returns:
            The conversation without its bad records (None when it cannot be used at all),
            and every problem found.
        """
        base = f"conversations[{index}]"
        ident = raw.id if isinstance(raw, Conversation) else None
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            ident = raw["id"]
        report = _Report(self.file, ident)
        if not isinstance(raw, dict | Conversation):
            report.add(base, f"expected a conversation object, got {type(raw).__name__}", base)
            return None, report.problems
        try:
            whole = Conversation.model_validate(raw)  # the fast path: a valid record
        except ValidationError:
            conv, pieces = _pieces(raw, index, report)
            if conv is None:
                return None, report.problems
        else:
            conv, pieces = (
                whole,
                (
                    [(si, s, list(enumerate(s.turns))) for si, s in enumerate(whole.sessions)],
                    list(enumerate(whole.probes)),
                ),
            )
        kept = self._semantics(conv, pieces, base, report)
        return kept, report.problems

    def _semantics(
        self, conv: Conversation, pieces: _Pieces, base: str, report: _Report
    ) -> Conversation | None:
        label = f"conversation {conv.id!r}"
        fatal = False
        if conv.id in self._ids:
            report.add(f"{base}.id", f"duplicate conversation id {conv.id!r}", label)
            fatal = True
        self._ids.add(conv.id)
        participants = self._participants(conv.participants, base, report)
        if not any(p.principal for p in participants):
            message = "no participant is a principal; set `principal: true` on whose facts count"
            report.add(f"{base}.participants", message, label)
            fatal = True
        speakers = {p.name for p in participants}
        sessions, turn_session = self._sessions(pieces[0], speakers, base, report)
        if not turn_session:
            report.add(f"{base}.sessions", "the conversation has no turns", label)
            fatal = True
        probes = self._probes(pieces[1], sessions, turn_session, speakers, base, report)
        if fatal:
            return None
        if not report.problems:
            return conv
        return conv.model_copy(
            update={"participants": participants, "sessions": sessions, "probes": probes}
        )

    @staticmethod
    def _participants(
        participants: Iterable[Participant], base: str, report: _Report
    ) -> list[Participant]:
        kept: list[Participant] = []
        for k, p in enumerate(participants):
            if any(q.name == p.name for q in kept):
                message = f"duplicate participant name {p.name!r}"
                report.add(f"{base}.participants[{k}].name", message, f"participant #{k}")
                continue
            kept.append(p)
        return kept

    @staticmethod
    def _sessions(
        pieces: list[tuple[int, Session, list[tuple[int, Turn]]]],
        speakers: set[str],
        base: str,
        report: _Report,
    ) -> tuple[list[Session], dict[str, int]]:
        kept: list[Session] = []
        session_ids: set[str] = set()
        turn_session: dict[str, int] = {}  # kept turn id -> position of its kept session
        for si, session, turns in pieces:
            path, label = f"{base}.sessions[{si}]", f"session {session.id!r} and its turns"
            if session.id in session_ids:
                report.add(f"{path}.id", f"duplicate session id {session.id!r}", label)
                continue
            if kept and session.started_at < kept[-1].started_at:
                message = (
                    f"session {session.id!r} starts {session.started_at.isoformat()}, before "
                    f"the session before it ({kept[-1].id!r}, {kept[-1].started_at.isoformat()})"
                    "; sessions must be in time order"
                )
                report.add(f"{path}.started_at", message, label)
                continue
            good: list[Turn] = []
            for ti, turn in turns:
                tpath, tlabel = f"{path}.turns[{ti}]", f"turn {turn.id!r}"
                if turn.id in turn_session:
                    report.add(f"{tpath}.id", f"duplicate turn id {turn.id!r}", tlabel)
                elif not turn.text.strip() and not turn.attachments:
                    report.add(f"{tpath}.text", "empty text", tlabel)
                elif turn.speaker not in speakers:
                    message = f"speaker {turn.speaker!r} is not a participant ({sorted(speakers)})"
                    report.add(f"{tpath}.speaker", message, tlabel)
                else:
                    good.append(turn)
                    turn_session[turn.id] = len(kept)
            session_ids.add(session.id)
            kept.append(session if len(good) == len(session.turns) else _with_turns(session, good))
        return kept, turn_session

    @staticmethod
    def _probes(
        pieces: list[tuple[int, Probe]],
        sessions: list[Session],
        turn_session: dict[str, int],
        speakers: set[str],
        base: str,
        report: _Report,
    ) -> list[Probe]:
        position = {s.id: k for k, s in enumerate(sessions)}
        seen: set[str] = set()
        kept: list[Probe] = []
        for pi, probe in pieces:
            path = f"{base}.probes[{pi}]"
            found: list[tuple[str, str, str | None]] = []  # path, message, evidence skipped
            if probe.id in seen:
                found.append((f"{path}.id", f"duplicate probe id {probe.id!r}", None))
            seen.add(probe.id)
            if not probe.question.strip():
                found.append((f"{path}.question", "empty question", None))
            if not probe.abstention and not any(a.strip() for a in probe.answers):
                message = "no accepted answer; add one to `answers` or set `abstention: true`"
                found.append((f"{path}.answers", message, None))
            if probe.abstention and probe.evidence:
                message = "an abstention probe (never mentioned) cannot name evidence turns"
                found.append((f"{path}.evidence", message, None))
            if probe.about is not None and probe.about not in speakers:
                message = f"`about` names {probe.about!r}, who is not a participant"
                found.append((f"{path}.about", message, None))
            asked = len(sessions) - 1 if probe.asked_after is None else None
            if probe.asked_after is not None:
                asked = position.get(probe.asked_after)
                if asked is None:
                    message = f"`asked_after` names session {probe.asked_after!r}, which is absent"
                    found.append((f"{path}.asked_after", message, None))
            if probe.asked_at is not None and asked is not None and asked >= 0:
                start = sessions[asked].started_at
                if probe.asked_at < start:
                    message = f"asked at {probe.asked_at.isoformat()}, before session "
                    message += f"{sessions[asked].id!r} it follows began ({start.isoformat()})"
                    found.append((f"{path}.asked_at", message, None))
            evidence: list[str] = []
            for ei, turn_id in enumerate([] if probe.abstention else probe.evidence):
                holder = turn_session.get(turn_id)
                if holder is None:
                    message = f"evidence names turn {turn_id!r}, which does not exist"
                    found.append((f"{path}.evidence[{ei}]", message, f"evidence {turn_id!r}"))
                elif asked is not None and holder > asked:
                    message = (
                        f"asked after session {sessions[asked].id!r} but its evidence turn "
                        f"{turn_id!r} is in the later session {sessions[holder].id!r}"
                    )
                    found.append((f"{path}.evidence[{ei}]", message, None))
                else:
                    evidence.append(turn_id)
            bad = any(skip is None for _, _, skip in found)
            for where, message, skip in found:
                report.add(where, message, f"probe {probe.id!r}" if bad else skip)
            if not bad:
                changed = len(evidence) != len(probe.evidence)
                kept.append(probe.model_copy(update={"evidence": evidence}) if changed else probe)
        return kept


def _with_turns(session: Session, turns: list[Turn]) -> Session:
    return session.model_copy(update={"turns": turns})


def problems_error(
    file: str, problems: Sequence[Problem], *, advice: str | None = None
) -> DatasetError:
    """One `DatasetError` that lists every problem, for strict loading.

    Args:
        file: The file the problems are in.
        problems: Every problem found.
        advice: How to load leniently where the caller is (a TOML key, a flag); default the
            `strict=False` argument.
    """
    lines = "\n".join(f"  - {p}" for p in problems)
    advice = advice or "load with strict=False (`memlab datasets stats`)"
    message = (
        f"{file}: {len(problems)} problem(s); fix them, or {advice} to skip the bad records "
        f"and keep the rest:\n{lines}"
    )
    return DatasetError(message, problems=problems)


def validate_dataset(dataset: Dataset, *, file: str = "<dataset>") -> list[Problem]:
    """Every problem in an in-memory dataset (for generators and tests of built datasets).

    Args:
        dataset: The dataset to check.
        file: The name problems give as their file.

    Returns:
        The problems found, in file order; empty when the dataset is valid.
    """
    checker = ConversationChecker(file)
    problems: list[Problem] = []
    for index, conversation in enumerate(dataset.conversations):
        problems.extend(checker.check(conversation, index)[1])
    return problems
