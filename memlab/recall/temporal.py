"""Time in recall: dates in words for the index, and time cues of questions resolved to ranges.

Two halves of time-aware recall. Indexing: an item is also indexed under its date in words
("Thursday 14 December 2023"), so "what did I do in December 2023" matches the turns of that
month by keyword (`date_words`). Asking: the question's relative date words ("yesterday",
"last month", "three weeks ago", "in May", "last Friday") are resolved against the time the
question is asked (`as_of`) into a time range and the words of that range (`resolve`); items
in the range are then preferred and the words join the keyword query.

Resolution is deliberately small and exact: it knows calendar words, weekdays, months, years
and "N units ago"; anything else ("before the wedding") gives no range, and recall goes on
by words alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

__all__ = ["TEMPORAL_WORDS", "TimeCue", "date_words", "is_temporal", "resolve"]

_MONTHS = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
]  # fmt: skip
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple of": 2,
    "few": 3,
}  # fmt: skip
_TEMPORAL_TEXT = """
when date day days week weeks month months year years ago yesterday today tonight last before
after first earliest latest recently since until during time
"""
TEMPORAL_WORDS = frozenset(_TEMPORAL_TEXT.split())
"""Words that mark a question as being about time."""

_NUM = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple of|few)"
_AGO = re.compile(rf"\b{_NUM}\s+(day|week|month|year)s?\s+ago\b")
_LAST = re.compile(r"\b(?:last|past|previous)\s+(week|weekend|month|year)\b")
_THIS = re.compile(r"\bthis\s+(week|month|year)\b")
_WEEKDAY = re.compile(rf"\b(?:last|on|this past)\s+({'|'.join(_WEEKDAYS)})\b")
_MONTH_YEAR = re.compile(rf"\b({'|'.join(_MONTHS)})\s+(\d{{4}})\b")
_IN_MONTH = re.compile(rf"\b(?:in|during|since|last)\s+({'|'.join(_MONTHS)})\b")
_YEAR = re.compile(r"\b(?:in|during|of)\s+((?:19|20)\d{2})\b")


@dataclass(frozen=True)
class TimeCue:
    """A time range a question points at, with its date words."""

    start: datetime
    """Start of the range (UTC, inclusive)."""
    end: datetime
    """End of the range (UTC, exclusive)."""
    words: str
    """The range in words ("December 2023"), added to the keyword query."""


def date_words(when: datetime) -> str:
    """A time as the words a question would use: "Thursday 14 December 2023"."""
    when = when.astimezone(UTC) if when.tzinfo else when
    weekday, month = _WEEKDAYS[when.weekday()].title(), _MONTHS[when.month - 1].title()
    return f"{weekday} {when.day} {month} {when.year}"


def is_temporal(question: str) -> bool:
    """True when the question has a time cue ("when", "ago", "last year", a month...)."""
    words = set(re.findall(r"[a-z]+", question.lower()))
    return bool(words & TEMPORAL_WORDS or words & set(_MONTHS)) or bool(
        _YEAR.search(question.lower())
    )


def _day(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _month_range(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def _month_cue(year: int, month: int) -> TimeCue:
    start, end = _month_range(year, month)
    return TimeCue(start, end, f"{_MONTHS[month - 1].title()} {year}")


def _year_cue(year: int) -> TimeCue:
    return TimeCue(
        datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC), str(year)
    )


def _day_cue(d: date, slack_days: int = 0) -> TimeCue:
    start = _day(d) - timedelta(days=slack_days)
    end = _day(d) + timedelta(days=1 + slack_days)
    return TimeCue(start, end, date_words(_day(d)))


def _shift_months(d: date, months: int) -> tuple[int, int]:
    index = d.year * 12 + d.month - 1 - months
    return index // 12, index % 12 + 1


def _ago(n: int, unit: str, today: date) -> TimeCue:
    if unit == "day":
        return _day_cue(today - timedelta(days=n), slack_days=1 if n > 2 else 0)
    if unit == "week":
        return _day_cue(today - timedelta(weeks=n), slack_days=3)
    if unit == "month":
        return _month_cue(*_shift_months(today, n))
    return _year_cue(today.year - n)


def resolve(question: str, as_of: datetime) -> TimeCue | None:
    """The time range a question's date words point at, seen from `as_of`; None if none.

    The first cue found wins, in this order: "N units ago", "last/past week|weekend|month|
    year", "this week|month|year", "yesterday"/"today", "last <weekday>", "<month> <year>",
    "in <month>" (its latest occurrence up to `as_of`), "in <year>".
    """
    text = question.lower()
    today = (as_of.astimezone(UTC) if as_of.tzinfo else as_of.replace(tzinfo=UTC)).date()
    if m := _AGO.search(text):
        count = m.group(1)
        n = int(count) if count.isdigit() else _NUMBERS[count]
        return _ago(n, m.group(2), today)
    if m := _LAST.search(text):
        unit = m.group(1)
        if unit == "year":
            return _year_cue(today.year - 1)
        if unit == "month":
            return _month_cue(*_shift_months(today, 1))
        if unit == "weekend":
            saturday = today - timedelta(days=(today.weekday() - 5) % 7 or 7)
            return TimeCue(
                _day(saturday), _day(saturday) + timedelta(days=2), date_words(_day(saturday))
            )
        return TimeCue(
            _day(today - timedelta(days=7 + today.weekday())),
            _day(today - timedelta(days=today.weekday())),
            "",
        )
    if m := _THIS.search(text):
        unit = m.group(1)
        if unit == "year":
            return _year_cue(today.year)
        if unit == "month":
            return _month_cue(today.year, today.month)
        monday = today - timedelta(days=today.weekday())
        return TimeCue(_day(monday), _day(monday) + timedelta(days=7), "")
    if re.search(r"\byesterday\b", text):
        return _day_cue(today - timedelta(days=1))
    if re.search(r"\b(?:today|tonight|this morning)\b", text):
        return _day_cue(today)
    if m := _WEEKDAY.search(text):
        back = (today.weekday() - _WEEKDAYS.index(m.group(1))) % 7 or 7
        return _day_cue(today - timedelta(days=back))
    if m := _MONTH_YEAR.search(text):
        return _month_cue(int(m.group(2)), _MONTHS.index(m.group(1)) + 1)
    if m := _IN_MONTH.search(text):
        month = _MONTHS.index(m.group(1)) + 1
        return _month_cue(today.year if month <= today.month else today.year - 1, month)
    if m := _YEAR.search(text):
        return _year_cue(int(m.group(1)))
    return None
