"""`Results`: the frames a notebook reads from a replay's DuckDB file.

Every frame is a pandas DataFrame with stable columns (add, never rename). Rows come in a fixed
order (variant in config order, conversation, probe in dataset order, repeat), so a resumed
run and an uninterrupted one give equal frames, apart from wall times, ledger ids and the ids
the store gave extracted memories.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.errors import NotFoundError, StoreError

if TYPE_CHECKING:
    from memlab.lab.analysis.summary import Comparison

__all__ = ["Results", "open_results"]

_PROBES = """
SELECT p.experiment_id, p.variant_id, v.label, v.ingest_id, v.recall_id, p.unit_id,
       p.conversation_id, p.probe_id, p.repeat, p.category, p.category_id, p.abstention,
       p.status, p.error, p.error_call_id, p.k, p.context_tokens, p.recalled_ids,
       p.recalled_turn_ids, p.context, p.answer, p.recall_ms, p.answer_ms, p.judge_ms,
       a.input_tokens + a.output_tokens AS answer_tokens,
       j.input_tokens + j.output_tokens AS judge_tokens,
       a.cost_usd AS answer_cost_usd, j.cost_usd AS judge_cost_usd,
       p.answer_call_id, p.judge_call_id, p.judge_model, p.judge_prompt, p.asked_after,
       p.scores_json
FROM lab_probe_results p
JOIN lab_variants v ON v.experiment_id = p.experiment_id AND v.variant_id = p.variant_id
LEFT JOIN llm_calls a ON a.call_id = p.answer_call_id
LEFT JOIN llm_calls j ON j.call_id = p.judge_call_id
WHERE p.experiment_id = ?
ORDER BY v.rowid, p.conversation_id, p.probe_index, p.repeat
"""

_UNITS = """
WITH stages AS (
    SELECT unit_id,
           sum(CASE WHEN stage = 'ingest' THEN coalesce(input_tokens, 0)
                    + coalesce(output_tokens, 0) ELSE 0 END) AS ingest_tokens,
           sum(CASE WHEN stage = 'ingest' THEN cost_usd END) AS ingest_cost_usd,
           sum(CASE WHEN stage = 'summary' THEN coalesce(input_tokens, 0)
                    + coalesce(output_tokens, 0) ELSE 0 END) AS summary_tokens,
           sum(CASE WHEN stage = 'summary' THEN cost_usd END) AS summary_cost_usd
    FROM llm_calls WHERE experiment_id = ? GROUP BY unit_id
)
SELECT u.unit_id, u.ingest_id, u.conversation_id, u.status, u.health, u.n_probes,
       u.n_memories, u.n_summaries, u.memory_tokens, u.ingest_coverage, u.ingest_ms,
       coalesce(s.ingest_tokens, 0) AS ingest_tokens, s.ingest_cost_usd,
       coalesce(s.summary_tokens, 0) AS summary_tokens, s.summary_cost_usd,
       u.error, u.n_turns, u.namespaces, u.finished_at
FROM lab_units u LEFT JOIN stages s USING (unit_id)
WHERE u.experiment_id = ?
ORDER BY u.ingest_id, u.conversation_id
"""


class Results:
    """The results of one experiment in a replay file.

    Args:
        db: The store holding the lab tables.
        experiment_id: Which experiment; None for the only one (or the latest) in the file.
    """

    def __init__(self, db: DuckDbMemoryDb, experiment_id: str | None = None) -> None:
        self.db = db
        known = self._query(
            "SELECT experiment_id, name FROM lab_experiments ORDER BY created_at DESC", []
        )
        if known.empty:
            raise NotFoundError(f"{db.path} holds no replay results; run `memlab replay` first")
        if experiment_id is None:
            experiment_id = str(known["experiment_id"].iloc[0])
        elif experiment_id not in set(known["experiment_id"]):
            raise NotFoundError(
                f"{db.path} has no experiment {experiment_id!r}; it has "
                f"{', '.join(known['experiment_id'])}"
            )
        self.experiment_id = experiment_id
        self.name = str(known.loc[known["experiment_id"] == experiment_id, "name"].iloc[0])

    def __repr__(self) -> str:
        return f"Results({self.db.path!r}, experiment_id={self.experiment_id!r})"

    def _query(self, sql: str, params: list[Any]) -> pd.DataFrame:
        try:
            return self.db._cur().execute(sql, params).df()  # read through the store's file
        except Exception as exc:  # duckdb's CatalogException: not a results file
            if "lab_" in str(exc) and "does not exist" in str(exc):
                raise NotFoundError(
                    f"{self.db.path} has no lab tables; it was not written by `memlab replay`"
                ) from exc
            raise

    # ----------------------------------------------------------------- frames
    def variants_df(self) -> pd.DataFrame:
        """One row per variant: ids, label, then one column per setting."""
        df = self._query(
            "SELECT variant_id, ingest_id, recall_id, label, settings_json FROM lab_variants"
            " WHERE experiment_id = ? ORDER BY rowid",
            [self.experiment_id],
        )
        settings = pd.DataFrame([json.loads(s) for s in df.pop("settings_json")], index=df.index)
        return pd.concat([df, settings], axis=1)

    def probes_df(self) -> pd.DataFrame:
        """One row per (variant, probe, repeat), one float column per score.

        A score is NaN where it is undefined (evidence scores of abstention probes, answer
        scores with no answer stage) and on rows whose status is `error`.
        """
        df = self._query(_PROBES, [self.experiment_id])
        from memlab.lab.analysis.scorers import SCORERS

        parsed = [json.loads(s) for s in df.pop("scores_json")]
        names = list(SCORERS)
        for extra in sorted({k for row in parsed for k in row} - set(names)):
            names.append(extra)
        for name in names:
            df[name] = [_float(row.get(name)) for row in parsed]
        return df

    def units_df(self) -> pd.DataFrame:
        """One row per unit, with ingest and summary tokens and cost from the ledger."""
        return self._query(_UNITS, [self.experiment_id, self.experiment_id])

    def calls_df(self) -> pd.DataFrame:
        """The ledger rows of this experiment (committed units only), oldest first."""
        return self._query(
            "SELECT *, model = 'memlab/offline' AS is_baseline FROM llm_calls"
            " WHERE experiment_id = ? ORDER BY created_at, call_id",
            [self.experiment_id],
        )

    def judge_controls_df(self) -> pd.DataFrame:
        """The judge's verdicts on control answers wrong by construction (judge sanity).

        `accepted` True is a false accept; its mean is the judge's false-accept rate.
        """
        return self._query(
            "SELECT * FROM lab_judge_controls WHERE experiment_id = ?"
            " ORDER BY conversation_id, probe_id, repeat, control",
            [self.experiment_id],
        )

    def provenance(self) -> dict[str, Any]:
        """Dataset sha256 and counts, memlab version, prompts, models, category map, seed."""
        df = self._query(
            "SELECT provenance_json FROM lab_experiments WHERE experiment_id = ?",
            [self.experiment_id],
        )
        out: dict[str, Any] = json.loads(df["provenance_json"].iloc[0])
        return out

    def config(self) -> dict[str, Any]:
        """The experiment's configuration as stored."""
        df = self._query(
            "SELECT config_json FROM lab_experiments WHERE experiment_id = ?", [self.experiment_id]
        )
        out: dict[str, Any] = json.loads(df["config_json"].iloc[0])
        return out

    # ----------------------------------------------------------------- analysis
    def summary_df(self, by: str | None = None, **options: Any) -> pd.DataFrame:
        """Per variant (× category): every score's mean with its 95% interval, tokens, latency.

        See `memlab.lab.analysis.summarize`.
        """
        from memlab.lab import analysis

        out: pd.DataFrame = analysis.summarize(self, by=by, **options)  # type: ignore[arg-type]
        return out

    def compare(self, a: str, b: str, score: str, **options: Any) -> Comparison:
        """The paired difference of `score` between variants `a` and `b` on the same probes."""
        from memlab.lab import analysis

        result: Comparison = analysis.compare(self, a, b, score, **options)
        return result

    def close(self) -> None:
        """Close the file."""
        self.db.close()

    def _repr_html_(self) -> str:
        # What a notebook cell shows: experiment, counts and the summary table with intervals.
        from memlab.display import results_html

        return results_html(self)


def _float(value: Any) -> float:
    if value is None:
        return math.nan
    return float(value)


def open_results(path: str | Path, *, experiment_id: str | None = None) -> Results:
    """Reopen a finished results file read-only (for a notebook).

    Raises:
        StoreError: the file does not exist or another process holds it.
        NotFoundError: the file holds no replay results.
    """
    if not Path(path).is_file():
        raise StoreError(f"{path}: no such results file; run `memlab replay ... --db {path}`")
    db = DuckDbMemoryDb(path, read_only=True)
    try:
        return Results(db, experiment_id)
    except BaseException:
        db.close()
        raise
