"""The demo's keyword recall configurations on PostgreSQL: what a team ships is what it measured.

The demo grid recalls top 10 with `bm25` and `recommended` over stored turns and over the raw
messages. On the first test-split conversation of the demo's dataset, stored verbatim (as
memories and as runs) in both stores, `Memory.recall`
must return the same hits on PostgreSQL as on DuckDB (it runs memlab's own rankers on either
store), and the server-side `keyword_search` (PostgreSQL full text) must stay within the
difference `docs/postgres.md` documents for it: most of the top 10 shared.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from memlab import DuckDbMemoryDb, Memory, UserMemory
from memlab.db.postgres import PostgresMemoryDb
from memlab.demo import DEMO_DATASET, DEMO_GRID
from memlab.lab import load_dataset
from memlab.schema import Message, Run

ROOT = Path(__file__).parents[3]
# docs/postgres.md: 4.95 of 10 shared on average on this conversation (7.73 over the whole
# v1 dataset); the bound guards that figure, it does not claim more.
MIN_MEAN_SHARED = 4.9


def _keyword_configs() -> list[dict[str, object]]:
    configs = [r for r in DEMO_GRID["recall"] if r["strategy"] in ("bm25", "recommended")]
    assert {str(c.get("over", "memories")) for c in configs} == {"memories", "messages"}
    return configs


@pytest.mark.slow
def test_the_demo_keyword_configurations_recall_alike_on_postgres(
    postgres_url: str, fresh_schema: str
) -> None:
    dataset = load_dataset(ROOT / DEMO_DATASET)
    conv = next(c for c in dataset.conversations if c.split == "test")
    turns = [
        UserMemory(memory_id=t.id, memory=t.text)
        for s in conv.sessions
        for t in s.turns
        if t.text.strip()
    ]
    duck_db = DuckDbMemoryDb(":memory:")
    pg_db = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    roles = {p.name: p.role for p in conv.participants}
    runs = [
        Run(
            session_id=session.id,
            user_id=conv.id,
            messages=[
                Message(id=t.id, role=roles[t.speaker], content=t.text, name=t.speaker)  # type: ignore[arg-type]
                for t in session.turns
            ],
        )
        for session in conv.sessions
    ]
    for db in (duck_db, pg_db):
        db.upsert_memories(conv.id, turns)
        db.add_runs(runs)
    duck, pg = Memory(duck_db, user_id=conv.id), Memory(pg_db, user_id=conv.id)
    questions = [p.question for p in conv.probes if not p.abstention]
    assert len(questions) >= 20
    answered = 0
    for config in _keyword_configs():
        strategy, k = str(config["strategy"]), int(str(config["k"]))
        over = "messages" if config.get("over") == "messages" else "memories"
        for question in questions:
            want = duck.recall(question, strategy=strategy, limit=k, over=over)
            got = pg.recall(question, strategy=strategy, limit=k, over=over)
            answered += bool(want)
            assert [h.item_id for h in got] == [h.item_id for h in want], (strategy, question)
            assert [h.score for h in got] == pytest.approx([h.score for h in want])
    assert answered >= 3 * len(questions)  # most of the 4 x questions compared real hits
    shared = []
    for question in questions:
        bm25 = {h.item_id for h in duck.recall(question, strategy="bm25", limit=10)}
        server = {h.memory.memory_id for h in pg_db.keyword_search(conv.id, question, limit=10)}
        if bm25:
            shared.append(len(bm25 & server) * 10 / len(bm25))
    mean_shared = sum(shared) / len(shared)
    print(f"keyword_search vs bm25: {mean_shared:.2f} of 10 shared over {len(shared)} questions")
    assert mean_shared >= MIN_MEAN_SHARED
    pg_db.close()
    duck_db.close()
