"""Which rules of `memlab.llm.offline.dates` a text may match, read from the words it holds.

Most texts say no date, and most that hold a date word ("days", "May") say none the rules
read; searching each of the 22 rules costs more than the rest of the rewriting. Every match
of a rule holds one word of its `RULE_KEYS` list whole (between characters that are not
letters a-z, in `fold_case`) and, where `RULE_ALSO` lists any, one of those too: a rule whose
words a text lacks cannot match it, and is not searched.
"""

from __future__ import annotations

import re

from memlab.llm.offline.text import fold_case, word_set

__all__ = ["DIGIT_KEY", "LETTERS", "RULE_ALSO", "RULE_KEYS", "RULE_WORDS", "candidate_rules"]

RULE_WORDS = word_set(
    """
    yesterday tomorrow today tonight night morning afternoon evening day days week weeks
    weekend month months year years monday tuesday wednesday thursday friday saturday sunday
    spring summer autumn fall winter jan january feb february mar march apr april may jun
    june jul july aug august sep sept september oct october nov november dec december
    """
)
"""Every word of `RULE_KEYS`: a text without any says no date the rules read."""
LETTERS = re.compile("[a-z]+")
"""The words the lists hold are whole runs of these letters."""
_WEEKDAY_WORDS = "monday tuesday wednesday thursday friday saturday sunday"
_MONTH_WORDS = (
    "jan january feb february mar march apr april may jun june jul july aug august sep sept"
    " september sepember oct october nov november dec december"  # "sep" "ember": the month rule
)
_UNIT_WORDS = "day days week weeks month months year years"
_SEASON_WORDS = "spring summer autumn fall winter"
DIGIT_KEY = "0"
"""In `RULE_ALSO`, "some digit": no run of `LETTERS`, so it clashes with no word."""
_IN = "in since from until till by before after during next last this"
# Per rule of `memlab.llm.offline.dates`, in order, one line each: words one of which every
# match holds, and a second list every match also holds a word of (empty: none).
_RULE_LISTS: tuple[tuple[str, str], ...] = (
    ("day yesterday", "before"),  # the day before yesterday
    ("day tomorrow", "after"),  # the day after tomorrow
    ("yesterday night", ""),  # yesterday, last night (morning ...)
    ("tomorrow", ""),  # tomorrow (morning ...)
    ("today tonight morning afternoon evening", ""),  # today, this morning
    ("year years", "new"),  # New Year's Day
    ("weekend", "last next this"),  # last weekend
    ("weekend", "the"),  # over the weekend
    ("week", "last past previous next this"),  # last week
    ("month", "last past previous next this"),  # last month
    ("year", "last past previous next this"),  # last year
    (_UNIT_WORDS, "ago"),  # two days ago
    (_UNIT_WORDS, "now"),  # 3 months from now
    (_UNIT_WORDS, "in"),  # in 2 weeks
    (_WEEKDAY_WORDS, "last"),  # last Tuesday
    (_WEEKDAY_WORDS, "next"),  # next Friday
    (_WEEKDAY_WORDS, ""),  # (on) Sunday (night)
    (_SEASON_WORDS, "last next this"),  # last summer
    (_SEASON_WORDS, "the"),  # in the fall
    (_MONTH_WORDS, DIGIT_KEY),  # the 3rd of March
    (_MONTH_WORDS, DIGIT_KEY),  # May 7th
    (_MONTH_WORDS, _IN),  # since June
)
RULE_KEYS: list[frozenset[str]] = [word_set(keys) for keys, _ in _RULE_LISTS]
"""Per rule, in order: words one of which every match holds."""
RULE_ALSO: list[frozenset[str]] = [word_set(also) for _, also in _RULE_LISTS]
"""Per rule, a second list every match also holds a word of (empty: none): "rained for 5 days"
holds a unit but not the "ago", "now" or "in" of the rules that read units."""
_DIGIT = re.compile(r"\d")


def candidate_rules(text: str) -> list[int]:
    """The positions of the rules whose words `text` holds, in order: the only ones that may match.

    Args:
        text: The text as the rules read it (`fold_letters` applied).

    Returns:
        Indices into the rule table of `memlab.llm.offline.dates`.
    """
    words = set(LETTERS.findall(fold_case(text)))
    if RULE_WORDS.isdisjoint(words):
        return []
    if _DIGIT.search(text):
        words.add(DIGIT_KEY)
    return [
        index
        for index, (keys, also) in enumerate(zip(RULE_KEYS, RULE_ALSO, strict=True))
        if not words.isdisjoint(keys) and not (also and words.isdisjoint(also))
    ]
