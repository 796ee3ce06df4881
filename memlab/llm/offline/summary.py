"""Extractive summaries of the offline model: the most salient sentences, in order."""

from __future__ import annotations

import gc
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from memlab.llm.offline.clauses import bounded, clip_read
from memlab.llm.offline.decide import decide_ops
from memlab.llm.offline.distinct import distinct_indices
from memlab.llm.offline.extract import Fact, extract_facts
from memlab.llm.offline.text import (
    DATE_RE,
    content_stems,
    may_say_date,
    normalize_answer,
    split_sentences,
)

__all__ = ["summarize"]


_CHATTER = re.compile(
    r"^\W*(?:hi|hey|hello|thanks|thank you|ok|okay|sure|cool|great|nice|lol|haha|bye|good"
    r" (?:morning|night|evening)|you're welcome|no problem)\b",
    re.I,
)
_ROLE_PREFIX = re.compile(r"^(user|assistant)\s*:\s*", re.I)


@dataclass(frozen=True)
class _Sentence:
    text: str  # as it appears in the summary, with its "User: " / "Assistant: " label
    body: str  # without the label
    role: str
    facts: tuple[Fact, ...]
    stems: tuple[str, ...]


# A fact about the user needs the subject "User" in a clause, and only these words (whole,
# in any case, as the rewriting patterns read them) become it: "I", "we", "my", "our", "im",
# "ive", "call me", or "user" itself. A sentence without any says no fact, and is not read.
_MAY_SAY_FACT = re.compile(r"\b(?:i|we|my|our|im|ive|call|user)\b", re.I)


def _sentence(labelled: str) -> _Sentence:
    prefix = _ROLE_PREFIX.match(labelled)
    role = prefix.group(1).lower() if prefix else "user"
    body = labelled[prefix.end() :] if prefix else labelled
    facts = (
        tuple(extract_facts([("s", "user", body)]))
        if role == "user" and _MAY_SAY_FACT.search(body)
        else ()
    )
    return _Sentence(labelled, body, role, facts, tuple(content_stems(body)))


def _salience(item: _Sentence, idf: dict[str, float], top: float) -> float:
    # Facts about the user come first, then dates, numbers and names; TF-IDF weight (scaled
    # to at most 1) only orders sentences that tie on those.
    if not item.stems:
        return 0.0
    counts = Counter(item.stems)
    weight = sum(n * idf[s] for s, n in counts.items()) / math.sqrt(len(item.stems)) / top
    weight += 4.0 + 0.5 * (len(item.facts) - 1) if item.facts else 0.0
    dated = may_say_date(item.body) and (DATE_RE.search(item.body) or re.search(r"\d", item.body))
    weight += 1.0 if dated else 0.0
    weight += min(1.0, 0.5 * len(_names(item.body)))
    if item.body.rstrip().endswith("?"):
        weight *= 0.3  # questions ask for information, they rarely carry it
    if _CHATTER.match(item.body) and not item.facts:
        weight *= 0.2
    if len(set(item.stems)) < 3 and not item.facts:
        weight *= 0.3
    return weight * (0.6 if item.role == "assistant" else 1.0)


_NO_FACT_MAX = 3.0 + 1e-9  # the most a sentence without facts scores, with rounding room


def _names(text: str) -> list[str]:
    return [w for w in text.split()[1:] if w[:1].isupper() and w.lower() != "i"]


def _superseded(old: _Sentence, newer: Sequence[_Sentence]) -> bool:
    # A sentence at least half of whose facts newer turns override ("lives in Porto" after
    # "moved to Lisbon") is more wrong than right now; dropping it keeps an incremental
    # summary honest. An extractive summary cannot rewrite half a sentence.
    if not old.facts:
        return False
    fresh = [f for s in newer for f in s.facts]
    overridden = sum(
        any(decide_ops([f], [("old", o.text)])[0].op in {"update", "delete"} for f in fresh)
        for o in old.facts
    )
    return 2 * overridden >= len(old.facts)


# A summary reads at most this much of one turn or of the previous summary: a little more than
# a prompt quotes of one item (4,000 characters), far less than the extraction rules read,
# because every sentence of a summary is compared with every other.
_READ_CHARS = 5_000


def _sentences(text: str) -> list[str]:
    return [p for s in split_sentences(clip_read(text, _READ_CHARS)) for p in bounded(s)]


def _distinct(pool: Sequence[_Sentence]) -> list[_Sentence]:
    """The sentences of `pool`, in order, without those like an earlier kept one."""
    kept = distinct_indices([(normalize_answer(item.body), item.stems) for item in pool])
    return [pool[i] for i in kept]


def summarize(
    turns: Sequence[tuple[str, str]], *, previous: str | None = None, max_sentences: int = 6
) -> tuple[str, list[str]]:
    """Write an extractive summary of a conversation: its most salient sentences, in order.

    Sentences are scored by TF-IDF weight over the conversation, plus bonuses for facts about
    the user, dates, numbers and names, and penalties for questions and chit-chat; the best
    `max_sentences` are kept in their original order, each labelled "User:" or "Assistant:",
    near-duplicates dropped. With `previous`, its sentences compete with the new ones (a
    previous sentence whose facts a new turn overrides is dropped), so the summary stays
    bounded however many times it is updated.

    Args:
        turns: (role, content) turns; roles other than user and assistant are skipped.
        previous: The summary written so far, for an incremental update.
        max_sentences: Upper bound on the sentences of the summary.

    Returns:
        (summary, topics): the summary text ("" when there is nothing to say) and up to five
        topic labels, fact topics first.
    """
    if max_sentences <= 0:
        return "", []
    with _gc_paused():
        return _summarize(turns, previous, max_sentences)


@contextmanager
def _gc_paused() -> Iterator[None]:
    # A long session makes millions of small objects, and each pass of the cyclic collector
    # walks all that are alive: at 100k messages its passes took over a tenth of the time.
    # Nothing made here forms a cycle, so reference counting alone frees it all.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _summarize(
    turns: Sequence[tuple[str, str]], previous: str | None, max_sentences: int
) -> tuple[str, list[str]]:
    old = [_sentence(s) for s in _sentences(previous or "")]
    new = [
        _sentence(f"{role.capitalize()}: {s}")
        for role, content in turns
        if role in {"user", "assistant"}
        for s in _sentences(content)
    ]
    kept = _distinct([s for s in old if not _superseded(s, new)] + new)
    # A sentence said before (kept, superseded or said again) is not new.
    from_before = {s.text for s in old}
    df: Counter[str] = Counter(s for item in kept for s in set(item.stems))
    idf = {s: math.log((len(kept) + 1) / (n + 0.5)) for s, n in df.items()}
    top = max(
        (
            sum(idf[s] for s in item.stems) / math.sqrt(len(item.stems))
            for item in kept
            if item.stems
        ),
        default=1.0,
    )

    # Previous sentences already had their chance; what is new wins close calls.
    def score(item: _Sentence) -> float:
        return _salience(item, idf, top or 1.0) * (0.8 if item.text in from_before else 1.0)

    # A sentence without facts scores at most 3 (TF-IDF weight up to 1, a date, names); when
    # enough sentences with facts score more, the others cannot be chosen and are not scored.
    scores = [score(item) if item.facts else 0.0 for item in kept]
    if sum(x > _NO_FACT_MAX for x in scores) < max_sentences:
        scores = [x if item.facts else score(item) for x, item in zip(scores, kept, strict=True)]
    ranked = sorted(range(len(kept)), key=lambda i: (-scores[i], i))
    chosen = sorted(i for i in ranked[:max_sentences] if scores[i] > 0)
    summary = " ".join(kept[i].text for i in chosen)
    topics: list[str] = []
    for i in chosen:
        for fact in kept[i].facts:
            topics.extend(t for t in fact.topics if t not in topics)
    for i in chosen:
        topics.extend(
            n.strip(".,!?;:") for n in _names(kept[i].body) if n.strip(".,!?;:") not in topics
        )
    return summary, topics[:5]
