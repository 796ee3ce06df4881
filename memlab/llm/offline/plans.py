"""Slot handlers for tastes, diet, plans and retractions ("I quit my job", "my dog died")."""

from __future__ import annotations

import re
from dataclasses import replace

from memlab.llm.offline.text import (
    FUTURE_RE,
)
from memlab.llm.offline.values import (
    Slot,
    _cap,
    _Ctx,
    _Handler,
    _key,
    _name,
    _opt,
    _org,
    _own,
    _words,
)
from memlab.llm.offline.vocab import (
    _PLACE_STOPS,
    _PLAN_STOPS,
    _PREF_STOPS,
    _VAGUE,
)

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
