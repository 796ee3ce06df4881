"""A replay on `processes` that reports each merged shard on stdout (killed by its test)."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from grid import small_grid

from memlab.lab.running import runner
from memlab.lab.running.run_settings import ExecutionSpec

if __name__ == "__main__":
    warnings.simplefilter("ignore")
    merged = runner._Progress.merged

    def report(self: runner._Progress, shard: object) -> None:
        merged(self, shard)  # type: ignore[arg-type]
        print("merged", flush=True)

    runner._Progress.merged = report  # type: ignore[method-assign]
    spec = ExecutionSpec(executor="processes", workers=2, chunk_units=1)
    runner.replay(small_grid(), db=sys.argv[1], quiet=True, concurrency=2, executor=spec)
    print("finished", flush=True)
