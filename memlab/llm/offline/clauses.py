"""Sentences, clauses and their subject: rewriting what a speaker says about themself.

A message is split into sentences and clauses; contractions are expanded; the speaker's (or, for
the assistant, the addressee's) pronouns become the subject "User" ("I'm moving" -> "User is
moving", "my dog" -> "User's dog"). Questions and hypotheticals are recognised here too.
"""

from __future__ import annotations

import re
from typing import Literal

from memlab.llm.offline.text import fold_case, holds_any
from memlab.llm.offline.vocab import (
    ED_BASE_VERBS,
    IRREGULAR_THIRD_PERSON,
    KEPT_VERBS,
    PAST_TENSE,
    SPEAKER_ADVERBS,
)

__all__ = [
    "CLAUSE_SUBJECTS",
    "HYPOTHETICAL_RE",
    "MAX_CLAUSE_CHARS",
    "MAX_READ_CHARS",
    "QUESTION_START_RE",
    "bounded",
    "clip_read",
    "expand_contractions",
    "is_caseless",
    "is_hypothetical",
    "is_past_tense",
    "rewrite_to_user",
    "third_person_verb",
    "unnegate",
]

# --- rewriting a speaker's words ------------------------------------------------------------

_QUOTES = str.maketrans("’‘`", "'" * 3)


_CONTRACTIONS = [
    (re.compile(r"\bcan't\b", re.I), "cannot"),
    (re.compile(r"\bwon't\b", re.I), "will not"),
    (re.compile(r"\b(\w+)n't\b", re.I), r"\1 not"),
    *(
        (re.compile(rf"\b(i|you|we|they)'{short}\b", re.I), rf"\1 {full}")
        for short, full in (
            ("m", "am"),
            ("re", "are"),
            ("ve", "have"),
            ("ll", "will"),
            ("d", "would"),
        )
    ),
    *(
        (re.compile(rf"\b{lazy}\b", re.I), full)
        for lazy, full in (
            ("im", "I am"),
            ("ive", "I have"),
            ("dont", "do not"),
            ("cant", "cannot"),
        )
    ),
]
# Every contraction above has an apostrophe or is one of the lazy spellings: most sentences
# have neither, and one search saves the eleven substitutions.
_ANY_CONTRACTION = re.compile(r"'|\b(?:im|ive|dont|cant)\b", re.I)
# Per pattern of `_CONTRACTIONS`, in order, text each of its matches holds (in `fold_case`,
# as `re.I` reads it): a sentence with an apostrophe still skips the patterns it cannot match.
_CONTRACTION_HINTS = (
    "can't",
    "won't",
    "n't",
    "'m",
    "'re",
    "'ve",
    "'ll",
    "'d",
    "im",
    "ive",
    "dont",
    "cant",
)


def expand_contractions(text: str) -> str:
    """Expand contractions ("I'm" -> "I am", "can't" -> "cannot") and straighten quotes."""
    t = text.translate(_QUOTES)
    if not _ANY_CONTRACTION.search(t):
        return t
    folded = fold_case(t)
    for (pattern, replacement), hint in zip(_CONTRACTIONS, _CONTRACTION_HINTS, strict=True):
        if hint in folded:
            changed = pattern.sub(replacement, t)
            if changed != t:
                t, folded = changed, fold_case(changed)
    return t


def is_past_tense(word: str) -> bool:
    """Whether a lowercase verb is in the past tense ("ran", "moved"; not "need")."""
    return word in PAST_TENSE or (
        word.endswith("ed") and len(word) > 3 and word not in ED_BASE_VERBS
    )


def third_person_verb(verb: str) -> str:
    """The verb as said of "User": "live" -> "lives", "have" -> "has"; past tense kept."""
    v = fold_case(verb)
    if v in KEPT_VERBS or is_past_tense(v) or v.endswith("ing"):
        return v
    if v in IRREGULAR_THIRD_PERSON:
        return IRREGULAR_THIRD_PERSON[v]
    if v.endswith(("s", "sh", "ch", "x", "z", "o")):
        return v + "es"
    if v.endswith("y") and len(v) > 1 and v[-2] not in "aeiou":
        return v[:-1] + "ies"
    return v + "s"


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


_SHARED_VERB = (
    r"(?:works?|lives?|has|have|is|am|loves?|likes?|enjoys?|hates?|owns?|moved|started|joined)"
)
_USER = re.compile(r"\bUser\b")
_SHARED_AND = re.compile(rf"(\s(?:and|but))\s+(?=(?:also\s+)?{_SHARED_VERB}\b)")
_PRONOUNS = {
    "first": (r"i|we", r"my|our", r"\b(?:me|us|Me)\b", r"myself|ourselves", r"mine|ours"),
    "second": (r"you", r"your", r"(?!)", r"yourself|yourselves", r"yours"),
}


_THE_USER = re.compile(r"\b(?:the\s+)?user\b", re.I)
_CALL_ME = re.compile(r"^\W*(?:please\s+)?call\s+me\b", re.I)


def _person_patterns(person: Literal["first", "second"]) -> tuple[re.Pattern[str], ...]:
    subject, possessive, obj, reflexive, owned = _PRONOUNS[person]
    return (
        re.compile(rf"\b(?:{subject})\b((?:\s+{SPEAKER_ADVERBS})*)\s+([^\W\d_][\w'-]*)", re.I),
        re.compile(rf"\b(?:{possessive})\b", re.I),
        re.compile(rf"\b(?:{reflexive})\b", re.I),
        re.compile(rf"\b(?:{owned})\b", re.I),
        re.compile(obj),
    )


_PERSON_PATTERNS = {person: _person_patterns(person) for person in ("first", "second")}
# Per person, the words the possessive, reflexive and owned patterns (case-insensitive) and
# the object pattern (case-sensitive) match: a text holding none of a pattern's words (in
# `fold_case`, as `re.I` reads it) cannot match it, and most clauses say none of them, so
# their substitutions are skipped.
_PERSON_WORDS = {
    person: (
        tuple(possessive.split("|")),
        tuple(reflexive.split("|")),
        tuple(owned.split("|")),
        () if obj == "(?!)" else ("me", "us", "Me"),
    )
    for person, (_, possessive, obj, reflexive, owned) in _PRONOUNS.items()
}
if _PRONOUNS["first"][2] != r"\b(?:me|us|Me)\b":  # the object words above are these
    raise AssertionError("update _PERSON_WORDS with _PRONOUNS")


def rewrite_to_user(clause: str, person: Literal["first", "second"]) -> str:
    """Rewrite the speaker (first person) or the addressee (second person) as "User"."""
    subject, possessive, reflexive, owned, obj = _PERSON_PATTERNS[person]
    possessives, reflexives, owns, objects = _PERSON_WORDS[person]
    t = _THE_USER.sub("User", clause) if "user" in fold_case(clause) else clause
    if person == "first":
        # Only "Call me Mike" at the start names the speaker; "my friends call me Pri" is a
        # nickname among friends.
        t = _CALL_ME.sub("User goes by", t)
    t = subject.sub(lambda m: f"User{m.group(1)} {third_person_verb(m.group(2))}", t)
    # "I live in Porto and work at Google": the second verb keeps the subject of the first.
    # (One pass from the first "User" on: a lazy ".*?" from every "User" was quadratic.)
    first = _USER.search(t)
    if first:
        t = t[: first.end()] + _SHARED_AND.sub(r"\1 User ", t[first.end() :])
    if holds_any(fold_case(t), possessives):
        t = possessive.sub("User's", t)
    if holds_any(fold_case(t), reflexives):
        t = reflexive.sub("themselves", t)
    if holds_any(fold_case(t), owns):
        t = owned.sub("theirs", t)
    return obj.sub("them", t) if holds_any(t, objects) else t


HYPOTHETICAL_RE = re.compile(
    r"\b(?:if|unless|whether|wish(?:es)?|imagine|suppose|pretend|used\s+to)\b", re.I
)
"""A clause about what is not (or not yet) so ("if I lived in Paris", "I used to ...")."""
_HYPOTHETICAL_HINTS = ("if", "unless", "whether", "wish", "imagine", "suppose", "pretend", "used")


def is_hypothetical(clause: str) -> bool:
    """Whether `HYPOTHETICAL_RE` matches `clause`; most clauses hold none of its words."""
    return (
        holds_any(fold_case(clause), _HYPOTHETICAL_HINTS)
        and HYPOTHETICAL_RE.search(clause) is not None
    )


QUESTION_START_RE = re.compile(
    r"^\W*(?:what|where|when|why|how|who|which|whose|(?:do|does|did|are|were|can|could|would"
    r"|will|should|have|has|is)\s+(?:you|u|it|there|we|they))\b",
    re.I,
)
"""The start of a question ("where do you ...", "is it ..."): a question states no fact."""
CLAUSE_SUBJECTS = {
    "first": r"i|we|my|our|the\s+user",
    "second": r"you|your|the\s+user",
}
"""Words that start a new clause of a speaker ("... and I work at ..."), by person."""


_I = re.compile(r"\bI\b")


def is_caseless(sentence: str) -> bool:
    """Whether the writer of `sentence` does not capitalize (so lowercase names are names)."""
    body = _I.sub("", sentence[1:])
    return not any(map(str.isupper, body))


MAX_CLAUSE_CHARS = 600
"""Longest piece of a sentence the rules read at once; longer run-ons are read in pieces, so
the work per message stays linear in its length whatever the regular expressions do."""


def bounded(sentence: str, limit: int = MAX_CLAUSE_CHARS) -> list[str]:
    """`sentence` cut at word boundaries into pieces of at most about `limit` characters."""
    if len(sentence) <= limit:
        return [sentence]
    pieces: list[str] = []
    start = 0
    while start < len(sentence):
        end = min(len(sentence), start + limit)
        if end < len(sentence):
            space = sentence.rfind(" ", start + limit // 2, end)
            end = space if space > start else end
        pieces.append(sentence[start:end].strip())
        start = end
    return [p for p in pieces if p]


MAX_READ_CHARS = 20_000
"""Most characters of one message, memory or summary the offline rules read (about five times
what a prompt quotes of one item, `memlab.llm.sections.MAX_ITEM_CHARS`). A longer text is read
up to the last word boundary before the limit: a pasted megabyte costs a fraction of a second,
not minutes."""


def clip_read(text: str, limit: int = MAX_READ_CHARS) -> str:
    """`text` cut at a word boundary to at most `limit` characters."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", limit // 2, limit)
    return text[: space if space > 0 else limit]
