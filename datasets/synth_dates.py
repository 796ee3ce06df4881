"""Date arithmetic for the synthetic dataset: relative phrases, spellings and elapsed time.

Every gold answer about time is computed here from session dates, never written by hand.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
"""Month names, January first."""

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Weekday names, Monday first (as `date.weekday()`)."""

_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def words(n: int) -> str:
    """Spell a number from 0 to 99 in English words (`34` → `thirty-four`)."""
    if n < 20:
        return _WORDS[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + ("" if ones == 0 else "-" + _WORDS[ones])


def ordinal(n: int) -> str:
    """`1` → `1st`, `22` → `22nd`, `13` → `13th`."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def spellings(day: date) -> list[str]:
    """The accepted spellings of a full date: `8 May 2023`, `May 8, 2023`, ISO and ordinals."""
    month = MONTHS[day.month - 1]
    return [
        f"{day.day} {month} {day.year}",
        f"{month} {day.day}, {day.year}",
        f"{day.day} {month}, {day.year}",
        f"{month} {day.day} {day.year}",
        f"{ordinal(day.day)} {month} {day.year}",
        f"{month} {ordinal(day.day)}, {day.year}",
        day.isoformat(),
    ]


def day_month_spellings(day: int, month: int) -> list[str]:
    """Spellings of a yearly date such as a birthday: `14 March`, `March 14`, `14th March`."""
    name = MONTHS[month - 1]
    return [f"{day} {name}", f"{name} {day}", f"{ordinal(day)} {name}", f"{name} {ordinal(day)}"]


def relative_when(rng: random.Random, said_on: date) -> tuple[str, date]:
    """A past-time phrase as a person says it on `said_on`, and the day it denotes."""
    kind = rng.randrange(6)
    if kind == 0:
        return rng.choice(("today", "this morning")), said_on
    if kind == 1:
        return "yesterday", said_on - timedelta(days=1)
    if kind == 2:
        back = rng.choice((2, 3))
        return f"{words(back)} days ago", said_on - timedelta(days=back)
    # "on Saturday" / "last Sunday": the most recent such weekday strictly before today.
    weekday = rng.randrange(7)
    back = (said_on.weekday() - weekday) % 7 or 7
    prefix = "last " if kind == 3 else "on "
    return prefix + WEEKDAYS[weekday], said_on - timedelta(days=back)


def elapsed(earlier: date, later: date) -> list[str]:
    """Accepted answers for 'how long ago' between two days, from exact days to rounded units."""
    days = (later - earlier).days
    if days == 0:
        return ["today", "the same day", "0 days"]
    if days == 1:
        return ["1 day", "one day", "yesterday", "a day"]
    out = [f"{days} days", f"{words(days)} days" if days < 100 else f"{days} days"]
    if days < 14:
        if days == 7:
            out += ["a week", "one week", "1 week"]
        return _unique(out)
    weeks = round(days / 7)
    if days < 63:
        out = [f"{weeks} weeks", f"{words(weeks)} weeks", f"about {weeks} weeks", *out]
        return _unique(out)
    months = round(days / 30.44)
    out = [
        f"{months} months",
        f"{words(months)} months",
        f"about {months} months",
        f"{weeks} weeks",
        *out,
    ]
    if months == 12:
        out += ["a year", "one year", "1 year"]
    return _unique(out)


def _unique(items: list[str]) -> list[str]:
    # Keep first occurrences in order: answers stay deterministic and free of repeats.
    return list(dict.fromkeys(items))
