"""Words the offline rules know: adverbs, verbs, job titles, kin, pet species, topics.

Pure data for `memlab.llm.offline.extract` and its helpers; no logic beyond `topics_of`.
"""

from __future__ import annotations

import re

from memlab.llm.offline.text import word_set

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
    wept wound quit"""
)
_ED_BASE = word_set("need feed seed bleed breed speed proceed succeed exceed embed shed wed")
_KEEP_VERB = word_set(
    "will would can cannot could should shall might must may was is has does did had"
)
_IRREGULAR = {"am": "is", "are": "is", "were": "was", "have": "has", "do": "does", "go": "goes"}
# A colon between digits is a time ("47:30"), not a stop.
_HARD_STOP = re.compile(r"[,;!?()\[\]\"“”]|(?<!\d):|:(?!\d)|\s[-–—]\s|\.(?=\s|$)|\bUser\b(?!'s)")
_SOFT_STOP = re.compile(r"[;!?()\[\]\"“”]|(?<!\d):|:(?!\d)|\s[-–—]\s|\.(?=\s|$)|\bUser\b(?!'s)")
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
