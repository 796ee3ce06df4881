"""Dated events for memlab-synthetic-v2: told with relative dates, asked in other words.

Events are dated only by phrases such as "the Saturday before last", which resolve against
the session's date; a friend's event of the same kind sits nearby, and a plan is dated
relative to another ("two weeks before the wedding"). Lives beside the generator only.
"""

from __future__ import annotations

from datetime import timedelta

import synth_pools as pools
from synth_dates import MONTHS, elapsed, spellings
from synth_v2_core import Ctx, Line, when

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
