"""Time to load recorded conversations: the bundled dataset and a LoCoMo-sized file.

The LoCoMo-sized file is synthetic (memlab.testing.locomo_file: LoCoMo's format and quirks,
templated text, never LoCoMo's own), about 6,000 turns and 2,000 questions like the real
`locomo10.json`. Each load is timed over several repeats (best and median), strict and lenient,
plus the native JSONL the LoCoMo file converts to.

    .venv/bin/python benchmarks/datasets.py [--bundled datasets/FILE.jsonl] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from memlab.lab import Dataset, load_dataset, save_dataset
from memlab.testing.locomo_file import write_locomo_like


def timed(label: str, load: Callable[[], Dataset], repeat: int) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        dataset = load()
        times.append(time.perf_counter() - start)
    turns = sum(c.turn_count() for c in dataset.conversations)
    print(
        f"{label:<44} {len(dataset.conversations):>4} conv {turns:>6} turns "
        f"{dataset.probe_count():>5} probes {len(dataset.problems):>3} problems   "
        f"best {min(times) * 1000:7.1f} ms  median {statistics.median(times) * 1000:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundled", type=Path, default=None, help="the bundled dataset file")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    bundled = args.bundled or next(iter(sorted(Path("datasets").glob("*.jsonl"))), None)
    with tempfile.TemporaryDirectory() as tmp:
        locomo = write_locomo_like(Path(tmp) / "locomo_like.json")
        size = locomo.stat().st_size / 1e6
        print(f"LoCoMo-sized synthetic file: {size:.1f} MB")
        timed("locomo-like (lenient)", lambda: load_dataset(locomo, strict=False), args.repeat)
        native = save_dataset(load_dataset(locomo, strict=False), Path(tmp) / "locomo.jsonl")
        print(f"as native JSONL: {native.stat().st_size / 1e6:.1f} MB")
        timed("locomo-like as native JSONL (strict)", lambda: load_dataset(native), args.repeat)
        timed("  ... limit=1", lambda: load_dataset(native, limit=1), args.repeat)
    if bundled is None or not bundled.is_file():
        print("bundled dataset: not found (pass --bundled PATH)")
        return
    print(f"bundled: {bundled} ({bundled.stat().st_size / 1e6:.1f} MB)")
    timed(f"{bundled.name} (strict)", lambda: load_dataset(bundled), args.repeat)
    timed(f"{bundled.name} split=test", lambda: load_dataset(bundled, split="test"), args.repeat)


if __name__ == "__main__":
    main()
