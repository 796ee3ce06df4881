"""The replay's progress bar prints token counts as numbers, never in e-notation."""

from __future__ import annotations

import pytest

from memlab.lab.running import runner


def test_a_large_token_count_stays_a_plain_number(capsys: pytest.CaptureFixture[str]) -> None:
    progress = runner._Progress(1, 10, quiet=False)  # the bar is the runner's own detail
    progress.tokens = 1_234_567
    progress.on_probes(3)
    assert progress.bar is not None
    assert "tokens=1,234,567" in progress.bar.postfix and "e+" not in progress.bar.postfix
    progress.close()
    capsys.readouterr()
