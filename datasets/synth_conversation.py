"""Turn a persona into sessions of turns: schedule each fact into a session, phrase it, fill.

A conversation is built from *beats* (a user statement and the assistant's reply, sometimes a
four-turn exchange). Beats carrying facts get tags; once the sessions are laid out, tags
become turn ids ("s2:t5") that probes cite as evidence (see `synth_probes`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import synth_phrases as ph
from synth_dates import relative_when
from synth_persona import Persona, trip_month
from synth_pools import EVENTS

_LEADS = ("Oh, before I forget, ", "By the way, ", "Random thing, but ", "Anyway, ", "Also, ")
_TAILS = (
    " Anyway, can you help me plan my week?",
    " Sorry, tangent. What was I saying?",
    " Life, eh.",
    " Anyway, what should I make for dinner tonight?",
    " Just thought you should know.",
)
_FULL = 18
_KEEP_CAPITAL = re.compile(r"^(I|I'm|I've|I'd|I'll|So|Anyway|Honestly)\b")


@dataclass
class Beat:
    """A few consecutive turns; `tags[i]` names turn i when a probe may cite it."""

    turns: list[tuple[str, str]]
    """(role, text) pairs, role `user` or `assistant`."""
    tags: list[tuple[int, str]] = field(default_factory=list)
    """(turn index within the beat, tag) pairs; one turn may carry several facts."""
    photos: dict[int, str] = field(default_factory=dict)
    """Turn index within the beat → caption of a photo shared with it."""


@dataclass
class Layout:
    """A conversation's sessions before serialization, and where every tag ended up."""

    dates: list[datetime]
    """Each session's start."""
    sessions: list[list[tuple[str, str]]]
    """Each session's (role, text) turns in order."""
    where: dict[str, tuple[int, int]]
    """Tag → (session index, turn index)."""
    event_days: list[date] = field(default_factory=list)
    """The days the two dated events happened."""
    placed: dict[str, int] = field(default_factory=dict)
    """Fact kind → session index it was said in."""
    photos: dict[tuple[int, int], str] = field(default_factory=dict)
    """(session index, turn index) → caption of a photo the user shared with that turn."""


def session_dates(rng: random.Random, count: int) -> list[datetime]:
    """Session starts: a random start in 2022–2024, then gaps of 8 to 45 days."""
    day = date(2022, 3, 1) + timedelta(days=rng.randrange(730))
    out = []
    for _ in range(count):
        out.append(datetime(day.year, day.month, day.day, rng.randint(7, 22), rng.randrange(60)))
        day += timedelta(days=rng.randint(8, 45))
    return out


def _fill(template: str, ctx: dict[str, str]) -> str:
    text = template.format(**ctx)
    return text[0].upper() + text[1:]


class _Builder:
    def __init__(self, rng: random.Random, persona: Persona, sessions: int) -> None:
        self.rng = rng
        self.p = persona
        self.ctx = persona.ctx
        self.n = sessions
        self.beats: list[list[Beat]] = [[] for _ in range(sessions)]
        self.placed: dict[str, int] = {}

    def say(self, kind: str, *, extra: str = "", tail: bool = True) -> str:
        template = self.rng.choice(ph.FACTS[kind])
        text = _fill(template, self.ctx) + extra
        roll = self.rng.random()
        if roll < 0.2 and not template.startswith("{") and not _KEEP_CAPITAL.match(template):
            text = self.rng.choice(_LEADS) + text[0].lower() + text[1:]
        elif roll > 0.92 and tail:
            text += self.rng.choice(_TAILS)
        return text

    def ack(self, kind: str) -> str:
        return self.rng.choice(ph.ACKS[ph.ACK_MOOD.get(kind, "generic")])

    def fact(self, kind: str, session: int, *, extra: str = "") -> None:
        beat = Beat([("user", self.say(kind, extra=extra)), ("assistant", self.ack(kind))])
        self.photo(self.place(session, beat, kind), kind)

    def place(self, session: int, beat: Beat, tag: str | None) -> Beat:
        if tag is not None:
            beat.tags.append((0, tag))
            self.placed[tag] = session
        beats = self.beats[session]
        used = 2 + sum(len(b.turns) for b in beats)
        # A full session (18 turns leaves room for one filler) or, now and then, a chatty
        # user packs a second fact into a turn they already wrote.
        merge = used + len(beat.turns) > _FULL or self.rng.random() < 0.12
        targets = [b for b in beats if len(b.turns) == 2 and b.tags]
        if merge and len(beat.turns) == 2 and targets:
            target = self.rng.choice(targets)
            target.turns[0] = ("user", target.turns[0][1] + " " + beat.turns[0][1])
            target.tags += beat.tags
            return target
        beats.append(beat)
        return beat

    def photo(self, beat: Beat, kind: str) -> None:
        # Some statements come with a photo, as in LoCoMo; the caption only repeats the text.
        if kind in ph.CAPTIONS and 0 not in beat.photos and self.rng.random() < 0.35:
            beat.photos[0] = self.rng.choice(ph.CAPTIONS[kind]).format(**self.ctx)

    def least_loaded(self, lo: int = 0, hi: int | None = None) -> int:
        hi = self.n - 1 if hi is None else hi
        options = list(range(lo, hi + 1))
        low = min(len(self.beats[s]) for s in options)
        return self.rng.choice([s for s in options if len(self.beats[s]) == low])

    def adopt(self, adopt_s: int, name_s: int) -> None:
        text = self.say("adopt", tail=adopt_s != name_s)
        if adopt_s == name_s:
            ask = _fill(self.rng.choice(ph.FOLLOW_UP_NAME), self.ctx)
            reply = _fill(self.rng.choice(ph.NAME_REPLY), self.ctx)
            beat = Beat(
                [
                    ("user", text),
                    ("assistant", ask),
                    ("user", reply),
                    ("assistant", self.ack("pet_name")),
                ],
                [(2, "pet_name")],
            )
            self.photo(self.place(adopt_s, beat, "adopt"), "adopt")
        else:
            beat = Beat([("user", text), ("assistant", self.ack("adopt"))])
            self.photo(self.place(adopt_s, beat, "adopt"), "adopt")
            self.fact("pet_name", name_s)
        self.placed["adopt"], self.placed["pet_name"] = adopt_s, name_s


def build(rng: random.Random, persona: Persona) -> Layout:
    """Lay out one persona's conversation: 4–8 sessions of 8–20 turns each."""
    n = rng.randint(4, 8)
    dates = session_dates(rng, n)
    b = _Builder(rng, persona, n)
    p, ctx = persona, persona.ctx

    # Updates first: the original value is said in an earlier session than the change.
    pairs = {
        "move": "home",
        "job_change": "job",
        "breakup": "partner",
        "drink_change": "drink",
        "trip_cancel": "trip",
    }
    for kind in ("move", "job_change", "breakup", "drink_change", "trip_cancel"):
        base = pairs[kind]
        if kind == "breakup" and not p.has_partner:
            continue
        if kind not in p.updates:
            continue
        change_s = rng.randint(1, n - 1)
        base_s = b.least_loaded(0, change_s - 1)
        if base == "trip":
            ctx["month"] = trip_month(dates[base_s].date(), rng)
        b.fact(base, base_s)
        extra = ""
        if kind == "trip_cancel" and p.trip_replaced:
            extra = " " + _fill(rng.choice(ph.FACTS["trip_replace"]), ctx)
        b.fact(kind, change_s, extra=extra)
        if kind == "breakup" and p.new_partner:
            if change_s < n - 1:
                b.fact("new_partner", rng.randint(change_s + 1, n - 1))
            else:
                p.new_partner = False
    # Two-part facts: the second half comes later (or, for adoptions, sometimes right away).
    sib_s = rng.randint(0, n - 2)
    b.fact("sibling", sib_s)
    b.fact("sibling_news", rng.randint(sib_s + 1, n - 1))
    if p.adopts:
        adopt_s = rng.randint(0, n - 2)
        same = rng.random() < 0.3
        b.adopt(adopt_s, adopt_s if same else rng.randint(adopt_s + 1, n - 1))
    # Two dated events in different sessions, so "which came first" has one answer.
    ev_sessions = sorted(rng.sample(range(n), 2))
    event_days = []
    for slot, (index, s) in enumerate(zip(p.events, ev_sessions, strict=True)):
        when, day = relative_when(rng, dates[s].date())
        past = EVENTS[index][0]
        text = _fill(rng.choice(ph.FACTS["event"]).format(past=past, when=when), ctx)
        b.place(s, Beat([("user", text), ("assistant", b.ack("event"))]), f"event{slot}")
        event_days.append(day)
    # Plain facts go wherever there is room.
    plain = [
        "surname",
        "age",
        "hometown",
        "friend",
        "cuisine",
        "dislike",
        "music",
        "genre",
        "diet",
        "allergy",
        "health",
        "hobby_freq",
        "hobby",
        "commute",
        "wake",
        "birthday",
    ]
    for kind, base in (
        ("move", "home"),
        ("job_change", "job"),
        ("drink_change", "drink"),
        ("trip_cancel", "trip"),
        ("breakup", "partner"),
    ):
        if kind not in p.updates and (base != "partner" or p.has_partner):
            plain.append(base)
    if p.has_pets:
        plain.append("pets")
    for kind in plain:
        s = b.least_loaded()
        if kind == "trip":
            ctx["month"] = trip_month(dates[s].date(), rng)
        b.fact(kind, s)
    _distractors(b)
    layout = Layout(dates, [], {}, event_days, dict(b.placed))
    _assemble(b, layout)
    return layout


def _distractors(b: _Builder) -> None:
    rng, ctx = b.rng, b.ctx
    for slot, trap in enumerate(b.p.traps):
        statements, _ = ph.TRAPS[trap]
        # Each distractor talks about a different other person.
        text = _fill(rng.choice(statements), {**ctx, "other": b.p.others[slot]})
        beat = Beat([("user", text), ("assistant", b.ack(""))])
        b.place(b.least_loaded(), beat, f"trap{slot}")
    for slot, template in enumerate(rng.sample(ph.OTHERS, 2), start=2):
        text = _fill(template, {**ctx, "other": b.p.others[slot]})
        b.place(b.least_loaded(), Beat([("user", text), ("assistant", b.ack(""))]), None)
    # Fillers come from a shuffled deck so a conversation rarely repeats one.
    deck: list[tuple[str, str]] = []
    for s in range(b.n):
        size = sum(len(beat.turns) for beat in b.beats[s]) + 2
        target = max(rng.randint(4, 10) * 2, size + 2 * rng.randint(1, 2))
        if size + 2 > 20:
            raise ValueError(f"session {s} of {ctx['name']} has {size} turns, over 20")
        while size < min(target, 20):
            if not deck:
                deck = [*ph.CHITCHAT, *ph.OFF_TOPIC, *ph.QUESTIONS]
                rng.shuffle(deck)
            user, assistant = deck.pop()
            b.beats[s].append(Beat([("user", user), ("assistant", assistant)]))
            size += 2


def _assemble(b: _Builder, layout: Layout) -> None:
    for s, beats in enumerate(b.beats):
        # Every dependent pair (update, two-part fact) spans sessions, so any order works here.
        b.rng.shuffle(beats)
        user, assistant = b.rng.choice(ph.GREETINGS)
        turns = [("user", user), ("assistant", assistant.format(**b.ctx))]
        for beat in beats:
            for i, tag in beat.tags:
                layout.where[tag] = (s, len(turns) + i)
            for i, caption in beat.photos.items():
                layout.photos[(s, len(turns) + i)] = caption
            turns.extend(beat.turns)
        layout.sessions.append(turns)
