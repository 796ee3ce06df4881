"""The probe viewer: a leaderboard, probes, a two-design diff and memory timelines in a page.

`view_page(results)` renders the page: a small index read first, and chunks of conversations
loaded on demand, inline (one self-contained file) or as files beside it (`chunks.py`,
`page.py`). `ViewServer` serves it on 127.0.0.1 (`memlab view`); `memlab report --html`
writes it; `Results.view()` shows it in a notebook.
"""

from __future__ import annotations

from memlab.lab.analysis.results import Results
from memlab.lab.data.dataset import Dataset
from memlab.lab.view.chunks import ViewIndex, split_view
from memlab.lab.view.models import ViewData
from memlab.lab.view.page import ViewPage, render_page
from memlab.lab.view.payload import build_view_data
from memlab.lab.view.server import ViewServer

__all__ = [
    "ViewData",
    "ViewIndex",
    "ViewPage",
    "ViewServer",
    "build_view_data",
    "render_page",
    "split_view",
    "view_page",
]


def view_page(
    results: Results, *, dataset: Dataset | None = None, n_boot: int = 1000, seed: int = 0
) -> ViewPage:
    """The viewer page of `results`' experiment.

    Args:
        results: The experiment's results.
        dataset: Its conversations; None loads them from the path in the experiment's config.
        n_boot: Bootstrap resamples of the leaderboard's intervals.
        seed: Seed of the bootstrap.
    """
    data = build_view_data(results, dataset=dataset, n_boot=n_boot, seed=seed)
    return ViewPage.of(data)
