"""Scoring the offline model's extraction on a corpus written apart from its rules.

The corpus (`tests/llm/data/extraction_corpus.json`) lists user messages with their
dates and, per case, the facts a careful person would store (key words that must appear in one
memory), what must not be stored, and the facts an update made stale. This module loads it and
turns the memories an extractor left behind into three figures: fact recall, precision on the
must-not checks, and the share of stale facts still stated as current. It is evidence about the
rules, not a fixture to tune them on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from memlab.errors import DatasetError

__all__ = ["CorpusCase", "CorpusScore", "load_corpus", "rules_memories", "score_corpus"]

# A memory that says a fact ended does not state it as current.
_ENDED = re.compile(
    r"\b(?:no\s+longer|not|anymore|any\s+more|used\s+to|stopped|cancell?ed|sold|died|passed"
    r"\s+away|broke\s+up|divorced|left|quit|former(?:ly)?|previously|until)\b",
    re.I,
)


@dataclass(frozen=True)
class CorpusCase:
    """One case of the corpus: a user's messages and what should be remembered of them.

    Attributes:
        id: The case's name, also used as the user id.
        messages: (time, text) of each user message, in order.
        together: Extract all messages in one call (a fact split over two messages).
        none: Nothing here is worth storing.
        facts: Facts to find; each is a tuple of keys, each key a tuple of accepted spellings.
        must_not: Phrases no memory may contain.
        stale: Facts an update made stale, keyed like `facts`.
    """

    id: str
    messages: tuple[tuple[datetime, str], ...]
    together: bool = False
    none: bool = False
    facts: tuple[tuple[tuple[str, ...], ...], ...] = ()
    must_not: tuple[str, ...] = ()
    stale: tuple[tuple[tuple[str, ...], ...], ...] = ()


@dataclass
class CorpusScore:
    """The figures of one run over the corpus, with the misses that explain them."""

    facts: int = 0
    facts_found: int = 0
    checks: int = 0
    checks_passed: int = 0
    stale: int = 0
    stale_current: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        """Share of expected facts held by some memory."""
        return self.facts_found / self.facts if self.facts else 1.0

    @property
    def precision(self) -> float:
        """Share of must-not checks passed (a `none` case counts once, each phrase once)."""
        return self.checks_passed / self.checks if self.checks else 1.0

    @property
    def stale_left(self) -> float:
        """Share of stale facts some memory still states as current."""
        return self.stale_current / self.stale if self.stale else 0.0


def _keys(raw: Sequence[Sequence[str]]) -> tuple[tuple[tuple[str, ...], ...], ...]:
    return tuple(
        tuple(tuple(alt.strip() for alt in key.split("|")) for key in fact) for fact in raw
    )


def load_corpus(path: str | Path) -> list[CorpusCase]:
    """Read the corpus JSON file.

    Raises:
        DatasetError: the file is missing or a case lacks its messages or dates.
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        return [
            CorpusCase(
                id=str(case["id"]),
                messages=tuple(
                    (datetime.fromisoformat(m["at"].replace("Z", "+00:00")), str(m["text"]))
                    for m in case["messages"]
                ),
                together=bool(case.get("together", False)),
                none=bool(case.get("none", False)),
                facts=_keys(case.get("facts", [])),
                must_not=tuple(case.get("must_not", [])),
                stale=_keys(case.get("stale", [])),
            )
            for case in doc["cases"]
        ]
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise DatasetError(
            f"cannot read the extraction corpus {path}: {exc}; see its 'conventions' block"
        ) from exc


def _holds(memory: str, fact: Sequence[Sequence[str]]) -> bool:
    low = memory.lower()
    return all(any(alt.lower() in low for alt in key) for key in fact)


def score_corpus(
    cases: Sequence[CorpusCase], memories_of: Callable[[CorpusCase], list[str]]
) -> CorpusScore:
    """Run an extractor over every case and score the memories it leaves.

    Args:
        cases: The corpus.
        memories_of: Extracts one case's messages into a fresh store and returns the texts of
            the memories left at the end.

    Returns:
        The counts and figures, with one line per miss ("recall <case>: <keys>").
    """
    score = CorpusScore()
    for case in cases:
        memories = memories_of(case)
        for fact in case.facts:
            score.facts += 1
            if any(_holds(m, fact) for m in memories):
                score.facts_found += 1
            else:
                score.misses.append(f"recall {case.id}: {fact} in {memories}")
        checks = [(f"none {case.id}", not memories)] if case.none else []
        checks += [
            (f"must_not {case.id}: {p!r}", not any(p.lower() in m.lower() for m in memories))
            for p in case.must_not
        ]
        for name, passed in checks:
            score.checks += 1
            score.checks_passed += passed
            if not passed:
                score.misses.append(f"precision {name} in {memories}")
        for fact in case.stale:
            score.stale += 1
            current = [m for m in memories if _holds(m, fact) and not _ENDED.search(m)]
            if current:
                score.stale_current += 1
                score.misses.append(f"stale {case.id}: {fact} in {current}")
    return score


def rules_memories(case: CorpusCase) -> list[str]:
    """The memories the offline rules leave for a case, without the model-call machinery.

    Each call (one message, or all when `together`) is read by `extract_facts` with the
    message's own time and applied through `decide_ops`, as the provider does.
    """
    from memlab.llm.offline.rules import decide_ops, extract_facts

    store: dict[str, str] = {}
    calls = [case.messages] if case.together else [(m,) for m in case.messages]
    for n, call in enumerate(calls):
        turns = [(f"m{n}-{i}", "user", text) for i, (_, text) in enumerate(call)]
        times = {f"m{n}-{i}": at for i, (at, _) in enumerate(call)}
        facts = extract_facts(turns, times=times, keep_unparsed=True)
        for i, op in enumerate(decide_ops(facts, list(store.items()))):
            if op.op == "add" and op.memory:
                store[f"k{n}-{i}"] = op.memory
            elif op.op == "update" and op.memory_id and op.memory:
                store[op.memory_id] = op.memory
            elif op.op == "delete" and op.memory_id:
                store.pop(op.memory_id, None)
    return list(store.values())
