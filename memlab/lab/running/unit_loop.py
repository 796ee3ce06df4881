"""Units on one asyncio loop into one store: the runner's `local` path and each shard's worker.

At most `concurrency` units run at once (model calls are further limited per model by the
`LLM`). Each finished unit is committed in one transaction. With a `BudgetGuard`, a unit that
would start once the run's budget is reached is not started, and each committed unit's spend
is added to the guard.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.budget_guard import BudgetGuard, unit_spend
from memlab.lab.running.models import ReplayModels
from memlab.lab.running.tables import commit_unit, lab_cursor
from memlab.lab.running.unit import UnitPlan, UnitResult, replay_unit

__all__ = ["run_units"]


async def run_units(
    db: DuckDbMemoryDb,
    plans: Sequence[UnitPlan],
    models: ReplayModels,
    *,
    concurrency: int,
    on_probes: Callable[[int], None] = lambda n: None,
    on_unit: Callable[[UnitResult, float], None] = lambda result, usd: None,
    guard: BudgetGuard | None = None,
) -> None:
    """Replay and commit `plans` into `db`; `on_unit(result, spent USD)` after each commit.

    Raises:
        BudgetExceeded: a model's own budget is spent (units committed so far stay).
    """
    gate = asyncio.Semaphore(concurrency)

    async def one(plan: UnitPlan) -> None:
        async with gate:
            if guard is not None and not guard.admit():
                return
            result = await replay_unit(plan, db, models, on_probes=on_probes)
            commit_unit(
                db,
                unit=result.unit,
                probes=result.probes,
                controls=result.controls,
                notes=result.calls.notes if result.calls else (),
            )
            spent = 0.0
            if guard is not None and guard.limited:
                spent = unit_spend(lab_cursor(db), plan.experiment_id, [plan.unit_id])
                guard.add(spent)
            on_unit(result, spent)

    tasks = [asyncio.ensure_future(one(plan)) for plan in plans]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
