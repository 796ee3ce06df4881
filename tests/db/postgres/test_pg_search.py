"""Recall inside PostgreSQL: full-text keyword search, `real[]` vectors, hybrid fusion."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from memlab.db.postgres import PostgresMemoryDb
from memlab.db.postgres.core import content_hash
from memlab.db.postgres.keyword import ALL_SQL, FULL_SQL, keyword_top
from memlab.errors import ConfigError
from memlab.lab import load_dataset
from memlab.recall.embedders import default_embedder
from memlab.schema import UserMemory

FACTS = [
    "Ana adopted a dog called Biscuit",
    "Ana's dogs love the beach",
    "Ana works as a nurse in Porto",
    "Bo plays chess on Sundays",
    "Ana plans a trip to Kyoto in spring",
]


@pytest.fixture
def db(postgres_url: str, fresh_schema: str) -> PostgresMemoryDb:
    store = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    store.upsert_memories("ana", [UserMemory(memory=f) for f in FACTS])
    store.add_memory("bo", UserMemory(memory="Bo adopted a dog too"))
    return store


def test_keyword_search_matches_any_stemmed_word_of_one_user(db: PostgresMemoryDb) -> None:
    hits = db.keyword_search("ana", "Which dog did Ana adopt?", limit=3)
    texts = [h.memory.memory for h in hits]
    # "adopt" and "dog" (stemmed from "adopted", "dogs") beat the memories with one of them.
    assert texts[0] == "Ana adopted a dog called Biscuit"
    assert texts[1] == "Ana's dogs love the beach"
    assert all(h.score > 0 for h in hits) and hits[0].score > hits[1].score
    assert "Bo adopted a dog too" not in texts
    assert db.keyword_search("ana", "the of and") == []  # only stop words: nothing to match
    with pytest.raises(ConfigError, match="limit"):
        db.keyword_search("ana", "dog", limit=0)


def test_semantic_and_hybrid_search_on_stored_vectors(
    db: PostgresMemoryDb, postgres_url: str, fresh_schema: str
) -> None:
    embedder = default_embedder()
    texts = [m.memory for m in db.list_memories("ana")]
    assert (
        db.put_embeddings(embedder.name, [content_hash(t) for t in texts], embedder.embed(texts))
        == 5
    )
    query = embedder.embed(["a trip to Japan"])[0]
    hits = db.semantic_search("ana", query, embedder=embedder.name, limit=5)
    want = np.argsort(-(embedder.embed(texts) @ query), kind="stable")
    assert [h.memory.memory for h in hits] == [texts[i] for i in want]
    assert hits[0].score == pytest.approx(
        float(embedder.embed([hits[0].memory.memory])[0] @ query / np.linalg.norm(query)), rel=1e-4
    )
    # Another process's writes are seen: a new memory with its vector, and a deletion.
    other = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    new = other.add_memory("ana", UserMemory(memory="Ana flies to Tokyo and Kyoto next April"))
    other.put_embeddings(embedder.name, [content_hash(new.memory)], embedder.embed([new.memory]))
    other.delete_memory("ana", hits[-1].memory.memory_id or "")
    again = db.semantic_search("ana", query, embedder=embedder.name, limit=10)
    ids = [h.memory.memory_id for h in again]
    assert new.memory_id in ids and hits[-1].memory.memory_id not in ids and len(ids) == 5
    other.close()
    fused = db.hybrid_search(
        "ana",
        "trip to Kyoto",
        embedder.embed(["trip to Kyoto"])[0],
        embedder=embedder.name,
        limit=3,
    )
    assert fused[0].memory.memory == "Ana plans a trip to Kyoto in spring"
    assert len(fused) == 3 and fused[0].score >= fused[1].score >= fused[2].score
    with pytest.raises(ConfigError, match="dimensions"):
        db.semantic_search("ana", np.ones(3, dtype=np.float32), embedder=embedder.name)
    db.close()


@pytest.mark.slow
def test_keyword_top_k_equals_ranking_every_match(postgres_url: str, fresh_schema: str) -> None:
    """The two-step top k (`memlab.db.postgres.keyword`) is the full ranking's, ties included."""
    dataset = load_dataset(Path(__file__).parents[3] / "datasets" / "memlab-synthetic-v1.jsonl")
    db = PostgresMemoryDb(postgres_url, schema=fresh_schema)
    questions: list[str] = []
    for conv in dataset.conversations[:3]:
        turns = [t.text for s in conv.sessions for t in s.turns if t.text.strip()]
        # Repeated texts make ties of score, broken by memlab's order.
        db.upsert_memories("u", [UserMemory(memory=t) for t in turns + turns[:20]])
        questions += [p.question for p in conv.probes]
        questions += [" ".join(t.split()[:3]) for t in turns[::15]]
    with db._pool.connection() as conn, conn.cursor() as cur:
        cur.execute("ANALYZE memories")
        compared = stepped = 0
        for question in questions:
            for limit in (1, 3, 10):
                params = {"q": question, "user": "u", "limit": limit}
                want = [(str(r[0]), float(r[1])) for r in cur.execute(FULL_SQL, params).fetchall()]
                cur.execute(ALL_SQL, params)
                stepped += len(cur.fetchall()) >= limit
                assert keyword_top(cur, "u", question, limit) == want, (question, limit)
                compared += 1
    # Every question was compared; the two-step path (not only the full one) ran in 42.
    assert compared == 417 and stepped == 42
    db.close()
