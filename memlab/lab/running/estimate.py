"""What a replay will cost before it runs: calls, tokens and dollars per stage, no model called.

`estimate_replay(experiment)` walks every unit as the runner replays it (see
`memlab.lab.running.estimate_units`), renders each stage's prompt with the real templates on
the dataset's real turns, and prices the tokens per model from litellm's price table
(`litellm.cost_per_token`). Given the results file of an earlier (interrupted) run, only the
units it does not hold finished are counted: the estimate says what a resume will spend.
memlab's offline model costs $0; a model litellm has no price
for costs "unknown" (None), never $0, and makes the total unknown too. `memlab replay
--dry-run [--json]` prints it.

Stages: `extraction`, `summaries`, `recall` (model-driven recall only), `answer`, `judge`
(its verdicts and the sanity controls).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from memlab.lab.running.estimate_assumptions import Assumptions
from memlab.lab.running.estimate_units import Tally, estimate_unit
from memlab.lab.running.experiment import Experiment, compatible
from memlab.lab.running.unit import unit_id_of

__all__ = [
    "STAGES",
    "Assumptions",
    "Estimate",
    "StageEstimate",
    "cached_output_sizes",
    "estimate_replay",
    "estimate_text",
    "finished_in",
    "model_cost",
]

STAGES = ("extraction", "summaries", "recall", "answer", "judge")
"""The stages an estimate reports, in pipeline order."""


class StageEstimate(BaseModel):
    """Expected calls, tokens and cost of a stage (or a model, or the total)."""

    calls: int = 0
    """Model calls."""
    input_tokens: int = 0
    """Prompt tokens (cl100k)."""
    output_tokens: int = 0
    """Completion tokens (from `Assumptions` or cached calls)."""
    cost_usd: float | None = 0.0
    """Price from litellm's table; None when a model in it has no price."""


class Estimate(BaseModel):
    """The expected cost of replaying an experiment."""

    stages: dict[str, StageEstimate]
    """Per stage, every stage listed (zero when it makes no call)."""
    total: StageEstimate
    """Sum over the stages."""
    models: dict[str, StageEstimate] = Field(default_factory=dict)
    """Per model called."""
    unknown_price: list[str] = Field(default_factory=list)
    """Models litellm has no price for (their cost is unknown, not zero)."""
    assumptions: list[str] = Field(default_factory=list)
    """What the estimate assumed, in words."""
    units: int = 0
    """Units (ingest variant × conversation) walked: those a replay would still run."""
    finished_units: int = 0
    """Units the results file already holds finished (not counted: a resume skips them)."""

    def to_json(self) -> dict[str, Any]:
        """`{"stages": {stage: {...}}, "total": {...}, "models", "unknown_price", ...}`."""
        return self.model_dump(mode="json")


def model_cost(model: str, input_tokens: int, output_tokens: int) -> float | None:
    """USD for the tokens from litellm's price table; 0 for memlab's models, None if unknown."""
    if model.startswith("memlab/"):
        return 0.0
    if input_tokens == 0 and output_tokens == 0:
        return 0.0
    from memlab.llm.loader import litellm

    lite = litellm()
    try:
        prompt, completion = lite.cost_per_token(
            model=model, prompt_tokens=input_tokens, completion_tokens=output_tokens
        )
    except (
        lite.exceptions.ModelNotMappedError,  # a provider litellm knows, a model it does not
        lite.exceptions.BadRequestError,  # no provider in the name
        KeyError,
        ValueError,
    ):
        return None
    return float(prompt) + float(completion)


def finished_in(db: str | Path, experiment_id: str) -> set[str]:
    """Ids of the experiment's units a results file holds finished, as a resume sees them.

    Empty when the file has no results tables (or cannot be opened read-only).
    """
    import duckdb

    from memlab.lab.running.tables import finished_unit_ids

    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return set()
    try:
        return finished_unit_ids(con, experiment_id)
    except duckdb.CatalogException:  # no lab tables yet: nothing finished
        return set()
    finally:
        con.close()


def cached_output_sizes(db: str | Path) -> dict[tuple[str, str], float]:
    """Mean output tokens per (model, purpose) of the calls ledgered in a results file.

    Empty when the file has no ledger (or cannot be opened read-only).
    """
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return {}
    try:
        rows = con.execute(
            "SELECT model, purpose, avg(output_tokens) FROM llm_calls"
            " WHERE output_tokens IS NOT NULL AND error IS NULL GROUP BY model, purpose"
        ).fetchall()
    except duckdb.Error:
        return {}
    finally:
        con.close()
    return {(str(m), str(p)): float(v) for m, p, v in rows if v is not None}


def estimate_replay(
    experiment: Experiment | str | Path,
    *,
    db: str | Path | None = None,
    assumptions: Assumptions | None = None,
) -> Estimate:
    """Estimate calls, tokens and cost per stage of replaying `experiment`; no model is called.

    Args:
        experiment: An `Experiment`, or the path of its TOML file.
        db: A results file: its ledgered calls give completion sizes per model and purpose
            (e.g. an earlier run of the same grid), and the units it holds finished for this
            experiment are left out (a resumed run skips them); None for `assumptions` alone.
        assumptions: Sizes only a model could tell (memories stored, answer lengths).

    Raises:
        ConfigError: the experiment does not validate.
        DatasetError: the dataset cannot be read.
    """
    from memlab.lab.running.experiment import load_experiment
    from memlab.lab.running.provenance import load_experiment_dataset

    if not isinstance(experiment, Experiment):
        experiment = load_experiment(experiment)
    assume = assumptions or Assumptions()
    existing = db is not None and Path(db).is_file()
    outputs = cached_output_sizes(db) if db is not None and existing else {}
    done = finished_in(db, experiment.experiment_id()) if db is not None and existing else set()
    dataset = load_experiment_dataset(experiment)
    tally = Tally()
    units = skipped = 0
    notes = assume.describe()
    for iv in experiment.ingest_variants():
        recalls = [rv for rv in experiment.recall_variants() if compatible(iv, rv)]
        if not recalls:
            continue
        if iv.ingest.kind == "custom":
            notes.append(f"{iv.label}: a custom system's own model calls are not estimated")
        for conversation in dataset.conversations:
            if unit_id_of(iv.ingest_id, conversation.id) in done:
                skipped += 1
                continue
            estimate_unit(
                experiment, iv, recalls, conversation, tally=tally, outputs=outputs, assume=assume
            )
            units += 1
    if skipped:
        notes.append(f"{skipped} units finished in {db} are not counted: a resume skips them")
    return _priced(tally, notes, units, skipped)


def _priced(tally: Tally, notes: list[str], units: int, finished: int) -> Estimate:
    stages = {s: StageEstimate() for s in STAGES}
    models: dict[str, StageEstimate] = {}
    unknown: set[str] = set()
    for (stage, model), (calls, tokens_in, tokens_out) in sorted(tally.rows.items()):
        part = StageEstimate(
            calls=int(calls), input_tokens=round(tokens_in), output_tokens=round(tokens_out)
        )
        part.cost_usd = model_cost(model, part.input_tokens, part.output_tokens)
        if part.cost_usd is None:
            unknown.add(model)
        _add(stages[stage], part)
        _add(models.setdefault(model, StageEstimate()), part)
    total = StageEstimate()
    for part in stages.values():
        _add(total, part)
    return Estimate(
        stages=stages,
        total=total,
        models=models,
        unknown_price=sorted(unknown),
        assumptions=notes,
        units=units,
        finished_units=finished,
    )


def _add(into: StageEstimate, part: StageEstimate) -> None:
    into.calls += part.calls
    into.input_tokens += part.input_tokens
    into.output_tokens += part.output_tokens
    if into.cost_usd is None or part.cost_usd is None:
        into.cost_usd = None
    else:
        into.cost_usd += part.cost_usd


def _usd(value: float | None) -> str:
    return "unknown" if value is None else f"${value:,.4f}"


def estimate_text(estimate: Estimate) -> str:
    """The estimate as a table for a terminal, with the models, prices and assumptions."""
    rows = [("stage", "calls", "input tokens", "output tokens", "cost")]
    for name, part in [*estimate.stages.items(), ("total", estimate.total)]:
        rows.append(
            (
                name,
                f"{part.calls:,}",
                f"{part.input_tokens:,}",
                f"{part.output_tokens:,}",
                _usd(part.cost_usd),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    done = estimate.finished_units
    rest = f" ({done} more finished already, not counted)" if done else ""
    lines = [f"dry run: {estimate.units} units, no model called{rest}"]
    for row in rows:
        cells = [
            row[0].ljust(widths[0]),
            *(c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)),
        ]
        lines.append("  ".join(cells))
    lines.append("per model:")
    for model, part in estimate.models.items():
        lines.append(
            f"  {model}: {part.calls:,} calls, {part.input_tokens:,} in, "
            f"{part.output_tokens:,} out, {_usd(part.cost_usd)}"
        )
    for model in estimate.unknown_price:
        lines.append(
            f"cost unknown: litellm has no price for {model!r}, so its cost and the total are "
            "unknown (not $0)"
        )
    lines.append("assumptions:")
    lines += [f"  - {note}" for note in estimate.assumptions]
    return "\n".join(lines) + "\n"
