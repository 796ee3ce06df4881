"""Reading one message sentence by sentence: slot facts, and what no slot rule reads.

A message is cut into sentences (long run-ons into bounded pieces), its relative dates are
resolved against the message's time, each sentence into clauses ("... and I work at ..."), and
each clause rewritten to the subject "User" and read by the slot rules. What the slots of a
sentence leave unsaid is kept whole, once per sentence (`memlab.llm.offline.fallback`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Literal

from memlab.llm.offline.clauses import (
    CLAUSE_SUBJECTS,
    QUESTION_START_RE,
    bounded,
    clip_read,
    expand_contractions,
    is_caseless,
    is_hypothetical,
    rewrite_to_user,
)
from memlab.llm.offline.dates import resolve_dates, strip_dates
from memlab.llm.offline.fallback import LIGHT_STEMS, Unparsed, continues, unparsed
from memlab.llm.offline.table import (
    clause_slots,
    date_of,
)
from memlab.llm.offline.text import (
    DATE_RE,
    content_stems,
    fold_case,
    holds_any,
    may_say_date,
    split_sentences,
    stem_word,
    word_set,
)
from memlab.llm.offline.values import (
    ReadContext,
    Slot,
)

__all__ = ["Kind", "Person", "statement_slots"]

Person = Literal["first", "second"]

# Words a slot's text stands for although it does not repeat them ("moved to Lisbon" is
# "lives in Lisbon"): with them, a clause a slot fully covers adds no second memory.
_SAID_BY = {
    "location": "move moved relocated live lives based settled",
    "origin": "come comes grew grow born raised originally",
    "job": "work works job",
    "employer": "work works job joined hired started new",
    "partner": "married engaged together",
    "family": "have got",
    "pet": "have got adopted named called",
    "likes": "love like enjoy fan big huge obsessed into",
    "dislikes": "hate stand like",
    "favorite": "favourite favorite fave",
    "allergy": "allergic allergy",
    "name": "name called go",
    "age": "years old age turned",
    "plan": "go going plan planning will",
}
_COVERED = {k: frozenset(stem_word(w) for w in v.split()) for k, v in _SAID_BY.items()}


def _splitter(person: Person) -> re.Pattern[str]:
    return re.compile(
        rf"\s*;\s*|,?\s+(?:and|but|so|because|since|though|although|while|whereas|plus|then)\s+"
        rf"(?=(?:(?:now|then|also|actually|recently|currently)\s+)?(?:{CLAUSE_SUBJECTS[person]})\b)"
        rf"|,\s+(?=(?:{CLAUSE_SUBJECTS[person]})\b)",
        re.I,
    )


_SPLIT = {"first": _splitter("first"), "second": _splitter("second")}
# Every cut of `_SPLIT` holds a ";", a "," or one of its conjunctions ("although" holds
# "though"), in `fold_case` as `re.I` reads it: a sentence without any is one clause.
_SPLIT_HINTS = word_set("; , and but so because since though while whereas plus then")


_DATED = ("plan:", "event:", "partner")


def _dated(slot: Slot, clause: str) -> Slot:
    # "next month I'm doing a lake crossing": a plan or event keeps the clause's date.
    # (`may_say_date` first: most texts name no date, and it is the cheaper test.)
    if not slot.attribute.startswith(_DATED) or slot.negated:
        return slot
    if may_say_date(slot.text) and DATE_RE.search(slot.text):
        return slot
    when = DATE_RE.search(clause) if may_say_date(clause) else None
    if when is None:
        return slot
    text = re.sub(r"^User is (married|engaged)\b", r"User got \1", slot.text)
    return replace(slot, text=f"{text.rstrip('.')} {' '.join(when.group(0).split())}.")


def _uncovered(sentence: str, slots: Sequence[Slot]) -> bool:
    covered: set[str] = set()
    for slot in slots:
        if slot.negated:
            continue  # what a retraction ended deletes; the statement itself is still news
        covered.update(content_stems(slot.text))
        covered |= _COVERED.get(slot.attribute.partition(":")[0], frozenset())
    # A date alone is not news enough for a second memory: plans, events and engagements
    # carry it in their own text (`_dated`).
    words = content_stems(strip_dates(sentence))
    return any(s not in covered and s not in LIGHT_STEMS for s in words)


def _unparsed_slot(found: Unparsed) -> Slot:
    if found.ended:
        return Slot("ended:" + "_".join(sorted(found.ended)), "", found.text)
    return Slot("said", "", found.text)


Kind = Literal["slot", "said", "more"]
_COUPLE = re.compile(
    r"^\s*(?:(?-i:[A-Z])[\w'-]*|(?:my|our)\s+\w+(?:\s+(?-i:[A-Z])[\w'-]*)?)\s*$", re.I
)


def _clauses(sentence: str, person: Person) -> list[str]:
    # "Lena and I got married": a name (or "my wife") before "and I" is a subject, not a
    # clause of its own.
    if not holds_any(fold_case(sentence), _SPLIT_HINTS):
        return [sentence]
    out: list[str] = []
    for piece in _SPLIT[person].split(sentence):
        joined = f"{out[-1].strip()} and {piece}" if out else ""
        if out and _COUPLE.match(out[-1]) and joined.lower() in sentence.lower():
            out[-1] = joined
        else:
            out.append(piece)
    return out


def _clause_date(clause: str, sentence_date: Callable[[], str | None]) -> str | None:
    return date_of(clause) or sentence_date()


class _Once:
    """`fn(text)`, computed on the first call only (most sentences never need it).

    A plain memo: `functools.cache` over a `partial` costs more to build, once per
    sentence, than the date search it saves.
    """

    __slots__ = ("_done", "_fn", "_text", "_value")

    def __init__(self, fn: Callable[[str], str | None], text: str) -> None:
        self._fn, self._text = fn, text
        self._done = False
        self._value: str | None = None

    def __call__(self) -> str | None:
        if not self._done:
            self._value, self._done = self._fn(self._text), True
        return self._value


def _sentence_slots(
    sentence: str, person: Person, keep_unparsed: bool
) -> Iterator[tuple[Slot, Kind]]:
    caseless = is_caseless(sentence)
    sentence_date = _Once(date_of, sentence)
    slots: list[Slot] = []
    for clause in _clauses(sentence, person):
        if not clause.strip() or is_hypothetical(clause):
            continue
        user_clause = rewrite_to_user(clause.strip(), person)
        ctx = ReadContext(loose=False, caseless=caseless, clause=user_clause)
        date = partial(_clause_date, user_clause, sentence_date)
        slots.extend(_dated(s, clause) for s in clause_slots(user_clause, ctx, date))
    yield from ((s, "slot") for s in slots)
    if not keep_unparsed or person != "first" or not _uncovered(sentence, slots):
        return
    # What the slots did not say is kept whole, as one memory per sentence, so the names,
    # numbers and dates of "Sam and I have been married for 8 years, we met in Glasgow"
    # stay together.
    found = unparsed(sentence, sentence, ended=not any(s.negated for s in slots))
    if found is not None:
        yield _unparsed_slot(found), "said"
    elif not slots and continues(sentence):
        yield Slot("said", "", sentence), "more"


def statement_slots(
    content: str, person: Person, now: datetime | None, keep_unparsed: bool
) -> Iterator[tuple[Slot, Kind]]:
    """The slots of one message, each with its kind.

    "slot" is a slot rule's fact ("said" a statement kept whole, "more" a sentence with no
    speaker that may go on the fact before it); an empty slot marks a sentence that said
    nothing, so nothing after it continues it.
    """
    for whole in split_sentences(expand_contractions(clip_read(content))):
        for sentence in bounded(whole):
            if sentence.endswith("?") or QUESTION_START_RE.match(sentence):
                yield Slot("", "", ""), "slot"  # a question: nothing for a next sentence to go on
                continue
            found = list(_sentence_slots(resolve_dates(sentence, now), person, keep_unparsed))
            yield from found or [(Slot("", "", ""), "slot")]  # nothing said: nothing to go on
