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
RULE_KEYS: list[frozenset[str]] = [
    word_set(words)
    for words in (
        "day yesterday",
        "day tomorrow",
        "yesterday night",
        "tomorrow",
        "today tonight morning afternoon evening",
        "year years",
        "weekend",
        "weekend",
        "week",
        "month",
        "year",
        _UNIT_WORDS,
        _UNIT_WORDS,
        _UNIT_WORDS,
        _WEEKDAY_WORDS,
        _WEEKDAY_WORDS,
        _WEEKDAY_WORDS,
        _SEASON_WORDS,
        _SEASON_WORDS,
        _MONTH_WORDS,
        _MONTH_WORDS,
        _MONTH_WORDS,
    )
]
"""Per rule of `memlab.llm.offline.dates`, in order: words one of which every match holds."""
DIGIT_KEY = "0"
"""In `RULE_ALSO`, "some digit": no run of `LETTERS`, so it clashes with no word."""
RULE_ALSO: list[frozenset[str]] = [
    word_set(words)
    for words in (
        "before",
        "after",
        "",
        "",
        "",
        "new",
        "last next this",
        "the",
        "last past previous next this",
        "last past previous next this",
        "last past previous next this",
        "ago",
        "now",
        "in",
        "last",
        "next",
        "",
        "last next this",
        "the",
        DIGIT_KEY,
        DIGIT_KEY,
        "in since from until till by before after during next last this",
    )
]
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
