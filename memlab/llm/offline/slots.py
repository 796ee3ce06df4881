"""Slot handlers of the offline rules: who the user is, where they live, work, family, pets.

Each handler gets the match of one rule of the table (`memlab.llm.offline.table`) and returns
the slots it reads, rendered in memlab's convention ("User lives in Lisbon.").
"""

from __future__ import annotations

import re

from memlab.llm.offline.text import fold_case
from memlab.llm.offline.values import (
    ReadContext,
    Slot,
    indefinite_article,
    is_capitalized,
    optional_group,
    organisation,
    person_name,
    place_name,
    proper_noun,
    words_until_stop,
)
from memlab.llm.offline.vocab import (
    FAMILY,
    JOB_STOPS,
    JOBS,
    NOT_WORK_JOBS,
    PLACE_STOPS,
    SPECIES,
    VAGUE_WORDS,
)

__all__ = [
    "read_age",
    "read_children",
    "read_employed",
    "read_employer",
    "read_employer_proper",
    "read_family",
    "read_family_has",
    "read_field",
    "read_greeting_name",
    "read_job_as",
    "read_job_is",
    "read_location",
    "read_named",
    "read_nth_child",
    "read_origin",
    "read_partner",
    "read_partner_status",
    "read_pet",
    "read_pet_own",
]

# --- rule handlers ---------------------------------------------------------------------------


def read_location(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """Where the user lives ("User lives in Lisbon", "User moved to Porto")."""
    place = place_name(m.group("v"), ctx)
    if not place or place.lower() in {"here", "there", "home", "town"}:
        return []
    return [Slot("location", place, f"User lives in {place}.")]


def read_origin(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """Where the user comes from ("User is from Galway", "User grew up in Lyon")."""
    place = proper_noun(words_until_stop(m.group("v"), PLACE_STOPS), ctx)
    return [Slot("origin", place, f"User is from {place}.")] if place else []


def read_named(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """The user's name ("User's name is Ana"), and their origin if it follows."""
    name = person_name(words_until_stop(m.group("v"), PLACE_STOPS), ctx, explicit=True)
    if not name:
        return []
    out = [Slot("name", name, f"User's name is {name}.")]
    origin = re.match(r"\s*\S+(?:\s+[A-Z]\S*)*\s+from\s+(?P<v>.+)", m.group("v"))
    return out + (read_origin(origin, ctx) if origin else [])


def read_greeting_name(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """The user's name from "I'm Ana", only where an introduction stands."""
    # "I'm Ana" names the speaker only where an introduction stands: at the start of the
    # clause, after at most a greeting; elsewhere "I'm <Word>" is too often not a name.
    prefix = ctx.clause[: m.start()].strip(" ,!.").lower()
    if ctx.loose or ctx.caseless or prefix not in {"", "hi", "hello", "hey", "hiya", "yo"}:
        return []
    return read_named(m, ctx)


def read_age(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """The user's age in years (1 to 119)."""
    years = int(m.group("v"))
    return [Slot("age", str(years), f"User is {years} years old.")] if 0 < years < 120 else []


def _job_text(job: str) -> str:
    head = job.split()[-1].lower()
    verb = "is" if head in NOT_WORK_JOBS else "works as"
    return f"User {verb} {indefinite_article(job)} {job}."


def read_job_as(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """The user's job ("User works as a nurse"), and the employer right after it."""
    words = words_until_stop(m.group("v"), JOB_STOPS)
    if words and words[0].lower() in {"a", "an", "the"}:
        words = words[1:]
    if not words or len(words) > 4 or words[0].lower() in VAGUE_WORDS:
        return []
    job = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return [Slot("job", job, _job_text(job)), *_employer_after(m, ctx, len(words))]


def read_job_is(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """A job from "User is a nurse", only when the last word is a known job title."""
    words = words_until_stop(m.group("v"), JOB_STOPS)
    if not words or len(words) > 4:
        return []
    head = words[-1].lower().rstrip(".")
    if head not in JOBS and not head.endswith(("ologist", "ician")):
        return []
    return read_job_as(m, ctx)


def _employer_after(m: re.Match[str], ctx: ReadContext, n_words: int) -> list[Slot]:
    # "a nurse at the General Hospital": the words right after the job name the employer.
    words = m.group("v").split()
    skip = 1 if words and words[0].lower() in {"a", "an", "the"} else 0
    after = re.match(r"(?:at|for|with)\s+(?P<v>.+)", " ".join(words[skip + n_words :]))
    return read_employer(after, ctx) if after else []


def read_employer(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """Where the user works ("User works at Siemens")."""
    org = organisation(m.group("v"), ctx)
    return [Slot("employer", org, f"User works at {org}.")] if org else []


def read_employed(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """That the user has a job, with no employer named."""
    return [Slot("employer", "", "User has a job.")]


def read_employer_proper(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """An employer the user joined, only when it is a proper noun."""
    org = organisation(m.group("v"), ctx, phrase=False)
    return [Slot("employer", org, f"User works at {org}.")] if org else []


def read_field(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """The field the user works in ("User works in marketing")."""
    words = words_until_stop(m.group("v"), PLACE_STOPS)
    if words and words[0].lower() in {"a", "an", "the"}:
        return read_employer(m, ctx)
    if not words or len(words) > 3 or is_capitalized(words[0]) or words[0].lower() in VAGUE_WORDS:
        return []
    field = " ".join(words).lower()
    return [Slot("job", field, f"User works in {field}.")]


def read_partner_status(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """Married, engaged, single, ... and the partner's name when said."""
    status = fold_case(m.group("st"))
    name = person_name(words_until_stop(optional_group(m, "v"), PLACE_STOPS), ctx, explicit=True)
    if name:
        return [Slot("partner", name, f"User is {status} to {name}.")]
    return [Slot("partner", "", f"User is {status}.")]


def read_partner(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """The user's partner ("User's wife is Lena"), named or not."""
    rel = fold_case(m.group("rel"))
    name = person_name(
        words_until_stop(optional_group(m, "v"), PLACE_STOPS),
        ctx,
        explicit=bool(optional_group(m, "called")),
    )
    if name:
        return [Slot("partner", name, f"User's {rel} is {name}.")]
    return [Slot("partner", "", f"User has {indefinite_article(rel)} {rel}.")]


def read_family(m: re.Match[str], ctx: ReadContext, *, has: bool = False) -> list[Slot]:
    """A relative with a name ("User has a sister named Mia").

    Args:
        m: The rule's match.
        ctx: How the clause is read.
        has: The clause says the user has the relative, so a nameless one counts too.
    """
    rel = FAMILY[fold_case(m.group("rel"))]
    name = person_name(
        words_until_stop(optional_group(m, "v"), PLACE_STOPS),
        ctx,
        explicit=bool(optional_group(m, "called")),
    )
    if name:
        return [
            Slot(f"family:{rel}", name, f"User has {indefinite_article(rel)} {rel} named {name}.")
        ]
    if ctx.loose or has:
        return [Slot(f"family:{rel}", "", f"User has {indefinite_article(rel)} {rel}.")]
    return []  # "my mum is visiting" says nothing new without a name


def read_family_has(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """A relative the user has ("User has a sister"), named or not."""
    return read_family(m, ctx, has=True)


def read_children(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """How many children the user has ("User has two kids")."""
    count, kids = fold_case(m.group("n")), fold_case(m.group("rel"))
    return [Slot("family:children", count, f"User has {count} {kids}.")]


_NTH = {"second": "two", "third": "three", "fourth": "four", "fifth": "five", "sixth": "six"}


def read_nth_child(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """A child born that sets the count ("User's third child was born" -> three)."""
    # "Our third child was born": the count of children changes.
    count = _NTH[fold_case(m.group("n"))]
    return [Slot("family:children", count, f"User has {count} children.")]


def read_pet(m: re.Match[str], ctx: ReadContext, *, own: bool = False) -> list[Slot]:
    """A pet ("User has a dog named Rex", "User has two cats").

    Args:
        m: The rule's match.
        ctx: How the clause is read.
        own: The clause only mentions the pet ("User's dog barks"): kept only with a name.
    """
    said = fold_case(m.group("sp"))
    species = SPECIES[said]
    count = fold_case(optional_group(m, "n"))
    plural_said = said.endswith("s") and species != said
    if count not in {"", "a", "an", "one", "another", "some"} or plural_said:
        plural = said if said.endswith("s") else said + "s"
        return [Slot(f"pet:{species.replace(' ', '_')}", count, f"User has {count} {plural}.")]
    attr = f"pet:{species.replace(' ', '_')}"
    name = person_name(
        words_until_stop(optional_group(m, "v"), PLACE_STOPS)[:1],
        ctx,
        explicit=bool(optional_group(m, "called")),
    )
    if name:
        return [Slot(attr, name, f"User has {indefinite_article(species)} {species} named {name}.")]
    if own:
        return []  # "my dog barks" without a name adds nothing a "has a dog" fact would not
    return [Slot(attr, "", f"User has {indefinite_article(species)} {species}.")]


def read_pet_own(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """A pet mentioned in passing ("User's dog Rex barks"), kept only with its name."""
    return read_pet(m, ctx, own=True)
