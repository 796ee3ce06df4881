"""What `memlab replay` says before it starts: skipped records, and the `--dry-run` estimate."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from memlab.lab.running.experiment import Experiment

__all__ = ["dry_run", "list_skipped"]


def list_skipped(experiment: Experiment) -> None:
    """Print, once, every record lenient loading skipped, with its path (to stderr).

    Raises:
        DatasetError: the file cannot be read, or (strict) has problems, all of them listed.
    """
    from memlab.lab.data.skipped import skipped_counts, skipped_text
    from memlab.lab.running.provenance import load_experiment_dataset

    dataset = load_experiment_dataset(experiment)
    if not dataset.problems:
        return
    counts = skipped_text(skipped_counts(dataset.problems))
    print(
        f"memlab: dataset loaded leniently, {counts} (`--strict` or `strict = true` under "
        "[dataset] refuses instead):",
        file=sys.stderr,
    )
    for problem in dataset.problems:
        print(f"  - {problem}", file=sys.stderr)


def dry_run(experiment: Experiment, *, db: Path, as_json: bool) -> int:
    """Print the replay's expected calls, tokens and cost per stage; call no model.

    Returns:
        The exit code (0).
    """
    from memlab.lab.running.estimate import estimate_replay, estimate_text

    list_skipped(experiment)  # stderr: the JSON on stdout stays clean
    estimate = estimate_replay(experiment, db=db if db.is_file() else None)
    if as_json:
        print(json.dumps(estimate.to_json(), indent=1))
    else:
        print(estimate_text(estimate), end="")
    return 0
