"""How PostgreSQL full-text ranking differs from memlab's BM25, on the bundled dataset.

Every turn of every conversation of `datasets/memlab-synthetic-v1.jsonl` is stored as a
memory of its conversation's user (memory id = turn id) in a DuckDB store and in a
PostgreSQL store; each probe's question is then searched top-10 by memlab's `bm25` strategy
(`Memory.recall`) and by `PostgresMemoryDb.keyword_search` (tsvector, `ts_rank`). Printed:
evidence recall@10 of each (share of answerable probes with an evidence turn in the top 10),
how many of the 10 both return, and how often their first hits agree.

    .venv/bin/python benchmarks/pg_ranking.py [--dsn URL]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from memlab import DuckDbMemoryDb, Memory, UserMemory
from memlab.db.postgres import PostgresMemoryDb
from memlab.lab import load_dataset
from memlab.testing.postgres_server import PostgresServer

DATASET = Path(__file__).parents[1] / "datasets" / "memlab-synthetic-v1.jsonl"
K = 10


def measure(dsn: str) -> None:
    """Load the dataset in both stores, search every answerable probe, print the figures."""
    dataset = load_dataset(DATASET)
    duck = DuckDbMemoryDb(":memory:")
    pg = PostgresMemoryDb(dsn, schema="ranking")
    pg.clear(all_users=True)
    for conv in dataset.conversations:
        turns = [
            UserMemory(memory_id=f"{conv.id}|{t.id}", memory=t.text)
            for s in conv.sessions
            for t in s.turns
            if t.text.strip()
        ]
        duck.upsert_memories(conv.id, turns)
        pg.upsert_memories(conv.id, turns)
    memory = Memory(duck)
    bm25_found, pg_found, overlap, same_first, probes = 0, 0, [], 0, 0
    for conv in dataset.conversations:
        for probe in conv.probes:
            if probe.abstention or not probe.evidence:
                continue
            probes += 1
            wanted = {f"{conv.id}|{e}" for e in probe.evidence}
            ours = [h.item_id for h in memory.recall(probe.question, strategy="bm25", limit=K,
                                                      user_id=conv.id)]  # fmt: skip
            theirs = [
                h.memory.memory_id for h in pg.keyword_search(conv.id, probe.question, limit=K)
            ]
            bm25_found += bool(wanted & set(ours))
            pg_found += bool(wanted & set(theirs))
            overlap.append(len(set(ours) & set(theirs)))
            same_first += bool(ours and theirs and ours[0] == theirs[0])
    print(f"{dataset.name}: {len(dataset.conversations)} conversations, {probes} answerable probes")
    print(f"evidence recall@{K}: memlab bm25 {bm25_found / probes:.3f}, "
          f"postgres ts_rank {pg_found / probes:.3f}")  # fmt: skip
    print(f"shared hits in the top {K}: mean {statistics.mean(overlap):.2f} of {K}; "
          f"same first hit: {same_first / probes:.3f}")  # fmt: skip
    duck.close()
    pg.close()


def main() -> None:
    """Measure on `--dsn`, or on a throwaway cluster."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", default=None, help="PostgreSQL URL (default: a throwaway cluster)")
    args = parser.parse_args()
    if args.dsn:
        measure(args.dsn)
        return
    with PostgresServer() as server:
        measure(server.dsn)


if __name__ == "__main__":
    main()
