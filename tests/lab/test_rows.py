"""Lab rows declared once: the DDL and Arrow schema come from the models, rows are typed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
import pytest

from memlab.errors import ModelCallError
from memlab.lab.analysis.scorers import SCORERS
from memlab.lab.data.dataset import Probe
from memlab.lab.running.columns import table_columns
from memlab.lab.running.lab_migrations import LAB_ROWS
from memlab.lab.running.probe_rows import SCORE_COLUMNS, ProbeKey, ProbeOutcome, ProbeRow
from memlab.lab.running.rows import ControlRow, ControlVerdict, UnitRow
from memlab.recall.base import RecallHit

BUILTIN_SCORERS = [
    "evidence_recall_any",
    "evidence_recall_all",
    "answer_in_context",
    "stale_in_context",
    "exact_match",
    "token_f1",
    "judge",
]


@dataclass(frozen=True)
class _Recalled:
    hits: list[RecallHit]
    context: str
    context_tokens: int
    turn_ids: tuple[str, ...]
    recall_ms: float


def _key(probe: Probe | None = None) -> ProbeKey:
    probe = probe or Probe(id="q1", question="Where?", answers=["Lisbon"], evidence=["s1:t1"])
    return ProbeKey.of(
        probe,
        experiment_id="e",
        unit_id="i/c1",
        variant_id="v",
        conversation_id="c1",
        repeat=0,
        probe_index=3,
    )


def _recalled() -> _Recalled:
    hit = RecallHit(
        kind="memory", item_id="m1", text="Ana lives in Lisbon", score=1.0, source_message_ids=[]
    )
    return _Recalled([hit], "Ana lives in Lisbon", 5, ("s1:t1",), 1.5)


@pytest.mark.parametrize("row", [pytest.param(r, id=r.TABLE) for r in LAB_ROWS])
def test_every_column_is_documented(row: type[ProbeRow]) -> None:
    undocumented = [c.name for c in table_columns(row) if not c.doc.strip()]
    assert undocumented == []


def test_score_columns_are_memlab_s_scorers_in_registry_order() -> None:
    assert list(SCORE_COLUMNS) == BUILTIN_SCORERS
    assert list(SCORERS)[: len(BUILTIN_SCORERS)] == BUILTIN_SCORERS


def test_ddl_and_arrow_schema_are_derived_from_the_fields() -> None:
    ddl = UnitRow.ddl()
    assert ddl.startswith("CREATE TABLE lab_units (\n    experiment_id VARCHAR NOT NULL,")
    assert "    memory_tokens BIGINT NOT NULL,\n" in ddl
    assert "    ingest_coverage DOUBLE,\n" in ddl
    assert "    namespaces VARCHAR[],\n" in ddl
    assert ddl.endswith("    PRIMARY KEY (experiment_id, unit_id)\n);")
    schema = ProbeRow.arrow_schema()
    assert schema.names == list(ProbeRow.column_names())
    assert schema.field("judge").type == pa.float64() and schema.field("judge").nullable
    assert schema.field("extra_scores").type == pa.map_(pa.string(), pa.float64())
    assert not schema.field("scorers").nullable
    assert "scores_json" not in schema.names


def test_a_scored_row_keeps_undefined_apart_from_zero_and_from_not_computed() -> None:
    outcome = ProbeOutcome(
        answer="Lisbon",
        answer_call_id="a1",
        scores={
            "evidence_recall_any": 1.0,
            "evidence_recall_all": math.nan,  # score_all's "undefined"
            "judge": 0.0,
            "token_f1": None,
            "my_score": 0.25,
        },
    )
    row = ProbeRow.of(_key(), k=4, recalled=_recalled(), outcome=outcome)
    assert row.evidence_recall_any == 1.0 and row.judge == 0.0
    assert row.evidence_recall_all is None and row.token_f1 is None  # undefined: NULL
    assert row.exact_match is None  # not computed: NULL, and not listed in `scorers`
    assert row.scorers == [
        "evidence_recall_all",
        "evidence_recall_any",
        "judge",
        "my_score",
        "token_f1",
    ]
    assert row.extra_scores == {"my_score": 0.25}
    assert (row.recalled_ids, row.recalled_turn_ids, row.context_tokens) == (["m1"], ["s1:t1"], 5)
    assert (row.probe_index, row.category, row.status) == (3, "single-hop", "ok")


def test_a_failed_stage_keeps_the_answer_and_drops_every_score() -> None:
    outcome = ProbeOutcome(answer="Lisbon", answer_call_id="a1", scores={"judge": 1.0})
    failed = outcome.failed(ModelCallError("judge timed out", call_id="j1"))
    row = ProbeRow.of(_key(), k=4, recalled=_recalled(), outcome=failed)
    assert (row.status, row.error, row.error_call_id) == ("error", "judge timed out", "j1")
    assert row.answer == "Lisbon" and row.judge is None
    assert row.scorers == [] and row.extra_scores == {}


def test_a_probe_never_reached_is_an_error_row_with_nothing_else() -> None:
    row = ProbeRow.failed(_key(), k=2, error="ingest failed: boom", error_call_id="c9")
    assert (row.status, row.k, row.error_call_id) == ("error", 2, "c9")
    assert row.context is None and row.recalled_ids is None and row.answer is None
    assert all(getattr(row, name) is None for name in SCORE_COLUMNS)
    assert row.scorers == []


def test_rows_are_validated_and_frozen() -> None:
    row = ProbeRow.failed(_key(), k=2, error="x", error_call_id=None)
    with pytest.raises(ValueError, match="frozen"):
        row.k = 3  # type: ignore[misc]
    with pytest.raises(ValueError, match="status"):
        ProbeRow.model_validate({**row.model_dump(), "status": "maybe"})
    with pytest.raises(ValueError, match="scores_json"):
        ProbeRow.model_validate({**row.model_dump(), "scores_json": "{}"})


def test_to_arrow_sends_the_table_s_types() -> None:
    rows = [
        ProbeRow.of(_key(), k=4, recalled=_recalled(), outcome=ProbeOutcome(scores={"x": None})),
        ProbeRow.failed(_key(), k=4, error="x", error_call_id=None),
    ]
    table = ProbeRow.to_arrow(rows)
    assert table.schema == ProbeRow.arrow_schema()
    assert table.column("extra_scores").to_pylist() == [[("x", None)], []]
    assert table.column("judge").null_count == 2
    with pytest.raises(TypeError, match=r"ProbeRow\.to_arrow got a UnitRow"):
        ProbeRow.to_arrow([_unit()])


def _unit() -> UnitRow:
    return UnitRow(
        experiment_id="e",
        unit_id="i/c1",
        ingest_id="i",
        conversation_id="c1",
        status="ok",
        health="ok",
        n_probes=1,
        n_memories=2,
        n_summaries=0,
        memory_tokens=10,
        ingest_coverage=None,
        ingest_ms=1.0,
        finished_at=datetime(2024, 1, 1),
        error=None,
        n_turns=4,
        namespaces=["u"],
    )


def test_a_control_row_is_its_verdict_with_the_unit_s_keys() -> None:
    verdict = ControlVerdict(probe_id="q1", control="stale", answer="Porto", judge_model="m")
    failed = verdict.failed(ModelCallError("down", call_id="j2"))
    row = ControlRow.of(failed, experiment_id="e", unit_id="i/c1", conversation_id="c1", repeat=1)
    assert (row.status, row.accepted, row.judge_call_id, row.repeat) == ("error", None, "j2", 1)
    assert (row.control, row.answer, row.judge_model) == ("stale", "Porto", "m")
