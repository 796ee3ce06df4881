"""Reading values out of a clause: proper nouns, names, places, organisations, keys.

The slot handlers of the offline rules call these on the text after a rule's verb ("moved to
<Rio de Janeiro for work>" -> "Rio de Janeiro").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from memlab.llm.offline.text import DATE_RE, STOPWORDS, tokenize_words
from memlab.llm.offline.vocab import (
    HARD_STOP,
    NAME_CONNECTORS,
    NOT_NAMES,
    PLACE_STOPS,
    SOFT_STOP,
)

__all__ = [
    "ReadContext",
    "Slot",
    "SlotHandler",
    "indefinite_article",
    "is_capitalized",
    "optional_group",
    "organisation",
    "person_name",
    "place_name",
    "proper_noun",
    "slot_key",
    "their_own",
    "words_until_stop",
]


@dataclass(frozen=True)
class Slot:
    """What the rules read from one statement: slot, value, rendered text, polarity."""

    attribute: str
    value: str
    text: str
    negated: bool = False


@dataclass(frozen=True)
class ReadContext:
    """How one clause is read, passed to every slot handler.

    Attributes:
        loose: Reading a stored memory (any subject) rather than a user's own words.
        caseless: The writer does not capitalize, so lowercase names are still names.
        clause: The whole clause the rule matched in (handlers look for dates in it).
    """

    loose: bool
    caseless: bool
    clause: str


SlotHandler = Callable[[re.Match[str], ReadContext], list[Slot]]
"""What a rule calls with its match: returns the slots the match says."""


def their_own(text: str) -> str:
    """The user's things in the third person: "visit User's mum" -> "visit their mum"."""
    return re.sub(r"\bUser's\b", "their", text).strip()


def words_until_stop(raw: str, stops: frozenset[str], *, soft: bool = False) -> list[str]:
    """The words of `raw` up to the first stop mark or stop word ("Lisbon for work" -> ["Lisbon"]).

    Args:
        raw: The text after a rule's verb.
        stops: Lowercase words that end the value.
        soft: Keep commas (a list of likes goes on past them).
    """
    stop = (SOFT_STOP if soft else HARD_STOP).search(raw)
    out: list[str] = []
    for word in (raw[: stop.start()] if stop else raw).split():
        if word.lower() in stops:
            break
        out.append(word)
    return out


def is_capitalized(word: str) -> bool:
    """Whether a word reads as part of a proper noun ("Porto", "3M"), not an ordinary word."""
    return word[:1].isupper() or (word[:1].isdigit() and any(c.isupper() for c in word))


def proper_noun(words: list[str], ctx: ReadContext, *, limit: int = 4) -> str | None:
    """The leading proper noun of `words` ("Rio de Janeiro", "the Netherlands"), or None."""
    out: list[str] = []
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        proper = is_capitalized(word) and not re.match(r"(?:user\b|i$)", word, re.I)
        joins = (word.lower() in NAME_CONNECTORS and bool(out)) or (word == "the" and not out)
        if not (proper or (joins and is_capitalized(nxt))):
            break
        out.append(word)
    if out and len(out) <= limit:
        return " ".join(out)
    if ctx.caseless and words and not out:
        lead: list[str] = []
        for word in words[:3]:
            if not word.isalpha() or (
                word.lower() in STOPWORDS and word.lower() not in NAME_CONNECTORS
            ):
                break
            lead.append(word if word in NAME_CONNECTORS else word.capitalize())
        return " ".join(lead) if lead and lead[-1].lower() not in NAME_CONNECTORS else None
    return None


def person_name(words: list[str], ctx: ReadContext, *, explicit: bool) -> str | None:
    """The name leading `words` ("Ana Lima"), or None for no name or a word that is not one.

    Args:
        words: Words after the name's cue ("my wife", "named").
        ctx: How the clause is read; lowercase writers' names count only when `explicit`.
        explicit: The cue said it is a name ("named", "called", "name is").
    """
    # Lowercase writers get their names read only after "named", "called" or "name is".
    name = proper_noun(words[:3], replace(ctx, caseless=ctx.caseless and explicit), limit=3)
    if not name or name.split()[0].lower() in NOT_NAMES or name.lower().startswith("the "):
        return None
    return name


def place_name(raw: str, ctx: ReadContext) -> str | None:
    """The place leading `raw` ("Rio de Janeiro for work" -> "Rio de Janeiro"), or None."""
    words = words_until_stop(raw, PLACE_STOPS)
    place = proper_noun(words, ctx)
    if place:
        return place
    if words and words[0].lower() in {"a", "an"} and 2 <= len(words) <= 6:
        return their_own(" ".join(words))
    return None


_DURATION = re.compile(
    r"^(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several"
    r"|many|some)\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?|hours?|decades?)\b",
    re.I,
)


def organisation(raw: str, ctx: ReadContext, *, phrase: bool = True) -> str | None:
    """The organisation leading `raw` ("Siemens since May" -> "Siemens"), or None.

    Args:
        raw: The text after "works at", "joined", "quit", ...
        ctx: How the clause is read.
        phrase: Also accept a common-noun phrase ("a small bakery").
    """
    if _DURATION.match(raw.strip()):
        return None  # "worked as an electrician for twelve years": a duration, not an employer
    words = words_until_stop(raw, PLACE_STOPS)
    org = proper_noun(words, ctx)
    if org:
        return org
    if phrase and words and words[0].lower() in {"a", "an", "the"} and 2 <= len(words) <= 5:
        return their_own(" ".join(words))
    return None


def slot_key(value: str, *, limit: int = 3) -> str:
    """A value's key in an attribute ("likes:sushi"): its first content words joined by "_"."""
    words = [w for w in tokenize_words(DATE_RE.sub(" ", value)) if w not in STOPWORDS]
    return "_".join(w.replace("'", "") for w in words[:limit])


def indefinite_article(noun: str) -> str:
    """The indefinite article of `noun` ("a" or "an"), by its first letter."""
    return "an" if noun[:1].lower() in "aeiou" else "a"


def optional_group(match: re.Match[str], group: str) -> str:
    """The text of an optional named group of `match`, or "" when it did not take part."""
    return match.groupdict().get(group) or ""
