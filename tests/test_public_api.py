"""The top-level surface changes only on purpose: this test pins it."""

import subprocess
import sys

import memlab


def test_top_level_exports_are_pinned() -> None:
    assert sorted(memlab.__all__) == sorted(
        [
            "LLM",
            "ConfigError",
            "DuckDbMemoryDb",
            "MemlabError",
            "Memory",
            "MemoryDb",
            "MemoryManager",
            "MemoryOp",
            "Message",
            "ModelCallError",
            "Run",
            "SessionSummarizer",
            "SessionSummary",
            "Usage",
            "UserMemory",
        ]
    )
    for name in memlab.__all__:
        assert getattr(memlab, name) is not None


def test_import_loads_neither_litellm_nor_torch() -> None:
    # Importing memlab must stay cheap and offline: litellm (3.5 s, network by default) and
    # torch load only when a model or the neural embedder is first used.
    code = (
        "import sys, memlab\n"
        "print(sorted(m for m in ('litellm', 'torch', 'model2vec') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr


def test_the_lab_exports_the_cost_estimate() -> None:
    import memlab.lab
    from memlab.lab.running.estimate import Estimate, estimate_replay

    assert memlab.lab.estimate_replay is estimate_replay
    assert memlab.lab.Estimate is Estimate
    assert {"estimate_replay", "Estimate", "replay"} <= set(memlab.lab.__all__)
