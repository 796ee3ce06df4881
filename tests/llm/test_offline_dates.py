"""Relative dates resolved against a message's own time (`memlab.llm.offline.dates`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from memlab.llm.offline.dates import format_day, resolve_dates

MONDAY = datetime(2023, 5, 8, 14, 30, tzinfo=UTC)  # Monday 8 May 2023
SATURDAY = date(2024, 1, 20)


@pytest.mark.parametrize(
    ("text", "now", "expected"),
    [
        pytest.param("I ran 10k yesterday.", MONDAY, "I ran 10k on 7 May 2023.", id="yesterday"),
        pytest.param(
            "Last night we ate out.", SATURDAY, "On 19 January 2024 we ate out.", id="night"
        ),
        pytest.param("I see her tomorrow.", MONDAY, "I see her on 9 May 2023.", id="tomorrow"),
        pytest.param("We met last Saturday.", MONDAY, "We met on 6 May 2023.", id="last-weekday"),
        pytest.param(
            "I was ill on Wednesday.", SATURDAY, "I was ill on 17 January 2024.", id="weekday-past"
        ),
        pytest.param(
            "I'm flying out on Friday.",
            MONDAY,
            "I'm flying out on 12 May 2023.",
            id="weekday-future",
        ),
        pytest.param(
            "The party is next Saturday.",
            SATURDAY,
            "The party is on 27 January 2024.",
            id="next-wd",
        ),
        pytest.param(
            "I moved two weeks ago.", MONDAY, "I moved around 24 April 2023.", id="weeks-ago"
        ),
        pytest.param("We met 3 days ago.", MONDAY, "We met on 5 May 2023.", id="days-ago"),
        pytest.param("I start next month.", MONDAY, "I start in June 2023.", id="next-month"),
        pytest.param("We married last year.", MONDAY, "We married in 2022.", id="last-year"),
        pytest.param(
            "In March we went hiking.", MONDAY, "In March 2023 we went hiking.", id="month-past"
        ),
        pytest.param(
            "We're moving in March.", SATURDAY, "We're moving in March 2024.", id="month-future"
        ),
        pytest.param(
            "Our wedding is next June.", MONDAY, "Our wedding is in June 2023.", id="next-june"
        ),
        pytest.param(
            "We fly on the 3rd of June.", MONDAY, "We fly on 3 June 2023.", id="day-of-month"
        ),
        pytest.param(
            "I went camping last weekend.",
            MONDAY,
            "I went camping on the weekend of 6 May 2023.",
            id="last-weekend",
        ),
        pytest.param(
            "I'm away next week.", MONDAY, "I'm away in the week of 15 May 2023.", id="next-week"
        ),
        pytest.param(
            "We bought it in the summer.",
            date(2023, 11, 27),
            "We bought it in summer 2023.",
            id="season",
        ),
        pytest.param(
            "I'll retire 8 years from now.", MONDAY, "I'll retire in 2031.", id="years-from-now"
        ),
    ],
)
def test_resolve_dates(text: str, now: datetime | date, expected: str) -> None:
    assert resolve_dates(text, now) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("I go to the gym on Mondays and Fridays.", id="habit-plural"),
        pytest.param("I ride every Sunday morning.", id="every"),
        pytest.param("I run a stall at the Saturday market.", id="the-weekday"),
        pytest.param("I've worked there for twelve years.", id="duration"),
        pytest.param("My best time is 47:30.", id="clock-time"),
        pytest.param("We may go to Lisbon.", id="may-the-verb"),
        pytest.param("I retired in 2019.", id="absolute-year"),
        pytest.param("On 12 May 2021 I graduated.", id="absolute-date"),
    ],
)
def test_what_is_not_a_relative_date_is_kept(text: str) -> None:
    assert resolve_dates(text, MONDAY) == text


def test_without_a_reference_time_nothing_changes() -> None:
    assert resolve_dates("I ran 10k yesterday.", None) == "I ran 10k yesterday."


def test_the_tense_can_be_given() -> None:
    assert resolve_dates("I'm off on Friday", MONDAY, future=True) == "I'm off on 12 May 2023"
    assert resolve_dates("I was off on Friday", MONDAY, future=False) == "I was off on 5 May 2023"


def test_format_day() -> None:
    assert format_day(date(2023, 5, 7)) == "7 May 2023"
