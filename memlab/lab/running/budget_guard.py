"""The run budget (`[budget] max_cost_usd`): what a replay spent, summed unit by unit.

The per-model budget of an `LLM` lives in one process; a run spread over workers needs one
sum. The driver adds each finished unit's spend, read from its ledger rows (calls that reached
a model; a cache hit is free now, and the offline model costs 0), and starts no unit once the
sum reaches the limit. Units already running finish and commit, so a run overshoots by at most
the units in flight, and a stopped run resumes with the same command: finished units are
skipped and the new run has a budget of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from memlab.errors import BudgetExceeded

__all__ = ["BudgetGuard", "RunBudgetReached", "unit_spend"]


class RunBudgetReached(BudgetExceeded):
    """The run's budget is reached: no unit was left half-done; run again to resume.

    Attributes:
        spent_usd: What the run spent.
        max_cost_usd: The run's limit.
        units_left: Units not started.
    """

    def __init__(self, *, spent_usd: float, max_cost_usd: float, units_left: int) -> None:
        super().__init__(
            f"run budget reached: ${spent_usd:.6f} spent >= [budget] max_cost_usd="
            f"{max_cost_usd}; {units_left} units were not started (every finished unit is "
            "in the results file). Run the same command again to resume with a fresh budget, "
            "or raise `[budget] max_cost_usd` / `--max-cost-usd`."
        )
        self.spent_usd = spent_usd
        self.max_cost_usd = max_cost_usd
        self.units_left = units_left


class BudgetGuard:
    """Spend of one run against its limit (None: no limit, nothing is ever refused).

    Args:
        max_cost_usd: The run's limit in USD, or None.
    """

    def __init__(self, max_cost_usd: float | None) -> None:
        self.max_cost_usd = max_cost_usd
        self.spent_usd = 0.0
        self.skipped = 0
        """Units the guard refused to start."""

    @property
    def limited(self) -> bool:
        """Whether there is a limit to keep."""
        return self.max_cost_usd is not None

    def add(self, usd: float) -> None:
        """Count a finished unit's spend."""
        self.spent_usd += usd

    def reached(self) -> bool:
        """Whether no further unit may start."""
        return self.max_cost_usd is not None and self.spent_usd >= self.max_cost_usd

    def left(self) -> float | None:
        """What may still be spent (never negative); None without a limit."""
        if self.max_cost_usd is None:
            return None
        return max(self.max_cost_usd - self.spent_usd, 0.0)

    def admit(self) -> bool:
        """Whether the next unit may start; a refusal is counted in `skipped`."""
        if self.reached():
            self.skipped += 1
            return False
        return True

    def check(self) -> None:
        """Raise when the guard refused any unit (after everything started has committed).

        Raises:
            RunBudgetReached: the spend, the limit and how many units were not started.
        """
        if self.skipped and self.max_cost_usd is not None:
            raise RunBudgetReached(
                spent_usd=self.spent_usd, max_cost_usd=self.max_cost_usd, units_left=self.skipped
            )


def unit_spend(
    cur: duckdb.DuckDBPyConnection, experiment_id: str, unit_ids: Sequence[str]
) -> float:
    """USD the units' committed ledger rows spent: calls that reached a model, known costs.

    A model whose price litellm does not know records a NULL cost, which counts 0 here: hold
    such a model to a token budget (`max_tokens`) instead.
    """
    if not unit_ids:
        return 0.0
    row = cur.execute(
        "SELECT coalesce(sum(cost_usd), 0) FROM llm_calls WHERE experiment_id = ?"
        " AND list_contains(?, unit_id) AND NOT cached",
        [experiment_id, list(unit_ids)],
    ).fetchone()
    return float(row[0]) if row else 0.0
