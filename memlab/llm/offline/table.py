"""How the rule table of the offline model is applied to one clause.

The rules themselves are in `memlab.llm.offline.ruleset` (re-exported here). `clause_slots`
applies retractions, slot rules and dated events to one clause; `parse_memory` (in
`memlab.llm.offline.extract`) applies the same table with the subject left open to read
stored memories.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from memlab.llm.offline.clauses import is_past_tense, unnegate
from memlab.llm.offline.plans import negate_text
from memlab.llm.offline.ruleset import RETRACTION_RULES, SLOT_RULES, STRICT_PREFIX, Mode, Rule
from memlab.llm.offline.text import (
    DATE_RE,
    fold_case,
    holds_any,
    may_say_date,
    tokenize_words,
)
from memlab.llm.offline.values import (
    ReadContext,
    Slot,
    slot_key,
    their_own,
    words_until_stop,
)
from memlab.llm.offline.vocab import ADVERBS, EVENT_STOPS

__all__ = [
    "RETRACTION_RULES",
    "SLOT_RULES",
    "Rule",
    "When",
    "apply_rules",
    "clause_slots",
    "date_of",
    "event_slots",
    "unnegate",
]

_SUBJECT = re.compile(r"\bUser\b(?!'s)")
_EVENT = re.compile(rf"\bUser(?:\s+{ADVERBS})*\s+(?P<v>(?P<verb>[a-z]+)\b.*)", re.I)
_EVENT_LOOSE = re.compile(r"(?<![\w'])(?P<v>(?P<verb>[a-z]+)\b.*)", re.I)
_NEGATION = re.compile(
    rf"\bUser(?:\s+{ADVERBS})*\s+(?:(?:does|do|did|is|am|are|was|has|have|will|would|can|could)"
    r"\s+not|no\s+longer|never)\b|\bany\s*more\b",
    re.I,
)


_ENDS_IN_PREPOSITION = re.compile(
    r"\b(?:of|since|until|till|by|before|after|from|during|for|to|between|on|in|around)$", re.I
)


def apply_rules(rules: Sequence[Rule], text: str, ctx: ReadContext) -> list[Slot]:
    """The slots `rules` read in `text`, in rule order, without duplicates.

    Reading a stored memory (`ctx.loose`), the first rule that reads a slot wins: a memory
    names one fact.
    """
    out: list[Slot] = []
    # A strict subject or possessive pattern starts with "User" (then a space, or "'s"):
    # trying it only there finds the same matches as scanning the whole text, for less. One
    # search of all rules of a mode at those places (`_gate`) tells the first rule, in
    # order, that matches at one of them: the rules of that mode before it are not tried,
    # nor any of them when none matches.
    starts: dict[Mode, list[int]] | None = None
    folded: str | None = None
    first: dict[Mode, int] = {}
    tried: Sequence[Rule]
    if ctx.loose:
        tried = rules
    else:
        gate, subsets = _gate(rules)
        starts = {}
        folded = fold_case(text)
        for mode, finder in _STARTS.items():
            found_at = (
                [m.start() for m in finder.finditer(text)] if _START_HINTS[mode] in folded else []
            )
            any_rule = gate.get(mode)
            if any_rule is not None:
                matched = [m for m in (any_rule.match(text, i) for i in found_at) if m]
                found_at = found_at if matched else []
                # The alternative that matched is the first rule that matches only where the
                # prefix can be read one way (one space, no adverb); elsewhere none is skipped.
                plain = _PLAIN[mode]
                first[mode] = (
                    min(int(str(m.lastgroup)[1:]) for m in matched)
                    if matched and all(plain.match(text, m.start()) for m in matched)
                    else -1
                )
            starts[mode] = found_at
        tried = _tried(
            rules,
            subsets[bool(starts["subject"]), bool(starts["possessive"])],
            first.get("subject", -1),
            first.get("possessive", -1),
        )
    has_subject: bool | None = None
    for rule in tried:
        pattern = rule.loose if ctx.loose else rule.strict
        if pattern is None:
            continue
        if rule.mode == "floating" and not ctx.loose:
            if has_subject is None:
                has_subject = _SUBJECT.search(text) is not None
            if not has_subject:
                continue
            if rule.words:
                folded = fold_case(text) if folded is None else folded
                if not holds_any(folded, rule.words):
                    continue
        found: Iterable[re.Match[str] | None]
        if starts is None or rule.mode == "floating":
            found = pattern.finditer(text)
        else:
            places = starts[rule.mode]
            if not places:
                continue
            found = (
                (pattern.match(text, places[0]),)
                if len(places) == 1
                else _matches_at(pattern, text, places)
            )
        for match in found:
            if match is None:
                break
            for slot in rule.handle(match, ctx):
                if slot not in out:
                    out.append(slot)
            if ctx.loose and out:
                return out  # a stored memory names one slot: the first rule that reads one
    return out


# Where a strict pattern of each mode can start: "User" and a space, or "User's" and one.
_STARTS: dict[Mode, re.Pattern[str]] = {
    "subject": re.compile(r"\buser(?=\s)", re.I),
    "possessive": re.compile(r"\buser's\s", re.I),
}
# What each of those holds (in `fold_case`, as `re.I` reads it): a text without it has no
# such place, and is not scanned for one.
_START_HINTS: dict[Mode, str] = {"subject": "user", "possessive": "user's"}
# Where a strict prefix matches one way only: "User" (or "User's") and one space before a
# word that is not an adverb. There the gate's first matching alternative, after its one
# prefix, is the first rule of the mode that matches.
_PLAIN: dict[Mode, re.Pattern[str]] = {
    "subject": re.compile(rf"user (?!{ADVERBS}\s)\S", re.I),
    "possessive": re.compile(r"user's \S", re.I),
}
_Gate = tuple[dict[Mode, re.Pattern[str]], dict[tuple[bool, bool], list[tuple[int, Rule]]]]
_GATES: dict[int, tuple[Sequence[Rule], _Gate]] = {}


def _gate(rules: Sequence[Rule]) -> _Gate:
    """The gate patterns of `rules`, and the rules left to try, each with its position.

    Per mode, one pattern matches where any strict rule of that mode would: the mode's
    prefix, then each rule's body as one alternative named after its position ("r12"), in
    order. The rules left are keyed by whether a subject rule and a possessive rule may match.
    """
    cached = _GATES.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    gate: dict[Mode, re.Pattern[str]] = {}
    for mode in _STARTS:
        prefix = STRICT_PREFIX[mode]
        # Group names would clash between rules; the gate only says which one matches.
        bodies = [
            f"(?P<r{index}>" + re.sub(r"\(\?P<\w+>", "(?:", r.strict.pattern[len(prefix) :]) + ")"
            for index, r in enumerate(rules)
            if r.mode == mode
        ]
        if bodies:
            gate[mode] = re.compile(prefix + "(?:" + "|".join(bodies) + ")", re.I)
    subsets = {
        (subject, possessive): [
            (index, r)
            for index, r in enumerate(rules)
            if r.mode == "floating"
            or (r.mode == "subject" and subject)
            or (r.mode == "possessive" and possessive)
        ]
        for subject in (False, True)
        for possessive in (False, True)
    }
    _GATES[id(rules)] = (rules, (gate, subsets))
    return gate, subsets


_TRIED: dict[tuple[int, int, int, int], tuple[Sequence[Rule], list[Rule]]] = {}


def _tried(
    rules: Sequence[Rule], subset: list[tuple[int, Rule]], subject: int, possessive: int
) -> list[Rule]:
    # `subset` without the subject and possessive rules before the first that may match:
    # made once per combination, so a clause loops over the rules it may need only.
    key = (id(subset), subject, possessive, id(rules))
    cached = _TRIED.get(key)
    if cached is not None and cached[0] is rules:
        return cached[1]
    first = {"subject": subject, "possessive": possessive}
    tried = [r for i, r in subset if r.mode == "floating" or i >= first[r.mode]]
    _TRIED[key] = (rules, tried)
    return tried


def _matches_at(pattern: re.Pattern[str], text: str, starts: Sequence[int]) -> list[re.Match[str]]:
    # What `pattern.finditer(text)` yields when every match starts at one of `starts`: the
    # leftmost match at or after the end of the previous one.
    out: list[re.Match[str]] = []
    end = 0
    for start in starts:
        if start < end:
            continue
        match = pattern.match(text, start)
        if match:
            out.append(match)
            end = match.end()
    return out


When = str | None | Callable[[], str | None]
"""A date, or a function that finds it when it is needed."""


def date_of(text: str) -> str | None:
    """The first past or present date said in `text` ("last tuesday"), lowercased; None for none."""
    if not may_say_date(text):
        return None
    for match in DATE_RE.finditer(text):
        date = " ".join(match.group(0).split())
        if not re.match(r"(?:next|tomorrow|tonight|in\s+\d|in\s+an?\s)", date, re.I):
            first, _, rest = date.partition(" ")
            return (first.lower() + (" " + rest if rest else "")).strip()
    return None


def event_slots(text: str, ctx: ReadContext, date: When) -> list[Slot]:
    """A dated event ("User ran a marathon on 7 May 2023"), when `text` has a past-tense verb.

    `date` may be a function that finds it: it is called only for a past-tense clause.
    """
    match = (_EVENT_LOOSE if ctx.loose else _EVENT).search(text)
    while match and ctx.loose and not is_past_tense(fold_case(match.group("verb"))):
        match = _EVENT_LOOSE.search(text, match.end("verb"))
    if not match or not is_past_tense(fold_case(match.group("verb"))):
        return []
    date = date() if callable(date) else date
    if not date:
        return []
    action = their_own(
        " ".join(words_until_stop(DATE_RE.sub(" ", match.group("v")), EVENT_STOPS)[:12])
    )
    key = slot_key(action, limit=2)
    if not key:
        return []
    if date[:1].isdigit() and not _ENDS_IN_PREPOSITION.search(action):
        # "spent most of 7 May 2023 on the sofa" (resolved from "most of Sunday"): the date
        # cut from the action, the event still happened "on" it.
        date = "on " + date
    date_key = "_".join(tokenize_words(date))
    return [Slot(f"event:{key}@{date_key}", action, f"User {action} {date}.")]


def clause_slots(clause: str, ctx: ReadContext, date: When) -> list[Slot]:
    """The slots of one clause rewritten to the subject "User": retractions, slot rules, events.

    Args:
        clause: The rewritten clause ("User lives in Porto").
        ctx: How it is read.
        date: The date the clause or its sentence names, for dated events, or a function
            that finds it (most clauses never need it, and finding it is not free).
    """
    if not _SUBJECT.search(clause) and "User's" not in clause:
        return []
    if _NEGATION.search(clause):
        dislikes = [
            s for s in apply_rules(SLOT_RULES, clause, ctx) if s.attribute.startswith("dislikes:")
        ]
        if dislikes:
            return dislikes
        plain = unnegate(clause)
        slots = apply_rules(SLOT_RULES, plain, replace(ctx, clause=plain))
        return [replace(s, negated=True, text=negate_text(s.text)) for s in slots]
    retractions = apply_rules(RETRACTION_RULES, clause, ctx)
    slots = apply_rules(SLOT_RULES, clause, ctx)
    # "I quit my job at Deloitte, now I work at Shopify": the end of Deloitte stands beside
    # the new employer, and no rule may read Deloitte as current.
    ended = {(s.attribute, s.value) for s in retractions}
    slots = [s for s in slots if (s.attribute, s.value) not in ended]
    values = {(s.attribute, s.value) for s in slots}
    attributes = {s.attribute for s in slots}
    kept = [
        s
        for s in retractions
        if (s.value and (s.attribute, s.value) not in values)
        or (not s.value and s.attribute not in attributes)
    ]
    slots = kept + slots
    # "Lena and I got married" reads "married to Lena" and "married": the named one says it.
    named = {s.attribute for s in slots if s.value}
    slots = [s for s in slots if s.value or s.negated or s.attribute not in named]
    return slots or event_slots(clause, ctx, date)
