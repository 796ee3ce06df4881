"""Phrasings of every kind of fact, update and distractor the synthetic generator writes.

Lives beside the generator only: the memlab package never imports or reads it (so the offline
model cannot be tuned to these exact sentences). Each kind has at least six phrasings; the
placeholders are filled from a persona's context (see `synth_persona.Persona.context`).
"""

from __future__ import annotations

FACTS: dict[str, tuple[str, ...]] = {
    "surname": (
        "Call me {first} — {first} {last} if you're being formal.",
        "I'm {first} {last}, by the way; I don't think I ever said my surname.",
        "Officially I'm {first} {last}, but everyone just says {first}.",
        "It's {first} {last} on the booking, if that matters.",
        "My full name's {first} {last} — no relation to the famous one.",
        "Sign the card from {first} {last}, please — that's me.",
    ),
    "home": (
        "I live in {city}, in a little flat near the station.",
        "Sorry for the slow reply, it's been chaos here in {city} — the bins didn't get "
        "collected again.",
        "I've been living in {city} for about {home_years} years now and I still get lost.",
        "Any ideas for a rainy weekend? I'm in {city}, so that's most weekends.",
        "My place in {city} is tiny, but the view over the rooftops makes up for it.",
        "So I'm based in {city} — well, on the edge of it, twenty minutes from the centre.",
    ),
    "move": (
        "Big news: we've moved! I'm living in {new_city} now, boxes everywhere.",
        "The move to {new_city} is finally done, so {city} is officially behind me.",
        "I've left {city} — signed the lease on a flat in {new_city} and got the keys last week.",
        "Writing this from my new kitchen in {new_city}! Still can't find the kettle.",
        "Turns out relocating to {new_city} was the right call; I don't miss {city} at all.",
        "Now that I've settled in {new_city}, I need to find a new dentist. Any tips for "
        "that sort of thing?",
    ),
    "job": (
        "I work as {job_a} at {employer}.",
        "Long day at {employer} — being {job_a} there means the end of the quarter is brutal.",
        "I've been {job_a} for a few years now, currently at {employer}.",
        "My manager at {employer} wants me to present on Friday. Such is life as {job_a}.",
        "Honestly, the best part of working at {employer} is the canteen. The job itself — "
        "I'm {job_a} — is fine too.",
        "By day I'm {job_a} at {employer}; by night I'm a professional sofa tester.",
    ),
    "job_change": (
        "I handed in my notice at {employer}! Starting as {new_job_a} at {new_employer} "
        "next Monday.",
        "First week at {new_employer} done. Being {new_job_a} is so different from my old "
        "role at {employer}.",
        "Guess who got the {new_job} job at {new_employer}? Me! Leaving {employer} after all "
        "this time.",
        "I've switched jobs — I'm {new_job_a} at {new_employer} now.",
        "So the {employer} chapter is over; {new_employer} hired me as {new_job_a}.",
        "New badge, new desk: I officially work at {new_employer} now, as {new_job_a}.",
    ),
    "age": (
        "I'm {age}, so not exactly a spring chicken.",
        "I turned {age} this year and I'm still not over it.",
        "At {age} I figured I'd have my life sorted by now.",
        "Being {age_words} means my knees have opinions about stairs.",
        "I'm {age} and I've only just learned to cook rice properly.",
        "As a {age}-year-old I'm apparently the 'target demographic' for these adverts.",
    ),
    "hometown": (
        "I grew up in {hometown}, so I'm used to this kind of weather.",
        "Back home in {hometown} we'd never queue like this.",
        "My accent gives it away — I'm originally from {hometown}.",
        "Growing up in {hometown} meant every summer was spent at my gran's.",
        "I was born and raised in {hometown} and moved away at eighteen.",
        "{hometown} kid, through and through. It never really leaves you.",
    ),
    "sibling": (
        "My {rel} {sib} is coming to stay this weekend.",
        "I was on the phone with my {rel}, {sib}, for two hours last night.",
        "{sib} — that's my {order} {rel} — borrowed my charger again and never gave it back.",
        "Me and my {rel} {sib} are planning a surprise for Mum's birthday.",
        "My {order} {rel}, {sib}, always beats me at board games.",
        "I have one {rel}, {sib}, and we're pretty close.",
    ),
    "sibling_news": (
        "{sib} got the job — {sib_pron} is going to be {sib_job_a} in {sib_city}!",
        "Talked to {sib} yesterday; {sib_pron} loves being {sib_job_a} out in {sib_city}.",
        "{sib} just sent me photos of {sib_poss} new flat in {sib_city}. Not bad for "
        "{sib_job_a}'s salary!",
        "Proud moment: {sib} qualified as {sib_job_a}. {sib_pron_cap} starts in {sib_city} "
        "next month.",
        "{sib} is flat out at the moment — {sib_job_a}'s hours in {sib_city} are no joke.",
        "Visiting {sib} in {sib_city} soon; {sib_pron}'s working as {sib_job_a} there now.",
    ),
    "friend": (
        "My best friend {friend} dragged me to a pub quiz last night.",
        "{friend} (my best mate since school) says hi, by the way.",
        "I'm seeing {friend}, my closest friend, for brunch on Sunday.",
        "My oldest friend {friend} just got back from travelling and won't stop talking about it.",
        "{friend} and I have been best friends since we were eleven.",
        "My best friend, {friend}, thinks I should take up golf. No chance.",
    ),
    "partner": (
        "My {prel} {partner} and I are celebrating our anniversary soon.",
        "{partner} — my {prel} — cooked dinner tonight, which was a nice surprise.",
        "I've been with my {prel} {partner} for {partner_years} years now.",
        "Me and {partner}, my {prel}, keep arguing about whose turn it is to do the dishes.",
        "My {prel}, {partner}, snores like a chainsaw. Any tips?",
        "Date night with my {prel} {partner} tonight — we're trying the new tapas place.",
    ),
    "breakup": (
        "{partner} and I broke up. It was mutual, but it still stings.",
        "I'm single again — {partner} and I called it off a few weeks ago.",
        "Things with {partner} are over. We split up recently.",
        "So, {partner} moved out. We're not together any more.",
        "I ended things with {partner}. Best for both of us, I think.",
        "Quick update on my love life: there isn't one. {partner} and I split.",
    ),
    "new_partner": (
        "I've started seeing someone new — {new_partner}. Early days!",
        "Okay, don't laugh, but I'm dating again. {new_partner} is lovely.",
        "{new_partner} and I have been on five dates now, so I think it's official.",
        "Met someone at a friend's party: {new_partner}. We're going out properly now.",
        "My new {new_prel}, {new_partner}, is taking me hiking on Saturday.",
        "Things are going really well with {new_partner}, the person I've been seeing.",
    ),
    "pets": (
        "I've got {count_words} {species_pl}, {names_and}, and they rule the house.",
        "The {species_pl} — {names_and} — knocked a plant off the windowsill again.",
        "Feeding time for {names_and}, my {species_pl}, is at seven sharp or there's a riot.",
        "We have {count_words} {species_pl}: {names_and}.",
        "My {species_pl} {names_and} are the loves of my life, don't tell anyone.",
        "{names_and} — my {count_words} {species_pl} — have a vet appointment on Thursday.",
    ),
    "adopt": (
        "We adopted a {young}! {pet_pron_cap}'s a {breed} and already chewed a shoe.",
        "Guess who's a {young} parent now? We picked up a little {breed} from the shelter.",
        "So I finally did it — adopted a {breed} {young}.",
        "Our new {young} arrived yesterday, a tiny {breed} with enormous ears.",
        "The house is chaos: we brought home a {breed} {young} at the weekend.",
        "I'm exhausted, the {young} we adopted cried all night. {pet_pron_cap}'s a {breed}, "
        "very vocal.",
    ),
    "pet_name": (
        "We finally agreed on a name for the {young}: {petname}.",
        "The {young} has a name now — {petname}. A friend suggested it.",
        "Everyone at the park already knows our {young} as {petname}.",
        "{petname} is what we ended up calling the {young}, after a week of arguing.",
        "Meet {petname}! That's the {young}'s name, finally decided.",
        "The {young} answers to {petname} now, mostly when there's food involved.",
    ),
    "cuisine": (
        "Honestly, {cuisine} food is my weakness — I could eat it every day.",
        "If I could only eat one cuisine forever it'd be {cuisine}.",
        "We got {cuisine} takeaway again. My favourite, obviously.",
        "Nothing beats a good {cuisine} meal after a long week.",
        "I'm always the one in the group pushing for {cuisine} when we eat out.",
        "My comfort food? {cuisine}, every time.",
    ),
    "dislike": (
        "I can't stand {dislike}; it ruins any dish for me.",
        "Please never put {dislike} near me. I genuinely hate the stuff.",
        "I picked all the {dislike} off my plate, as usual.",
        "{dislike}: the one food I just can't do.",
        "Not a fan of {dislike} at all — never have been.",
        "The salad was great apart from the {dislike}. Why does everyone love {dislike}?",
    ),
    "music": (
        "I've had {music} on repeat all week.",
        "Nothing gets me through the washing up like {music}.",
        "Went down a {music} rabbit hole on Saturday — so many good albums.",
        "My taste in music? Mostly {music}.",
        "I'd rather listen to {music} than anything in the charts.",
        "Put on some {music} and I'm happy for hours.",
    ),
    "genre": (
        "I'm a sucker for {genre}; I finished another one last night.",
        "Give me {genre} and I'm happy for the whole evening.",
        "My guilty pleasure is {genre}, the more the better.",
        "Spent the whole Sunday on {genre} again. No regrets.",
        "People tease me about my love of {genre}, but it's how I unwind.",
        "Whenever I have a free evening it goes on {genre}.",
    ),
    "drink": (
        "I can't start the day without {drink}.",
        "On my third round of {drink} and it's not even noon.",
        "Whenever I'm at a café I order {drink}, no matter what.",
        "{drink}: basically my personality at this point.",
        "I'm all about {drink}, through and through.",
        "Sat in the garden with {drink} this morning, my usual.",
    ),
    "drink_change": (
        "I've given up {drink}, believe it or not — it's {new_drink} for me now.",
        "New habit: {new_drink} instead of {drink}. My sleep is so much better.",
        "You'd be proud of me, I switched from {drink} to {new_drink}.",
        "These days I'm all about {new_drink}; {drink} was making me jittery.",
        "I've cut out {drink} completely and gone over to {new_drink}.",
        "No more {drink}; it's {new_drink} from now on.",
    ),
    "diet": (
        "I'm {diet}, so restaurant menus are a bit of a minefield.",
        "I've been {diet} for {diet_years} years now, so I'm pretty good with lentils.",
        "The work barbecue will have nothing for me, because I'm {diet}.",
        "As a {diet}, I was thrilled the café finally added a proper option.",
        "I went {diet} a while back and haven't looked back.",
        "Mum still doesn't get that I'm {diet}; she made lamb again.",
    ),
    "allergy": (
        "I'm allergic to {allergen}, so I always check labels.",
        "Had to send my dessert back — it had {allergen} in it and I'm allergic.",
        "My {allergen} allergy means I carry an EpiPen everywhere.",
        "Does satay usually have {allergen} in it? I'm allergic, so I have to ask.",
        "Nobody believes how bad my {allergen} allergy is until they see it.",
        "Since I'm allergic to {allergen}, the office bake sale is a nightmare.",
    ),
    "health": (
        "I've got {cond}, so the cold weather isn't fun.",
        "My {cond_p} has been acting up again this week.",
        "The doctor says my {cond_p} should settle if I'm careful.",
        "I've had {cond} since I was a teenager.",
        "Had to skip the gym — {cond_p} flare-up.",
        "Living with {cond} means I plan my days a bit more carefully.",
    ),
    "hobby_freq": (
        "I {do1} {freq1} a week; {hobby1} is the only thing that clears my head.",
        "Took up {hobby1} last year and now I {do1} {freq1} a week.",
        "{hobby1} is my happy place. I try to {do1} {freq1} a week.",
        "I'm hooked on {hobby1} — I {do1} {freq1} a week without fail.",
        "My week revolves around {hobby1}: I {do1} {freq1} a week.",
        "Without my {hobby1} sessions, {freq1} a week, I'd go mad.",
    ),
    "hobby": (
        "My {hobby2} habit is getting expensive, but I'm hooked.",
        "Can't chat long, I'm about to {do2} — {hobby2} is the best part of my week.",
        "Anyone who knows me knows I'm obsessed with {hobby2}.",
        "I got into {hobby2} during lockdown and never stopped.",
        "Spent the afternoon on {hobby2} — honestly the most relaxing thing I do.",
        "My weekends are mostly {hobby2} these days.",
    ),
    "commute": (
        "My commute is {commute} minutes each way, which is fine with a podcast.",
        "{commute} minutes on the train every morning — I've read so many books.",
        "The commute to work takes me {commute} minutes door to door.",
        "I spend {commute} minutes getting to work, {commute} minutes back. Every day.",
        "My commute is {commute} minutes, so I listen to audiobooks.",
        "Traffic permitting, I'm at work {commute} minutes after I leave the house.",
    ),
    "wake": (
        "I get up at {wake} on weekdays, even when I don't have to.",
        "My alarm goes off at {wake} every workday. Brutal.",
        "Up at {wake} again this morning, like every weekday.",
        "Weekdays start at {wake} for me, no snooze button allowed.",
        "I'm a {wake} riser on workdays, believe it or not.",
        "{wake} alarm, Monday to Friday. I've made peace with it.",
    ),
    "birthday": (
        "My birthday's on {bday}, so start planning!",
        "I'm a {bday} baby, which means my birthday always clashes with something.",
        "Every year on {bday} I treat myself — it's my birthday.",
        "Birthday reminder for future me: {bday}. That's the day.",
        "Mark it down: my birthday is {bday}. Cake is mandatory.",
        "My birthday is {bday}. I'm already dropping hints.",
    ),
    "trip": (
        "I'm planning a trip to {dest} in {month}.",
        "Booked flights to {dest} for {month}! Can't wait.",
        "{month} is going to be all about {dest} — we're going for a week.",
        "Thinking of {dest} in {month}; a friend went last year and loved it.",
        "I've got a week off in {month} and I'm spending it in {dest}.",
        "Counting down to {dest} in {month}. Need to renew my passport first.",
    ),
    "trip_cancel": (
        "The {dest} trip is off, sadly — work won't give me the time.",
        "We had to cancel {dest}. The flights went up and it wasn't worth it.",
        "No {dest} for me in {month} after all; I've called it off.",
        "{dest} is cancelled. I'm gutted.",
        "Bad news — I've cancelled the trip to {dest}.",
        "I scrapped the {dest} plan; money's tight at the moment.",
    ),
    "trip_replace": (
        "We're doing {new_dest} instead, same week in {month}.",
        "So it's {new_dest} in {month} now.",
        "I'm going to {new_dest} instead — cheaper and closer.",
        "Plan B is {new_dest}, still in {month}.",
        "Booked {new_dest} for {month} to make up for it.",
        "{new_dest} it is, then, in {month}.",
    ),
    "event": (
        "I {past} {when}! Still buzzing.",
        "Guess what — I {past} {when}.",
        "{when} I {past}, and I'm still recovering.",
        "Small milestone: I {past} {when}.",
        "So I {past} {when}. Didn't think I had it in me.",
        "You'll laugh, but I {past} {when} and loved every minute.",
    ),
}
"""User statements of each kind of fact, update and dated event."""

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

TRAPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "other_pet": (
        (
            "My neighbour {other} just got a {species} called {trap_pet}.",
            "{other} at work has a {species} named {trap_pet}. Apparently it bites.",
            "Have I told you about my friend {other}'s {species}, {trap_pet}? Total diva.",
        ),
        (
            "What is the name of {name}'s {species}?",
            "What did {name} name {poss} {species}?",
        ),
    ),
    "hypo_pet": (
        (
            "If I ever get a {species}, I'm naming it {trap_pet}.",
            "Imagine owning a {species}. I'd call it {trap_pet}, obviously.",
            "In another life I'd have a {species} called {trap_pet}.",
        ),
        (
            "What is the name of {name}'s {species}?",
            "What is {name}'s {species} called?",
        ),
    ),
    "never_been": (
        (
            "I've never actually been to {country}, believe it or not.",
            "Everyone raves about {country} but I've never been.",
            "{country} is on my list — never made it there yet.",
        ),
        (
            "When did {name} visit {country}?",
            "What did {name} do on {poss} trip to {country}?",
        ),
    ),
    "hypo_home": (
        (
            "If money were no object I'd buy a cottage in {trap_city}.",
            "If I won the lottery, first thing: a flat in {trap_city}.",
            "Daydreaming about a little place in {trap_city}. Not happening, but still.",
        ),
        (
            "Where is {name}'s holiday home?",
            "In which city does {name} own a second home?",
        ),
    ),
    "other_instrument": (
        (
            "My {other_rel} {other} plays the {instrument} in a band. It's loud.",
            "{other} from my building practises the {instrument} every night.",
            "My friend {other} is learning the {instrument}; I've been sent recordings.",
        ),
        (
            "Which instrument does {name} play?",
            "How long has {name} been playing the {instrument}?",
        ),
    ),
    "no_kids": (
        (
            "We don't have kids, and honestly I like it that way.",
            "No kids for me, not yet anyway.",
            "People keep asking when I'll have kids. Not any time soon!",
        ),
        (
            "What are the names of {name}'s children?",
            "How old is {name}'s eldest child?",
        ),
    ),
}
"""Distractor statements that look like facts of the principal, and the abstention questions
they invite (negations, hypotheticals, other people's facts)."""

QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "Do you think it's worth getting travel insurance for a short trip?",
        "Usually yes — it's cheap compared with one cancelled flight.",
    ),
    (
        "Should I learn to cook properly this year?",
        "Start with five dishes you love; it snowballs from there.",
    ),
    ("Is it weird to eat cereal for dinner?", "Not at all. It's a time-honoured tradition."),
    (
        "Would you rather live by the sea or in the mountains?",
        "I'd pick the sea, but I can see the appeal of both.",
    ),
    ("Do people still send postcards?", "Some do, and they're always appreciated."),
    (
        "What if I quit everything and opened a bakery?",
        "Plenty of people dream of it — try a weekend market stall first.",
    ),
    ("Is five hours of sleep enough?", "For most adults, no; seven to nine is the usual advice."),
    ("Should I get a plant for my desk?", "A pothos is hard to kill, if you want one."),
)
"""Questions from the user that assert nothing about them."""
