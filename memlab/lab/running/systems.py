"""The memory system a unit replays into, built from its ingest variant.

`messages`, `verbatim` and `extract` are configurations of `Memory` on the replay's store
(the variant's manager, summarizer and trigger, with the replay's models), with derived
memory ids so a rerun recalls the same ids; `custom` calls the user's factory with the
variant's options. Tokens a custom system reports outside memlab's ledger become ledger rows
of the unit, so its cost is counted like everyone else's.
"""

from __future__ import annotations

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.experiment import IngestVariant
from memlab.lab.running.ledger import AttributingLedger, stage
from memlab.lab.running.models import ReplayModels
from memlab.lab.running.specs import DEFAULT_MAX_TOKENS
from memlab.llm.client import new_call_row
from memlab.manager import MemoryManager
from memlab.memory import Memory
from memlab.schema import Usage
from memlab.summarizer import SessionSummarizer
from memlab.system import MemorySystem, build_system
from memlab.triggers import get_trigger

__all__ = ["ReportedUsage", "unit_system"]


def unit_system(variant: IngestVariant, db: DuckDbMemoryDb, models: ReplayModels) -> MemorySystem:
    """The system one unit of `variant` replays into."""
    spec = variant.ingest
    if spec.kind == "custom":
        assert spec.factory is not None  # IngestSpec checks it
        return build_system(spec.factory, dict(spec.options))
    manager = None
    if spec.kind == "extract":
        manager = MemoryManager(
            models.get(spec.model, max_tokens=spec.max_tokens or DEFAULT_MAX_TOKENS["extract"]),
            prompt=spec.prompt,
            context=spec.context,
            top_k=spec.top_k,
            include_assistant=spec.include_assistant,
        )
    summary = variant.summary
    return Memory(
        db,
        model=None,
        manager=manager,
        summarizer=SessionSummarizer(
            models.get(
                summary.model,
                max_tokens=summary.max_tokens or DEFAULT_MAX_TOKENS["summarize"],
            ),
            mode=summary.mode,
        ),
        summary_trigger=get_trigger(summary.trigger, **summary.trigger_options()),
        ingest=spec.kind,
        extract_every=spec.granularity,
        ids="derived",  # reruns store the same ids, so result rows compare equal
    )


class ReportedUsage:
    """Turns what a system reports in `external_usage()` into ledger rows of the unit."""

    def __init__(
        self, system: MemorySystem, ledger: AttributingLedger, variant: IngestVariant
    ) -> None:
        self.system = system
        self.ledger = ledger
        self.model = f"custom:{variant.ingest.factory}" if variant.ingest.factory else "memlab"
        self.seen = system.external_usage()
        self.reports = 0

    def record(self, unit_id: str) -> None:
        """Ledger what the system spent since the last call, attributed to the ingest stage."""
        now = self.system.external_usage()
        spent = Usage(
            input_tokens=now.input_tokens - self.seen.input_tokens,
            output_tokens=now.output_tokens - self.seen.output_tokens,
            cost_usd=None
            if now.cost_usd is None or self.seen.cost_usd is None
            else now.cost_usd - self.seen.cost_usd,
            calls=now.calls - self.seen.calls,
        )
        self.seen = now
        if spent.total_tokens <= 0 and not spent.calls:
            return
        self.reports += 1
        with stage("ingest"):
            self.ledger.record_llm_call(
                new_call_row(
                    self.ledger,
                    purpose="extract",
                    model=self.model,
                    prompt_name="reported-by-system",
                    request_hash=f"reported:{unit_id}:{self.reports}",
                    input_tokens=spent.input_tokens,
                    output_tokens=spent.output_tokens,
                    cost_usd=spent.cost_usd,
                )
            )
