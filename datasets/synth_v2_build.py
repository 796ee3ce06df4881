"""Lay out one memlab-synthetic-v2 conversation: sessions, scenes, small talk and probes.

Two kinds alternate: two friends who are both principals (each has a life, and each is the
other's distractor), and a person with an assistant whose long replies sometimes hold the
answer. Threads write scenes into sessions; the layout shuffles them among small-talk
exchanges until a session has its length, then turns tags into turn ids. Lives beside the
generator only.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import synth_v2_talk as talk
from synth_v2_assist import assistant_said
from synth_v2_core import Ctx, Line, ProbeSpec, Scene
from synth_v2_events import anchored, events
from synth_v2_family import family, pet
from synth_v2_life import home, work
from synth_v2_more import abstain, health, music, tastes

from memlab.lab.data.dataset import Conversation, Participant, Probe, Session, Turn

ASSISTANT = "Assistant"
"""The assistant participant's name."""
EXTRA_NAMES = (
    ("Ines", "f"),
    ("Matthias", "m"),
    ("Zofia", "f"),
    ("Kofi", "m"),
    ("Lena", "f"),
    ("Hamid", "m"),
    ("Aoife", "f"),
    ("Bastien", "m"),
    ("Nkechi", "f"),
    ("Pavel", "m"),
    ("Marisol", "f"),
    ("Teodor", "m"),
)
"""Principal names v2 adds to v1's pool (two-person chats need two names each)."""
PET_CROSS = (
    "What did {me} name the {sp}?",
    "What is {me}'s {sp} called?",
)


def dates(rng: random.Random, n: int) -> list[datetime]:
    """Session start times over months: gaps of days to weeks, sometimes a long silence."""
    day = date(2022, 3, 1) + timedelta(days=rng.randrange(640))
    out = []
    for s in range(n):
        if s:
            day += timedelta(
                days=rng.randint(35, 80) if rng.random() < 0.12 else rng.randint(3, 18)
            )
        out.append(
            datetime(
                day.year,
                day.month,
                day.day,
                rng.randint(7, 21),
                rng.choice((0, 15, 30, 45)),
                tzinfo=UTC,
            )
        )
    return out


def conversation(seed: int, index: int, people: list[tuple[str, str]], split: str) -> Conversation:
    """Conversation `index` (0-based): two friends for two `people`, else one with an assistant."""
    rng = random.Random(f"v2:{seed}:{index}")
    pair = len(people) == 2
    when = dates(rng, rng.randint(21, 27))
    used = {name for name, _ in people}
    names = [name for name, _ in people] if pair else [people[0][0], ASSISTANT]
    ctxs = [
        Ctx(
            random.Random(f"v2:{seed}:{index}:{k}"),
            name,
            gender,
            names[1 - k],
            not pair,
            when,
            used,
        )
        for k, (name, gender) in enumerate(people)
    ]
    pets: list[tuple[str, str] | None] = []
    for k, ctx in enumerate(ctxs):
        home(ctx)
        work(ctx)
        family(ctx)
        has_pet = ctx.rng.random() < (0.5 if pair and k == 1 and pets[0] else 0.8)
        pets.append(pet(ctx) if has_pet else None)
        tastes(ctx)
        music(ctx)
        health(ctx)
        events(ctx)
        anchored(ctx)
        abstain(ctx)
        if not pair:
            assistant_said(ctx)
    if pair:
        for k, ctx in enumerate(ctxs):
            mine, theirs = pets[k], pets[1 - k]
            if theirs and not mine:
                # LoCoMo's adversarial kind: the other speaker's pet, asked about this one.
                q = rng.choice(PET_CROSS).format(me=ctx.me, sp=theirs[0])
                ctx.probe(q, [], [], "abstention", abstention=True, traps=[theirs[1]])
    scenes = [sc for ctx in ctxs for sc in ctx.scenes]
    sessions, where = _layout(rng, when, scenes, names, pair)
    probes = [p for ctx in ctxs for p in ctx.probes]
    conv_id = f"syn2-{index + 1:03d}"
    return Conversation(
        id=conv_id,
        participants=[Participant(name=n, role="user", principal=True) for n in names]
        if pair
        else [
            Participant(name=names[0], role="user", principal=True),
            Participant(name=ASSISTANT, role="assistant"),
        ],
        sessions=sessions,
        probes=[_probe(f"{conv_id}:q{n + 1:03d}", p, where) for n, p in enumerate(probes)],
        split=split,
    )


def _probe(pid: str, spec: ProbeSpec, where: dict[str, str]) -> Probe:
    return Probe(
        id=pid,
        question=spec.question,
        answers=list(dict.fromkeys(spec.answers)),
        evidence=list(dict.fromkeys(where[t] for t in spec.tags)),
        category=spec.category,
        about=spec.about,
        asked_after=None if spec.after is None else f"s{spec.after + 1}",
        abstention=spec.abstention,
        stale_answers=list(dict.fromkeys(spec.stale)),
        trap_answers=list(dict.fromkeys(spec.traps)),
        asked_at=spec.asked_at,
    )


def _layout(
    rng: random.Random, when: list[datetime], scenes: list[Scene], names: list[str], pair: bool
) -> tuple[list[Session], dict[str, str]]:
    where: dict[str, str] = {}
    sessions = []
    for s, started in enumerate(when):
        mine = [sc for sc in scenes if sc.session == s]
        planned = sum(len(sc.lines) for sc in mine)
        target = max(rng.randint(15, 22), planned + 4)
        blocks: list[tuple[str | None, list[Line]]] = [(sc.owner, sc.lines) for sc in mine]
        while planned < target - 2:
            pair_lines = [Line(w, t) for w, t in talk.filler_exchange(rng, assistant=not pair)]
            blocks.insert(rng.randint(0, len(blocks)), (None, pair_lines))
            planned += 2
        opener = names[rng.randrange(2)] if pair else names[0]
        greet = [Line(0, talk.greeting(rng)), Line(1, _welcome(rng, pair))]
        turns: list[Turn] = []
        for chosen, lines in [(opener, greet), *blocks]:
            # Small talk is started by whoever did not speak last, so turns mostly alternate.
            owner = chosen or (names[0] if not pair else _other(turns[-1].speaker, names))
            for line in lines:
                speaker = owner if line.who == 0 else _other(owner, names)
                tid = f"s{s + 1}:t{len(turns) + 1}"
                turns.append(Turn(id=tid, speaker=speaker, text=line.text))
                if line.tag:
                    where[line.tag] = tid
        sessions.append(Session(id=f"s{s + 1}", started_at=started, turns=turns))
    return sessions, where


def _other(owner: str, names: list[str]) -> str:
    return names[1] if owner == names[0] else names[0]


def _welcome(rng: random.Random, pair: bool) -> str:
    if pair:
        return talk.reaction(rng) + " " + talk.chatter(rng)
    return rng.choice(talk.ASSISTANT_OPENERS) + " Welcome back, what can I help you with today?"
