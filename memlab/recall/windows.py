"""Windows and budgets over ranked rows: which rows go into the context, grouped into hits.

A hit on a turn often needs its neighbours: the question is answered in the reply, or the
turn says "yes, that one" about the previous one. With `window=w`, each ranked row brings up
to `w` rows either side of it in its session. Rows are taken in rank order while they fit the
token budget (a window that does not fit whole is cut down to its hit alone); rows already
taken are not paid for twice. The taken rows are then grouped: rows of one session that
follow each other become one hit, so overlapping windows merge and no turn is repeated. A
group ranks by its best row and its provenance lists every turn it contains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from memlab.recall.budget import TokenCounts
from memlab.recall.sessions import SessionMap

__all__ = ["MAX_MISSES", "Group", "select_groups"]

MAX_MISSES = 32
"""Ranked rows in a row that did not fit the budget before the search gives up filling it
(the rest are lower-ranked and rarely shorter; without a stop a nearly full budget would make
every search walk its whole candidate list)."""


@dataclass(frozen=True)
class Group:
    """Rows that become one hit: in conversation order, ranked by their best seed."""

    rows: tuple[int, ...]
    """Mirror rows, in conversation order."""
    seed: int
    """The best-ranked row that brought the group in (its id and score name the hit)."""
    rank: int
    """The seed's rank (0 = best)."""


def select_groups(
    ranked: Sequence[int],
    *,
    limit: int,
    window: int,
    sessions: SessionMap | None,
    tokens: TokenCounts | None,
    budget_tokens: int | None,
) -> list[Group]:
    """Choose rows for the context from `ranked` (best first) and group them into hits.

    At most `limit` ranked rows seed the context. Each seed costs its tokens plus one
    separator; with a budget, rows are added only while the total stays within it.
    """
    taken: dict[int, int] = {}  # row -> rank of the seed that brought it
    seeds: list[int] = []
    used = misses = 0
    for rank, row in enumerate(ranked):
        if len(seeds) >= limit:
            break
        if row in taken:
            continue  # already in the context through a neighbour's window
        want = sessions.neighbours(row, window) if sessions is not None and window else [row]
        new = [r for r in want if r not in taken]
        if budget_tokens is not None and tokens is not None:
            cost = sum(tokens.of(r) + 1 for r in new)
            # Every row is counted with a separator, but the first text has none: hence + 1.
            if used + cost > budget_tokens + 1:
                new, cost = [row], tokens.of(row) + 1
                if used + cost > budget_tokens + 1:
                    misses += 1
                    if misses >= MAX_MISSES:
                        break
                    continue
            used += cost
            misses = 0
        for r in new:
            taken[r] = rank
        seeds.append(row)
        if budget_tokens is not None and used >= budget_tokens + 1:
            break
    return _group(taken, seeds, sessions if window else None)


def _group(taken: dict[int, int], seeds: list[int], sessions: SessionMap | None) -> list[Group]:
    if sessions is None:
        return [Group((row,), row, taken[row]) for row in seeds]
    rank_of_seed = {row: taken[row] for row in seeds}
    rows = sorted(
        taken,
        key=lambda r: (int(sessions.position[r]) < 0, int(sessions.position[r]), taken[r]),
    )
    groups: list[list[int]] = []
    for row in rows:
        if groups and sessions.position[row] >= 0 and sessions.adjacent(groups[-1][-1], row):
            groups[-1].append(row)
        else:
            groups.append([row])
    out = []
    for rows_ in groups:
        seed = min((r for r in rows_ if r in rank_of_seed), key=lambda r: rank_of_seed[r])
        out.append(Group(tuple(rows_), seed, rank_of_seed[seed]))
    return sorted(out, key=lambda g: g.rank)
