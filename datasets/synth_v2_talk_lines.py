"""What people say to each other in v2's small talk: the sentences `synth_v2_talk` assembles.

Passing mentions of places, jobs and animals that belong to nobody in the chat, everyday
chatter, lead-ins, asides, reactions and session openings. Lives beside the generator only.
"""

from __future__ import annotations

PASSING = (
    "I watched a documentary about {city} last night and now I weirdly want to visit, which "
    "is funny because I know nothing about it.",
    "{other} from the old office keeps sending me photos of {city}, I think {she}'s trying to "
    "convince everyone to move there.",
    "The radio was doing a whole segment on {job}s this morning, apparently nobody wants to "
    "train as one any more.",
    "There's a new {cuisine} place on the corner by the bus stop, the queue was out the door "
    "again, I have no idea if it's any good.",
    "My neighbour's {species} escaped again, the whole street was out looking for it in their "
    "slippers, it was honestly quite sweet.",
    "I overheard someone on the train saying they'd quit their job to do {hobby} full time, "
    "and part of me was jealous for a second.",
    "Someone left a flyer for a {hobby} club on the windscreen, I'm not joining, but I kept it "
    "on the fridge for some reason.",
    "A man at the bakery told me his whole life story, he grew up in {city} and works for "
    "{employer}, and I just wanted a loaf of bread.",
    "{other} was telling me about {her} cousin who's a {job}, the hours sound awful, I don't "
    "know how anyone does it.",
    "I saw a flat advertised in {city} for half what people pay round here, which made me "
    "laugh, not that I'm going anywhere.",
    "The quiz at the pub had a whole round on {city}, we came fourth out of six, which is "
    "about what we deserved.",
    "Somebody at the gym was going on about {cuisine} food for twenty minutes, I nodded a lot "
    "and then forgot everything they said.",
    "My feed is full of people running marathons and adopting {species}s, it's exhausting "
    "just scrolling through it.",
    "{other} is thinking about applying to {employer}, {she} asked me what I thought and I had "
    "absolutely nothing useful to say.",
)
"""Sentences that mention places, jobs and animals that belong to nobody in the chat."""

EVERYDAY = (
    "It's been one of those weeks where every day feels like a Monday, I'm running on coffee "
    "and stubbornness at this point.",
    "The weather can't make up its mind, I left the house in a coat and came back carrying it "
    "like a sack of potatoes.",
    "I finally sorted out the cupboard under the stairs, found three phone chargers and a "
    "birthday card I never sent.",
    "Did you see the match at the weekend? I only caught the second half but the last ten "
    "minutes were ridiculous.",
    "I keep meaning to read more and then I end up watching cooking videos until midnight, "
    "every single night.",
    "The washing machine started making a noise like a helicopter, so that's my evening "
    "sorted, me and the manual.",
    "I tried one of those meal kits, the portions were tiny and it came with more cardboard "
    "than food.",
    "Not much news on my side really, work, sleep, the odd walk if it isn't raining sideways.",
    "I've been trying to go to bed earlier, which lasted exactly two nights before I fell back "
    "into old habits.",
    "The bins didn't get collected again, the whole street smells like a festival on its last day.",
    "I spent most of Sunday on the sofa under a blanket and I regret absolutely nothing about it.",
    "My phone decided to update itself overnight and now nothing is where it used to be, I "
    "hate it.",
    "There were roadworks on the way in again, some days it feels like they dig the same hole "
    "every month.",
    "I've got a stack of post I'm pretending not to see, I'll deal with it when it starts to "
    "lean over.",
    "We had a power cut for about an hour last night and honestly it was nice, candles and "
    "no screens for once.",
    "I bought a plant to cheer the place up and I'm already worried I'm going to kill it.",
    "The new series everyone's been talking about is fine, I guess, I don't see what the fuss "
    "is about yet.",
    "Traffic was so bad I listened to an entire podcast about volcanoes before I got anywhere "
    "near the office.",
    "I made soup from whatever was left in the fridge and it was either genius or a crime, "
    "I genuinely can't tell.",
    "Someone in the group chat started a debate about whether a hot dog is a sandwich and it "
    "has been going for three days.",
    "I went for a walk at lunch and got caught in the one ten-minute downpour of the whole "
    "day, obviously.",
    "The printer at work has developed a personality and it does not like me, not one bit.",
    "I've started writing a to-do list every morning, mostly so I can enjoy crossing off "
    "'write a to-do list'.",
    "The cat from two doors down has decided our doormat is hers now, and who am I to argue.",
    "I tried a new route to the shops and discovered a tiny bookshop I'd walked past for "
    "years without noticing.",
    "My back has been complaining since I moved the sofa on my own, which was, in hindsight, "
    "a silly idea.",
    "I had the strangest dream about being late for an exam in a subject I never studied, "
    "woke up genuinely stressed.",
    "The heating's been on the blink, so I've been wearing two jumpers indoors like a "
    "Victorian ghost.",
    "Spent the evening on the phone with the bank, forty minutes of hold music for a "
    "two-minute answer.",
    "I finally finished that jigsaw, the last piece was missing, of course, it was under the "
    "radiator.",
)
"""Everyday chatter with nothing worth remembering."""

OPENERS = (
    "Anyway,",
    "Oh, and",
    "Honestly,",
    "So,",
    "Right, so",
    "Okay, random one, but",
    "Funny thing,",
    "By the way,",
    "Not to change the subject, but",
    "Before I forget,",
    "",
    "",
    "",
    "",
)
"""Lead-ins people put before a sentence (empty most of the time)."""

ASIDES = (
    "",
    "",
    "",
    " Anyway, how are things with you?",
    " But that's enough about that.",
    " Sorry, I'm rambling a bit today.",
    " Life, eh.",
    " I don't know why I'm telling you this.",
    " Make of that what you will.",
    " Long story, I'll tell you properly some other time.",
)
"""Tails people add after a sentence."""

REACTIONS = (
    "Ha, that sounds about right, honestly I think everyone is having that kind of week at "
    "the moment.",
    "That made me laugh, you always end up in the strangest situations.",
    "Oh, I know exactly what you mean, I had almost the same thing happen a while back.",
    "Haha, classic, I can picture your face as you're telling me this.",
    "Same here, to be honest, I keep telling myself next month will be calmer and it never is.",
    "Ha, of course it did, that's just how these things go.",
    "Life's never boring with you, is it.",
    "Mm, fair enough, I'd probably have done exactly the same.",
    "Ha, I can just picture it, honestly.",
    "Oh, that's very you, I love it.",
)
"""What the other person says back to chatter (fits whatever was said)."""
NEWS = (
    "That's brilliant news, I'm really pleased for you, you've been talking about it for ages.",
    "Wait, really? I didn't see that coming at all, tell me more next time we talk.",
    "Good for you, honestly, I'd never have had the nerve to do that.",
    "Oh, that's lovely, send me a photo when you get a chance, I want to see.",
    "No way! That's huge, how are you feeling about it?",
    "Oh wow, a lot is happening for you at the moment, isn't it.",
    "Mm, I'm not sure I'd have done the same, but I can see why you did.",
)
"""What the other person says back to news."""

FOLLOW_UPS = (
    "",
    "",
    " How's everything else going?",
    " Are you still okay for the weekend?",
    " Did you ever sort out that other thing?",
    " Anyway, I'm around all evening if you want to vent.",
    " Tell me properly when we see each other.",
)
"""What a friend sometimes adds after a reaction."""

HELLOS = ("Hey!", "Hi,", "Morning!", "Evening!", "Hello again!", "Hey you,", "Hiya,", "Oh hi,")
CATCH_UP = (
    "sorry I went quiet for a bit, things have been a lot lately.",
    "long time no talk, I feel like I've been living under a rock for weeks.",
    "I've got about twenty minutes before my next thing, so let's catch up.",
    "finally sat down with a cup of tea, what's new with you?",
    "I was just thinking about you and realised we hadn't spoken in a while.",
    "I've got a few bits of news and a question, but you first.",
    "quick one, I'm on the bus, so forgive the typos.",
    "how was your weekend? Mine went by in about five minutes.",
    "I'm avoiding some work, so you're my excuse for the next half hour.",
    "it's been a strange few days, tell me something normal.",
)
"""How a session opens between two people: a hello, then a reason to talk."""
