"""Threads about where a person lives and works (their family and pet: `synth_v2_family`).

Each thread writes scenes and the probes they answer. Home changes two to four times, facts are
often stated indirectly ("the trams here in Leeds") or split over two turns ("the flat near the
canal" ... "we signed the lease"), and a sibling's move sits beside the person's own as a
distractor. Lives beside the generator only.
"""

from __future__ import annotations

import synth_pools as pools
from synth_dates import spellings, words
from synth_v2_core import Ctx, Line, when

LANDMARKS = ("canal", "old market", "railway bridge", "park", "cathedral", "river", "harbour")

HOME_HINTS = (
    "The trams here in {c} are on strike again, so I walked to work in the drizzle and "
    "arrived looking like a drowned cat.",
    "I've been in {c} for about six years now and I still get lost in the old town every "
    "time I try a shortcut.",
    "Everyone says {c} is lovely in the summer, but right now it's grey, windy and the "
    "pigeons are the only ones enjoying it.",
    "There's a food festival by my flat this weekend, the whole of {c} is going to be "
    "queueing outside my window.",
    "The council here in {c} has dug up my road for the third time this year, I'm starting "
    "to think they've lost something.",
)
VIEWING = (
    "We've been looking at flats in {c}, there's one near the {l} with a tiny balcony that I "
    "can't stop thinking about.",
    "Don't laugh, but we went to see a place in {c} at the weekend, the one by the {l}, and "
    "I think I'm in love with a kitchen.",
    "So we've been quietly house-hunting in {c}, and there's a little terrace near the {l} "
    "that might actually be the one.",
)
VIEW_ASK = (
    "Oh, exciting! Is it the one you sent me the photos of? Keep me posted on how it goes.",
    "Wait, {c}? That's a big move. Fingers crossed for you, honestly.",
)
SIGNED = (
    "We signed the lease {w}! The keys are ours, boxes everywhere, and I can hear the {l} "
    "traffic from the bedroom already.",
    "It's official, we got the keys {w} and spent the first night on a mattress on the floor "
    "eating chips out of the paper.",
    "Update on the flat: ours since {w}. The landlord left a bottle of wine and a very long "
    "list of rules about the bins.",
)
MOVED = (
    "I should say, I'm not in {p} any more, I moved to {c} {w} for a fresh start, the boxes "
    "are still half unpacked.",
    "Big change on my side: we moved to {c} {w}. New streets, new supermarket, I keep "
    "walking the wrong way to the station.",
    "I finally did it and left {p}, I've been living in {c} since {w} and so far I don't "
    "miss the old place at all.",
)
HOME_NOW = (
    "Which city is {me} living in these days?",
    "Where is {me} based at the moment?",
    "What city does {me} call home now?",
    "If you wanted to drop in on {me}, which city would you have to travel to?",
)
HOME_THEN = (
    "Which city does {me} live in?",
    "Where is {me}'s home?",
    "What city is {me} living in?",
)
MOVE_WHEN = (
    "When did {me} get into the new place in {c}?",
    "On what date did {me}'s move to {c} happen?",
    "What was the date {me} started living in {c}?",
)
MOVE_COUNT = (
    "How many times has {me} changed cities over the course of these chats?",
    "How often has {me} relocated since you first started talking?",
)


def home(ctx: Ctx) -> None:
    """A home city that changes two to four times; sets `ctx.city_at`."""
    rng = ctx.rng
    changes = rng.randint(2, 4)
    cities = [ctx.pick(pools.CITIES) for _ in range(changes + 1)]
    at = ctx.sessions(changes, 3, ctx.n - 1)
    first = rng.randint(0, 1)
    tag = ctx.tag()
    ctx.scene(
        first, Line(0, ctx.said(rng.choice(HOME_HINTS).format(c=cities[0])), tag), ctx.reply()
    )
    spans = [(first, cities[0], tag, [tag])]
    for j, s in enumerate(at, start=1):
        said, day = when(rng, ctx.day(s))
        c, landmark = cities[j], rng.choice(LANDMARKS)
        tags = [ctx.tag()]
        if rng.random() < 0.55:
            # Split: the city is named in one turn, the move itself only in a later one.
            view = s - 1 if s - 1 > spans[-1][0] and rng.random() < 0.5 else s
            tags.insert(0, ctx.tag())
            ask = rng.choice(VIEW_ASK).format(c=c)
            viewing = Line(0, ctx.said(rng.choice(VIEWING).format(c=c, l=landmark)), tags[0])
            signed = Line(0, rng.choice(SIGNED).format(w=said, l=landmark), tags[1])
            if view == s:
                ctx.scene(
                    s,
                    viewing,
                    Line(1, ask) if not ctx.assistant else ctx.reply(news=True),
                    signed,
                    ctx.reply(news=True),
                )
            else:
                ctx.scene(
                    view, viewing, Line(1, ask) if not ctx.assistant else ctx.reply(news=True)
                )
                ctx.scene(s, signed, ctx.reply(news=True))
        else:
            text = rng.choice(MOVED).format(c=c, p=cities[j - 1], w=said)
            ctx.scene(s, Line(0, ctx.said(text), tags[0]), ctx.reply(news=True))
        spans.append((s, c, tags[-1], tags))
        if j == changes:
            q = rng.choice(MOVE_WHEN).format(me=ctx.me, c=c)
            ctx.probe(q, spellings(day), tags, "temporal")
    ctx.moves = {sp[0] for sp in spans} | {first}
    ctx.city_at = []
    for s in range(ctx.n):
        live = [sp for sp in spans if sp[0] <= s] or spans[:1]
        ctx.city_at.append((live[-1][1], live[-1][3]))
    last = spans[-1]
    ctx.probe(
        rng.choice(HOME_NOW).format(me=ctx.me),
        [last[1]],
        last[3],
        "knowledge-update",
        stale=cities[:-1],
    )
    j = rng.randint(1, changes - 1)
    ask_after = at[j] - 1  # before change j+1, after change j
    ctx.probe(
        rng.choice(HOME_THEN).format(me=ctx.me),
        [cities[j]],
        spans[j][3],
        "knowledge-update",
        after=ask_after,
        stale=cities[:j],
    )
    every = [t for sp in spans[1:] for t in sp[3][-1:]]
    ctx.probe(
        rng.choice(MOVE_COUNT).format(me=ctx.me), [str(changes), words(changes)], every, "multi-hop"
    )


WORK_HINTS = (
    "I've been at {e} for three years as a {j}, and the coffee machine on our floor still "
    "hasn't been fixed once in all that time.",
    "Long day at {e} again, being a {j} there means everyone assumes you can fix everything "
    "by Friday.",
    "My manager at {e} asked if I'd mentor the new {j}s, which I'm choosing to take as a "
    "compliment rather than more work.",
)
QUIT = (
    "I handed in my notice at {e} {w}. I'd been quietly interviewing for weeks and didn't "
    "want to jinx it by saying anything.",
    "So, I left {e}. Cleared my desk {w}, said goodbye to the coffee machine, and walked out "
    "feeling ten kilos lighter.",
)
QUIT_ASK = (
    "No way! Where are you off to then? Please tell me somewhere with a better coffee machine.",
    "Wow, good for you. So what's next, have you got somewhere lined up already?",
)
START = (
    "It's {e}. Same sort of work, still a {j}, but they actually pay for training and nobody "
    "emails at midnight.",
    "I start at {e} on Monday, the team seemed lovely at the interview, although everyone "
    "there is suspiciously cheerful.",
)
EMPLOYER_NOW = (
    "Which company is {me} working for at present?",
    "Who is {me}'s employer these days?",
    "Where does {me} work now?",
)
JOB = (
    "What does {me} do for a living?",
    "What's {me}'s line of work?",
    "What kind of job does {me} have?",
)


def work(ctx: Ctx) -> None:
    """A job at an employer that changes once or twice, announced with a pronoun-free ellipsis."""
    rng = ctx.rng
    job = ctx.pick(pools.JOBS)
    firms = [ctx.pick(pools.EMPLOYERS) for _ in range(rng.randint(2, 3))]
    first = rng.randint(0, 2)
    tag = ctx.tag()
    ctx.scene(
        first, Line(0, ctx.said(rng.choice(WORK_HINTS).format(e=firms[0], j=job)), tag), ctx.reply()
    )
    ctx.probe(rng.choice(JOB).format(me=ctx.me), [job], [tag], "single-hop")
    last = [tag]
    for s, firm in zip(ctx.sessions(len(firms) - 1, first + 2, ctx.n), firms[1:], strict=True):
        said, _ = when(rng, ctx.day(s))
        t1, t2 = ctx.tag(), ctx.tag()
        quit_line = Line(
            0, ctx.said(rng.choice(QUIT).format(e=firms[firms.index(firm) - 1], w=said)), t1
        )
        ask = ctx.reply(news=True) if ctx.assistant else Line(1, rng.choice(QUIT_ASK))
        ctx.scene(
            s,
            quit_line,
            ask,
            Line(0, rng.choice(START).format(e=firm, j=job), t2),
            ctx.reply(news=True),
        )
        last = [t1, t2]
    ctx.probe(
        rng.choice(EMPLOYER_NOW).format(me=ctx.me),
        [firms[-1]],
        last,
        "knowledge-update",
        stale=firms[:-1],
    )
