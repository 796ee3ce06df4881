"""Threads where the assistant holds the answer: a reading list, a recipe, a walking route.

LongMemEval asks about what the assistant said as well as what the user said; here the
assistant's long replies carry titles, temperatures and distances, and a later user turn may
refer back to them ("I went with the second one you suggested"). Lives beside the generator.
"""

from __future__ import annotations

import synth_pools as pools
from synth_v2_core import Ctx, Line

TITLE_A = ("The Salt", "The Paper", "The Glass", "A Winter", "The Quiet", "The Copper", "The Last")
TITLE_B = ("Orchard", "Lighthouse", "Cartographer", "Harbour", "Garden", "Archive", "Ferryman")
GENRES = ("twisty mysteries", "big family sagas", "anything set by the sea", "quiet literary stuff")
BLURBS = (
    "a slow-burning story about two sisters and a house neither of them wants to sell",
    "a clever puzzle of a novel that jumps between three decades without ever losing you",
    "a warm, funny book about a retired postman who starts solving small village mysteries",
    "an atmospheric read set on an island where the ferry only runs twice a week",
    "a page-turner about a cartographer who finds a town that isn't on any of her maps",
)
BOOK_ASK = (
    "I've got a long flight coming up next month and nothing to read, could you suggest a few "
    "novels? I tend to like {g}.",
    "Can you recommend some books for a week by the pool? I'm in the mood for {g}, nothing "
    "too heavy please.",
)
BOOK_BACK = (
    "Quick follow-up on the reading list: I went with the {o} one you suggested and "
    "finished it in two sittings, thank you!",
    "I took your {o} suggestion on holiday, by the way, and it was exactly what I needed, I "
    "even cried a bit on the plane.",
)
ORDINALS = ("first", "second", "third")
READ_Q = (
    "Which novel did {me} end up reading from the assistant's list?",
    "What book did {me} pick from the suggestions {they} got?",
)
THIRD_Q = (
    "What was the last title on the reading list the assistant gave {me}?",
    "Which book came third in the recommendations for {me}?",
)
DISHES = (
    "a whole chicken",
    "a tray of root vegetables",
    "a salmon fillet",
    "a loaf of banana bread",
)
DISH_ASK = (
    "I'm making {d} for friends on Saturday and I always get the oven wrong, what temperature "
    "and timing would you suggest?",
    "How should I cook {d}? Last time it came out half raw and half charcoal, which was a look.",
)
DISH_REPLY = (
    "For {d}, I'd go with {t} degrees for about {m} minutes in a fan oven, checking ten minutes "
    "before the end. Let it rest before serving, because it keeps cooking for a little while, "
    "and if the top browns too quickly, cover it loosely with foil. A thermometer removes most "
    "of the guesswork if you have one.",
)
TEMP_Q = (
    "What oven temperature did the assistant recommend for {me}'s {d}?",
    "How hot did the assistant say the oven should be when {me} cooks {d}?",
)
WALK_ASK = (
    "I'm spending a long weekend in {c}, is there a decent walk nearby that isn't too brutal? "
    "My knees are not what they were.",
)
WALK_REPLY = (
    "A popular option near {c} is the {n} loop, about {k} kilometres with one steady climb at "
    "the start and gentle paths after that. Allow roughly three to four hours with stops, "
    "wear proper shoes because it gets muddy after rain, and check the bus times back in "
    "case you want to cut it short.",
)
WALK_Q = (
    "How long was the route the assistant suggested for {me}'s weekend in {c}?",
    "What distance was the walk the assistant recommended to {me} near {c}?",
)
WALK_NAMES = ("Heron Ridge", "Old Quarry", "Bramble Hill", "Larkspur Valley", "Foxglove Edge")


def assistant_said(ctx: Ctx) -> None:
    """Three exchanges whose answers live in the assistant's turns."""
    rng = ctx.rng
    a, b, c, d = ctx.sessions(4)
    titles: list[str] = []
    while len(titles) < 3:
        title = f"{rng.choice(TITLE_A)} {rng.choice(TITLE_B)}"
        if title not in titles and title not in ctx.used:
            titles.append(title)
    ctx.used.update(titles)
    authors = [f"{rng.choice(pools.OTHER_NAMES)[0]} {rng.choice(pools.LAST_NAMES)}" for _ in titles]
    blurbs = rng.sample(BLURBS, 3)
    listing = "; ".join(
        f"'{t}' by {w}, {x}" for t, w, x in zip(titles, authors, blurbs, strict=True)
    )
    t_list, t_back = ctx.tag(), ctx.tag()
    reply = (
        f"Here are three you might enjoy: {listing}. Any of them should comfortably last a "
        "long journey, and the second is the lightest of the three."
    )
    ctx.scene(a, Line(0, rng.choice(BOOK_ASK).format(g=rng.choice(GENRES))), Line(1, reply, t_list))
    pick = rng.randrange(3)
    ctx.scene(
        b, Line(0, ctx.said(rng.choice(BOOK_BACK).format(o=ORDINALS[pick])), t_back), ctx.reply()
    )
    ctx.probe(
        rng.choice(READ_Q).format(me=ctx.me, they=ctx.pron()),
        [titles[pick]],
        [t_list, t_back],
        "assistant-recall",
    )
    ctx.probe(rng.choice(THIRD_Q).format(me=ctx.me), [titles[2]], [t_list], "assistant-recall")
    dish = rng.choice(DISHES)
    temp, minutes = rng.choice((160, 170, 180, 190, 200, 220)), rng.choice((25, 35, 45, 60, 80))
    tag = ctx.tag()
    ctx.scene(
        c,
        Line(0, rng.choice(DISH_ASK).format(d=dish)),
        Line(1, DISH_REPLY[0].format(d=dish, t=temp, m=minutes), tag),
    )
    ctx.probe(
        rng.choice(TEMP_Q).format(
            me=ctx.me, d=dish.split(" ", 1)[1] if dish.startswith("a ") else dish
        ),
        [f"{temp} degrees", f"{temp}°C"],
        [tag],
        "assistant-recall",
    )
    city = ctx.pick(pools.CITIES)
    name, km = rng.choice(WALK_NAMES), rng.choice((7, 9, 11, 12, 14, 16))
    tag = ctx.tag()
    ctx.scene(
        d,
        Line(0, rng.choice(WALK_ASK).format(c=city)),
        Line(1, WALK_REPLY[0].format(c=city, n=name, k=km), tag),
    )
    ctx.probe(
        rng.choice(WALK_Q).format(me=ctx.me, c=city),
        [f"{km} kilometres", f"{km} km"],
        [tag],
        "assistant-recall",
    )
