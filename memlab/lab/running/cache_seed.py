"""`replay(..., cache_from=FILE)`: answer a replay's model calls from another file's cache.

A researcher reproduces a published grid from its shared cache (a `memlab cache export`
Parquet file, or the results file itself) without an API key. The source is read once and
never written. A request the results file does not cache yet but the source does is answered
from the source, and the answer is copied into the results file's own `llm_cache`, with its
provenance (`llm_cache_provenance.imported_from` names the source), so the file holds every
answer it used and its cached ledger rows join to the cache that served them. A request in
neither cache goes to the model; when that call fails, the error says the request was not in
the shared cache, so a user without a key knows why a model was needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from memlab.db.connection import registered
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.errors import ConfigError, ModelCallError
from memlab.lab.running.ledger import AttributingLedger
from memlab.llm.cache_files import read_cache_source
from memlab.llm.cache_provenance import migrate_cache_provenance, record_provenance
from memlab.llm.client import LLM
from memlab.llm.request import Completion
from memlab.schema import LlmCall, utcnow

__all__ = ["SeededLLM", "SeededLedger", "seeded_ledger"]

_Entry = tuple[str, int | None, int | None, float | None]


def seeded_ledger(db: DuckDbMemoryDb, cache_from: str | Path) -> SeededLedger:
    """A replay ledger on `db` that also answers from the cache in `cache_from`.

    Raises:
        ConfigError: `cache_from` is the results file itself, or not a usable cache export.
        StoreError: `cache_from` is a DuckDB file that cannot be read.
    """
    source = Path(cache_from)
    if str(db.path) != ":memory:" and source.resolve() == Path(db.path).resolve():
        raise ConfigError(
            f"--cache-from {cache_from} is the results file itself, whose cache every replay "
            "already uses; give another results file or a `memlab cache export` file"
        )
    return SeededLedger(db, read_cache_source(source), source=source.name)


class SeededLedger(AttributingLedger):
    """An `AttributingLedger` whose cache misses fall back to another file's entries.

    Args:
        db: The results file.
        seed: The other cache's entries (`memlab.llm.cache_provenance.EXPORT_SCHEMA`).
        source: How the other cache is named in provenance and messages.
    """

    def __init__(self, db: DuckDbMemoryDb, seed: pa.Table, *, source: str) -> None:
        super().__init__(db)
        self.db = db
        self.source = source
        self._seed_table = seed
        self._seed: dict[str, tuple[str, _Entry]] = {
            key: (model, (response, tokens_in, tokens_out, cost))
            for key, model, response, tokens_in, tokens_out, cost in zip(
                *(seed.column(n).to_pylist() for n in _ENTRY_COLUMNS), strict=True
            )
        }
        self._served: list[str] = []
        self._sent: set[str] = set()
        migrate_cache_provenance(db.cursor(), path=str(db.path))

    @property
    def served(self) -> int:
        """Calls answered from the other cache so far (each request once)."""
        return len(self._seed_table) - len(self._seed)

    def cache_get(self, request_hash: str) -> Any:
        """The results file's cached answer, else the other cache's (copied into the file)."""
        hit = super().cache_get(request_hash)
        if hit is not None or request_hash not in self._seed:
            return hit
        model, entry = self._seed.pop(request_hash)
        response, tokens_in, tokens_out, cost = entry
        self.cache_put(
            request_hash,
            model=model,
            response=response,
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            cost_usd=cost,
        )
        self._served.append(request_hash)
        return entry

    def record_llm_call(self, call: LlmCall) -> None:
        """Note the calls that reached neither cache (see `sent_to_model`), then record."""
        if not call.cached:
            self._sent.add(call.call_id)
        super().record_llm_call(call)

    def sent_to_model(self, call_id: str | None) -> bool:
        """True when the call `call_id` was in neither cache, so it needed the model."""
        return call_id is not None and call_id in self._sent

    def forward(self) -> None:
        """Hand rows and entries to the store, with the provenance of entries served since."""
        super().forward()
        served, self._served = self._served, []
        if not served:
            return
        rows = self._seed_table.filter(
            pc.is_in(self._seed_table.column("request_hash"), value_set=pa.array(served))
        )
        self.db.flush()  # the copied entries first, so each provenance row has its entry
        with self.db.transaction() as cur, registered(cur, "_served_cache", rows):
            now = utcnow().replace(tzinfo=None)
            record_provenance(cur, "_served_cache", imported_from=self.source, at=now)

    def miss_note(self, model: str) -> str:
        """Why a failed call needed the model at all, for its error."""
        return (
            f"this request is not in the cache of {self.source} (--cache-from), so it was sent "
            f"to {model}: to answer it, give that model's server and key (--api-base, "
            "--api-key), or replay only what the shared cache covers (its experiment file, "
            "model and dataset)"
        )


_ENTRY_COLUMNS = ("request_hash", "model", "response", "input_tokens", "output_tokens", "cost_usd")


class SeededLLM(LLM):
    """An `LLM` on a `SeededLedger` whose failed calls say they missed the shared cache."""

    async def acomplete(self, messages: Sequence[Mapping[str, Any]], **options: Any) -> Completion:
        """`LLM.acomplete`; a failure of a call in neither cache says so."""
        try:
            return await super().acomplete(messages, **options)
        except ModelCallError as exc:
            ledger = self.db
            if (
                type(exc) is ModelCallError
                and isinstance(ledger, SeededLedger)
                and ledger.sent_to_model(exc.call_id)
            ):
                raise ModelCallError(
                    f"{exc} [{ledger.miss_note(self.model)}]", call_id=exc.call_id
                ) from exc
            raise
