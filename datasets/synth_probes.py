"""Questions about one synthetic conversation, with gold computed from what was laid out.

Every answer comes from the persona's values or from session dates, and every evidence tag is
a turn the layout placed, so gold and text cannot drift apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

import synth_phrases as ph
from synth_conversation import Layout
from synth_dates import day_month_spellings, words
from synth_persona import Persona
from synth_probes_change import temporal, updates

# The persona value each distractor dangles in front of an abstention question.
_TRAP_VALUE = {
    "other_pet": "trap_pet",
    "hypo_pet": "trap_pet",
    "hypo_home": "trap_city",
    "other_instrument": "instrument",
}


@dataclass
class ProbeSpec:
    """A probe before turn ids exist: evidence names tags, `after` a session index."""

    question: str
    """The question."""
    answers: list[str]
    """Accepted answers."""
    tags: list[str]
    """Tags of the evidence turns."""
    category: str
    """Probe category."""
    after: int | None = None
    """Index of the session after which it is asked; None for after the last."""
    abstention: bool = False
    """True when the honest answer is 'not mentioned'."""
    stale: list[str] = field(default_factory=list)
    """Values that used to be true."""
    traps: list[str] = field(default_factory=list)
    """Plausible wrong answers a distractor invites (for abstention probes)."""
    asked_at: datetime | None = None
    """When the question is asked, for 'how long ago' questions."""


def probes(p: Persona, lay: Layout, rng: random.Random) -> list[ProbeSpec]:
    """All probes of one conversation, in a fixed order; `rng` picks question wordings."""
    c, at = p.ctx, lay.placed
    name = c["first"]
    out: list[ProbeSpec] = []

    def add(
        q: str | tuple[str, ...],
        answers: list[str],
        tags: list[str],
        category: str = "single-hop",
        **kw: object,
    ) -> None:
        # A tuple offers several wordings of one question; the seeded rng picks one.
        text = (q if isinstance(q, str) else rng.choice(q)).format(**{**c, "name": name})
        out.append(ProbeSpec(text, answers, tags, category, **kw))  # type: ignore[arg-type]

    def before(kind: str) -> int:
        # Asked right before the session where `kind` was said: the old value still holds.
        return at[kind] - 1

    # Identity, family, pets, health: single-hop, some asked at the moment they were true.
    add(
        ("How old is {name}?", "What age is {name}?"),
        [c["age"], c["age_words"]],
        ["age"],
        after=at["age"] if at["age"] < len(lay.dates) - 1 else None,
    )
    add(
        (
            "What is {name}'s surname?",
            "What is {name}'s last name?",
            "What's {name}'s family name?",
        ),
        [c["last"]],
        ["surname"],
    )
    add(
        (
            "Where did {name} grow up?",
            "Where is {name} originally from?",
            "What is {name}'s hometown?",
        ),
        [c["hometown"]],
        ["hometown"],
    )
    add(
        ("What is the name of {name}'s {rel}?", "What is {name}'s {rel} called?"),
        [c["sib"]],
        ["sibling"],
    )
    add(
        ("Who is {name}'s best friend?", "What is the name of {name}'s best friend?"),
        [c["friend"]],
        ["friend"],
    )
    add(
        ("What is {name} allergic to?", "Which allergy does {name} have?"),
        [c["allergen"]],
        ["allergy"],
    )
    add(("What diet does {name} follow?", "Which diet is {name} on?"), [c["diet"]], ["diet"])
    add(
        (
            "What health problem has {name} mentioned?",
            "What health condition does {name} live with?",
        ),
        [c["cond_key"]],
        ["health"],
    )
    add("How often does {name} {do1}?", list(p.freq_answers), ["hobby_freq"])
    add("Apart from {hobby1}, what hobby does {name} have?", [c["hobby2"]], ["hobby"])
    add(
        (
            "Which food can {name} not stand?",
            "What food does {name} hate?",
            "Which ingredient should you never serve {name}?",
        ),
        [c["dislike"]],
        ["dislike"],
    )
    add(
        (
            "What time does {name} get up on weekdays?",
            "When does {name}'s alarm go off on workdays?",
        ),
        list(p.wake_answers),
        ["wake"],
    )
    add(
        ("When is {name}'s birthday?", "On what date is {name}'s birthday?"),
        day_month_spellings(*p.birthday),
        ["birthday"],
    )
    add(
        (
            "How long is {name}'s commute to work?",
            "How many minutes does {name} spend getting to work?",
        ),
        [f"{c['commute']} minutes", f"{words(int(c['commute']))} minutes"],
        ["commute"],
        after=at["commute"] if {"move", "job_change"} & set(p.updates) else None,
    )
    if p.has_pets:
        add(
            "What are the names of {name}'s {species_pl}?",
            [c["names_and"], " and ".join(p.pet_names), ", ".join(p.pet_names)],
            ["pets"],
        )
        add(
            "How many {species_pl} does {name} have?",
            [str(len(p.pet_names)), c["count_words"]],
            ["pets"],
        )
    if p.adopts:
        add("What is the name of the {young} {name} adopted?", [c["petname"]], ["pet_name"])
        two = at["adopt"] != at["pet_name"]
        add(
            "What breed is {petname}?",
            [c["breed"]],
            ["adopt", "pet_name"],
            "multi-hop" if two else "single-hop",
        )
        if two:
            add(
                "What is the name of {name}'s {young}?",
                [],
                [],
                "abstention",
                after=before("pet_name"),
                abstention=True,
            )
        if p.has_pets and at["adopt"] != at["pets"]:
            total = len(p.pet_names) + 1
            add(
                "How many pets does {name} have altogether?",
                [str(total), words(total)],
                ["pets", "adopt"],
                "multi-hop",
            )

    # Multi-hop: a person introduced once, their news told in a later session.
    add(
        "What does {name}'s {rel} do for a living?",
        [c["sib_job"]],
        ["sibling", "sibling_news"],
        "multi-hop",
    )
    add(
        "In which city does {name}'s {rel} live?",
        [c["sib_city"]],
        ["sibling", "sibling_news"],
        "multi-hop",
    )

    updates(p, lay, add, before)
    temporal(p, lay, add)

    # Preference: recommendations whose evidence is the preference turns.
    add(
        (
            "I'm booking a restaurant for {name}. What kind of food should I look for?",
            "Where should I take {name} for dinner?",
            "What should I cook for {name}?",
        ),
        [c["cuisine"], c["diet"]],
        ["cuisine", "diet"],
        "preference",
    )
    add(
        (
            "Can you suggest some music {name} would enjoy?",
            "What should I put on a playlist for {name}?",
        ),
        [c["music"]],
        ["music"],
        "preference",
    )
    add(
        (
            "What should {name} {genre_verb} this weekend?",
            "Can you recommend something for {name} to {genre_verb}?",
        ),
        [c["genre_key"], c["genre"]],
        ["genre"],
        "preference",
    )
    add(
        ("What would make a good birthday present for {name}?", "Any gift ideas for {name}?"),
        [c["hobby1"], c["hobby2"]],
        ["hobby_freq", "hobby"],
        "preference",
    )

    # Abstention: near misses (other people, hypotheticals, negations) and the never said.
    for trap in p.traps:
        _, questions = ph.TRAPS[trap]
        value = [c[_TRAP_VALUE[trap]]] if trap in _TRAP_VALUE else []
        add(
            questions[len(out) % len(questions)], [], [], "abstention", abstention=True, traps=value
        )
    add(p.absent[1], [], [], "abstention", abstention=True)
    return out
