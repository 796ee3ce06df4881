"""Store throughput and latency at 1k, 10k and 100k memories of one user (issue 2 targets).

Targets: single `add_user_memory` >= 2,000/s and flat from 1k to 100k; batch insert >= 100,000
memories/s; `search_user_memories(retrieval_method="last_n", limit=10)` and `get_user_memory`
<= 2 ms p50 at 100k. If agno<2 is importable (`pip install 'memlab[bench]'`), the same
workload runs through agno's Memory v2 + SqliteMemoryDb at sizes it can reach in reasonable time.

    .venv/bin/python benchmarks/store.py [--sizes 1000,10000,100000] [--file /tmp/x.duckdb]
    .venv/bin/python benchmarks/store.py --backend postgres [--size 100000] [--dsn URL]

`--replay-ops` measures instead the store calls a replay makes per session and per question
(p50 per call): `add_runs` of a session (10 runs of 2 messages), `apply_ops` of one extraction
(5 adds), and `get_memories_by_ids` / `get_messages_by_ids` of 10 recalled hits.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from memlab import DuckDbMemoryDb, Memory, UserMemory
from memlab.schema import MemoryOp, Message, Run

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


def sentence(i: int) -> str:
    return f"{SUBJECTS[i % 8]} {FACTS[i % 7].format(PLACES[(i // 7) % 10])} (note {i})."


def p50_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def fill_to(db: DuckDbMemoryDb, user: str, size: int) -> float:
    have = db.count_memories(user)
    n = size - have
    if n <= 0:
        return float("nan")
    # Distinct, ascending times: the worst case for a top-N on updated_at, and what a real
    # history of single adds looks like.
    stamps = pd.date_range("2020-01-01", periods=n, freq="s") + pd.Timedelta(seconds=have)
    df = pd.DataFrame(
        {
            "memory": [sentence(have + i) for i in range(n)],
            "created_at": stamps,
            "updated_at": stamps,
        }
    )
    t = time.perf_counter()
    db.import_memories_df(df, user_id=user)
    rate = n / (time.perf_counter() - t)
    db.checkpoint()  # so the import's WAL is not folded in during the timed single adds
    return rate


def single_adds(memory: Memory, user: str, n: int) -> float:
    t = time.perf_counter()
    for i in range(n):
        memory.add_user_memory(UserMemory(memory=sentence(i)), user_id=user)
    memory.db.flush()  # the figure includes committing every add
    return n / (time.perf_counter() - t)


def read_latencies(memory: Memory, user: str, reps: int = 300) -> tuple[float, float, float]:
    """p50 of last_n (after an add, as an agent does it), of a first last_n, and of get.

    A "first" last_n is one with no in-process newest-memories cache for the user: the first
    read after opening the file, after a bulk import, a clear or a raw SQL write. Adds,
    updates, deletes, model ops and runs keep the cache in step and do not cause one.
    """
    db = memory.db
    assert isinstance(db, DuckDbMemoryDb)
    last_n: list[float] = []
    for i in range(reps):
        memory.add_user_memory(sentence(i), user_id=user)
        t = time.perf_counter()
        memory.search_user_memories(limit=10, retrieval_method="last_n", user_id=user)
        last_n.append(time.perf_counter() - t)
    cold: list[float] = []
    for _ in range(reps // 5):
        db.changed(user)  # forget the newest-memories cache, as a freshly opened store has none
        t = time.perf_counter()
        memory.search_user_memories(limit=10, retrieval_method="last_n", user_id=user)
        cold.append(time.perf_counter() - t)
    ids = [m.memory_id for m in memory.search_user_memories(limit=reps, user_id=user)]
    gets: list[float] = []
    for mid in ids:
        t = time.perf_counter()
        memory.get_user_memory(mid, user_id=user)
        gets.append(time.perf_counter() - t)
    return p50_ms(last_n), p50_ms(cold), p50_ms(gets)


def memlab_rows(sizes: list[int], path: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    db = DuckDbMemoryDb(path)
    memory = Memory(db)
    user = "bench-user"
    for size in sizes:
        batch = fill_to(db, user, size)
        adds = single_adds(memory, user, 2000)
        last_n, cold, get = read_latencies(memory, user)
        rows.append(
            {
                "system": "memlab",
                "memories": size,
                "single adds/s": round(adds),
                "batch import/s": round(batch) if batch == batch else None,
                "last_n p50 ms": round(last_n, 3),
                "last_n first read p50 ms": round(cold, 3),
                "get p50 ms": round(get, 3),
            }
        )
    # A batch of pydantic objects through upsert_memories, the in-process batch path.
    objs = [UserMemory(memory=sentence(i)) for i in range(10_000)]
    t = time.perf_counter()
    db.upsert_memories("batch-user", objs)
    rows.append(
        {
            "system": "memlab upsert_memories(10k objects)",
            "memories": 10_000,
            "batch import/s": round(10_000 / (time.perf_counter() - t)),
        }
    )
    db.close()
    return rows


def agno_rows(sizes: list[int], path: Path) -> list[dict[str, object]]:
    try:
        from agno.memory.v2.db.sqlite import SqliteMemoryDb
        from agno.memory.v2.memory import Memory as AgnoMemory
        from agno.memory.v2.schema import UserMemory as AgnoUserMemory
    except ImportError:
        print("agno<2 not importable: `pip install 'memlab[bench]'` to compare")
        return []
    memory = AgnoMemory(db=SqliteMemoryDb(table_name="m", db_file=str(path)))
    rows: list[dict[str, object]] = []
    user, have = "bench-user", 0
    for size in sizes:
        t = time.perf_counter()
        timed = 0
        while have < size:
            memory.add_user_memory(AgnoUserMemory(memory=sentence(have)), user_id=user)
            have += 1
            timed += 1
        adds = timed / (time.perf_counter() - t) if timed else float("nan")
        lat = []
        for _ in range(20):
            t = time.perf_counter()
            memory.search_user_memories(limit=10, retrieval_method="last_n", user_id=user)
            lat.append(time.perf_counter() - t)
        rows.append(
            {
                "system": "agno 1.x",
                "memories": size,
                "single adds/s": round(adds, 1),
                "last_n p50 ms": round(p50_ms(lat), 3),
            }
        )
    return rows


def replay_ops(path: Path, reps: int = 100) -> None:
    """p50 per call of the store work a replay does per session and per question."""
    db = DuckDbMemoryDb(path)
    runs, ops, by_id, msgs = [], [], [], []
    for r in range(reps):
        user = f"lab/unit-{r}"
        batch = [
            Run(
                run_id=f"r{i}",
                session_id="s1",
                user_id=user,
                messages=[
                    Message(id=f"t{i}a", role="user", content=sentence(2 * i)),
                    Message(id=f"t{i}b", role="assistant", content=sentence(2 * i + 1)),
                ],
            )
            for i in range(10)
        ]
        t = time.perf_counter()
        db.add_runs(batch)
        runs.append(time.perf_counter() - t)
        adds = [MemoryOp(op="add", memory=sentence(r * 5 + i), topics=["t"]) for i in range(5)]
        t = time.perf_counter()
        events = db.apply_ops(user, adds, cause="bench")
        ops.append(time.perf_counter() - t)
        ids = [e.memory_id or "" for e in events] * 2
        t = time.perf_counter()
        db.get_memories_by_ids(user, ids)
        by_id.append(time.perf_counter() - t)
        t = time.perf_counter()
        db.get_messages_by_ids(user, [f"t{i}a" for i in range(10)])
        msgs.append(time.perf_counter() - t)
    db.close()
    print(
        f"add_runs(10 runs x 2 messages) p50 {p50_ms(runs):.2f} ms; "
        f"apply_ops(5 adds) p50 {p50_ms(ops):.2f} ms; "
        f"get_memories_by_ids(10) p50 {p50_ms(by_id):.3f} ms; "
        f"get_messages_by_ids(10) p50 {p50_ms(msgs):.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--agno-sizes", default="500,2000", help="agno is O(n) per add; keep small")
    parser.add_argument("--no-agno", action="store_true")
    parser.add_argument("--replay-ops", action="store_true", help="per-call replay store work")
    parser.add_argument(
        "--backend", choices=["duckdb", "postgres"], default="duckdb",
        help="postgres: benchmarks/store_postgres.py (PostgreSQL beside DuckDB at --size)",
    )  # fmt: skip
    parser.add_argument("--size", type=int, default=100_000, help="memories (--backend postgres)")
    parser.add_argument("--dsn", default=None, help="PostgreSQL URL (default: a throwaway cluster)")
    args = parser.parse_args()
    if args.backend == "postgres":
        from store_postgres import main_postgres

        main_postgres(dsn=args.dsn, size=args.size)
        return
    if args.replay_ops:
        with tempfile.TemporaryDirectory() as tmp:
            replay_ops(Path(tmp) / "ops.duckdb")
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        rows = memlab_rows(sizes, Path(tmp) / "memlab.duckdb")
        if not args.no_agno:
            rows += agno_rows([int(s) for s in args.agno_sizes.split(",")], Path(tmp) / "agno.db")
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    ours = table[table.system == "memlab"]
    flat = ours["single adds/s"].iloc[-1] / ours["single adds/s"].iloc[0]
    first, last = ours.memories.iloc[0], ours.memories.iloc[-1]
    print(f"\nsingle-add throughput at {last:,} vs {first:,}: x{flat:.2f}")
    agno = table[table.system == "agno 1.x"]
    if len(agno):
        at = int(agno.memories.iloc[-1])
        mine = ours.iloc[(ours.memories - at).abs().argmin()]
        adds = mine["single adds/s"] / agno["single adds/s"].iloc[-1]
        reads = agno["last_n p50 ms"].iloc[-1] / mine["last_n p50 ms"]
        print(f"memlab vs agno at ~{at:,} memories: single adds x{adds:.0f}, last_n x{reads:.0f}")


if __name__ == "__main__":
    main()
