"""Build the viewer's document (`ViewData`) from a results file and its dataset.

The questions, gold answers and evidence are not in the results file: they come from the
dataset the experiment names (loaded again from its path) or from the caller. Turn texts
come from that dataset too, or without it from the messages the replay stored; recalled
items and memory histories come from the experiment's namespaces (`store.py`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from memlab.errors import MemlabError
from memlab.lab.analysis.frontiers import frontiers
from memlab.lab.analysis.results import Results
from memlab.lab.analysis.summary import default_score, score_names
from memlab.lab.data.dataset import Dataset
from memlab.lab.view.models import Design, Interval, ProbeInfo, ProbeResult, TurnInfo, ViewData
from memlab.lab.view.store import ExperimentStore, as_list

__all__ = ["build_view_data", "experiment_dataset"]


def experiment_dataset(results: Results) -> tuple[Dataset | None, str | None]:
    """Load the conversations the experiment replayed, from the path in its config.

    Returns:
        The dataset, or None with a note saying why it could not be loaded (an experiment
        built around an in-memory dataset, or a file that moved).
    """
    from memlab.lab.running.experiment import build_experiment
    from memlab.lab.running.provenance import load_experiment_dataset

    config = results.config()
    ref = config.get("dataset") or {}
    if ref.get("in_memory") or not ref.get("path"):
        return None, (
            "the experiment's dataset was built in memory; pass it to see questions and answers"
        )
    try:
        return load_experiment_dataset(build_experiment(config)), None
    except (MemlabError, OSError) as exc:
        return None, f"could not load the dataset {ref.get('path')!r}: {exc}"


def build_view_data(
    results: Results, *, dataset: Dataset | None = None, n_boot: int = 1000, seed: int = 0
) -> ViewData:
    """Collect everything the viewer shows about `results`' experiment.

    Args:
        results: The experiment's results (opened read-only is enough).
        dataset: Its conversations; None loads them from the path in the experiment's config.
        n_boot: Bootstrap resamples of the leaderboard's intervals.
        seed: Seed of the bootstrap.
    """
    notes: list[str] = []
    if dataset is None:
        dataset, note = experiment_dataset(results)
        if note:
            notes.append(note)
    provenance = results.provenance()
    if provenance.get("baseline_only"):
        notes.append("every model call went to memlab/offline, a rule-based baseline, not an LLM")
    summary = results.summary_df(n_boot=n_boot, seed=seed)
    score = default_score(summary)
    scores = score_names(summary)
    on_frontier = {s: set(ids) for s, ids in frontiers(summary, scores=scores).items()}
    store = ExperimentStore(results)
    turns = _turns(dataset) if dataset is not None else store.turns_from_messages()
    store.use_turns(turns)
    return ViewData(
        experiment_id=results.experiment_id,
        name=results.name,
        baseline_only=bool(provenance.get("baseline_only")),
        dataset=str((provenance.get("dataset") or {}).get("name") or "?"),
        score=score,
        scores=scores,
        designs=[_design(row, scores, on_frontier, score) for row in summary.to_dict("records")],
        probes=_probes(dataset),
        turns=turns,
        results=[_result(row, scores, store) for row in results.probes_df().to_dict("records")],
        items=store.items,
        timelines=store.timelines(),
        notes=notes,
    )


def _num(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return float(value)


def _design(
    row: Mapping[Hashable, Any], scores: list[str], on_frontier: dict[str, set[str]], score: str
) -> Design:
    vid = str(row["variant_id"])
    return Design(
        variant_id=str(row["variant_id"]),
        label=str(row["label"]),
        ingest_id=str(row.get("ingest_id") or ""),
        scores={
            s: Interval(
                mean=_num(row.get(s)),
                lo=_num(row.get(f"{s}_lo")),
                hi=_num(row.get(f"{s}_hi")),
                n=int(row.get(f"{s}_n") or 0),
            )
            for s in scores
        },
        n_probes=int(row["n_probes"]),
        n_errors=int(row["n_errors"]),
        tokens_per_probe=_num(row.get("tokens_per_probe")),
        context_tokens_per_probe=_num(row.get("context_tokens_per_probe")),
        pareto=vid in on_frontier[score],
        pareto_scores=[s for s in scores if vid in on_frontier[s]],
    )


def _probes(dataset: Dataset | None) -> list[ProbeInfo]:
    if dataset is None:
        return []
    return [
        ProbeInfo(
            conversation_id=c.id,
            probe_id=p.id,
            question=p.question,
            answers=list(p.answers),
            evidence=list(p.evidence),
            category=p.category,
            abstention=p.abstention,
        )
        for c in dataset.conversations
        for p in c.probes
    ]


def _turns(dataset: Dataset | None) -> dict[str, dict[str, TurnInfo]]:
    out: dict[str, dict[str, TurnInfo]] = {}
    for c in dataset.conversations if dataset else []:
        out[c.id] = {
            t.id: TurnInfo(
                speaker=t.speaker,
                text=t.text,
                session=s.id,
                date=(t.at or s.started_at).isoformat(),
            )
            for s in c.sessions
            for t in s.turns
        }
    return out


def _result(row: Mapping[Hashable, Any], scores: list[str], store: ExperimentStore) -> ProbeResult:
    cid = str(row["conversation_id"])
    ids = [str(i) for i in (row["recalled_ids"] if row["recalled_ids"] is not None else [])]
    tokens = _num(row.get("context_tokens"))
    recalled = [store.recalled(cid, i) for i in ids]
    turn_ids = [str(t) for t in as_list(row.get("recalled_turn_ids"))]
    context = row.get("context")
    # What the items already say is left out: the page rebuilds it (viewer.js).
    if turn_ids == [t for i in recalled for t in store.items[i].turn_ids]:
        turn_ids_or_none: list[str] | None = None
    else:
        turn_ids_or_none = turn_ids
    if recalled and context == "\n".join(store.items[i].text or "\0" for i in recalled):
        context = None
    return ProbeResult(
        variant_id=str(row["variant_id"]),
        conversation_id=cid,
        probe_id=str(row["probe_id"]),
        repeat=int(row["repeat"]),
        status=str(row["status"]),
        error=row.get("error"),
        scores={s: _num(row.get(s)) for s in scores},
        recalled=recalled,
        recalled_turn_ids=turn_ids_or_none,
        context=context,
        context_tokens=None if tokens is None else int(tokens),
        answer=row.get("answer"),
        judge_model=row.get("judge_model"),
    )
