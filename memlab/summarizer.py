"""`SessionSummarizer`: writes and persists the summary of one session.

`full` summarizes the whole session every time. `incremental` sends the previous summary and
only the runs it does not cover yet, so the cost of a summary stays flat as a session grows.
Either way the stored summary lists the ids of every run it covers. Turns are shown under
short handles with their dates (see `memlab.llm.sections`), so the model can date what was said
and the same runs make the same request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from memlab.db.base import MemoryDb
from memlab.errors import ConfigError, NotFoundError
from memlab.llm.client import LLM
from memlab.llm.parse import complete_parsed, parse_model
from memlab.llm.prompt import get_prompt
from memlab.llm.schemas import summary_response_format
from memlab.llm.sections import render_block, render_turns
from memlab.schema import Run, SessionSummary, Usage

__all__ = ["SessionSummarizer", "SummaryMode", "SummaryResult"]

SummaryMode = Literal["full", "incremental"]


@dataclass(frozen=True)
class SummaryResult:
    """A summary run's outcome.

    Attributes:
        summary: The stored summary.
        usage: Tokens and cost of the calls made (zero when nothing new needed summarizing).
        call_ids: Ledger ids of those calls.
        new_run_ids: The runs this call summarized for the first time.
    """

    summary: SessionSummary
    usage: Usage
    call_ids: tuple[str, ...]
    new_run_ids: tuple[str, ...]


class _SummaryAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    summary: str
    topics: list[str] = Field(default_factory=list)

    @field_validator("summary")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the summary is empty")
        return value.strip()


class SessionSummarizer:
    """Summarizes sessions with a model.

    Args:
        llm: The model; None lets `Memory` hand over its own.
        mode: "full" (whole session) or "incremental" (previous summary + runs since).
        prompt: Prompt name; defaults to "summary-full" / "summary-incremental" by mode.
    """

    def __init__(
        self, llm: LLM | str | None = None, *, mode: SummaryMode = "full", prompt: str | None = None
    ) -> None:
        if mode not in ("full", "incremental"):
            raise ConfigError(f"mode must be 'full' or 'incremental', got {mode!r}")
        self.llm = LLM(llm) if isinstance(llm, str) else llm
        self.mode = mode
        self.prompt = prompt or f"summary-{mode}"

    def __repr__(self) -> str:
        return f"SessionSummarizer({self.llm!r}, mode={self.mode!r})"

    def config(self) -> dict[str, object]:
        """The settings that rebuild this summarizer, for experiment records."""
        return {
            "mode": self.mode,
            "prompt": self.prompt,
            "llm": self.llm.config() if self.llm else None,
        }

    def with_llm(self, llm: LLM) -> SessionSummarizer:
        """A copy of this summarizer that uses `llm`."""
        return SessionSummarizer(llm, mode=self.mode, prompt=self.prompt)

    async def asummarize(self, db: MemoryDb, *, user_id: str, session_id: str) -> SummaryResult:
        """Summarize the session and store the summary.

        Raises:
            NotFoundError: the session has no runs.
            ExtractionError: the answer was not a summary, also after one repair retry.
            ModelCallError: the model call failed.
        """
        if self.llm is None:
            raise ConfigError(
                "this SessionSummarizer has no model: pass SessionSummarizer(llm=...) "
                "or give it to a Memory(model=...)"
            )
        ledger = self.llm.ledger_for(db)
        runs = db.get_runs(user_id, session_id)
        if not runs:
            raise NotFoundError(
                f"user {user_id!r} has no runs in session {session_id!r} to summarize"
            )
        previous = db.get_summary(user_id, session_id) if self.mode == "incremental" else None
        covered = set(previous.run_ids) if previous else set()
        new_runs = [r for r in runs if r.run_id not in covered]
        if previous is not None and not new_runs:
            return SummaryResult(previous, Usage(), (), ())
        prompt = get_prompt(self.prompt)
        values = {"conversation": render_block("conversation", _turns(new_runs))}
        if "$previous" in prompt.user or "$previous" in prompt.system:
            values["previous"] = render_block("previous", previous.summary if previous else "")
        parsed = await complete_parsed(
            self.llm,
            prompt.render(values),
            lambda c: parse_model(_SummaryAnswer, c.text, what='the {"summary": ...} object'),
            purpose=prompt.purpose,
            prompt=prompt,
            response_format=summary_response_format(),
            user_id=user_id,
            session_id=session_id,
            run_id=new_runs[-1].run_id,
            ledger=ledger,
        )
        summary = SessionSummary(
            session_id=session_id,
            user_id=user_id,
            summary=parsed.value.summary,
            topics=parsed.value.topics,
            run_ids=[r.run_id for r in runs],
            # Dated by the conversation, not the clock: a replayed session from 2023 gets a
            # 2023 summary, which recency and time-aware recall read.
            updated_at=max(
                max((m.created_at for m in r.messages), default=r.created_at) for r in runs
            ),
        )
        db.upsert_summary(summary)
        return SummaryResult(
            summary, parsed.usage, parsed.call_ids, tuple(r.run_id for r in new_runs)
        )


def _turns(runs: Sequence[Run]) -> str:
    shown = [
        m
        for run in runs
        for m in run.messages
        if m.role in ("user", "assistant") and not m.from_history and m.content.strip()
    ]
    return render_turns((f"m{i}", m.role, m.content, m.created_at) for i, m in enumerate(shown, 1))
