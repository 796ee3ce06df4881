"""Token budgets for recall: take items in rank order while their text fits.

A budget is counted the way the lab and the ledger count a prompt's context: cl100k tokens of
the recalled texts joined by newlines (`context_tokens`). Selection is first-fit in rank
order: an item too long for what is left is skipped and the next one is tried, so one long
item cannot starve the budget. `take_within_budget` finally checks the exact joined count and
drops the lowest-ranked items while it is over, so a budget is never exceeded, whatever the
tokenizer does at the joins.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from memlab.errors import ConfigError
from memlab.recall.base import RecallHit
from memlab.tokens import count_tokens

__all__ = [
    "SEPARATOR",
    "TokenCounts",
    "check_budget",
    "context_tokens",
    "take_within_budget",
    "trim_to_budget",
]

SEPARATOR = "\n"
"""What recalled texts are joined with in a prompt's context (one token in cl100k)."""


def check_budget(budget_tokens: int | None) -> int | None:
    """Validate a `budget_tokens` option: None (no budget) or a positive integer.

    Raises:
        ConfigError: the budget is not a positive integer.
    """
    if budget_tokens is None:
        return None
    if not isinstance(budget_tokens, int) or isinstance(budget_tokens, bool) or budget_tokens < 1:
        raise ConfigError(
            f"budget_tokens must be a positive integer (cl100k tokens of recalled text) or "
            f"None, got {budget_tokens!r}"
        )
    return budget_tokens


def context_tokens(texts: Sequence[str]) -> int:
    """Tokens of `texts` joined by newlines, as the lab counts a probe's context."""
    return count_tokens(SEPARATOR.join(texts))


def take_within_budget(hits: Sequence[RecallHit], budget_tokens: int | None) -> list[RecallHit]:
    """The hits, in rank order, that fit `budget_tokens` (first fit; None keeps them all)."""
    if budget_tokens is None:
        return list(hits)
    out: list[RecallHit] = []
    used = 0
    for hit in hits:
        # Each text after the first costs one separator token; the exact check is below.
        cost = count_tokens(hit.text) + (1 if out else 0)
        if used + cost <= budget_tokens:
            out.append(hit)
            used += cost
    while out and context_tokens([h.text for h in out]) > budget_tokens:
        out.pop()
    return out


def trim_to_budget(hits: Sequence[RecallHit], budget_tokens: int | None) -> list[RecallHit]:
    """Drop the lowest-ranked hits while the joined text is over budget (one count if it fits).

    For hits already chosen against per-item counts: this is the exact check at the joins.
    """
    out = list(hits)
    if budget_tokens is None:
        return out
    while out and context_tokens([h.text for h in out]) > budget_tokens:
        out.pop()
    return out


class TokenCounts:
    """Token counts of a corpus mirror's rows, counted lazily (an `IndexView`).

    Counting every row up front would cost a second per 100k rows; a budgeted search only
    needs the rows it considers, so counts are made on first use and kept.
    """

    def __init__(self) -> None:
        self.n = 0
        self._counts = np.zeros(0, np.int64)
        self._texts: list[str] = []

    def extend(
        self, db: object, texts: Sequence[str], hashes: Sequence[str], live: NDArray[np.bool_]
    ) -> None:
        """Take the next rows (-1: not counted yet)."""
        self._counts = np.concatenate((self._counts, np.full(len(texts), -1, np.int64)))
        self._texts.extend(texts)
        self.n += len(texts)

    def compact(self, keep: NDArray[np.int64]) -> None:
        """Keep rows `keep` that this view holds, renumbered `0..`."""
        mine = keep[keep < self.n]
        self._counts = self._counts[mine]
        self._texts = [self._texts[i] for i in mine.tolist()]
        self.n = len(mine)

    def of(self, row: int) -> int:
        """Tokens of row `row`'s text."""
        count = int(self._counts[row])
        if count < 0:
            count = self._counts[row] = count_tokens(self._texts[row])
        return count
