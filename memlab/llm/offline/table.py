"""The rule table of the offline model and how it is applied to one clause.

A rule is a regular expression on a clause already rewritten to the subject "User", and a
handler that turns its match into slots. `clause_slots` applies retractions, slot rules and
dated events to one clause; `parse_memory` (in `memlab.llm.offline.extract`) applies the same
table with the subject left open to read stored memories.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from memlab.llm.offline.clauses import is_past_tense, third_person_verb
from memlab.llm.offline.plans import (
    negate_text,
    read_allergy,
    read_breakup,
    read_considering,
    read_diet,
    read_dislikes,
    read_favorite,
    read_going,
    read_job_lost,
    read_likes,
    read_plan,
    read_planned_thing,
    read_progressive,
    read_quit_org,
    read_will,
    retracting,
)
from memlab.llm.offline.slots import (
    read_age,
    read_children,
    read_employed,
    read_employer,
    read_employer_proper,
    read_family,
    read_family_has,
    read_field,
    read_greeting_name,
    read_job_as,
    read_job_is,
    read_location,
    read_named,
    read_nth_child,
    read_origin,
    read_partner,
    read_partner_status,
    read_pet,
    read_pet_own,
)
from memlab.llm.offline.text import (
    DATE_RE,
    fold_case,
    may_say_date,
    tokenize_words,
)
from memlab.llm.offline.values import (
    ReadContext,
    Slot,
    SlotHandler,
    slot_key,
    their_own,
    words_until_stop,
)
from memlab.llm.offline.vocab import (
    ADVERBS,
    CHILDREN_RE,
    COUNT_RE,
    EVENT_STOPS,
    FAMILY_REL,
    PARTNER_REL,
    SPECIES_RE,
)

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

# --- the rule table -------------------------------------------------------------------------

_Mode = Literal["subject", "possessive", "floating"]


@dataclass(frozen=True)
class Rule:
    """One rule of the table: where its pattern applies and the handler of its match.

    Attributes:
        strict: The pattern on a speaker's rewritten clause: the subject must be "User".
        loose: The pattern on a stored memory (any subject, or none); None where the rule
            reads only speakers.
        handle: Turns a match into slots.
        mode: Where the subject stands: before the verb, as a possessive, or anywhere.
    """

    strict: re.Pattern[str]
    loose: re.Pattern[str] | None
    handle: SlotHandler
    mode: _Mode


_STRICT_PREFIX: dict[_Mode, str] = {
    "subject": rf"\bUser(?:\s+{ADVERBS})*\s+",
    "possessive": r"\bUser's\s+",
    "floating": r"(?<![\w'])",
}
_LOOSE_PREFIX: dict[_Mode, str] = {
    "subject": r"(?<![\w'])",
    "possessive": r"(?:(?<![\w'])[\w]+'s\s+|\b(?:my|your|our)\s+|^\s*)",
    "floating": r"(?<![\w'])",
}


def _rule(mode: _Mode, body: str, handle: SlotHandler, *, loose: bool = True) -> Rule:
    strict = re.compile(_STRICT_PREFIX[mode] + body, re.I)
    return Rule(
        strict, re.compile(_LOOSE_PREFIX[mode] + body, re.I) if loose else None, handle, mode
    )


_V = r"\s+(?P<v>.+)"
_NAMED = r"(?:\s*,)?(?:\s+(?P<called>is\s+called|is\s+named|named|called|name\s+is))?"
RETRACTION_RULES = [
    _rule("possessive", rf"(?:\w+\s+)?(?P<sp>{SPECIES_RE})(?:\s+(?-i:[A-Z])\w+)?\s+(?:has\s+)?"
          r"(?:died|passed\s+away|ran\s+away|was\s+put\s+down)", retracting(read_pet)),
    _rule("subject", r"(?:had\s+to\s+)?(?:lost|gave\s+away|rehomed|gave\s+up|put\s+down|sold)"
          rf"\s+(?:User's|their|a|the)\s+(?:\w+\s+)?(?P<sp>{SPECIES_RE})", retracting(read_pet)),
    _rule("subject", r"(?:quits?|left|lost|resigned\s+from)\s+(?:User's|their|a|the)\s+(?:\w+\s+)?"
          r"job(?:\s+at\s+(?P<v>.+))?", read_job_lost),
    _rule("subject", r"(?:quits?|resigned\s+from)" + _V, read_quit_org),
    _rule("subject", r"(?:was|got|has\s+been)\s+(?:fired|laid\s+off|let\s+go|made\s+redundant)"
          r"|is\s+(?:unemployed|jobless|out\s+of\s+work|between\s+jobs)|(?:has\s+)?retired",
          read_job_lost),
    _rule("subject", r"(?:has\s+)?moved\s+(?:out\s+of|away\s+from)" + _V,
          retracting(read_location)),
    _rule("subject", r"(?:broke\s+up|split\s+up|separated|has\s+broken\s+up)"
          r"(?:\s+(?:with|from)\s+(?P<v>.+))?", read_breakup),
    _rule("floating", r"(?P<v>(?-i:[A-Z])[\w'-]+)\s+and\s+User\s+(?:have\s+|has\s+|just\s+)?"
          r"(?:broke\s+up|broken\s+up|split\s+up|separated|divorced|got\s+divorced)\b",
          read_breakup, loose=False),
]  # fmt: skip
"""Rules that end a fact ("my dog died", "I quit my job"), tried before `SLOT_RULES`."""

SLOT_RULES = [
    _rule("possessive", rf"(?:\w+\s+)?(?P<sp>{SPECIES_RE}){_NAMED}(?:\s+(?P<v>.+))?",
          read_pet_own),
    _rule("possessive", rf"(?P<sp>{SPECIES_RE})'s\s+name\s+is" + _V, read_pet),
    _rule("possessive", rf"(?P<rel>{PARTNER_REL}){_NAMED}(?:\s+(?P<v>.+))?", read_partner),
    _rule("possessive", rf"(?:older\s+|younger\s+|little\s+|big\s+|twin\s+)?(?P<rel>{FAMILY_REL})"
          rf"\b{_NAMED}(?:\s+(?P<v>.+))?", read_family),
    _rule("possessive", r"(?:first\s+|full\s+)?name\s+is" + _V, read_named),
    _rule("possessive", r"age\s+is\s+(?P<v>\d{1,3})\b", read_age),
    _rule("possessive", r"(?:all-time\s+|absolute\s+)?(?:favou?rite|fave)\s+(?P<cat>[\w\s-]{1,30}?)"
          r"\s+(?:is|are|has\s+to\s+be|would\s+be)" + _V, read_favorite),
    _rule("possessive", r"(?:job|profession|occupation|role|position)\s+is" + _V, read_job_as),
    _rule("possessive", r"(?:new\s+)?(?:home|house|apartment|flat)\s+is\s+in" + _V, read_location),
    _rule("possessive", r"hometown\s+is" + _V, read_origin),
    _rule("subject", r"(?:is\s+called|is\s+named|goes\s+by)" + _V, read_named),
    _rule("subject", r"is\s+(?P<v>[^\W\d_][\w'-]*(?:\s+(?-i:[A-Z])[\w'-]*)?(?:\s+from\s+.+)?)"
          r"(?=\s*(?:$|[,.!;]|\s(?:and|from|here|by)\b))", read_greeting_name, loose=False),
    _rule("subject", r"(?:is|is\s+turning|turned|turns)\s+(?P<v>\d{1,3})"
          r"(?=\s*(?:$|[,.!;]|years?\b|yo\b|y/o|and\b|now\b|today\b|this\b|last\b|but\b|so\b"
          r"|around\b|on\b|in\b))",
          read_age),
    _rule("floating", r"(?P<v>(?-i:[A-Z])[\w'-]+)\s+and\s+User\s+(?:has\s+been\s+|have\s+been\s+"
          r"|are\s+|were\s+|is\s+|got\s+|just\s+got\s+)(?:happily\s+)?(?P<st>married|engaged)\b",
          read_partner_status, loose=False),
    _rule("subject", r"(?:is|got)\s+(?:happily\s+)?(?P<st>married|engaged|divorced)"
          r"(?:\s+to\s+(?P<v>.+))?", read_partner_status),
    _rule("subject", r"is\s+(?P<st>single|divorced|widowed|separated)\b", read_partner_status),
    _rule("subject", rf"has\s+(?:got\s+)?an?\s+(?P<rel>{PARTNER_REL})"
          r"(?:\s+(?P<called>named|called))?(?:\s+(?P<v>.+))?", read_partner),
    _rule("subject", rf"has\s+(?:got\s+)?(?P<n>{COUNT_RE})\s+(?:\w+\s+)?(?P<rel>{CHILDREN_RE})\b",
          read_children),
    _rule("possessive", r"(?P<n>second|third|fourth|fifth|sixth)\s+(?P<rel>child|baby|kid|son"
          r"|daughter)\b[^.]*?\b(?:was\s+born|is\s+born|arrived|is\s+here)", read_nth_child),
    _rule("subject", r"has\s+(?:got\s+)?an?\s+(?:older\s+|younger\s+|little\s+|big\s+|twin\s+)?"
          rf"(?P<rel>{FAMILY_REL})\b(?:\s+(?P<called>named|called))?(?:\s+(?P<v>.+))?",
          read_family_has),
    _rule("subject", r"(?:has\s+got|has|owns|adopted|has\s+adopted|got|rescued|bought)\s+"
          rf"(?P<n>{COUNT_RE})\s+(?:[\w-]+\s+){{0,2}}?(?P<sp>{SPECIES_RE})"
          r"(?:\s*,)?(?:\s+(?P<called>named|called))?(?:\s+(?P<v>.+))?", read_pet),
    _rule("subject", r"(?:lives?|is\s+living|has\s+been\s+living|has\s+lived|resides?|is\s+residing"
          r"|is\s+based|is\s+settled)\s+in" + _V, read_location),
    _rule("subject", r"(?:has\s+)?(?:moved|relocated)(?:\s+(?!to\b)[\w'-]+){0,3}?\s+to" + _V,
          read_location),
    _rule("subject", r"(?:is|comes?|am|are)\s+(?:originally\s+)?from" + _V, read_origin),
    _rule("subject", r"(?:grew\s+up|was\s+born(?:\s+and\s+raised)?|was\s+raised)\s+in" + _V,
          read_origin),
    _rule("subject", r"(?:works?|is\s+working|has\s+been\s+working|has\s+worked|is\s+employed"
          r"|got\s+(?:a\s+)?(?:new\s+)?job|started\s+(?:a\s+)?(?:new\s+)?job|started\s+working"
          r"|got\s+hired|was\s+hired)\s+as" + _V, read_job_as),
    _rule("subject", r"(?:works?|is\s+working|has\s+been\s+working|has\s+worked|started\s+working"
          r"|is\s+interning|interns?)\s+(?:at|for)" + _V, read_employer),
    _rule("subject", r"(?:is\s+employed|got\s+hired|was\s+hired)\s+(?:at|by)" + _V, read_employer),
    _rule("subject", r"has\s+an?\s+(?:new\s+)?job\b(?!\s+(?:as|at|with)\b)", read_employed),
    _rule("subject", r"(?:joined|has\s+joined|started\s+at)" + _V, read_employer_proper),
    _rule("subject", r"(?:works?|is\s+working)\s+in" + _V, read_field),
    _rule("subject", r"(?:is|became|has\s+become|was\s+promoted\s+to)\s+(?:an?\s+)?" + r"(?P<v>.+)",
          read_job_is),
    _rule("subject", r"(?:is|has\s+been)\s+(?:a\s+|now\s+)?(?P<v>vegetarian|vegan|pescatarian"
          r"|pescetarian"
          r"|gluten-free|lactose\s+intolerant)\b", read_diet),
    _rule("floating", r"(?:technically|basically|officially|mostly|now)\s+(?:a\s+)?(?P<v>vegetarian"
          r"|vegan|pescatarian|pescetarian)\b(?=\s*(?:now\b|$|[,.!;]))", read_diet, loose=False),
    _rule("subject", r"is\s+allergic\s+to" + _V, read_allergy),
    _rule("subject", r"(?P<pred>hates?|dislikes?|detests?|loathes?|(?:does|do)\s+not\s+"
          r"(?:really\s+)?(?:like|enjoy|love)|cannot\s+stand|can\s+not\s+stand|is\s+not\s+"
          r"(?:really\s+|that\s+|very\s+|so\s+)?(?:a\s+(?:big\s+|huge\s+)?fan\s+of|into|fond\s+of))"
          + _V, read_dislikes),
    _rule("subject", r"(?P<pred>loves?|likes?|enjoys?|adores?|is\s+(?:really\s+|so\s+)?into"
          r"|is\s+(?:a\s+)?(?:big\s+|huge\s+|massive\s+)?fan\s+of|is\s+passionate\s+about"
          r"|is\s+obsessed\s+with|is\s+fond\s+of|is\s+crazy\s+about|is\s+keen\s+on)" + _V,
          read_likes),
    _rule("subject", r"(?P<pred>(?:is|are)\s+(?:planning|hoping|intending|preparing|aiming)"
          r"|plans?|intends?|hopes?|aims?|wants?)\s+(?:on|to)" + _V, read_plan),
    _rule("subject", r"(?:is|are)\s+(?P<act>planning|organi[sz]ing|booking)\s+"
          r"(?P<v>(?:an?|the|their|some)\s.+)", read_planned_thing),
    _rule("subject", r"is\s+(?:thinking\s+(?:of|about)|considering|looking\s+forward\s+to)" + _V,
          read_considering),
    _rule("subject", r"(?:is|are)\s+going\s+to" + _V, read_going),
    _rule("subject", r"will" + _V, read_will),
    _rule("subject", r"is\s+(?P<ing>[a-z]+ing)\b(?P<v>.*)", read_progressive),
    _rule("floating", r"(?:job|position|role|internship|gig|offer)\s+"
          r"(?:as\s+an?\s+[\w\s-]{1,40}?\s+)?(?:at|with)" + _V, read_employer),
]  # fmt: skip
"""The slot rules, in the order they are tried."""

_SUBJECT = re.compile(r"\bUser\b(?!'s)")
_EVENT = re.compile(rf"\bUser(?:\s+{ADVERBS})*\s+(?P<v>(?P<verb>[a-z]+)\b.*)", re.I)
_EVENT_LOOSE = re.compile(r"(?<![\w'])(?P<v>(?P<verb>[a-z]+)\b.*)", re.I)
_NEGATION = re.compile(
    rf"\bUser(?:\s+{ADVERBS})*\s+(?:(?:does|do|did|is|am|are|was|has|have|will|would|can|could)"
    r"\s+not|no\s+longer|never)\b|\bany\s*more\b",
    re.I,
)


def unnegate(clause: str) -> str:
    """The clause with its negation removed ("User does not have a dog" -> "User has a dog")."""
    t = re.sub(r"\bno\s+longer\s+|\s*\bany\s*more\b", " ", clause, flags=re.I)
    # "User does not have a dog" -> "User has a dog", which the rules read.
    t = re.sub(
        r"\b(?:does|do)\s+not\s+([^\W\d_][\w'-]*)",
        lambda m: third_person_verb(m.group(1)),
        t,
        flags=re.I,
    )
    t = re.sub(r"\bdid\s+not\s+|\bnever\s+", "", t, flags=re.I)
    t = re.sub(r"\b(is|am|are|was|has|have|will|would|can|could)\s+not\b", r"\1", t, flags=re.I)
    return " ".join(t.split())


def apply_rules(rules: Sequence[Rule], text: str, ctx: ReadContext) -> list[Slot]:
    """The slots `rules` read in `text`, in rule order, without duplicates.

    Reading a stored memory (`ctx.loose`), the first rule that reads a slot wins: a memory
    names one fact.
    """
    out: list[Slot] = []
    # A strict subject or possessive pattern starts with "User" (then a space, or "'s"):
    # trying it only there finds the same matches as scanning the whole text, for less; and
    # when no rule of a mode matches at any of those places (one search of all of them at
    # once, `_gate`), none of its rules is tried.
    starts: dict[_Mode, list[int]] | None = None
    tried = rules
    if not ctx.loose:
        gate, subsets = _gate(rules)
        starts = {}
        for mode, finder in _STARTS.items():
            found_at = [m.start() for m in finder.finditer(text)]
            any_rule = gate.get(mode)
            if any_rule is not None and not any(any_rule.match(text, i) for i in found_at):
                found_at = []
            starts[mode] = found_at
        tried = subsets[bool(starts["subject"]), bool(starts["possessive"])]
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
_STARTS: dict[_Mode, re.Pattern[str]] = {
    "subject": re.compile(r"\buser(?=\s)", re.I),
    "possessive": re.compile(r"\buser's\s", re.I),
}
_Gate = tuple[dict[_Mode, re.Pattern[str]], dict[tuple[bool, bool], list[Rule]]]
_GATES: dict[int, tuple[Sequence[Rule], _Gate]] = {}


def _gate(rules: Sequence[Rule]) -> _Gate:
    """The gate patterns of `rules`, and the rules left to try.

    Per mode, one pattern matches where any strict rule of that mode would; the rules left
    are keyed by whether a subject rule and a possessive rule may match.
    """
    cached = _GATES.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    gate: dict[_Mode, re.Pattern[str]] = {}
    for mode in _STARTS:
        prefix = _STRICT_PREFIX[mode]
        # Group names would clash between rules; the gate only says whether one matches.
        bodies = [
            "(?:" + re.sub(r"\(\?P<\w+>", "(?:", r.strict.pattern[len(prefix) :]) + ")"
            for r in rules
            if r.mode == mode
        ]
        if bodies:
            gate[mode] = re.compile(prefix + "(?:" + "|".join(bodies) + ")", re.I)
    subsets = {
        (subject, possessive): [
            r
            for r in rules
            if r.mode == "floating"
            or (r.mode == "subject" and subject)
            or (r.mode == "possessive" and possessive)
        ]
        for subject in (False, True)
        for possessive in (False, True)
    }
    _GATES[id(rules)] = (rules, (gate, subsets))
    return gate, subsets


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
