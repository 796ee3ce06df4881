"""What the offline model keeps of a personal statement no slot rule understood.

A first-person statement about the user ("I lecture in history at a college in Galway",
"we have three kids, Leo, Mia and Sara") is kept whole, so its names, numbers, times and
durations survive: rewritten to the third person where the sentence starts with the speaker
("User lectures in history at a college in Galway."), else quoted as the user's own words
('User said: "Everyone calls me Dani."'). Questions, requests to the assistant, greetings,
thanks, moods of the moment, hypotheticals and statements about the assistant are not kept.

A statement that something ended ("I stopped doing CrossFit", "we cancelled the Peru trip",
"Mochi died") also names its topic, so the memories it makes stale can be found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memlab.llm.offline.clauses import is_past_tense, rewrite_to_user
from memlab.llm.offline.dates import RESOLVED_RE
from memlab.llm.offline.text import (
    DATE_RE,
    STOPWORDS,
    content_stems,
    fold_case,
    stem_word,
    tokenize_words,
    word_set,
)
from memlab.llm.offline.vocab import TIME_WORDS

__all__ = [
    "LIGHT_STEMS",
    "Unparsed",
    "continues",
    "ended_topic",
    "unparsed",
    "worth_keeping",
]

FIRST_PERSON = re.compile(r"\b(?:i|me|my|mine|myself|we|us|our|ours|ourselves)\b", re.I)
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|u|ya)\b", re.I)
_REQUEST = re.compile(
    r"^\W*(?:please|pls|plz|can|could|would|give|tell|write|translate|remind|let\s+me|help|show"
    r"|explain|recommend|suggest|find|list|summari[sz]e|describe|draft|check|fix|send|book"
    r"|talk|bye|goodbye|thanks|thank)\b",
    re.I,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|whether|wish|wonder|imagine|suppose|pretend|would|someday)\b",
    re.I,
)
_TRANSIENT = re.compile(
    r"\b(?:be\s+back|brb|gtg|afk|hang\s+on|one\s+sec|\d+\s+(?:min(?:ute)?s?|secs?)\s+away"
    r"|grab(?:bing)?\s+(?:a\s+)?(?:coffee|drink|bite|snack|tea)|on\s+my\s+way)\b",
    re.I,
)
_MOOD = re.compile(
    r"^\W*(?:\w+\W+)?(?:i\s+am|i\s+feel|feeling)\s+(?:(?:so|really|very|a\s+bit|kinda|pretty"
    r"|super|just|quite|too)\s+)*(?:tired|bored|hungry|sleepy|sad|happy|excited|stressed|busy"
    r"|nervous|annoyed|confused|lost|done|fine|good|great|ok|okay|sick|cold|hot|exhausted|sure"
    r"|sorry|glad|back|here|ready|curious|honest|serious|kidding|joking)\b"
    r"(?:\s+(?:right\s+now|now|today|tonight|at\s+the\s+moment|lol|haha|with\s+you"
    r"|on\s+\d{1,2}\s+[a-z]+\s+\d{4}))?\W*$",
    re.I,
)
_OPINION = re.compile(
    r"^\W*i\s+(?:(?:do\s+not\s+)?(?:think|guess|suppose|agree|see|know|mean|believe|understand"
    r"|get\s+it|hope|bet|doubt|disagree))\b",
    re.I,
)
LIGHT_STEMS = frozenset(
    stem_word(w)
    for w in word_set(
        """lol haha hahaha yeah yep nope know right think mean see guess feel want need get go
        going say said tell told bit lot really thing stuff way sure true fine good great nice
        cool awesome amazing wow omg btw tbh honestly basically literally actually kinda like
        just super pretty totally definitely probably maybe anyway anyways hmm um uh ugh oh
        make made take took keep kept lately nowadays day days time times"""
    )
)
"""Stems of words that say nothing about the user by themselves ("lol yeah I know right")."""
# A fact ended: the words after the marker name what ended ("stopped doing CrossFit") ...
_ENDED_OBJECT = re.compile(
    r"\b(?:no\s+longer\s+\w+|stopped|quit|gave\s+up|given\s+up|gone\s+off|went\s+off"
    r"|cancell?ed|called\s+off|sold|dropped\s+out\s+of|moved\s+out\s+of|left|lost|ended"
    r"|not\s+\w+ing|(?:does|do|did|is|am|are|has|have|was|were)\s+not(?:\s+\w+)?"
    r"|never\s+\w+|switched\s+from|instead\s+of|bye|no\s+more)\s+(?P<object>[^,;:.!?]+)",
    re.I,
)
# ... or, for these, the words before it ("Mochi died", "Tom and I broke up").
_ENDED_SUBJECT = re.compile(
    r"\s+(?:has\s+|have\s+|had\s+)?(?:died|passed\s+away|broke\s+up|split\s+up|separated"
    r"|divorced|ran\s+away|was\s+put\s+down|got\s+divorced)\b",
    re.I,
)
_ANYMORE = re.compile(r"\b(?:any\s*more|no\s+longer|after\s+all)\b", re.I)
# Generic verbs and fillers that do not say what ended.
_NOT_TOPIC = LIGHT_STEMS | frozenset(
    stem_word(w)
    for w in word_set(
        """have has had do does did doing go goes went eat eats ate drink play plays drive use
        live work works job anymore longer completely totally after all now user them their
        they themselves"""
    )
)
_LEAD = re.compile(
    r"^(?:(?:so|well|also|and|but|oh|ok|okay|yeah|yes|honestly|basically|anyway|btw|actually"
    r"|plus|then|now|just|finally|big\s+news|update|fun\s+fact|lol|haha)\b[\s,:!-]*)+",
    re.I,
)
_IMPLIED = re.compile(r"^(?P<verb>[a-z]+)\b", re.I)
_FAN = re.compile(r"^(?:a\s+)?(?:big|huge|massive|great)\s+fan\s+of\b", re.I)
_IMPLIED_VERBS = word_set(
    """quit been got just finally started signing training saving doing working living going
    getting trying learning planning thinking moving"""
)


@dataclass(frozen=True)
class Unparsed:
    """A kept statement: its memory text, and the stems of what it says ended (if it does)."""

    text: str
    ended: frozenset[str] | None = None


def _topic(clause: str) -> frozenset[str] | None:
    found = _ENDED_SUBJECT.search(clause)
    words = None
    if found:
        # The subject: the words before the marker back to the last punctuation (found by
        # string search; a lazy regex from every position was quadratic).
        head = clause[: found.start()]
        words = head[max(head.rfind(c) for c in ",;:.!?") + 1 :]
    if words is None:
        found = _ENDED_OBJECT.search(clause)
        words = found.group("object") if found else None
    if words is None:
        return None
    words = RESOLVED_RE.sub(" ", words)
    words = re.split(r"\s+(?:and|but|so|because|since|for|in|on|at)\s+(?=\w+ly\b|$)", words)[0]
    stems = {
        s
        for w in tokenize_words(words)
        if w not in STOPWORDS and not w.endswith("ly") and w not in TIME_WORDS
        for s in [stem_word(w)]
        if s not in _NOT_TOPIC and not s.isdigit()
    }
    return frozenset(stems) or None


def ended_topic(text: str) -> frozenset[str] | None:
    """The stems of what a statement says ended ("stopped doing CrossFit" -> {"crossfit"})."""
    return _topic(text)


def worth_keeping(clause: str, sentence: str) -> bool:
    """Whether an (expanded, first-person) clause is a personal statement worth a memory."""
    if not FIRST_PERSON.search(sentence) and not _IMPLIED.match(_LEAD.sub("", sentence).strip()):
        return False
    if _SECOND_PERSON.search(clause) or _REQUEST.match(clause) or _HYPOTHETICAL.search(clause):
        return False
    if _TRANSIENT.search(clause) or _MOOD.match(clause):
        return False
    if _OPINION.match(clause) and len(FIRST_PERSON.findall(clause)) < 2:
        return False
    if _CHATTER.match(clause) and len(FIRST_PERSON.findall(clause)) < 2:
        return False
    stems = [s for s in content_stems(clause) if s not in LIGHT_STEMS]
    return bool(stems) or bool(re.search(r"\d", clause))


_CHATTER = re.compile(
    r"^\W*(?:sounds|that\s+is|that's|works|fine|ok|okay|sure|cool|great|perfect|nice|awesome"
    r"|lol|haha|thanks|thank|no\s+problem|me\s+too|same|good|bye|hi|hey|hello|yes|yeah|no|nope"
    r"|right|exactly|agreed|true|wow|omg|oh)\b",
    re.I,
)


def continues(sentence: str) -> bool:
    """Whether a sentence with no speaker in it can go on the statement before it."""
    if FIRST_PERSON.search(sentence) or _SECOND_PERSON.search(sentence):
        return False
    if _CHATTER.match(sentence) or _REQUEST.match(sentence) or _HYPOTHETICAL.search(sentence):
        return False
    return any(s not in LIGHT_STEMS for s in content_stems(sentence)) or bool(
        re.search(r"\d", sentence)
    )


def _implied_subject(clause: str) -> bool:
    verb = _IMPLIED.match(clause)
    if not verb:
        return False
    word = fold_case(verb.group("verb"))
    return is_past_tense(word) or word in _IMPLIED_VERBS


def unparsed(clause: str, sentence: str, *, ended: bool = True) -> Unparsed | None:
    """The memory for a clause no slot rule read, or None when it is not worth keeping.

    Args:
        clause: One clause of a user's message, contractions expanded, dates resolved.
        sentence: The sentence it belongs to (a clause without a pronoun, like "Mochi died
            last week", counts when its sentence is the user's own and says something ended).
        ended: Whether to read an end ("stopped", "sold", "died") as the end of a fact.

    Returns:
        The memory text ("User swims three mornings a week.") and, for an end, its topic.
    """
    body = _LEAD.sub("", clause.strip(" ,;:-–—")).strip()
    if not body:
        return None
    topic = _topic(body) if ended else None
    implied = _implied_subject(body) or bool(_FAN.match(body))
    if not FIRST_PERSON.search(body) and not implied and topic is None:
        return None
    if not worth_keeping(body, sentence):
        return None
    if _ANYMORE.search(body) and topic is None:
        topic = _topic(re.sub(r"\bno\s+longer\b", "not", body, flags=re.I))
    lead = RESOLVED_RE.match(body) or DATE_RE.match(body)
    if lead and re.match(r"\W*(?:i|we)\b", body[lead.end() :], re.I):
        # "on 7 May 2023 I finished a 10k" reads "User finished a 10k on 7 May 2023".
        rest = body[lead.end() :].strip(" ,")
        stop = rest[-1] if rest[-1] in ".!?…" else ""  # a sentence may end without one
        body = f"{re.sub(r'[!?.…]+$', '', rest)} {' '.join(lead.group(0).split())}{stop}"
        body = body if body[-1] in ".!?" else body[:-1].rstrip() + body[-1]
    end = "" if body[-1] in ".!?" else "."
    body = re.sub(r"[!?.…]+$", ".", body + end)
    if re.match(r"(?:i|we|my|our)\b", body, re.I):
        text = rewrite_to_user(body, "first")
    elif _FAN.match(body):
        text = "User is " + ("" if body.lower().startswith("a ") else "a ") + body
        text = rewrite_to_user(text, "first")
    elif _implied_subject(body):
        verb = body.split()[0].lower()
        prefix = "User has" if verb == "been" else "User is" if verb.endswith("ing") else "User"
        text = f"{prefix} {verb}{body[len(verb) :]}"
        text = rewrite_to_user(text, "first")
    else:
        return Unparsed(f'User said: "{body}"', topic)
    if not text.startswith("User"):  # the rewrite found no verb to attach "User" to
        return Unparsed(f'User said: "{body}"', topic)
    text = _later_mentions(text)
    return Unparsed(text[0].upper() + text[1:], topic)


def _later_mentions(text: str) -> str:
    # "User just bought User's first house" reads "User just bought their first house".
    head, sep, tail = text.partition("User")
    tail = re.sub(r"\bUser's\b", "their", tail)
    return head + sep + tail
