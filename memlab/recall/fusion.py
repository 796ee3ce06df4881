"""Hybrid recall: reciprocal-rank fusion (RRF) of the BM25 and the semantic ranking.

RRF (Cormack, Clarke & Büttcher, 2009) scores an item by its ranks alone:
score(d) = Σ_i w_i / (k + rank_i(d)), ranks counted from 1, an item missing from a ranking
adding nothing. It needs no score calibration between BM25 and cosine similarity, and k = 60
is the value of the paper.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeVar

import numpy as np

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError
from memlab.recall.base import Corpus, RecallHit, register_strategy
from memlab.recall.corpus import CorpusIndex
from memlab.recall.pipeline import Query, Scored, ranked_search
from memlab.recall.ranked import KeywordOptions, SemanticOptions, top_rows
from memlab.recall.sessions import SessionMap

__all__ = ["Hybrid", "rrf_fuse"]

T = TypeVar("T", bound=Hashable)


def rrf_fuse(
    rankings: Sequence[Sequence[T]], *, weights: Sequence[float] | None = None, k: float = 60.0
) -> list[tuple[T, float]]:
    """Fuse rankings (best first) into one: `(item, Σ w_i / (k + rank_i))`, best first.

    A repeat of an item within one ranking is ignored. Equal scores keep the order in which
    the items first appear when the rankings are read rank by rank (rank 1 of each, then 2...).

    Raises:
        ConfigError: `weights` does not have one weight per ranking.
    """
    weights = [1.0] * len(rankings) if weights is None else list(weights)
    if len(weights) != len(rankings):
        raise ConfigError(f"rrf_fuse got {len(rankings)} rankings but {len(weights)} weights")
    scores: dict[T, float] = {}
    first_seen: dict[T, int] = {}
    for depth in range(max((len(r) for r in rankings), default=0)):
        for ranking in rankings:
            if depth < len(ranking):
                first_seen.setdefault(ranking[depth], len(first_seen))
    for weight, ranking in zip(weights, rankings, strict=True):
        seen: set[T] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], first_seen[pair[0]]))


@register_strategy("hybrid")
@dataclass(frozen=True, kw_only=True)
class Hybrid(KeywordOptions, SemanticOptions):
    """BM25 and semantic recall fused by reciprocal rank (see the module doc).

    Attributes:
        weights: (BM25 weight, semantic weight), each >= 0, not both 0.
        k: The RRF constant (>= 0); larger values flatten the rank differences.
        candidates: How deep each ranking is read before fusing (at least `limit`).
    """

    name: ClassVar[str] = "hybrid"
    weights: tuple[float, float] = (1.0, 1.0)
    k: float = 60.0
    candidates: int = 100

    def __post_init__(self) -> None:
        super().__post_init__()
        weights = tuple(float(w) for w in self.weights)
        if len(weights) != 2 or min(weights) < 0 or max(weights) <= 0:
            raise ConfigError(
                f"weights must be two numbers >= 0, not both 0 (bm25, semantic); "
                f"got {self.weights!r}"
            )
        object.__setattr__(self, "weights", weights)
        if not self.k >= 0:
            raise ConfigError(f"k must be >= 0, got {self.k!r}")
        if not isinstance(self.candidates, int) or self.candidates < 1:
            raise ConfigError(f"candidates must be a positive integer, got {self.candidates!r}")

    def search(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> list[RecallHit]:
        """Return the `limit` best fused items for `query`, scored by RRF."""
        return ranked_search(
            self,
            db,
            user_id=user_id,
            query=query,
            limit=limit,
            over=over,
            scorer=lambda i, d, q, s: self.fused_scores(i, d, q, s, max(self.candidates, limit)),
            session_scorer=self.session_scores,
        )

    def fused_scores(
        self,
        index: CorpusIndex,
        db: MemoryDb,
        query: Query,
        sessions: SessionMap | None,
        depth: int,
    ) -> Scored:
        """RRF score of every row (0 for rows in neither ranking's top `depth`)."""
        keyword = self.keyword_scores(index, db, query, sessions)
        cosine = self.cosine_scores(index, db, query)
        fused = rrf_fuse(
            [
                top_rows(
                    keyword, index.live, depth, positive_only=True, times=index.times
                ).tolist(),
                top_rows(
                    cosine, index.live, depth, positive_only=False, times=index.times
                ).tolist(),
            ],
            weights=self.weights,
            k=self.k,
        )
        scores = np.zeros(index.n, np.float64)
        if fused:
            rows, values = zip(*fused, strict=True)
            scores[list(rows)] = values
        return Scored(scores, True)
