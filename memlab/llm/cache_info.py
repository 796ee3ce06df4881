"""What a shared response cache holds: models, servers, prompts, versions, origins, cost.

`describe_cache` reads a `memlab cache export` file (or a results file) and sums up the
provenance of its entries, so a researcher can see what a published cache can replay before
using it (`memlab cache info FILE`).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pyarrow.compute as pc
from pydantic import BaseModel

from memlab.llm.cache_files import read_cache_source

__all__ = ["CacheInfo", "describe_cache"]


class CacheInfo(BaseModel):
    """A summary of a shared response cache."""

    path: str
    """The file described."""
    entries: int
    """Cached answers."""
    models: dict[str, int]
    """Entries per model string."""
    hosts: dict[str, int]
    """Entries per server host: "(in process)" for memlab's offline model, "(provider's
    own)" when no api_base was used."""
    prompts: dict[str, int]
    """Entries per prompt (`name@version`; "(unknown)" when the ledger did not name one)."""
    memlab_versions: dict[str, int]
    """Entries per memlab version that first exported them."""
    exported_from: dict[str, int]
    """Entries per file they were first exported from."""
    first_created: datetime | None
    """When the oldest answer was first received."""
    last_created: datetime | None
    """When the newest answer was first received."""
    input_tokens: int
    """Input tokens the original calls used (where reported)."""
    output_tokens: int
    """Output tokens the original calls used (where reported)."""
    cost_usd: float | None
    """What the original calls cost, summed over the entries whose cost is known."""
    cost_unknown: int
    """Entries whose cost is unknown (a model litellm has no price for)."""

    def text(self) -> str:
        """The summary as lines for a terminal."""
        lines = [f"{self.path}: {self.entries} cached model answers"]
        if self.first_created and self.last_created:
            lines.append(
                f"  answered {self.first_created:%Y-%m-%d} .. {self.last_created:%Y-%m-%d}"
            )
        for title, counts in (
            ("models", self.models),
            ("servers", self.hosts),
            ("prompts", self.prompts),
            ("memlab versions", self.memlab_versions),
            ("exported from", self.exported_from),
        ):
            lines.append(f"  {title}: " + ", ".join(f"{k} ({n})" for k, n in counts.items()))
        cost = "unknown" if self.cost_usd is None else f"${self.cost_usd:.4f}"
        unknown = f" ({self.cost_unknown} entries without a price)" if self.cost_unknown else ""
        lines.append(
            f"  original calls: {self.input_tokens:,} input + {self.output_tokens:,} output "
            f"tokens, cost {cost}{unknown}"
        )
        return "\n".join(lines)


def describe_cache(path: str | Path) -> CacheInfo:
    """Summarize the cache in `path` (a Parquet export or a DuckDB results file).

    Raises:
        ConfigError: a Parquet file that is not a usable cache export.
        StoreError: a DuckDB file whose cache cannot be read.
    """
    table = read_cache_source(path)

    def counts(column: str, missing: str) -> dict[str, int]:
        found = Counter(v if v is not None else missing for v in table.column(column).to_pylist())
        return dict(found.most_common())

    created = table.column("created_at")
    costs = table.column("cost_usd")
    known = costs.length() - costs.null_count
    return CacheInfo(
        path=str(path),
        entries=table.num_rows,
        models=counts("model", "(unknown)"),
        hosts=_hosts(table.column("model").to_pylist(), table.column("api_base_host").to_pylist()),
        prompts=counts("prompt", "(unknown)"),
        memlab_versions=counts("memlab_version", "(unknown)"),
        exported_from=counts("exported_from", "(unknown)"),
        first_created=pc.min(created).as_py(),
        last_created=pc.max(created).as_py(),
        input_tokens=int(pc.sum(table.column("input_tokens")).as_py() or 0),
        output_tokens=int(pc.sum(table.column("output_tokens")).as_py() or 0),
        cost_usd=float(pc.sum(costs).as_py() or 0.0) if known else None,
        cost_unknown=costs.null_count,
    )


def _hosts(models: list[str], hosts: list[str | None]) -> dict[str, int]:
    found = Counter(
        host or ("(in process)" if model.startswith("memlab/") else "(provider's own)")
        for model, host in zip(models, hosts, strict=True)
    )
    return dict(found.most_common())
