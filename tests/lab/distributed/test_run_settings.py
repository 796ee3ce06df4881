"""`[execution]` and `[budget]`: validated with their key paths, and not part of the id."""

from __future__ import annotations

import pytest
from grid import small_grid

from memlab.errors import ConfigError
from memlab.lab.running.experiment import build_experiment


def _with(**tables: object) -> dict[str, object]:
    data = small_grid().model_dump()
    data["dataset"] = small_grid().dataset
    data.update(tables)
    return data


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        pytest.param(
            {"execution": {"executor": "ray"}}, r"execution\.executor: Input should be", id="name"
        ),
        pytest.param(
            {"execution": {"executor": "processes", "scheduler": "tcp://127.0.0.1:1"}},
            r"execution: Value error|scheduler is for executor 'dask'",
            id="scheduler-without-dask",
        ),
        pytest.param(
            {"execution": {"executor": "dask", "scheduler": "127.0.0.1:8786"}},
            r"scheduler must be an address like 'tcp://",
            id="address",
        ),
        pytest.param(
            {"execution": {"workers": 2}}, r"executor 'local' runs in this process", id="local"
        ),
        pytest.param({"execution": {"workers": 0}}, r"execution\.workers", id="workers"),
        pytest.param({"budget": {"max_cost_usd": -1}}, r"budget\.max_cost_usd", id="budget"),
        pytest.param({"budget": {"max_usd": 1}}, r"budget\.max_usd", id="unknown-key"),
    ],
)
def test_a_bad_setting_names_its_key(tables: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_experiment(_with(**tables))


def test_where_and_how_much_do_not_change_the_id() -> None:
    plain = build_experiment(_with())
    spread = build_experiment(
        _with(
            execution={"executor": "dask", "scheduler": "tcp://127.0.0.1:8786"},
            budget={"max_cost_usd": 2.5},
        )
    )
    assert spread.execution.scheduler == "tcp://127.0.0.1:8786"
    assert spread.budget.max_cost_usd == 2.5
    assert spread.experiment_id() == plain.experiment_id()


def test_flags_replace_only_the_keys_they_name() -> None:
    base = build_experiment(_with(execution={"executor": "processes", "workers": 3}))
    moved = base.with_overrides(execution={"workers": 2}, run_max_cost_usd=1.0)
    assert (moved.execution.executor, moved.execution.workers) == ("processes", 2)
    assert moved.budget.max_cost_usd == 1.0
