"""Odd Unicode through the offline model: letters a case-insensitive pattern reads as ASCII.

Python's `re.I` matches "ſ" (long s) as "s", the Kelvin sign as "k", and "İ" and "ı" as "i",
while `str.lower` keeps them (and turns "İ" into two characters). A rule that looked up what
it matched with `str.lower` raised KeyError or StopIteration ("last ſpring"), or read a wrong
number ("ſeven days ago" as one day). Lone surrogates never get here: stored text is checked
before (`memlab.db.text`).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from memlab.llm.offline.dates import resolve_dates
from memlab.llm.offline.rules import answer, extract_facts, judge, summarize
from memlab.llm.offline.text import fold_case, fold_letters, tokenize_words

MONDAY = date(2023, 5, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("last ſpring I went", "In spring 2022 I went", id="long-s-season"),
        pytest.param("next ſummer I will go", "In summer 2023 I will go", id="long-s-next"),
        pytest.param("laſt spring I went", "In spring 2022 I went", id="long-s-which"),
        pytest.param("on ſunday I went", "On 7 May 2023 I went", id="long-s-weekday"),
        pytest.param("I went on 3 ſeptember", "I went on 3 September 2022", id="long-s-month"),
        pytest.param("I went in ſeptember", "I went in September 2022", id="long-s-named-month"),
        pytest.param("I moved ſeven days ago", "I moved on 1 May 2023", id="long-s-count"),
        pytest.param("ſeveral weeks ago I left", "Around 17 April 2023 I left", id="several"),
        pytest.param("I was there laſt ſaturday", "I was there on 6 May 2023", id="last-wd"),
        pytest.param("İn march I went", "In March 2023 I went", id="dotted-I-prep"),
        pytest.param("It was a few weeKs ago", "It was around 17 April 2023", id="ascii-unchanged"),
        pytest.param("ıt was last week", "ıt was in the week of 1 May 2023", id="dotless-i-kept"),
        pytest.param("Straße: last week 🎉", "Straße: in the week of 1 May 2023 🎉", id="sharp-s"),
        pytest.param("Café\u0301 yesterday", "Café\u0301 on 7 May 2023", id="combining-mark-kept"),
    ],
)
def test_resolve_dates_reads_folded_letters(text: str, expected: str) -> None:
    assert resolve_dates(text, MONDAY) == expected


def test_resolve_dates_kelvin_sign_is_k() -> None:
    # "weeKs" with the Kelvin sign (U+212A) reads as "weeks"; the text around it is kept.
    assert resolve_dates("two wee\u212as ago, \u212aim left", MONDAY) == (
        "Around 24 April 2023, \u212aim left"
    )


@pytest.mark.parametrize(
    ("odd", "plain"),
    [
        pytest.param("My ſister is named Mia.", "My sister is named Mia.", id="family"),
        pytest.param("I have a ſon.", "I have a son.", id="family-has"),
        pytest.param("I have two ſons.", "I have two sons.", id="children"),
        pytest.param("Our ſecond child was born.", "Our second child was born.", id="nth"),
        pytest.param("Our thİrd child was born.", "Our third child was born.", id="nth-dotted"),
        pytest.param("I've got a hamſter named Bo.", "I've got a hamster named Bo.", id="pet"),
        pytest.param("I'm marrİed to Lena.", "I'm married to Lena.", id="status"),
        pytest.param("I lİve in Porto.", "I live in Porto.", id="verb"),
    ],
)
def test_slot_rules_read_folded_letters_as_ascii(odd: str, plain: str) -> None:
    # The slot rules matched these; now they also look them up: the same facts as the ASCII
    # spelling (no KeyError, no "User li̇ves" with a two-character i). A statement kept whole
    # keeps the user's own letters.
    times: dict[str, datetime | None] = {"m1": datetime(2023, 5, 8)}
    odd_facts = extract_facts([("m1", "user", odd)], times=times, keep_unparsed=True)
    plain_facts = extract_facts([("m1", "user", plain)], times=times, keep_unparsed=True)
    assert [(f.attribute, fold_letters(f.text)) for f in odd_facts] == [
        (f.attribute, f.text) for f in plain_facts
    ]


def test_names_and_other_scripts_are_kept_as_written() -> None:
    facts = extract_facts(
        [("m1", "user", "My daughter İpek turned five. I have a cat called Miſo 🐈.")],
        keep_unparsed=True,
    )
    texts = [f.text for f in facts]
    assert "User has a daughter named İpek." in texts
    assert "User has a cat named Miſo." in texts


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("last ſpring I ran 10k with my ſister", id="long-s"),
        pytest.param("Straße, İstanbul, ıstanbul, café\u0301, 👩‍👩‍👧 emoji", id="mixed"),
        pytest.param("\u212aelvin and ﬁsh and Ｒex", id="compat"),
    ],
)
def test_every_offline_task_takes_odd_unicode(text: str) -> None:
    summary, _ = summarize([("user", text), ("assistant", text)])
    assert summary
    answer("When did the user run 10k?", [text])
    judge("What?", text, text)


def test_fold_keeps_length_and_other_characters() -> None:
    text = "ſ \u212a İ ı ß é\u0301 👍"
    assert fold_letters(text) == "s k i i ß é\u0301 👍"
    assert len(fold_letters(text)) == len(text)
    assert fold_case("ſİSTER") == "sister"
    assert tokenize_words("My ſister İpek") == ["my", "sister", "ipek"]
