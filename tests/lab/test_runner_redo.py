"""Errored work is redone: after a model outage, rerunning the same replay leaves no error row.

The answer model is `openai/test-model` on the local test server; the extraction model is the
offline baseline, so the units' ingest succeeds and only answer calls fail.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from replay_fixtures import tiny_dataset

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.experiment import Experiment, build_experiment
from memlab.lab.running.runner import replay
from memlab.llm.retry import REAL_CLOCK
from memlab.testing import FakeClock, OpenAIServer
from memlab.testing.steps import Reply, Status, Step

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")


class Outage:
    """Answers 500 to every request about the two-person conversation while `down`."""

    def __init__(self) -> None:
        self.down = True

    def __call__(self, body: dict[str, Any]) -> Step:
        text = json.dumps(body.get("messages"))
        if self.down and ("Caroline" in text or "Melanie" in text):
            return Status(500)
        return Reply("Bolt")


def _experiment(api_base: str) -> Experiment:
    return build_experiment(
        {
            "name": "outage",
            "dataset": tiny_dataset(n_agent=1, n_pairs=1),
            "ingest": [{"kind": "extract"}],
            "recall": [{"strategy": "bm25", "k": 2}],
            "answer": {"model": "openai/test-model"},
            "api_base": api_base,
        }
    )


def _calls(db: DuckDbMemoryDb) -> list[tuple[str, str, bool, str | None]]:
    rows = db.cursor().execute(
        "SELECT call_id, purpose, cached, error FROM llm_calls ORDER BY call_id"
    )
    return [tuple(r) for r in rows.fetchall()]  # type: ignore[misc]


def test_a_rerun_after_an_outage_redoes_only_the_errored_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setattr(REAL_CLOCK, "sleep", FakeClock().sleep)  # retries wait no real time
    outage = Outage()
    with OpenAIServer(default=outage) as server, DuckDbMemoryDb(tmp_path / "r.duckdb") as db:
        experiment = _experiment(server.base_url)
        first = replay(experiment, db=db, quiet=True)
        probes = first.probes_df()
        errored = probes[probes["status"] == "error"]
        assert len(probes) == 8 and len(errored) == 3  # every probe of the pair conversation
        assert set(errored["conversation_id"]) == {"b0"}
        assert errored["error_call_id"].str.contains("/b0/calls/answer/").all()
        units = first.units_df().set_index("conversation_id")
        assert (units["status"] == "ok").all()  # the ingest worked: only answers failed
        before = _calls(db)
        asked = len(server.requests)

        outage.down = False
        second = replay(experiment, db=db, quiet=True)
        assert (second.probes_df()["status"] == "error").sum() == 0
        assert second.probes_df()["answer"].tolist() == ["Bolt"] * 8
        again = second.units_df().set_index("conversation_id")
        assert again.loc["a0", "finished_at"] == units.loc["a0", "finished_at"]  # not redone
        assert again.loc["b0", "finished_at"] > units.loc["b0", "finished_at"]
        # Only the errored unit's three answers went to the server again ...
        assert len(server.requests) - asked == 3
        after = _calls(db)
        superseded = [c for c in after if c[0].startswith("superseded-")]
        new = [c for c in after if c not in before and c not in superseded]
        assert {c[0].split("/calls/")[0].rsplit("/", 1)[1] for c in new} == {"b0"}
        # ... its extraction came from the cache, named as the first attempt named it, and
        # the first attempt's calls are kept under superseded ids.
        extractions = [c for c in new if c[1] == "extract"]
        assert extractions and all(c[2] for c in extractions)
        assert [c[0] for c in extractions] == [
            c[0] for c in before if c[1] == "extract" and "/b0/calls/" in c[0]
        ]
        assert len(superseded) == len([c for c in before if "/b0/calls/" in c[0]])
        third = replay(experiment, db=db, quiet=True)  # nothing left to redo
        assert third.units_df()["finished_at"].tolist() == second.units_df()["finished_at"].tolist()
        assert len(server.requests) - asked == 3
