"""`FrameResults`: results held as DataFrames in memory, with the same frame methods as `Results`.

Useful to analyse frames that did not come straight from one results file: a filtered or
concatenated set of probes, results merged from several workers' files, or frames a test
builds by hand. `summarize`, `compare`, the plots and `write_report` accept it like `Results`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["FrameResults"]


@dataclass(frozen=True)
class FrameResults:
    """Results frames held in memory.

    Attributes:
        variants: As `Results.variants_df()`.
        probes: As `Results.probes_df()`.
        units: As `Results.units_df()`.
        calls: As `Results.calls_df()`; empty when unknown.
        meta: As `Results.provenance()`.
        name: The experiment's name.
        experiment_id: The experiment's id.
        judge_controls: As `Results.judge_controls_df()`; empty when there was no judge.
    """

    variants: pd.DataFrame
    probes: pd.DataFrame
    units: pd.DataFrame
    calls: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: dict[str, Any] = field(default_factory=dict)
    name: str = "frames"
    experiment_id: str = "frames"
    judge_controls: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def of(cls, results: Any) -> FrameResults:
        """Copy every frame of `results` (e.g. a `Results` whose file is about to close)."""
        controls = getattr(results, "judge_controls_df", None)
        return cls(
            variants=results.variants_df(),
            probes=results.probes_df(),
            units=results.units_df(),
            calls=results.calls_df(),
            meta=dict(results.provenance()),
            name=str(getattr(results, "name", "frames")),
            experiment_id=str(getattr(results, "experiment_id", "frames")),
            judge_controls=controls() if callable(controls) else pd.DataFrame(),
        )

    def variants_df(self) -> pd.DataFrame:
        """One row per variant with its settings as columns."""
        return self.variants.copy()

    def probes_df(self) -> pd.DataFrame:
        """One row per (variant, probe, repeat) with every score."""
        return self.probes.copy()

    def units_df(self) -> pd.DataFrame:
        """One row per (ingest variant, conversation) unit."""
        return self.units.copy()

    def calls_df(self) -> pd.DataFrame:
        """The experiment's ledger rows."""
        return self.calls.copy()

    def judge_controls_df(self) -> pd.DataFrame:
        """The judge's verdicts on control answers wrong by construction."""
        return self.judge_controls.copy()

    def provenance(self) -> dict[str, Any]:
        """Dataset hash and counts, versions, prompts, models, category map, seed."""
        return dict(self.meta)
