"""`estimate_replay` and `memlab replay --dry-run` against the ledger of the same grid, run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from memlab.cli import main
from memlab.lab.running.estimate import STAGES, estimate_replay, estimate_text, model_cost
from memlab.lab.running.experiment import load_experiment
from memlab.lab.running.runner import replay

ROOT = Path(__file__).resolve().parents[2]
SYNTHETIC = ROOT / "datasets" / "memlab-synthetic-v1.jsonl"

GRID = f"""
name = "estimate-check"
[dataset]
path = "{SYNTHETIC}"
split = "test"
limit = 1
[[ingest]]
kind = "verbatim"
[[ingest]]
kind = "extract"
prompt = "agno-v2"
[[summary]]
trigger = "session_end"
[[recall]]
strategy = "bm25"
k = [5, 10]
[[recall]]
strategy = "last_n"
over = "summaries"
k = 3
[answer]
model = "memlab/offline"
[judge]
model = "memlab/offline"
"""

# Extraction of a session at once (with the others' turns), summaries by runs and by tokens
# (incremental: a previous summary's size is assumed), agentic recall, repeated answers.
GRID_TRIGGERS = f"""
name = "estimate-check-2"
repeats = 2
[dataset]
path = "{SYNTHETIC}"
split = "test"
limit = 1
[[ingest]]
kind = "messages"
[[ingest]]
kind = "extract"
prompt = "single-pass-json"
granularity = "session"
include_assistant = true
[[summary]]
trigger = "every_n_runs"
n = 2
mode = "incremental"
[[summary]]
trigger = "token_threshold"
tokens = 150
[[recall]]
strategy = "last_n"
over = "summaries"
k = 2
[[recall]]
strategy = "agentic"
k = 3
[answer]
model = "memlab/offline"
[judge]
model = "memlab/offline"
"""

# The ledger's stages, as the estimate names them (judge controls are judge calls).
LEDGER_STAGE = {
    "ingest": "extraction",
    "summary": "summaries",
    "recall": "recall",
    "answer": "answer",
    "judge": "judge",
    "judge_control": "judge",
}

# How far the estimate may be from the offline run's tokens, per stage (relative). Summaries
# and judge prompts are rendered from the data alone; extraction depends on how many
# memories the model stored (an assumption); answer prompts are an upper bound, since recall
# is assumed to fill k.
INPUT_TOLERANCE = {
    "extraction": (-0.15, 0.15),
    "summaries": (-0.01, 0.01),
    "answer": (0.0, 0.5),
    "judge": (-0.05, 0.05),
}


def _toml(tmp_path: Path, text: str = GRID) -> Path:
    path = tmp_path / "grid.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _actual(db: Path, *, unit_id: str | None = None) -> dict[str, list[int]]:
    import duckdb

    out = {s: [0, 0, 0] for s in STAGES}
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT stage, count(*), coalesce(sum(input_tokens), 0),"
            " coalesce(sum(output_tokens), 0) FROM llm_calls"
            " WHERE experiment_id IS NOT NULL AND (? IS NULL OR unit_id = ?) GROUP BY stage",
            [unit_id, unit_id],
        ).fetchall()
    finally:
        con.close()
    for stage, calls, tokens_in, tokens_out in rows:
        row = out[LEDGER_STAGE[stage]]
        row[0] += calls
        row[1] += tokens_in
        row[2] += tokens_out
    return out


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("estimate")
    toml = _toml(folder)
    db = folder / "results.duckdb"
    results = replay(toml, db=db, quiet=True)
    try:
        units = results.units_df()
    finally:
        results.close()
    # The comparison needs a clean run: a failed call would count as no tokens.
    assert list(units["status"].unique()) == ["ok"], units["error"].dropna().tolist()
    return toml, db


def test_dry_run_matches_the_offline_ledger(ran: tuple[Path, Path]) -> None:
    toml, db = ran
    estimate = estimate_replay(toml)
    actual = _actual(db)
    # Every stage of this grid makes calls whose number does not depend on the answers.
    assert {s: e.calls for s, e in estimate.stages.items()} == {s: a[0] for s, a in actual.items()}
    assert actual["answer"][0] > 0 and actual["judge"][0] > actual["answer"][0]  # controls
    for stage, (lo, hi) in INPUT_TOLERANCE.items():
        want, got = actual[stage][1], estimate.stages[stage].input_tokens
        assert want * (1 + lo) <= got <= want * (1 + hi), (stage, got, want)
    assert estimate.total.calls == sum(a[0] for a in actual.values())
    assert estimate.total.cost_usd == 0.0
    assert list(estimate.models) == ["memlab/offline"]


def test_dry_run_matches_triggers_agentic_recall_and_repeats(tmp_path: Path) -> None:
    toml = _toml(tmp_path, GRID_TRIGGERS)
    db = tmp_path / "results.duckdb"
    replay(toml, db=db, quiet=True).close()
    estimate, actual = estimate_replay(toml), _actual(db)
    assert {s: e.calls for s, e in estimate.stages.items()} == {s: a[0] for s, a in actual.items()}
    assert actual["recall"][0] > 0 and actual["summaries"][0] > 0
    tolerance = {"extraction": 0.15, "summaries": 0.2, "recall": 0.25, "judge": 0.05}
    for stage, within in tolerance.items():
        want, got = actual[stage][1], estimate.stages[stage].input_tokens
        assert abs(got - want) <= within * want, (stage, got, want)


def _unfinish(db: Path, copy: Path, units: list[str] | None = None) -> list[str]:
    """Copy the results file with `units` (default: all) marked failed; return the unit ids."""
    import duckdb

    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    try:
        ids = [
            r[0] for r in con.execute("SELECT unit_id FROM lab_units ORDER BY unit_id").fetchall()
        ]
        con.execute(
            "UPDATE lab_units SET status = 'error' WHERE unit_id IN (SELECT unnest(?))",
            [ids if units is None else units],
        )
    finally:
        con.close()
    return ids


def test_cached_calls_give_the_completion_sizes(ran: tuple[Path, Path], tmp_path: Path) -> None:
    toml, finished = ran
    db = tmp_path / "failed.duckdb"
    _unfinish(finished, db)  # nothing finished: every unit is estimated, sizes from the ledger
    actual = _actual(db)
    estimate = estimate_replay(toml, db=db)
    assert estimate.units == 2 and estimate.finished_units == 0
    # Answers and summaries are made once per call: the mean of the ledger times the calls.
    for stage in ("answer", "summaries"):
        assert abs(estimate.stages[stage].output_tokens - actual[stage][2]) <= 1, stage


def test_dry_run_json_shape_and_calls_no_model(
    ran: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    toml, _ = ran
    db = tmp_path / "never.duckdb"
    main(["replay", str(toml), "--dry-run", "--json", "--db", str(db)])
    out = json.loads(capsys.readouterr().out)
    assert list(out["stages"]) == list(STAGES)
    for part in [*out["stages"].values(), out["total"]]:
        assert set(part) == {"calls", "input_tokens", "output_tokens", "cost_usd"}
    assert out["total"]["calls"] == sum(s["calls"] for s in out["stages"].values())
    assert out["total"]["input_tokens"] > 0
    assert not db.exists()  # nothing replayed, nothing written


def test_dry_run_text(ran: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    toml, _ = ran
    main(["replay", str(toml), "--dry-run"])
    out = capsys.readouterr().out
    assert out.startswith("dry run: 2 units, no model called")
    assert "memlab/offline" in out and "assumptions:" in out
    assert "0.7 memories per user turn" in out


def test_unknown_model_price_is_unknown_not_zero(ran: tuple[Path, Path]) -> None:
    toml, _ = ran
    experiment = load_experiment(toml)
    data = experiment.model_dump()
    data["dataset"] = experiment.dataset
    data["answer"]["model"] = "openai/no-such-model-anywhere"
    from memlab.lab.running.experiment import build_experiment

    estimate = estimate_replay(build_experiment(data))
    assert estimate.unknown_price == ["openai/no-such-model-anywhere"]
    assert estimate.stages["answer"].cost_usd is None
    assert estimate.stages["judge"].cost_usd == 0.0  # the offline judge is free
    assert estimate.total.cost_usd is None
    text = estimate_text(estimate)
    assert "unknown" in text
    assert "no price for 'openai/no-such-model-anywhere'" in text


def test_known_model_is_priced_from_litellm_table() -> None:
    from memlab.llm.loader import litellm

    lite = litellm()
    prices = lite.model_cost["gpt-4o-mini"]
    want = 1000 * prices["input_cost_per_token"] + 100 * prices["output_cost_per_token"]
    assert model_cost("gpt-4o-mini", 1000, 100) == pytest.approx(want)
    assert model_cost("memlab/offline", 10**6, 10**6) == 0.0
    assert model_cost("openai/no-such-model-anywhere", 10, 10) is None
    assert model_cost("no-provider-named", 10, 10) is None


def test_agno_all_context_grows_with_the_assumed_memories(ran: tuple[Path, Path]) -> None:
    from memlab.lab.running.estimate import Assumptions

    toml, _ = ran
    few = estimate_replay(toml, assumptions=Assumptions(memories_per_turn=0.1))
    many = estimate_replay(toml, assumptions=Assumptions(memories_per_turn=2.0))
    assert few.stages["extraction"].calls == many.stages["extraction"].calls
    assert many.stages["extraction"].input_tokens > 2 * few.stages["extraction"].input_tokens
    assert any("2 memories per user turn" in note for note in many.assumptions)


def test_json_without_dry_run_is_refused(
    ran: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    toml, _ = ran
    db = tmp_path / "never.duckdb"
    with pytest.raises(SystemExit) as info:
        main(["replay", str(toml), "--json", "--db", str(db)])
    assert info.value.code == 2
    assert "add --dry-run" in capsys.readouterr().err
    assert not db.exists()


def test_a_resumed_run_is_estimated_for_what_remains(
    ran: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    toml, finished = ran
    done = estimate_replay(toml, db=finished)
    assert (done.units, done.finished_units, done.total.calls) == (0, 2, 0)

    db = tmp_path / "half.duckdb"
    ids = _unfinish(finished, db, [])
    _unfinish(finished, db, ids[:1])  # the first unit failed: a resume redoes it alone
    estimate = estimate_replay(toml, db=db)
    assert (estimate.units, estimate.finished_units) == (1, 1)
    whole = estimate_replay(toml)
    left = _actual(db, unit_id=ids[0])
    assert {s: e.calls for s, e in estimate.stages.items()} == {s: a[0] for s, a in left.items()}
    assert 0 < estimate.total.calls < whole.total.calls
    assert any("1 units finished in" in note for note in estimate.assumptions)

    main(["replay", str(toml), "--db", str(db), "--dry-run"])
    out = capsys.readouterr().out
    assert out.startswith("dry run: 1 units, no model called (1 more finished already")
