"""Fact extraction of the offline model: what a user says about themself, as memory facts.

A message is split into sentences and clauses; questions and hypotheticals are skipped; the
speaker's pronouns are rewritten to a subject "User" ("I'm moving" -> "User is moving", "my
dog" -> "User's dog"); then a table of rules reads slots from the rewritten clause. The same
rules, with the subject left open, read the slot of an already stored memory ("Ana lives in
Porto" -> location), so facts and memories written by anyone can be compared.

Facts are rendered in one convention, third person with the subject "User": "User lives in
Lisbon.", "User no longer has a dog." Public names are re-exported by
`memlab.llm.offline_rules`; import them from there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from memlab.llm.offline_text import (
    DATE_RE,
    FUTURE_RE,
    STOPWORDS,
    split_sentences,
    tokenize_words,
    word_set,
)

__all__ = ["Fact", "Slot", "attribute_of", "extract_facts", "parse_memory", "topics_of"]


@dataclass(frozen=True)
class Fact:
    """One fact about the user read from the conversation by the offline rules.

    Attributes:
        text: The fact in memlab's convention, e.g. "User lives in Lisbon."; a retraction says
            "no longer": "User no longer has a dog."
        attribute: The slot it fills ("location", "employer", "pet:dog", "likes:sushi", …);
            `decide_ops` uses it to find the memory a fact updates.
        topics: Short topic labels ("location", "work", …).
        source_message_ids: Ids of the messages the fact was read from.
    """

    text: str
    attribute: str
    topics: tuple[str, ...] = ()
    source_message_ids: tuple[str, ...] = ()

    @property
    def retraction(self) -> bool:
        """True when the fact withdraws an earlier one ("User no longer lives in Porto.")."""
        return _NO_LONGER.search(self.text) is not None


@dataclass(frozen=True)
class Slot:
    """What the rules read from one statement: slot, value, rendered text, polarity."""

    attribute: str
    value: str
    text: str
    negated: bool = False


@dataclass(frozen=True)
class _Ctx:
    loose: bool  # reading a stored memory (any subject) rather than a user's own words
    caseless: bool  # the writer does not capitalize, so lowercase names are still names
    clause: str


_Handler = Callable[[re.Match[str], _Ctx], list[Slot]]

# --- words ------------------------------------------------------------------------------------

_NO_LONGER = re.compile(r"\bno\s+longer\b", re.I)
_ADV = (
    r"(?:just|really|also|still|now|currently|actually|finally|recently|already|absolutely"
    r"|totally|truly|honestly|definitely|usually|always|only|even|mostly|basically|literally"
    r"|officially|both|all|originally|often|sometimes|seriously|genuinely|happily|newly"
    r"|proudly|so|kinda|kind\s+of|sort\s+of|pretty\s+much)"
)
_SPEAKER_ADV = rf"(?:{_ADV}|no\s+longer|never)"
_PAST = word_set(
    """ran went got saw met took made had did bought won lost began wrote gave found left came
    flew drove ate swam sold built caught taught felt heard kept spent sent told said thought
    brought held became broke chose fell forgot grew knew rode sang sat slept spoke stood threw
    understood woke wore paid fought hid led lent meant rang shot shut stole struck swore tore
    wept wound"""
)
_ED_BASE = word_set("need feed seed bleed breed speed proceed succeed exceed embed shed wed")
_KEEP_VERB = word_set(
    "will would can cannot could should shall might must may was is has does did had"
)
_IRREGULAR = {"am": "is", "are": "is", "were": "was", "have": "has", "do": "does", "go": "goes"}
_HARD_STOP = re.compile(r"[,;:!?()\[\]\"“”]|\s[-–—]\s|\.(?=\s|$)|\bUser\b(?!'s)")
_SOFT_STOP = re.compile(r"[;:!?()\[\]\"“”]|\s[-–—]\s|\.(?=\s|$)|\bUser\b(?!'s)")
_CLAUSE_WORDS = (
    "and but or because since so though although while whereas when whenever where which who"
    " whom that if unless until after before as than except"
)
_LINKS = word_set(_CLAUSE_WORDS)
_TIME_WORDS = word_set(
    "last next this yesterday today tomorrow tonight now ago recently currently already anymore"
    " soon again these nowadays lately"
)
_PLACE_STOPS = _LINKS | _TIME_WORDS | word_set("with for to from at by on in about during")
_JOB_STOPS = _PLACE_STOPS | frozenset({"of"})
_PREF_STOPS = (_LINKS - {"and", "or"}) | _TIME_WORDS | word_set("especially very too")
_PLAN_STOPS = _LINKS - {"and", "as", "after", "before", "until", "when", "that", "where"}
_EVENT_STOPS = _PLAN_STOPS | {"and"}
_CONNECT = word_set("de da do dos das del della di la le von van der den of upon am y &")
_NOT_NAMES = word_set(
    """i user good fine great ok okay sorry back here home done ready tired happy sure well so
    just not new english american british french german spanish portuguese italian chinese
    japanese indian canadian australian irish scottish dutch swedish brazilian mexican
    monday tuesday wednesday thursday friday saturday sunday"""
)
_VAGUE = word_set(
    """it that this them you him her these those everything something anything everyone
    everybody someone somebody what how when there here so very lot much them themselves too
    user one"""
)
_JOBS = word_set(
    """nurse teacher doctor engineer developer programmer designer lawyer accountant student
    chef cook barista waiter waitress architect scientist researcher professor lecturer artist
    writer author journalist photographer dentist pharmacist therapist psychologist consultant
    manager analyst mechanic plumber carpenter firefighter paramedic pilot driver farmer
    librarian cashier clerk secretary salesperson realtor veterinarian vet surgeon intern
    freelancer entrepreneur founder ceo cto cfo director officer soldier detective translator
    tutor coach trainer dancer actor actress singer editor producer banker economist counselor
    counsellor worker assistant technician administrator specialist coordinator executive
    baker butcher tailor hairdresser stylist nanny caregiver midwife janitor receptionist
    guard sailor fisherman builder contractor gardener courier nutritionist dietitian
    influencer streamer blogger podcaster postdoc retiree homemaker cop officer"""
)
_BE_NOT_WORK = frozenset({"student", "intern", "retiree", "homemaker", "postdoc"})
_PARTNER_REL = r"(?:wife|husband|partner|spouse|boyfriend|girlfriend|fianc[ée]e?)"
_FAMILY = {
    "sister": "sister", "brother": "brother", "mother": "mother", "mom": "mother",
    "mum": "mother", "father": "father", "dad": "father", "son": "son",
    "daughter": "daughter", "grandmother": "grandmother", "grandma": "grandmother",
    "grandfather": "grandfather", "grandpa": "grandfather", "aunt": "aunt", "uncle": "uncle",
    "cousin": "cousin", "niece": "niece", "nephew": "nephew", "twin": "twin", "kid": "child",
    "child": "child", "baby": "baby", "stepmother": "stepmother", "stepfather": "stepfather",
}  # fmt: skip
_FAMILY_REL = "(?:" + "|".join(sorted(_FAMILY, key=len, reverse=True)) + ")"
_CHILDREN = r"(?:kids|children|sons|daughters|grandchildren|grandkids)"
_SPECIES = {
    "dog": "dog", "dogs": "dog", "puppy": "dog", "puppies": "dog", "pup": "dog",
    "cat": "cat", "cats": "cat", "kitten": "cat", "kittens": "cat", "kitty": "cat",
    "hamster": "hamster", "hamsters": "hamster", "rabbit": "rabbit", "rabbits": "rabbit",
    "bunny": "rabbit", "bunnies": "rabbit", "parrot": "parrot", "parrots": "parrot",
    "bird": "bird", "birds": "bird", "budgie": "budgie", "budgies": "budgie",
    "goldfish": "fish", "fish": "fish", "turtle": "turtle", "turtles": "turtle",
    "tortoise": "tortoise", "snake": "snake", "snakes": "snake", "lizard": "lizard",
    "gecko": "gecko", "horse": "horse", "horses": "horse", "guinea pig": "guinea pig",
    "guinea pigs": "guinea pig", "ferret": "ferret", "ferrets": "ferret",
    "chickens": "chicken", "chicken": "chicken", "iguana": "iguana",
}  # fmt: skip
_SPECIES_RE = "(?:" + "|".join(sorted(_SPECIES, key=len, reverse=True)) + r")\b"
_COUNT = r"(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+|another|some)"
_TOPICS = {
    "name": "personal", "age": "personal", "location": "location", "origin": "location",
    "job": "work", "employer": "work", "partner": "family", "family": "family", "pet": "pets",
    "likes": "preferences", "dislikes": "preferences", "favorite": "preferences",
    "diet": "food", "allergy": "health", "plan": "plans", "event": "events",
}  # fmt: skip


def topics_of(attribute: str | None) -> tuple[str, ...]:
    """Topic labels of an attribute ("pet:dog" -> ("pets",)); () for an unknown one."""
    topic = _TOPICS.get((attribute or "").partition(":")[0])
    return (topic,) if topic else ()


# --- rewriting a speaker's words ------------------------------------------------------------


_QUOTES = str.maketrans("’‘`", "'" * 3)


def _expand(text: str) -> str:
    t = text.translate(_QUOTES)
    t = re.sub(r"\bcan't\b", "cannot", t, flags=re.I)
    t = re.sub(r"\bwon't\b", "will not", t, flags=re.I)
    t = re.sub(r"\b(\w+)n't\b", r"\1 not", t, flags=re.I)
    for short, full in (("m", "am"), ("re", "are"), ("ve", "have"), ("ll", "will"), ("d", "would")):
        t = re.sub(rf"\b(i|you|we|they)'{short}\b", rf"\1 {full}", t, flags=re.I)
    for lazy, full in (("im", "I am"), ("ive", "I have"), ("dont", "do not"), ("cant", "cannot")):
        t = re.sub(rf"\b{lazy}\b", full, t, flags=re.I)
    return t


def _is_past(word: str) -> bool:
    return word in _PAST or (word.endswith("ed") and len(word) > 3 and word not in _ED_BASE)


def _third_person(verb: str) -> str:
    v = verb.lower()
    if v in _KEEP_VERB or _is_past(v) or v.endswith("ing"):
        return v
    if v in _IRREGULAR:
        return _IRREGULAR[v]
    if v.endswith(("s", "sh", "ch", "x", "z", "o")):
        return v + "es"
    if v.endswith("y") and len(v) > 1 and v[-2] not in "aeiou":
        return v[:-1] + "ies"
    return v + "s"


_SHARED_VERB = (
    r"(?:works?|lives?|has|have|is|am|loves?|likes?|enjoys?|hates?|owns?|moved|started|joined)"
)
_PRONOUNS = {
    "first": (r"i|we", r"my|our", r"\b(?:me|us|Me)\b", r"myself|ourselves", r"mine|ours"),
    "second": (r"you", r"your", r"(?!)", r"yourself|yourselves", r"yours"),
}


def _to_user(clause: str, person: Literal["first", "second"]) -> str:
    """Rewrite the speaker (first person) or the addressee (second person) as "User"."""
    subject, possessive, obj, reflexive, owned = _PRONOUNS[person]
    t = re.sub(r"\b(?:the\s+)?user\b", "User", clause, flags=re.I)
    if person == "first":
        t = re.sub(r"\b(?:please\s+)?call\s+me\b", "User goes by", t, flags=re.I)
    t = re.sub(
        rf"\b(?:{subject})\b((?:\s+{_SPEAKER_ADV})*)\s+([^\W\d_][\w'-]*)",
        lambda m: f"User{m.group(1)} {_third_person(m.group(2))}",
        t,
        flags=re.I,
    )
    # "I live in Porto and work at Google": the second verb keeps the subject of the first.
    t = re.sub(rf"(\bUser\b.*?\s(?:and|but))\s+(?=(?:also\s+)?{_SHARED_VERB}\b)", r"\1 User ", t)
    t = re.sub(rf"\b(?:{possessive})\b", "User's", t, flags=re.I)
    t = re.sub(rf"\b(?:{reflexive})\b", "themselves", t, flags=re.I)
    t = re.sub(rf"\b(?:{owned})\b", "theirs", t, flags=re.I)
    return re.sub(obj, "them", t)


def _own(text: str) -> str:
    # Values keep the user's things readable in the third person: "visit User's mum" ->
    # "visit their mum".
    return re.sub(r"\bUser's\b", "their", text).strip()


# --- values -----------------------------------------------------------------------------------


def _words(raw: str, stops: frozenset[str], *, soft: bool = False) -> list[str]:
    stop = (_SOFT_STOP if soft else _HARD_STOP).search(raw)
    out: list[str] = []
    for word in (raw[: stop.start()] if stop else raw).split():
        if word.lower() in stops:
            break
        out.append(word)
    return out


def _cap(word: str) -> bool:
    return word[:1].isupper() or (word[:1].isdigit() and any(c.isupper() for c in word))


def _proper(words: list[str], ctx: _Ctx, *, limit: int = 4) -> str | None:
    """The leading proper noun of `words` ("Rio de Janeiro", "the Netherlands"), or None."""
    out: list[str] = []
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        proper = _cap(word) and not re.match(r"(?:user\b|i$)", word, re.I)
        joins = (word.lower() in _CONNECT and bool(out)) or (word == "the" and not out)
        if not (proper or (joins and _cap(nxt))):
            break
        out.append(word)
    if out and len(out) <= limit:
        return " ".join(out)
    if ctx.caseless and words and not out:
        lead: list[str] = []
        for word in words[:3]:
            if not word.isalpha() or (word.lower() in STOPWORDS and word.lower() not in _CONNECT):
                break
            lead.append(word if word in _CONNECT else word.capitalize())
        return " ".join(lead) if lead and lead[-1].lower() not in _CONNECT else None
    return None


def _name(words: list[str], ctx: _Ctx, *, explicit: bool) -> str | None:
    # Lowercase writers get their names read only after "named", "called" or "name is".
    name = _proper(words[:3], replace(ctx, caseless=ctx.caseless and explicit), limit=3)
    if not name or name.split()[0].lower() in _NOT_NAMES or name.lower().startswith("the "):
        return None
    return name


def _place(raw: str, ctx: _Ctx) -> str | None:
    words = _words(raw, _PLACE_STOPS)
    place = _proper(words, ctx)
    if place:
        return place
    if words and words[0].lower() in {"a", "an"} and 2 <= len(words) <= 6:
        return _own(" ".join(words))
    return None


def _org(raw: str, ctx: _Ctx, *, phrase: bool = True) -> str | None:
    words = _words(raw, _PLACE_STOPS)
    org = _proper(words, ctx)
    if org:
        return org
    if phrase and words and words[0].lower() in {"a", "an", "the"} and 2 <= len(words) <= 5:
        return _own(" ".join(words))
    return None


def _key(value: str, *, limit: int = 3) -> str:
    words = [w for w in tokenize_words(DATE_RE.sub(" ", value)) if w not in STOPWORDS]
    return "_".join(w.replace("'", "") for w in words[:limit])


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _opt(match: re.Match[str], group: str) -> str:
    return match.groupdict().get(group) or ""


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


_PREF_VERBS = {
    "love": "loves", "like": "likes", "enjoy": "enjoys", "adore": "adores", "into": "is into",
    "fan": "is a fan of", "passionate": "is passionate about", "obsessed": "is obsessed with",
    "fond": "is fond of", "crazy": "is crazy about", "keen": "is keen on", "hate": "hates",
    "dislike": "dislikes", "detest": "dislikes", "loathe": "dislikes", "not": "does not like",
    "stand": "cannot stand",
}  # fmt: skip


def _pref_items(raw: str) -> list[str]:
    head = " ".join(_words(raw, _PREF_STOPS, soft=True))
    head = re.sub(r"\s+(?:a\s+lot|so\s+much|very\s+much)$", "", head)
    items = re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*", head)
    out = []
    for item in items[:4]:
        words = item.split()
        if not words or len(words) > 6 or words[0].lower() in _VAGUE or not _key(item):
            continue
        out.append(_own(item))
    return out


def _preference(m: re.Match[str], ctx: _Ctx, *, positive: bool) -> list[Slot]:
    predicate = m.group("pred").lower().split()
    verb = next((_PREF_VERBS[w] for w in predicate if w in _PREF_VERBS), None)
    verb = verb or next(
        (_PREF_VERBS[w.rstrip("s")] for w in predicate if w.rstrip("s") in _PREF_VERBS), None
    )
    verb = verb or ("likes" if positive else "dislikes")
    kind = "likes" if positive else "dislikes"
    return [Slot(f"{kind}:{_key(i)}", i, f"User {verb} {i}.") for i in _pref_items(m.group("v"))]


def _likes(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    return _preference(m, ctx, positive=True)


def _dislikes(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    return _preference(m, ctx, positive=False)


def _favorite(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    category = " ".join(m.group("cat").lower().split())
    items = _pref_items(m.group("v"))
    if not items or not _key(category):
        return []
    return [
        Slot(f"favorite:{_key(category)}", items[0], f"User's favorite {category} is {items[0]}.")
    ]


def _allergy(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    return [
        Slot(f"allergy:{_key(i)}", i, f"User is allergic to {i}.")
        for i in _pref_items(m.group("v"))
    ]


def _diet(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    diet = " ".join(m.group("v").lower().split())
    return [Slot("diet", diet, f"User is {diet}.")]


def _plan_words(raw: str) -> str:
    return _own(" ".join(_words(raw, _PLAN_STOPS)[:12]))


def _plan_slot(action: str, text: str) -> list[Slot]:
    key = _key(action)
    return [Slot(f"plan:{key}", action, text)] if key else []


def _plan(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    action = _plan_words(m.group("v"))
    verb = m.group("pred").lower().split()[-1]
    verb = {"planning": "plans", "plan": "plans", "intending": "intends", "intend": "intends",
            "hoping": "hopes", "hope": "hopes", "aiming": "aims", "aim": "aims",
            "preparing": "plans", "want": "wants"}.get(verb, verb)  # fmt: skip
    return _plan_slot(action, f"User {verb} to {action}.") if action else []


def _planned_thing(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    # "I'm planning a trip to Kyoto": a plan whose object is a noun, not "to <verb>".
    action = _plan_words(m.group("v"))
    if len(action.split()) < 2:
        return []
    return _plan_slot(f"plan {action}", f"User is {m.group('act').lower()} {action}.")


def _considering(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    action = _plan_words(m.group("v"))
    return _plan_slot(action, f"User is thinking about {action}.") if action else []


def _going(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    action = _plan_words(m.group("v"))
    if not action or action[0].isdigit():
        return []
    if _cap(action) or action.split()[0].lower() in {"a", "an", "the", "their", "some", "this"}:
        action = f"go to {action}"
    elif not (ctx.loose or FUTURE_RE.search(ctx.clause)):
        return []  # "I'm going to cry" is not a plan; a plan says when
    return _plan_slot(action, f"User plans to {action}.")


def _will(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    action = _plan_words(m.group("v"))
    if not action or action[0].isdigit() or not (ctx.loose or FUTURE_RE.search(ctx.clause)):
        return []
    return _plan_slot(action, f"User will {action}.")


def _progressive(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    if m.group("ing").lower() in {"going", "planning", "thinking", "hoping", "living", "working"}:
        return []
    if not FUTURE_RE.search(ctx.clause):
        return []
    action = f"{m.group('ing').lower()} {_plan_words(m.group('v'))}".strip()
    return _plan_slot(action, f"User is {action}.")


def _retract(handler: _Handler) -> _Handler:
    def negated(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
        return [replace(s, negated=True, text=_negate(s.text)) for s in handler(m, ctx)]

    return negated


def _job_lost(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    org = _org(_opt(m, "v"), ctx) if _opt(m, "v") else None
    if org:
        return [Slot("employer", org, f"User no longer works at {org}.", negated=True)]
    return [Slot("employer", "", "User no longer has a job.", negated=True)]


def _quit_org(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    org = _org(m.group("v"), ctx, phrase=False)
    return [Slot("employer", org, f"User no longer works at {org}.", negated=True)] if org else []


def _breakup(m: re.Match[str], ctx: _Ctx) -> list[Slot]:
    name = _name(_words(_opt(m, "v"), _PLACE_STOPS), ctx, explicit=True)
    text = (
        f"User no longer has a partner named {name}." if name else "User no longer has a partner."
    )
    return [Slot("partner", name or "", text, negated=True)]


def _negate(text: str) -> str:
    if re.match(r"User(?:'s [^.]*?)? is ", text):
        return re.sub(r"\bis ", "is no longer ", text, count=1)
    if text.startswith("User will "):
        return text.replace("User will ", "User will no longer ", 1)
    return re.sub(r"^User ", "User no longer ", text, count=1)


# --- the rule table -------------------------------------------------------------------------

_Mode = Literal["subject", "possessive", "floating"]


@dataclass(frozen=True)
class _Rule:
    strict: re.Pattern[str]  # on a speaker's rewritten clause: the subject must be User
    loose: re.Pattern[str] | None  # on a stored memory: any subject, or none
    handle: _Handler
    mode: _Mode


def _rule(mode: _Mode, body: str, handle: _Handler, *, loose: bool = True) -> _Rule:
    prefix = {
        "subject": (rf"\bUser(?:\s+{_ADV})*\s+", r"(?<![\w'])"),
        "possessive": (
            r"\bUser's\s+",
            r"(?:(?<![\w'])[\w]+'s\s+|\b(?:my|your|our)\s+|^\s*)",
        ),
        "floating": (r"(?<![\w'])", r"(?<![\w'])"),
    }[mode]
    strict = re.compile(prefix[0] + body, re.I)
    return _Rule(strict, re.compile(prefix[1] + body, re.I) if loose else None, handle, mode)


_V = r"\s+(?P<v>.+)"
_NAMED = r"(?:\s*,)?(?:\s+(?P<called>is\s+called|is\s+named|named|called|name\s+is))?"
_RETRACTIONS = [
    _rule("possessive", rf"(?:\w+\s+)?(?P<sp>{_SPECIES_RE})(?:\s+(?-i:[A-Z])\w+)?\s+(?:has\s+)?"
          r"(?:died|passed\s+away|ran\s+away|was\s+put\s+down)", _retract(_pet)),
    _rule("subject", r"(?:had\s+to\s+)?(?:lost|gave\s+away|rehomed|gave\s+up|put\s+down|sold)"
          rf"\s+(?:User's|their|a|the)\s+(?:\w+\s+)?(?P<sp>{_SPECIES_RE})", _retract(_pet)),
    _rule("subject", r"(?:quits?|left|lost|resigned\s+from)\s+(?:User's|their|a|the)\s+(?:\w+\s+)?"
          r"job(?:\s+at\s+(?P<v>.+))?", _job_lost),
    _rule("subject", r"(?:quits?|resigned\s+from)" + _V, _quit_org),
    _rule("subject", r"(?:was|got|has\s+been)\s+(?:fired|laid\s+off|let\s+go|made\s+redundant)"
          r"|is\s+(?:unemployed|jobless|out\s+of\s+work|between\s+jobs)|(?:has\s+)?retired",
          _job_lost),
    _rule("subject", r"(?:has\s+)?moved\s+(?:out\s+of|away\s+from)" + _V, _retract(_location)),
    _rule("subject", r"(?:broke\s+up|split\s+up|separated|has\s+broken\s+up)"
          r"(?:\s+(?:with|from)\s+(?P<v>.+))?", _breakup),
]  # fmt: skip

_RULES = [
    _rule("possessive", rf"(?:\w+\s+)?(?P<sp>{_SPECIES_RE}){_NAMED}(?:\s+(?P<v>.+))?",
          _pet_own),
    _rule("possessive", rf"(?P<sp>{_SPECIES_RE})'s\s+name\s+is" + _V, _pet),
    _rule("possessive", rf"(?P<rel>{_PARTNER_REL}){_NAMED}(?:\s+(?P<v>.+))?", _partner),
    _rule("possessive", rf"(?:older\s+|younger\s+|little\s+|big\s+|twin\s+)?(?P<rel>{_FAMILY_REL})"
          rf"\b{_NAMED}(?:\s+(?P<v>.+))?", _family),
    _rule("possessive", r"(?:first\s+|full\s+)?name\s+is" + _V, _named),
    _rule("possessive", r"age\s+is\s+(?P<v>\d{1,3})\b", _age),
    _rule("possessive", r"(?:all-time\s+|absolute\s+)?(?:favou?rite|fave)\s+(?P<cat>[\w\s-]{1,30}?)"
          r"\s+(?:is|are|has\s+to\s+be|would\s+be)" + _V, _favorite),
    _rule("possessive", r"(?:job|profession|occupation|role|position)\s+is" + _V, _job_as),
    _rule("possessive", r"(?:new\s+)?(?:home|house|apartment|flat)\s+is\s+in" + _V, _location),
    _rule("possessive", r"hometown\s+is" + _V, _origin),
    _rule("subject", r"(?:is\s+called|is\s+named|goes\s+by)" + _V, _named),
    _rule("subject", r"is\s+(?P<v>[^\W\d_][\w'-]*(?:\s+(?-i:[A-Z])[\w'-]*)?(?:\s+from\s+.+)?)"
          r"(?=\s*(?:$|[,.!;]|\s(?:and|from|here|by)\b))", _greeting_name, loose=False),
    _rule("subject", r"(?:is|is\s+turning|turned|turns)\s+(?P<v>\d{1,3})"
          r"(?=\s*(?:$|[,.!;]|years?\b|yo\b|y/o|and\b|now\b|today\b|this\b|last\b|but\b|so\b))",
          _age),
    _rule("subject", r"(?:is|got)\s+(?:happily\s+)?(?P<st>married|engaged|divorced)"
          r"(?:\s+to\s+(?P<v>.+))?", _partner_status),
    _rule("subject", r"is\s+(?P<st>single|divorced|widowed|separated)\b", _partner_status),
    _rule("subject", rf"has\s+(?:got\s+)?an?\s+(?P<rel>{_PARTNER_REL})"
          r"(?:\s+(?P<called>named|called))?(?:\s+(?P<v>.+))?", _partner),
    _rule("subject", rf"has\s+(?:got\s+)?(?P<n>{_COUNT})\s+(?:\w+\s+)?(?P<rel>{_CHILDREN})\b",
          _children),
    _rule("subject", r"has\s+(?:got\s+)?an?\s+(?:older\s+|younger\s+|little\s+|big\s+|twin\s+)?"
          rf"(?P<rel>{_FAMILY_REL})\b(?:\s+(?P<called>named|called))?(?:\s+(?P<v>.+))?",
          _family_has),
    _rule("subject", r"(?:has\s+got|has|owns|adopted|has\s+adopted|got|rescued|bought)\s+"
          rf"(?P<n>{_COUNT})\s+(?:[\w-]+\s+){{0,2}}?(?P<sp>{_SPECIES_RE})"
          r"(?:\s*,)?(?:\s+(?P<called>named|called))?(?:\s+(?P<v>.+))?", _pet),
    _rule("subject", r"(?:lives?|is\s+living|has\s+been\s+living|has\s+lived|resides?|is\s+residing"
          r"|is\s+based|is\s+settled)\s+in" + _V, _location),
    _rule("subject", r"(?:has\s+)?(?:moved|relocated)(?:\s+(?!to\b)[\w'-]+){0,3}?\s+to" + _V,
          _location),
    _rule("subject", r"(?:is|comes?|am|are)\s+(?:originally\s+)?from" + _V, _origin),
    _rule("subject", r"(?:grew\s+up|was\s+born(?:\s+and\s+raised)?|was\s+raised)\s+in" + _V,
          _origin),
    _rule("subject", r"(?:works?|is\s+working|has\s+been\s+working|has\s+worked|is\s+employed"
          r"|got\s+(?:a\s+)?(?:new\s+)?job|started\s+(?:a\s+)?(?:new\s+)?job|started\s+working"
          r"|got\s+hired|was\s+hired)\s+as" + _V, _job_as),
    _rule("subject", r"(?:works?|is\s+working|has\s+been\s+working|has\s+worked|started\s+working"
          r"|is\s+interning|interns?)\s+(?:at|for)" + _V, _employer),
    _rule("subject", r"(?:is\s+employed|got\s+hired|was\s+hired)\s+(?:at|by)" + _V, _employer),
    _rule("subject", r"has\s+an?\s+(?:new\s+)?job\b(?!\s+(?:as|at|with)\b)", _employed),
    _rule("subject", r"(?:joined|has\s+joined|started\s+at)" + _V, _employer_proper),
    _rule("subject", r"(?:works?|is\s+working)\s+in" + _V, _field),
    _rule("subject", r"(?:is|became|has\s+become|was\s+promoted\s+to)\s+(?:an?\s+)?" + r"(?P<v>.+)",
          _job_is),
    _rule("subject", r"is\s+(?:a\s+|now\s+)?(?P<v>vegetarian|vegan|pescatarian|pescetarian"
          r"|gluten-free|lactose\s+intolerant)\b", _diet),
    _rule("subject", r"is\s+allergic\s+to" + _V, _allergy),
    _rule("subject", r"(?P<pred>hates?|dislikes?|detests?|loathes?|(?:does|do)\s+not\s+"
          r"(?:really\s+)?(?:like|enjoy|love)|cannot\s+stand|can\s+not\s+stand|is\s+not\s+"
          r"(?:a\s+(?:big\s+|huge\s+)?fan\s+of|into|fond\s+of))" + _V, _dislikes),
    _rule("subject", r"(?P<pred>loves?|likes?|enjoys?|adores?|is\s+(?:really\s+|so\s+)?into"
          r"|is\s+(?:a\s+)?(?:big\s+|huge\s+|massive\s+)?fan\s+of|is\s+passionate\s+about"
          r"|is\s+obsessed\s+with|is\s+fond\s+of|is\s+crazy\s+about|is\s+keen\s+on)" + _V,
          _likes),
    _rule("subject", r"(?P<pred>(?:is|are)\s+(?:planning|hoping|intending|preparing|aiming)"
          r"|plans?|intends?|hopes?|aims?|wants?)\s+(?:on|to)" + _V, _plan),
    _rule("subject", r"(?:is|are)\s+(?P<act>planning|organi[sz]ing|booking)\s+"
          r"(?P<v>(?:an?|the|their|some)\s.+)", _planned_thing),
    _rule("subject", r"is\s+(?:thinking\s+(?:of|about)|considering|looking\s+forward\s+to)" + _V,
          _considering),
    _rule("subject", r"(?:is|are)\s+going\s+to" + _V, _going),
    _rule("subject", r"will" + _V, _will),
    _rule("subject", r"is\s+(?P<ing>[a-z]+ing)\b(?P<v>.*)", _progressive),
    _rule("floating", r"(?:job|position|role|internship|gig|offer)\s+"
          r"(?:as\s+an?\s+[\w\s-]{1,40}?\s+)?(?:at|with)" + _V, _employer),
]  # fmt: skip

_EVENT = re.compile(rf"\bUser(?:\s+{_ADV})*\s+(?P<v>(?P<verb>[a-z]+)\b.*)", re.I)
_EVENT_LOOSE = re.compile(r"(?<![\w'])(?P<v>(?P<verb>[a-z]+)\b.*)", re.I)
_SUBJECT = re.compile(r"\bUser\b(?!'s)")
_NEGATION = re.compile(
    rf"\bUser(?:\s+{_ADV})*\s+(?:(?:does|do|did|is|am|are|was|has|have|will|would|can|could)"
    r"\s+not|no\s+longer|never)\b|\bany\s*more\b",
    re.I,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|whether|wish(?:es)?|imagine|suppose|pretend|used\s+to)\b", re.I
)
_QUESTION_START = re.compile(
    r"^\W*(?:what|where|when|why|how|who|which|whose|(?:do|does|did|are|were|can|could|would"
    r"|will|should|have|has|is)\s+(?:you|u|it|there|we|they))\b",
    re.I,
)
_CLAUSE_SPLIT = {
    "first": r"i|we|my|our|the\s+user",
    "second": r"you|your|the\s+user",
}


def _unnegate(clause: str) -> str:
    t = re.sub(r"\bno\s+longer\s+|\s*\bany\s*more\b", " ", clause, flags=re.I)
    t = re.sub(r"\b(?:does|do|did)\s+not\s+|\bnever\s+", "", t, flags=re.I)
    t = re.sub(r"\b(is|am|are|was|has|have|will|would|can|could)\s+not\b", r"\1", t, flags=re.I)
    return " ".join(t.split())


def _apply(rules: Sequence[_Rule], text: str, ctx: _Ctx) -> list[Slot]:
    out: list[Slot] = []
    for rule in rules:
        pattern = rule.loose if ctx.loose else rule.strict
        if pattern is None or (
            rule.mode == "floating" and not (ctx.loose or _SUBJECT.search(text))
        ):
            continue
        for match in pattern.finditer(text):
            for slot in rule.handle(match, ctx):
                if slot not in out:
                    out.append(slot)
            if ctx.loose and out:
                return out  # a stored memory names one slot: the first rule that reads one
    return out


def _date_of(text: str) -> str | None:
    for match in DATE_RE.finditer(text):
        date = " ".join(match.group(0).split())
        if not re.match(r"(?:next|tomorrow|tonight|in\s+\d|in\s+an?\s)", date, re.I):
            first, _, rest = date.partition(" ")
            return (first.lower() + (" " + rest if rest else "")).strip()
    return None


def _event(text: str, ctx: _Ctx, date: str | None) -> list[Slot]:
    match = (_EVENT_LOOSE if ctx.loose else _EVENT).search(text)
    while match and ctx.loose and not _is_past(match.group("verb").lower()):
        match = _EVENT_LOOSE.search(text, match.end("verb"))
    if not match or not date or not _is_past(match.group("verb").lower()):
        return []
    action = _own(" ".join(_words(DATE_RE.sub(" ", match.group("v")), _EVENT_STOPS)[:12]))
    key = _key(action, limit=2)
    if not key:
        return []
    date_key = "_".join(tokenize_words(date))
    return [Slot(f"event:{key}@{date_key}", action, f"User {action} {date}.")]


def _clause_slots(clause: str, ctx: _Ctx, date: str | None) -> list[Slot]:
    if not _SUBJECT.search(clause) and "User's" not in clause:
        return []
    if _NEGATION.search(clause):
        dislikes = [s for s in _apply(_RULES, clause, ctx) if s.attribute.startswith("dislikes:")]
        if dislikes:
            return dislikes
        plain = _unnegate(clause)
        slots = _apply(_RULES, plain, replace(ctx, clause=plain))
        return [replace(s, negated=True, text=_negate(s.text)) for s in slots]
    retractions = _apply(_RETRACTIONS, clause, ctx)
    slots = _apply(_RULES, clause, ctx)
    positive = {s.attribute for s in slots}
    slots = [s for s in retractions if s.attribute not in positive] + slots
    return slots or _event(clause, ctx, date)


def _caseless(sentence: str) -> bool:
    body = re.sub(r"\bI\b", "", sentence[1:])
    return not any(ch.isupper() for ch in body)


def _statement_slots(content: str, person: Literal["first", "second"]) -> Iterator[Slot]:
    split = re.compile(
        rf"\s*;\s*|,?\s+(?:and|but|so|because|since|though|although|while|whereas|plus|then)\s+"
        rf"(?=(?:(?:now|then|also|actually|recently|currently)\s+)?(?:{_CLAUSE_SPLIT[person]})\b)"
        rf"|,\s+(?=(?:{_CLAUSE_SPLIT[person]})\b)",
        re.I,
    )
    for sentence in split_sentences(_expand(content)):
        if sentence.endswith("?") or _QUESTION_START.match(sentence):
            continue
        caseless = _caseless(sentence)
        sentence_date = _date_of(sentence)
        for clause in split.split(sentence):
            if not clause.strip() or _HYPOTHETICAL.search(clause):
                continue
            user_clause = _to_user(clause.strip(), person)
            ctx = _Ctx(loose=False, caseless=caseless, clause=user_clause)
            yield from _clause_slots(user_clause, ctx, _date_of(user_clause) or sentence_date)


def extract_facts(
    messages: Sequence[tuple[str, str, str]], *, include_assistant: bool = False
) -> list[Fact]:
    """Read facts about the user from a conversation.

    The user's first-person statements are read: name and age, where they live and come from,
    job and employer, partner and family, pets, likes, dislikes and favourites, diet and
    allergies, plans ("I'm going to Japan next month") and dated events ("last Tuesday I ran a
    marathon"). Retractions ("I no longer have a dog") become facts that say "no longer".
    Questions, greetings, chit-chat and hypotheticals ("if I lived in Paris") yield nothing.

    Args:
        messages: (message_id, role, content) turns in order.
        include_assistant: Also read the assistant's statements about the user, in the second
            person ("So you moved to Lisbon!"); the assistant's own "I" is never the user.

    Returns:
        Facts in order of first mention; a fact said twice is one fact citing both messages.
    """
    facts: list[Fact] = []
    position: dict[str, int] = {}
    for message_id, role, content in messages:
        if role == "user":
            person: Literal["first", "second"] = "first"
        elif role == "assistant" and include_assistant:
            person = "second"
        else:
            continue
        for slot in _statement_slots(content, person):
            if slot.text in position:
                old = facts[position[slot.text]]
                if message_id not in old.source_message_ids:
                    ids = (*old.source_message_ids, message_id)
                    facts[position[slot.text]] = replace(old, source_message_ids=ids)
                continue
            position[slot.text] = len(facts)
            facts.append(Fact(slot.text, slot.attribute, topics_of(slot.attribute), (message_id,)))
    return facts


def parse_memory(text: str) -> Slot | None:
    """Read the slot of a stored memory written by anyone ("Ana moved to Lisbon").

    Args:
        text: A memory text, in the third person ("User lives in Porto.", "Lives in Porto") or
            the first ("I live in Porto").

    Returns:
        The first slot the rules read, marked `negated` for "no longer" and similar
        retractions, or None when no rule applies.
    """
    plain = _to_user(_expand(" ".join(text.split())), "first")
    ctx = _Ctx(loose=True, caseless=_caseless(plain), clause=plain)
    retracted = _apply(_RETRACTIONS, plain, ctx)
    if retracted:
        return retracted[0]
    negated = bool(_NO_LONGER.search(plain) or re.search(r"\bany\s*more\b", plain, re.I))
    if negated:
        plain = _unnegate(plain)
        ctx = replace(ctx, clause=plain)
    found = _apply(_RULES, plain, ctx) or _event(plain, ctx, _date_of(plain))
    return replace(found[0], negated=negated) if found else None


def attribute_of(memory_text: str) -> str | None:
    """The slot an already stored memory fills, so it can be matched with new facts.

    Args:
        memory_text: A memory in any wording ("User lives in Porto.", "Ana works at Siemens").

    Returns:
        The attribute ("location", "employer", "pet:dog", "likes:sushi", …) or None.
    """
    found = parse_memory(memory_text)
    return found.attribute if found else None
