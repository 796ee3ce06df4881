"""Value pools the synthetic persona generator draws from (names, places, jobs, tastes).

Lives beside the generator only: the memlab package never imports or reads it.
Every pool is a tuple so its order, and hence every draw from a seeded `random.Random`, is fixed.
Names of people live in `synth_pools_names`, tastes, health and events in `synth_pools_life`;
this module re-exports them, so callers read every pool as `pools.NAME`.
"""

from __future__ import annotations

from synth_pools_life import ABSENT_TOPICS as ABSENT_TOPICS
from synth_pools_life import ALLERGENS as ALLERGENS
from synth_pools_life import CONDITIONS as CONDITIONS
from synth_pools_life import CUISINES as CUISINES
from synth_pools_life import DIETS as DIETS
from synth_pools_life import DRINKS as DRINKS
from synth_pools_life import EVENTS as EVENTS
from synth_pools_life import FOOD_DISLIKES as FOOD_DISLIKES
from synth_pools_life import GENRES as GENRES
from synth_pools_life import HOBBIES as HOBBIES
from synth_pools_life import INSTRUMENTS as INSTRUMENTS
from synth_pools_life import MUSIC as MUSIC
from synth_pools_life import WAKE_TIMES as WAKE_TIMES
from synth_pools_names import FIRST_NAMES as FIRST_NAMES
from synth_pools_names import LAST_NAMES as LAST_NAMES
from synth_pools_names import OTHER_NAMES as OTHER_NAMES

CITIES: tuple[str, ...] = (
    "Leeds",
    "Bristol",
    "Manchester",
    "Glasgow",
    "Edinburgh",
    "Cardiff",
    "Belfast",
    "Brighton",
    "Norwich",
    "York",
    "Sheffield",
    "Nottingham",
    "Dublin",
    "Cork",
    "Lisbon",
    "Porto",
    "Barcelona",
    "Valencia",
    "Lyon",
    "Rotterdam",
    "Utrecht",
    "Hamburg",
    "Munich",
    "Copenhagen",
    "Gothenburg",
    "Toronto",
    "Montreal",
    "Vancouver",
    "Seattle",
    "Portland",
    "Denver",
    "Austin",
    "Chicago",
    "Boston",
    "Melbourne",
    "Auckland",
    "Wellington",
    "Cape Town",
    "Singapore",
    "Oxford",
    "Cambridge",
    "Bath",
    "Aberdeen",
    "Galway",
)
"""Cities people live in, grow up in, move to and travel to."""

COUNTRIES: tuple[str, ...] = (
    "Japan",
    "Peru",
    "Iceland",
    "Morocco",
    "Vietnam",
    "Argentina",
    "Norway",
    "Kenya",
    "Mexico",
    "Greece",
    "Croatia",
    "Sri Lanka",
    "Chile",
    "Jordan",
    "Mongolia",
    "Ghana",
)
"""Countries for 'never been to' negations (none holds a city of `CITIES`)."""

JOBS: tuple[str, ...] = (
    "data analyst",
    "primary school teacher",
    "nurse",
    "software engineer",
    "architect",
    "pharmacist",
    "graphic designer",
    "accountant",
    "physiotherapist",
    "chef",
    "journalist",
    "electrician",
    "vet",
    "marketing manager",
    "UX researcher",
    "civil engineer",
    "librarian",
    "paramedic",
    "lab technician",
    "product manager",
    "translator",
    "social worker",
    "carpenter",
    "dental hygienist",
    "project manager",
    "copywriter",
    "sound engineer",
    "museum curator",
    "HR advisor",
    "optometrist",
    "police officer",
    "game designer",
)
"""Job titles (an article is added where a sentence needs one)."""

EMPLOYERS: tuple[str, ...] = (
    "Northwind Logistics",
    "Brightwater Health",
    "Copperleaf Studio",
    "Harbour Bank",
    "Greenfield Academy",
    "Lumen Analytics",
    "Redbrick Housing",
    "Bluebell Pharmacy",
    "Atlas Engineering",
    "Foxglove Media",
    "Ironbridge Council",
    "Willow & Finch",
    "Kestrel Software",
    "Meridian Insurance",
    "Oakridge Hospital",
    "Tidewater Foods",
    "Silverline Rail",
    "Pinecone Games",
    "Starling Architects",
    "Quayside Museum",
    "Heron Labs",
    "Cobalt Energy",
    "Marigold Publishing",
    "Summit Outdoor",
    "Orchard Veterinary",
    "Beacon Charity Trust",
    "Granite Construction",
    "Velvet Audio",
)
"""Fictional employers."""

PET_NAMES: tuple[str, ...] = (
    "Biscuit",
    "Miso",
    "Pepper",
    "Mochi",
    "Juniper",
    "Pickle",
    "Waffles",
    "Luna",
    "Otis",
    "Clementine",
    "Bramble",
    "Noodle",
    "Ziggy",
    "Marmalade",
    "Pumpkin",
    "Figaro",
    "Hazel",
    "Turnip",
    "Dumpling",
    "Basil",
    "Toffee",
    "Nacho",
    "Olive",
    "Pebble",
    "Rocket",
    "Sprout",
    "Teacup",
    "Crumpet",
    "Maple",
    "Bagel",
    "Pixel",
    "Tofu",
    "Gizmo",
    "Wasabi",
    "Custard",
)
"""Pet names."""

LIST_PETS: tuple[tuple[str, str], ...] = (
    ("cat", "cats"),
    ("rabbit", "rabbits"),
    ("guinea pig", "guinea pigs"),
    ("budgie", "budgies"),
    ("chicken", "chickens"),
    ("goldfish", "goldfish"),
)
"""Pets people keep several of: singular, plural."""

ADOPTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("puppy", "dog", ("beagle", "dachshund", "border collie", "cockapoo", "labrador", "whippet")),
    ("kitten", "cat", ("Bengal", "Maine Coon", "tabby", "ragdoll", "Siamese")),
    ("rescue dog", "dog", ("greyhound", "staffie", "lurcher", "spaniel cross")),
)
"""Animals adopted across two turns: what it is called before it has a name, species, breeds."""

OTHER_SPECIES: tuple[str, ...] = (
    "parrot",
    "tortoise",
    "horse",
    "ferret",
    "hamster",
    "iguana",
    "snake",
    "alpaca",
)
"""Animals only other people (or hypotheticals) have: never a principal's pet."""
