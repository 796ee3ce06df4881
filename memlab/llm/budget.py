"""Budgets of one `LLM`: tokens and USD spent, checked before each call that would reach a model.

Only calls that reached a model count; cache hits cost nothing now. The check estimates the
next call's input tokens (cl100k over the request) and, for a cost budget, prices them with
litellm's cost map; a model litellm has no price for cannot be held to a cost budget, and the
error says so instead of guessing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from memlab.errors import BudgetExceeded, ConfigError
from memlab.llm.loader import litellm
from memlab.schema import Usage
from memlab.tokens import count_tokens

__all__ = ["Budget"]


class Budget:
    """What one model has spent, and the limits it must stay under.

    Args:
        model: The litellm model string (used to price input tokens).
        max_cost_usd: Limit in USD, or None.
        max_tokens: Limit of input plus output tokens, or None.
    """

    def __init__(
        self, model: str, *, max_cost_usd: float | None = None, max_tokens: int | None = None
    ) -> None:
        if max_cost_usd is not None and max_cost_usd < 0:
            raise ConfigError(f"max_cost_usd must be >= 0, got {max_cost_usd}")
        if max_tokens is not None and max_tokens < 0:
            raise ConfigError(f"max_tokens must be >= 0, got {max_tokens}")
        self.model = model
        self.max_cost_usd = max_cost_usd
        self.max_tokens = max_tokens
        self._spent = Usage()
        self._lock = threading.Lock()

    @property
    def spent(self) -> Usage:
        """Tokens and cost of the calls that reached the model."""
        return self._spent

    def add(self, usage: Usage) -> None:
        """Count a call that reached the model."""
        with self._lock:
            self._spent = self._spent + usage

    def check(
        self,
        messages: Sequence[Mapping[str, Any]],
        tools: Sequence[Mapping[str, Any]] | None,
        *,
        call_id: str,
    ) -> None:
        """Raise `BudgetExceeded` when this request would pass a limit.

        Raises:
            BudgetExceeded: the limit, what was spent, and the estimate, with the flag to change.
        """
        if self.max_tokens is None and self.max_cost_usd is None:
            return
        text = json.dumps([dict(m) for m in messages], default=str)
        estimate = count_tokens(text + (json.dumps(list(tools)) if tools else ""))
        spent = self._spent
        if self.max_tokens is not None and spent.total_tokens + estimate > self.max_tokens:
            raise BudgetExceeded(
                f"token budget exceeded: {spent.total_tokens} tokens used so far + about "
                f"{estimate} input tokens for this call > max_tokens={self.max_tokens}; "
                "raise LLM(max_tokens=...) or start a new LLM",
                call_id=call_id,
            )
        if self.max_cost_usd is None:
            return
        estimate_usd = self._input_cost(estimate)
        if spent.cost_usd is None or estimate_usd is None:
            raise BudgetExceeded(
                f"the cost of {self.model!r} is unknown to litellm, so max_cost_usd="
                f"{self.max_cost_usd} cannot be enforced; register its price with "
                "litellm.register_model(...) or use max_tokens= instead",
                call_id=call_id,
            )
        if spent.cost_usd + estimate_usd > self.max_cost_usd:
            raise BudgetExceeded(
                f"cost budget exceeded: ${spent.cost_usd:.6f} spent + about ${estimate_usd:.6f} "
                f"for this call's input > max_cost_usd={self.max_cost_usd}; raise "
                "LLM(max_cost_usd=...) or start a new LLM",
                call_id=call_id,
            )

    def _input_cost(self, tokens: int) -> float | None:
        try:
            cost_in, _ = litellm().cost_per_token(
                model=self.model, prompt_tokens=tokens, completion_tokens=0
            )
        except Exception:  # litellm raises for models without a price: the cost is unknown
            return None
        return float(cost_in)
