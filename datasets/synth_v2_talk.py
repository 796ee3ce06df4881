"""Small talk for memlab-synthetic-v2: long everyday turns that carry no gold answer.

Filler is where real chats spend most of their words, and it mentions fact-looking things in
passing (a city seen in a documentary, a colleague's new job, someone else's dog) so that a
memory that stores every place name gets them wrong. Nothing here is ever cited as evidence.
Lives beside the generator only: the memlab package never imports it.
"""

from __future__ import annotations

import random

import synth_pools as pools
from synth_v2_talk_lines import (
    ASIDES,
    CATCH_UP,
    EVERYDAY,
    FOLLOW_UPS,
    HELLOS,
    NEWS,
    OPENERS,
    PASSING,
    REACTIONS,
)

USER_ASKS = (
    "Can you give me a few ideas for a quick dinner that doesn't need more than three pans? "
    "I'm tired and the kitchen is a mess.",
    "What's a good way to stop procrastinating on boring admin? I've had a form to fill in for "
    "about three weeks now.",
    "Could you explain how compound interest actually works, in plain words? I keep nodding "
    "along when people mention it.",
    "I need a polite way to decline a meeting that really could have been an email, any "
    "suggestions for the wording?",
    "What should I pack for a weekend somewhere rainy? I always bring too much and still "
    "forget socks.",
    "Any tips for keeping houseplants alive when you're away for a week? Asking for a plant "
    "I'm fond of.",
    "How do I get better at remembering names? I met six people on Monday and forgot all of "
    "them immediately.",
    "Can you suggest a stretching routine for someone who sits at a desk all day and creaks "
    "when they stand up?",
    "What's the difference between baking soda and baking powder? I've been using them "
    "interchangeably and I suspect that's bad.",
    "I want to write a short thank-you note to a neighbour who took in a parcel, can you help "
    "me make it sound warm but not over the top?",
)
"""Everyday requests a user makes of an assistant."""

ADVICE = (
    "A good rule of thumb is to start with the smallest step you can finish in five minutes, "
    "because momentum matters far more than a perfect plan.",
    "It usually helps to write the options down side by side, with the cost, the time it "
    "takes and how you'd feel afterwards, and then pick the one that looks least painful.",
    "Many people find it easier to batch similar tasks together, so you switch context less "
    "often and the whole thing feels shorter than it really is.",
    "If you can, set a reminder for a specific time rather than a vague 'later', since a "
    "concrete slot is much harder to ignore.",
    "Keep in mind that there's rarely one right answer here; what matters most is that it "
    "suits your routine and that you'll actually stick with it.",
    "One simple approach is to prepare everything you need the evening before, so that the "
    "morning version of you only has to follow instructions.",
    "You might also try asking a friend to check in on you, since a little accountability "
    "goes a long way with this kind of thing.",
    "As a starting point, aim for something modest and repeatable, and only add more once "
    "the basic version feels easy.",
    "It's worth checking the details with someone local or on an official page, because rules "
    "and opening hours change more often than you'd expect.",
    "A short list of three or four options tends to work better than a long one, since too "
    "many choices can make it harder to decide at all.",
    "Try to leave a little slack in the schedule, because things nearly always take longer "
    "than the first estimate, and a buffer stops one delay from ruining the whole day.",
    "If budget is a concern, compare two or three options before committing, and look at the "
    "total cost rather than the headline price.",
    "Writing a short note of what worked and what didn't afterwards makes the next attempt "
    "noticeably easier.",
    "When in doubt, the simplest version is usually the one you'll still be doing in a month.",
    "It can also help to decide in advance what 'good enough' looks like, so you know when to "
    "stop tinkering.",
    "A quick conversation with someone who has done it before can save you hours of reading.",
    "Remember to check whether anything needs booking ahead, since popular slots go quickly, "
    "especially at weekends.",
    "Pairing the new habit with something you already do every day, like your morning coffee, "
    "makes it far more likely to stick.",
    "Finally, don't be too hard on yourself if it takes a few tries: most habits take a while "
    "to settle, and slipping once doesn't undo the progress.",
)
"""Sentences an assistant's long replies are built from."""

ACKS = (
    "That sounds like quite a week.",
    "Thanks for telling me.",
    "Ha, that's a very relatable kind of chaos.",
    "I'm glad you mentioned it.",
    "That sounds like a lot going on.",
)
NEWS_ACKS = (
    "Congratulations, that sounds like a real milestone.",
    "Oh, that's lovely to hear.",
    "That's a big change, and it's normal for it to take a while to feel settled.",
    "What a mix of news, some of it good, by the sound of it.",
    "That's exciting, thanks for sharing it with me.",
)
OFFERS = (
    "If it would help, I can put together a short checklist for the next few weeks.",
    "Would you like a few ideas for making the coming days a bit easier?",
    "I'm happy to help you plan around it whenever you're ready.",
    "If there's anything practical I can look into for you, just say.",
    "Let me know if you'd like to talk any of it through in more detail.",
    "Do you want me to suggest a couple of small things to look forward to?",
    "",
)
"""An assistant's reply to news: an acknowledgement and, usually, an offer."""

ASSISTANT_OPENERS = (
    "Happy to help with that.",
    "Good question, and a very common one.",
    "Sure, here are a few thoughts.",
    "That sounds like a lot to juggle, so let's keep it simple.",
    "Of course.",
    "Thanks for the context, that helps.",
)
"""How an assistant starts a reply."""

THANKS = (
    "Thanks, that's really helpful, I'll try the first one tonight and see how I get on with it.",
    "Perfect, that's exactly the kind of thing I needed, I was overthinking it massively.",
    "Okay, that makes sense, I'll give it a go and report back if it goes horribly wrong.",
    "Great, thank you, I'm saving this so I don't have to ask again next week.",
    "Brilliant, cheers, that's much simpler than I was expecting it to be.",
)
"""A user's reply to advice."""


def fill(rng: random.Random, template: str) -> str:
    """Fill a filler template's slots with values that belong to nobody in the chat."""
    other, gender = rng.choice(pools.OTHER_NAMES)
    hobby = rng.choice(pools.HOBBIES)[0]
    return template.format(
        she="she" if gender == "f" else "he",
        her="her" if gender == "f" else "his",
        city=rng.choice(pools.CITIES),
        other=other,
        job=rng.choice(pools.JOBS),
        cuisine=rng.choice(pools.CUISINES),
        species=rng.choice(pools.OTHER_SPECIES),
        hobby=hobby,
        employer=rng.choice(pools.EMPLOYERS),
    )


def chatter(rng: random.Random, *, to_assistant: bool = False) -> str:
    """One turn of small talk, sometimes with a fact-looking thing mentioned in passing."""
    body = fill(rng, rng.choice(PASSING)) if rng.random() < 0.35 else rng.choice(EVERYDAY)
    return dress(rng, body, to_assistant=to_assistant)


PROPER = frozenset(
    [n for n, _ in pools.OTHER_NAMES + pools.FIRST_NAMES]
    + [w for c in pools.CITIES for w in c.split()]
    + ["I"]
)
"""Words that keep their capital after a lead-in."""


def dress(rng: random.Random, body: str, *, to_assistant: bool = False) -> str:
    """Put an optional lead-in and tail around a sentence, as people do (not to an assistant)."""
    opener = rng.choice(OPENERS)
    if opener:
        first = body.split(" ", 1)[0].split("'")[0].rstrip(",")
        head = body[0] if first in PROPER else body[0].lower()
        body = f"{opener} {head}{body[1:]}"
    aside = rng.choice(ASIDES)
    return body + ("" if to_assistant and "you?" in aside else aside)


def acknowledge(rng: random.Random, *, news: bool = False) -> str:
    """An assistant's reply to chatter, or to news."""
    return f"{rng.choice(NEWS_ACKS if news else ACKS)} {rng.choice(OFFERS)}".strip()


def reaction(rng: random.Random, *, news: bool = False) -> str:
    """What the other person says back to chatter, or to news."""
    return rng.choice(NEWS if news else REACTIONS) + rng.choice(FOLLOW_UPS)


def greeting(rng: random.Random) -> str:
    """How a session between two people opens."""
    return f"{rng.choice(HELLOS)} {rng.choice(CATCH_UP)}"


def advice(rng: random.Random, *, sentences: int = 3) -> str:
    """A long assistant reply made of general advice."""
    picked = rng.sample(ADVICE, sentences)
    return " ".join([rng.choice(ASSISTANT_OPENERS), *picked])


def filler_exchange(rng: random.Random, *, assistant: bool) -> list[tuple[int, str]]:
    """Two turns of filler: (0 = the first speaker, 1 = the other) and text."""
    if assistant:
        if rng.random() < 0.5:
            return [(0, rng.choice(USER_ASKS)), (1, advice(rng, sentences=rng.randint(2, 3)))]
        return [(0, chatter(rng, to_assistant=True)), (1, acknowledge(rng))]
    back = reaction(rng) if rng.random() < 0.6 else chatter(rng)
    return [(0, chatter(rng)), (1, back)]
