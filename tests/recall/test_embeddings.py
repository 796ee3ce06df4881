"""Vectors: computed lazily, once per (text, embedder), stored by content hash, never mixed."""

import hashlib

import duckdb
import numpy as np
import pytest

from memlab import Memory
from memlab.db import MIGRATIONS, DuckDbMemoryDb, apply_migrations
from memlab.errors import ConfigError
from memlab.recall import get_strategy
from memlab.schema import Message, Run, UserMemory


def test_m002_creates_the_embeddings_table() -> None:
    con = duckdb.connect(":memory:")
    apply_migrations(con)
    assert [n for n, _ in MIGRATIONS][:2] == ["m001_initial", "m002_embeddings"]
    columns = con.execute("DESCRIBE embeddings").fetchall()
    assert [(c[0], c[1]) for c in columns] == [
        ("embedder", "VARCHAR"),
        ("content_hash", "VARCHAR"),
        ("dim", "INTEGER"),
        ("vector", "FLOAT[]"),
        ("created_at", "TIMESTAMP"),
    ]


def test_put_and_get_round_trip_by_content_hash(db: DuckDbMemoryDb) -> None:
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)
    assert db.put_embeddings("e", ["h1", "h2", "h1"], vectors) == 3
    positions, found = db.get_embeddings("e", ["h2", "nope", "h1"], dim=4)
    assert positions.tolist() == [0, 2]
    np.testing.assert_array_equal(found, vectors[[1, 0]])  # the first h1 wins
    db.put_embeddings("e", ["h1"], np.zeros((1, 4), np.float32))  # stored vectors stay
    np.testing.assert_array_equal(db.get_embeddings("e", ["h1"], dim=4)[1], vectors[[0]])
    assert db.embedding_dims("e") == [4]
    assert db.delete_embeddings("e") == 2
    assert db.embedding_dims("e") == []


def test_content_hash_is_sha256_of_the_utf8_text(db: DuckDbMemoryDb) -> None:
    text = "Ana vit à Lisbonne 🌊"
    db.add_memory("ana", UserMemory(memory=text))
    table = db.corpus_texts("ana", "memories", [m.memory_id for m in db.list_memories("ana")])
    assert table.column("content_hash").to_pylist() == [hashlib.sha256(text.encode()).hexdigest()]


def test_adds_embed_nothing_and_the_first_search_embeds_once_in_one_batch(
    memory: Memory, counting
) -> None:
    ids = memory.add_user_memories(
        [f"Ana fact number {i}" for i in range(50)] + ["Ana fact number 0"]
    )
    assert counting.calls == []
    strategy = get_strategy("semantic", embedder=counting)
    strategy.search(memory.db, user_id="ana", query="fact", limit=3)
    assert len(counting.calls) == 2  # the corpus in one batch (50 distinct texts), the query
    assert len(counting.calls[0]) == 50
    strategy.search(memory.db, user_id="ana", query="fact", limit=3)
    assert counting.embedded[-1] == "fact" and len(counting.calls) == 3  # only the query

    memory.replace_user_memory(ids[3], "Ana now lives in Oslo")
    memory.add_user_memory("Bob fact number 7", user_id="bob")
    memory.add_user_memory("Ana fact number 7", user_id="bob")  # same text, other user
    strategy.search(memory.db, user_id="ana", query="Oslo", limit=1)
    strategy.search(memory.db, user_id="bob", query="fact", limit=1)
    assert counting.calls[3] == ["Ana now lives in Oslo"]
    assert counting.calls[5] == ["Bob fact number 7"]  # Ana's text came from the store


def test_vectors_survive_a_restart(tmp_path, counting) -> None:
    path = tmp_path / "v.duckdb"
    with DuckDbMemoryDb(path) as db:
        Memory(db, model=None).add_user_memories(["Ana lives in Porto", "Ana has a cat"])
        get_strategy("semantic", embedder=counting).search(
            db, user_id="default", query="x", limit=1
        )
    counting.calls.clear()
    with DuckDbMemoryDb(path) as db:
        hits = get_strategy("semantic", embedder=counting).search(
            db, user_id="default", query="Which city does Ana live in?", limit=1
        )
    assert counting.calls == [["Which city does Ana live in?"]]
    assert hits[0].text == "Ana lives in Porto"


def test_a_dimension_mismatch_is_a_clear_error_and_changes_nothing(
    memory: Memory, counting_cls
) -> None:
    memory.add_user_memories(["Ana lives in Porto", "Ana has a cat"])
    db = memory.db
    db.put_embeddings("counting", ["other text hash"], np.ones((1, 3), np.float32))
    before = db.sql_df("SELECT * FROM embeddings")
    strategy = get_strategy("semantic", embedder=counting_cls(name="counting"))
    with pytest.raises(ConfigError, match=r"length \[3\] for embedder 'counting'.*length 256"):
        strategy.search(db, user_id="ana", query="Porto", limit=1)
    assert db.sql_df("SELECT * FROM embeddings").equals(before)
    assert db.delete_embeddings("counting") == 1
    assert (
        strategy.search(db, user_id="ana", query="Porto", limit=1)[0].text == "Ana lives in Porto"
    )


def test_an_embedder_that_breaks_its_dim_is_refused(memory: Memory, counting_cls) -> None:
    class WrongShape(counting_cls):  # type: ignore[misc, valid-type]
        def embed(self, texts):  # type: ignore[no-untyped-def]
            return super().embed(texts)[:, :10]

    memory.add_user_memories(["Ana lives in Porto"])
    with pytest.raises(ConfigError, match="declares dim 256 but returned shape"):
        get_strategy("semantic", embedder=WrongShape(name="wrong")).search(
            memory.db, user_id="ana", query="Porto", limit=1
        )
    assert memory.db.embedding_dims("wrong") == []


def test_read_only_store_searches_without_writing(tmp_path) -> None:
    path = tmp_path / "ro.duckdb"
    with DuckDbMemoryDb(path) as db:
        db.add_runs(
            [
                Run(
                    session_id="s",
                    user_id="ana",
                    messages=[Message(role="user", content="I live in Porto")],
                )
            ]
        )
    with DuckDbMemoryDb(path, read_only=True) as db:
        hits = get_strategy("semantic").search(
            db, user_id="ana", query="Porto", limit=1, over="messages"
        )
        assert [h.text for h in hits] == ["I live in Porto"]
        assert db.embedding_dims("static:minilm-static-v1") == []
