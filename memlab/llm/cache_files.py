"""Read a shared response cache: a Parquet export, checked, or a results file's cache.

`read_cache_file` reads a `memlab cache export` file and refuses a damaged, foreign or newer
one with a message that says which and what to do; `read_store_entries` reads the cache of a
DuckDB results or store file (attached read-only) with each entry's provenance;
`read_cache_source` takes either, for `memlab replay --cache-from` and `memlab cache info`.
All return the export's columns (`memlab.llm.cache_provenance.EXPORT_SCHEMA`).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from memlab.db.damage import check_header
from memlab.db.versions import memlab_version
from memlab.errors import ConfigError, StoreError
from memlab.llm.cache_provenance import (
    CACHE_FORMAT,
    CACHE_FORMAT_KEY,
    CACHE_FORMAT_VERSION,
    EXPORT_SCHEMA,
)
from memlab.schema import utcnow

__all__ = ["is_parquet", "read_cache_file", "read_cache_source", "read_store_entries"]

_MAGIC = b"PAR1"


def is_parquet(path: str | Path) -> bool:
    """True when the file starts with Parquet's magic bytes."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(4) == _MAGIC
    except OSError:
        return False


# ------------------------------------------------------------------------------ reading
def read_cache_file(path: str | Path) -> pa.Table:
    """Read and check a cache exported by `export_cache`.

    Raises:
        ConfigError: the file is missing, not Parquet, damaged, not a memlab cache export, or
            from a newer memlab; the message says which and what to do.
    """
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"{path}: no such cache file (make one with `memlab cache export`)")
    try:
        handle = pq.ParquetFile(file)
        metadata = handle.schema_arrow.metadata or {}
    except (pa.ArrowException, OSError) as exc:
        raise ConfigError(
            f"{path}: not a readable Parquet file ({str(exc).strip().splitlines()[0]}); it may "
            "be damaged or cut short in transfer: fetch it again, or export it again with "
            "`memlab cache export`"
        ) from exc
    tag = metadata.get(CACHE_FORMAT_KEY)
    if tag is None:
        raise ConfigError(
            f"{path}: a Parquet file, but not a memlab cache export (its metadata has no "
            f"{CACHE_FORMAT_KEY.decode()}); give a file written by `memlab cache export`"
        )
    name, _, version = tag.partition(b"/")
    if name != CACHE_FORMAT or not version.isdigit():
        raise ConfigError(f"{path}: unknown cache format {tag.decode(errors='replace')!r}")
    if int(version) > CACHE_FORMAT_VERSION:
        raise ConfigError(
            f"{path}: cache format version {int(version)} is newer than this memlab reads "
            f"({CACHE_FORMAT_VERSION}); upgrade memlab (pip install -U memlab) to use it"
        )
    try:
        table = handle.read()
    except (pa.ArrowException, OSError) as exc:
        raise ConfigError(
            f"{path}: its rows could not be read ({str(exc).strip().splitlines()[0]}); the file "
            "is damaged: fetch it again, or export it again with `memlab cache export`"
        ) from exc
    return _checked(table, str(path))


def _checked(table: pa.Table, where: str) -> pa.Table:
    missing = [n for n in EXPORT_SCHEMA.names if n not in table.column_names]
    if missing:
        raise ConfigError(
            f"{where}: not a complete memlab cache export: columns {', '.join(missing)} are "
            "missing; export it again with `memlab cache export`"
        )
    try:
        table = table.select(EXPORT_SCHEMA.names).cast(EXPORT_SCHEMA)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise ConfigError(f"{where}: a column has the wrong type ({exc})") from exc
    for name in ("request_hash", "model", "response", "created_at"):
        if table.column(name).null_count:
            raise ConfigError(f"{where}: {name} is empty in some rows; the file is not usable")
    keys = Counter(table.column("request_hash").to_pylist())
    twice = [k for k, n in keys.items() if n > 1]
    if twice:
        raise ConfigError(
            f"{where}: request {twice[0]} appears {keys[twice[0]]} times ({len(twice)} repeated "
            "requests in all); a cache export holds each request once"
        )
    for key, response in zip(
        table.column("request_hash").to_pylist(),
        table.column("response").to_pylist(),
        strict=True,
    ):
        try:
            ok = isinstance(json.loads(response), dict)
        except json.JSONDecodeError:
            ok = False
        if not ok:
            raise ConfigError(
                f"{where}: the cached response of request {key} is not a JSON object, so the "
                "file was not written by memlab or was altered; nothing was imported"
            )
    return table


def read_store_entries(path: str | Path, *, model: str | None = None) -> pa.Table:
    """The cached answers of a DuckDB results or store file, with provenance (export columns).

    The file is attached read-only. An entry that came from another file keeps the provenance
    recorded when it was imported; the file's own entries are described now.

    Raises:
        StoreError: the file is missing, not a DuckDB file, held by another process, or holds
            no response cache.
    """
    file = Path(path)
    if not file.is_file():
        raise StoreError(f"{path}: no such results file")
    check_header(file)
    con = duckdb.connect(":memory:")
    try:
        try:
            con.execute("ATTACH ? AS src (READ_ONLY)", [str(file)])
            tables = {r[0] for r in con.execute(_TABLES_SQL).fetchall()}
        except duckdb.Error as exc:
            raise StoreError(
                f"{path}: could not be opened read-only ({str(exc).strip().splitlines()[0]}); "
                "if a replay is writing it, wait until it ends"
            ) from exc
        if "llm_cache" not in tables:
            raise StoreError(f"{path}: holds no response cache (no llm_cache table)")
        sql, params = _export_query(tables, file.name, model)
        try:
            found: pa.Table = con.sql(sql, params=params).to_arrow_table()
        except duckdb.Error as exc:
            raise StoreError(
                f"{path}: its response cache could not be read ({str(exc).strip().splitlines()[0]})"
            ) from exc
    finally:
        con.close()
    return found.cast(EXPORT_SCHEMA)


_TABLES_SQL = "SELECT table_name FROM duckdb_tables() WHERE database_name = 'src'"


def _export_query(tables: set[str], name: str, model: str | None) -> tuple[str, list[Any]]:
    columns = "c.request_hash, c.model, c.response, c.input_tokens, c.output_tokens, c.cost_usd"
    # What the ledger knows of each request: the prompt, and the server of the experiment
    # whose unit made the call (memlab's offline model runs in process: no host).
    ledger = "SELECT NULL::VARCHAR AS request_hash, NULL AS prompt, NULL AS host WHERE false"
    if "llm_calls" in tables:
        host = "NULL"
        join = ""
        if "lab_experiments" in tables:
            url = "json_extract_string(e.config_json, '$.api_base')"
            host = f"regexp_extract({url}, '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)', 1)"
            join = " LEFT JOIN src.lab_experiments e USING (experiment_id)"
        ledger = (
            "SELECT request_hash, any_value(prompt_name || '@' || prompt_version) AS prompt,"
            f" any_value(NULLIF({host}, '')) AS host FROM src.llm_calls{join}"
            " GROUP BY request_hash"
        )
    imported = "SELECT NULL::VARCHAR AS request_hash, NULL AS prompt, NULL AS api_base_host,"
    imported += " NULL AS memlab_version, NULL AS exported_from WHERE false"
    if "llm_cache_provenance" in tables:
        imported = "SELECT * FROM src.llm_cache_provenance"
    sql = (
        f"SELECT {columns}, c.created_at, coalesce(p.prompt, l.prompt) AS prompt,"
        " CASE WHEN p.request_hash IS NOT NULL THEN p.api_base_host"
        " WHEN c.model LIKE 'memlab/%' THEN NULL ELSE l.host END AS api_base_host,"
        " coalesce(p.memlab_version, ?) AS memlab_version,"
        " coalesce(p.exported_from, ?) AS exported_from, ?::TIMESTAMP AS exported_at"
        f" FROM src.llm_cache c LEFT JOIN ({imported}) p USING (request_hash)"
        f" LEFT JOIN ({ledger}) l USING (request_hash)"
        + (" WHERE c.model = ?" if model is not None else "")
        + " ORDER BY c.request_hash"
    )
    params: list[Any] = [memlab_version(), name, utcnow().replace(tzinfo=None)]
    return sql, params + ([model] if model is not None else [])


def read_cache_source(path: str | Path) -> pa.Table:
    """The entries of a cache export (Parquet) or of a DuckDB results file, export columns."""
    if is_parquet(path) or Path(path).suffix.lower() == ".parquet":
        return read_cache_file(path)
    return read_store_entries(path)
