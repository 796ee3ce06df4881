"""Per-stage output caps: `[[ingest]] max_tokens`, `[answer] max_tokens`, with defaults."""

from __future__ import annotations

import json
from typing import Any

import pytest
from replay_fixtures import tiny_dataset

from memlab.lab.running.experiment import Experiment, build_experiment
from memlab.lab.running.runner import replay
from memlab.testing import OpenAIServer
from memlab.testing.steps import Reply, Step

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")


def _experiment(api_base: str, **caps: int) -> Experiment:
    ingest: dict[str, Any] = {"kind": "extract", "model": "openai/test-model"}
    answer: dict[str, Any] = {"model": "openai/test-model"}
    if "ingest" in caps:
        ingest["max_tokens"] = caps["ingest"]
    if "answer" in caps:
        answer["max_tokens"] = caps["answer"]
    return build_experiment(
        {
            "name": "caps",
            "dataset": tiny_dataset(n_agent=1, n_pairs=0),
            "ingest": [ingest],
            "recall": [{"strategy": "bm25", "k": 2}],
            "answer": answer,
            "api_base": api_base,
        }
    )


def _reply(body: dict[str, Any]) -> Step:
    if body.get("tools"):
        args = {"memory": "Ana has a cat named Bolt", "source_message_ids": []}
        return Reply(None, tool_calls=[("add_memory", json.dumps(args))])
    return Reply("Bolt")


def _caps(server: OpenAIServer) -> dict[str, set[Any]]:
    out: dict[str, set[Any]] = {"extract": set(), "answer": set()}
    for request in server.requests:
        body = request.body or {}
        out["extract" if body.get("tools") else "answer"].add(body.get("max_tokens"))
    return out


@pytest.mark.parametrize(
    ("caps", "sent"),
    [
        pytest.param({}, {"extract": {1024}, "answer": {512}}, id="defaults"),
        pytest.param({"ingest": 300, "answer": 64}, {"extract": {300}, "answer": {64}}, id="set"),
    ],
)
def test_each_stage_sends_its_cap(caps: dict[str, int], sent: dict[str, set[int]]) -> None:
    with OpenAIServer(default=_reply) as server:
        results = replay(_experiment(server.base_url, **caps), db=":memory:", quiet=True)
        assert (results.probes_df()["status"] == "ok").all()
        assert _caps(server) == sent


def test_a_cap_left_at_its_default_keeps_the_ids() -> None:
    base = "http://127.0.0.1:9/v1"
    plain = _experiment(base)
    assert "max_tokens" not in plain.variants()[0].settings
    capped = _experiment(base, ingest=300, answer=64)
    assert capped.variants()[0].settings["max_tokens"] == 300
    assert capped.variants()[0].variant_id != plain.variants()[0].variant_id
    assert capped.experiment_id() != plain.experiment_id()
