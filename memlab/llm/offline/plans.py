"""Slot handlers for tastes, diet, plans and retractions ("I quit my job", "my dog died")."""

from __future__ import annotations

import re
from dataclasses import replace

from memlab.llm.offline.text import (
    FUTURE_RE,
    fold_case,
)
from memlab.llm.offline.values import (
    ReadContext,
    Slot,
    SlotHandler,
    is_capitalized,
    optional_group,
    organisation,
    person_name,
    slot_key,
    their_own,
    words_until_stop,
)
from memlab.llm.offline.vocab import (
    PLACE_STOPS,
    PLAN_STOPS,
    PREFERENCE_STOPS,
    VAGUE_WORDS,
)

__all__ = [
    "negate_text",
    "read_allergy",
    "read_breakup",
    "read_considering",
    "read_diet",
    "read_dislikes",
    "read_favorite",
    "read_going",
    "read_job_lost",
    "read_likes",
    "read_plan",
    "read_planned_thing",
    "read_progressive",
    "read_quit_org",
    "read_will",
    "retracting",
]

_PREF_VERBS = {
    "love": "loves", "like": "likes", "enjoy": "enjoys", "adore": "adores", "into": "is into",
    "fan": "is a fan of", "passionate": "is passionate about", "obsessed": "is obsessed with",
    "fond": "is fond of", "crazy": "is crazy about", "keen": "is keen on", "hate": "hates",
    "dislike": "dislikes", "detest": "dislikes", "loathe": "dislikes", "not": "does not like",
    "stand": "cannot stand",
}  # fmt: skip


def _pref_items(raw: str) -> list[str]:
    head = " ".join(words_until_stop(raw, PREFERENCE_STOPS, soft=True))
    head = re.sub(r"\s+(?:a\s+lot|so\s+much|very\s+much)$", "", head)
    items = re.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*", head)
    out = []
    for item in items[:4]:
        words = item.split()
        if not words or len(words) > 6 or words[0].lower() in VAGUE_WORDS or not slot_key(item):
            continue
        out.append(their_own(item))
    return out


def _preference(m: re.Match[str], ctx: ReadContext, *, positive: bool) -> list[Slot]:
    predicate = fold_case(m.group("pred")).split()
    verb = next((_PREF_VERBS[w] for w in predicate if w in _PREF_VERBS), None)
    verb = verb or next(
        (_PREF_VERBS[w.rstrip("s")] for w in predicate if w.rstrip("s") in _PREF_VERBS), None
    )
    verb = verb or ("likes" if positive else "dislikes")
    kind = "likes" if positive else "dislikes"
    return [
        Slot(f"{kind}:{slot_key(i)}", i, f"User {verb} {i}.") for i in _pref_items(m.group("v"))
    ]


def read_likes(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """What the user likes ("User loves hiking and sushi")."""
    return _preference(m, ctx, positive=True)


def read_dislikes(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """What the user dislikes ("User cannot stand olives")."""
    return _preference(m, ctx, positive=False)


def read_favorite(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """A favourite thing of a category ("User's favorite band is Muse")."""
    category = " ".join(fold_case(m.group("cat")).split())
    items = _pref_items(m.group("v"))
    if not items or not slot_key(category):
        return []
    return [
        Slot(
            f"favorite:{slot_key(category)}", items[0], f"User's favorite {category} is {items[0]}."
        )
    ]


def read_allergy(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """What the user is allergic to."""
    return [
        Slot(f"allergy:{slot_key(i)}", i, f"User is allergic to {i}.")
        for i in _pref_items(m.group("v"))
    ]


def read_diet(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """The user's diet ("vegetarian", "gluten-free")."""
    diet = " ".join(fold_case(m.group("v")).split())
    return [Slot("diet", diet, f"User is {diet}.")]


def _plan_words(raw: str) -> str:
    return their_own(" ".join(words_until_stop(raw, PLAN_STOPS)[:12]))


def _plan_slot(action: str, text: str) -> list[Slot]:
    key = slot_key(action)
    return [Slot(f"plan:{key}", action, text)] if key else []


def read_plan(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """A plan said with "to" ("User plans to visit Kyoto")."""
    action = _plan_words(m.group("v"))
    verb = fold_case(m.group("pred")).split()[-1]
    verb = {"planning": "plans", "plan": "plans", "intending": "intends", "intend": "intends",
            "hoping": "hopes", "hope": "hopes", "aiming": "aims", "aim": "aims",
            "preparing": "plans", "want": "wants"}.get(verb, verb)  # fmt: skip
    return _plan_slot(action, f"User {verb} to {action}.") if action else []


def read_planned_thing(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """A plan whose object is a noun ("User is planning a trip to Kyoto")."""
    # "I'm planning a trip to Kyoto": a plan whose object is a noun, not "to <verb>".
    action = _plan_words(m.group("v"))
    if len(action.split()) < 2:
        return []
    return _plan_slot(f"plan {action}", f"User is {fold_case(m.group('act'))} {action}.")


def read_considering(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """A plan under consideration ("User is thinking about a PhD")."""
    action = _plan_words(m.group("v"))
    return _plan_slot(action, f"User is thinking about {action}.") if action else []


def read_going(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """A plan said with "going to", when it names a place or says when."""
    action = _plan_words(m.group("v"))
    if not action or action[0].isdigit():
        return []
    if is_capitalized(action) or action.split()[0].lower() in {
        "a",
        "an",
        "the",
        "their",
        "some",
        "this",
    }:
        action = f"go to {action}"
    elif not (ctx.loose or FUTURE_RE.search(ctx.clause)):
        return []  # "I'm going to cry" is not a plan; a plan says when
    return _plan_slot(action, f"User plans to {action}.")


def read_will(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """A plan said with "will", when the clause says when."""
    action = _plan_words(m.group("v"))
    if not action or action[0].isdigit() or not (ctx.loose or FUTURE_RE.search(ctx.clause)):
        return []
    return _plan_slot(action, f"User will {action}.")


def read_progressive(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """A plan in the progressive ("User is flying to Rome next week"), when it says when."""
    if fold_case(m.group("ing")) in {
        "going",
        "planning",
        "thinking",
        "hoping",
        "living",
        "working",
    }:
        return []
    if not FUTURE_RE.search(ctx.clause):
        return []
    action = f"{fold_case(m.group('ing'))} {_plan_words(m.group('v'))}".strip()
    return _plan_slot(action, f"User is {action}.")


def retracting(handler: SlotHandler) -> SlotHandler:
    """The handler's slots turned into retractions ("User no longer has a dog named Rex.")."""

    def negated(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
        return [replace(s, negated=True, text=negate_text(s.text)) for s in handler(m, ctx)]

    return negated


def read_job_lost(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """The end of a job ("User quit their job at Deloitte", "User was laid off")."""
    org = organisation(optional_group(m, "v"), ctx) if optional_group(m, "v") else None
    if org:
        return [Slot("employer", org, f"User no longer works at {org}.", negated=True)]
    return [Slot("employer", "", "User no longer has a job.", negated=True)]


def read_quit_org(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """The end of work at a named organisation ("User resigned from Deloitte")."""
    org = organisation(m.group("v"), ctx, phrase=False)
    return [Slot("employer", org, f"User no longer works at {org}.", negated=True)] if org else []


def read_breakup(m: re.Match[str], ctx: ReadContext) -> list[Slot]:
    """The end of a relationship, with the partner's name when said."""
    name = person_name(words_until_stop(optional_group(m, "v"), PLACE_STOPS), ctx, explicit=True)
    text = (
        f"User no longer has a partner named {name}." if name else "User no longer has a partner."
    )
    return [Slot("partner", name or "", text, negated=True)]


def negate_text(text: str) -> str:
    """A slot text said as ended ("User has a dog." -> "User no longer has a dog.")."""
    if re.match(r"User(?:'s [^.]*?)? is ", text):
        return re.sub(r"\bis ", "is no longer ", text, count=1)
    if text.startswith("User will "):
        return text.replace("User will ", "User will no longer ", 1)
    return re.sub(r"^User ", "User no longer ", text, count=1)
