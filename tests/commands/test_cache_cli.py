"""`memlab cache export|import|info` and `memlab replay --cache-from`, end to end.

A grid is paid for once against a scripted OpenAI-compatible server; its cache is exported,
imported into a fresh file, and the grid replayed from it with the server gone and no key:
zero model calls, the same rows, and provenance naming the cache that served each answer.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from memlab.cli import main
from memlab.lab.analysis.results import open_results
from memlab.lab.data.dataset import Dataset
from memlab.lab.data.dataset_io import save_dataset
from memlab.testing import OpenAIServer, Reply

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")

CONFIG = """
name = "shared"
api_base = "{base}"
[dataset]
path = "tiny.jsonl"
[[ingest]]
kind = "verbatim"
[[recall]]
strategy = "bm25"
k = 2
[answer]
model = "{answer}"
"""

_TIMINGS = ["recall_ms", "answer_ms", "judge_ms"]


@pytest.fixture(autouse=True)
def _no_provider_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(default=lambda body: Reply("Bolt")) as running:
        yield running


def _config(folder: Path, base: str, *, answer: str = "openai/test-model") -> Path:
    sys.path.insert(0, str(Path(__file__).parents[1] / "lab"))
    from replay_fixtures import agent_conversation

    folder.mkdir(exist_ok=True)
    save_dataset(
        Dataset(name="tiny", conversations=[agent_conversation("a")]), folder / "tiny.jsonl"
    )
    config = folder / "exp.toml"
    config.write_text(CONFIG.format(base=base, answer=answer))
    return config


def _probes(db: Path) -> pd.DataFrame:
    results = open_results(db)
    try:
        return results.probes_df().drop(columns=_TIMINGS)
    finally:
        results.close()


def _sql(db: Path, query: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_an_exported_cache_replays_the_grid_with_no_model_and_no_key(
    tmp_path: Path, server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, server.base_url)
    paid = tmp_path / "paid.duckdb"
    main(["replay", str(config), "--db", str(paid), "--quiet"])
    calls = len(server.requests)
    assert calls > 0
    server.stop()  # from here on, a call to the model would fail

    export = tmp_path / "cache.parquet"
    main(["cache", "export", "--db", str(paid), "--to", str(export)])
    assert f"exported {calls} cached model answers" in capsys.readouterr().out

    main(["cache", "info", str(export)])
    info = capsys.readouterr().out
    assert f"{calls} cached model answers" in info
    assert f"openai/test-model ({calls})" in info
    assert f"127.0.0.1 ({calls})" in info
    assert f"answer@1 ({calls})" in info
    assert f"paid.duckdb ({calls})" in info

    fresh = tmp_path / "fresh.duckdb"
    main(["cache", "import", str(export), "--db", str(fresh)])
    assert f"imported {calls} cached model answers" in capsys.readouterr().out
    main(["cache", "import", str(export), "--db", str(fresh)])  # idempotent
    assert f"imported 0 cached model answers into {fresh} ({calls} already there, 0 conflicts)" in (
        capsys.readouterr().out
    )

    reproduced = tmp_path / "reproduced.duckdb"
    main(["replay", str(config), "--db", str(reproduced), "--quiet", "--cache-from", str(fresh)])
    assert "(0 errors)" in capsys.readouterr().out
    assert len(server.requests) == calls
    assert _sql(reproduced, "SELECT cached, count(*) FROM llm_calls GROUP BY ALL") == [
        (True, calls)
    ]
    pd.testing.assert_frame_equal(_probes(reproduced), _probes(paid))
    # Each answer the replay used is now in its own cache, naming the cache that served it.
    assert _sql(
        reproduced,
        "SELECT p.imported_from, p.exported_from, count(*) FROM llm_calls c"
        " JOIN llm_cache_provenance p USING (request_hash) GROUP BY ALL",
    ) == [("fresh.duckdb", "paid.duckdb", calls)]
    assert _sql(reproduced, "SELECT count(*) FROM llm_cache") == [(calls,)]

    # The Parquet file serves a replay the same way, and the shared files were only read.
    before = export.read_bytes()
    again = tmp_path / "again.duckdb"
    main(["replay", str(config), "--db", str(again), "--quiet", "--cache-from", str(export)])
    assert "(0 errors)" in capsys.readouterr().out
    pd.testing.assert_frame_equal(_probes(again), _probes(paid))
    assert export.read_bytes() == before


def test_a_request_missing_from_the_shared_cache_says_it_needs_the_model(
    tmp_path: Path, server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A cache of the offline model holds none of the hosted model's answers.
    base = server.base_url
    offline = _config(tmp_path / "offline", base, answer="memlab/offline")
    main(["replay", str(offline), "--db", str(tmp_path / "offline.duckdb"), "--quiet"])
    export = tmp_path / "offline.parquet"
    main(["cache", "export", "--db", str(tmp_path / "offline.duckdb"), "--to", str(export)])
    server.stop()
    capsys.readouterr()

    hosted = _config(tmp_path / "hosted", base)
    db = tmp_path / "hosted.duckdb"
    with pytest.raises(SystemExit):
        main(["replay", str(hosted), "--db", str(db), "--quiet", "--cache-from", str(export)])
    errors = _probes(db)["error"].dropna().tolist()
    assert errors
    assert all(
        "this request is not in the cache of offline.parquet (--cache-from), so it was sent to "
        "openai/test-model" in e
        for e in errors
    )


def test_conflicting_answers_are_reported_and_never_replace_the_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dbs = {}
    for answer in ("Bolt", "Rex"):
        with OpenAIServer(default=lambda body, a=answer: Reply(a)) as running:
            config = _config(tmp_path / answer, running.base_url)
            dbs[answer] = tmp_path / f"{answer}.duckdb"
            main(["replay", str(config), "--db", str(dbs[answer]), "--quiet"])
    export = tmp_path / "bolt.parquet"
    main(["cache", "export", "--db", str(dbs["Bolt"]), "--to", str(export)])
    kept = _sql(dbs["Rex"], "SELECT request_hash, response FROM llm_cache ORDER BY 1")
    capsys.readouterr()

    with pytest.raises(SystemExit) as exit_:
        main(["cache", "import", str(export), "--db", str(dbs["Rex"])])
    assert exit_.value.code == 1
    out = capsys.readouterr()
    assert f"0 already there, {len(kept)} conflicts" in out.out
    assert f"{len(kept)} requests are cached in {dbs['Rex']} with a different answer" in out.err
    assert kept[0][0] in out.err
    assert _sql(dbs["Rex"], "SELECT request_hash, response FROM llm_cache ORDER BY 1") == kept


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"PAR1\x00\x01garbled", "not a readable Parquet file", id="damaged"),
        pytest.param(b"", "not a readable Parquet file", id="empty"),
        pytest.param(None, "not a memlab cache export", id="foreign"),
    ],
)
def test_a_damaged_or_foreign_file_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, expected: str
) -> None:
    bad = tmp_path / "bad.parquet"
    if content is None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"question": ["q"], "answer": ["a"]}), bad)
    else:
        bad.write_bytes(content)
    target = tmp_path / "target.duckdb"
    for argv in (["cache", "import", str(bad), "--db", str(target)], ["cache", "info", str(bad)]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2
        assert expected in capsys.readouterr().err
    assert not target.exists()
