"""The rule engine behind `memlab/offline`: an honest, deterministic baseline, not an LLM.

It reads facts from what a user says (`extract_facts`), turns them into memory operations
against the stored memories (`decide_ops`), writes extractive summaries (`summarize`), answers
questions from context (`answer`), scores answers (`token_f1`, `judge`) and picks memories
for a query (`choose_ids`). Everything is pure Python: no I/O, no model, same input, same
output. The litellm provider in `memlab.llm.offline` wraps these functions.

Extraction lives in `memlab.llm.offline_extract`, word-level rules in
`memlab.llm.offline_text`; this module is their public surface plus the two tasks that join
them: deciding operations and summarizing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from memlab.llm.offline_extract import Fact, attribute_of, extract_facts, parse_memory, topics_of
from memlab.llm.offline_text import (
    DATE_RE,
    NO_ANSWER,
    STOPWORDS,
    answer,
    choose_ids,
    content_stems,
    judge,
    normalize_answer,
    split_sentences,
    stem_word,
    token_f1,
    tokenize_words,
)
from memlab.schema import MemoryOp

__all__ = [
    "NO_ANSWER",
    "STOPWORDS",
    "Fact",
    "answer",
    "attribute_of",
    "choose_ids",
    "decide_ops",
    "extract_facts",
    "fact_from_text",
    "judge",
    "normalize_answer",
    "split_sentences",
    "stem_word",
    "summarize",
    "token_f1",
    "tokenize_words",
]

# Attributes that hold one value at a time: a new value replaces the old one.
_SINGLE = frozenset(
    {"name", "age", "location", "origin", "job", "employer", "partner", "diet", "family:children"}
)


def fact_from_text(
    text: str, *, topics: Sequence[str] = (), source_message_ids: Sequence[str] = ()
) -> Fact:
    """A `Fact` for a fact text that arrived as plain text (e.g. from a model's JSON).

    Args:
        text: The fact, in any wording.
        topics: Its topics; derived from the attribute when empty.
        source_message_ids: The messages it came from.

    Returns:
        The fact, with the attribute `attribute_of` reads ("other" when none).
    """
    attribute = attribute_of(text) or "other"
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

    @property
    def norm(self) -> str:
        return normalize_answer(self.text)

    @property
    def key(self) -> str | None:
        return _conflict_key(self.attribute) if self.attribute else None


def _conflict_key(attribute: str) -> str:
    kind, _, rest = attribute.partition(":")
    kind = "pref" if kind in {"likes", "dislikes"} else kind
    return kind + (
        ":" + "_".join(stem_word(w) for w in re.findall(r"[^\W_@]+|@", rest)) if rest else ""
    )


def _hold(memory_id: str | None, text: str, fallback: str | None = None) -> _Held:
    slot = parse_memory(text)
    if slot is None:
        words = frozenset(content_stems(text))
        attribute = fallback if fallback and fallback != "other" else None
        return _Held(memory_id, text, attribute, words, bool(re.search(r"\bno longer\b", text)))
    return _Held(
        memory_id, text, slot.attribute, frozenset(content_stems(slot.value)), slot.negated
    )


def _verdict(new: _Held, old: _Held) -> str | None:
    """Whether `new` repeats `old` ("noop"), replaces it ("update") or is unrelated (None)."""
    if new.key is None or new.key != old.key:
        return None
    named = new.key.startswith(("pet:", "family:")) and new.key != "family:children"
    if named and new.value and old.value and not new.value & old.value:
        return None  # two dogs with different names are two dogs
    if new.attribute == old.attribute and not old.negated and new.value <= old.value:
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
        if new.negated:
            targets = [h for h in held if h.alive and _retracts(new, h)]
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
        replaced = next((h for h in held if h.alive and _verdict(new, h) == "update"), None)
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


# --- summaries ------------------------------------------------------------------------------

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


def _sentence(labelled: str) -> _Sentence:
    prefix = _ROLE_PREFIX.match(labelled)
    role = prefix.group(1).lower() if prefix else "user"
    body = labelled[prefix.end() :] if prefix else labelled
    facts = tuple(extract_facts([("s", "user", body)])) if role == "user" else ()
    return _Sentence(labelled, body, role, facts, tuple(content_stems(body)))


def _salience(item: _Sentence, idf: dict[str, float], top: float) -> float:
    # Facts about the user come first, then dates, numbers and names; TF-IDF weight (scaled
    # to at most 1) only orders sentences that tie on those.
    if not item.stems:
        return 0.0
    counts = Counter(item.stems)
    weight = sum(n * idf[s] for s, n in counts.items()) / math.sqrt(len(item.stems)) / top
    weight += 4.0 + 0.5 * (len(item.facts) - 1) if item.facts else 0.0
    weight += 1.0 if DATE_RE.search(item.body) or re.search(r"\d", item.body) else 0.0
    weight += min(1.0, 0.5 * len(_names(item.body)))
    if item.body.rstrip().endswith("?"):
        weight *= 0.3  # questions ask for information, they rarely carry it
    if _CHATTER.match(item.body) and not item.facts:
        weight *= 0.2
    if len(set(item.stems)) < 3 and not item.facts:
        weight *= 0.3
    return weight * (0.6 if item.role == "assistant" else 1.0)


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
    old = [_sentence(s) for s in split_sentences(previous or "")]
    new = [
        _sentence(f"{role.capitalize()}: {s}")
        for role, content in turns
        if role in {"user", "assistant"}
        for s in split_sentences(content)
    ]
    pool = [s for s in old if not _superseded(s, new)] + new
    kept: list[_Sentence] = []
    for item in pool:
        stems = set(item.stems)
        if any(
            normalize_answer(k.body) == normalize_answer(item.body)
            or (stems and len(stems & set(k.stems)) / len(stems | set(k.stems)) >= 0.8)
            for k in kept
        ):
            continue
        kept.append(item)
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
    scores = [_salience(item, idf, top or 1.0) * (0.8 if item in old else 1.0) for item in kept]
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
