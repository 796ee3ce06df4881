"""A LongMemEval-S-shaped file for scale tests: many questions, each with its own haystack.

    python datasets/generate.py --shape longmemeval-s --out lme_s.json [--questions N]
        [--sessions M]

Writes LongMemEval's published JSON layout (a list of questions with `haystack_sessions` of
`{role, content, has_answer}` turns, `_abs` ids for abstention) with its mix of question types.
As in LongMemEval, haystacks draw their filler sessions from one shared pool; each question adds
its own answer sessions at random places. Deterministic, and streamed to disk so that the
full-size file (about 115k tokens per haystack) does not have to fit in memory twice. Never
committed. Lives beside the generator only.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import synth_pools as pools
import synth_v2_talk as talk
from synth_dates import WEEKDAYS, spellings, words

TYPES = (
    ("single-session-user", 70),
    ("single-session-assistant", 56),
    ("single-session-preference", 30),
    ("multi-session", 133),
    ("knowledge-update", 78),
    ("temporal-reasoning", 133),
)
"""LongMemEval-S's question types and how many of its 500 questions each has."""
ABSTENTION_SHARE = 30 / 500
"""The share of LongMemEval-S questions that are abstention (`_abs`) questions."""
POOL = 600
"""Filler sessions in the shared pool."""
EXCHANGES = (7, 9)
"""User-assistant exchanges per session (inclusive range)."""


def _turn(role: str, content: str, has_answer: bool = False) -> dict[str, object]:
    return {"role": role, "content": content, "has_answer": has_answer}


def _reply(rng: random.Random) -> str:
    # Long assistant answers, as in LongMemEval's haystacks (a few hundred words each).
    return talk.advice(rng, sentences=rng.randint(7, 10))


def _filler(rng: random.Random) -> list[dict[str, object]]:
    turns = []
    for _ in range(rng.randint(*EXCHANGES)):
        ask = rng.choice(talk.USER_ASKS) + " " + talk.chatter(rng)
        turns += [_turn("user", ask), _turn("assistant", _reply(rng))]
    return turns


def _embed(rng: random.Random, lines: list[tuple[str, str]]) -> list[dict[str, object]]:
    """A session whose evidence turns (role, text) sit among filler exchanges."""
    turns = _filler(rng)[: 2 * rng.randint(2, 5)]
    at = 2 * rng.randint(0, len(turns) // 2)
    evidence = []
    for role, text in lines:
        evidence.append(_turn(role, text, True))
        if role == "user":
            evidence.append(_turn("assistant", _reply(rng)))
    return turns[:at] + evidence + turns[at:]


def _date(when: datetime) -> str:
    return (
        when.strftime("%Y/%m/%d") + f" ({WEEKDAYS[when.weekday()][:3]}) " + when.strftime("%H:%M")
    )


Evidence = list[list[tuple[str, str]]]
"""The answer sessions' evidence lines: one list of (role, text) per session."""


def _question(rng: random.Random, kind: str, abstain: bool) -> tuple[str, str, Evidence, int]:
    """Question, answer, evidence lines, and how many days before the question the last is."""
    city, other = rng.sample(pools.CITIES, 2)
    pet, species = rng.choice(pools.PET_NAMES), rng.choice(("dog", "cat", "rabbit"))
    if kind == "single-session-user" and abstain:
        line = f"My neighbour's {species} {pet} keeps sneaking into our garden, she's a menace."
        why = f"You never mentioned a pet of your own, only your neighbour's {species}."
        return f"What is my {species} called?", why, [[("user", line)]], 5
    if kind == "single-session-user":
        firm = rng.choice(pools.EMPLOYERS)
        line = f"I've been at {firm} for nearly four years and they finally gave me a window desk."
        ask = rng.choice(("Which company do I work for?", "Who is my employer?"))
        return ask, firm, [[("user", line)]], 9
    if kind == "single-session-assistant":
        temp = rng.choice((160, 180, 200, 220))
        ask = "How should I cook a salmon fillet so it isn't dry?"
        said = f"Bake it at {temp} degrees for twelve to fifteen minutes, skin side down."
        question = "What oven temperature did you suggest for my salmon?"
        return question, f"{temp} degrees", [[("user", ask), ("assistant", said)]], 12
    if kind == "single-session-preference":
        hobby = rng.choice(pools.HOBBIES)[0]
        line = f"I've really got into {hobby} lately, it's the only thing that switches me off."
        answer = f"The user would prefer suggestions involving {hobby}."
        return "Any ideas for something fun to do this weekend?", answer, [[("user", line)]], 20
    if kind == "multi-session" and abstain:
        line = f"My friend started learning the {rng.choice(pools.INSTRUMENTS)}, at midnight."
        why = "You never said you were learning an instrument; your friend is."
        return "How many instruments am I learning?", why, [[("user", line)]], 15
    if kind == "multi-session":
        first, second = rng.sample([n for n, _ in pools.HOBBIES], 2)
        one = f"I signed up for a {first} course last week, first time trying it."
        two = f"On top of everything, I've started {second} too, every Sunday morning."
        return "How many new hobbies have I taken up?", "2", [[("user", one)], [("user", two)]], 10
    if kind == "knowledge-update":
        one = f"Living in {city} has its perks, the trams are great even if the rent is not."
        two = f"We moved from {city} to {other} last month, still unpacking."
        ask = rng.choice(("Which city do I live in now?", "Where am I based these days?"))
        return ask, other, [[("user", one)], [("user", two)]], 7
    past, inf, _, _ = rng.choice(pools.EVENTS)
    back = rng.choice((2, 3, 4, 5, 6))
    line = f"Big news: I {past} today, still buzzing."
    return (
        f"How many days ago did I {inf}?",
        f"{back} days ({words(back)} days)",
        [[("user", line)]],
        back,
    )


def write_longmemeval(
    path: Path, *, seed: int = 8, questions: int = 500, sessions: int = 50
) -> int:
    """Write the file; returns its size in bytes."""
    rng = random.Random(f"lme:{seed}")
    pool = [json.dumps(_filler(rng), ensure_ascii=False) for _ in range(POOL)]
    kinds = [k for k, n in TYPES for _ in range(n)]
    plan = [kinds[round(i * len(kinds) / questions) % len(kinds)] for i in range(questions)]
    eligible = [q for q, k in enumerate(plan) if k in ("single-session-user", "multi-session")]
    abstain = set(rng.sample(eligible, min(len(eligible), round(questions * ABSTENTION_SHARE))))
    size = 0
    with Path(path).open("w", encoding="utf-8") as out:
        out.write("[")
        for q, kind in enumerate(plan):
            qrng = random.Random(f"lme:{seed}:{q}")
            abs_ = q in abstain
            question, answer, lines, days_before = _question(qrng, kind, abs_)
            fill = max(0, sessions - len(lines))
            picks = qrng.sample(range(POOL), min(fill, POOL))
            slots = sorted(qrng.sample(range(len(picks) + len(lines)), len(lines)))
            asked = datetime(2023, 5, 30, tzinfo=UTC) + timedelta(
                days=qrng.randrange(200), hours=qrng.randrange(24)
            )
            start = asked - timedelta(days=days_before + 120)
            rows: list[tuple[datetime, str, str]] = []
            answer_ids: list[str] = []
            k_pick, k_line = iter(picks), iter(lines)
            total = len(picks) + len(lines)
            for k in range(total):
                when = start + timedelta(days=120 * k / total, minutes=qrng.randrange(600))
                if k in slots:
                    sid = f"answer_{q:04d}_{len(answer_ids) + 1}"
                    answer_ids.append(sid)
                    body = json.dumps(_embed(qrng, next(k_line)), ensure_ascii=False)
                    if k == slots[-1]:
                        when = asked - timedelta(days=days_before)
                else:
                    n = next(k_pick)
                    sid, body = f"pool_{n:04d}", pool[n]
                rows.append((when, sid, body))
            rows.sort(key=lambda row: row[0])
            ids = [sid for _, sid, _ in rows]
            dates = [_date(when) for when, _, _ in rows]
            bodies = [body for _, _, body in rows]
            if kind == "temporal-reasoning":
                answer = (
                    answer + " (" + spellings((asked - timedelta(days=days_before)).date())[0] + ")"
                )
            head = {
                "question_id": f"synth_{q:04d}" + ("_abs" if abs_ else ""),
                "question_type": kind,
                "question": question,
                "answer": answer,
                "question_date": _date(asked),
                "haystack_session_ids": ids,
                "haystack_dates": dates,
            }
            text = json.dumps(head, ensure_ascii=False)[:-1]
            text += ', "haystack_sessions": [' + ", ".join(bodies) + "]"
            text += ', "answer_session_ids": ' + json.dumps(answer_ids) + "}"
            out.write(("" if q == 0 else ", ") + text)
            size += len(text)
        out.write("]\n")
    return Path(path).stat().st_size
