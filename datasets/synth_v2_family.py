"""Threads about a principal's sibling and the pet they adopt, for memlab-synthetic-v2.

A sibling's move and new job sit beside the person's own as distractors; a pet is adopted in
one turn and named in a later one, so its name is asked only after it has one. Lives beside
the generator only.
"""

from __future__ import annotations

import synth_pools as pools
from synth_v2_core import Ctx, Line

SIBLING = (
    "My {r} {s} came to stay for the weekend, we ate far too much pasta and watched the worst "
    "films we could find.",
    "I was on the phone to my {r} {s} for two hours last night, we always end up talking "
    "about our parents' garden.",
    "My {r} {s} borrowed my good suitcase in the spring and I have a feeling I'll never see "
    "it again.",
)
SIB_NEWS = (
    "{s} rang me with big news, by the way.",
    "Oh, I had a message from {s} this morning, you'll never guess.",
)
SIB_ASK = ("Oh? Good news, I hope?", "Go on, don't leave me hanging!")
SIB_MOVE = (
    "{P}'s moving to {c}! {P} got a job there as a {j} and {p} starts next month, Mum is "
    "already planning the visits.",
    "{P} accepted a {j} post in {c}, so {p}'s packing up the whole flat, I'm helping with "
    "the boxes on Saturday.",
)
SIB_CITY = (
    "Which city is {me}'s {r} heading to?",
    "Where is {me}'s {r} relocating for work?",
)
SIB_JOB = (
    "What job did {me}'s {r} land?",
    "What is {me}'s {r} going to be working as?",
)
SIB_NAME = ("What is {me}'s {r} called?", "What's the name of {me}'s {r}?")


def family(ctx: Ctx) -> None:
    """A sibling named in one session whose move and job come later, through a pronoun."""
    rng = ctx.rng
    sister = rng.random() < 0.5
    name = ctx.pick([n for n, g in pools.OTHER_NAMES if (g == "f") == sister])
    rel, other_rel = ("sister", "brother") if sister else ("brother", "sister")
    pron = "she" if sister else "he"
    a, b = ctx.sessions(2, 0, ctx.n)
    t0, t1, t2 = ctx.tag(), ctx.tag(), ctx.tag()
    ctx.scene(a, Line(0, ctx.said(rng.choice(SIBLING).format(r=rel, s=name)), t0), ctx.reply())
    city, job = ctx.pick(pools.CITIES), ctx.pick(pools.JOBS)
    news = Line(0, rng.choice(SIB_NEWS).format(s=name), t1)
    ask = ctx.reply(news=True) if ctx.assistant else Line(1, rng.choice(SIB_ASK))
    move = Line(0, rng.choice(SIB_MOVE).format(P=pron.capitalize(), p=pron, c=city, j=job), t2)
    ctx.scene(b, news, ask, move, ctx.reply(news=True))
    ctx.probe(rng.choice(SIB_CITY).format(me=ctx.me, r=rel), [city], [t0, t1, t2], "multi-hop")
    ctx.probe(rng.choice(SIB_JOB).format(me=ctx.me, r=rel), [job], [t0, t1, t2], "multi-hop")
    ctx.probe(rng.choice(SIB_NAME).format(me=ctx.me, r=rel), [name], [t0], "single-hop")
    ctx.probe(
        rng.choice(SIB_NAME).format(me=ctx.me, r=other_rel),
        [],
        [],
        "abstention",
        abstention=True,
        traps=[name],
    )


ADOPT = (
    "We're picking up a {k} on Saturday, a little {b}, I've bought a bed, three toys and a "
    "lead already and it isn't even here yet.",
    "Guess who's getting a {k}! A {b} from a shelter just outside town, we collect it at the "
    "weekend and I'm beside myself.",
)
NAMED = (
    "We finally agreed on a name for the {sp}: {n}. It took a week of arguing and a shortlist "
    "on the fridge.",
    "The {sp} has a name at last, {n}, and {n} already answers to it when there's cheese involved.",
    "You asked what we called the {sp}, it's {n}, after much debate, and it suits the little "
    "menace perfectly.",
)
PET_NAME = ("What did {me} end up naming the {sp}?", "What's the name of {me}'s {sp}?")
PET_BREED = ("What breed is {me}'s {sp}?", "What kind of {sp} did {me} adopt?")
PET_CITY = (
    "Which city was {me} living in when the {sp} joined the household?",
    "Where did {me} live at the time {pr} adopted the {sp}?",
)


def pet(ctx: Ctx) -> tuple[str, str]:
    """An adoption over two sessions; returns species and name, for cross-person abstention."""
    rng = ctx.rng
    kind, species, breeds = rng.choice(pools.ADOPTIONS)
    breed, name = rng.choice(breeds), ctx.pick(pools.PET_NAMES)
    a = rng.choice([s for s in range(1, ctx.n - 3) if s not in ctx.moves])
    b = rng.randint(a, a + 3)
    t0, t1 = ctx.tag(), ctx.tag()
    ctx.scene(
        a, Line(0, ctx.said(rng.choice(ADOPT).format(k=kind, b=breed)), t0), ctx.reply(news=True)
    )
    ctx.scene(
        b, Line(0, ctx.said(rng.choice(NAMED).format(sp=species, n=name)), t1), ctx.reply(news=True)
    )
    ctx.probe(rng.choice(PET_NAME).format(me=ctx.me, sp=species), [name], [t0, t1], "single-hop")
    ctx.probe(rng.choice(PET_BREED).format(me=ctx.me, sp=species), [breed], [t0], "single-hop")
    city, city_tags = ctx.city_at[a]
    q = rng.choice(PET_CITY).format(me=ctx.me, sp=species, pr=ctx.pron())
    ctx.probe(q, [city], [t0, *city_tags], "multi-hop")
    if a < b:
        # Asked after the adoption but before the name was given: nobody knows it yet.
        ctx.probe(
            rng.choice(PET_NAME).format(me=ctx.me, sp=species),
            [],
            [],
            "abstention",
            abstention=True,
            after=a,
        )
    return species, name
