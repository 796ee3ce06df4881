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
from typing import Any

from memlab.lab.data.dataset import Dataset
from memlab.lab.data.locomo import LOCOMO_CATEGORIES
from memlab.lab.running.api_keys import key_record
from memlab.lab.running.experiment import DatasetRef, Experiment, file_sha256

__all__ = ["LOCOMO_CATEGORIES", "dataset_sha256", "load_experiment_dataset", "provenance"]


def dataset_sha256(experiment: Experiment, dataset: Dataset) -> str:
    """The sha256 of the dataset file, or of the in-memory dataset's canonical JSON."""
    if isinstance(experiment.dataset, DatasetRef):
        return file_sha256(experiment.dataset.path)
    return hashlib.sha256(dataset.model_dump_json().encode()).hexdigest()


def load_experiment_dataset(experiment: Experiment) -> Dataset:
    """The conversations the experiment replays: its split, seeded sample and limit applied."""
    import random

    ref = experiment.dataset
    if isinstance(ref, Dataset):
        return ref
    from memlab.lab.data.dataset_io import load_dataset

    dataset = load_dataset(ref.path, format=ref.format, split=ref.split)  # type: ignore[arg-type]
    conversations = list(dataset.conversations)
    if ref.sample is not None and ref.sample < len(conversations):
        keep = set(random.Random(ref.seed).sample(range(len(conversations)), ref.sample))
        conversations = [c for i, c in enumerate(conversations) if i in keep]
    if ref.limit is not None:
        conversations = conversations[: ref.limit]
    return dataset.model_copy(update={"conversations": conversations})


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
