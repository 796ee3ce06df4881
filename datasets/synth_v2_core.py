"""The building blocks of memlab-synthetic-v2: scenes, probe specs and one speaker's context.

A *thread* (a move, a job change, a pet's adoption) writes scenes into chosen sessions and the
probes those scenes answer. Scenes are short exchanges; the layout later pads each session with
small talk. Texts that say "last Tuesday" are written knowing the session's date, so every date
in gold is computed, never typed. Lives beside the generator only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import synth_v2_talk as talk
from synth_dates import WEEKDAYS, words


@dataclass
class Line:
    """One planned turn: 0 = the thread's owner speaks, 1 = the person they talk to."""

    who: int
    text: str
    tag: str | None = None


@dataclass
class Scene:
    """A short exchange placed in one session (sessions are 0-based)."""

    session: int
    owner: str
    lines: list[Line]


@dataclass
class ProbeSpec:
    """A question and its gold, with evidence named by scene-line tags."""

    question: str
    answers: list[str]
    tags: list[str]
    category: str
    about: str
    after: int | None = None
    abstention: bool = False
    stale: list[str] = field(default_factory=list)
    traps: list[str] = field(default_factory=list)
    asked_at: datetime | None = None


@dataclass
class Ctx:
    """One principal's view while threads write their scenes and probes."""

    rng: random.Random
    me: str
    gender: str
    listener: str
    assistant: bool
    dates: list[datetime]
    used: set[str]
    scenes: list[Scene] = field(default_factory=list)
    probes: list[ProbeSpec] = field(default_factory=list)
    city_at: list[tuple[str, list[str]]] = field(default_factory=list)
    """Per session: the city this person lives in then, and the tags of the turns that say so."""
    moves: set[int] = field(default_factory=set)
    """Sessions in which this person's home changes."""
    tags: int = 0

    @property
    def n(self) -> int:
        """How many sessions the conversation has."""
        return len(self.dates)

    def pron(self, case: int = 0) -> str:
        """`she/her/her`, `he/him/his` or `they/them/their` by case 0, 1, 2."""
        table = {"f": ("she", "her", "her"), "m": ("he", "him", "his")}
        return table.get(self.gender, ("they", "them", "their"))[case]

    def tag(self) -> str:
        """A new evidence tag, unique in the conversation."""
        self.tags += 1
        return f"{self.me}#{self.tags}"

    def pick(self, pool: tuple[str, ...] | list[str]) -> str:
        """A value from `pool` not yet used anywhere in this conversation."""
        free = [v for v in pool if v not in self.used]
        value = self.rng.choice(free)
        self.used.add(value)
        return value

    def day(self, session: int) -> date:
        """The calendar day session `session` starts on."""
        return self.dates[session].date()

    def scene(self, session: int, *lines: Line) -> None:
        """Place an exchange in `session`."""
        self.scenes.append(Scene(session, self.me, list(lines)))

    def reply(self, *, news: bool = False) -> Line:
        """The listener's answer (to news, or to chatter): a friend's, or an assistant's."""
        if self.assistant:
            return Line(1, talk.acknowledge(self.rng, news=news))
        return Line(1, talk.reaction(self.rng, news=news))

    def probe(
        self, question: str, answers: list[str], tags: list[str], category: str, **kw: object
    ) -> None:
        """Record a probe about this principal."""
        self.probes.append(ProbeSpec(question, answers, tags, category, self.me, **kw))  # type: ignore[arg-type]

    def said(self, text: str) -> str:
        """A first-person sentence dressed with the lead-ins and tails people use."""
        return talk.dress(self.rng, text, to_assistant=self.assistant)

    def sessions(self, k: int, lo: int = 0, hi: int | None = None) -> list[int]:
        """`k` distinct sorted sessions in [lo, hi)."""
        return sorted(self.rng.sample(range(lo, self.n if hi is None else hi), k))


def when(rng: random.Random, said_on: date) -> tuple[str, date]:
    """A past-time phrase said on `said_on`, and the day it denotes (found only from that day)."""
    kind = rng.randrange(7)
    if kind == 0:
        return "yesterday", said_on - timedelta(days=1)
    if kind == 1:
        back = rng.choice((2, 3, 4, 5, 10))
        return f"{words(back)} days ago", said_on - timedelta(days=back)
    if kind == 2:
        return "a fortnight ago", said_on - timedelta(days=14)
    weekday = rng.randrange(7)
    back = (said_on.weekday() - weekday) % 7 or 7
    name = WEEKDAYS[weekday]
    if kind == 3:
        return f"the {name} before last", said_on - timedelta(days=back + 7)
    if kind == 4:
        return f"on {name}", said_on - timedelta(days=back)
    return f"last {name}", said_on - timedelta(days=back)
