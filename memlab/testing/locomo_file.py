"""A synthetic file in LoCoMo's format, of any size, for benchmarks and loader tests.

It copies LoCoMo's shape and its quirks (numeric session order, a `session_N_date_time` with no
session, shared photos with captions, integer answers, category-5 questions with an
`adversarial_answer`, malformed evidence ids), never its text: the sentences are templates
filled from small word lists. The default size matches the real `locomo10.json` (10 samples,
about 6,000 turns and 2,000 questions).
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

__all__ = ["locomo_like", "write_locomo_like"]

_NAMES = ("Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan", "Kai", "Lane")
_THINGS = ("a kayak", "a sourdough starter", "a telescope", "a vintage bike", "a chess set")
_PLACES = ("Lyon", "Osaka", "Quito", "Tallinn", "Perth", "Bergen", "Cusco", "Accra")
_TEMPLATES = (
    "I finally bought {thing} after saving for months.",
    "Last weekend I went to {place} with my cousin.",
    "Do you remember when we talked about {place}?",
    "I have been thinking about getting {thing} for the studio.",
    "My neighbour lent me {thing}, which was kind.",
    "We might move to {place} next year, not sure yet.",
)


def _date_text(when: datetime) -> str:
    hour = when.hour % 12 or 12
    half = "am" if when.hour < 12 else "pm"
    return f"{hour}:{when.minute:02d} {half} on {when.day} {when.strftime('%B')}, {when.year}"


def _sample(rng: random.Random, k: int, sessions: int, turns: int, probes: int) -> dict[str, Any]:
    a, b = _NAMES[(2 * k) % len(_NAMES)], _NAMES[(2 * k + 1) % len(_NAMES)]
    conv: dict[str, Any] = {"speaker_a": a, "speaker_b": b}
    when = datetime(2023, 1, 1, 9, 0) + timedelta(days=rng.randint(0, 60))
    dia_ids: list[str] = []
    for n in range(1, sessions + 1):
        when += timedelta(days=rng.randint(3, 20), minutes=rng.randint(0, 600))
        conv[f"session_{n}_date_time"] = _date_text(when)
        body = []
        for t in range(1, turns + 1):
            text = rng.choice(_TEMPLATES).format(
                thing=rng.choice(_THINGS), place=rng.choice(_PLACES)
            )
            turn: dict[str, Any] = {
                "speaker": a if t % 2 else b,
                "dia_id": f"D{n}:{t}",
                "text": text,
            }
            if rng.random() < 0.05:
                turn.update(
                    img_url=["https://example.invalid/photo.jpg"],
                    blip_caption=f"a photo of {rng.choice(_THINGS)}",
                    query=rng.choice(_THINGS),
                )
            body.append(turn)
            dia_ids.append(f"D{n}:{t}")
        conv[f"session_{n}"] = body
    # LoCoMo lists a date for a session that has no turns.
    conv[f"session_{sessions + 1}_date_time"] = _date_text(when + timedelta(days=9))
    qa = []
    for q in range(probes):
        category = rng.choice((1, 2, 3, 4, 4, 5))
        evidence = rng.sample(dia_ids, 2 if category == 1 else 1)
        item: dict[str, Any] = {
            "question": f"What did {a} say about item {q}?",
            "category": category,
        }
        if category == 5:
            item["adversarial_answer"] = rng.choice(_THINGS)
        else:
            item["answer"] = rng.randint(2000, 2023) if q % 7 == 0 else rng.choice(_PLACES)
        if q % 50 == 0:
            evidence = ["; ".join(evidence)]  # several ids in one string
        elif q % 50 == 1:
            sn, tn = evidence[0][1:].split(":")
            evidence = [f"D{sn}:{int(tn):02d}"]  # zero-padded
        elif q % 100 == 2:
            evidence = [*evidence, "D"]  # unrecoverable: a problem of this question
        item["evidence"] = evidence
        qa.append(item)
    return {"sample_id": f"conv-{k}", "conversation": conv, "qa": qa}


def locomo_like(
    *,
    samples: int = 10,
    sessions: int = 30,
    turns_per_session: int = 20,
    probes_per_sample: int = 200,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """The content of a synthetic LoCoMo-format file (a list of samples)."""
    rng = random.Random(seed)
    return [_sample(rng, k, sessions, turns_per_session, probes_per_sample) for k in range(samples)]


def write_locomo_like(path: str | Path, **options: int) -> Path:
    """Write `locomo_like(**options)` to `path` as JSON; returns the path."""
    path = Path(path)
    path.write_text(json.dumps(locomo_like(**options), indent=1), encoding="utf-8")
    return path
