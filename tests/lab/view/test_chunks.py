"""The viewer's index and chunks: every row lands once, items and turns travel with it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.analysis.results import Results
from memlab.lab.view import ViewData, ViewPage, build_view_data, split_view
from memlab.lab.view.models import TurnInfo


@pytest.fixture(scope="module")
def data(replay_db: Path) -> ViewData:
    store = DuckDbMemoryDb(replay_db, read_only=True)
    try:
        return build_view_data(Results(store), n_boot=0)
    finally:
        store.close()


def _parts(chunks: list[str]) -> list[dict[str, Any]]:
    return [part for chunk in chunks for part in json.loads(chunk)]


@pytest.mark.parametrize(
    ("chunk_bytes", "expected"),
    [
        pytest.param(1, [["a0"], ["b0"]], id="one-per-conversation"),
        pytest.param(10**9, [["a0", "b0"]], id="all-in-one"),
    ],
)
def test_chunks_group_whole_conversations(
    data: ViewData, chunk_bytes: int, expected: list[list[str]]
) -> None:
    index, chunks = split_view(data, chunk_bytes=chunk_bytes)
    assert index.chunks == expected and len(chunks) == len(expected)
    assert [[p["conversation_id"] for p in json.loads(c)] for c in chunks] == expected
    assert index.n_results == len(data.results) == sum(len(p["results"]) for p in _parts(chunks))
    assert index.designs == data.designs and index.scores == data.scores
    assert index.categories == sorted({p.category or "" for p in data.probes})
    # the index carries no probe, result or turn: those are what makes a page big
    assert "What is the name of Ana's dog?" not in index.model_dump_json()


def test_each_row_keeps_what_it_recalled_and_cited(data: ViewData) -> None:
    # a turn nothing cites (the tiny replay's verbatim designs recall every real one)
    uncited = TurnInfo(speaker="Ana", text="Nothing cites this.", session="s9", date=None)
    turns = {c: {**t, "s9:t1": uncited} for c, t in data.turns.items()}
    _, chunks = split_view(data.model_copy(update={"turns": turns}), chunk_bytes=1)
    parts = {p["conversation_id"]: p for p in _parts(chunks)}
    rows = {
        (r["variant_id"], r["conversation_id"], r["probe_id"], r["repeat"]): (p, r)
        for p in parts.values()
        for r in p["results"]
    }
    assert len(rows) == len(data.results)
    for whole in data.results:
        part, row = rows[whole.variant_id, whole.conversation_id, whole.probe_id, whole.repeat]
        assert row["scores"] == whole.scores and row["context"] == whole.context
        # positions now point into the conversation's own items: the same items, in order
        local = [part["items"][i]["id"] for i in row["recalled"]]
        assert local == [data.items[i].id for i in whole.recalled]
        cited = {t for i in row["recalled"] for t in part["items"][i]["turn_ids"]}
        assert cited <= set(part["turns"])  # every cited turn travels with its chunk
    for cid, part in parts.items():
        evidence = {t for p in part["probes"] for t in p["evidence"]}
        assert evidence <= set(part["turns"])
        assert set(part["turns"]) == set(data.turns[cid])  # all cited but the added one
        assert part["session_dates"]["s1"] == data.turns[cid]["s1:t1"].date


def test_a_page_saves_as_one_file_or_with_chunk_files(data: ViewData, tmp_path: Path) -> None:
    page = ViewPage.of(data, chunk_bytes=1)
    one = page.save(tmp_path / "one.html")  # small: one self-contained file
    assert one.read_text(encoding="utf-8") == page.html
    assert 'id="memlab-chunk-1"' in page.html and not (tmp_path / "one_files").exists()
    split = page.save(tmp_path / "out" / "view.html", split=True)
    files = sorted(p.name for p in (tmp_path / "out" / "view_files").iterdir())
    assert files == ["chunk-0.js", "chunk-1.js"]
    html = split.read_text(encoding="utf-8")
    assert '"chunk_base":"view_files"' in html and "memlab-chunk-0" not in html
    chunk = (tmp_path / "out" / "view_files" / "chunk-1.js").read_text(encoding="utf-8")
    assert chunk.startswith('memlabChunk(1,"[') and chunk.endswith(");\n")
    assert json.loads(json.loads(chunk[len("memlabChunk(1,") : -3])) == json.loads(page.chunks[1])


def test_a_placeholder_in_the_data_stays_text(data: ViewData) -> None:
    probe = data.probes[0].model_copy(update={"question": "{{CHUNKS}} /*SCRIPT*/ {{DATA}}"})
    page = ViewPage.of(data.model_copy(update={"probes": [probe, *data.probes[1:]]})).html
    assert page.count("{{CHUNKS}} /*SCRIPT*/ {{DATA}}") == 1


def test_chunk_bytes_must_be_positive(data: ViewData) -> None:
    with pytest.raises(ValueError, match="chunk_bytes must be at least 1"):
        split_view(data, chunk_bytes=0)
