"""Relative dates resolved against the time a message was written.

"Yesterday I ran 10k", written on Monday 8 May 2023, is stored as "… on 7 May 2023": a
question asked months later ("when did the user run 10k?") can only be answered from an
absolute date. `resolve_dates` rewrites the relative expressions of a text (yesterday, last
Saturday, two weeks ago, next month, in March, this summer …) against a reference datetime;
the extraction, the summaries and the answerer of the offline model share it. Without a
reference time the text is returned unchanged.

Conventions: a day is written "7 May 2023"; a week "in the week of 15 May 2023" (its Monday); a
month "June 2023"; "N weeks ago" is "around <day>". A weekday or a month without a year is
read as the past when the text speaks of the past, as the future when it speaks of the future
(will, going to, next, plan, …), and otherwise as the nearest such date (a weekday: the last one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from memlab.llm.offline.date_words import candidate_rules
from memlab.llm.offline.text import DATE_RE, fold_letters, may_say_date

__all__ = ["RESOLVED_RE", "format_day", "resolve_dated_text", "resolve_dates", "strip_dates"]

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
RESOLVED_RE = re.compile(
    r"\b(?:(?:in\s+the\s+week\s+of|on\s+the\s+weekend\s+of|around|on|in|since|from|until|by)\s+)?"
    r"(?:\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December)\s+\d{4}|(?:January|February|March|April|May|June|July|August"
    r"|September|October|November|December|spring|summer|autumn|winter)\s+\d{4}|(?:19|20)\d{2})\b",
    re.I,
)
"""A date as `resolve_dates` writes it ("on 7 May 2023", "in the week of 1 May 2023", "in 2022")."""
_MONTH_RE = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|march|mar|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_RE = (
    r"(?<!every )(?<!the )(?<!a )(?P<wd>mon|tues|wednes|thurs|fri|satur|sun)day(?!s)"
    r"(?!\s+(?:mornings|afternoons|evenings|nights))"
)
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2,
    "a couple of": 2, "a few": 3, "few": 3, "several": 3,
}  # fmt: skip
_N = r"(?P<n>\d{1,3}|a\s+couple\s+of|a\s+few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple|few|several)"  # noqa: E501
_UNIT = r"(?P<unit>day|week|month|year)s?"
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_FUTURE = re.compile(
    r"\b(?:will|'ll|going\s+to|gonna|next|tomorrow|plan(?:s|ning)?|hoping|hope\s+to|intend"
    r"|upcoming|soon|from\s+now|starts?|begins?|is\s+due|are\s+due|booked|tickets?|expecting"
    r"|(?:am|is|are|'m|'re)\s+\w+ing|(?:is|are|'s)\s+(?:on|in|next))\b",
    re.I,
)


_PAST = re.compile(
    r"\b(?:was|were|did|had|went|got|ago|last|yesterday|(?!(?:ne|fe|se|spe|bl|br)ed\b)\w{2,}ed)\b",
    re.I,
)


def strip_dates(text: str) -> str:
    """`text` with its dates (as said, or as `resolve_dates` writes them) cut to spaces."""
    if not may_say_date(text):  # a resolved date holds a digit: neither pattern can match
        return text
    return DATE_RE.sub(" ", RESOLVED_RE.sub(" ", text))


def format_day(day: date) -> str:
    """A date as memlab's offline model writes it: "7 May 2023"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _month(name: str) -> int:
    low = name.lower()[:3]
    return next(i for i, m in enumerate(_MONTHS, 1) if m.lower().startswith(low))


def _weekday(name: str) -> int:
    low = name.lower()[:3]
    return next(i for i, d in enumerate(_WEEKDAYS) if d.startswith(low))


def _count(raw: str) -> int:
    key = " ".join(raw.lower().split())
    return int(key) if key.isdigit() else _NUMBERS.get(key, 1)


def _shift_months(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _month_text(day: date, months: int) -> str:
    year, month = _shift_months(day, months)
    return f"{_MONTHS[month - 1]} {year}"


def _before(day: date, weekday: int) -> date:
    """The last `weekday` strictly before `day`."""
    return day - timedelta(days=(day.weekday() - weekday - 1) % 7 + 1)


def _after(day: date, weekday: int) -> date:
    """The first `weekday` strictly after `day`."""
    return day + timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)


def _week_of(day: date) -> str:
    return "in the week of " + format_day(day - timedelta(days=day.weekday()))


def _ago(m: re.Match[str], day: date, sign: int) -> str:
    n, unit = _count(m.group("n")) * sign, m.group("unit").lower()
    if unit == "day":
        return "on " + format_day(day + timedelta(days=n))
    if unit == "week":
        return "around " + format_day(day + timedelta(weeks=n))
    if unit == "month":
        return "in " + _month_text(day, n)
    return f"in {day.year + n}"


def _named_month(m: re.Match[str], day: date, future: bool | None, which: str) -> str:
    month = _month(m.group("month"))
    if which == "" and future is None:
        # No tense to go by: the nearest such month.
        year = min(
            (day.year - 1, day.year, day.year + 1),
            key=lambda y: abs(y * 12 + month - (day.year * 12 + day.month)),
        )
    elif which == "next" or (which == "" and future):
        year = day.year + (month < day.month or (which == "next" and month == day.month))
    elif which == "last" or not future:
        year = day.year - (month > day.month or (which == "last" and month == day.month))
    else:
        year = day.year
    prep = m.group("prep") or ""
    prep = prep.lower() if prep.lower() not in {"next", "last", "this"} else "in"
    return f"{prep + ' ' if prep else ''}{_MONTHS[month - 1]} {year}"


def _day_month(m: re.Match[str], day: date, future: bool | None) -> str:
    month, dom = _month(m.group("month")), int(m.group("dom"))
    try:
        this_year = date(day.year, month, dom)
    except ValueError:
        return m.group(0)
    year = day.year
    if future is None:
        others = [y for y in (day.year - 1, day.year + 1) if _valid(y, month, dom)]
        year = min([day.year, *others], key=lambda y: abs((date(y, month, dom) - day).days))
    elif future and this_year < day:
        year += 1
    elif not future and this_year > day:
        year -= 1
    on = m.group("on") or ""
    return f"{on}{dom} {_MONTHS[month - 1]} {year}"


def _valid(year: int, month: int, dom: int) -> bool:
    try:
        date(year, month, dom)
    except ValueError:
        return False
    return True


def _season(m: re.Match[str], day: date, future: bool | None) -> str:
    name = m.group("season").lower()
    start = _SEASONS[name]
    which = (m.group("which") or "").lower()
    year = day.year
    began = (day.month, day.day) >= (start, 1)
    if which == "last":
        year -= 1 if began else 2
        year += 1 if name == "winter" and not began else 0
    elif which == "next":
        year += 1 if began else 0
    elif which != "this" and not future and not began:
        year -= 1
    label = "autumn" if name == "fall" else name
    return f"in {label} {year}"


def _weekend(which: str, day: date) -> str:
    if which == "last":
        saturday = _before(day - timedelta(days=max(0, day.weekday() - 4)), 5)
    elif which == "next":
        saturday = _after(day, 5) + timedelta(days=7 if day.weekday() >= 5 else 0)
    else:  # this weekend
        saturday = day + timedelta(days=5 - day.weekday())
    return "on the weekend of " + format_day(saturday)


_Resolve = Callable[[re.Match[str], date, bool | None], str]
_Rule = tuple[re.Pattern[str], _Resolve]


def _r(pattern: str, fn: _Resolve) -> _Rule:
    return re.compile(r"\b" + pattern + r"\b", re.I), fn


_PREP = r"(?P<prep>in|since|from|until|till|by|before|after|during|next|last|this)\s+"
_RULES: list[_Rule] = [
    _r(r"the\s+day\s+before\s+yesterday", lambda m, d, f: "on " + format_day(d - timedelta(2))),
    _r(r"the\s+day\s+after\s+tomorrow", lambda m, d, f: "on " + format_day(d + timedelta(2))),
    _r(r"(?:yesterday|last\s+night)(?:\s+(?:morning|afternoon|evening|night))?",
       lambda m, d, f: "on " + format_day(d - timedelta(1))),
    _r(r"tomorrow(?:\s+(?:morning|afternoon|evening|night))?",
       lambda m, d, f: "on " + format_day(d + timedelta(1))),
    _r(r"(?:today|tonight|earlier\s+today|this\s+(?:morning|afternoon|evening))",
       lambda m, d, f: "on " + format_day(d)),
    _r(r"(?:on\s+)?new\s+year'?s\s+(?:day|eve)",
       lambda m, d, f: "on " + format_day(date(d.year + bool(f and d.month > 1), 1, 1))),
    _r(r"(?P<which>last|next|this)\s+weekend", lambda m, d, f: _weekend(m.group("which"), d)),
    _r(r"(?:on|at|over)\s+the\s+weekend",
       lambda m, d, f: _weekend("this" if f or d.weekday() >= 5 else "last", d)),
    _r(r"(?P<which>last|past|previous|next|this)\s+week", lambda m, d, f: _week_of(
        d + timedelta(weeks={"next": 1, "this": 0}.get(m.group("which").lower(), -1)))),
    _r(r"(?P<which>last|past|previous|next|this)\s+month", lambda m, d, f: "in " + _month_text(
        d, {"next": 1, "this": 0}.get(m.group("which").lower(), -1))),
    _r(r"(?P<which>last|past|previous|next|this)\s+year", lambda m, d, f: "in " + str(
        d.year + {"next": 1, "this": 0}.get(m.group("which").lower(), -1))),
    _r(_N + r"\s+" + _UNIT + r"\s+ago", lambda m, d, f: _ago(m, d, -1)),
    _r(_N + r"\s+" + _UNIT + r"\s+from\s+now", lambda m, d, f: _ago(m, d, 1)),
    _r(r"in\s+" + _N + r"\s+" + _UNIT + r"(?!\s+(?:ago|old|of))", lambda m, d, f: _ago(m, d, 1)),
    _r(r"last\s+" + _WEEKDAY_RE, lambda m, d, f: "on " + format_day(
        _before(d, _weekday(m.group("wd"))))),
    _r(r"next\s+" + _WEEKDAY_RE, lambda m, d, f: "on " + format_day(
        _after(d, _weekday(m.group("wd"))))),
    _r(r"(?:(?:on|this)\s+)?" + _WEEKDAY_RE + r"(?:\s+(?:morning|afternoon|evening|night))?",
       lambda m, d, f: "on " + format_day(
           (_after if f else _before)(d, _weekday(m.group("wd"))))),
    _r(r"(?P<which>last|next|this)\s+(?P<season>spring|summer|autumn|fall|winter)",
       _season),
    _r(r"(?:in|during|over)\s+the\s+(?P<season>spring|summer|autumn|fall|winter)(?P<which>)",
       _season),
    _r(r"(?P<on>on\s+)?(?:the\s+)?(?P<dom>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE
       + r"(?!\s*,?\s*\d{4})", _day_month),
    _r(r"(?P<on>on\s+)?" + _MONTH_RE + r"\s+(?P<dom>\d{1,2})(?:st|nd|rd|th)?(?!\s*,?\s*\d{4})"
       r"(?![\d:])", _day_month),
    _r(_PREP + _MONTH_RE + r"(?!\s*,?\s*\d{4})(?!\s+\d)", lambda m, d, f: _named_month(
        m, d, f, (m.group("prep") or "").lower() if m.group("prep").lower() in {
            "next", "last", "this"} else "")),
]  # fmt: skip
_MAY_VERB = re.compile(r"\b(?:I|we|you|he|she|they|it|that|this)\s+may\b", re.I)


def _rules_for(text: str) -> list[tuple[_Rule, list[re.Match[str]]]]:
    # The rules that match `text` (a folded copy), each with its matches in order; none when
    # none matches. Only rules whose words the text holds are searched (`date_words`).
    out = []
    for index in candidate_rules(text):
        found = list(_RULES[index][0].finditer(text))
        if found:
            out.append((_RULES[index], found))
    return out


def resolve_dates(text: str, now: datetime | date | None, *, future: bool | None = None) -> str:
    """`text` with its relative dates replaced by absolute ones, read as of `now`.

    Args:
        text: A sentence or a fact ("User finished a 10k yesterday.").
        now: When the text was written; None returns `text` unchanged.
        future: Whether the text speaks of the future, for expressions that need it ("on
            Friday", "in March"); None guesses from its verbs, and with no verb to go by takes
            the nearest such month or day (a weekday then counts as past).

    Returns:
        The text, e.g. "User finished a 10k on 7 May 2023." for `now` = 8 May 2023.
    """
    if now is None or not text:
        return text
    # The rules read a copy in which "ſ", "İ" … are the ASCII letters their patterns matched
    # them as, so what a match says ("ſpring") is a key the rules know ("spring"); the copy
    # has the same length, and the text between dates is taken from the original.
    read = fold_letters(text)
    rules = _rules_for(read)
    if not rules:
        return text
    day = now.date() if isinstance(now, datetime) else now
    ahead = future
    if ahead is None and _FUTURE.search(read):
        ahead = True
    elif ahead is None and _PAST.search(read):
        ahead = False
    spans: list[tuple[int, int, str]] = []
    for (_, fn), matches in rules:
        for m in matches:
            if any(m.start() < end and start < m.end() for start, end, _ in spans):
                continue
            if "may" in m.group(0).lower() and _MAY_VERB.search(read, max(0, m.start() - 6)):
                continue  # "we may go": the verb, not the month
            spans.append((m.start(), m.end(), fn(m, day, ahead)))
    out, last = [], 0
    for start, end, replacement in sorted(spans):
        head = text[last:start]
        # "on Saturday" resolves to "on 6 May 2023": no doubled preposition.
        if replacement.startswith(("on ", "in ", "around ")) and re.search(
            r"\b(?:on|in|around)\s*$", head, re.I
        ):
            head = re.sub(r"\b(?:on|in|around)\s*$", "", head, flags=re.I)
        # "most of Sunday", "since last March": after these words the date stands bare
        # ("most of 22 January 2023"), not "most of on 22 January 2023".
        if replacement.startswith(("on ", "in ")) and _BARE_DATE_AFTER.search(head):
            replacement = replacement.partition(" ")[2]
        if not head.strip() or re.search(r"[.!?]\s*$", head):
            replacement = replacement[0].upper() + replacement[1:]  # it starts a sentence
        out.append(head + replacement)
        last = end
    out.append(text[last:])
    return "".join(out)


_BARE_DATE_AFTER = re.compile(
    r"\b(?:of|since|until|till|by|before|after|from|during|for|to|between)\s+$", re.I
)
_DATED_TEXT = re.compile(
    r"^\s*[(\[](?:[A-Z][a-z]{2},?\s)?(\d{4})-(\d{2})-(\d{2})[)\]]\s*(.*)$", re.S
)


def resolve_dated_text(text: str) -> str:
    """A text that starts with its date, with its relative dates resolved against it.

    Dated turns are rendered "(Mon 2023-05-08) Yesterday I ran 10k"; that becomes "On 7 May 2023
    I ran 10k". A text without a leading date is returned unchanged.
    """
    found = _DATED_TEXT.match(text)
    if not found:
        return text
    year, month, day, rest = found.groups()
    try:
        return resolve_dates(rest, date(int(year), int(month), int(day)))
    except ValueError:
        return text
