"""Threads about tastes, health and things never said (abstention).

Preferences are never announced ("my favourite food is..."): they show in three passing
mentions across sessions, and a friend's different taste sits nearby. Near-miss abstention
probes ask about something a friend or neighbour has. Dated events live in `synth_v2_events`.
Lives beside the generator only.
"""

from __future__ import annotations

import synth_pools as pools
from synth_v2_core import Ctx, Line

CUISINE = (
    "Picked up takeaway from that little {c} place again, third time this month, and I regret "
    "nothing whatsoever.",
    "I'm trying to learn to cook proper {c} dishes at home, the first attempt was edible, "
    "which I'm counting as a win.",
    "After the day I had, I went straight out for {c} food on my own and it fixed "
    "everything, at least for an evening.",
    "I bought a {c} cookbook at the charity shop and I've already spilled sauce on half the "
    "pages, which I think means it's working.",
    "We ended up at a {c} restaurant for a friend's birthday and I was easily the happiest "
    "person at the table.",
)
CUISINE_FRIEND = (
    "{f} dragged me to a {c} place, honestly not my thing at all, but the company was lovely.",
    "{f} is obsessed with {c} food at the moment, every plan we make ends at the same table.",
)
CUISINE_Q = (
    "{me} wants a treat dinner out this weekend: what kind of restaurant would suit {them}?",
    "If you were cooking for {me}, which cuisine would go down best?",
    "What sort of food should you suggest when {me} asks where to eat?",
)
HOBBY = (
    "My arms are aching from {h} on Saturday, I went way too hard again and I'll pay for it "
    "all week.",
    "I ordered new kit for {h} and now I'm refreshing the tracking page like it's a sport in "
    "itself.",
    "The {h} group is meeting twice a week now, which is either brilliant or the start of an "
    "unhealthy obsession.",
    "I skipped {h} this week because of work and I've been grumpy ever since, ask anyone.",
)
HOBBY_Q = (
    "What would make a good birthday present for {me}, given how {they} like to spend free time?",
    "Which club or class might {me} enjoy joining in a new town?",
    "What pastime keeps coming up when {me} talks about weekends?",
)


MUSIC = (
    "I had {m} on full blast while cleaning the flat, the neighbours must absolutely love me.",
    "Got tickets to a {m} night at a tiny venue next month, standing room only, can't wait.",
    "My running playlist is wall-to-wall {m} at the moment, it's the only thing that gets me "
    "up the hill.",
    "Someone at work asked what I listen to and I bored them about {m} for ten solid minutes.",
)
MUSIC_FRIEND = "{f} only ever puts {m} on in the car, so every road trip is the same album."
MUSIC_Q = (
    "What should you put on when {me} comes round for dinner?",
    "Which kind of concert would {me} most enjoy as a surprise?",
)


def music(ctx: Ctx) -> None:
    """Music taste shown by three mentions; a friend's taste in the car is the distractor."""
    rng = ctx.rng
    mine, theirs = ctx.pick(pools.MUSIC), ctx.pick(pools.MUSIC)
    tags = []
    for s, text in zip(ctx.sessions(3), rng.sample(MUSIC, 3), strict=True):
        tags.append(ctx.tag())
        ctx.scene(s, Line(0, ctx.said(text.format(m=mine)), tags[-1]), ctx.reply())
    friend = rng.choice(pools.OTHER_NAMES)[0]
    line = ctx.said(MUSIC_FRIEND.format(f=friend, m=theirs))
    ctx.scene(rng.randrange(ctx.n), Line(0, line), ctx.reply())
    ctx.probe(rng.choice(MUSIC_Q).format(me=ctx.me), [mine], tags, "preference", traps=[theirs])


def tastes(ctx: Ctx) -> None:
    """A cuisine and a hobby, each shown by three mentions; a friend's taste is the distractor."""
    rng = ctx.rng
    cuisine, other = ctx.pick(pools.CUISINES), ctx.pick(pools.CUISINES)
    tags = []
    for s, text in zip(ctx.sessions(3), rng.sample(CUISINE, 3), strict=True):
        tags.append(ctx.tag())
        ctx.scene(s, Line(0, ctx.said(text.format(c=cuisine)), tags[-1]), ctx.reply())
    friend = rng.choice(pools.OTHER_NAMES)[0]
    line = rng.choice(CUISINE_FRIEND).format(f=friend, c=other)
    ctx.scene(rng.randrange(ctx.n), Line(0, ctx.said(line)), ctx.reply())
    q = rng.choice(CUISINE_Q).format(me=ctx.me, them=ctx.pron(1))
    ctx.probe(q, [cuisine, f"{cuisine} food"], tags, "preference", traps=[other])
    hobby = ctx.pick([h for h, _ in pools.HOBBIES])
    tags = []
    for s, text in zip(ctx.sessions(3), rng.sample(HOBBY, 3), strict=True):
        tags.append(ctx.tag())
        ctx.scene(s, Line(0, ctx.said(text.format(h=hobby)), tags[-1]), ctx.reply())
    q = rng.choice(HOBBY_Q).format(me=ctx.me, they=ctx.pron())
    ctx.probe(q, [hobby], tags, "preference")


ALLERGY = (
    "I had to send a pudding back last time we ate out, it turned out to have {a} in it and "
    "I'm not risking another trip to A&E.",
    "Reading every label in the supermarket takes forever when you react to {a} the way I "
    "do, but the alternative is an ambulance.",
    "The new canteen finally labels {a} on the menu, which means I can eat lunch without "
    "interrogating the staff.",
)
ALLERGY_FRIEND = (
    "My friend {f} found out {she}'s allergic to {a}, so our dinner club menus are getting "
    "very creative.",
    "{f} can't go near {a}, so I've become an expert at reading ingredient lists on {her} "
    "behalf as well.",
)
ALLERGY_Q = (
    "What does {me} have to steer clear of when eating out?",
    "Which ingredient is {me} allergic to?",
    "What food could put {me} in hospital?",
)


def health(ctx: Ctx) -> None:
    """An allergy stated indirectly, and a friend's allergy beside it."""
    rng = ctx.rng
    mine, theirs = rng.sample(pools.ALLERGENS, 2)
    tag = ctx.tag()
    a, b = ctx.sessions(2)
    ctx.scene(a, Line(0, ctx.said(rng.choice(ALLERGY).format(a=mine)), tag), ctx.reply())
    friend, gender = rng.choice(pools.OTHER_NAMES)
    she, her = ("she", "her") if gender == "f" else ("he", "his")
    line = rng.choice(ALLERGY_FRIEND).format(f=friend, a=theirs, she=she, her=her)
    ctx.scene(b, Line(0, ctx.said(line)), ctx.reply())
    ctx.probe(rng.choice(ALLERGY_Q).format(me=ctx.me), [mine], [tag], "single-hop", traps=[theirs])


NEAR = (
    (
        "car",
        "My friend {f} just bought {v}, second-hand but very shiny, and keeps offering "
        "everyone lifts.",
        ("an old Volvo estate", "a red Fiat 500", "a camper van", "a Tesla"),
        ("What car does {me} drive?", "What does {me} drive these days?"),
    ),
    (
        "instrument",
        "{f} has started playing the {v} in a pub band, I went to watch and it was "
        "genuinely brilliant.",
        pools.INSTRUMENTS,
        ("Which instrument does {me} play?", "What instrument is {me} learning?"),
    ),
    (
        "pet",
        "My neighbour's {v} got into our garden again, it has a name and a better social "
        "life than me.",
        pools.OTHER_SPECIES,
        ("What kind of exotic pet does {me} keep?", "Which unusual animal does {me} own?"),
    ),
)
NEVER = (
    "Which football team does {me} support?",
    "What did {me} study at university?",
    "What is the name of {me}'s grandmother?",
    "What's {me}'s shoe size?",
    "Which language is {me} learning at evening class?",
)


def abstain(ctx: Ctx) -> None:
    """Near misses: a friend's car or instrument, a neighbour's animal; and plain gaps."""
    rng = ctx.rng
    for _, text, values, questions in rng.sample(NEAR, 2):
        value = rng.choice(values)
        friend = rng.choice(pools.OTHER_NAMES)[0]
        line = text.format(f=friend, v=value)
        ctx.scene(rng.randrange(ctx.n), Line(0, ctx.said(line)), ctx.reply())
        ctx.probe(
            rng.choice(questions).format(me=ctx.me),
            [],
            [],
            "abstention",
            abstention=True,
            traps=[value],
        )
    ctx.probe(rng.choice(NEVER).format(me=ctx.me), [], [], "abstention", abstention=True)
