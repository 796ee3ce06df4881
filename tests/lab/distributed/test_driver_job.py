"""`processes` runs its first job on a thread of the driver while its workers start."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dying_shard import die
from grid import small_grid

from memlab.lab.running.executors.base import ShardJob, ShardReport, WorkerLost
from memlab.lab.running.executors.processes import ProcessesExecutor
from memlab.lab.running.executors.worker import run_shard
from memlab.lab.running.provenance import load_experiment_dataset
from memlab.lab.running.runner import plan_units

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")


def _jobs(shard_dir: Path, *sizes: int) -> list[ShardJob]:
    """Jobs of the small grid's units, `sizes` units each, in plan order."""
    experiment = small_grid()
    units = [p.unit_id for p in plan_units(experiment, load_experiment_dataset(experiment))]
    assert sum(sizes) <= len(units)
    jobs, at = [], 0
    for n, size in enumerate(sizes):
        jobs.append(
            ShardJob(
                job_id=f"t-{n:04d}",
                experiment=experiment,
                experiment_id=experiment.experiment_id(),
                unit_ids=tuple(units[at : at + size]),
                shard_dir=str(shard_dir),
                cache_snapshot=None,
                budget_left=None,
                concurrency=2,
            )
        )
        at += size
    return jobs


def _pid(report: ShardReport) -> int:
    return int(report.worker.split(":")[1].split()[0])


@pytest.mark.slow
def test_the_first_job_runs_in_the_driver_and_its_slot_ends_with_it(tmp_path: Path) -> None:
    first, second = _jobs(tmp_path, 2, 2)
    executor = ProcessesExecutor(workers=1)
    try:
        assert executor.slots() == 2  # one worker, and the driver's thread
        in_driver = executor.submit(run_shard, first)
        on_worker = executor.submit(run_shard, second)
        report = in_driver.result(timeout=240)
        # Already one slot less when the future resolves: the driver, woken by it, queues
        # no job behind the busy worker.
        assert executor.slots() == 1
        other = on_worker.result(timeout=240)
    finally:
        executor.close()
    assert sorted(report.unit_ids) == sorted(first.unit_ids)
    assert report.worker.endswith("(driver)") and _pid(report) == os.getpid()
    assert report.timings is not None and report.timings.in_driver
    assert report.timings.boot_cpu_s == 0.0
    assert report.timings.worker_started_at == report.timings.started_at
    assert sorted(other.unit_ids) == sorted(second.unit_ids)
    assert _pid(other) != os.getpid() and not other.worker.endswith("(driver)")
    assert other.timings is not None and not other.timings.in_driver
    assert Path(report.shard_path).exists() and Path(other.shard_path).exists()


@pytest.mark.slow
def test_a_killed_worker_loses_only_its_job_not_the_drivers(tmp_path: Path) -> None:
    first, second, third = _jobs(tmp_path, 1, 1, 1)
    executor = ProcessesExecutor(workers=1)
    try:
        in_driver = executor.submit(run_shard, first)
        killed = executor.submit(die, second)
        with pytest.raises(WorkerLost):
            killed.result(timeout=240)
        assert in_driver.result(timeout=240).unit_ids == first.unit_ids
        # The broken pool is replaced: the next job runs on a new worker.
        again = executor.submit(run_shard, third).result(timeout=240)
    finally:
        executor.close()
    assert again.unit_ids == third.unit_ids and _pid(again) != os.getpid()


@pytest.mark.slow
def test_without_the_driver_job_every_job_runs_on_a_worker(tmp_path: Path) -> None:
    (job,) = _jobs(tmp_path, 1)
    executor = ProcessesExecutor(workers=1, driver_job=False)
    try:
        assert executor.slots() == 1
        report = executor.submit(run_shard, job).result(timeout=240)
        assert executor.slots() == 1
    finally:
        executor.close()
    assert _pid(report) != os.getpid() and report.timings is not None
    assert not report.timings.in_driver
