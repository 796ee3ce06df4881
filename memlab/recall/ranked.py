"""Recall strategies that rank every item by the query: `bm25`, `semantic` and `recency`.

Each reads the user's corpus mirror (`memlab.recall.corpus`), scores all live rows with numpy,
and reads the top `limit` items back from the store. Ties go to the newer item.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError
from memlab.recall.base import Corpus, RecallHit, register_strategy
from memlab.recall.bm25 import Bm25Index
from memlab.recall.corpus import CorpusIndex
from memlab.recall.embedders import Embedder
from memlab.recall.expansion import ExpandedBm25, expansion_text, keys_signature
from memlab.recall.pipeline import Query, RankOptions, Scored, ranked_search, to_utc, top_rows
from memlab.recall.sessions import SessionMap
from memlab.recall.vectors import (
    VectorView,
    attach_store,
    check_embedder_name,
    resolve_embedder,
)

__all__ = ["Bm25", "KeywordOptions", "Recency", "Semantic", "SemanticOptions", "top_rows"]

_DAY_S = 86_400.0


@dataclass(frozen=True, kw_only=True)
class KeywordOptions(RankOptions):
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

    def keyword_view(
        self, index: CorpusIndex, db: MemoryDb, sessions: SessionMap | None
    ) -> Bm25Index:
        """The BM25 postings of the mirror, with the rows' expansion keys when asked for."""
        keys = self.index_keys()
        if not keys:
            return index.view(("bm25", self.stem), lambda: Bm25Index(stem=self.stem), db)

        def keys_of(row: int) -> str:
            return expansion_text(row, keys, index.times, sessions)

        view_key = ("bm25+", self.stem, keys, keys_signature(keys, sessions))
        index.drop_views(lambda k: k[:3] == view_key[:3] and k != view_key)
        view = index.view(view_key, lambda: ExpandedBm25(keys_of, stem=self.stem), db)
        view.keys_of = keys_of  # rows appended later take the current session map
        return view

    def keyword_scores(
        self, index: CorpusIndex, db: MemoryDb, query: Query, sessions: SessionMap | None
    ) -> NDArray[np.float64]:
        """BM25 score of every row of the mirror."""
        view = self.keyword_view(index, db, sessions)
        return view.scores(query.keywords, index.live, k1=self.k1, b=self.b)

    def session_scores(
        self, index: CorpusIndex, db: MemoryDb, query: Query, sessions: SessionMap
    ) -> NDArray[np.float64]:
        """BM25 of each session as one document (its rows, with their expansion keys)."""
        view = self.keyword_view(index, db, sessions)
        return view.group_scores(
            query.keywords,
            index.live,
            sessions.session,
            len(sessions.session_ids),
            k1=self.k1,
            b=self.b,
        )


@dataclass(frozen=True, kw_only=True)
class SemanticOptions(RankOptions):
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

    def cosine_scores(
        self, index: CorpusIndex, db: MemoryDb, query: Query, sessions: SessionMap | None = None
    ) -> NDArray[np.float32]:
        """Cosine similarity of the query to every row (vectors made or read as needed)."""
        embedder = resolve_embedder(self.embedder, self.embedder_options)
        attach_store(embedder, db)  # before `dim`, which an API embedder may ask its model
        key = ("vectors", embedder.name, int(embedder.dim))
        view = index.view(key, lambda: VectorView(embedder), db)
        return view.query(query.text, db)

    def session_scores(
        self, index: CorpusIndex, db: MemoryDb, query: Query, sessions: SessionMap
    ) -> NDArray[np.float64]:
        """Sessions are scored by keywords (BM25 with its defaults), whatever ranks the rows."""
        keyword = KeywordOptions(
            roles=self.roles,
            include_history=self.include_history,
            expand=self.expand,
            temporal=self.temporal,
        )
        return keyword.session_scores(index, db, query, sessions)


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
        return ranked_search(
            self,
            db,
            user_id=user_id,
            query=query,
            limit=limit,
            over=over,
            scorer=lambda i, d, q, s: Scored(self.keyword_scores(i, d, q, s), True),
            session_scorer=self.session_scores,
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
        return ranked_search(
            self,
            db,
            user_id=user_id,
            query=query,
            limit=limit,
            over=over,
            scorer=lambda i, d, q, s: Scored(self.cosine_scores(i, d, q, s), False),
            session_scorer=self.session_scores,
        )


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
        object.__setattr__(self, "now", to_utc(self.now))

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

        def decayed(
            index: CorpusIndex, db: MemoryDb, q: Query, sessions: SessionMap | None
        ) -> Scored:
            cosine = self.cosine_scores(index, db, q)
            age_days = np.maximum(now - index.times, 0.0) / _DAY_S
            return Scored(np.maximum(cosine, 0.0) * 0.5 ** (age_days / self.half_life_days), False)

        return ranked_search(
            self,
            db,
            user_id=user_id,
            query=query,
            limit=limit,
            over=over,
            scorer=decayed,
            session_scorer=self.session_scores,
        )
