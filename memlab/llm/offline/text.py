"""Word-level rules of the offline model: tokens, stems, sentences, dates and normalization.

The offline model (`memlab/offline`) is a deterministic rule-based baseline, not an LLM. This
module holds the text primitives every offline task shares; answering and scoring are in
`memlab.llm.offline.answer`. Public names are re-exported by `memlab.llm.offline.rules`;
import them from there.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "DATE_RE",
    "FUTURE_RE",
    "STOPWORDS",
    "content_stems",
    "fold_case",
    "fold_letters",
    "holds_any",
    "may_say_date",
    "normalize_answer",
    "split_sentences",
    "stem_word",
    "tokenize_words",
    "word_set",
]


def word_set(words: str) -> frozenset[str]:
    """The whitespace-separated words of `words`: how the rules write their word lists."""
    return frozenset(words.split())


STOPWORDS: frozenset[str] = word_set(
    """
    a about above after again against all am an and any are as at be been before being below
    between both but by can cannot could did do does doing down during each either few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just let me more most my myself no nor not now of off on once only or other ought
    our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up upon us very was
    we were what when where which while who whom whose why will with would you your yours
    yourself yourselves i'm i've i'll i'd you're you've it's that's there's don't doesn't didn't
    isn't aren't wasn't weren't can't won't also really oh ok okay yeah yes hey hi hello well
    just got get gets much many lot lots thing things something anything quite user users user's
    """
)
"""Function words and chat filler the offline rules ignore when they compare texts."""
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_COUNT = (
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|few|several)"
)
_UNIT = r"(?:days?|weeks?|months?|years?|hours?)"
_SEASON = r"(?:summer|winter|spring|autumn|fall)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_CALENDAR = (
    rf"(?:on\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\b(?:,?\s+\d{{4}})?"
    rf"|(?:on\s+)?{_MONTH}\s+{_DAY}\b(?:,?\s+\d{{4}})?"
    rf"|in\s+{_MONTH}(?:\s+\d{{4}})?|in\s+(?:19|20)\d{{2}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}"
    rf"|(?:on\s+)?{_WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?"
)
DATE_RE = re.compile(
    rf"\b(?:(?:last|this|past|previous|next)\s+(?:week(?:end)?|month|year|night|{_SEASON}"
    rf"|{_WEEKDAY}|{_MONTH})"
    r"|yesterday(?:\s+(?:morning|afternoon|evening))?|today|tonight|tomorrow"
    r"|(?:this|earlier\s+this)\s+(?:morning|afternoon|evening)|earlier\s+today|the\s+other\s+day"
    rf"|{_COUNT}\s+{_UNIT}\s+ago|{_CALENDAR})\b",
    re.I,
)
"""A date or time expression: absolute ("12 May 2023", "in 2019") or relative ("last Tuesday")."""

# Every match of `DATE_RE` holds a digit or one of these (month names start with their three
# letters, weekdays and "yesterday" end in "day", "tonight" ends in "night").
_DATE_HINTS = re.compile(
    "day|night|tomorrow|ago|week|month|year|spring|summer|autumn|fall|winter|morning"
    "|afternoon|evening|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
)
_DIGIT = re.compile(r"\d")


def may_say_date(text: str) -> bool:
    """False when `DATE_RE` cannot match `text`: a check ten times cheaper than the search.

    Most sentences name no date, and `DATE_RE` (a long case-insensitive alternation) costs
    tens of microseconds per sentence; callers search or cut dates only when this is True.
    """
    return _DIGIT.search(text) is not None or _DATE_HINTS.search(fold_case(text)) is not None


FUTURE_RE = re.compile(
    rf"\b(?:next\s+(?:week(?:end)?|month|year|{_SEASON}|{_WEEKDAY}|{_MONTH})"
    r"|tomorrow|tonight|soon|later\s+(?:today|this\s+\w+)|someday|one\s+day"
    rf"|this\s+(?:weekend|{_SEASON}|evening|afternoon)"
    rf"|in\s+{_COUNT}\s+{_UNIT}|{_CALENDAR})\b",
    re.I,
)
"""A time expression that can place a plan in the future ("next month", "on Friday")."""

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_ABBREVIATIONS = word_set(
    "mr mrs ms dr prof st jr sr vs etc e.g i.e inc ltd co mt ave approx a.m p.m no fig"
)
_BOUNDARY = re.compile(r"([.!?…]+)([\"'”’)\]]*)(?:\s+|$)|\s*\n+\s*")
# What can end a sentence, and what may follow its end punctuation ("…!\")").
_INNER_BOUNDARY = re.compile("[.!?…\n]")
_CLOSERS = ".!?…\"'”’)]"


# The letters outside ASCII that a case-insensitive pattern matches as ASCII ones: the long s
# and the Kelvin sign, and both Turkish i's ("İ".lower() is two characters). A rule that
# matched "ſpring" or "thİrd" must look up "spring" and "third", not what `str.lower` gives.
_REGEX_FOLDS = str.maketrans({"ſ": "s", "\u212a": "k", "İ": "i", "ı": "i"})


def fold_letters(text: str) -> str:
    """`text` with the non-ASCII letters `re.I` matches as ASCII ones written as those.

    Same length as `text`, so positions found in one hold in the other; any other character
    (ß, accents, combining marks, emoji) is left as it is.
    """
    return text if text.isascii() else text.translate(_REGEX_FOLDS)


def fold_case(text: str) -> str:
    """Lowercase `text` as the rules' case-insensitive patterns read it, for word-list lookups.

    `str.lower` alone turns what a pattern read as "sister" into "ſister" and "third" into
    "thi̇rd" (a dotted i of two characters): keys no word list holds.
    """
    return text.lower() if text.isascii() else text.translate(_REGEX_FOLDS).lower()


def holds_any(text: str, words: Iterable[str]) -> bool:
    """Whether `text` holds one of `words` anywhere.

    The cheap test before a pattern every match of which holds one of them; pass
    `fold_case(text)` for a case-insensitive pattern.
    """
    return any(word in text for word in words)


def tokenize_words(text: str) -> list[str]:
    """Lowercased words of `text` (any script), apostrophes kept inside words ("don't").

    Lowercased as the rules' patterns read (`fold_case`), so "ſister" is the word "sister".

    Args:
        text: Any text.

    Returns:
        The words in order; punctuation and whitespace are dropped.
    """
    words: list[str] = _WORD.findall(fold_case(text))
    return words if "’" not in text else [w.replace("’", "'") for w in words]


def _is_consonant(word: str, i: int) -> bool:
    if word[i] in "aeiou":
        return False
    if word[i] == "y":
        return i == 0 or not _is_consonant(word, i - 1)
    return True


def _measure(word: str) -> int:
    # Porter's m: the number of vowel-consonant runs.
    pattern = "".join("c" if _is_consonant(word, i) else "v" for i in range(len(word)))
    return pattern.lstrip("c").rstrip("v").count("vc") if pattern else 0


def _has_vowel(word: str) -> bool:
    return any(not _is_consonant(word, i) for i in range(len(word)))


def _ends_cvc(word: str) -> bool:
    return (
        len(word) >= 3
        and _is_consonant(word, len(word) - 3)
        and not _is_consonant(word, len(word) - 2)
        and _is_consonant(word, len(word) - 1)
        and word[-1] not in "wxy"
    )


_STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("alli", "al"),
    ("entli", "ent"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
    ("icate", "ic"),
    ("ative", ""),
    ("alize", "al"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
)


@functools.lru_cache(maxsize=1 << 16)
def stem_word(word: str) -> str:
    """A small Porter-style stem: plural, -ed/-ing, -y and common derivational suffixes.

    It follows steps 1 to 3 of Porter (1980) closely enough that "lives", "living" and "live"
    share a stem, but it is not NLTK's stemmer; token F1 computed with it is close to, not
    identical with, LoCoMo's. Words with characters outside a-z are returned unchanged.

    Args:
        word: One lowercased word.

    Returns:
        The stem.
    """
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) <= 2 or not w.isascii() or not w.isalpha():
        return w
    if w.endswith("sses") or w.endswith("ies"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if w.endswith("eed"):
        if _measure(w[:-3]) > 0:
            w = w[:-1]
    else:
        for suffix in ("ed", "ing"):
            if w.endswith(suffix) and _has_vowel(w[: -len(suffix)]):
                w = w[: -len(suffix)]
                if w.endswith(("at", "bl", "iz")):
                    w += "e"
                elif len(w) >= 2 and w[-1] == w[-2] and w[-1] not in "lsz" and w[-1] not in "aeiou":
                    w = w[:-1]
                elif _measure(w) == 1 and _ends_cvc(w):
                    w += "e"
                break
    if w.endswith("y") and len(w) > 2 and _has_vowel(w[:-1]):
        w = w[:-1] + "i"
    for suffix, replacement in _STEP2:
        if w.endswith(suffix) and _measure(w[: -len(suffix)]) > 0:
            w = w[: -len(suffix)] + replacement
            break
    return w


def content_stems(text: str) -> list[str]:
    """Stems of the words of `text` that are not stopwords, in order (duplicates kept)."""
    return [stem_word(w) for w in tokenize_words(text) if w not in STOPWORDS]


def split_sentences(text: str) -> list[str]:
    """Split text into sentences at . ! ? … and line breaks, sparing "Dr." and "J. Smith".

    Args:
        text: Any text.

    Returns:
        Non-empty stripped sentences with their end punctuation, in order.
    """
    whole = text.strip()
    if _INNER_BOUNDARY.search(whole.rstrip(_CLOSERS)) is None:
        # No boundary before its end punctuation (most sentences, and every sentence split
        # again): one piece, the text itself, whatever the loop below decides at its end.
        return [whole] if whole else []
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group(1) == ".":
            # The last word before the dot, found without re-splitting the sentence so far
            # (which made a long run of "a. b. c." quadratic).
            cut = max(text.rfind(" ", start, match.start()), text.rfind("\n", start, match.start()))
            last = text[max(cut + 1, start) : match.start()].lower().rstrip(".")
            if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
        end = match.start() + len(match.group(1) or "") + len(match.group(2) or "")
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


_PUNCTUATION_SYMBOLS = frozenset("$+<=>^`|~")
_ASCII_DROP = {
    code: None
    for code in range(128)
    if unicodedata.category(chr(code)).startswith("P") or chr(code) in _PUNCTUATION_SYMBOLS
}


def normalize_answer(text: str) -> str:
    """SQuAD/LoCoMo answer normalization: lowercase, no punctuation or articles, single spaces.

    Punctuation (any Unicode punctuation) is deleted, not replaced, as in the SQuAD script, so
    "don't" becomes "dont". The words a, an, the and "and" are dropped as LoCoMo does.

    Args:
        text: An answer.

    Returns:
        The normalized text.
    """
    lowered = text.lower()
    if lowered.isascii():  # the same deletion as below, done by one table lookup per text
        kept = lowered.translate(_ASCII_DROP)
    else:
        kept = "".join(
            ch
            for ch in lowered
            if not unicodedata.category(ch).startswith("P") and ch not in _PUNCTUATION_SYMBOLS
        )
    return " ".join(w for w in kept.split() if w not in {"a", "an", "the", "and"})
