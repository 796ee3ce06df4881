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

import duckdb
import pandas as pd

from memlab.db.damage import damage_error, problem_of
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.errors import NotFoundError, StoreError
from memlab.lab.analysis.scorers import SCORERS
from memlab.lab.running.lab_migrations import LAB_SCHEMA_VERSION, check_lab_version
from memlab.lab.running.probe_rows import SCORE_COLUMNS
from memlab.lab.running.tables import create_tables, lab_cursor

if TYPE_CHECKING:
    from memlab.lab.analysis.summary import Comparison

__all__ = ["Results", "open_results"]

_PROBES = f"""
SELECT p.experiment_id, p.variant_id, v.label, v.ingest_id, v.recall_id, p.unit_id,
       p.conversation_id, p.probe_id, p.repeat, p.category, p.category_id, p.abstention,
       p.status, p.error, p.error_call_id, p.k, p.context_tokens, p.recalled_ids,
       p.recalled_turn_ids, p.context, p.answer, p.recall_ms, p.answer_ms, p.judge_ms,
       a.input_tokens + a.output_tokens AS answer_tokens,
       j.input_tokens + j.output_tokens AS judge_tokens,
       a.cost_usd AS answer_cost_usd, j.cost_usd AS judge_cost_usd,
       p.answer_call_id, p.judge_call_id, p.judge_model, p.judge_prompt, p.asked_after,
       {", ".join(f"p.{name}" for name in SCORE_COLUMNS)}, p.extra_scores
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
        version = check_lab_version(lab_cursor(db), path=db.path)
        if 0 < version < LAB_SCHEMA_VERSION:
            raise StoreError(
                f"{db.path}: its lab tables are at version {version}, written by an older "
                f"memlab; this memlab reads version {LAB_SCHEMA_VERSION}. Open the file with "
                "`open_results(path)`, which migrates it once, or pass a writable store to "
                "`memlab.lab.running.tables.create_tables` first"
            )
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
        except duckdb.CatalogException as exc:
            if "lab_" in str(exc) and "does not exist" in str(exc):
                raise NotFoundError(
                    f"{self.db.path} has no lab tables; it was not written by `memlab replay`"
                ) from exc
            raise StoreError(f"{self.db.path}: reading the results failed: {exc}") from exc
        except duckdb.Error as exc:
            # DuckDB finds a garbled or lost block on the first read that reaches it: here.
            problem = problem_of(exc)
            if problem is not None:
                raise damage_error(self.db.path, problem, exc) from exc
            raise StoreError(f"{self.db.path}: reading the results failed: {exc}") from exc

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
        # Scorers without a column of their own (registered by the user) are in a map.
        extra: list[dict[str, float | None]] = list(df.pop("extra_scores"))
        names = list(SCORERS) + [c for c in SCORE_COLUMNS if c not in SCORERS]
        names += sorted({k for row in extra for k in row} - set(names))
        for name in names:
            if name in SCORE_COLUMNS:
                df[name] = df[name].astype(float)  # NULL (undefined, not computed) is NaN
            else:
                df[name] = [_float(row.get(name)) for row in extra]
        base = [c for c in df.columns if c not in names]
        return df[base + names]

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

    def view(self, *, dataset: Any = None, height: int = 640) -> Any:
        """The probe viewer of this experiment, shown in a notebook as an iframe.

        Returns a `memlab.lab.view.ViewPage` (self-contained HTML; `.save(path)` writes it).
        `dataset` is the `Dataset` replayed, when the experiment's config names no file.
        """
        from dataclasses import replace

        from memlab.lab.view import view_page

        return replace(view_page(self, dataset=dataset), height=height)

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

    A file an older memlab wrote is migrated once, in place, before it is opened read-only.

    Raises:
        StoreError: the file does not exist, another process holds it, a newer memlab wrote
            it (the message says to upgrade), or it is damaged or not a DuckDB file (the
            message says what is wrong and what to do; the file is never changed).
        NotFoundError: the file holds no replay results.
    """
    if not Path(path).is_file():
        raise StoreError(f"{path}: no such results file; run `memlab replay ... --db {path}`")
    db = DuckDbMemoryDb(path, read_only=True)
    try:
        version = check_lab_version(lab_cursor(db), path=str(path))
    except BaseException:
        db.close()
        raise
    if 0 < version < LAB_SCHEMA_VERSION:
        db.close()
        _migrate(path, version)
        db = DuckDbMemoryDb(path, read_only=True)
    try:
        return Results(db, experiment_id)
    except BaseException:
        db.close()
        raise


def _migrate(path: str | Path, version: int) -> None:
    # A file an older memlab wrote is brought forward once, in place, so a notebook reads it
    # like any other; the migration needs the file writable for that moment.
    try:
        store = DuckDbMemoryDb(path)
    except StoreError as exc:
        raise StoreError(
            f"{path} was written by an older memlab (lab tables version {version}) and must "
            f"be migrated once to version {LAB_SCHEMA_VERSION}, which needs it writable: {exc}"
        ) from exc
    try:
        create_tables(store)
    finally:
        store.close()
