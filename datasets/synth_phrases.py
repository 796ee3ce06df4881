"""Phrasings of every kind of fact, update and distractor the synthetic generator writes.

Lives beside the generator only: the memlab package never imports or reads it (so the offline
model cannot be tuned to these exact sentences). Each kind has at least six phrasings; the
placeholders are filled from a persona's context (see `synth_persona.Persona.context`). The
longest lists, the facts and the distractors, live in `synth_phrases_facts` and
`synth_phrases_traps`; this module re-exports them so callers read everything as `ph.NAME`.
"""

from __future__ import annotations

from synth_phrases_facts import FACTS as FACTS
from synth_phrases_traps import QUESTIONS as QUESTIONS
from synth_phrases_traps import TRAPS as TRAPS

CAPTIONS: dict[str, tuple[str, ...]] = {
    "adopt": (
        "a {breed} {young} curled up asleep on a blue blanket",
        "a small {breed} {young} chewing a rope toy on a kitchen floor",
        "a {breed} {young} peering out of a cardboard box",
    ),
    "pets": (
        "{count_words} {species_pl} huddled together in the sun",
        "{species_pl} eating from a row of bowls",
        "a blurry photo of {species_pl} in a garden",
    ),
    "move": (
        "a living room stacked with cardboard boxes",
        "a set of keys on a wooden table",
        "a view of a street from a new window",
    ),
    "trip": (
        "a screenshot of a flight booking",
        "a travel guidebook open on a bed",
        "a map with a route drawn on it",
    ),
    "hobby": (
        "someone's hands in the middle of {hobby2}",
        "gear for {hobby2} laid out on the floor",
        "a happy selfie after {hobby2}",
    ),
}
"""Captions of photos a user shares with some statements (LoCoMo-style attachments)."""

ACKS: dict[str, tuple[str, ...]] = {
    "generic": (
        "Thanks for telling me — I'll keep that in mind.",
        "Got it. Is there anything you'd like help with around that?",
        "That's good to know!",
        "Noted. How are you feeling about it?",
        "Interesting! Tell me more whenever you like.",
        "I'll remember that. Anything else on your mind today?",
        "Makes sense. Let me know if I can help.",
        "Ha, fair enough!",
    ),
    "good": (
        "Congratulations! That's brilliant news.",
        "Oh, that's wonderful — well done!",
        "Amazing! You must be thrilled.",
        "What a milestone. Congratulations!",
        "That's fantastic. How are you celebrating?",
        "Love that for you!",
    ),
    "sad": (
        "I'm sorry to hear that. That sounds hard.",
        "Oh no, that's rough. Be kind to yourself.",
        "That's a lot to deal with. I'm here if you want to talk it through.",
        "Sorry — that can't be easy.",
        "That sounds tough. How are you holding up?",
        "I'm sorry. Do you want some ideas to take your mind off it?",
    ),
    "pet": (
        "Aww! They sound adorable.",
        "Oh, I love that. Pets make everything better.",
        "That's so sweet. Please give them a scratch from me.",
        "Ha, they sound like real characters!",
        "Adorable. Do they get along with everyone?",
        "What a lovely bunch of animals.",
    ),
    "health": (
        "Sorry to hear that — make sure you rest when you need to.",
        "That sounds frustrating. Have you found anything that helps?",
        "Take it easy. I can suggest some gentle routines if you like.",
        "Good to know, I'll keep it in mind when I suggest things.",
        "That must be tiring. Let me know if you want tips.",
        "Thanks for sharing that. I'll factor it in.",
    ),
}
"""Assistant replies to a user's statement, by mood."""

ACK_MOOD: dict[str, str] = {
    "move": "good",
    "job_change": "good",
    "new_partner": "good",
    "adopt": "pet",
    "pets": "pet",
    "pet_name": "pet",
    "breakup": "sad",
    "trip_cancel": "sad",
    "health": "health",
    "allergy": "health",
    "event": "good",
    "sibling_news": "good",
}
"""Which mood of reply each kind of statement gets (others: generic)."""

FOLLOW_UP_NAME: tuple[str, ...] = (
    "Oh, how exciting! What's {pet_pron_obj} called?",
    "Congratulations! Have you picked a name yet?",
    "Aww. And the name?",
    "That's lovely — what did you name {pet_pron_obj}?",
    "Wonderful! What are you calling {pet_pron_obj}?",
    "So cute. Does {pet_pron} have a name yet?",
)
"""Assistant follow-ups that ask an adopted animal's name within the same session."""

NAME_REPLY: tuple[str, ...] = (
    "{pet_pron_cap}'s called {petname}.",
    "{petname}! It suits {pet_pron_obj}.",
    "We went with {petname}.",
    "{petname}, after much debate.",
    "Officially {petname}, though we mostly shout 'oi'. Kidding. {petname}.",
    "{petname}. My idea, obviously.",
)
"""User answers naming the adopted animal within the same session."""

GREETINGS: tuple[tuple[str, str], ...] = (
    ("Hi again!", "Hi {first}! Good to hear from you. What's new?"),
    ("Hey, it's me.", "Hey {first}! How have things been?"),
    ("Morning!", "Good morning, {first}. What can I do for you today?"),
    ("Evening. Got a minute?", "Always. What's up, {first}?"),
    ("Hello hello.", "Hello! Lovely to see you back, {first}."),
    ("Hi, back again with random questions.", "Ask away, {first}!"),
    ("Hey. Long week.", "Sorry to hear that, {first}. Want to talk it through?"),
    ("Good afternoon!", "Good afternoon, {first}! What's on your mind?"),
)
"""Session openings: user line, assistant line."""

CHITCHAT: tuple[tuple[str, str], ...] = (
    ("It's absolutely pouring down here.", "Perfect weather for staying in, at least."),
    ("I need a holiday. Or a nap. Both.", "Both sound well deserved."),
    ("Did you know octopuses have three hearts?", "I did! And blue blood, too."),
    ("Today felt like three days in one.", "Those days are exhausting. Hope tonight's calm."),
    (
        "I just remembered I left the washing in the machine. Again.",
        "Classic. It'll survive a rewash.",
    ),
    ("Haha, sorry, I'm rambling.", "Ramble away, I'm enjoying it."),
    ("The sunset tonight was unreal.", "Those are the best evenings."),
    ("Why is Monday always so long?", "It's a universal mystery."),
    ("I've been trying to drink more water. Going okay so far.", "Small wins count!"),
    ("My neighbour's been drilling since eight this morning.", "That's a test of patience."),
    ("I can't believe it's nearly the end of the month already.", "Time flies, doesn't it?"),
    ("Anyway, enough about that.", "Happy to talk about anything you like."),
)
"""Small talk pairs with nothing to remember."""

OFF_TOPIC: tuple[tuple[str, str], ...] = (
    ("Can you convert 5 miles to kilometres?", "5 miles is about 8 kilometres."),
    ("Who painted The Night Watch?", "Rembrandt van Rijn, in 1642."),
    ("What's a good synonym for 'happy'?", "Try 'content', 'cheerful' or 'elated'."),
    ("How long should I boil an egg for a runny yolk?", "About six minutes from boiling."),
    ("Who wrote Middlemarch?", "George Eliot — the pen name of Mary Ann Evans."),
    ("Quick one: what's 15% of 80?", "12."),
    ("What's the capital of Australia?", "Canberra, not Sydney, as many people think."),
    (
        "Can you recommend a podcast about history?",
        "Many people enjoy 'The Rest Is History' with Tom Holland and Dominic Sandbrook.",
    ),
    (
        "How do I get red wine out of a carpet?",
        "Blot it, then use cold water and a little washing-up liquid.",
    ),
    ("Who discovered penicillin?", "Alexander Fleming, in 1928."),
    (
        "Give me a word that rhymes with 'orange'.",
        "Nothing rhymes perfectly — 'door hinge' is the usual cheat.",
    ),
    ("What year did the Berlin Wall fall?", "1989."),
    (
        "Can you write me a haiku about Tuesdays?",
        "Tuesday, quiet one — / not the start and not the end, / just a cup of tea.",
    ),
    ("Who is Serena Williams married to?", "Alexis Ohanian, the Reddit co-founder."),
    ("How many teaspoons in a tablespoon?", "Three."),
    ("Is a tomato a fruit?", "Botanically yes; in the kitchen it's treated as a vegetable."),
    (
        "Tell me a fun fact about Marie Curie.",
        "She's the only person to win Nobel Prizes in two different sciences.",
    ),
    ("How do you say 'thank you' in Portuguese?", "'Obrigado', or 'obrigada' if you're a woman."),
)
"""Off-topic requests and answers (some answers name other people)."""

OTHERS: tuple[str, ...] = (
    "My colleague {other} just moved to {other_city}, lucky thing.",
    "My neighbour {other} works as {other_job_a} — the hours are wild.",
    "{other} from work is {other_diet}, so team lunches are always at the falafel place.",
    "My friend {other}'s birthday is in {other_month}; I need to get a present.",
    "{other}, a guy from my old uni, is getting married in {other_city}.",
    "My cousin {other} just adopted a {other_breed}. Photos incoming, apparently.",
    "My flatmate's partner {other} is {other_job_a} and never stops talking about it.",
    "{other} in accounts is running the {other_city} marathon next year.",
)
"""Facts about other people: distractors for the principal's own facts."""
