"""Which stored memories an extraction prompt shows: all of them, or the top k most similar.

agno puts every memory of the user in every extraction prompt, so input tokens grow linearly
with the store. The `top_k` policy shows a bounded number instead: the memories most similar to
the new text by BM25 over words, plus a token for the fact's attribute (`@location`, `@work`,
…) so that "I moved to Lisbon" finds "Ana lives in Porto" although they share no word. Slots
no memory matches are filled with the most recently updated memories. No embedder is needed;
pass a recall strategy to `MemoryManager(context_strategy=...)` to use one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from memlab.schema import UserMemory

__all__ = ["top_k_similar", "words_of"]

_K1 = 1.2
_B = 0.75


@lru_cache(maxsize=200_000)
def words_of(text: str) -> tuple[str, ...]:
    """Stemmed content words of a text plus its attribute token (cached: re-scored often)."""
    from memlab.llm.offline import rules  # the rule engine's words, on first use

    words = [rules.stem_word(w) for w in rules.tokenize_words(text) if w not in rules.STOPWORDS]
    attribute = rules.attribute_of(text)
    return (*words, f"@{attribute}") if attribute else tuple(words)


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
    docs = [words_of(m.memory) for m in memories]
    avg_len = sum(len(d) for d in docs) / len(docs) or 1.0
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(doc))
    n = len(docs)
    best = [0.0] * n
    for query in queries:
        terms = set(words_of(query))
        idf = {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in terms if df[t]}
        if not idf:
            continue
        for i, doc in enumerate(docs):
            score = 0.0
            tf = None
            for term, weight in idf.items():
                if term in doc:
                    tf = tf or Counter(doc)
                    f = tf[term]
                    score += weight * f * (_K1 + 1) / (f + _K1 * (1 - _B + _B * len(doc) / avg_len))
            if score > best[i]:
                best[i] = score
    recency = sorted(range(n), key=lambda i: memories[i].updated_at)
    rank_of_recency = {i: r for r, i in enumerate(recency)}
    order = sorted(range(n), key=lambda i: (best[i], rank_of_recency[i]), reverse=True)
    return [memories[i] for i in order[:k]]
