"""Recall budgets as a lab axis: one variant per budget, and no context over its budget."""

from __future__ import annotations

from pathlib import Path

import pytest
from replay_fixtures import tiny_dataset

from memlab.errors import ConfigError
from memlab.lab.running.experiment import build_experiment
from memlab.lab.running.runner import replay


def _experiment(budgets: object) -> dict[str, object]:
    return {
        "name": "budgets",
        "dataset": tiny_dataset(n_agent=2, n_pairs=1),
        "ingest": [{"kind": "verbatim"}],
        "recall": [{"strategy": "bm25", "k": 50, "budget_tokens": budgets}],
    }


def test_a_budget_list_is_a_sweep_and_no_context_exceeds_its_budget(tmp_path: Path) -> None:
    experiment = build_experiment(_experiment([12, 40, 400]))
    labels = [v.label for v in experiment.variants()]
    assert labels == ["verbatim · bm25@50/12t", "verbatim · bm25@50/40t", "verbatim · bm25@50/400t"]
    results = replay(experiment, db=tmp_path / "r.duckdb", quiet=True)
    probes = results.probes_df()
    variants = results.variants_df()
    results.close()
    assert sorted(variants["budget_tokens"].tolist()) == [12, 40, 400]
    by_variant = dict(zip(variants["variant_id"], variants["budget_tokens"], strict=True))
    budget = probes["variant_id"].map(by_variant)
    assert (probes["status"] == "ok").all()
    assert (probes["context_tokens"] <= budget).all()
    used = probes.groupby(budget)["context_tokens"].mean()
    assert used[12] < used[40] < used[400]


def test_a_budget_without_one_keeps_the_ids_of_k_alone() -> None:
    plain = build_experiment({**_experiment(None)})
    assert [v.label for v in plain.variants()] == ["verbatim · bm25@50"]
    assert "budget_tokens" not in plain.recall_variants()[0].settings


@pytest.mark.parametrize("bad", [0, [], [100, -1]])
def test_a_bad_budget_names_its_key(bad: object) -> None:
    with pytest.raises(ConfigError, match=r"recall\[0\]\.budget_tokens"):
        build_experiment(_experiment(bad))
