"""`[budget] max_cost_usd`: the run stops starting units once spent, cleanly and resumably.

The model is `openai/gpt-4o-mini` served by the scripted OpenAI server on 127.0.0.1, so every
answer has a real litellm price; ingest is verbatim (no model), so each unit costs its answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from replay_fixtures import tiny_dataset

from memlab.cli import main
from memlab.commands.outcome import EXIT_BUDGET
from memlab.lab.running.budget_guard import RunBudgetReached
from memlab.lab.running.experiment import Experiment, build_experiment
from memlab.lab.running.runner import replay
from memlab.testing import OpenAIServer

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")


@pytest.fixture(scope="module")
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer() as running:
        yield running


def _paid(server: OpenAIServer, max_cost_usd: float | None) -> Experiment:
    return build_experiment(
        {
            "name": "paid",
            "dataset": tiny_dataset(n_agent=2, n_pairs=2),
            "ingest": [{"kind": "verbatim"}],
            "recall": [{"strategy": "bm25", "k": 2}],
            "answer": {"model": "openai/gpt-4o-mini"},
            "api_base": server.base_url,
            "budget": {"max_cost_usd": max_cost_usd},
            "concurrency": 1,
        }
    )


def _probe_rows(path: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT unit_id, variant_id, probe_id, status, answer, answer_call_id,"
            " recalled_ids, context FROM lab_probe_results ORDER BY ALL"
        ).fetchall()


@pytest.mark.parametrize("executor", ["local", "processes"])
def test_a_spent_run_budget_stops_cleanly_and_the_run_resumes(
    tmp_path: Path, server: OpenAIServer, executor: str
) -> None:
    clean = tmp_path / "clean.duckdb"
    replay(_paid(server, None), db=clean, quiet=True).close()
    path = tmp_path / "stopped.duckdb"
    with pytest.raises(RunBudgetReached, match=r"run budget reached: \$0\.0\d+ spent") as stop:
        replay(_paid(server, 1e-9), db=path, quiet=True, executor=executor)
    assert stop.value.units_left >= 1
    assert stop.value.spent_usd > 0
    stopped = _probe_rows(path)
    assert 0 < len({r[0] for r in stopped}) < 4  # some units committed, not all
    # Resumed on `local` with a fresh budget: the same rows as a run never stopped.
    replay(_paid(server, 10.0), db=path, quiet=True, executor="local").close()
    assert _probe_rows(path) == _probe_rows(clean)


def test_the_cli_exits_5_at_the_run_budget(
    tmp_path: Path, server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "paid.toml"
    dataset = Path(__file__).parents[3] / "datasets" / "memlab-synthetic-v1.jsonl"
    config.write_text(
        f'name = "paid"\n[dataset]\npath = "{dataset}"\nlimit = 3\n'
        '[[ingest]]\nkind = "verbatim"\n[[recall]]\nstrategy = "bm25"\nk = 2\n'
        f'[answer]\nmodel = "openai/gpt-4o-mini"\n'
        f'[execution]\nexecutor = "local"\n[budget]\nmax_cost_usd = 1.0\n',
        encoding="utf-8",
    )
    db = tmp_path / "paid.duckdb"
    argv = ["replay", str(config), "--db", str(db), "--quiet", "--api-base", server.base_url]
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--max-cost-usd", "0.000000001", "--concurrency", "1"])
    assert stop.value.code == EXIT_BUDGET
    err = capsys.readouterr().err
    assert "run budget reached" in err and "--max-cost-usd" in err
    main(argv)  # the TOML's budget is enough to finish: exit code 0, no SystemExit
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM lab_units").fetchone() == (3,)
