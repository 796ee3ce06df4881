"""Recall latency and index build time at 1k, 10k and 100k memories of one user (issue 4).

Targets at 100k (p50, query embedding included): last_n <= 2 ms, bm25 <= 20 ms, semantic
(static embedder) <= 25 ms, hybrid <= 40 ms, also with every option of issue 12 on (a 400-token
budget, window=1, session scores, temporal, date and speaker expansion); index build /
embedding of 100k memories <= 10 s.
Memories are short sentences from templates (names, places, jobs, hobbies, food, pets,
relatives), imported 20 per day (one "session" per day); queries are questions about randomly
drawn memories ("Where does Ana live?"). Every figure goes through `Memory.recall` as a caller
would, strategy construction and reading the hits back from the store included.

For comparison, bm25s (which precomputes every score at index time) rebuilds its whole index
for one added memory: 2.2 s at 100k memories. `memlab.recall.bm25` appends rows instead.

    .venv/bin/python benchmarks/recall.py [--sizes 1000,10000,100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from memlab import DuckDbMemoryDb, Memory
from memlab.recall import corpus
from memlab.recall.embedders import default_embedder

_NAMES = """Ana Bruno Chen Dara Elif Farah Goran Hana Ivo Jun Kemal Lena Maya Nils Omar Priya
Quinn Rosa Sven Tara Uma Vik Wen Yara Zeke Aiko Bela Cyrus Dmitri Esme"""
_PLACES = """Porto Lisbon Oslo Kyoto Lagos Quito Austin Graz Pune Hobart Tartu Bergen Cusco Dakar
Hanoi Lyon Malmo Nagoya Perth Seville Tbilisi Utrecht Valencia Zagreb Leeds Bilbao Krakow Cork"""
NAMES = _NAMES.split()
PLACES = _PLACES.split()
JOBS = [
    "nurse", "data analyst", "high school teacher", "carpenter", "pastry chef", "civil engineer",
    "pharmacist", "bus driver", "architect", "translator", "veterinarian", "software developer",
    "librarian", "electrician", "journalist", "dentist", "park ranger", "accountant",
]  # fmt: skip
HOBBIES = [
    "rock climbing", "playing the cello", "birdwatching", "sourdough baking", "trail running",
    "chess", "pottery", "salsa dancing", "sketching", "kayaking", "knitting", "photography",
    "gardening", "board games", "swimming", "woodworking", "astronomy", "surfing",
]  # fmt: skip
FOODS = [
    "spicy ramen", "mushroom risotto", "lentil soup", "fish tacos", "pad thai", "falafel",
    "dark chocolate", "blueberry pancakes", "green curry", "goat cheese", "peanuts", "shellfish",
]  # fmt: skip
PETS = ["dog", "cat", "parrot", "rabbit", "tortoise", "hamster", "goldfish"]
MONTHS = ["January", "March", "April", "June", "August", "October", "December"]
RELATIVES = [
    "sister", "brother", "mother", "father", "cousin", "best friend", "partner", "neighbor",
    "grandmother", "colleague", "uncle", "aunt",
]  # fmt: skip
# (memory template, question about it); most have two or more wide slots, so that 100k
# memories are mostly distinct texts, as real ones are.
TEMPLATES = [
    ("My {r} {n} has lived in {p} since {y}.", "Where does my {r} {n} live?"),
    ("I have worked as a {j} in {p} since {m} {y}.", "What is my job in {p}?"),
    ("My {r} {n} has worked as a {j} since {y}.", "What does my {r} {n} do for work?"),
    ("Since {y} I have enjoyed {h} with {n} on weekends in {p}.", "What do I do on weekends?"),
    ("{n} taught me {h} in {p} in {y}.", "Who taught me {h}?"),
    ("In {m} {y} a doctor in {p} found that I am allergic to {f}.", "What am I allergic to?"),
    ("{n}'s {f} in {p} has been my favorite dinner since {y}.", "What is my favorite dinner?"),
    ("I have had a {pet} named {n} from {p} since {y}.", "What is the name of my {pet}?"),
    ("I want to visit {p} next {m} with my {r} {n}.", "Where do I want to travel next {m}?"),
    ("I grew up in {p} with my {r} {n} until {y}.", "Where did I grow up?"),
    ("My {r} {n} has loved {h} since {y}.", "What hobby does {n} love?"),
    ("I started {h} with {n} in {m} {y}.", "When did I start {h}?"),
    ("I met {n} at a {h} class in {p} in {y}.", "Where did I meet {n}?"),
    ("My {r} {n} cooks {f} every Sunday in {p}.", "What does my {r} cook on Sundays?"),
    ("I am training with {n} for a race in {p} in {m} {y}.", "Which race am I training for?"),
    ("I quit my job as a {j} in {p} in {m} {y}.", "When did I quit my {j} job?"),
    ("{n} from {p} borrowed my {pet} carrier in {m} {y}.", "Who borrowed my {pet} carrier?"),
    ("My {r} {n} got married in {p} in {y}.", "Where did my {r} get married?"),
]


def corpus_pairs(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """`n` (memory, question) pairs of realistic short sentences."""
    rnd = random.Random(seed)
    pairs = []
    for _ in range(n):
        memory, question = rnd.choice(TEMPLATES)
        slots = {
            "n": rnd.choice(NAMES),
            "p": rnd.choice(PLACES),
            "j": rnd.choice(JOBS),
            "h": rnd.choice(HOBBIES),
            "f": rnd.choice(FOODS),
            "pet": rnd.choice(PETS),
            "r": rnd.choice(RELATIVES),
            "y": rnd.randint(1995, 2025),
            "m": rnd.choice(MONTHS),
        }
        pairs.append((memory.format(**slots), question.format(**slots)))
    return pairs


def pct(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1] * 1000 if q < 100 else 0


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


# Every option of issue 12 at once: a budget, windows, session scores, time, expansion.
ALL_OPTIONS: dict[str, object] = {
    "budget_tokens": 400,
    "window": 1,
    "session_weight": 0.5,
    "temporal": True,
    "expand": ["date", "speaker"],
}
STRATEGIES: list[tuple[str, dict[str, object]]] = [
    ("last_n", {}),
    ("bm25", {}),
    ("semantic", {"embedder": "static"}),
    ("hybrid", {"embedder": "static"}),
    ("recency", {"embedder": "static", "half_life_days": 30}),
    ("bm25", ALL_OPTIONS),
    ("hybrid", {"embedder": "static", **ALL_OPTIONS}),
    ("recommended", {"budget_tokens": 400, "temporal": True, "expand": ["date", "speaker"]}),
]


def run_size(size: int, n_queries: int, folder: Path) -> list[dict[str, object]]:
    pairs = corpus_pairs(size, seed=size)
    # Memories of one "session" share a timestamp (20 a day), so windows and session scores
    # have sessions to work with (memories without source messages are grouped by time).
    stamps = pd.date_range("2024-01-01", periods=size // 20 + 1, freq="D").repeat(20)[:size]
    frame = pd.DataFrame(
        {"memory": [m for m, _ in pairs], "created_at": stamps, "updated_at": stamps}
    )
    db = DuckDbMemoryDb(folder / f"recall-{size}.duckdb")
    memory = Memory(db, user_id="bench", model=None)
    import_s = timed(lambda: db.import_memories_df(frame, user_id="bench"))
    rnd = random.Random(1)
    queries = [pairs[rnd.randrange(size)][1] for _ in range(n_queries)]

    embedder = default_embedder()
    texts = frame["memory"].tolist()
    embed_s = timed(lambda: embedder.embed(texts))

    def recall(strategy: str, options: dict[str, object], query: str) -> None:
        memory.recall(query, strategy=strategy, limit=10, user_id="bench", **options)

    # Cold: the first bm25 query reads the corpus into the mirror and builds the postings; the
    # first semantic query embeds every memory in one batch and stores the vectors.
    recall("last_n", {}, queries[0])
    bm25_s = timed(lambda: recall("bm25", {}, queries[0]))
    vectors_s = timed(lambda: recall("semantic", {"embedder": "static"}, queries[0]))
    # A restart: the mirror is rebuilt and the vectors are read back from the store.
    corpus.clear_index_cache()
    reload_s = timed(lambda: recall("semantic", {"embedder": "static"}, queries[0]))
    recall("bm25", {}, queries[0])

    rows: list[dict[str, object]] = []
    for strategy, options in STRATEGIES:
        samples = []
        for query in queries:
            samples.append(timed(lambda s=strategy, o=options, q=query: recall(s, o, q)))
        after_add = []
        for i in range(min(50, n_queries)):
            memory.add_user_memory(f"I added fact number {i} about {PLACES[i % 20]}.")
            after_add.append(timed(lambda s=strategy, o=options, q=queries[i]: recall(s, o, q)))
        rows.append(
            {
                "size": size,
                "strategy": strategy + (" + every option" if "window" in options else "")
                if strategy != "recommended"
                else "recommended + temporal, date",
                "p50 ms": round(pct(samples, 50), 2),
                "p95 ms": round(pct(samples, 95), 2),
                "p50 after an add ms": round(pct(after_add, 50), 2),
            }
        )
    print(
        f"\n== {size:,} memories, {len(set(texts)):,} distinct (import {import_s:.2f} s)\n"
        f"build: corpus mirror + BM25 postings {bm25_s:.2f} s; vectors embedded + stored "
        f"{vectors_s:.2f} s ({size / vectors_s:,.0f} memories/s; the static embedder alone "
        f"{embed_s:.2f} s); after a restart, from stored vectors {reload_s:.2f} s"
    )
    print(pd.DataFrame(rows).drop(columns="size").to_string(index=False))
    db.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            run_size(size, args.queries, Path(tmp))


if __name__ == "__main__":
    main()
