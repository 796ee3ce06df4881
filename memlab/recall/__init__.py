"""Recall: strategies that pick a user's memories, messages or summaries for a query.

Strategies are registered by name (`last_n`, `first_n`, `bm25`, `semantic`, `hybrid`,
`recency`, `agentic`, and `recommended`, the hybrid tuned on the bundled dev split) and built
with `get_strategy(name, **options)`; `describe_strategy` records how a result was recalled.
Every strategy takes `budget_tokens`; ranking strategies also take `window`,
`session_weight`, `temporal`, `as_of` and `expand` (see `memlab.recall.pipeline`).
Embedders (`static`, the offline default; `minilm`; `litellm`) turn texts into vectors for
the semantic strategies.
"""

from memlab.recall.base import (
    CORPORA,
    Corpus,
    RecallHit,
    RecallStrategy,
    StrategySpec,
    describe_strategy,
    get_strategy,
    register_strategy,
)
from memlab.recall.embedders import Embedder, get_embedder, register_embedder
from memlab.recall.fusion import rrf_fuse

__all__ = [
    "CORPORA",
    "Corpus",
    "Embedder",
    "RecallHit",
    "RecallStrategy",
    "StrategySpec",
    "describe_strategy",
    "get_embedder",
    "get_strategy",
    "register_embedder",
    "register_strategy",
    "rrf_fuse",
]
