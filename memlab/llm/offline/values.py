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
    _CONNECT,
    _HARD_STOP,
    _NOT_NAMES,
    _PLACE_STOPS,
    _SOFT_STOP,
)


@dataclass(frozen=True)
class Slot:
    """What the rules read from one statement: slot, value, rendered text, polarity."""

    attribute: str
    value: str
    text: str
    negated: bool = False


@dataclass(frozen=True)
class _Ctx:
    loose: bool  # reading a stored memory (any subject) rather than a user's own words
    caseless: bool  # the writer does not capitalize, so lowercase names are still names
    clause: str


_Handler = Callable[[re.Match[str], _Ctx], list[Slot]]


def _own(text: str) -> str:
    # Values keep the user's things readable in the third person: "visit User's mum" ->
    # "visit their mum".
    return re.sub(r"\bUser's\b", "their", text).strip()


def _words(raw: str, stops: frozenset[str], *, soft: bool = False) -> list[str]:
    stop = (_SOFT_STOP if soft else _HARD_STOP).search(raw)
    out: list[str] = []
    for word in (raw[: stop.start()] if stop else raw).split():
        if word.lower() in stops:
            break
        out.append(word)
    return out


def _cap(word: str) -> bool:
    return word[:1].isupper() or (word[:1].isdigit() and any(c.isupper() for c in word))


def _proper(words: list[str], ctx: _Ctx, *, limit: int = 4) -> str | None:
    """The leading proper noun of `words` ("Rio de Janeiro", "the Netherlands"), or None."""
    out: list[str] = []
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        proper = _cap(word) and not re.match(r"(?:user\b|i$)", word, re.I)
        joins = (word.lower() in _CONNECT and bool(out)) or (word == "the" and not out)
        if not (proper or (joins and _cap(nxt))):
            break
        out.append(word)
    if out and len(out) <= limit:
        return " ".join(out)
    if ctx.caseless and words and not out:
        lead: list[str] = []
        for word in words[:3]:
            if not word.isalpha() or (word.lower() in STOPWORDS and word.lower() not in _CONNECT):
                break
            lead.append(word if word in _CONNECT else word.capitalize())
        return " ".join(lead) if lead and lead[-1].lower() not in _CONNECT else None
    return None


def _name(words: list[str], ctx: _Ctx, *, explicit: bool) -> str | None:
    # Lowercase writers get their names read only after "named", "called" or "name is".
    name = _proper(words[:3], replace(ctx, caseless=ctx.caseless and explicit), limit=3)
    if not name or name.split()[0].lower() in _NOT_NAMES or name.lower().startswith("the "):
        return None
    return name


def _place(raw: str, ctx: _Ctx) -> str | None:
    words = _words(raw, _PLACE_STOPS)
    place = _proper(words, ctx)
    if place:
        return place
    if words and words[0].lower() in {"a", "an"} and 2 <= len(words) <= 6:
        return _own(" ".join(words))
    return None


_DURATION = re.compile(
    r"^(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several"
    r"|many|some)\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?|hours?|decades?)\b",
    re.I,
)


def _org(raw: str, ctx: _Ctx, *, phrase: bool = True) -> str | None:
    if _DURATION.match(raw.strip()):
        return None  # "worked as an electrician for twelve years": a duration, not an employer
    words = _words(raw, _PLACE_STOPS)
    org = _proper(words, ctx)
    if org:
        return org
    if phrase and words and words[0].lower() in {"a", "an", "the"} and 2 <= len(words) <= 5:
        return _own(" ".join(words))
    return None


def _key(value: str, *, limit: int = 3) -> str:
    words = [w for w in tokenize_words(DATE_RE.sub(" ", value)) if w not in STOPWORDS]
    return "_".join(w.replace("'", "") for w in words[:limit])


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _opt(match: re.Match[str], group: str) -> str:
    return match.groupdict().get(group) or ""
