"""Words the offline rules know: adverbs, verbs, job titles, kin, pet species, topics.

Pure data for `memlab.llm.offline.extract` and its helpers; no logic beyond `topics_of`.
"""

from __future__ import annotations

import re

from memlab.llm.offline.text import word_set

__all__ = [
    "ADVERBS",
    "CHILDREN_RE",
    "COUNT_RE",
    "ED_BASE_VERBS",
    "EVENT_STOPS",
    "FAMILY",
    "FAMILY_REL",
    "HARD_STOP",
    "IRREGULAR_THIRD_PERSON",
    "JOBS",
    "JOB_STOPS",
    "KEPT_VERBS",
    "NAME_CONNECTORS",
    "NOT_NAMES",
    "NOT_WORK_JOBS",
    "NO_LONGER",
    "PARTNER_REL",
    "PAST_TENSE",
    "PLACE_STOPS",
    "PLAN_STOPS",
    "PREFERENCE_STOPS",
    "SOFT_STOP",
    "SPEAKER_ADVERBS",
    "SPECIES",
    "SPECIES_RE",
    "TIME_WORDS",
    "VAGUE_WORDS",
    "topics_of",
]

NO_LONGER = re.compile(r"\bno\s+longer\b", re.I)
"""Matches "no longer": a fact or memory that says something ended."""
ADVERBS = (
    r"(?:just|really|also|still|now|currently|actually|finally|recently|already|absolutely"
    r"|totally|truly|honestly|definitely|usually|always|only|even|mostly|basically|literally"
    r"|officially|both|all|originally|often|sometimes|seriously|genuinely|happily|newly"
    r"|proudly|so|kinda|kind\s+of|sort\s+of|pretty\s+much)"
)
"""Adverbs that may stand between the subject "User" and the verb (regex alternation)."""
SPEAKER_ADVERBS = rf"(?:{ADVERBS}|no\s+longer|never)"
"""`ADVERBS`, plus "no longer" and "never", between a pronoun and its verb."""
PAST_TENSE = word_set(
    """ran went got saw met took made had did bought won lost began wrote gave found left came
    flew drove ate swam sold built caught taught felt heard kept spent sent told said thought
    brought held became broke chose fell forgot grew knew rode sang sat slept spoke stood threw
    understood woke wore paid fought hid led lent meant rang shot shut stole struck swore tore
    wept wound quit"""
)
"""Irregular past-tense verbs (regular ones end in "-ed")."""
ED_BASE_VERBS = word_set("need feed seed bleed breed speed proceed succeed exceed embed shed wed")
"""Verbs that end in "-ed" without being in the past tense."""
KEPT_VERBS = word_set(
    "will would can cannot could should shall might must may was is has does did had"
)
"""Verbs that stay as they are after the subject "User" (modals and auxiliaries)."""
IRREGULAR_THIRD_PERSON = {
    "am": "is",
    "are": "is",
    "were": "was",
    "have": "has",
    "do": "does",
    "go": "goes",
}
"""Third-person forms that do not add "-s" ("have" -> "has")."""
# A colon between digits is a time ("47:30"), not a stop.
HARD_STOP = re.compile(r"[,;!?()\[\]\"“”]|(?<!\d):|:(?!\d)|\s[-–—]\s|\.(?=\s|$)|\bUser\b(?!'s)")
"""Where a value ends: punctuation, a dash, a colon that is not a time, or "User"."""
SOFT_STOP = re.compile(r"[;!?()\[\]\"“”]|(?<!\d):|:(?!\d)|\s[-–—]\s|\.(?=\s|$)|\bUser\b(?!'s)")
"""`HARD_STOP` without the comma, for values that are lists ("hiking, sushi and jazz")."""
_CLAUSE_WORDS = (
    "and but or because since so though although while whereas when whenever where which who"
    " whom that if unless until after before as than except"
)
_LINKS = word_set(_CLAUSE_WORDS)
TIME_WORDS = word_set(
    "last next this yesterday today tomorrow tonight now ago recently currently already anymore"
    " soon again these nowadays lately"
)
"""Words that say when ("last", "yesterday", "soon"); they end a value."""
PLACE_STOPS = _LINKS | TIME_WORDS | word_set("with for to from at by on in about during")
"""Words that end a place or organisation ("Porto for work" -> "Porto")."""
JOB_STOPS = PLACE_STOPS | frozenset({"of"})
"""Words that end a job title (`PLACE_STOPS` and "of")."""
PREFERENCE_STOPS = (_LINKS - {"and", "or"}) | TIME_WORDS | word_set("especially very too")
"""Words that end the list of things a user likes or dislikes."""
PLAN_STOPS = _LINKS - {"and", "as", "after", "before", "until", "when", "that", "where"}
"""Words that end what a plan is about."""
EVENT_STOPS = PLAN_STOPS | {"and"}
"""Words that end what a dated event is about."""
NAME_CONNECTORS = word_set("de da do dos das del della di la le von van der den of upon am y &")
"""Lowercase words inside proper nouns ("Rio de Janeiro", "Ludwig van Beethoven")."""
NOT_NAMES = word_set(
    """i user good fine great ok okay sorry back here home done ready tired happy sure well so
    just not new english american british french german spanish portuguese italian chinese
    japanese indian canadian australian irish scottish dutch swedish brazilian mexican
    monday tuesday wednesday thursday friday saturday sunday"""
)
"""Capitalized words after "I'm" that are not a name ("I'm Good", "I'm English")."""
VAGUE_WORDS = word_set(
    """it that this them you him her these those everything something anything everyone
    everybody someone somebody what how when there here so very lot much them themselves too
    user one"""
)
"""Pronouns and fillers that never are a value ("I love it")."""
JOBS = word_set(
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
"""Job titles: "User is a nurse" is a job only when the last word is one of these."""
NOT_WORK_JOBS = frozenset({"student", "intern", "retiree", "homemaker", "postdoc"})
"""Job titles said with "is", not "works as" ("User is a student.")."""
PARTNER_REL = r"(?:wife|husband|partner|spouse|boyfriend|girlfriend|fianc[ée]e?)"
"""Words for a partner (regex alternation)."""
FAMILY = {
    "sister": "sister", "brother": "brother", "mother": "mother", "mom": "mother",
    "mum": "mother", "father": "father", "dad": "father", "son": "son",
    "daughter": "daughter", "grandmother": "grandmother", "grandma": "grandmother",
    "grandfather": "grandfather", "grandpa": "grandfather", "aunt": "aunt", "uncle": "uncle",
    "cousin": "cousin", "niece": "niece", "nephew": "nephew", "twin": "twin", "kid": "child",
    "child": "child", "baby": "baby", "stepmother": "stepmother", "stepfather": "stepfather",
}  # fmt: skip
"""Words for a relative, mapped to the attribute's name ("mum" -> "mother")."""
FAMILY_REL = "(?:" + "|".join(sorted(FAMILY, key=len, reverse=True)) + ")"
"""The words of `FAMILY` as a regex alternation, longest first."""
CHILDREN_RE = r"(?:kids|children|sons|daughters|grandchildren|grandkids)"
"""Plural words for children (regex alternation)."""
SPECIES = {
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
"""Words for a pet, mapped to its species ("puppy" -> "dog")."""
SPECIES_RE = "(?:" + "|".join(sorted(SPECIES, key=len, reverse=True)) + r")\b"
"""The words of `SPECIES` as a regex alternation, longest first."""
COUNT_RE = r"(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+|another|some)"
"""How many ("a", "two", "3", "another"), as a regex alternation."""
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
