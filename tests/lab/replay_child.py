"""A replay run in a subprocess that kills itself (SIGKILL) after N committed units.

Used by test_runner_resume.py: `python replay_child.py DB N_KILL_AFTER`; N=0 never kills.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from replay_fixtures import resume_experiment

from memlab.lab.running import runner

db, kill_after = sys.argv[1], int(sys.argv[2])
commits = 0
real_commit = runner.commit_unit


def commit_then_maybe_die(*args: object, **kwargs: object) -> None:
    """Commit, and after the N-th commit die at once, with other units half-done."""
    global commits
    real_commit(*args, **kwargs)  # type: ignore[arg-type]
    commits += 1
    if kill_after and commits >= kill_after:
        os.kill(os.getpid(), signal.SIGKILL)


runner.commit_unit = commit_then_maybe_die  # type: ignore[assignment]
runner.replay(resume_experiment(), db=db, quiet=True, concurrency=2)
print("finished")
