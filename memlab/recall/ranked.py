"""Recall strategies that rank every item by the query: `bm25`, `semantic` and `recency`.

Each reads the user's corpus mirror (`memlab.recall.corpus`), scores all live rows with numpy,
and reads the top `limit` items back from the store. Ties go to the newer item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError
from memlab.recall.base import Corpus, RecallHit, check_search, register_strategy
from memlab.recall.bm25 import Bm25Index
from memlab.recall.corpus import CorpusIndex, open_index
from memlab.recall.embedders import Embedder
from memlab.recall.items import hits_by_id
from memlab.recall.strategies import CorpusOptions
from memlab.recall.vectors import (
    VectorView,
    attach_store,
    check_embedder_name,
    resolve_embedder,
)

__all__ = ["Bm25", "KeywordOptions", "Recency", "Semantic", "SemanticOptions", "top_rows"]

_DAY_S = 86_400.0


def top_rows(
    scores: NDArray[np.float64] | NDArray[np.float32],
    live: NDArray[np.bool_],
    k: int,
    *,
    positive_only: bool,
    times: NDArray[np.float64] | None = None,
) -> NDArray[np.int64]:
    """The `k` live rows with the highest scores, best first.

    Equal scores go to the newer item: the later of `times` (when given), then the later row.
    With `positive_only`, rows scoring 0 or less are no hits (BM25: no query term matched).
    """
    mask = live & (scores > 0) if positive_only else live
    rows = np.flatnonzero(mask)
    stamps = times[rows] if times is not None else np.zeros(rows.size)
    if rows.size > k:
        values = scores[rows]
        kth = np.partition(values, rows.size - k)[rows.size - k]
        above = values > kth
        tied = np.flatnonzero(values == kth)
        tied = tied[np.lexsort((-rows[tied], -stamps[tied]))][: k - int(above.sum())]
        chosen = np.concatenate((np.flatnonzero(above), tied))
        rows, stamps = rows[chosen], stamps[chosen]
    order = np.lexsort((-rows, -stamps, -scores[rows]))
    return rows[order].astype(np.int64)


def _ranked(index: CorpusIndex, rows: NDArray[np.int64], scores: Any) -> list[tuple[str, float]]:
    return [(index.ids[r], float(scores[r])) for r in rows]


@dataclass(frozen=True, kw_only=True)
class KeywordOptions(CorpusOptions):
    """BM25 options (Lucene variant; see `memlab.recall.bm25`).

    Attributes:
        k1: Term-frequency saturation (>= 0).
        b: Length normalization, 0 to 1.
        stem: Fold plurals and third-person verbs ("lives" matches "live").
    """

    k1: float = 1.5
    b: float = 0.75
    stem: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.k1 >= 0:
            raise ConfigError(f"k1 must be >= 0, got {self.k1!r}")
        if not 0 <= self.b <= 1:
            raise ConfigError(f"b must be between 0 and 1, got {self.b!r}")

    def keyword_scores(self, index: CorpusIndex, db: MemoryDb, query: str) -> NDArray[np.float64]:
        """BM25 score of every row of the mirror."""
        view = index.view(("bm25", self.stem), lambda: Bm25Index(stem=self.stem), db)
        return view.scores(query, index.live, k1=self.k1, b=self.b)


@dataclass(frozen=True, kw_only=True)
class SemanticOptions(CorpusOptions):
    """Embedding options.

    Attributes:
        embedder: A registered embedder name ("static", the offline default; "minilm";
            "litellm") or an `Embedder` instance.
        embedder_options: Keyword arguments for the named embedder (e.g. `model`, `api_base`).
    """

    embedder: str | Embedder = "static"
    embedder_options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.embedder, str):
            check_embedder_name(self.embedder)
        elif not isinstance(self.embedder, Embedder):
            raise ConfigError(
                f"embedder must be a registered name or an Embedder, got {self.embedder!r}"
            )
        object.__setattr__(self, "embedder_options", dict(self.embedder_options))

    def cosine_scores(self, index: CorpusIndex, db: MemoryDb, query: str) -> NDArray[np.float32]:
        """Cosine similarity of the query to every row (vectors made or read as needed)."""
        embedder = resolve_embedder(self.embedder, self.embedder_options)
        attach_store(embedder, db)  # before `dim`, which an API embedder may ask its model
        key = ("vectors", embedder.name, int(embedder.dim))
        view = index.view(key, lambda: VectorView(embedder), db)
        return view.query(query, db)


@register_strategy("bm25")
@dataclass(frozen=True, kw_only=True)
class Bm25(KeywordOptions):
    """Keyword recall: items sharing the query's words, rarer words weighing more (BM25).

    Items that share no word with the query are not returned, so fewer than `limit` hits
    can come back.
    """

    name: ClassVar[str] = "bm25"

    def search(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> list[RecallHit]:
        """Return the best BM25 matches for `query`, best first, scored by BM25."""
        return _ranked_search(
            self,
            db,
            user_id=user_id,
            query=query,
            limit=limit,
            over=over,
            scorer=self.keyword_scores,
            positive_only=True,
        )


@register_strategy("semantic")
@dataclass(frozen=True, kw_only=True)
class Semantic(SemanticOptions):
    """Embedding recall: items whose meaning is closest to the query (cosine similarity).

    Texts are embedded once per embedder, at the first search that needs them, in one batch;
    the vectors are kept in the store's `embeddings` table.
    """

    name: ClassVar[str] = "semantic"

    def search(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> list[RecallHit]:
        """Return the `limit` items most similar to `query`, scored by cosine similarity."""
        return _ranked_search(
            self,
            db,
            user_id=user_id,
            query=query,
            limit=limit,
            over=over,
            scorer=self.cosine_scores,
            positive_only=False,
        )


def _utc(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ConfigError(f"now must be an ISO 8601 time, got {value!r}") from exc
    if not isinstance(value, datetime):
        raise ConfigError(f"now must be a datetime or ISO 8601 text, got {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@register_strategy("recency")
@dataclass(frozen=True, kw_only=True)
class Recency(SemanticOptions):
    """Semantic recall that prefers recent items: cosine × 0.5 ** (age / half-life).

    Age runs from the item's time (a memory's or summary's last update, a message's time) to
    `now`. A negative cosine counts as 0, so decay can never lift an unrelated old item above
    an unrelated new one.

    Attributes:
        half_life_days: Age at which an item's score is halved.
        now: The time ages are measured at; None means the time of each search. Fix it for
            reproducible experiments (a datetime, or ISO 8601 text; naive means UTC).
    """

    name: ClassVar[str] = "recency"
    half_life_days: float = 30.0
    now: datetime | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.half_life_days > 0:
            raise ConfigError(f"half_life_days must be > 0, got {self.half_life_days!r}")
        object.__setattr__(self, "now", _utc(self.now))

    def search(
        self,
        db: MemoryDb,
        *,
        user_id: str,
        query: str | None,
        limit: int,
        over: Corpus = "memories",
    ) -> list[RecallHit]:
        """Return the `limit` items with the best decayed similarity to `query`."""
        now = (self.now or datetime.now(UTC)).timestamp()

        def decayed(index: CorpusIndex, db: MemoryDb, text: str) -> NDArray[np.float64]:
            cosine = self.cosine_scores(index, db, text)
            age_days = np.maximum(now - index.times, 0.0) / _DAY_S
            return np.maximum(cosine, 0.0) * 0.5 ** (age_days / self.half_life_days)

        return _ranked_search(
            self,
            db,
            user_id=user_id,
            query=query,
            limit=limit,
            over=over,
            scorer=decayed,
            positive_only=False,
        )


Scorer = Callable[[CorpusIndex, MemoryDb, str], Any]


def _ranked_search(
    strategy: CorpusOptions,
    db: MemoryDb,
    *,
    user_id: str,
    query: str | None,
    limit: int,
    over: Corpus,
    scorer: Scorer,
    positive_only: bool,
) -> list[RecallHit]:
    """Score every live item of the corpus with `scorer` and read the top `limit` back."""
    name = type(strategy).name
    text = check_search(name, query=query, limit=limit, over=over, needs_query=True)
    with open_index(db, strategy.corpus_key(user_id, over)) as index:
        scores = scorer(index, db, text)
        rows = top_rows(scores, index.live, limit, positive_only=positive_only, times=index.times)
        ranked = _ranked(index, rows, scores)
    return hits_by_id(db, user_id, over, ranked)
