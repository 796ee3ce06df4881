"""Tastes, health, hobbies and dated events: value pools of the synthetic generator.

Part of `synth_pools`, which re-exports every name. Lives beside the generator only. Every
pool is a tuple so its order, and hence every draw from a seeded `random.Random`, is fixed.
"""

from __future__ import annotations

CUISINES: tuple[str, ...] = (
    "Thai",
    "Mexican",
    "Japanese",
    "Ethiopian",
    "Lebanese",
    "Korean",
    "Italian",
    "Indian",
    "Vietnamese",
    "Greek",
    "Peruvian",
    "Georgian",
    "Sichuan",
    "Turkish",
)
"""Favourite cuisines."""

MUSIC: tuple[str, ...] = (
    "jazz",
    "indie rock",
    "bluegrass",
    "techno",
    "classical music",
    "K-pop",
    "hip hop",
    "folk",
    "soul",
    "heavy metal",
    "reggae",
    "synthpop",
    "Afrobeats",
    "opera",
)
"""Music people love."""

GENRES: tuple[tuple[str, str, str], ...] = (
    ("sci-fi novels", "read", "sci-fi"),
    ("crime thrillers", "read", "crime"),
    ("fantasy books", "read", "fantasy"),
    ("historical fiction", "read", "historical"),
    ("romcoms", "watch", "romcom"),
    ("nature documentaries", "watch", "documentaries"),
    ("Korean dramas", "watch", "Korean drama"),
    ("old westerns", "watch", "westerns"),
    ("graphic novels", "read", "graphic novels"),
    ("poetry", "read", "poetry"),
)
"""Reading or watching tastes: the phrase, the verb a recommendation needs, the key word."""

FOOD_DISLIKES: tuple[str, ...] = (
    "coriander",
    "mushrooms",
    "olives",
    "blue cheese",
    "raisins",
    "anchovies",
    "beetroot",
    "liquorice",
    "marzipan",
    "celery",
    "aubergine",
    "tinned tuna",
)
"""Foods people cannot stand."""

DRINKS: tuple[tuple[str, str], ...] = (
    ("coffee", "green tea"),
    ("espresso", "matcha"),
    ("black tea", "rooibos"),
    ("cola", "sparkling water"),
    ("flat whites", "oat lattes"),
    ("energy drinks", "kombucha"),
    ("builder's tea", "peppermint tea"),
    ("hot chocolate", "chai"),
)
"""A usual drink and what a person switches to when their taste changes."""

DIETS: tuple[str, ...] = ("vegetarian", "vegan", "pescatarian")
"""Diets (the same word is the adjective and the noun)."""

ALLERGENS: tuple[str, ...] = (
    "peanuts",
    "shellfish",
    "sesame",
    "tree nuts",
    "kiwi",
    "eggs",
    "mustard",
)
"""Allergies."""

CONDITIONS: tuple[tuple[str, str, str], ...] = (
    ("asthma", "asthma", "asthma"),
    ("a dodgy knee", "dodgy knee", "knee"),
    ("migraines", "migraines", "migraines"),
    ("hay fever", "hay fever", "hay fever"),
    ("a bad back", "bad back", "back"),
    ("tinnitus", "tinnitus", "tinnitus"),
    ("insomnia", "insomnia", "insomnia"),
    ("eczema", "eczema", "eczema"),
)
"""Health conditions: after 'I've got', after 'my', and the key word an answer needs."""

HOBBIES: tuple[tuple[str, str], ...] = (
    ("bouldering", "go bouldering"),
    ("pottery", "go to pottery class"),
    ("trail running", "go trail running"),
    ("chess", "play chess"),
    ("birdwatching", "go birdwatching"),
    ("sourdough baking", "bake sourdough"),
    ("salsa dancing", "go salsa dancing"),
    ("knitting", "knit"),
    ("open-water swimming", "go open-water swimming"),
    ("woodworking", "do woodworking"),
    ("photography", "go out taking photos"),
    ("gardening", "work on the allotment"),
    ("cycling", "go cycling"),
    ("yoga", "do yoga"),
    ("rowing", "go rowing"),
    ("board games", "play board games"),
    ("life drawing", "go to life drawing"),
    ("five-a-side football", "play five-a-side"),
)
"""Hobbies: the noun, and the verb phrase in the first person."""

INSTRUMENTS: tuple[str, ...] = ("cello", "bagpipes", "saxophone", "harp", "banjo", "trombone")
"""Instruments only other people play (distractors)."""

EVENTS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "ran my first half marathon",
        "run the half marathon",
        "the half marathon",
        ("half marathon",),
    ),
    ("passed my driving test", "pass the driving test", "the driving test", ("driving test",)),
    ("got a tattoo of a swallow", "get the swallow tattoo", "the tattoo", ("tattoo",)),
    (
        "went to my cousin's wedding",
        "go to the cousin's wedding",
        "the cousin's wedding",
        ("cousin's wedding", "wedding"),
    ),
    (
        "gave a talk at a conference",
        "give the conference talk",
        "the conference talk",
        ("conference talk", "talk", "conference"),
    ),
    ("went skydiving for the first time", "go skydiving", "the skydive", ("skydiving", "skydive")),
    ("climbed Snowdon", "climb Snowdon", "climbing Snowdon", ("Snowdon",)),
    (
        "had my wisdom teeth out",
        "have the wisdom teeth out",
        "the wisdom teeth removal",
        ("wisdom teeth",),
    ),
    (
        "passed my Spanish B1 exam",
        "pass the Spanish exam",
        "the Spanish exam",
        ("Spanish exam", "B1 exam"),
    ),
    (
        "went to a sushi-making class",
        "go to the sushi-making class",
        "the sushi class",
        ("sushi-making class", "sushi class"),
    ),
    (
        "saw the northern lights",
        "see the northern lights",
        "the northern lights",
        ("northern lights",),
    ),
    ("won the office pub quiz", "win the pub quiz", "the pub quiz win", ("pub quiz",)),
    (
        "donated blood for the first time",
        "donate blood",
        "giving blood",
        ("donating blood", "blood donation", "gave blood"),
    ),
    (
        "went to a Fleetwood Mac tribute gig",
        "go to the tribute gig",
        "the tribute gig",
        ("tribute gig", "Fleetwood Mac", "gig"),
    ),
)
"""Dated events: first-person past phrase, infinitive for a question, label, answer aliases."""

ABSENT_TOPICS: tuple[tuple[str, str], ...] = (
    ("car", "What car does {name} drive?"),
    ("team", "Which football team does {name} support?"),
    ("school", "What was the name of {name}'s primary school?"),
    ("blood", "What is {name}'s blood type?"),
    ("phone", "What phone does {name} use?"),
    ("grandad", "What is the name of {name}'s grandfather?"),
    ("degree", "What did {name} study at university?"),
    ("shoe", "What is {name}'s shoe size?"),
)
"""Questions about things no conversation ever mentions (abstention)."""

WAKE_TIMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("5:45", ("5:45", "5.45", "quarter to six")),
    ("6:00", ("6:00", "6am", "6 am", "six o'clock", "6 o'clock")),
    ("6:30", ("6:30", "6.30", "half past six")),
    ("6:45", ("6:45", "6.45", "quarter to seven")),
    ("7:00", ("7:00", "7am", "7 am", "seven o'clock", "7 o'clock")),
    ("7:15", ("7:15", "7.15", "quarter past seven")),
    ("5:30", ("5:30", "5.30", "half past five")),
)
"""Weekday wake-up times with the spellings an answer may use."""
