"""Generate memlab's bundled synthetic multi-session dataset (native JSON Lines format).

    python datasets/generate.py --seed 8 --out datasets/memlab-synthetic-v1.jsonl --stats

Deterministic: one `random.Random(seed)` picks the distinct names and the test split, and each
conversation draws from its own `random.Random(f"{seed}:{index}")`; nothing reads the clock or
depends on set order, so the same seed writes a byte-identical file. The phrase lists beside
this script are for generation only; the memlab package never imports them.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth_pools as pools
from synth_conversation import build
from synth_persona import draw_persona
from synth_probes import probes

from memlab.lab.data.dataset import (
    FORMAT_NAME,
    FORMAT_VERSION,
    Attachment,
    Conversation,
    Participant,
    Probe,
    Session,
    Turn,
)

NAME = "memlab-synthetic"
"""The dataset's name."""
DATASET_VERSION = "1"
"""The dataset's own version; bump it whenever the generator's output changes."""
LICENSE = "CC-BY-4.0"
"""The license of the generated conversations (the generator code is Apache-2.0)."""
DEFAULT_SEED = 8
"""The seed of the committed file."""
DEFAULT_OUT = Path(__file__).resolve().parent / "memlab-synthetic-v1.jsonl"
"""Where the committed file lives."""
ASSISTANT = "Assistant"
"""The assistant participant's name."""
CATEGORIES = ("single-hop", "multi-hop", "temporal", "knowledge-update", "preference", "abstention")
"""Probe categories, in the order tables list them."""


def conversation(
    seed: int, index: int, first: str, gender: str, last: str, split: str
) -> Conversation:
    """Build conversation number `index` (0-based) of the dataset made with `seed`."""
    rng = random.Random(f"{seed}:{index}")
    persona = draw_persona(rng, first, gender, last)
    lay = build(rng, persona)
    conv_id = f"syn-{index + 1:03d}"
    sessions = []
    for s, (started, turns) in enumerate(zip(lay.dates, lay.sessions, strict=True)):
        sessions.append(
            Session(
                id=f"s{s + 1}",
                started_at=started,
                turns=[
                    Turn(
                        id=f"s{s + 1}:t{t + 1}",
                        speaker=persona.first if role == "user" else ASSISTANT,
                        text=text,
                        attachments=[Attachment(kind="image", caption=lay.photos[(s, t)])]
                        if (s, t) in lay.photos
                        else [],
                    )
                    for t, (role, text) in enumerate(turns)
                ],
            )
        )
    out = []
    for n, spec in enumerate(probes(persona, lay, rng)):
        evidence = [f"s{lay.where[tag][0] + 1}:t{lay.where[tag][1] + 1}" for tag in spec.tags]
        out.append(
            Probe(
                id=f"{conv_id}:q{n + 1:02d}",
                question=spec.question,
                answers=list(dict.fromkeys(spec.answers)),
                evidence=evidence,
                category=spec.category,
                about=persona.first,
                asked_after=None if spec.after is None else f"s{spec.after + 1}",
                abstention=spec.abstention,
                stale_answers=spec.stale,
                trap_answers=spec.traps,
                asked_at=spec.asked_at,
            )
        )
    return Conversation(
        id=conv_id,
        participants=[
            Participant(name=persona.first, role="user", principal=True),
            Participant(name=ASSISTANT, role="assistant"),
        ],
        sessions=sessions,
        probes=out,
        split=split,
    )


def generate(
    seed: int = DEFAULT_SEED, *, conversations: int = 44, test: int = 14
) -> tuple[dict[str, Any], list[Conversation]]:
    """The header line and the conversations of the dataset made with `seed`."""
    if conversations > len(pools.FIRST_NAMES) or test > conversations:
        raise ValueError(
            f"{conversations} conversations ({test} in test) do not fit "
            f"{len(pools.FIRST_NAMES)} distinct first names"
        )
    rng = random.Random(seed)
    firsts = rng.sample(list(pools.FIRST_NAMES), conversations)
    lasts = rng.sample(list(pools.LAST_NAMES), conversations)
    test_ids = set(rng.sample(range(conversations), test))
    convs = [
        conversation(seed, i, first, gender, lasts[i], "test" if i in test_ids else "dev")
        for i, (first, gender) in enumerate(firsts)
    ]
    header = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "name": NAME,
        "dataset_version": DATASET_VERSION,
        "license": LICENSE,
        "source": f"memlab datasets/generate.py --seed {seed} --conversations "
        f"{conversations} --test {test}",
        "description": (
            "Synthetic multi-session chats between one person and an assistant, with probes "
            "for single-hop, multi-hop, temporal, knowledge-update, preference and abstention "
            "questions. Template-generated: easier language than LoCoMo's; see "
            "datasets/README.md."
        ),
    }
    return header, convs


def render(header: dict[str, Any], convs: list[Conversation]) -> str:
    """The native JSON Lines text: the header, then one conversation per line."""
    lines = [_dumps(header)]
    lines += [_dumps(c.model_dump(mode="json", exclude_defaults=False)) for c in convs]
    return "\n".join(lines) + "\n"


def _dumps(obj: Any) -> str:
    return json.dumps(obj, sort_keys=False, ensure_ascii=False, separators=(",", ":"))


def stats(convs: list[Conversation]) -> str:
    """A Markdown table of probes per category and split, and the size of each split."""
    splits = ("dev", "test")
    by: Counter[tuple[str, str]] = Counter()
    extra: Counter[tuple[str, str]] = Counter()
    for c in convs:
        split = c.split or "-"
        extra[("conversations", split)] += 1
        extra[("sessions", split)] += len(c.sessions)
        extra[("turns", split)] += c.turn_count()
        for p in c.probes:
            by[(p.category, split)] += 1
            extra[("probes", split)] += 1
            if p.asked_after is not None:
                extra[("asked mid-conversation", split)] += 1
            if p.stale_answers:
                extra[("with stale answers", split)] += 1
    rows = ["| | dev | test | total |", "|---|---:|---:|---:|"]
    for key in ("conversations", "sessions", "turns", "probes"):
        rows.append(_row(key, [extra[(key, s)] for s in splits]))
    for cat in CATEGORIES:
        rows.append(_row(f"probes: {cat}", [by[(cat, s)] for s in splits]))
    for key in ("asked mid-conversation", "with stale answers"):
        rows.append(_row(f"probes {key}", [extra[(key, s)] for s in splits]))
    return "\n".join(rows)


def _row(label: str, values: list[int]) -> str:
    return f"| {label} | " + " | ".join(str(v) for v in [*values, sum(values)]) + " |"


def main(argv: list[str] | None = None) -> int:
    """Command line: write the dataset, optionally print its counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=None, help="default: the committed file")
    parser.add_argument("--conversations", type=int, default=None, help="v1: 44, v2: 40")
    parser.add_argument("--test", type=int, default=14, help="conversations in the test split")
    parser.add_argument("--stats", action="store_true", help="print counts per category/split")
    parser.add_argument(
        "--shape",
        choices=("v1", "v2", "longmemeval-s"),
        default="v1",
        help="v1 (default), v2 (long chats), or a LongMemEval-S-shaped JSON file (never committed)",
    )
    parser.add_argument("--questions", type=int, default=500, help="longmemeval-s: questions")
    parser.add_argument("--sessions", type=int, default=50, help="longmemeval-s: haystack size")
    args = parser.parse_args(argv)
    if args.shape != "v1":
        return _other_shape(args)
    args.out = args.out or DEFAULT_OUT
    args.conversations = args.conversations or 44
    start = time.perf_counter()
    header, convs = generate(args.seed, conversations=args.conversations, test=args.test)
    text = render(header, convs)
    args.out.write_bytes(text.encode("utf-8"))
    seconds = time.perf_counter() - start
    print(f"wrote {args.out} ({len(text.encode('utf-8')):,} bytes) in {seconds:.2f} s")
    if args.stats:
        print(stats(convs))
    return 0


def _other_shape(args: argparse.Namespace) -> int:
    # v2 and the LongMemEval-S shape live in their own modules; v1's code path stays untouched.
    start = time.perf_counter()
    if args.shape == "longmemeval-s":
        from synth_v2_lme import write_longmemeval

        if args.out is None:
            raise SystemExit("--shape longmemeval-s needs --out PATH (the file is never committed)")
        size = write_longmemeval(
            args.out, seed=args.seed, questions=args.questions, sessions=args.sessions
        )
    else:
        import synth_v2_dataset as v2

        args.out = args.out or v2.DEFAULT_OUT
        header, convs = v2.generate(
            args.seed, conversations=args.conversations or 40, test=args.test
        )
        text = render(header, convs).encode("utf-8")
        args.out.write_bytes(text)
        size = len(text)
    seconds = time.perf_counter() - start
    print(f"wrote {args.out} ({size:,} bytes) in {seconds:.2f} s")
    if args.stats and args.shape == "v2":
        print(v2.stats(convs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
