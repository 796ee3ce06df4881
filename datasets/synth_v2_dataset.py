"""memlab-synthetic-v2 as a whole: names, splits, the header, and the shape figures.

    python datasets/generate.py --shape v2 --stats

Deterministic like v1: one `random.Random(f"v2:{seed}")` picks names and the test split, and
each conversation draws from its own seeded generators. Lives beside the generator only.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

import synth_pools as pools
from synth_v2_build import EXTRA_NAMES, conversation

from memlab.lab.data.dataset import FORMAT_NAME, FORMAT_VERSION, Conversation

NAME = "memlab-synthetic-v2"
"""The dataset's name."""
DATASET_VERSION = "2"
"""The dataset's own version; bump the part after the dot when the generator's output changes."""
DEFAULT_SEED = 8
"""The seed of the committed file."""
DEFAULT_OUT = Path(__file__).resolve().parent / "memlab-synthetic-v2.jsonl"
"""Where the committed file lives."""
CATEGORIES = (
    "single-hop",
    "multi-hop",
    "temporal",
    "knowledge-update",
    "preference",
    "assistant-recall",
    "abstention",
)
"""Probe categories, in the order tables list them."""


def generate(
    seed: int = DEFAULT_SEED, *, conversations: int = 40, test: int = 14
) -> tuple[dict[str, Any], list[Conversation]]:
    """The header and conversations: even-numbered ones are two friends, odd ones an assistant."""
    rng = random.Random(f"v2:{seed}")
    names = list(pools.FIRST_NAMES) + list(EXTRA_NAMES)
    needed = conversations + (conversations + 1) // 2
    if needed > len(names) or test > conversations:
        raise ValueError(
            f"{conversations} conversations need {needed} names; there are {len(names)}"
        )
    people = rng.sample(names, needed)
    # Half of the test split is of each kind, so the split is not tilted to one kind.
    pairs = [i for i in range(conversations) if i % 2 == 0]
    solos = [i for i in range(conversations) if i % 2 == 1]
    test_ids = set(rng.sample(pairs, (test + 1) // 2)) | set(rng.sample(solos, test // 2))
    convs = []
    for i in range(conversations):
        take = 2 if i % 2 == 0 else 1
        who, people = people[:take], people[take:]
        convs.append(conversation(seed, i, who, "test" if i in test_ids else "dev"))
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "name": NAME,
        "dataset_version": DATASET_VERSION,
        "license": "CC-BY-4.0",
        "source": f"memlab datasets/generate.py --shape v2 --seed {seed} --conversations "
        f"{conversations} --test {test}",
        "description": (
            "Synthetic long multi-session chats (about 20+ sessions and 400+ turns each): two "
            "friends who are both principals, or a person and an assistant. Facts change, hide "
            "in small talk, split over turns and sit beside distractors. Template-generated; "
            "see datasets/README.md."
        ),
    }
    return header, convs


_WORD = re.compile(r"[a-z0-9']+")
STOP = frozenset(
    (
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "do",
        "does",
        "did",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "and",
        "or",
        "what",
        "which",
        "who",
        "when",
        "where",
        "how",
        "s",
        "'s",
        "be",
        "been",
        "has",
        "have",
        "had",
        "it",
        "this",
        "that",
        "these",
        "those",
        "by",
        "from",
        "as",
        "about",
    )
)
"""Words left out of the probe-evidence overlap (they say nothing about the fact)."""


def overlap(convs: list[Conversation]) -> dict[str, float]:
    """Per category: the share of a question's content words that appear in its evidence turns."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for c in convs:
        text = {t.id: t.text.lower() for _, t in c.turns()}
        names = {p.name.lower() for p in c.participants}
        for p in c.probes:
            if not p.evidence:
                continue
            said = set(_WORD.findall(" ".join(text[e] for e in p.evidence)))
            words = [
                w for w in _WORD.findall(p.question.lower()) if w not in STOP and w not in names
            ]
            found[p.category] += sum(w in said for w in words)
            total[p.category] += len(words)
    return {k: found[k] / total[k] for k in CATEGORIES if total[k]}


def stats(convs: list[Conversation]) -> str:
    """A Markdown table of the shape and the probes, per split."""
    splits = ("dev", "test")
    rows = ["| | dev | test | total |", "|---|---:|---:|---:|"]

    def row(label: str, f: Any, avg: bool = False) -> None:
        parts = [[c for c in convs if c.split == s] for s in splits] + [convs]
        vals = [f(p) for p in parts]
        cells = [f"{v:.1f}" if avg else f"{v:,}" for v in vals]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")

    row("conversations", len)
    row("two-person / with assistant", lambda p: 0)
    rows[-1] = (
        "| two-person / with assistant | "
        + " | ".join(
            f"{sum(len(c.participants) == 2 and c.participants[1].role == 'user' for c in p)} / "
            f"{sum(c.participants[1].role == 'assistant' for c in p)}"
            for p in [[c for c in convs if c.split == s] for s in splits] + [convs]
        )
        + " |"
    )
    row("sessions per conversation", lambda p: sum(len(c.sessions) for c in p) / len(p), True)
    row("turns per conversation", lambda p: sum(c.turn_count() for c in p) / len(p), True)
    row(
        "words per turn",
        lambda p: (
            sum(len(t.text.split()) for c in p for _, t in c.turns())
            / sum(c.turn_count() for c in p)
        ),
        True,
    )
    row(
        "days spanned per conversation",
        lambda p: (
            sum((c.sessions[-1].started_at - c.sessions[0].started_at).days for c in p) / len(p)
        ),
        True,
    )
    row("probes", lambda p: sum(len(c.probes) for c in p))
    for cat in CATEGORIES:
        row(
            f"probes: {cat}", lambda p, cat=cat: sum(q.category == cat for c in p for q in c.probes)
        )
    row(
        "probes asked mid-conversation",
        lambda p: sum(q.asked_after is not None for c in p for q in c.probes),
    )
    row(
        "probes with stale answers",
        lambda p: sum(bool(q.stale_answers) for c in p for q in c.probes),
    )
    row(
        "probes with trap answers", lambda p: sum(bool(q.trap_answers) for c in p for q in c.probes)
    )
    share = overlap(convs)
    rows += ["", "| category | question words found in the evidence |", "|---|---:|"]
    rows += [f"| {k} | {v:.0%} |" for k, v in share.items()]
    return "\n".join(rows)
