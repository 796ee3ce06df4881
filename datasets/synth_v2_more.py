"""Threads about tastes, health, dated events and things never said (abstention).

Preferences are never announced ("my favourite food is..."): they show in three passing
mentions across sessions, and a friend's different taste sits nearby. Events are dated only by
phrases such as "the Saturday before last", which resolve against the session's date. Near-miss
abstention probes ask about something a friend or neighbour has. Lives beside the generator only.
"""

from __future__ import annotations

from datetime import timedelta

import synth_pools as pools
from synth_dates import MONTHS, elapsed, spellings
from synth_v2_core import Ctx, Line, when

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


EVENT_SAY = (
    "Guess what, I {e} {w}, and I'm still a bit giddy about it if I'm honest.",
    "I meant to tell you, I {e} {w}! It went better than I'd dared hope.",
    "Small personal news: I {e} {w}. Nobody at work cared, so I'm telling you instead.",
    "Oh, and I {e} {w}, which I'd been putting off for about two years.",
)
ASKED_AS = {
    "ran my first half marathon": ("run the 21-kilometre race", "the 21-kilometre race"),
    "passed my driving test": ("get a driving licence", "getting the driving licence"),
    "got a tattoo of a swallow": ("get inked with the bird", "the bird tattoo"),
    "went to my cousin's wedding": ("attend the family wedding", "the family wedding"),
    "gave a talk at a conference": ("speak in front of the conference", "the conference speech"),
    "went skydiving for the first time": ("jump out of a plane", "the parachute jump"),
    "climbed Snowdon": ("go up the Welsh mountain", "the mountain climb in Wales"),
    "had my wisdom teeth out": ("go in for the dental surgery", "the dental surgery"),
    "passed my Spanish B1 exam": ("pass the language exam", "the language exam"),
    "went to a sushi-making class": ("take the Japanese cooking class", "the cooking class"),
    "saw the northern lights": ("see the aurora", "the aurora"),
    "won the office pub quiz": ("win the trivia night at work", "the trivia win"),
    "donated blood for the first time": ("give blood", "the first blood donation"),
    "went to a Fleetwood Mac tribute gig": ("see the tribute band", "the tribute concert"),
}
"""How people ask about each event: in other words than the ones it was told in."""
EVENT_FRIEND = (
    "{f} {e} {w}, and hasn't stopped talking about it since, which is fair enough.",
    "Did I mention {f} {e} {w}? We went for a drink after to celebrate.",
    "My mate {f} {e} {w}, I only found out from a very blurry photo in the group chat.",
)
EVENT_WHEN = (
    "When did {me} {i}?",
    "On which date did {me} {i}?",
    "What day was it that {me} managed to {i}?",
)
EVENT_FIRST = (
    "Which came first for {me}: {n1} or {n2}?",
    "Did {n1} or {n2} happen earlier for {me}?",
)
EVENT_GAP = (
    "How much time passed between {n1} and {n2} for {me}?",
    "How long after {n1} was {n2}, in {me}'s case?",
)
EVENT_AGO = ("How long ago did {me} {i}?", "Roughly how far back did {me} {i}?")
ANCHORS = (
    (
        "wedding",
        "My cousin {f} is getting married on {d}, and I've been roped into giving a "
        "reading, which terrifies me.",
    ),
    (
        "leaving do",
        "My boss {f} retires on {d}, the whole team is pretending not to plan a surprise party.",
    ),
    (
        "big birthday",
        "My best friend {f} turns forty on {d} and she has banned all mentions "
        "of it, so obviously we're planning something.",
    ),
)
BEFORE = (
    (
        "dress fitting",
        "I've booked the dress fitting for {n} before the {a}, so if it "
        "doesn't fit I'll have time to panic properly.",
    ),
    (
        "weekend away",
        "We're sneaking off for a weekend away {n} before the {a}, a last bit "
        "of calm before the chaos.",
    ),
    (
        "haircut",
        "I've got a haircut booked {n} before the {a}, because I'm not trusting "
        "anyone with scissors the week of.",
    ),
)
BEFORE_Q = (
    "On what date is {me}'s {x} planned?",
    "When is {me} due to have the {x}?",
)
SPANS = ((7, "a week"), (14, "two weeks"), (10, "ten days"), (21, "three weeks"))


def events(ctx: Ctx) -> None:
    """Three dated events in three sessions; temporal probes compute from session dates."""
    rng = ctx.rng
    chosen = rng.sample(pools.EVENTS, 3)
    sessions = ctx.sessions(3, 1, ctx.n - 1)
    said = []
    dated = rng.sample(range(3), 2)
    for k, ((past, _, _, told), s) in enumerate(zip(chosen, sessions, strict=True)):
        inf, noun = ASKED_AS[past]
        keys = (*told, noun)
        phrase, day = when(rng, ctx.day(s))
        tag = ctx.tag()
        ctx.scene(
            s,
            Line(0, ctx.said(rng.choice(EVENT_SAY).format(e=past, w=phrase)), tag),
            ctx.reply(news=True),
        )
        said.append((inf, noun, keys, day, tag, s))
        if k in dated:
            q = rng.choice(EVENT_WHEN).format(me=ctx.me, i=inf)
            ctx.probe(q, spellings(day), [tag], "temporal")
        # A friend did the same thing on another day: the same words, another date.
        other = rng.choice([x for x in range(ctx.n) if x != s])
        friend, gender = rng.choice(pools.OTHER_NAMES)
        their = past.replace(" my ", " her " if gender == "f" else " his ")
        line = rng.choice(EVENT_FRIEND).format(f=friend, e=their, w=when(rng, ctx.day(other))[0])
        ctx.scene(other, Line(0, ctx.said(line)), ctx.reply())
    (_, n1, k1, d1, t1, _), (_, n2, k2, d2, t2, _) = said[0], said[1]
    if d1 != d2:
        first_keys = list(k1 if d1 < d2 else k2)
        ctx.probe(
            rng.choice(EVENT_FIRST).format(me=ctx.me, n1=n1, n2=n2),
            first_keys,
            [t1, t2],
            "temporal",
        )
        ctx.probe(
            rng.choice(EVENT_GAP).format(me=ctx.me, n1=n1, n2=n2),
            elapsed(min(d1, d2), max(d1, d2)),
            [t1, t2],
            "temporal",
        )
    inf, _, _, day, tag, s = said[2]
    now = s + 1 + rng.randrange(ctx.n - s - 1) if s + 1 < ctx.n else s
    asked = ctx.dates[now] + timedelta(hours=1)
    ctx.probe(
        rng.choice(EVENT_AGO).format(me=ctx.me, i=inf),
        elapsed(day, asked.date()),
        [tag],
        "temporal",
        after=now,
        asked_at=asked,
    )


def anchored(ctx: Ctx) -> None:
    """A plan dated only relative to another dated plan ("two weeks before the wedding")."""
    rng = ctx.rng
    a = rng.randrange(ctx.n - 3)
    anchor, text = rng.choice(ANCHORS)
    event_day = ctx.day(a) + timedelta(days=rng.randint(45, 90))
    later = [s for s in range(a + 1, ctx.n) if ctx.day(s) < event_day - timedelta(days=21)]
    if not later:
        return
    b = rng.choice(later)
    friend = rng.choice(pools.OTHER_NAMES)[0]
    t0, t1 = ctx.tag(), ctx.tag()
    said = f"{event_day.day} {MONTHS[event_day.month - 1]}"
    ctx.scene(a, Line(0, ctx.said(text.format(f=friend, d=said)), t0), ctx.reply())
    thing, line = rng.choice(BEFORE)
    gap, spoken = rng.choice(SPANS)
    ctx.scene(b, Line(0, ctx.said(line.format(n=spoken, a=anchor)), t1), ctx.reply())
    q = rng.choice(BEFORE_Q).format(me=ctx.me, x=thing)
    ctx.probe(q, spellings(event_day - timedelta(days=gap)), [t0, t1], "temporal", after=b)


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
