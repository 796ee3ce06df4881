"""Extractive summaries of the offline model: the most salient sentences, in order."""

from __future__ import annotations

import gc
import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

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


# A fact about the user needs the subject "User" in a clause, and only these words (whole,
# in any case, as the rewriting patterns read them) become it: "I", "we", "my", "our", "im",
# "ive", "call me", or "user" itself. A sentence without any says no fact, and is not read.
_MAY_SAY_FACT = re.compile(r"\b(?:i|we|my|our|im|ive|call|user)\b", re.I)


@dataclass(frozen=True)
class _Sentence:
    text: str  # as it appears in the summary, with its "User: " / "Assistant: " label
    body: str  # without the label
    role: str
    stems: tuple[str, ...]

    @property
    def may_state_facts(self) -> bool:
        return self.role == "user" and _MAY_SAY_FACT.search(self.body) is not None

    @cached_property
    def facts(self) -> tuple[Fact, ...]:
        # Read on first use: reading facts is most of what a sentence costs, and only the
        # sentences that may make the summary are read (`_best`).
        return tuple(extract_facts([("s", "user", self.body)])) if self.may_state_facts else ()


def _sentence(labelled: str) -> _Sentence:
    prefix = _ROLE_PREFIX.match(labelled)
    role = prefix.group(1).lower() if prefix else "user"
    body = labelled[prefix.end() :] if prefix else labelled
    return _Sentence(labelled, body, role, tuple(content_stems(body)))


_MOST_FACTS = 3
"""Facts past this many in one sentence add nothing to its salience, so a sentence's score
has a bound before its facts are read (sentences of the bundled dataset state at most 2)."""


@dataclass(frozen=True)
class _Traits:
    """What a sentence's salience reads besides its facts (found once, scored twice)."""

    weight: float  # TF-IDF weight, scaled to at most 1
    dated: float
    named: float
    question: bool
    chatter: bool
    few_stems: bool
    factor: float  # role


def _traits(item: _Sentence, idf: dict[str, float], top: float) -> _Traits | None:
    if not item.stems:
        return None
    counts = Counter(item.stems)
    dated = may_say_date(item.body) and (DATE_RE.search(item.body) or re.search(r"\d", item.body))
    return _Traits(
        weight=sum(n * idf[s] for s, n in counts.items()) / math.sqrt(len(item.stems)) / top,
        dated=1.0 if dated else 0.0,
        named=min(1.0, 0.5 * len(_names(item.body))),
        question=item.body.rstrip().endswith("?"),
        chatter=_CHATTER.match(item.body) is not None,
        few_stems=len(counts) < 3,
        factor=0.6 if item.role == "assistant" else 1.0,
    )


def _salience(traits: _Traits | None, facts: int) -> float:
    # Facts about the user come first, then dates, numbers and names; TF-IDF weight (scaled
    # to at most 1) only orders sentences that tie on those. `facts` is how many the sentence
    # states (or may state, for a bound): the score never falls as it grows.
    if traits is None:
        return 0.0
    weight = traits.weight
    weight += 4.0 + 0.5 * (min(facts, _MOST_FACTS) - 1) if facts else 0.0
    weight += traits.dated
    weight += traits.named
    if traits.question:
        weight *= 0.3  # questions ask for information, they rarely carry it
    if traits.chatter and not facts:
        weight *= 0.2
    if traits.few_stems and not facts:
        weight *= 0.3
    return weight * traits.factor


_NO_FACT_MAX = 3.0 + 1e-9  # the most a sentence without facts scores, with rounding room


def _best(
    pool: Sequence[_Sentence], score: Callable[[_Sentence, int], float], limit: int
) -> list[int]:
    """Positions of the (at most) `limit` best sentences scoring above 0, best first.

    Ties go to the earlier sentence. Best first over bounds: each sentence enters with a bound
    on its score (`_NO_FACT_MAX` without facts, its score with `_MOST_FACTS` facts when it
    may state some) and is scored exactly, reading its facts, only when its bound is the
    highest left. Every bound is at least the score, so a scored sentence taken from the top
    beats or ties every one left; at 100k messages a few hundred of some 30k sentences that
    may state facts are read.
    """
    heap = [
        (
            -(
                max(_NO_FACT_MAX, score(item, _MOST_FACTS))
                if item.may_state_facts
                else _NO_FACT_MAX
            ),
            i,
            False,
        )
        for i, item in enumerate(pool)
    ]
    heapq.heapify(heap)
    out: list[int] = []
    while heap and len(out) < limit:
        negated, i, exact = heapq.heappop(heap)
        if not exact:
            heapq.heappush(heap, (-score(pool[i], len(pool[i].facts)), i, True))
        elif negated < 0:
            out.append(i)
        else:
            break  # this and every one left scores 0
    return out


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

    found: dict[int, _Traits | None] = {}  # by id(): a sentence is scored at most twice

    # Previous sentences already had their chance; what is new wins close calls.
    def score(item: _Sentence, facts: int) -> float:
        key = id(item)
        if key not in found:
            found[key] = _traits(item, idf, top or 1.0)
        return _salience(found[key], facts) * (0.8 if item.text in from_before else 1.0)

    chosen = sorted(_best(kept, score, max_sentences))
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
