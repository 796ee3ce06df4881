"""The replay runner: frames, ingest once / recall many, principals, errors, health, judge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from replay_fixtures import agent_conversation, tiny_dataset, two_person_conversation

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.errors import BudgetExceeded
from memlab.lab.analysis.results import Results
from memlab.lab.data.dataset import Conversation, Dataset, Participant, Probe, Session, Turn
from memlab.lab.running.experiment import Experiment, build_experiment
from memlab.lab.running.runner import HealthWarning, replay


def _exp(dataset: Dataset, **fields: Any) -> Experiment:
    return build_experiment({"name": "t", "dataset": dataset, **fields})


def test_replay_scores_every_variant_on_every_probe(tmp_path: Path) -> None:
    exp = _exp(
        tiny_dataset(),
        ingest=[{"kind": "extract"}, {"kind": "verbatim"}],
        recall=[{"strategy": "bm25", "k": [1, 4]}],
        answer={},
        judge={},
    )
    results = replay(exp, db=tmp_path / "r.duckdb", quiet=True)
    probes = results.probes_df()
    assert len(probes) == 4 * 8  # 4 variants × 8 probes
    assert set(probes["status"]) == {"ok"}
    units = results.units_df()
    assert list(units["health"]) == ["ok"] * 4
    verbatim = probes[probes["label"] == "verbatim · bm25@4"].set_index("probe_id")
    assert verbatim.loc["q1", "evidence_recall_any"] == 1.0
    assert "Bolt" in verbatim.loc["q1", "answer"]
    assert verbatim.loc["q1", "judge"] == 1.0
    assert verbatim.loc["q1", "recalled_turn_ids"][0] == "s1:t3"
    assert verbatim["evidence_recall_any"].isna().sum() == 1  # the abstention probe: NaN, not 0
    assert verbatim.loc["q5", "abstention"]
    # the ledger says which unit, variant and stage every call served
    calls = results.calls_df()
    assert set(calls["stage"]) == {"ingest", "answer", "judge", "judge_control"}
    answers = calls[calls["stage"] == "answer"]
    assert answers["variant_id"].notna().all() and len(answers) == len(probes)
    assert (probes["answer_tokens"] > 0).all()
    assert set(results.variants_df()["k"]) == {1, 4}


def test_ingest_once_recall_many(tmp_path: Path) -> None:
    def ingest_calls(recall: list[dict[str, Any]], name: str) -> tuple[int, int]:
        exp = _exp(tiny_dataset(), ingest=[{"kind": "extract"}], recall=recall)
        with DuckDbMemoryDb(tmp_path / f"{name}.duckdb") as db:
            results = replay(exp, db=db, quiet=True)
            calls = results.calls_df()
            return int((calls["stage"] == "ingest").sum()), len(results.probes_df())

    one = ingest_calls([{"strategy": "bm25", "k": 5}], "one")
    many = ingest_calls(
        [{"strategy": s, "k": [1, 2, 5, 10]} for s in ("bm25", "last_n", "semantic")], "many"
    )
    assert one[0] == many[0] > 0  # extraction paid once, whatever the recall sweep
    assert many[1] == 12 * one[1]


def test_each_principal_has_its_own_memory(tmp_path: Path) -> None:
    exp = _exp(
        Dataset(name="pair", conversations=[two_person_conversation()]),
        ingest=[{"kind": "extract"}],
        recall=[{"strategy": "last_n", "k": 4}],
    )
    with DuckDbMemoryDb(tmp_path / "r.duckdb") as db:
        results = replay(exp, db=db, quiet=True)
        unit = results.units_df().iloc[0]
        spaces = list(unit["namespaces"])
        assert [s.rsplit("/", 1)[1] for s in spaces] == ["Caroline", "Melanie"]
        owner = {m.memory_id: ns.rsplit("/", 1)[1] for ns in spaces for m in db.list_memories(ns)}
        probes = results.probes_df().set_index("probe_id")
        assert {owner[i] for i in probes.loc["p1", "recalled_ids"]} == {"Melanie"}
        assert {owner[i] for i in probes.loc["p2", "recalled_ids"]} == {"Caroline"}
        # about no one: k split evenly over both principals
        assert sorted(owner[i] for i in probes.loc["p3", "recalled_ids"]) == [
            "Caroline",
            "Caroline",
            "Melanie",
            "Melanie",
        ]
        # what Melanie said is extracted in her namespace only, citing her turn
        melanie = db.list_memories(spaces[1])
        assert any("painter" in m.memory for m in melanie)
        assert all("painter" not in m.memory for m in db.list_memories(spaces[0]))


def test_messages_ingest_keeps_every_speaker_in_one_namespace(tmp_path: Path) -> None:
    exp = _exp(
        Dataset(name="pair", conversations=[two_person_conversation()]),
        ingest=[{"kind": "messages"}],
        recall=[{"strategy": "bm25", "over": "messages", "k": 2}],
    )
    with DuckDbMemoryDb(tmp_path / "r.duckdb") as db:
        results = replay(exp, db=db, quiet=True)
        (space,) = results.units_df().iloc[0]["namespaces"]
        messages = db.messages_df(user_id=space)
        assert list(messages["message_id"])[:2] == ["c2:s1:t1", "c2:s1:t2"]
        assert set(messages["name"]) == {"Caroline", "Melanie"}
        assert results.units_df().iloc[0]["ingest_coverage"] == 1.0


def test_identical_replays_send_identical_requests(tmp_path: Path) -> None:
    exp = _exp(tiny_dataset(), ingest=[{"kind": "extract"}], recall=[{}], answer={}, judge={})
    with DuckDbMemoryDb(tmp_path / "r.duckdb") as db:
        first = replay(exp, db=db, quiet=True)
        before = first.probes_df()
        again = replay(exp, db=db, quiet=True, force=True)
        calls = again.calls_df()
        assert len(calls) and calls["cached"].all()  # every request was seen before
        after = again.probes_df()
        cols = ["variant_id", "probe_id", "answer", "judge", "recalled_turn_ids", "context"]
        assert before[cols].to_json() == after[cols].to_json()


def test_a_failed_model_call_is_an_error_row_not_a_zero(tmp_path: Path) -> None:
    # The test suite blocks the network, so a hosted model's call fails with a ledger row.
    exp = _exp(
        tiny_dataset(n_pairs=0),
        ingest=[{"kind": "verbatim"}],
        recall=[{"strategy": "bm25", "k": 3}],
        answer={"model": "gpt-4o-mini"},
    )
    results = replay(exp, db=tmp_path / "r.duckdb", quiet=True)
    probes = results.probes_df()
    assert set(probes["status"]) == {"error"}
    assert probes["error"].str.contains("blocked").all()
    assert probes["exact_match"].isna().all() and probes["evidence_recall_any"].isna().all()
    calls = results.calls_df().set_index("call_id")
    assert calls.loc[probes["error_call_id"], "error"].notna().all()


def test_a_failed_extraction_marks_the_unit_and_its_probes(tmp_path: Path) -> None:
    exp = _exp(tiny_dataset(n_pairs=0), ingest=[{"model": "gpt-4o-mini"}], recall=[{}])
    with pytest.warns(HealthWarning, match="status=error"):
        results = replay(exp, db=tmp_path / "r.duckdb", quiet=True)
    unit = results.units_df().iloc[0]
    assert unit["status"] == "error" and "blocked" in unit["error"]
    probes = results.probes_df()
    assert len(probes) == 5 and set(probes["status"]) == {"error"}
    assert probes["error"].str.startswith("ingest failed").all()


def _silent_conversation() -> Conversation:
    session = Session(
        id="s1",
        started_at="2024-01-01T00:00:00Z",  # type: ignore[arg-type]
        turns=[Turn(id="t1", speaker="Bot", text="Hello, how can I help?")],
    )
    return Conversation(
        id="quiet",
        participants=[
            Participant(name="Ana", role="user", principal=True),
            Participant(name="Bot", role="assistant"),
        ],
        sessions=[session],
        probes=[Probe(id="q", question="Where does Ana live?", answers=["Porto"])],
    )


def test_a_unit_that_stored_nothing_is_flagged(tmp_path: Path) -> None:
    exp = _exp(
        Dataset(name="quiet", conversations=[_silent_conversation()]),
        ingest=[{"kind": "extract"}],
        recall=[{"strategy": "bm25", "k": 3}],
    )
    with pytest.warns(HealthWarning, match="empty_store"):
        results = replay(exp, db=tmp_path / "r.duckdb", quiet=True)
    health = results.units_df().iloc[0]["health"]
    assert health == "empty_store;empty_recall:bm25@3"


def test_ingest_coverage_counts_evidence_turns_cited_by_memories(tmp_path: Path) -> None:
    exp = _exp(
        Dataset(name="one", conversations=[agent_conversation()]),
        ingest=[{"kind": "verbatim"}, {"kind": "extract"}],
        recall=[{}],
    )
    units = replay(exp, db=tmp_path / "r.duckdb", quiet=True).units_df().set_index("ingest_id")
    coverage = dict(zip(units.index, units["ingest_coverage"], strict=True))
    assert sorted(coverage.values())[-1] == 1.0  # verbatim keeps every turn
    assert all(0.0 <= c <= 1.0 for c in coverage.values())


def test_judge_sanity_controls_and_repeats(tmp_path: Path) -> None:
    exp = _exp(
        Dataset(name="one", conversations=[agent_conversation()]),
        ingest=[{"kind": "verbatim"}],
        recall=[{"strategy": "bm25", "k": 3}],
        answer={},
        judge={},
        repeats=2,
    )
    results = replay(exp, db=tmp_path / "r.duckdb", quiet=True)
    controls = results.judge_controls_df()
    q3 = controls[(controls["probe_id"] == "q3") & (controls["repeat"] == 0)]
    assert sorted(q3["control"]) == ["other_gold", "stale"]
    assert q3.set_index("control").loc["stale", "answer"] == "Porto"
    assert not controls["accepted"].any()  # the rule judge accepts no wrong control here
    probes = results.probes_df()
    assert sorted(set(probes["repeat"])) == [0, 1]
    calls = results.calls_df().set_index("call_id")
    second = probes[probes["repeat"] == 1]
    assert not calls.loc[second["answer_call_id"], "cached"].any()  # repeats bypass the cache
    assert json.loads(json.dumps(results.provenance()))["seed"] == 0


def test_a_spent_budget_stops_the_replay_and_keeps_finished_units(tmp_path: Path) -> None:
    exp = _exp(
        tiny_dataset(n_agent=1, n_pairs=1),
        ingest=[{"kind": "verbatim"}],
        recall=[{"strategy": "bm25", "k": 3}],
        answer={},
        max_tokens=600,
        concurrency=1,
    )
    path = tmp_path / "r.duckdb"
    with DuckDbMemoryDb(path) as db:
        with pytest.raises(BudgetExceeded, match="max_tokens=600"):
            replay(exp, db=db, quiet=True)
        assert list(Results(db).units_df()["conversation_id"]) == ["a0"]
        # without the budget the same experiment resumes where the replay stopped
        bigger = exp.model_copy(update={"max_tokens": None})
        assert bigger.experiment_id() == exp.experiment_id()
        assert len(replay(bigger, db=db, quiet=True).units_df()) == 2
