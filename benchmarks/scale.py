"""LongMemEval-S scale on one machine (issue 20): wall time, calls/s, peak memory, file size.

Replays a LongMemEval-S-shaped file (`datasets/generate.py --shape longmemeval-s`: about 500
questions, each its own haystack of about 50 sessions and 115k tokens) two ways:

- `verbatim`: every turn stored as a memory, recalled by bm25 (k = 10);
- `extract`: facts extracted by the offline model once per session (agno-v2 prompt, the top 20
  stored memories shown to each extraction call), recalled by hybrid (k = 10), whose semantic
  half uses the default offline static embedder (model2vec, no torch), not MiniLM.

Why extraction per session (`granularity = "session"`): the file holds about 250k user turns in
about 25k sessions. Extracting per run (one call per exchange) makes ~250k calls, over half an
hour of offline model time alone on 2 cores; LongMemEval-style systems extract (or index) per
session, when it ends, so one call per session (~25k calls, each seeing the whole session and
the top 20 memories) measures the same pipeline at the granularity such systems run at.

Answer and judge stages are off (the recall scores need no model). For each, printed: wall time,
turns/s, model calls and calls/s (from the results' ledger), peak resident memory of this
process and of its children (`getrusage` max RSS) and the results file's size. Targets on the
2-core machine, full size: verbatim <= 5 min, extraction <= 30 min, peak RSS <= 4 GB.

A rerun with the same `--workdir` resumes: committed units are kept, the rest are replayed
(the printed time is then that of the rest only; `--fresh` starts over). `--questions N`
scales down (the file and the results are per N).

    .venv/bin/python benchmarks/scale.py [verbatim extract] [--questions 500]
        [--workdir /tmp/memlab-scale] [--concurrency 2] [--fresh] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from memlab.lab.running.experiment import Experiment, build_experiment
from memlab.lab.running.runner import replay
from memlab.llm.client import LLM
from memlab.llm.sync import run_sync

ROOT = Path(__file__).resolve().parents[1]
VARIANTS: dict[str, dict[str, Any]] = {
    "verbatim": {
        "ingest": [{"kind": "verbatim"}],
        "recall": [{"strategy": "bm25", "k": 10}],
    },
    "extract": {
        "ingest": [
            {
                "kind": "extract",
                "prompt": "agno-v2",
                "context": "top_k",
                "top_k": 20,
                "granularity": "session",
            }
        ],
        "recall": [{"strategy": "hybrid", "k": 10}],
    },
}


def haystack_file(workdir: Path, questions: int) -> Path:
    """The LongMemEval-S-shaped file for `questions` questions, generated once per size."""
    path = workdir / f"longmemeval_s_{questions}.json"
    if not path.exists():
        partial = path.with_suffix(".part")
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "datasets" / "generate.py"),
                "--shape",
                "longmemeval-s",
                "--out",
                str(partial),
                "--questions",
                str(questions),
            ],
            check=True,
        )
        partial.rename(path)  # a killed generation is not mistaken for a whole file
    return path


def experiment(name: str, data: Path) -> Experiment:
    """The experiment of one variant over the file."""
    spec = {"name": f"scale-{name}", "dataset": {"path": str(data), "format": "longmemeval"}}
    return build_experiment({**spec, **VARIANTS[name]})


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory so far, in MB, of this process and of its (waited-for) children."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KB
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def file_mb(path: Path) -> float:
    """Size of a DuckDB file with its write-ahead log, in MB."""
    wal = path.with_name(path.name + ".wal")
    return sum(p.stat().st_size for p in (path, wal) if p.exists()) / 1e6


async def _switch(profiler: cProfile.Profile, *, on: bool) -> None:
    # cProfile profiles the thread that enables it: this runs on memlab's loop thread.
    if on:
        profiler.enable()
    else:
        profiler.disable()


def run(name: str, data: Path, db: Path, *, concurrency: int, profile: bool) -> None:
    """Replay one variant into `db` (resuming it) and print its figures."""
    exp = experiment(name, data)
    # CPU time, not wall time: other work on a loaded machine does not distort the profile.
    profiler = cProfile.Profile(time.process_time) if profile else None
    started = time.perf_counter()
    cpu = time.process_time()
    if profiler:
        run_sync(_switch(profiler, on=True))  # the replay runs on memlab's loop thread
    results = replay(exp, db=db, concurrency=concurrency, quiet=True)
    if profiler:
        run_sync(_switch(profiler, on=False))
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    units = results.units_df()
    calls = results.calls_df()
    probes = results.probes_df()
    turns = int(units["n_turns"].sum()) if len(units) else 0
    own, children = peak_rss_mb()
    errors = int((probes["status"] == "error").sum()) if len(probes) else 0
    results.close()
    rate = f"{len(calls) / seconds:.1f} calls/s" if len(calls) else "no model calls"
    print(
        f"{name:<8} {len(units)} units, {turns:,} turns, {len(probes)} probes ({errors} errors): "
        f"{seconds:.1f} s wall ({cpu:.1f} s CPU), {turns / seconds:,.0f} turns/s, "
        f"{len(calls):,} model calls ({rate}); peak RSS {own:,.0f} MB "
        f"(children {children:,.0f} MB); results file {file_mb(db):,.1f} MB"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    """Generate (once) and replay the file for each variant asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="*", default=["verbatim", "extract"], choices=VARIANTS)
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/memlab-scale"))
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="delete earlier results first")
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    data = haystack_file(args.workdir, args.questions)
    print(f"file {data} ({data.stat().st_size / 1e6:,.0f} MB, {args.questions} questions)")
    # Import litellm and build the offline model once, outside the figures.
    LLM("memlab/offline").complete([{"role": "user", "content": "hi"}], purpose="other")
    for name in args.which:
        db = args.workdir / f"{name}_{args.questions}.duckdb"
        if args.fresh:
            for stale in (db, db.with_name(db.name + ".wal")):
                stale.unlink(missing_ok=True)
        run(name, data, db, concurrency=args.concurrency, profile=args.profile)


if __name__ == "__main__":
    main()
