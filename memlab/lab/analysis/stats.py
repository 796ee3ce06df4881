"""Bootstrap intervals resampled by conversation, the one resampling scheme of the lab.

Probes of one conversation share a memory state, so they are not independent draws: an
interval that resamples probes would be too narrow. Both `summarize` and `compare` resample
whole conversations (a cluster bootstrap) and take the percentile interval of the ratio
"sum of resampled scores / number of resampled scores", with a seeded numpy `Generator` so
a table is the same on every run and machine.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["cluster_bootstrap", "cluster_bootstrap_macro", "percentile"]

LEVEL = 0.95
"""The coverage of every interval the lab reports."""


def cluster_bootstrap(
    values: npt.ArrayLike, clusters: npt.ArrayLike, *, n_boot: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """The 95% percentile bootstrap interval of the mean of `values`, resampling clusters.

    Args:
        values: One number per scored probe (no NaN).
        clusters: The conversation id of each value.
        n_boot: Number of resamples.
        seed: Seed of the `numpy.random.Generator`; the same inputs and seed give the same
            interval.

    Returns:
        (low, high); (NaN, NaN) when there are fewer than two clusters (nothing to resample
        between) or `n_boot` is 0.
    """
    vals = np.asarray(values, dtype=float)
    _, inverse = np.unique(np.asarray(clusters).astype(str), return_inverse=True)
    n_clusters = int(inverse.max()) + 1 if inverse.size else 0
    if n_clusters < 2 or n_boot <= 0:
        return float("nan"), float("nan")
    sums = np.bincount(inverse, weights=vals, minlength=n_clusters)
    counts = np.bincount(inverse, minlength=n_clusters).astype(float)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n_clusters, size=(n_boot, n_clusters))
    means = sums[picks].sum(axis=1) / counts[picks].sum(axis=1)
    tail = (1 - LEVEL) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


def cluster_bootstrap_macro(
    values: npt.ArrayLike,
    clusters: npt.ArrayLike,
    groups: npt.ArrayLike,
    *,
    n_boot: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """The 95% interval of the mean of per-group means (macro average), resampling clusters.

    Each resample draws conversations with replacement, recomputes every category's mean over
    the drawn conversations (a category absent from the draw is left out of that resample's
    average), and averages the category means.

    Args:
        values: One number per scored probe (no NaN).
        clusters: The conversation id of each value.
        groups: The category of each value.
        n_boot: Number of resamples.
        seed: Seed of the `numpy.random.Generator`.

    Returns:
        (low, high); (NaN, NaN) with fewer than two clusters or `n_boot` 0.
    """
    vals = np.asarray(values, dtype=float)
    _, c_idx = np.unique(np.asarray(clusters).astype(str), return_inverse=True)
    _, g_idx = np.unique(np.asarray(groups).astype(str), return_inverse=True)
    n_clusters = int(c_idx.max()) + 1 if c_idx.size else 0
    if n_clusters < 2 or n_boot <= 0:
        return float("nan"), float("nan")
    n_groups = int(g_idx.max()) + 1
    sums = np.zeros((n_clusters, n_groups))
    counts = np.zeros((n_clusters, n_groups))
    np.add.at(sums, (c_idx, g_idx), vals)
    np.add.at(counts, (c_idx, g_idx), 1.0)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, n_clusters, size=(n_boot, n_clusters))
    drawn_n = counts[picks].sum(axis=1)  # (n_boot, n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        group_means = sums[picks].sum(axis=1) / drawn_n
    group_means[drawn_n == 0] = np.nan
    macro = np.nanmean(group_means, axis=1)
    tail = (1 - LEVEL) / 2
    low, high = np.quantile(macro, [tail, 1 - tail])
    return float(low), float(high)


def percentile(values: npt.ArrayLike, q: float) -> float:
    """The `q`-th percentile (0-100) of the non-NaN `values`; NaN when there are none."""
    vals = np.asarray(values, dtype=float)
    vals = vals[~np.isnan(vals)]
    return float(np.percentile(vals, q)) if vals.size else float("nan")
