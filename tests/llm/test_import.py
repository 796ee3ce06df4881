"""Import costs nothing and touches no network; token counting works in a fresh process."""

from __future__ import annotations

import subprocess
import sys


def run_fresh(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "", "HF_HUB_OFFLINE": "1", "MEMLAB_BLOCK_NETWORK": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_importing_memlab_does_not_import_litellm() -> None:
    code = "import sys, memlab.memory, memlab.llm, memlab.manager; print('litellm' in sys.modules)"
    assert run_fresh(code) == "False"


def test_token_counting_in_a_fresh_process_needs_no_download() -> None:
    # No LITELLM_LOCAL_MODEL_COST_MAP in the environment: memlab sets it before importing litellm.
    assert (
        run_fresh("from memlab.tokens import count_tokens; print(count_tokens('hello world'))")
        == "2"
    )
