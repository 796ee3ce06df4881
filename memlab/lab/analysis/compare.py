"""`compare`: the paired difference of one score between two variants, with its interval.

Pairs are the same (conversation, probe, repeat) scored by both variants, so the difference
is not blurred by which probes each variant happened to answer; the interval resamples
conversations (`memlab.lab.analysis.stats`). `memlab.lab.analysis.summary` re-exports both names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from memlab.errors import ConfigError
from memlab.lab.analysis.scorers import SCORERS
from memlab.lab.analysis.stats import cluster_bootstrap

if TYPE_CHECKING:
    from memlab.lab.analysis.summary import ResultsLike

__all__ = ["Comparison", "compare"]


def _scores(probes: pd.DataFrame) -> str:
    return ", ".join(n for n in SCORERS if n in probes.columns) or "none"


@dataclass(frozen=True)
class Comparison:
    """The paired difference `a − b` of one score over the probes both variants scored.

    Attributes:
        score: The score compared.
        a: Variant id of the first variant.
        b: Variant id of the second variant.
        a_label: Its label.
        b_label: Its label.
        n: Paired rows (same conversation, probe and repeat, both ok and scored).
        n_conversations: Conversations they come from.
        mean_a: Mean of `a` over the paired rows.
        mean_b: Mean of `b` over the paired rows.
        diff: `mean_a − mean_b`.
        lo: Low end of the 95% bootstrap interval of `diff`, resampled by conversation.
        hi: High end of that interval.
        a_better: Paired rows where `a` scored higher.
        b_better: Paired rows where `b` scored higher.
    """

    score: str
    a: str
    b: str
    a_label: str
    b_label: str
    n: int
    n_conversations: int
    mean_a: float
    mean_b: float
    diff: float
    lo: float
    hi: float
    a_better: int
    b_better: int

    def __repr__(self) -> str:
        return (
            f"Comparison({self.score}: {self.a_label} − {self.b_label} = {self.diff:+.3f} "
            f"[{self.lo:+.3f}, {self.hi:+.3f}] 95% CI; {self.mean_a:.3f} vs {self.mean_b:.3f} "
            f"on {self.n} paired probes from {self.n_conversations} conversations; "
            f"{self.a_better} better, {self.b_better} worse)"
        )


def _resolve(variants: pd.DataFrame, name: str) -> tuple[str, str]:
    if name in set(variants["variant_id"]):
        row = variants[variants["variant_id"] == name].iloc[0]
        return name, str(row.get("label", name))
    hits = variants[variants["label"] == name] if "label" in variants.columns else variants[:0]
    if len(hits) == 1:
        return str(hits.iloc[0]["variant_id"]), name
    known = ", ".join(f"{r.variant_id} ({r.label})" for r in variants.itertuples())
    why = "is ambiguous" if len(hits) > 1 else "is neither a variant id nor a label"
    raise ConfigError(f"compare: {name!r} {why}; variants: {known}")


def compare(
    results: ResultsLike, a: str, b: str, score: str, *, n_boot: int = 1000, seed: int = 0
) -> Comparison:
    """The paired difference `a − b` of `score` on the probes both variants scored.

    Args:
        results: Anything with the results frames.
        a: A variant id or label.
        b: Another variant id or label.
        score: The score column.
        n_boot: Bootstrap resamples.
        seed: Seed of the bootstrap.

    Raises:
        ConfigError: an unknown or ambiguous variant, or an unknown score.
    """
    variants, probes = results.variants_df(), results.probes_df()
    (va, la), (vb, lb) = _resolve(variants, a), _resolve(variants, b)
    if score not in probes.columns:
        have = _scores(probes)
        raise ConfigError(f"compare: no score column {score!r}; the probes frame has: {have}")
    keys = ["conversation_id", "probe_id", "repeat"]
    ok = probes[(probes["status"] == "ok") & probes[score].notna()]
    left = ok[ok["variant_id"] == va][[*keys, score]]
    right = ok[ok["variant_id"] == vb][[*keys, score]]
    paired = left.merge(right, on=keys, suffixes=("_a", "_b"))
    sa, sb = paired[f"{score}_a"].to_numpy(float), paired[f"{score}_b"].to_numpy(float)
    diff = sa - sb
    lo, hi = cluster_bootstrap(diff, paired["conversation_id"].to_numpy(), n_boot=n_boot, seed=seed)
    nan = float("nan")
    return Comparison(
        score=score,
        a=va,
        b=vb,
        a_label=la,
        b_label=lb,
        n=len(paired),
        n_conversations=int(paired["conversation_id"].nunique()),
        mean_a=float(sa.mean()) if len(sa) else nan,
        mean_b=float(sb.mean()) if len(sb) else nan,
        diff=float(diff.mean()) if len(diff) else nan,
        lo=lo,
        hi=hi,
        a_better=int((diff > 0).sum()),
        b_better=int((diff < 0).sum()),
    )
