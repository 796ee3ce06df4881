"""Embeddings through the chokepoint: ledgered, cached, float32."""

from __future__ import annotations

import numpy as np
import pytest

from memlab.db import DuckDbMemoryDb
from memlab.errors import ConfigError
from memlab.llm import LLM
from memlab.testing import OpenAIServer


def test_embeddings_are_ledgered_cached_and_float32(
    server: OpenAIServer, db: DuckDbMemoryDb
) -> None:
    llm = LLM("openai/test-embedding", db=db, api_base=server.base_url, api_key="k")
    first = llm.embed(["Ana lives in Lisbon", "Ana has a cat"], user_id="ana")
    again = llm.embed(["Ana lives in Lisbon", "Ana has a cat"], user_id="ana")
    assert first.vectors.dtype == np.float32 and first.vectors.shape == (2, server.embedding_dim)
    assert np.array_equal(first.vectors, again.vectors) and again.cached
    assert len(server.requests) == 1
    rows = db.llm_calls_df()
    assert rows["purpose"].tolist() == ["embed", "embed"] and rows["cached"].tolist() == [
        False,
        True,
    ]
    assert rows["input_tokens"].tolist() == [8, 8]  # the server counts words (4 + 4)


def test_the_offline_model_does_not_embed() -> None:
    with pytest.raises(ConfigError, match="makes no embeddings"):
        LLM().embed(["x"])
