"""Questions about one synthetic conversation, with gold computed from what was laid out.

Every answer comes from the persona's values or from session dates, and every evidence tag is
a turn the layout placed, so gold and text cannot drift apart.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import synth_phrases as ph
from synth_conversation import Layout
from synth_dates import day_month_spellings, elapsed, spellings, words
from synth_persona import Persona
from synth_pools import EVENTS

_Add = Callable[..., None]
# The persona value each distractor dangles in front of an abstention question.
_TRAP_VALUE = {
    "other_pet": "trap_pet",
    "hypo_pet": "trap_pet",
    "hypo_home": "trap_city",
    "other_instrument": "instrument",
}
_NO = ["no", "they broke up", "broke up", "split up"]
_CANCELLED = ["no", "cancelled", "it was cancelled", "called off"]


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

    _updates(p, lay, add, before)
    _temporal(p, lay, add)

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


def _updates(p: Persona, lay: Layout, add: _Add, before: Callable[[str], int]) -> None:
    c = p.ctx
    if "move" in p.updates:
        add("Where does {name} live?", [c["city"]], ["home"], after=before("move"))
        add(
            (
                "Where does {name} live now?",
                "Which city is {name} living in these days?",
                "Where is {name} based now?",
            ),
            [c["new_city"]],
            ["move"],
            "knowledge-update",
            stale=[c["city"]],
        )
    else:
        add("Which city does {name} live in?", [c["city"]], ["home"])
    if "job_change" in p.updates:
        add("Where does {name} work?", [c["employer"]], ["job"], after=before("job_change"))
        add(
            ("Where does {name} work now?", "Who is {name}'s current employer?"),
            [c["new_employer"]],
            ["job_change"],
            "knowledge-update",
            stale=[c["employer"]],
        )
        add(
            "What is {name}'s job now?",
            [c["new_job"]],
            ["job_change"],
            "knowledge-update",
            stale=[c["job"]],
        )
    else:
        add("What does {name} do for a living?", [c["job"]], ["job"])
        add("Which company does {name} work for?", [c["employer"]], ["job"])
    if "breakup" in p.updates:
        add(
            "What is the name of {name}'s {prel}?",
            [c["partner"]],
            ["partner"],
            after=before("breakup"),
        )
        if p.new_partner:
            add(
                "Who is {name} dating now?",
                [c["new_partner"]],
                ["breakup", "new_partner"],
                "knowledge-update",
                stale=[c["partner"]],
            )
        else:
            add(
                "Is {name} still with {partner}?",
                list(_NO),
                ["breakup"],
                "knowledge-update",
                stale=["yes"],
            )
    elif p.has_partner:
        add("What is the name of {name}'s {prel}?", [c["partner"]], ["partner"])
    if "drink_change" in p.updates:
        add(
            "What does {name} usually drink?", [c["drink"]], ["drink"], after=before("drink_change")
        )
        add(
            ("What is {name}'s go-to drink these days?", "What does {name} drink now?"),
            [c["new_drink"]],
            ["drink_change"],
            "knowledge-update",
            stale=[c["drink"]],
        )
    else:
        add("What does {name} usually drink?", [c["drink"]], ["drink"])
    if "trip_cancel" in p.updates:
        add(
            "Where is {name} travelling in {month}?",
            [c["dest"]],
            ["trip"],
            after=before("trip_cancel"),
        )
        if p.trip_replaced:
            add(
                "Where is {name} going on holiday in {month} now?",
                [c["new_dest"]],
                ["trip_cancel"],
                "knowledge-update",
                stale=[c["dest"]],
            )
        else:
            add(
                "Is {name}'s trip to {dest} still happening?",
                list(_CANCELLED),
                ["trip_cancel"],
                "knowledge-update",
                stale=["yes"],
            )
    else:
        add("Where has {name} planned a trip for {month}?", [c["dest"]], ["trip"])
        add("In which month is {name}'s trip to {dest}?", [c["month"]], ["trip"])


def _temporal(p: Persona, lay: Layout, add: _Add) -> None:
    at = lay.placed
    last = len(lay.dates) - 1
    days = lay.event_days
    labels = [EVENTS[i] for i in p.events]
    for slot in (0, 1):
        add(
            f"When did {{name}} {labels[slot][1]}?",
            spellings(days[slot]),
            [f"event{slot}"],
            "temporal",
        )
    first = 0 if days[0] < days[1] else 1
    a, b = (0, 1) if p.events[0] % 2 else (1, 0)
    add(
        f"Which happened first: {labels[a][2]} or {labels[b][2]}?",
        [labels[first][2], *labels[first][3]],
        ["event0", "event1"],
        "temporal",
    )
    add(
        f"How much time passed between {labels[0][2]} and {labels[1][2]}?",
        elapsed(days[0], days[1]),
        ["event0", "event1"],
        "temporal",
    )
    # "Now" is explicit: an hour after the start of the session the probe follows.
    add(
        f"As of the latest conversation, how long ago did {{name}} {labels[0][1]}?",
        elapsed(days[0], lay.dates[last].date()),
        ["event0"],
        "temporal",
        asked_at=lay.dates[last] + timedelta(hours=1),
    )
    # Mid-conversation: asked right after a session, whose day is "now".
    mid = at["event1"] + 1 if at["event1"] + 1 < last else at["event1"]
    if mid < last:
        add(
            f"How long ago did {{name}} {labels[1][1]}?",
            elapsed(days[1], lay.dates[mid].date()),
            ["event1"],
            "temporal",
            after=mid,
            asked_at=lay.dates[mid] + timedelta(hours=1),
        )
    # Multi-hop over time: which home was current when an event happened.
    if "move" in p.updates:
        move_s = at["move"]
        for slot in (0, 1):
            s = at[f"event{slot}"]
            if s != move_s:
                city, tag = (p.ctx["city"], "home") if s < move_s else (p.ctx["new_city"], "move")
                add(
                    f"Which city was {{name}} living in at the time of {labels[slot][2]}?",
                    [city],
                    [f"event{slot}", tag],
                    "multi-hop",
                )
                break
