"""A model that answers tool requests in text makes its unit an error, never recall 0.

The extraction model is `openai/test-model` on the scripted server; its default answer is the
text "ok", which is what a llama.cpp server whose chat template has no tool syntax sends back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from replay_fixtures import tiny_dataset

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.analysis.report import write_report
from memlab.lab.running.experiment import Experiment, build_experiment
from memlab.lab.running.ledger import CallNote
from memlab.lab.running.runner import replay
from memlab.lab.running.tool_health import NO_TOOL_CALLS, tool_call_problem
from memlab.testing import OpenAIServer
from memlab.testing.steps import Reply, Step

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")


def _experiment(api_base: str, prompt: str = "agno-v2") -> Experiment:
    return build_experiment(
        {
            "name": "tools",
            "dataset": tiny_dataset(n_agent=1, n_pairs=0),
            "ingest": [{"kind": "extract", "model": "openai/test-model", "prompt": prompt}],
            "recall": [{"strategy": "bm25", "k": 2}],
            "api_base": api_base,
        }
    )


def test_a_server_without_tool_calls_ends_in_an_error_not_a_score(tmp_path: Path) -> None:
    with OpenAIServer() as server, DuckDbMemoryDb(tmp_path / "r.duckdb") as db:
        results = replay(_experiment(server.base_url), db=db, quiet=True)
        units = results.units_df()
        probes = results.probes_df()
        calls = results.calls_df()
        report = write_report(results, tmp_path / "report").read_text()
    extract = calls[calls["purpose"] == "extract"]
    assert len(extract) == len(server.requests) > 0
    assert extract["tools_requested"].all() and not extract["tools_used"].any()
    first = extract["call_id"].sort_values().iloc[0]
    message = (
        f"{len(extract)} of {len(extract)} extraction calls to 'openai/test-model' offered "
        f"tools and got no tool call back ({first} is one): {NO_TOOL_CALLS}"
    )
    assert units["status"].tolist() == ["error"]
    assert units["health"].tolist() == ["empty_store;no_tool_calls"]
    assert units["error"].tolist() == [message]
    assert (probes["status"] == "error").all() and len(probes) > 0
    assert probes["error"].unique().tolist() == [f"ingest failed: {message}"]
    assert probes["evidence_recall_any"].isna().all()  # no score, not 0
    assert f"status error, health empty_store;no_tool_calls: {message}" in report
    assert NO_TOOL_CALLS == (
        "the model answered in text, not tool calls: it may not support tool calling through "
        "this server; use a JSON prompt such as single-pass-json, or a chat template with tool "
        "support"
    )


def _tool_call(body: dict[str, Any]) -> Step:
    args = {"memory": "Ana has a cat named Bolt", "source_message_ids": []}
    return Reply(None, tool_calls=[("add_memory", json.dumps(args))])


def test_a_server_with_tool_calls_is_healthy(tmp_path: Path) -> None:
    with OpenAIServer(default=_tool_call) as server:
        results = replay(_experiment(server.base_url), db=":memory:", quiet=True)
        units = results.units_df()
        calls = results.calls_df()
    assert units["status"].tolist() == ["ok"]
    assert "no_tool_calls" not in units["health"].iloc[0]
    assert calls[calls["purpose"] == "extract"]["tools_used"].all()


def _note(n: int, used: bool | None, model: str = "openai/x", stage: str = "ingest") -> CallNote:
    return CallNote(
        f"c{n}", None, stage, 0, None, tools_requested=True, tools_used=used, model=model
    )


@pytest.mark.parametrize(
    ("notes", "flagged"),
    [
        pytest.param([_note(1, False), _note(2, False), _note(3, True)], True, id="most-text"),
        pytest.param([_note(1, False), _note(2, True)], False, id="half-is-not-most"),
        pytest.param([_note(1, False), _note(2, None), _note(3, None)], True, id="failed-ignored"),
        pytest.param([_note(1, False, model="memlab/offline")], False, id="baseline-exempt"),
        pytest.param([_note(1, False, stage="answer")], False, id="other-stage"),
        pytest.param([], False, id="no-calls"),
    ],
)
def test_tool_call_problem_needs_most_answered_calls_in_text(
    notes: list[CallNote], flagged: bool
) -> None:
    assert (tool_call_problem(notes) is not None) is flagged
