"""The litellm embedder against a local OpenAI-compatible server: ledgered, cached, stored."""

from collections.abc import Iterator

import numpy as np
import pytest

from memlab import Memory
from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError
from memlab.recall import describe_strategy, get_embedder, get_strategy
from memlab.recall.litellm_embedder import LiteLLMEmbedder
from memlab.testing import OpenAIServer

MODEL = "openai/text-embedding-3-small"


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(embedding_dim=8) as running:
        yield running


def options(server: OpenAIServer, **more: object) -> dict[str, object]:
    return {"model": MODEL, "api_base": server.base_url, "api_key": "sk-test", **more}


def test_vectors_are_unit_float32_in_batches(server: OpenAIServer, db: DuckDbMemoryDb) -> None:
    embedder = get_embedder("litellm", **options(server, batch_size=2))
    assert isinstance(embedder, LiteLLMEmbedder)
    embedder.attach(db)

    vectors = embedder.embed(["a", "b", "c"])

    assert embedder.name == f"litellm:{MODEL}"
    assert vectors.shape == (3, 8) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    assert [len(r.body["input"]) for r in server.requests] == [2, 1]
    assert embedder.embed([]).shape == (0, 8)
    assert db.llm_calls_df()["purpose"].tolist() == ["embed", "embed"]


def test_semantic_recall_embeds_once_and_ledgers_in_the_searched_store(
    server: OpenAIServer, memory: Memory
) -> None:
    memory.add_user_memories(["Ana lives in Porto", "Ana has a cat", "Ana is a nurse"])
    strategy = get_strategy("semantic", embedder="litellm", embedder_options=options(server))

    first = strategy.search(memory.db, user_id="ana", query="Ana has a cat", limit=1)
    again = strategy.search(memory.db, user_id="ana", query="Ana has a cat", limit=1)

    # The server's vectors are a hash of the text: only the identical text scores 1.
    assert [h.text for h in first] == [h.text for h in again] == ["Ana has a cat"]
    assert first[0].score == pytest.approx(1.0, abs=1e-6)
    inputs = [r.body["input"] for r in server.requests]
    assert inputs == [
        ["dimension probe"],
        ["Ana lives in Porto", "Ana has a cat", "Ana is a nurse"],
        ["Ana has a cat"],
    ]
    calls = memory.db.llm_calls_df()
    assert calls["purpose"].tolist() == ["embed"] * 4
    assert calls["cached"].tolist() == [False, False, False, True]  # the repeated query
    assert memory.db.embedding_dims(f"litellm:{MODEL}") == [8]
    assert describe_strategy(strategy).options["embedder_options"]["model"] == MODEL


def test_a_declared_dim_skips_the_probe_and_is_checked(server: OpenAIServer) -> None:
    embedder = LiteLLMEmbedder(MODEL, dim=16, api_base=server.base_url, api_key="k")
    assert embedder.dim == 16 and server.requests == []
    with pytest.raises(ConfigError, match="length 8, not dim=16"):
        embedder.embed(["x"])


def test_bad_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        LiteLLMEmbedder(MODEL, batch_size=0)
    with pytest.raises(ConfigError, match="bad arguments for embedder 'litellm'"):
        get_embedder("litellm", modle=MODEL)
