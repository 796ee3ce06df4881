"""Distractors that look like the principal's facts, and questions that assert nothing (v1).

Phrase data of `synth_phrases`, which re-exports it. Lives beside the generator only.
"""

from __future__ import annotations

TRAPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "other_pet": (
        (
            "My neighbour {other} just got a {species} called {trap_pet}.",
            "{other} at work has a {species} named {trap_pet}. Apparently it bites.",
            "Have I told you about my friend {other}'s {species}, {trap_pet}? Total diva.",
        ),
        (
            "What is the name of {name}'s {species}?",
            "What did {name} name {poss} {species}?",
        ),
    ),
    "hypo_pet": (
        (
            "If I ever get a {species}, I'm naming it {trap_pet}.",
            "Imagine owning a {species}. I'd call it {trap_pet}, obviously.",
            "In another life I'd have a {species} called {trap_pet}.",
        ),
        (
            "What is the name of {name}'s {species}?",
            "What is {name}'s {species} called?",
        ),
    ),
    "never_been": (
        (
            "I've never actually been to {country}, believe it or not.",
            "Everyone raves about {country} but I've never been.",
            "{country} is on my list — never made it there yet.",
        ),
        (
            "When did {name} visit {country}?",
            "What did {name} do on {poss} trip to {country}?",
        ),
    ),
    "hypo_home": (
        (
            "If money were no object I'd buy a cottage in {trap_city}.",
            "If I won the lottery, first thing: a flat in {trap_city}.",
            "Daydreaming about a little place in {trap_city}. Not happening, but still.",
        ),
        (
            "Where is {name}'s holiday home?",
            "In which city does {name} own a second home?",
        ),
    ),
    "other_instrument": (
        (
            "My {other_rel} {other} plays the {instrument} in a band. It's loud.",
            "{other} from my building practises the {instrument} every night.",
            "My friend {other} is learning the {instrument}; I've been sent recordings.",
        ),
        (
            "Which instrument does {name} play?",
            "How long has {name} been playing the {instrument}?",
        ),
    ),
    "no_kids": (
        (
            "We don't have kids, and honestly I like it that way.",
            "No kids for me, not yet anyway.",
            "People keep asking when I'll have kids. Not any time soon!",
        ),
        (
            "What are the names of {name}'s children?",
            "How old is {name}'s eldest child?",
        ),
    ),
}
"""Distractor statements that look like facts of the principal, and the abstention questions
they invite (negations, hypotheticals, other people's facts)."""

QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "Do you think it's worth getting travel insurance for a short trip?",
        "Usually yes — it's cheap compared with one cancelled flight.",
    ),
    (
        "Should I learn to cook properly this year?",
        "Start with five dishes you love; it snowballs from there.",
    ),
    ("Is it weird to eat cereal for dinner?", "Not at all. It's a time-honoured tradition."),
    (
        "Would you rather live by the sea or in the mountains?",
        "I'd pick the sea, but I can see the appeal of both.",
    ),
    ("Do people still send postcards?", "Some do, and they're always appreciated."),
    (
        "What if I quit everything and opened a bakery?",
        "Plenty of people dream of it — try a weekend market stall first.",
    ),
    ("Is five hours of sleep enough?", "For most adults, no; seven to nine is the usual advice."),
    ("Should I get a plant for my desk?", "A pothos is hard to kill, if you want one."),
)
"""Questions from the user that assert nothing about them."""
