"""The rule table of the offline model: what each rule reads, and where its pattern applies.

A rule is a regular expression on a clause already rewritten to the subject "User", and a
handler that turns its match into slots. The strict pattern reads a speaker's clause (the
subject must be "User"); the loose one, with the subject left open, reads stored memories.
How the table is applied to a clause is in `memlab.llm.offline.table`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from memlab.llm.offline.plans import (
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
from memlab.llm.offline.values import SlotHandler
from memlab.llm.offline.vocab import (
    ADVERBS,
    CHILDREN_RE,
    COUNT_RE,
    FAMILY_REL,
    PARTNER_REL,
    SPECIES_RE,
)

__all__ = ["RETRACTION_RULES", "SLOT_RULES", "STRICT_PREFIX", "Mode", "Rule"]

Mode = Literal["subject", "possessive", "floating"]
"""Where a rule's subject stands: before the verb, as a possessive, or anywhere."""


@dataclass(frozen=True)
class Rule:
    """One rule of the table: where its pattern applies and the handler of its match.

    Attributes:
        strict: The pattern on a speaker's rewritten clause: the subject must be "User".
        loose: The pattern on a stored memory (any subject, or none); None where the rule
            reads only speakers.
        handle: Turns a match into slots.
        mode: Where the subject stands: before the verb, as a possessive, or anywhere.
        words: For a floating rule, words one of which every match holds (lowercase, as
            `fold_case` writes the text): a clause without any is not searched, as a
            floating pattern is tried at every position. Empty: no such words.
    """

    strict: re.Pattern[str]
    loose: re.Pattern[str] | None
    handle: SlotHandler
    mode: Mode
    words: tuple[str, ...] = ()


STRICT_PREFIX: dict[Mode, str] = {
    "subject": rf"\bUser(?:\s+{ADVERBS})*\s+",
    "possessive": r"\bUser's\s+",
    "floating": r"(?<![\w'])",
}
"""What each mode's strict patterns start with, before the rule's own body."""
_LOOSE_PREFIX: dict[Mode, str] = {
    "subject": r"(?<![\w'])",
    "possessive": r"(?:(?<![\w'])[\w]+'s\s+|\b(?:my|your|our)\s+|^\s*)",
    "floating": r"(?<![\w'])",
}


def _rule(
    mode: Mode, body: str, handle: SlotHandler, *, loose: bool = True, words: str = ""
) -> Rule:
    strict = re.compile(STRICT_PREFIX[mode] + body, re.I)
    return Rule(
        strict,
        re.compile(_LOOSE_PREFIX[mode] + body, re.I) if loose else None,
        handle,
        mode,
        tuple(words.split()),
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
          read_breakup, loose=False, words="and"),
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
          read_partner_status, loose=False, words="and"),
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
          r"|vegan|pescatarian|pescetarian)\b(?=\s*(?:now\b|$|[,.!;]))", read_diet, loose=False,
          words="technically basically officially mostly now"),
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
          r"(?:as\s+an?\s+[\w\s-]{1,40}?\s+)?(?:at|with)" + _V, read_employer,
          words="job position role internship gig offer"),
]  # fmt: skip
"""The slot rules, in the order they are tried."""
