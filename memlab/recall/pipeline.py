"""The options every ranking strategy shares, and the search they all run.

A ranking strategy (`bm25`, `semantic`, `hybrid`, `recency`, `recommended`) only says how to
score the rows of a corpus mirror. Everything else is here, as options on top of any scorer:

1. `temporal`: the question's relative date words are resolved against `as_of`
   (`memlab.recall.temporal`); their words join the keyword query, rows are also indexed under
   their date in words, and rows inside the resolved range score `1 + temporal_boost` times
   higher.
2. `expand`: rows are indexed for keywords under extra keys (`memlab.recall.expansion`).
3. `session_weight`: each session is scored as one document (BM25 over its turns, summary
   included when `expand` has it) and a row's normalized score gains `session_weight` times
   its session's normalized score, so a question about one day finds the day first.
4. `window` and `budget_tokens`: rows are taken in rank order with their neighbours while
   they fit the budget, and merged into hits (`memlab.recall.windows`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError
from memlab.recall.base import Corpus, RecallHit, check_search
from memlab.recall.budget import TokenCounts, trim_to_budget
from memlab.recall.corpus import CorpusIndex, open_index
from memlab.recall.expansion import check_expand
from memlab.recall.items import hits_by_id
from memlab.recall.sessions import SessionMap, session_map
from memlab.recall.strategies import CorpusOptions
from memlab.recall.temporal import TimeCue, resolve
from memlab.recall.windows import select_groups

__all__ = ["Query", "RankOptions", "Scored", "ranked_search", "to_utc", "top_rows"]


def to_utc(value: datetime | str | None, option: str = "now") -> datetime | None:
    """A datetime or ISO 8601 text as an aware UTC datetime (naive means UTC); None stays.

    Raises:
        ConfigError: the value is neither.
    """
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ConfigError(f"{option} must be an ISO 8601 time, got {value!r}") from exc
    if not isinstance(value, datetime):
        raise ConfigError(f"{option} must be a datetime or ISO 8601 text, got {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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


@dataclass(frozen=True)
class Query:
    """A question as the scorers see it."""

    text: str
    """The question as asked (what embedders see)."""
    keywords: str
    """The question plus the words of its resolved time range (what BM25 sees)."""
    cue: TimeCue | None
    """The time range the question points at, when `temporal` found one."""


@dataclass(frozen=True)
class Scored:
    """A scorer's output: one score per mirror row."""

    scores: NDArray[np.floating[Any]]
    """Higher is better; dead rows are ignored."""
    positive_only: bool
    """Rows scoring 0 or less are no hits (no query word matched)."""


@dataclass(frozen=True, kw_only=True)
class RankOptions(CorpusOptions):
    """Options of every ranking strategy, on top of its scorer (see the module doc).

    Attributes:
        window: Bring up to this many turns either side of a hit on a message or a memory
            that cites one (same session only); overlapping windows merge into one hit.
        session_weight: Weight of the session's score added to a row's normalized score
            (0: off).
        temporal: Resolve the question's date words against `as_of`, index rows under their
            dates in words, and boost rows inside the resolved range.
        temporal_boost: How much higher a row inside the resolved range scores (x (1 + boost)).
        as_of: When the question is asked (datetime or ISO 8601 text; naive means UTC); None
            means the time of the newest item of the corpus, which for a replayed
            conversation is right after its last session.
        expand: Extra keys to index rows under for keyword search: any of "date",
            "speaker", "facts", "summary" (see `memlab.recall.expansion`).
    """

    name: ClassVar[str]
    window: int = 0
    session_weight: float = 0.0
    temporal: bool = False
    temporal_boost: float = 1.0
    as_of: datetime | None = None
    expand: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.window, int) or isinstance(self.window, bool) or self.window < 0:
            raise ConfigError(f"window must be an integer >= 0, got {self.window!r}")
        if not self.session_weight >= 0:
            raise ConfigError(f"session_weight must be >= 0, got {self.session_weight!r}")
        if not self.temporal_boost >= 0:
            raise ConfigError(f"temporal_boost must be >= 0, got {self.temporal_boost!r}")
        object.__setattr__(self, "as_of", to_utc(self.as_of, "as_of"))
        object.__setattr__(self, "expand", check_expand(self.expand))

    def index_keys(self) -> tuple[str, ...]:
        """The expansion keys of the keyword index (`temporal` adds dates)."""
        return tuple(sorted(set(self.expand) | ({"date"} if self.temporal else set())))

    def needs_sessions(self, over: Corpus) -> bool:
        """Whether this search needs the session map of the corpus."""
        if over == "summaries":
            return False
        keys = set(self.index_keys()) - {"date"}
        return bool(self.window or self.session_weight or keys)

    def make_query(self, text: str, index: CorpusIndex) -> Query:
        """The question with its time cue resolved (when `temporal`)."""
        if not self.temporal:
            return Query(text, text, None)
        as_of = self.as_of
        if as_of is None:
            live = index.times[index.live]
            if live.size == 0:
                return Query(text, text, None)
            as_of = datetime.fromtimestamp(float(live.max()), UTC)
        cue = resolve(text, as_of)
        return Query(text, f"{text} {cue.words}" if cue and cue.words else text, cue)


Scorer = Callable[[CorpusIndex, MemoryDb, Query, SessionMap | None], Scored]
SessionScorer = Callable[[CorpusIndex, MemoryDb, Query, SessionMap], NDArray[np.float64]]


def _normalized(scores: NDArray[Any]) -> NDArray[np.float64]:
    top = float(np.max(np.abs(scores))) if scores.size else 0.0
    return np.asarray(scores, np.float64) / top if top > 0 else np.asarray(scores, np.float64)


def ranked_search(
    strategy: RankOptions,
    db: MemoryDb,
    *,
    user_id: str,
    query: str | None,
    limit: int,
    over: Corpus,
    scorer: Scorer,
    session_scorer: SessionScorer | None = None,
) -> list[RecallHit]:
    """Score the corpus with `scorer`, apply the shared options, read the chosen hits back."""
    text = check_search(type(strategy).name, query=query, limit=limit, over=over, needs_query=True)
    with open_index(db, strategy.corpus_key(user_id, over)) as index:
        sessions = session_map(index, db) if strategy.needs_sessions(over) else None
        q = strategy.make_query(text, index)
        scored = scorer(index, db, q, sessions)
        scores = np.asarray(scored.scores, np.float64)
        if strategy.session_weight and sessions is not None and session_scorer is not None:
            per_session = _normalized(session_scorer(index, db, q, sessions))
            boost = np.where(sessions.session >= 0, per_session[np.maximum(sessions.session, 0)], 0)
            scores = _normalized(scores) + strategy.session_weight * boost
        if q.cue is not None and strategy.temporal_boost:
            start, end = q.cue.start.timestamp(), q.cue.end.timestamp()
            inside = (index.times >= start) & (index.times < end)
            scores = np.where(inside & (scores > 0), scores * (1 + strategy.temporal_boost), scores)
        budget = strategy.budget_tokens
        # Rows inside an earlier window or too long for what is left are passed over, so read
        # deeper than `limit` (which still caps the seeds).
        depth = limit * (2 * strategy.window + 1) + (256 if budget is not None else 0)
        rows = top_rows(
            scores, index.live, depth, positive_only=scored.positive_only, times=index.times
        )
        tokens = index.view(("tokens",), TokenCounts, db) if budget is not None else None
        groups = select_groups(
            rows.tolist(),
            limit=limit,
            window=strategy.window,
            sessions=sessions,
            tokens=tokens,
            budget_tokens=budget,
        )
        plan = [
            ([index.ids[r] for r in g.rows], index.ids[g.seed], float(scores[g.seed]))
            for g in groups
        ]
    return trim_to_budget(_read(db, user_id, over, plan), budget)


def _read(
    db: MemoryDb, user_id: str, over: Corpus, plan: Sequence[tuple[list[str], str, float]]
) -> list[RecallHit]:
    """Hits for the planned groups: one read for all their items, then merged per group."""
    wanted = [(i, 0.0) for ids, _, _ in plan for i in ids]
    found = {h.item_id: h for h in hits_by_id(db, user_id, over, list(dict(wanted).items()))}
    out: list[RecallHit] = []
    for ids, seed_id, score in plan:
        parts = [found[i] for i in ids if i in found]
        seed = found.get(seed_id)
        if seed is None or not parts:
            continue  # deleted meanwhile
        if len(parts) == 1:
            out.append(seed.model_copy(update={"score": score}))
            continue
        sources = list(dict.fromkeys(m for p in parts for m in p.source_message_ids))
        out.append(
            seed.model_copy(
                update={
                    "text": "\n".join(p.text for p in parts),
                    "score": score,
                    "source_message_ids": sources,
                }
            )
        )
    return out
