"""What a results file records about how it was made, so a number can be reproduced.

The dataset's sha256 (of the file, or of the canonical JSON of an in-memory dataset) and its
counts, memlab's version, every prompt's name, version and text hash, every model per stage,
the category map (the dataset's category → the source's own id, e.g. LoCoMo's 1-5), and the
seed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import platform
from pathlib import Path
from typing import Any

from memlab.lab.data.dataset import Dataset
from memlab.lab.data.locomo import LOCOMO_CATEGORIES
from memlab.lab.data.skipped import skipped_counts
from memlab.lab.running.api_keys import key_record
from memlab.lab.running.experiment import DatasetRef, Experiment, file_sha256

__all__ = ["LOCOMO_CATEGORIES", "dataset_sha256", "load_experiment_dataset", "provenance"]


def dataset_sha256(experiment: Experiment, dataset: Dataset) -> str:
    """The sha256 of the dataset file, or of the in-memory dataset's canonical JSON."""
    if isinstance(experiment.dataset, DatasetRef):
        return file_sha256(experiment.dataset.path)
    return hashlib.sha256(dataset.model_dump_json().encode()).hexdigest()


# The last file read, so `memlab replay` can list a file's problems before the replay starts
# and the runner then reads it again for free (a LongMemEval-S file takes seconds to parse).
_LAST: list[tuple[tuple[Any, ...], Dataset]] = []


def _read(ref: DatasetRef) -> Dataset:
    """The whole file (of the split), read leniently; the same object for the same file."""
    from memlab.lab.data.dataset_io import load_dataset

    path = Path(ref.path)
    stat = path.stat() if path.is_file() else None
    key = (str(path.resolve()), stat and (stat.st_size, stat.st_mtime_ns), ref.format, ref.split)
    if _LAST and _LAST[0][0] == key:
        return _LAST[0][1]
    kind: Any = ref.format  # checked against FORMATS by load_dataset
    dataset = load_dataset(ref.path, format=kind, split=ref.split, strict=False)
    _LAST[:] = [(key, dataset)]
    return dataset


def _strict(ref: DatasetRef) -> bool:
    if ref.strict is not None:
        return ref.strict
    from memlab.lab.data.dataset_io import detect_format

    return (detect_format(ref.path) if ref.format == "auto" else ref.format) == "native"


def load_experiment_dataset(experiment: Experiment) -> Dataset:
    """The conversations the experiment replays: its split, seeded sample and limit applied.

    A file's problems are refused or skipped as `[dataset] strict` says (by default LoCoMo
    and LongMemEval files are loaded leniently, native files strictly). What was skipped in
    the conversations replayed (or in conversations skipped whole) is on `Dataset.problems`.

    Raises:
        DatasetError: the file cannot be read, or (strict) has problems, all of them listed.
    """
    import random

    from memlab.lab.data.validate import problems_error

    ref = experiment.dataset
    if isinstance(ref, Dataset):
        return ref
    dataset = _read(ref)
    conversations = list(dataset.conversations)
    if ref.sample is not None and ref.sample < len(conversations):
        keep = set(random.Random(ref.seed).sample(range(len(conversations)), ref.sample))
        conversations = [c for i, c in enumerate(conversations) if i in keep]
    if ref.limit is not None:
        conversations = conversations[: ref.limit]
    left_out = {c.id for c in dataset.conversations} - {c.id for c in conversations}
    problems = [p for p in dataset.problems if p.conversation_id not in left_out]
    if problems and _strict(ref):
        advice = (
            "drop `--strict` / set `strict = false` under [dataset]"
            if ref.strict
            else "set `strict = false` under [dataset]"
        )
        raise problems_error(ref.path, problems, advice=advice)
    return dataset.model_copy(update={"conversations": conversations, "problems": problems})


def _prompts() -> list[dict[str, str]]:
    from memlab.llm.prompt import PROMPTS, get_prompt

    get_prompt("answer")  # loads the built-in prompts
    return [
        {
            "name": p.name,
            "version": p.version,
            "sha256": hashlib.sha256((p.system + "\n" + p.user).encode()).hexdigest()[:16],
        }
        for p in sorted(PROMPTS.values(), key=lambda p: p.name)
    ]


def provenance(experiment: Experiment, dataset: Dataset) -> dict[str, Any]:
    """The provenance record stored with the experiment."""
    categories: dict[str, str | None] = {}
    per_category: dict[str, int] = {}
    for c in dataset.conversations:
        for p in c.probes:
            categories.setdefault(p.category, p.category_id)
            per_category[p.category] = per_category.get(p.category, 0) + 1
    try:
        version = importlib.metadata.version("memlab")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    models = experiment.models()
    return {
        "dataset": {
            "name": dataset.name,
            "version": dataset.version,
            "license": dataset.license,
            "source": dataset.source,
            "path": experiment.dataset.path if isinstance(experiment.dataset, DatasetRef) else None,
            "sha256": dataset_sha256(experiment, dataset),
            "conversations": len(dataset.conversations),
            "sessions": sum(len(c.sessions) for c in dataset.conversations),
            "turns": sum(c.turn_count() for c in dataset.conversations),
            "probes": dataset.probe_count(),
            "probes_per_category": dict(sorted(per_category.items())),
            "synthetic": "synthetic" in dataset.name,
            # What lenient loading left out, so the report can say so without the file.
            "skipped": skipped_counts(dataset.problems),
            "problems": [str(p) for p in dataset.problems],
        },
        "memlab_version": version,
        "python": platform.python_version(),
        "prompts": _prompts(),
        "models": models,
        "api_key": key_record(experiment),
        "baseline_only": all(m.startswith("memlab/") for ms in models.values() for m in ms),
        "category_map": dict(sorted(categories.items())),
        "locomo_categories": LOCOMO_CATEGORIES,
        "seed": experiment.seed,
        "repeats": experiment.repeats,
        "scores": experiment.scores,
    }


def canonical(data: Any) -> str:
    """Canonical JSON text (sorted keys), for the stored records."""
    return json.dumps(data, sort_keys=True, default=str)
