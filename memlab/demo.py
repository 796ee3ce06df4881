"""The demo (`make demo`, `memlab demo`): the replay lab on the bundled dataset, end to end.

It replays a documented subset of the test split of `datasets/memlab-synthetic-v2.jsonl`: its
first 4 conversations (`DEMO_CONVERSATIONS`: two chats between friends who are both
principals, two person-assistant chats; about 1,900 turns and 163 probes, 133 with evidence),
because the whole split (14 conversations of 400-520 turns) takes the offline extraction
several minutes and the demo must finish in about a minute; `--limit 14` replays all of it,
reusing the finished units. The grid: four ingests (raw messages only; every turn stored
verbatim; facts extracted with the `agno-v2` and the `single-pass-json` prompts), each with a
summary at session end, crossed with five recall strategies (`bm25`, `semantic`, `hybrid`,
`last_n` and memlab's tuned `recommended`, k = 10) over the raw messages for the `messages`
ingest and over the stored memories otherwise: 20 variants. Results go to
`results/demo.duckdb`, the report and its plots to `results/report.md`.

Offline (the default) every model is `memlab/offline`, memlab's rule-based baseline, and the
answer and judge stages are off: the scores that need no model (evidence recall, answer in
context) are what a rule baseline can honestly measure. With `model=` (the command reads
`MEMLAB_MODEL`) the same grid runs with that litellm model for extraction and summaries, and
the answer and judge stages are on. A second run reuses the finished units and the cache.

The grid is embedded here (`DEMO_GRID`) so the demo runs from any checkout without a config
file; `examples/experiments/demo.toml` holds the same grid for `memlab replay`.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from memlab.errors import DatasetError, MemlabError
from memlab.lab.running.experiment import Experiment, build_experiment

__all__ = [
    "DEMO_CONVERSATIONS",
    "DEMO_DATASET",
    "DEMO_GRID",
    "Confirm",
    "DemoDeclined",
    "DemoResult",
    "demo_experiment",
    "find_dataset",
    "run_demo",
    "summary_table",
]

DEMO_DATASET = "datasets/memlab-synthetic-v2.jsonl"
"""The bundled dataset, relative to the repository root."""
DEMO_CONVERSATIONS = 4
"""Test conversations the demo replays unless `limit` says otherwise: the first 4 of v2's 14
(2 two-principal chats, 2 with an assistant), so a fresh clone's `make demo` stays within
about three minutes including the install."""

# `recommended` is memlab's tuned offline recall (docs/recall.md), beside the textbook four.
_RECALL = [
    {"strategy": s, "k": 10} for s in ("bm25", "semantic", "hybrid", "last_n", "recommended")
]

DEMO_GRID: dict[str, Any] = {
    "name": "demo",
    "description": "Raw messages vs store-everything vs extracted facts, recalled by recency, "
    "keywords, embeddings and both.",
    "dataset": {"path": DEMO_DATASET, "split": "test", "limit": DEMO_CONVERSATIONS},
    "ingest": [
        {"kind": "messages"},
        {"kind": "verbatim"},
        {"kind": "extract", "prompt": "agno-v2"},
        {"kind": "extract", "prompt": "single-pass-json"},
    ],
    "summary": [{"trigger": "session_end"}],
    # Every ingest stores the raw messages; recall over them is run once, under `messages`.
    "recall": [*_RECALL, *({**r, "over": "messages", "ingest": ["messages"]} for r in _RECALL)],
}
"""The demo's experiment, as `memlab.lab.running.experiment.build_experiment` takes it."""

# The scores the printed table shows, strongest first; those with no values are left out.
_MAIN_SCORES = {
    "judge": "judge",
    "token_f1": "token F1",
    "evidence_recall_any": "evidence recall",
    "answer_in_context": "answer in context",
}


def find_dataset(path: str | Path | None = None) -> Path:
    """The dataset file the demo replays: `path`, else the bundled one.

    The bundled dataset is looked up relative to the current directory (a checkout's root),
    then relative to the checkout memlab is installed from (`pip install -e .`).

    Raises:
        DatasetError: the file is not there, with the places looked at.
    """
    if path is not None:
        candidates = [Path(path)]
    else:
        candidates = [Path(DEMO_DATASET), Path(__file__).resolve().parents[1] / DEMO_DATASET]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise DatasetError(
        f"the demo's dataset is not there (looked at {looked}); run the demo from the root of "
        f"a memlab checkout, where {DEMO_DATASET} is committed, or pass "
        "--dataset PATH"
    )


def demo_experiment(
    *,
    dataset: str | Path | None = None,
    model: str | None = None,
    api_base: str | None = None,
    limit: int | None = None,
    api_key: str | None = None,
    api_key_env: str | None = None,
) -> Experiment:
    """The demo's experiment; with `model`, every stage uses it and answer and judge are on.

    Args:
        dataset: The dataset file; None for the bundled one (`find_dataset`).
        model: A litellm model string for extraction, summaries, answer and judge; None for
            the offline baseline with the answer and judge stages off.
        api_base: The server `model` is called at (a local vLLM or llama.cpp server).
        limit: Replay the first `limit` test conversations; None for the demo's subset
            (`DEMO_CONVERSATIONS`).
        api_key: The key `model` is called with (never stored with the results).
        api_key_env: The environment variable the key is read from (only its name is
            stored).

    Raises:
        DatasetError: the dataset file is missing.
        ConfigError: `api_key_env` is not the name of an environment variable.
    """
    data = copy.deepcopy(DEMO_GRID)
    data["dataset"]["path"] = str(find_dataset(dataset))
    if limit is not None:
        data["dataset"]["limit"] = limit
    if model is not None:
        for ingest in data["ingest"]:
            ingest["model"] = model
        for summary in data["summary"]:
            summary["model"] = model
        data["answer"] = {"model": model}
        data["judge"] = {"model": model}
        data["api_base"] = api_base
        data["api_key_env"] = api_key_env
        data["api_key"] = api_key
    # origin "demo": key errors name `memlab demo`'s flags.
    return build_experiment(data, source="the demo's grid", origin="demo")


class DemoDeclined(MemlabError):
    """The demo stopped before calling a model, as the user (or a missing `--yes`) asked."""


Confirm = Callable[[Experiment, int, int], bool]
"""Asked before a demo with a real model replays: (experiment, units left, all units) in,
True to go on."""


@dataclass(frozen=True)
class DemoResult:
    """Where a demo run put its results, and what it printed."""

    db_path: Path
    """The results file."""
    report_path: Path
    """The report (`report.md`); its plots are next to it."""
    experiment_id: str
    """The experiment's id in the results file."""
    table: pd.DataFrame
    """The printed summary table (formatted cells)."""
    units_run: int
    """Units replayed by this call (0 when every unit was finished before)."""


def _interval(mean: float, lo: float, hi: float) -> str:
    if pd.isna(mean):
        return "-"
    if pd.isna(lo) or pd.isna(hi):
        return f"{mean:.3f}"
    return f"{mean:.3f} [{lo:.3f}, {hi:.3f}]"


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The demo's printed table from a `Results.summary_df()` frame.

    One row per variant: each main score with its 95% interval, n scored (of the first main
    score), errored probes, and tokens per probe: build + use, then each of them
    (`memlab.lab.analysis.costs`).
    """
    scores = [s for s in _MAIN_SCORES if s in summary.columns and summary[s].notna().any()]
    table = pd.DataFrame({"variant": summary["label"]})
    for s in scores:
        table[f"{_MAIN_SCORES[s]} [95% CI]"] = [
            _interval(m, lo, hi)
            for m, lo, hi in zip(summary[s], summary[f"{s}_lo"], summary[f"{s}_hi"], strict=True)
        ]
    table["n"] = summary[f"{scores[0]}_n"].astype(int) if scores else 0
    table["errors"] = summary["n_errors"].astype(int)
    for column, name in (
        ("tokens/probe", "tokens"),
        ("build", "build_tokens"),
        ("use", "use_tokens"),
    ):
        table[column] = summary[f"{name}_per_probe"].round(0).astype(int)
    return table


def _report_is_current(report: Path, experiment_id: str) -> bool:
    return report.is_file() and f"`{experiment_id}`" in report.read_text(encoding="utf-8")


def run_demo(
    *,
    out_dir: str | Path = "results",
    dataset: str | Path | None = None,
    model: str | None = None,
    api_base: str | None = None,
    limit: int | None = None,
    quiet: bool = False,
    n_boot: int = 1000,
    out: TextIO | None = None,
    api_key: str | None = None,
    api_key_env: str | None = None,
    confirm: Confirm | None = None,
) -> DemoResult:
    """Replay the demo grid into `out_dir/demo.duckdb`, print its table, write its report.

    Finished units are reused; the report is rewritten when a unit ran or it is missing.

    Args:
        out_dir: Where `demo.duckdb`, `report.md` and the plots go.
        dataset: The dataset file; None for the bundled one.
        model: A litellm model for every stage (answer and judge on); None for offline.
        api_base: The server `model` is called at.
        limit: Replay the first `limit` test conversations; None for the demo's subset
            (`DEMO_CONVERSATIONS`).
        quiet: No progress bar.
        n_boot: Bootstrap resamples of the intervals.
        out: Where the table and messages go (default stdout).
        api_key: The key `model` is called with (never stored).
        api_key_env: The environment variable the key is read from.
        confirm: Asked before a model other than memlab's is called, when units are left to
            run (`memlab demo` prints the cost estimate and asks); None goes on.

    Raises:
        DatasetError: the dataset file is missing.
        StoreError: another process holds the results file.
        DemoDeclined: `confirm` said no; nothing was replayed.
    """
    from memlab.db.duckdb_store import DuckDbMemoryDb
    from memlab.lab.analysis.findings import findings_text
    from memlab.lab.analysis.report import write_report
    from memlab.lab.running.runner import replay
    from memlab.lab.running.tables import create_tables, finished_units

    write = (out or sys.stdout).write
    experiment = demo_experiment(
        dataset=dataset,
        model=model,
        api_base=api_base,
        limit=limit,
        api_key=api_key,
        api_key_env=api_key_env,
    )
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    db_path, report_path = directory / "demo.duckdb", directory / "report.md"
    models = model or "memlab/offline (rule-based baseline, not an LLM)"
    stages = "answer and judge on" if model else "answer and judge off: recall scores only"
    source = getattr(experiment.dataset, "path", "the dataset")
    first = getattr(experiment.dataset, "limit", None)
    subset = f"the first {first} conversations of " if first else ""
    write(
        f"memlab demo: {len(experiment.variants())} variants on {subset}the test split of "
        f"{source}; model {models}; {stages}\n"
    )
    if first == DEMO_CONVERSATIONS and limit is None:
        write(
            f"(a subset, to stay fast: `memlab demo --limit N` replays the first N test "
            f"conversations, reusing these {first})\n"
        )
    # The runner keeps ledger rows in memory for 2 s between writes (as `replay(db=path)`).
    store = DuckDbMemoryDb(db_path, flush_interval_s=2.0)
    try:
        experiment_id = experiment.experiment_id()
        create_tables(store)
        before = finished_units(store, experiment_id)
        if confirm is not None and model is not None and not model.startswith("memlab/"):
            _confirmed(confirm, experiment, len(before))
        results = replay(experiment, db=store, quiet=quiet)
        units_run = len(finished_units(store, experiment_id) - before)
        summary = results.summary_df(n_boot=n_boot)
        table = summary_table(summary)
        found = findings_text(results, n_boot=n_boot)
        # Units that ended in a model error are retried on every run, so their report too.
        retried = bool((results.units_df()["status"] != "ok").any())
        if units_run or retried or not _report_is_current(report_path, experiment_id):
            write("writing the report and its plots...\n")
            write_report(results, directory, n_boot=n_boot)
        else:
            write("no unit was replayed: the report is current\n")
    finally:
        store.close()
    write("\n" + table.to_string(index=False) + "\n\n" + found + "\n")
    write(_closing(db_path, report_path, model=model, units_run=units_run))
    return DemoResult(db_path, report_path, experiment_id, table, units_run)


def _confirmed(confirm: Confirm, experiment: Experiment, finished: int) -> None:
    from memlab.lab.running.provenance import load_experiment_dataset
    from memlab.lab.running.runner import plan_units

    total = len(plan_units(experiment, load_experiment_dataset(experiment)))
    if total > finished and not confirm(experiment, total - finished, total):
        raise DemoDeclined(
            "memlab demo stopped before calling the model; nothing was spent (run it again "
            "and answer y, or pass --yes)"
        )


def _closing(db_path: Path, report_path: Path, *, model: str | None, units_run: int) -> str:
    lines = [
        f"units replayed now: {units_run} (finished units are reused; the cache answers "
        "repeated model calls)",
        "tokens/probe = build + use. build: extraction, and summaries when the design's recall "
        "reads them, amortized over the probes; use: recall calls + the answer call, or the "
        "context an answerer reads when no answer ran. Summaries no recall reads are shown "
        "as unused in the report, not charged.",
        "The data are synthetic (templated, LoCoMo-length chats); read the scores as a "
        "comparison of designs, not as a benchmark result.",
    ]
    if model is None:
        lines.append(
            "Offline, extraction and summaries are memlab's rule baseline, so the two "
            "extraction prompts may score alike; rerun with a real model, e.g. "
            "`MEMLAB_MODEL=gpt-4o-mini make demo` (or `openai/<name>` with "
            "MEMLAB_API_BASE=http://127.0.0.1:8000/v1 and, for a server without keys, "
            "OPENAI_API_KEY=none), to compare prompts and turn the answer and judge stages on."
        )
    lines += [
        "",
        f"results: {db_path}  (in Python: memlab.lab.open_results({str(db_path)!r}))",
        f"report:  {report_path}  (PNG plots next to it)",
        "notebooks: `make lab` opens JupyterLab on notebooks/ (it installs the notebook "
        "extras first)",
    ]
    return "\n".join(lines) + "\n"
