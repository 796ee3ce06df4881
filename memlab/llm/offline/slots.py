"""Slot handlers of the offline rules: who the user is, where they live, work, family, pets.

Each handler gets the match of one rule of the table (`memlab.llm.offline.table`) and returns
the slots it reads, rendered in memlab's convention ("User lives in Lisbon.").
"""

from __future__ import annotations

import re

from memlab.llm.offline.values import (
    Slot,
    _article,
    _cap,
    _Ctx,
    _name,
    _opt,
    _org,
    _place,
    _proper,
    _words,
)
from memlab.llm.offline.vocab import (
    _BE_NOT_WORK,
    _FAMILY,
    _JOB_STOPS,
    _JOBS,
    _PLACE_STOPS,
    _SPECIES,
    _VAGUE,
)

# --- rule handlers ---------------------------------------------------------------------------


def _location(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    place = _place(m.group("v"), ctx)
    if not place or place.lower() in {"here", "there", "home", "town"}:
        return []
    return [Slot("location", place, f"User lives in {place}.")]


def _origin(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    place = _proper(_words(m.group("v"), _PLACE_STOPS), ctx)
    return [Slot("origin", place, f"User is from {place}.")] if place else []


def _named(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    name = _name(_words(m.group("v"), _PLACE_STOPS), ctx, explicit=True)
    if not name:
        return []
    out = [Slot("name", name, f"User's name is {name}.")]
    origin = re.match(r"\s*\S+(?:\s+[A-Z]\S*)*\s+from\s+(?P<v>.+)", m.group("v"))
    return out + (_origin(origin, ctx) if origin else [])


def _greeting_name(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    # "I'm Ana" names the speaker only where an introduction stands: at the start of the
    # clause, after at most a greeting; elsewhere "I'm <Word>" is too often not a name.
    prefix = ctx.clause[: m.start()].strip(" ,!.").lower()
    if ctx.loose or ctx.caseless or prefix not in {"", "hi", "hello", "hey", "hiya", "yo"}:
        return []
    return _named(m, ctx)


def _age(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    years = int(m.group("v"))
    return [Slot("age", str(years), f"User is {years} years old.")] if 0 < years < 120 else []


def _job_text(job: str) -> str:
    head = job.split()[-1].lower()
    verb = "is" if head in _BE_NOT_WORK else "works as"
    return f"User {verb} {_article(job)} {job}."


def _job_as(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    words = _words(m.group("v"), _JOB_STOPS)
    if words and words[0].lower() in {"a", "an", "the"}:
        words = words[1:]
    if not words or len(words) > 4 or words[0].lower() in _VAGUE:
        return []
    job = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return [Slot("job", job, _job_text(job)), *_employer_after(m, ctx, len(words))]


def _job_is(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    words = _words(m.group("v"), _JOB_STOPS)
    if not words or len(words) > 4:
        return []
    head = words[-1].lower().rstrip(".")
    if head not in _JOBS and not head.endswith(("ologist", "ician")):
        return []
    return _job_as(m, ctx)


def _employer_after(m: re.Match[str], ctx: _Ctx, n_words: int) -> list[Slot]:
    # "a nurse at the General Hospital": the words right after the job name the employer.
    words = m.group("v").split()
    skip = 1 if words and words[0].lower() in {"a", "an", "the"} else 0
    after = re.match(r"(?:at|for|with)\s+(?P<v>.+)", " ".join(words[skip + n_words :]))
    return _employer(after, ctx) if after else []


def _employer(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    org = _org(m.group("v"), ctx)
    return [Slot("employer", org, f"User works at {org}.")] if org else []


def _employed(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    return [Slot("employer", "", "User has a job.")]


def _employer_proper(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    org = _org(m.group("v"), ctx, phrase=False)
    return [Slot("employer", org, f"User works at {org}.")] if org else []


def _field(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    words = _words(m.group("v"), _PLACE_STOPS)
    if words and words[0].lower() in {"a", "an", "the"}:
        return _employer(m, ctx)
    if not words or len(words) > 3 or _cap(words[0]) or words[0].lower() in _VAGUE:
        return []
    field = " ".join(words).lower()
    return [Slot("job", field, f"User works in {field}.")]


def _partner_status(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    status = m.group("st").lower()
    name = _name(_words(_opt(m, "v"), _PLACE_STOPS), ctx, explicit=True)
    if name:
        return [Slot("partner", name, f"User is {status} to {name}.")]
    return [Slot("partner", "", f"User is {status}.")]


def _partner(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    rel = m.group("rel").lower()
    name = _name(_words(_opt(m, "v"), _PLACE_STOPS), ctx, explicit=bool(_opt(m, "called")))
    if name:
        return [Slot("partner", name, f"User's {rel} is {name}.")]
    return [Slot("partner", "", f"User has {_article(rel)} {rel}.")]


def _family(m: re.Match[str], ctx: _Ctx, *, has: bool = False) -> list[Slot]:
    rel = _FAMILY[m.group("rel").lower()]
    name = _name(_words(_opt(m, "v"), _PLACE_STOPS), ctx, explicit=bool(_opt(m, "called")))
    if name:
        return [Slot(f"family:{rel}", name, f"User has {_article(rel)} {rel} named {name}.")]
    if ctx.loose or has:
        return [Slot(f"family:{rel}", "", f"User has {_article(rel)} {rel}.")]
    return []  # "my mum is visiting" says nothing new without a name


def _family_has(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    return _family(m, ctx, has=True)


def _children(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    count, kids = m.group("n").lower(), m.group("rel").lower()
    return [Slot("family:children", count, f"User has {count} {kids}.")]


_NTH = {"second": "two", "third": "three", "fourth": "four", "fifth": "five", "sixth": "six"}


def _nth_child(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    # "Our third child was born": the count of children changes.
    count = _NTH[m.group("n").lower()]
    return [Slot("family:children", count, f"User has {count} children.")]


def _pet(m: re.Match[str], ctx: _Ctx, *, own: bool = False) -> list[Slot]:
    said = m.group("sp").lower()
    species = _SPECIES[said]
    count = _opt(m, "n").lower()
    plural_said = said.endswith("s") and species != said
    if count not in {"", "a", "an", "one", "another", "some"} or plural_said:
        plural = said if said.endswith("s") else said + "s"
        return [Slot(f"pet:{species.replace(' ', '_')}", count, f"User has {count} {plural}.")]
    attr = f"pet:{species.replace(' ', '_')}"
    name = _name(_words(_opt(m, "v"), _PLACE_STOPS)[:1], ctx, explicit=bool(_opt(m, "called")))
    if name:
        return [Slot(attr, name, f"User has {_article(species)} {species} named {name}.")]
    if own:
        return []  # "my dog barks" without a name adds nothing a "has a dog" fact would not
    return [Slot(attr, "", f"User has {_article(species)} {species}.")]


def _pet_own(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    return _pet(m, ctx, own=True)
