"""Which stored memories an extraction prompt shows: all of them, or the top k most similar.

agno puts every memory of the user in every extraction prompt, so input tokens grow linearly
with the store. The `top_k` policy shows a bounded number instead: the memories most similar to
the new text by BM25 over recall's index terms (`memlab.recall.text.tokenize`), plus a term for
the fact's attribute (`@location`, `@employer`, …) so that "I moved to Lisbon" finds "Ana lives
in Porto" although they share no word. Slots no memory matches are filled with the most
recently updated memories. No embedder is needed; pass a recall strategy to
`MemoryManager(context_strategy=...)` to use one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from memlab.recall.bm25 import Bm25Index
from memlab.recall.text import tokenize
from memlab.schema import UserMemory

__all__ = ["terms_of", "top_k_similar"]

_K1 = 1.2
_B = 0.75


@lru_cache(maxsize=200_000)
def terms_of(text: str) -> tuple[str, ...]:
    """Recall's index terms of a text plus its attribute term (cached: re-scored often).

    The attribute is the slot the offline rules read in the text (`attribute_of`): a tagger
    of what a statement is about, not a model, so it serves every model's prompts.
    """
    from memlab.llm.offline.rules import attribute_of  # the rule table loads on first use

    terms = tokenize(text)
    attribute = attribute_of(text)
    return (*terms, f"@{attribute}") if attribute else tuple(terms)


def top_k_similar(
    memories: Sequence[UserMemory], queries: Sequence[str], k: int
) -> list[UserMemory]:
    """The `k` memories most similar to any of `queries` (BM25), best first.

    Each query is scored separately and a memory keeps its best score, so one message about
    work and one about pets each find their own memories. Ties and empty slots go to the most
    recently updated memories.
    """
    if k <= 0 or not memories:
        return []
    if len(memories) <= k:
        return list(memories)
    index = Bm25Index()
    index.add_terms([terms_of(m.memory) for m in memories])
    live = np.ones(len(memories), np.bool_)
    best = np.zeros(len(memories), np.float64)
    for query in queries:
        np.maximum(best, index.term_scores(terms_of(query), live, k1=_K1, b=_B), out=best)
    n = len(memories)
    recency = sorted(range(n), key=lambda i: memories[i].updated_at)
    rank_of_recency = {i: r for r, i in enumerate(recency)}
    order = sorted(range(n), key=lambda i: (float(best[i]), rank_of_recency[i]), reverse=True)
    return [memories[i] for i in order[:k]]
