"""Fact extraction of the offline model: what a user says about themself, as memory facts.

A message is split into sentences and clauses; questions and hypotheticals are skipped; the
speaker's pronouns are rewritten to a subject "User" ("I'm moving" -> "User is moving", "my
dog" -> "User's dog"); then a table of rules reads slots from the rewritten clause. The same
rules, with the subject left open, read the slot of an already stored memory ("Ana lives in
Porto" -> location), so facts and memories written by anyone can be compared.

Facts are rendered in one convention, third person with the subject "User": "User lives in
Lisbon.", "User no longer has a dog." With `keep_unparsed`, a personal statement no slot rule
reads is kept whole ("User swims three mornings a week."), and with the messages' times,
relative dates are resolved ("on 7 May 2023"). Public names are re-exported by
`memlab.llm.offline.rules`; import them from there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from memlab.llm.offline.clauses import (
    MAX_CLAUSE_CHARS,
    expand_contractions,
    is_caseless,
    rewrite_to_user,
)
from memlab.llm.offline.sentences import Person, statement_slots
from memlab.llm.offline.table import (
    RETRACTION_RULES,
    SLOT_RULES,
    apply_rules,
    date_of,
    event_slots,
    unnegate,
)
from memlab.llm.offline.values import (
    ReadContext,
    Slot,
)
from memlab.llm.offline.vocab import (
    NO_LONGER,
    topics_of,
)

__all__ = ["Fact", "Slot", "attribute_of", "extract_facts", "parse_memory", "topics_of"]


@dataclass(frozen=True)
class Fact:
    """One fact about the user read from the conversation by the offline rules.

    Attributes:
        text: The fact in memlab's convention, e.g. "User lives in Lisbon."; a retraction says
            "no longer": "User no longer has a dog."
        attribute: The slot it fills ("location", "employer", "pet:dog", "likes:sushi", …);
            `decide_ops` uses it to find the memory a fact updates.
        topics: Short topic labels ("location", "work", …).
        source_message_ids: Ids of the messages the fact was read from.
    """

    text: str
    attribute: str
    topics: tuple[str, ...] = ()
    source_message_ids: tuple[str, ...] = ()

    @property
    def retraction(self) -> bool:
        """True when the fact withdraws an earlier one ("User no longer lives in Porto.")."""
        return NO_LONGER.search(self.text) is not None


def extract_facts(
    messages: Sequence[tuple[str, str, str]],
    *,
    include_assistant: bool = False,
    times: Mapping[str, datetime | None] | None = None,
    keep_unparsed: bool = False,
) -> list[Fact]:
    """Read facts about the user from a conversation.

    The user's first-person statements are read: name and age, where they live and come from,
    job and employer, partner and family, pets, likes, dislikes and favourites, diet and
    allergies, plans ("I'm going to Japan next month") and dated events ("last Tuesday I ran a
    marathon"). Retractions ("I no longer have a dog") become facts that say "no longer".
    Questions, greetings, chit-chat and hypotheticals ("if I lived in Paris") yield nothing.

    Args:
        messages: (message_id, role, content) turns in order.
        include_assistant: Also read the assistant's statements about the user, in the second
            person ("So you moved to Lisbon!"); the assistant's own "I" is never the user.
        times: When each message was written, by message id: relative dates ("yesterday",
            "next month") are resolved against it ("on 7 May 2023"). Without it they are kept
            as said.
        keep_unparsed: Also keep the user's personal statements no slot rule reads, whole
            ("User swims three mornings a week."; attribute "said", or "ended:<topic>" for a
            statement that something ended). The offline model does; without it only the
            slot facts are returned.

    Returns:
        Facts in order of first mention; a fact said twice is one fact citing both messages.
    """
    facts: list[Fact] = []
    position: dict[str, int] = {}
    last_said: int | None = None
    for message_id, role, content in messages:
        if role == "user":
            person: Person = "first"
        elif role == "assistant" and include_assistant:
            person = "second"
        else:
            continue
        now = (times or {}).get(message_id)
        for slot, kind in statement_slots(content, person, now, keep_unparsed):
            if kind == "more":
                # "We got a new pet." "It's a parrot named Kiwi.": a sentence with no speaker
                # of its own right after a fact goes on that fact.
                if last_said is not None:
                    old = facts[last_said]
                    text = _join(old.text, slot.text)
                    del position[old.text]
                    position[text] = last_said
                    ids = tuple(dict.fromkeys((*old.source_message_ids, message_id)))
                    facts[last_said] = replace(old, text=text, source_message_ids=ids)
                continue
            last_said = None
            if not slot.text:
                continue
            if slot.text in position:
                last_said = position[slot.text]
                old = facts[position[slot.text]]
                if message_id not in old.source_message_ids:
                    ids = (*old.source_message_ids, message_id)
                    facts[position[slot.text]] = replace(old, source_message_ids=ids)
                continue
            position[slot.text] = len(facts)
            last_said = len(facts)
            facts.append(Fact(slot.text, slot.attribute, topics_of(slot.attribute), (message_id,)))
    return facts


def _join(text: str, more: str) -> str:
    more = more[0].upper() + more[1:]
    more = more if more[-1] in ".!?" else more + "."
    if text.endswith('"'):
        return f'{text[:-1]} {more}"'
    return f"{text} {more}"


@lru_cache(maxsize=8192)
def parse_memory(text: str) -> Slot | None:
    """Read the slot of a stored memory written by anyone ("Ana moved to Lisbon").

    Args:
        text: A memory text, in the third person ("User lives in Porto.", "Lives in Porto") or
            the first ("I live in Porto").

    Returns:
        The first slot the rules read, marked `negated` for "no longer" and similar
        retractions, or None when no rule applies.
    """
    # A memory names one fact near its start; reading only the head keeps huge texts cheap.
    plain = rewrite_to_user(
        expand_contractions(" ".join(text[: 4 * MAX_CLAUSE_CHARS].split())[:MAX_CLAUSE_CHARS]),
        "first",
    )
    ctx = ReadContext(loose=True, caseless=is_caseless(plain), clause=plain)
    retracted = apply_rules(RETRACTION_RULES, plain, ctx)
    if retracted:
        return retracted[0]
    negated = bool(NO_LONGER.search(plain) or re.search(r"\bany\s*more\b", plain, re.I))
    if negated:
        plain = unnegate(plain)
        ctx = replace(ctx, clause=plain)
    found = apply_rules(SLOT_RULES, plain, ctx) or event_slots(plain, ctx, date_of(plain))
    return replace(found[0], negated=negated) if found else None


def attribute_of(memory_text: str) -> str | None:
    """The slot an already stored memory fills, so it can be matched with new facts.

    Args:
        memory_text: A memory in any wording ("User lives in Porto.", "Ana works at Siemens").

    Returns:
        The attribute ("location", "employer", "pet:dog", "likes:sushi", …) or None.
    """
    found = parse_memory(memory_text)
    return found.attribute if found else None
