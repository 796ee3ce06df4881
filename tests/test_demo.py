"""The demo is the main job (`make demo`): the replay lab on the bundled dataset, resumable."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from memlab.cli import main
from memlab.commands.demo import register
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.demo import (
    DEMO_CONVERSATIONS,
    DEMO_DATASET,
    DemoResult,
    demo_experiment,
    find_dataset,
    run_demo,
)
from memlab.errors import DatasetError
from memlab.lab.analysis.results import open_results
from memlab.lab.data.dataset_io import load_dataset
from memlab.lab.running.experiment import load_experiment

ROOT = Path(__file__).resolve().parents[1]

INGESTS = [
    "messages+session_end",
    "verbatim+session_end",
    "extract:agno-v2+session_end",
    "extract:single-pass-json+session_end",
]
STRATEGIES = ["bm25", "semantic", "hybrid", "last_n", "recommended"]
LABELS = [f"{INGESTS[0]} · {s}/messages@10" for s in STRATEGIES] + [
    f"{i} · {s}@10" for i in INGESTS[1:] for s in STRATEGIES
]
COLUMNS = [
    "variant",
    "evidence recall [95% CI]",
    "answer in context [95% CI]",
    "n",
    "errors",
    "tokens/probe",
    "build",
    "use",
]


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoResult, DemoResult, str]:
    """The demo on two conversations, run twice into the same directory."""
    out_dir = tmp_path_factory.mktemp("demo")
    first = run_demo(out_dir=out_dir, limit=2, quiet=True, n_boot=50, out=io.StringIO())
    printed = io.StringIO()
    second = run_demo(out_dir=out_dir, limit=2, quiet=True, n_boot=50, out=printed)
    return first, second, printed.getvalue()


@pytest.mark.slow  # the demo's replay of two conversations, ~30 s
def test_demo_writes_results_and_report_with_every_variant(demo_runs) -> None:
    first, _, _ = demo_runs
    assert first.db_path.name == "demo.duckdb" and first.db_path.is_file()
    results = open_results(first.db_path)
    try:
        assert results.variants_df()["label"].tolist() == LABELS
        units = results.units_df()
        assert len(units) == 2 * len(INGESTS)  # two conversations per ingest variant
        assert (units["status"] == "ok").all() and (units["health"] == "ok").all()
        probes = results.probes_df()
        assert len(probes) == len(LABELS) * int(units["n_probes"].sum()) // len(INGESTS)
        # Offline the answer and judge stages are off: no answer, no judge score.
        assert probes["answer"].isna().all() and probes["judge"].isna().all()
        assert results.calls_df()["is_baseline"].all()
    finally:
        results.close()
    report = first.report_path.read_text(encoding="utf-8")
    assert first.report_path == first.db_path.parent / "report.md"
    assert all(label in report for label in LABELS)
    assert (first.report_path.parent / "accuracy_vs_tokens.png").is_file()
    assert first.units_run == 2 * len(INGESTS)


@pytest.mark.slow  # the demo's replay of two conversations, ~30 s
def test_second_run_reuses_every_unit_and_makes_no_model_call(demo_runs, tmp_path) -> None:
    first, second, printed = demo_runs
    assert second.units_run == 0 and second.experiment_id == first.experiment_id
    assert "the report is current" in printed
    db = DuckDbMemoryDb(first.db_path, read_only=True)
    try:
        con = db.cursor()
        # Each unit was committed once, by the first run; the ledger has one run's calls.
        assert con.execute("SELECT count(*) FROM lab_units").fetchall() == [(2 * len(INGESTS),)]
        calls = con.execute("SELECT count(*), count(unit_id) FROM llm_calls").fetchall()[0]
        assert calls[0] == calls[1] > 0  # every call belongs to a committed unit
    finally:
        db.close()
    assert second.table.equals(first.table)


@pytest.mark.slow  # the demo's replay of two conversations, ~30 s
def test_printed_table_has_the_expected_columns(demo_runs) -> None:
    _, second, printed = demo_runs
    assert second.table.columns.tolist() == COLUMNS
    assert second.table["variant"].tolist() == LABELS
    header = next(line for line in printed.splitlines() if line.strip().startswith("variant"))
    assert header.split()[:3] == ["variant", "evidence", "recall"]
    for text in ("tokens/probe", "build", "use", "errors", "[95% CI]"):
        assert text in header
    assert f"results: {second.db_path}" in printed and "make lab" in printed
    assert "on the first 2 conversations of the test split of " in printed.splitlines()[0]
    assert "(a subset, to stay fast" not in printed  # an explicit limit is the user's choice
    assert "\nfindings\n" in printed and "- Best with no limit: " in printed
    assert "few conversations" in printed  # two conversations: rough intervals
    # Build + use: no demo recall reads the session summaries, so none is charged.
    assert (
        second.table["tokens/probe"] - second.table["build"] - second.table["use"]
    ).abs().max() <= 1
    assert second.table["build"].iloc[: len(STRATEGIES) * 2].eq(0).all()  # messages, verbatim
    assert second.table["errors"].eq(0).all()
    assert second.table["evidence recall [95% CI]"].str.match(r"^\d\.\d{3} \[").all()


def test_the_toml_holds_the_same_grid() -> None:
    toml = load_experiment(ROOT / "examples/experiments/demo.toml")
    demo = demo_experiment()
    assert [v.ingest_id for v in toml.ingest_variants()] == [
        v.ingest_id for v in demo.ingest_variants()
    ]
    assert [v.recall_id for v in toml.recall_variants()] == [
        v.recall_id for v in demo.recall_variants()
    ]
    assert {v.variant_id for v in demo.variants()} <= {v.variant_id for v in toml.variants()}
    assert len(demo.variants()) == 20 and demo.answer is None and demo.judge is None


def test_a_model_turns_answer_and_judge_on_for_every_stage() -> None:
    experiment = demo_experiment(model="gpt-4o-mini", api_base="http://127.0.0.1:9/v1")
    assert experiment.answer is not None and experiment.answer.model == "gpt-4o-mini"
    assert experiment.judge is not None and experiment.judge.model == "gpt-4o-mini"
    assert {i.model for i in experiment.ingest if i.kind == "extract"} == {"gpt-4o-mini"}
    assert experiment.summary[0].model == "gpt-4o-mini"
    assert experiment.api_base == "http://127.0.0.1:9/v1"
    assert experiment.experiment_id() != demo_experiment().experiment_id()


def test_a_missing_dataset_says_where_it_looked(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_dataset() == ROOT / DEMO_DATASET  # the checkout memlab runs from
    with pytest.raises(DatasetError, match=r"nowhere\.jsonl.*--dataset PATH"):
        find_dataset(tmp_path / "nowhere.jsonl")


def test_cli_demo_reads_memlab_model_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("MEMLAB_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("MEMLAB_API_BASE", "http://127.0.0.1:9/v1")
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["demo"])
    assert (args.model, args.api_base, args.out) == (
        "gpt-4o-mini",
        "http://127.0.0.1:9/v1",
        "results",
    )
    monkeypatch.delenv("MEMLAB_MODEL")
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    assert parser.parse_args(["demo"]).model is None


def test_cli_demo_reports_a_missing_dataset(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--out", str(tmp_path), "--dataset", str(tmp_path / "none.jsonl")])
    assert exc.value.code == 2
    assert "none.jsonl" in capsys.readouterr().err


def test_the_demo_replays_a_documented_subset_of_v2s_test_split() -> None:
    experiment = demo_experiment()
    assert DEMO_DATASET == "datasets/memlab-synthetic-v2.jsonl"
    assert experiment.dataset.path.endswith(DEMO_DATASET)  # type: ignore[union-attr]
    assert experiment.dataset.split == "test"  # type: ignore[union-attr]
    assert experiment.dataset.limit == DEMO_CONVERSATIONS == 4  # type: ignore[union-attr]
    test = load_dataset(ROOT / DEMO_DATASET, split="test").conversations
    subset = test[:DEMO_CONVERSATIONS]
    # Both conversation kinds: two principals (friends) and one (a person and an assistant).
    assert sorted(len(c.principals()) for c in subset) == [1, 1, 2, 2]
    assert len(test) > DEMO_CONVERSATIONS
    # A larger --limit replays more of the same experiment, so it reuses the finished units.
    whole = demo_experiment(limit=len(test))
    assert whole.dataset.limit == len(test)  # type: ignore[union-attr]
    assert whole.experiment_id() == experiment.experiment_id()


def test_the_demo_grid_says_it_came_from_the_demo() -> None:
    assert demo_experiment().origin == "demo"
    assert demo_experiment(model="gpt-4o-mini").origin == "demo"
