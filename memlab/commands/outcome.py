"""What a finished replay says, as a line for people and an exit code for scripts.

`memlab replay` writes every unit it can before it judges the run, so a non-zero code never
means lost work: the results file holds the errors, and running the same command again
redoes the errored units once the model answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pandas as pd

__all__ = [
    "EXIT_ALL_ERRORED",
    "EXIT_BUDGET",
    "EXIT_CODES_HELP",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_UNHEALTHY",
    "ReplayOutcome",
]

EXIT_OK = 0
"""Every unit is healthy and every variant scored probes (some may have errored)."""
EXIT_FAILED = 2
"""Nothing or not all was replayed: a bad flag or config, an unreadable dataset or results
file, or a spent budget (memlab printed why; committed units stay)."""
EXIT_UNHEALTHY = 3
"""Written, but a unit is unhealthy: its ingest failed, it stored nothing, a variant's
recall came back empty for every probe, or its recalled items cite no turn."""
EXIT_ALL_ERRORED = 4
"""Written, but every probe of at least one variant errored (a model failed for it)."""
EXIT_BUDGET = 5
"""Stopped cleanly at the run's budget (`[budget] max_cost_usd`): every unit started is
committed, the rest were not started; the same command resumes."""

EXIT_CODES_HELP = f"""exit codes:
  {EXIT_OK}  every unit healthy and every variant scored
  1  an unexpected error (a bug in memlab: please report the traceback)
  {EXIT_FAILED}  stopped: a bad flag or config, an unreadable dataset or results file, or a
     spent budget; finished units are kept, run the same command again to resume
  {EXIT_UNHEALTHY}  written, but a unit is unhealthy (ingest failed, empty store, empty
     recall, no provenance): see `memlab report`
  {EXIT_ALL_ERRORED}  written, but every probe of a variant errored; once the model answers,
     the same command redoes the errored units
  {EXIT_BUDGET}  stopped at the run budget ([budget] max_cost_usd / --max-cost-usd); the
     same command resumes with a fresh budget
"""


class _Frames(Protocol):
    def units_df(self) -> pd.DataFrame: ...

    def probes_df(self) -> pd.DataFrame: ...


@dataclass(frozen=True)
class ReplayOutcome:
    """Counts and problems of one experiment in a results file.

    Attributes:
        units: Units committed.
        probe_rows: Probe rows written.
        errors: Probe rows with status `error`.
        unhealthy: Ids of units whose status or health is not `ok`.
        all_errored: Labels of variants whose every probe row errored.
    """

    units: int
    probe_rows: int
    errors: int
    unhealthy: tuple[str, ...]
    all_errored: tuple[str, ...]

    @classmethod
    def of(cls, results: _Frames) -> ReplayOutcome:
        """Read the outcome from a `Results`."""
        units = results.units_df()
        probes = results.probes_df()
        bad = units[(units["status"] != "ok") | (units["health"].fillna("ok") != "ok")]
        errored = probes["status"] == "error"
        per_variant = (
            probes.assign(errored=errored)
            .groupby("variant_id", sort=False)
            .agg(label=("label", "first"), all_errored=("errored", "all"))
        )
        return cls(
            units=len(units),
            probe_rows=len(probes),
            errors=int(errored.sum()),
            unhealthy=tuple(bad["unit_id"]),
            all_errored=tuple(map(str, per_variant.loc[per_variant["all_errored"], "label"])),
        )

    @property
    def exit_code(self) -> int:
        """`EXIT_ALL_ERRORED`, else `EXIT_UNHEALTHY`, else `EXIT_OK`."""
        if self.all_errored:
            return EXIT_ALL_ERRORED
        if self.unhealthy:
            return EXIT_UNHEALTHY
        return EXIT_OK

    def problems(self) -> list[str]:
        """One sentence per problem that makes the exit code non-zero, worst first."""
        out = [
            f"every probe of variant {label!r} errored (see probes_df().error); once the "
            "model answers, run the same command again to redo the errored units"
            for label in self.all_errored
        ]
        if self.unhealthy:
            shown = ", ".join(self.unhealthy[:5]) + (" ..." if len(self.unhealthy) > 5 else "")
            out.append(f"{len(self.unhealthy)} unhealthy units ({shown}); `memlab report` says why")
        return out
