"""The models of one replay: one `LLM` per (model string, cache on/off), ledgered to the store.

Every `LLM` of a replay writes its ledger through an `AttributingLedger`, so its rows carry
the experiment, variant, unit and stage once their unit commits. Budgets and concurrency are
per model: `max_cost_usd` limits what each model spends, `concurrency` the calls in flight.
"""

from __future__ import annotations

from pathlib import Path

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.cache_seed import SeededLLM, seeded_ledger
from memlab.lab.running.ledger import AttributingLedger
from memlab.lab.running.tables import lab_cursor
from memlab.llm.budget import Budget
from memlab.llm.client import LLM
from memlab.llm.keys import KeyAdvice

__all__ = ["ReplayModels"]


class ReplayModels:
    """Builds and keeps the replay's `LLM`s."""

    def __init__(
        self,
        db: DuckDbMemoryDb,
        *,
        concurrency: int,
        max_cost_usd: float | None,
        max_tokens: int | None,
        api_base: str | None = None,
        api_key: str | None = None,
        key_advice: KeyAdvice | None = None,
        cache_from: str | Path | None = None,
    ) -> None:
        # `cache_from`: another file's cache answers what this file's does not (cache_seed).
        self.ledger = AttributingLedger(db) if cache_from is None else seeded_ledger(db, cache_from)
        self._llm_type = LLM if cache_from is None else SeededLLM
        self.ledger.preload(
            lab_cursor(db)
            .execute(
                "SELECT request_hash, response, input_tokens, output_tokens, cost_usd"
                " FROM llm_cache"
            )
            .fetchall()
        )
        self._concurrency = concurrency
        self._max_cost_usd = max_cost_usd
        self._max_tokens = max_tokens
        self._api_base = api_base
        self._api_key = api_key
        self._key_advice = key_advice
        self._llms: dict[tuple[str, bool, int | None], LLM] = {}
        self._budgets: dict[str, Budget] = {}

    def get(self, model: str, *, cache: bool = True, max_tokens: int | None = None) -> LLM:
        """The `LLM` for `model` (cache off for the repeats of answer and judge stages).

        `max_tokens` caps each call's output (sent to non-memlab models only). The LLMs of
        one model share its budget, whatever their cache setting and cap.
        """
        hosted = not model.startswith("memlab/")
        cap = max_tokens if hosted else None
        key = (model, cache, cap)
        llm = self._llms.get(key)
        if llm is None:
            llm = self._llm_type(
                model,
                db=self.ledger,
                api_base=self._api_base if hosted else None,
                api_key=self._api_key if hosted else None,
                key_advice=self._key_advice,
                max_concurrency=max(self._concurrency, 1),
                max_cost_usd=self._max_cost_usd,
                max_tokens=self._max_tokens,
                cache=cache,
                params={"max_tokens": cap} if cap is not None else None,
            )
            llm.budget = self._budgets.setdefault(model, llm.budget)
            self._llms[key] = llm
        return llm

    def all(self) -> list[LLM]:
        """Every model built so far."""
        return list(self._llms.values())
