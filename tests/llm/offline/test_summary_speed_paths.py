"""The summaries' shortcuts (issue 17) give what the full reading gives, and dates read well."""

from __future__ import annotations

import gc
import json
import math
import re
from collections import Counter
from datetime import datetime
from pathlib import Path

from memlab.llm.offline.dates import resolve_dates
from memlab.llm.offline.extract import extract_facts
from memlab.llm.offline.summary import (
    _MOST_FACTS,
    _best,
    _salience,
    _Sentence,
    _sentence,
    _sentences,
    _traits,
    summarize,
)
from memlab.llm.offline.text import split_sentences

_SUNDAY = "Funny thing, I spent most of Sunday on the sofa under a blanket."
_MONDAY = datetime(2023, 1, 23, 9, 0)


def test_a_weekday_after_of_resolves_to_a_bare_date() -> None:
    # Notebook 03 printed "I spent most of on 22 January 2023 on the sofa".
    resolved = resolve_dates(_SUNDAY, _MONDAY)
    assert resolved == "Funny thing, I spent most of 22 January 2023 on the sofa under a blanket."
    assert resolve_dates("I have been ill since last March.", _MONDAY) == (
        "I have been ill since March 2022."
    )
    # Where "on" reads well it stays.
    assert resolve_dates("I was in Oslo on Sunday.", _MONDAY) == "I was in Oslo on 22 January 2023."


def test_a_summary_of_resolved_turns_has_no_stray_preposition() -> None:
    turns = [
        ("user", resolve_dates(_SUNDAY, _MONDAY)),
        ("assistant", "That sounds like a well earned rest."),
    ]
    summary, _ = summarize(turns)
    assert "most of 22 January 2023 on the sofa" in summary
    assert "of on" not in summary


def test_sentences_without_a_first_person_word_are_not_read_for_facts() -> None:
    # The gate skips reading; what the full reading finds must be the same either way.
    sentences = [
        "I moved to Porto in March.",
        "My sister Ana just started learning chess.",
        "we adopted a dog called Pixel",
        "im a nurse now",
        "Call me Mike.",
        "The user lives in Lima.",
        "Honestly the weather in Oslo was awful.",
        "Ana lives in Porto and loves jazz.",
        "ok thanks",
    ]
    read = 0
    for body in sentences:
        expected = tuple(extract_facts([("s", "user", body)]))
        assert _sentence(f"User: {body}").facts == expected, body
        read += bool(expected)
    assert read >= 5  # the sentences with a first-person word did say facts


def test_split_sentences_shortcut_keeps_its_pieces() -> None:
    assert split_sentences("  I moved to Porto.  ") == ["I moved to Porto."]
    assert split_sentences('She said "fine."') == ['She said "fine."']
    assert split_sentences("Hi. I moved.") == ["Hi.", "I moved."]
    assert split_sentences("Dr. Smith called!") == ["Dr. Smith called!"]
    assert split_sentences("one\ntwo") == ["one", "two"]
    assert split_sentences("...") == ["..."]
    assert split_sentences("   ") == []


def test_summarize_leaves_the_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    summarize([("user", "I moved to Porto in March.")])
    assert gc.isenabled()
    gc.disable()
    try:
        summarize([("user", "I moved to Porto in March.")])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_every_date_rule_match_holds_one_of_its_key_words() -> None:
    # `resolve_dates` searches a rule only when the text holds one of its key words: that is
    # exact only if no match of the rule lacks them all.
    from memlab.llm.offline.date_words import DIGIT_KEY, LETTERS, RULE_ALSO, RULE_KEYS
    from memlab.llm.offline.dates import _RULES

    phrases = [
        "the day before yesterday", "the day after tomorrow", "yesterday morning", "last night",
        "tomorrow evening", "today", "tonight", "earlier today", "this afternoon",
        "on New Year's Day", "new years eve", "last weekend", "over the weekend", "next week",
        "this month", "past year", "two days ago", "a couple of weeks ago", "3 months from now",
        "in a few years", "last Tuesday", "next Friday", "on Sunday night", "this Wednesday",
        "last summer", "in the fall", "during the winter", "on the 3rd of March", "5 Sept",
        "May 7th", "on sepember 3", "since June", "next Jan", "last August", "until Dec",
        "in 2 weeks", "one year ago", "this saturday morning",
    ]  # fmt: skip
    found = 0
    for phrase in phrases:
        text = f"Well, {phrase}, we met."
        for (pattern, _), keys, also in zip(_RULES, RULE_KEYS, RULE_ALSO, strict=True):
            for match in pattern.finditer(text):
                found += 1
                words = set(LETTERS.findall(match.group(0).lower()))
                assert keys & words, (phrase, pattern)
                # The second list: a word of it too, or a digit for the rules that need one.
                if re.search(r"\d", match.group(0)):
                    words.add(DIGIT_KEY)
                assert not also or also & words, (phrase, pattern)
    assert found >= len(phrases)


def test_the_word_gates_keep_what_the_patterns_read() -> None:
    # Each gate skips a pattern only for a text without its words: where they are written in
    # other cases or letters `re.I` folds ("ſ", "İ"), the pattern still runs.
    from memlab.llm.offline.clauses import expand_contractions, is_hypothetical, rewrite_to_user

    assert rewrite_to_user("I love mYſelf and oUR dog, it is MINE", "first") == (
        "User loves themselves and User's dog, it is theirs"
    )
    assert rewrite_to_user("the uſer met me and us", "first") == "User met them and them"
    assert rewrite_to_user("Me too", "first") == "them too"
    assert rewrite_to_user("you love yourſelf", "second") == "User loves themselves"
    assert expand_contractions("I'M sure we CAN'T, dont worry") == (
        "I am sure we cannot, do not worry"
    )
    assert is_hypothetical("İf I lived in Paris")
    assert is_hypothetical("I uſed to smoke")
    assert not is_hypothetical("I live in Paris")


def test_floating_rules_still_read_in_other_cases() -> None:
    facts = [f.text for f in extract_facts([("m", "user", "Lena AND I got married.")])]
    assert facts == ["User is married to Lena."]
    facts = [f.text for f in extract_facts([("m", "user", "I got a JOB offer at Shopify.")])]
    assert facts == ["User works at Shopify."]


def _bundled_sentences(conversations: int) -> list[_Sentence]:
    path = Path(__file__).resolve().parents[3] / "datasets" / "memlab-synthetic-v1.jsonl"
    pool: list[_Sentence] = []
    for line in path.read_text(encoding="utf-8").splitlines()[1 : conversations + 1]:
        record = json.loads(line)
        user = record["participants"][0]["name"]
        for session in record["sessions"]:
            for turn in session["turns"]:
                role = "User" if turn["speaker"] == user else "Assistant"
                pool.extend(_sentence(f"{role}: {s}") for s in _sentences(turn["text"]))
    return pool


def test_best_first_ranking_is_the_ranking_of_every_score() -> None:
    # `_best` reads facts only where a bound says a sentence may rank: it must choose what
    # scoring every sentence chooses, ties to the earlier one, at every summary length.
    pool = _bundled_sentences(6)
    df = Counter(s for item in pool for s in set(item.stems))
    idf = {s: math.log((len(pool) + 1) / (n + 0.5)) for s, n in df.items()}
    top = max(
        sum(idf[s] for s in item.stems) / math.sqrt(len(item.stems)) for item in pool if item.stems
    )

    def score(item: _Sentence, facts: int) -> float:
        return _salience(_traits(item, idf, top), facts)

    chosen = {limit: _best(pool, score, limit) for limit in (1, 3, 6, 20)}
    read = sum("facts" in vars(item) for item in pool)
    may = sum(item.may_state_facts for item in pool)
    exact = [score(item, len(item.facts)) for item in pool]
    ranked = sorted(range(len(pool)), key=lambda i: (-exact[i], i))
    for limit, got in chosen.items():
        assert got == [i for i in ranked[:limit] if exact[i] > 0]
    assert len(chosen[20]) == 20
    assert read < may  # the bound spared some reading
    assert max(len(item.facts) for item in pool) <= _MOST_FACTS  # the cap changed no score here
