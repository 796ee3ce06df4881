"""Executors (issue 22): speed-up of `processes` over `local`, where it goes, and merge cost.

An offline extraction grid on the bundled dataset (2 extract prompts x bm25@5, recall scored
without an answer stage) is replayed on `local`, then on `processes` with `--workers` worker
processes, into fresh files. Worker start-up (the fork server imports memlab and litellm once)
is inside the measured time; meanwhile the first job runs on a thread of the driver (the
executor's in-driver job; `--no-driver-job` turns it off). The driver is warm: `local` ran
first in this process, so litellm is loaded when the in-driver job starts (a fresh `memlab
replay` imports it in the in-driver job, on the core the fork server does not use). Besides
wall times, it prints where the `processes` run's time
went, from CPU times that stay meaningful when other programs share the machine:

- the driver: its set-up before the first job, its CPU during the run, and the merges (thread
  CPU and wall per shard, per unit);
- each worker: start-up (first job's start minus its submission), jobs, units, CPU, busy time
  split into shard open / units / close, gaps between jobs, and its idle tail at the end;
- the in-driver job: its units, when it started and ended (seconds into the run) against the
  workers' first job, its busy time split as a worker's;
- an idle-machine estimate of both runs from CPU seconds: `local` takes its CPU time;
  `processes` takes the start-up that cannot overlap (the longer of the driver's set-up and
  the fork server's imports), then the longer of the busiest worker's CPU and half of all CPU
  spent meanwhile (two cores): the workers', and the driver's (with an in-driver job, only
  what exceeds the start-up: that job runs on the core the fork server leaves idle), then the
  last merge.

    .venv/bin/python benchmarks/executors.py [--limit N] [--workers N] [--no-driver-job]

Wall-clock figures taken while other processes use the CPU are not comparable; the CPU
breakdown and the estimate are meant to be.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.running.executors import driver, merge, opening
from memlab.lab.running.executors.base import (
    Executor,
    ShardFn,
    ShardJob,
    ShardReport,
    ShardTimings,
)
from memlab.lab.running.executors.merge import MergedShard
from memlab.lab.running.executors.processes import ProcessesExecutor
from memlab.lab.running.experiment import Experiment, build_experiment
from memlab.lab.running.run_settings import ExecutionSpec
from memlab.lab.running.runner import HealthWarning, replay
from memlab.llm.loader import litellm
from memlab.tokens import tokenizer

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "datasets" / "memlab-synthetic-v1.jsonl"


def grid(limit: int | None) -> Experiment:
    """Offline extraction with two prompts, recall only."""
    return build_experiment(
        {
            "name": "executors-bench",
            "dataset": {"path": str(BUNDLED), "limit": limit},
            "ingest": [
                {"kind": "extract", "prompt": "agno-v2"},
                {"kind": "extract", "prompt": "agno-v2", "context": "top_k", "top_k": 5},
            ],
            "recall": [{"strategy": "bm25", "k": 5}],
        }
    )


@dataclass
class Trace:
    """What the driver did during one distributed replay (filled in by the wrappers below)."""

    submitted: dict[str, float] = field(default_factory=dict)
    reports: list[ShardReport] = field(default_factory=list)
    merges: list[tuple[float, float, float, int]] = field(default_factory=list)
    """(start epoch, wall s, thread CPU s, units) of each merge."""


class Traced:
    """An executor that notes when each job was submitted and what it reported."""

    def __init__(self, inner: Executor, trace: Trace) -> None:
        self.inner = inner
        self.name = inner.name
        self.trace = trace

    def slots(self) -> int:
        """The wrapped executor's slots."""
        return self.inner.slots()

    def submit(self, fn: ShardFn, job: ShardJob) -> Future[ShardReport]:
        """Submit to the wrapped executor, noting the time and, later, the report."""
        self.trace.submitted.setdefault(job.job_id, time.time())
        future = self.inner.submit(fn, job)
        future.add_done_callback(
            lambda done: self.trace.reports.append(done.result()) if not done.exception() else None
        )
        return future

    def close(self) -> None:
        """Close the wrapped executor."""
        self.inner.close()


@contextmanager
def traced(trace: Trace, *, driver_job: bool) -> Iterator[None]:
    """Route the runner's distributed path through `Traced` and time each merge."""
    open_executor, merge_shard = opening.open_executor, merge.merge_shard

    def open_traced(spec: ExecutionSpec) -> Executor:
        if spec.executor == "processes":
            return Traced(ProcessesExecutor(workers=spec.workers, driver_job=driver_job), trace)
        return Traced(open_executor(spec), trace)

    def timed_merge(db: DuckDbMemoryDb, shard: Path) -> MergedShard | None:
        at, wall, cpu = time.time(), time.perf_counter(), time.thread_time()
        merged = merge_shard(db, shard)
        units = len(merged.units) if merged else 0
        trace.merges.append((at, time.perf_counter() - wall, time.thread_time() - cpu, units))
        return merged

    # The driver looks both names up at call time in these modules' namespaces.
    vars(opening)["open_executor"], vars(driver)["merge_shard"] = open_traced, timed_merge
    try:
        yield
    finally:
        vars(opening)["open_executor"], vars(driver)["merge_shard"] = open_executor, merge_shard


@dataclass(frozen=True)
class Run:
    """One replay's wall and CPU seconds (CPU of this process: the driver, or all of local)."""

    start: float
    wall_s: float
    cpu_s: float
    units: int


def run(experiment: Experiment, path: Path, spec: ExecutionSpec) -> Run:
    """One replay into a fresh file."""
    start, wall, cpu = time.time(), time.perf_counter(), time.process_time()
    results = replay(experiment, db=path, quiet=True, executor=spec)
    wall_s, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    units = len(results.units_df())
    results.close()
    return Run(start, wall_s, cpu_s, units)


def fork_server_cpu() -> float:
    """CPU seconds of what the fork server imports, in a fresh interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    code = "import memlab.lab.running.executors.preload"
    subprocess.run([sys.executable, "-c", code], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    bare = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    empty = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return spent - ((empty.ru_utime + empty.ru_stime) - (bare.ru_utime + bare.ru_stime))


_PARTS = ("open_s", "units_s", "close_s")


def breakdown(proc: Run, trace: Trace, local: Run, preload_cpu: float) -> None:
    """Print where the `processes` run's time went, and the idle-machine estimate."""
    end = proc.start + proc.wall_s
    first_submit = min(trace.submitted.values())
    setup_wall = first_submit - proc.start
    merges_cpu = sum(m[2] for m in trace.merges)
    merges_wall = sum(m[1] for m in trace.merges)
    merged_units = sum(m[3] for m in trace.merges)
    print(
        f"  driver: set-up {setup_wall:.2f} s wall before the first job; CPU {proc.cpu_s:.2f} s"
        f" in all; {len(trace.merges)} merges, {merged_units} units: {merges_cpu * 1000:.0f} ms"
        f" thread CPU ({merges_cpu * 1000 / max(merged_units, 1):.1f} ms/unit),"
        f" {merges_wall * 1000:.0f} ms wall ({merges_wall * 1000 / max(merged_units, 1):.1f}"
        " ms/unit)"
    )
    print(f"  fork server imports (memlab, litellm, tokenizer): {preload_cpu:.2f} s CPU")
    by_worker: dict[str, list[tuple[ShardReport, ShardTimings]]] = defaultdict(list)
    in_driver: list[tuple[ShardReport, ShardTimings]] = []
    for report in trace.reports:
        assert report.timings is not None
        if report.timings.in_driver:
            in_driver.append((report, report.timings))
        else:
            by_worker[report.worker].append((report, report.timings))
    worker_cpu: list[float] = []
    first_worker_job = min(
        (t.started_at for jobs in by_worker.values() for _, t in jobs), default=end
    )
    for report, t in in_driver:
        # Its CPU is the whole driver's during the job (merges too): counted in the driver's.
        print(
            f"  in-driver job {report.worker}: {len(report.unit_ids)} units; ran"
            f" {t.started_at - proc.start:.2f} -> {t.ended_at - proc.start:.2f} s into the run"
            f" (workers' first job started at {first_worker_job - proc.start:.2f} s); busy"
            f" {t.ended_at - t.started_at:.2f} s = open {t.open_s:.2f} + units {t.units_s:.2f}"
            f" + close {t.close_s:.2f}; driver process CPU meanwhile {t.cpu_s:.2f} s"
        )
    for name, jobs in sorted(by_worker.items()):
        jobs.sort(key=lambda j: j[1].started_at)
        first_report, first = jobs[0]
        startup = first.started_at - trace.submitted[first_report.job_id]
        gaps = sum(b.started_at - a.ended_at for (_, a), (_, b) in itertools.pairwise(jobs))
        cpu = sum(t.cpu_s for _, t in jobs)
        worker_cpu.append(cpu + first.boot_cpu_s)
        opened, replayed, closed = (sum(getattr(t, n) for _, t in jobs) for n in _PARTS)
        print(
            f"  worker {name}: start-up {startup:.2f} s (boot CPU {first.boot_cpu_s:.2f} s);"
            f" {len(jobs)} jobs, {sum(len(r.unit_ids) for r, _ in jobs)} units;"
            f" CPU {cpu:.2f} s; busy {sum(t.ended_at - t.started_at for _, t in jobs):.2f} s ="
            f" open {opened:.2f} + units {replayed:.2f} + close {closed:.2f}; gaps between jobs"
            f" {gaps:.2f} s;"
            f" idle tail {end - jobs[-1][1].ended_at:.2f} s"
        )
    last_merge = trace.merges[-1][2] if trace.merges else 0.0
    # Driver CPU before the first job: its share of `proc.cpu_s` is not separable from the
    # merges, so count the set-up at its wall time (an upper bound under load).
    start_up = max(min(setup_wall, proc.cpu_s), preload_cpu)
    # Without an in-driver job, the driver's CPU (set-up, merges) counts in full, as before.
    driver_cpu = max(proc.cpu_s - start_up, 0.0) if in_driver else proc.cpu_s
    parallel = max(max(worker_cpu, default=0.0), (sum(worker_cpu) + driver_cpu) / 2)
    estimate = start_up + parallel + last_merge
    print(
        f"  idle-machine estimate: local {local.cpu_s:.1f} s (its CPU); processes"
        f" {estimate:.1f} s = start-up {start_up:.2f} + workers {parallel:.2f} + last merge"
        f" {last_merge:.2f}: {local.cpu_s / estimate:.2f}x"
    )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="conversations (default: all 44, 88 units; a small grid measures start-up instead)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--no-driver-job", action="store_true", help="run every job on a worker process"
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore", HealthWarning)
    # Importing the lab no longer imports litellm: load it (and the tokenizer) before timing,
    # so that `local` is timed warm, as it always was here (the fork server stays cold).
    litellm()
    tokenizer()
    experiment = grid(args.limit)
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        local = run(experiment, folder / "l.duckdb", ExecutionSpec())
        trace = Trace()
        with traced(trace, driver_job=not args.no_driver_job):
            spec = ExecutionSpec(executor="processes", workers=args.workers)
            proc = run(experiment, folder / "p.duckdb", spec)
    print(
        f"speedup: {local.units} units, local {local.wall_s:.1f} s (CPU {local.cpu_s:.1f} s),"
        f" processes x{args.workers} {proc.wall_s:.1f} s: {local.wall_s / proc.wall_s:.2f}x"
        f" wall (target >= 1.6x; load average {load:.1f} -> {os.getloadavg()[0]:.1f})"
    )
    breakdown(proc, trace, local, fork_server_cpu())


if __name__ == "__main__":
    main()
