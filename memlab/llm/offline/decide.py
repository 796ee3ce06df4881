"""Deciding memory operations: which stored memory a new fact repeats, updates or ends.

`decide_ops` is what the offline model answers to an extraction prompt: ADD, UPDATE, DELETE or
NOOP against the memories the prompt shows, the way a memory manager would.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from memlab.llm.offline.clauses import MAX_READ_CHARS
from memlab.llm.offline.dates import strip_dates
from memlab.llm.offline.extract import Fact, parse_memory, topics_of
from memlab.llm.offline.fallback import ended_topic
from memlab.llm.offline.text import (
    content_stems,
    normalize_answer,
    stem_word,
)
from memlab.schema import MemoryOp

__all__ = ["decide_ops", "fact_from_text"]

_SINGLE = frozenset(
    {"name", "age", "location", "origin", "job", "employer", "partner", "diet", "family:children"}
)


# How the rules write a retraction ("User no longer has a dog.", "User is no longer vegan.").
_RETRACTION_TEXT = re.compile(r"User(?:'s [^.]*?)? (?:is |will )?no longer\b")


def _plain(text: str) -> str:
    # A slot's rendering, give or take its date ("User got married to Lena on 6 May 2023.").
    undated = strip_dates(text)
    return re.sub(r"\bgot\b", "is", normalize_answer(undated))


def fact_from_text(
    text: str,
    *,
    topics: Sequence[str] = (),
    source_message_ids: Sequence[str] = (),
    own: bool = False,
) -> Fact:
    """A `Fact` for a fact text that arrived as plain text (e.g. from a model's JSON).

    Args:
        text: The fact, in any wording.
        topics: Its topics; derived from the attribute when empty.
        source_message_ids: The messages it came from.
        own: The text is one of the offline rules' own facts: it fills a slot only when it is
            exactly that slot's rendering ("User works at Shopify."), so a statement kept whole
            that mentions a slot ("User quit their job at Deloitte, now …") stays a statement.

    Returns:
        The fact, with the attribute `attribute_of` reads; for a statement that something
        ended ("User stopped doing CrossFit.") "ended:<topic>"; else "other".
    """
    slot = parse_memory(text)
    canonical = slot is not None and (
        _plain(slot.text) == _plain(text)
        or (slot.negated and _RETRACTION_TEXT.match(text) is not None)
    )
    if own and not canonical:
        slot = None
    topic = None if slot else ended_topic(text)
    ended = "ended:" + "_".join(sorted(topic)) if topic else "other"
    attribute = slot.attribute if slot else ended
    return Fact(
        text=text,
        attribute=attribute,
        topics=tuple(topics) or topics_of(attribute),
        source_message_ids=tuple(source_message_ids),
    )


@dataclass
class _Held:
    """One memory as `decide_ops` sees it while it walks the facts (mutable working state)."""

    memory_id: str | None  # None: added by an op of this batch
    text: str
    attribute: str | None
    value: frozenset[str]
    negated: bool
    op_index: int | None = None  # the op of this batch that wrote it
    alive: bool = True

    @cached_property
    def stems(self) -> frozenset[str]:
        return _stems(self.text)

    @cached_property
    def norm(self) -> str:
        return _norm(self.text)

    @cached_property
    def key(self) -> str | None:
        return _conflict_key(self.attribute) if self.attribute else None


# Every call of `decide_ops` reads the memories it is shown again, and a replay shows the
# same memories call after call: what a text reads as is kept (bounded caches of pure
# functions), so a call costs little more per memory than comparing it.
_CACHED = 1 << 15


@lru_cache(maxsize=_CACHED)
def _stems(text: str) -> frozenset[str]:
    return frozenset(content_stems(text[:MAX_READ_CHARS]))


@lru_cache(maxsize=_CACHED)
def _norm(text: str) -> str:
    return normalize_answer(text[:MAX_READ_CHARS])


@lru_cache(maxsize=_CACHED)
def _conflict_key(attribute: str) -> str:
    kind, _, rest = attribute.partition(":")
    kind = "pref" if kind in {"likes", "dislikes"} else kind
    return kind + (
        ":" + "_".join(stem_word(w) for w in re.findall(r"[^\W_@]+|@", rest)) if rest else ""
    )


def _hold(memory_id: str | None, text: str, fallback: str | None = None) -> _Held:
    return _Held(memory_id, text, *_reading(text, fallback))


@lru_cache(maxsize=_CACHED)
def _reading(text: str, fallback: str | None) -> tuple[str | None, frozenset[str], bool]:
    """(attribute, value stems, negated) of a memory or fact text."""
    if fallback is not None and fallback.startswith(("said", "ended:", "other")):
        # A statement kept whole: no slot, so it never replaces a slot memory by accident.
        return None, _stems(text), False
    slot = parse_memory(text)
    if slot is None:
        attribute = fallback if fallback and fallback != "other" else None
        return attribute, _stems(text), bool(re.search(r"\bno longer\b", text))
    return slot.attribute, frozenset(content_stems(slot.value)), slot.negated


def _verdict(new: _Held, old: _Held) -> str | None:
    """Whether `new` repeats `old` ("noop"), replaces it ("update") or is unrelated (None)."""
    if new.key is None or new.key != old.key:
        return None
    named = new.key.startswith(("pet:", "family:")) and new.key != "family:children"
    if named and new.value and old.value and not new.value & old.value:
        return None  # two dogs with different names are two dogs
    # "married to Lena" after "girlfriend is Lena": same name, new words, so news.
    if (
        new.attribute == old.attribute
        and not old.negated
        and new.value <= old.value
        and set(content_stems(new.text)) <= set(content_stems(old.text))
    ):
        return "noop"
    return "update"


def _retracts(new: _Held, old: _Held) -> bool:
    if old.negated or old.attribute is None or new.attribute is None:
        return False
    if new.attribute == "employer" and not new.value:
        same_slot = old.attribute in {"employer", "job"}  # "I quit my job" ends both
    else:
        same_slot = old.attribute == new.attribute
    return same_slot and (not new.value or not old.value or bool(new.value & old.value))


def _ended_topic(attribute: str | None) -> frozenset[str]:
    if not attribute or not attribute.startswith("ended:"):
        return frozenset()
    return frozenset(s for s in attribute.removeprefix("ended:").split("_") if s)


_ENDED_WORDS = re.compile(
    r"\b(?:no\s+longer|not|anymore|stopped|quit|cancell?ed|sold|died|passed\s+away|broke\s+up"
    r"|divorced|dropped\s+out|gave\s+up|gone\s+off|left)\b",
    re.I,
)


def _says_ended(held: _Held) -> bool:
    return held.negated or _ended_words(held.text)


@lru_cache(maxsize=_CACHED)
def _ended_words(text: str) -> bool:
    return _ENDED_WORDS.search(text) is not None


def _mentions(new: _Held, old: _Held) -> bool:
    # A retraction with a value ("Tom and I broke up") also ends statements kept whole that
    # name it ("User's boyfriend Tom and User are going to Rome").
    return old.attribute is None and bool(new.value) and new.value <= old.value


def decide_ops(facts: Sequence[Fact], existing: Sequence[tuple[str, str]]) -> list[MemoryOp]:
    """Turn new facts into operations on the stored memories, the way a memory manager would.

    For each fact, in order: NOOP when a memory already says it (same normalized text, or the
    same slot with no new information); UPDATE of that memory when the fact gives a
    single-valued slot (location, job, employer, name, age, partner, …) a different value,
    or restates a multi-valued key ("likes:sushi" -> "dislikes:sushi"); DELETE of the
    memories a retraction withdraws ("User no longer has a dog."), NOOP if none; otherwise
    ADD. Facts of one batch see each other: "I live in Porto. No wait, I moved to Lisbon."
    turns the first ADD into a NOOP and adds Lisbon.

    Args:
        facts: Facts to apply, e.g. from `extract_facts` (a `None` attribute is read from the
            text).
        existing: (memory_id, text) of the stored memories.

    Returns:
        At least one op per fact, in fact order; ops carry the fact's topics and
        source_message_ids.
    """
    held = [_hold(memory_id, text) for memory_id, text in existing]
    ops: list[MemoryOp] = []

    def silence(item: _Held) -> None:
        # An op of this batch that a later fact overrides becomes a NOOP, so the batch
        # writes each memory once.
        if item.op_index is not None:
            earlier = ops[item.op_index]
            ops[item.op_index] = MemoryOp(
                op="noop", memory_id=item.memory_id, source_message_ids=earlier.source_message_ids
            )

    for fact in facts:
        new = _hold(None, fact.text, fact.attribute)
        topics = list(fact.topics) or list(topics_of(new.attribute))
        sources = list(fact.source_message_ids)
        topic = _ended_topic(fact.attribute)
        if topic:
            # "I stopped doing CrossFit": the memories about CrossFit are stale. The first is
            # rewritten to the new statement, the others deleted.
            stale = [h for h in held if h.alive and not _says_ended(h) and h.stems & topic]
            for target in stale:
                target.alive = False
                silence(target)
            stored = [t for t in stale if t.memory_id is not None]
            ops.extend(
                MemoryOp(op="delete", memory_id=t.memory_id, source_message_ids=sources)
                for t in stored[1:]
            )
            new.memory_id = stored[0].memory_id if stored else None
            new.op_index = len(ops)
            ops.append(
                MemoryOp(
                    op="update" if new.memory_id else "add",
                    memory_id=new.memory_id,
                    memory=fact.text,
                    topics=topics,
                    source_message_ids=sources,
                )
            )
            held.append(new)
            continue
        if new.negated:
            targets = [h for h in held if h.alive and (_retracts(new, h) or _mentions(new, h))]
            for target in targets:
                target.alive = False
                silence(target)
                if target.memory_id is not None:
                    ops.append(
                        MemoryOp(
                            op="delete", memory_id=target.memory_id, source_message_ids=sources
                        )
                    )
            if not any(t.memory_id is not None for t in targets):
                ops.append(MemoryOp(op="noop", source_message_ids=sources))
            continue
        same = next((h for h in held if h.alive and h.norm == new.norm), None)
        verdicts = ((h, _verdict(new, h)) for h in held if h.alive and same is None)
        match: _Held | None = same or next((h for h, v in verdicts if v == "noop"), None)
        if match is not None:
            ops.append(MemoryOp(op="noop", memory_id=match.memory_id, source_message_ids=sources))
            continue
        outdated = [h for h in held if h.alive and _verdict(new, h) == "update"]
        if new.attribute not in _SINGLE:
            outdated = outdated[:1]
        replaced = next((h for h in outdated if h.memory_id is not None), None)
        replaced = replaced or (outdated[0] if outdated else None)
        for extra in (h for h in outdated if h is not replaced):
            # A single-valued slot said twice in the store ("girlfriend is Lena" and a kept
            # sentence naming her): every stale copy goes.
            extra.alive = False
            silence(extra)
            if extra.memory_id is not None:
                ops.append(
                    MemoryOp(op="delete", memory_id=extra.memory_id, source_message_ids=sources)
                )
        new.op_index = len(ops)
        if replaced is not None:
            replaced.alive = False
            silence(replaced)
            new.memory_id = replaced.memory_id
        if new.memory_id is not None:
            ops.append(
                MemoryOp(
                    op="update",
                    memory_id=new.memory_id,
                    memory=fact.text,
                    topics=topics,
                    source_message_ids=sources,
                )
            )
        else:  # nothing stored to replace, or only an add of this same batch
            ops.append(
                MemoryOp(op="add", memory=fact.text, topics=topics, source_message_ids=sources)
            )
        held.append(new)
    return ops
