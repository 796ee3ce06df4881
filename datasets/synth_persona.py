"""One synthetic person: every fact the conversation will state, drawn from a seeded generator.

The persona decides *what is true* (and what changes); `synth_conversation` decides when and
how it is said. Lives beside the generator only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

import synth_pools as pools
from synth_dates import MONTHS, words

_PRONOUNS = {
    "f": ("she", "her", "her"),
    "m": ("he", "him", "his"),
    "n": ("they", "them", "their"),
}
_FREQ = {
    1: ("once", ("once a week", "weekly", "1 time a week")),
    2: ("twice", ("twice a week", "two times a week", "2 times a week")),
    3: ("three times", ("three times a week", "3 times a week")),
    4: ("four times", ("four times a week", "4 times a week")),
}


def a(noun: str) -> str:
    """`noun` with its indefinite article (`an architect`, `a nurse`)."""
    return ("an " if noun[0].lower() in "aeiou" else "a ") + noun


@dataclass
class Persona:
    """What is true of one principal, plus which updates their conversation will carry."""

    first: str
    """First name (unique in the dataset)."""
    last: str
    """Surname."""
    ctx: dict[str, str] = field(default_factory=dict)
    """Placeholder values for the phrase templates."""
    updates: list[str] = field(default_factory=list)
    """Which knowledge updates happen: `move`, `job_change`, `breakup`, `drink_change`,
    `trip_cancel`."""
    has_pets: bool = False
    """Whether the person has a list of pets (`pets`)."""
    pet_names: list[str] = field(default_factory=list)
    """Names of the listed pets, in the order they are said."""
    adopts: bool = False
    """Whether the person adopts an animal whose name comes in a later turn."""
    has_partner: bool = False
    """Whether the person starts with a partner."""
    new_partner: bool = False
    """Whether, after a breakup, the person starts seeing someone new."""
    trip_replaced: bool = False
    """Whether a cancelled trip is replaced by another destination."""
    age: int = 30
    """Age when first stated."""
    freq: int = 2
    """Times a week the person does their first hobby."""
    freq_answers: tuple[str, ...] = ()
    """Accepted answers for that frequency."""
    wake_answers: tuple[str, ...] = ()
    """Accepted answers for the weekday wake-up time."""
    birthday: tuple[int, int] = (1, 1)
    """Day and month of the birthday."""
    events: list[int] = field(default_factory=list)
    """Indices into `pools.EVENTS` of the two dated events."""
    traps: list[str] = field(default_factory=list)
    """Distractor kinds (keys of `synth_phrases.TRAPS`) this conversation carries."""
    absent: tuple[str, str] = ("", "")
    """A topic never mentioned and the abstention question about it."""
    others: list[str] = field(default_factory=list)
    """Names for the other people distractors mention, one per distractor."""

    @property
    def name(self) -> str:
        """Full name, as the user participant is called."""
        return f"{self.first} {self.last}"


def _distinct(rng: random.Random, pool: tuple[str, ...], k: int, avoid: list[str]) -> list[str]:
    # Sample from a fixed-order pool minus what is taken: deterministic for a given rng state.
    return rng.sample([x for x in pool if x not in avoid], k)


def draw_persona(rng: random.Random, first: str, gender: str, last: str) -> Persona:
    """Draw every fact of one person; `first`/`last` come from the dataset-wide unique draw."""
    p = Persona(first=first, last=last)
    c = p.ctx
    c["first"], c["last"], c["name"] = first, last, p.name
    c["pron"], c["pron_obj"], c["poss"] = _PRONOUNS[gender]

    city, new_city, hometown, sib_city, other_city, trap_city, dest, new_dest = _distinct(
        rng, pools.CITIES, 8, []
    )
    c.update(city=city, new_city=new_city, hometown=hometown, sib_city=sib_city)
    c.update(other_city=other_city, trap_city=trap_city, dest=dest, new_dest=new_dest)
    c["home_years"] = words(rng.randint(2, 9))

    job, new_job, sib_job, other_job = _distinct(rng, pools.JOBS, 4, [])
    employer, new_employer = _distinct(rng, pools.EMPLOYERS, 2, [])
    c.update(job=job, job_a=a(job), new_job=new_job, new_job_a=a(new_job))
    c.update(employer=employer, new_employer=new_employer)
    c.update(sib_job=sib_job, sib_job_a=a(sib_job), other_job_a=a(other_job))

    p.age = rng.randint(23, 58)
    c["age"], c["age_words"] = str(p.age), words(p.age)

    people = rng.sample(list(pools.OTHER_NAMES), 10)
    (sib, sib_g), (friend, _), (partner, partner_g), (new_partner, np_g) = people[:4]
    c.update(sib=sib, friend=friend, partner=partner, new_partner=new_partner)
    p.others = [name for name, _ in people[4:]]
    c["rel"] = "sister" if sib_g == "f" else "brother"
    c["sib_pron"], _, c["sib_poss"] = _PRONOUNS[sib_g]
    c["sib_pron_cap"] = c["sib_pron"].capitalize()
    c["order"] = rng.choice(("younger", "older", "big", "little"))
    c["prel"] = rng.choice(("partner", {"f": "girlfriend", "m": "boyfriend"}[partner_g]))
    c["new_prel"] = {"f": "girlfriend", "m": "boyfriend"}[np_g]
    c["partner_years"] = words(rng.randint(2, 12))
    c["other_rel"] = rng.choice(("brother-in-law", "cousin", "neighbour", "colleague"))

    pet_names = rng.sample(list(pools.PET_NAMES), 5)
    p.has_pets = rng.random() < 0.7
    count = rng.choice((2, 2, 3))
    _, plural = rng.choice(pools.LIST_PETS)
    p.pet_names = pet_names[:count]
    c["species_pl"], c["count_words"] = plural, words(count)
    c["names_and"] = ", ".join(p.pet_names[:-1]) + " and " + p.pet_names[-1]
    p.adopts = rng.random() < 0.8
    young, species, breeds = rng.choice(pools.ADOPTIONS)
    c.update(young=young, adopted_species=species, breed=rng.choice(breeds), petname=pet_names[3])
    pet_g = rng.choice(("f", "m"))
    c["pet_pron"], c["pet_pron_obj"], _ = _PRONOUNS[pet_g]
    c["pet_pron_cap"] = c["pet_pron"].capitalize()
    c["species"] = rng.choice(pools.OTHER_SPECIES)
    c["trap_pet"] = pet_names[4]

    c["cuisine"] = rng.choice(pools.CUISINES)
    c["dislike"] = rng.choice(pools.FOOD_DISLIKES)
    c["music"] = rng.choice(pools.MUSIC)
    c["genre"], c["genre_verb"], c["genre_key"] = rng.choice(pools.GENRES)
    c["drink"], c["new_drink"] = rng.choice(pools.DRINKS)
    c["diet"] = rng.choice(pools.DIETS)
    c["diet_years"] = words(rng.randint(2, 15))
    c["other_diet"] = rng.choice([d for d in pools.DIETS if d != c["diet"]])
    c["allergen"] = rng.choice(pools.ALLERGENS)
    c["cond"], c["cond_p"], c["cond_key"] = rng.choice(pools.CONDITIONS)

    (hobby1, do1), (hobby2, do2) = rng.sample(list(pools.HOBBIES), 2)
    p.freq = rng.randint(1, 4)
    c.update(hobby1=hobby1, do1=do1, hobby2=hobby2, do2=do2, freq1=_FREQ[p.freq][0])
    p.freq_answers = _FREQ[p.freq][1]
    c["commute"] = str(rng.choice((15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 75, 90)))
    c["wake"], p.wake_answers = rng.choice(pools.WAKE_TIMES)
    p.birthday = (rng.randint(1, 28), rng.randint(1, 12))
    c["bday"] = f"{p.birthday[0]} {MONTHS[p.birthday[1] - 1]}"
    c["country"] = rng.choice(pools.COUNTRIES)
    c["instrument"] = rng.choice(pools.INSTRUMENTS)
    c["other_month"] = rng.choice(MONTHS)
    c["other_breed"] = rng.choice(pools.ADOPTIONS[0][2])

    p.has_partner = rng.random() < 0.75
    candidates = ["move", "job_change", "drink_change", "trip_cancel"]
    if p.has_partner:
        candidates.append("breakup")
    p.updates = sorted(rng.sample(candidates, rng.randint(2, min(4, len(candidates)))))
    p.new_partner = "breakup" in p.updates and rng.random() < 0.6
    p.trip_replaced = rng.random() < 0.5
    p.events = rng.sample(range(len(pools.EVENTS)), 2)
    p.traps = rng.sample(
        ["other_pet", "hypo_pet", "never_been", "hypo_home", "other_instrument", "no_kids"], 2
    )
    p.absent = rng.choice(pools.ABSENT_TOPICS)
    return p


def trip_month(said_on: date, rng: random.Random) -> str:
    """The month of a trip planned on `said_on`: two to four months ahead."""
    return MONTHS[(said_on.month - 1 + rng.randint(2, 4)) % 12]
