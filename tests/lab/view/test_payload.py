"""The viewer's document: leaderboard, probes, results, items and timelines of a replay."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from view_replay import tiny_dataset

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.analysis.frontiers import frontiers
from memlab.lab.analysis.results import Results
from memlab.lab.analysis.summary import pareto
from memlab.lab.running.experiment import build_experiment
from memlab.lab.running.runner import replay
from memlab.lab.view import ViewData, ViewPage, build_view_data, render_page
from memlab.lab.view.models import TurnInfo


@pytest.fixture(scope="module")
def data(replay_db: Path) -> ViewData:
    store = DuckDbMemoryDb(replay_db, read_only=True)
    try:
        return build_view_data(Results(store), n_boot=50)
    finally:
        store.close()


def test_leaderboard_rows_and_pareto_marks(data: ViewData, replay_db: Path) -> None:
    assert data.score == "judge"
    assert [d.label for d in data.designs] == [
        "extract:agno-v2 · bm25@1",
        "extract:agno-v2 · bm25@4",
        "verbatim · bm25@1",
        "verbatim · bm25@4",
    ]
    store = DuckDbMemoryDb(replay_db, read_only=True)
    try:
        summary = Results(store).summary_df(n_boot=50)
    finally:
        store.close()
    frontier = set(pareto(summary, y="judge")["variant_id"])
    assert {d.variant_id for d in data.designs if d.pareto} == frontier
    # every score has its own frontier, and the designs say which ones they are on
    for score, ids in frontiers(summary).items():
        assert {d.variant_id for d in data.designs if score in d.pareto_scores} == set(ids)
    assert any(set(d.pareto_scores) != {s for s in data.scores} for d in data.designs)
    judge = {d.label: d.scores["judge"] for d in data.designs}
    assert judge["verbatim · bm25@1"].mean == pytest.approx(3 / 8)
    assert judge["verbatim · bm25@1"].n == 8


def test_probes_come_from_the_dataset_file(data: ViewData) -> None:
    assert data.notes == [
        "every model call went to memlab/offline, a rule-based baseline, not an LLM"
    ]
    assert len(data.probes) == 8
    q1 = next(p for p in data.probes if p.probe_id == "q1" and p.conversation_id == "a0")
    assert (q1.question, q1.answers, q1.evidence) == (
        "What is the name of Ana's dog?",
        ["Bolt"],
        ["s1:t3"],
    )
    turn = data.turns["a0"]["s1:t3"]
    assert (turn.speaker, turn.text, turn.session) == ("Ana", "My dog is called Bolt.", "s1")
    assert turn.date is not None and turn.date.startswith("2024-01-08")


def test_results_cite_recalled_items_with_their_turns(data: ViewData) -> None:
    assert len(data.results) == 4 * 8
    label = {d.variant_id: d.label for d in data.designs}
    row = next(
        r for r in data.results if label[r.variant_id] == "verbatim · bm25@4" and r.probe_id == "q1"
    )
    first = data.items[row.recalled[0]]
    assert (first.text, first.turn_ids) == ("Ana: My dog is called Bolt.", ["s1:t3"])
    # what the items already say is left out of the row, and the page rebuilds it
    assert row.recalled_turn_ids is None and row.context is None
    assert row.answer is not None and "Bolt" in row.answer
    abstention = next(r for r in data.results if r.probe_id == "q5")
    assert abstention.scores["evidence_recall_any"] is None  # undefined, not 0
    assert len({i.id for i in data.items}) == len(data.items)  # each item once


def test_timelines_cite_turns_and_sessions(data: ViewData) -> None:
    spaces = {(t.conversation_id, t.principal) for t in data.timelines}
    assert ("a0", "Ana") in spaces and ("a0", "all") in spaces
    verbatim = next(t for t in data.timelines if t.principal == "all" and t.conversation_id == "a0")
    assert [e.op for e in verbatim.events] == ["add"] * 8
    assert verbatim.events[2].turn_ids == ["s1:t3"] and verbatim.events[2].session == "s1"
    assert verbatim.events[-1].session == "s3"


def test_a_dataset_built_in_memory_is_a_note(tmp_path: Path) -> None:
    experiment = build_experiment(
        {
            "name": "mem",
            "dataset": tiny_dataset(),
            "ingest": [{"kind": "verbatim"}],
            "recall": [{"strategy": "bm25", "k": 2}],
        }
    )
    results = replay(experiment, db=tmp_path / "r.duckdb", quiet=True)
    try:
        missing = build_view_data(results, n_boot=0)
        given = build_view_data(results, dataset=tiny_dataset(), n_boot=0)
    finally:
        results.close()
    assert missing.probes == [] and "built in memory" in missing.notes[0]
    # the turns still come from the messages the replay stored
    assert missing.turns["a0"]["s1:t3"].text == "My dog is called Bolt."

    def said(turns: dict[str, dict[str, TurnInfo]]) -> set[tuple[str, str, str, str, str]]:
        return {(c, t, x.speaker, x.text, x.session) for c in turns for t, x in turns[c].items()}

    assert said(missing.turns) == said(given.turns)
    assert missing.timelines[0].events[0].session == "s1"
    assert len(given.probes) == 8


def test_the_page_embeds_hostile_text_inertly(data: ViewData) -> None:
    hostile = "</script><script>alert(1)</script><!--"
    probe = data.probes[0].model_copy(update={"question": hostile})
    page = render_page(data.model_copy(update={"probes": [probe, *data.probes[1:]]}))
    # the index's element, one chunk's and the program's
    assert page.count("</script>") == 3
    embedded = re.search(r'id="memlab-chunk-0" type="application/json">(.*?)</script>', page, re.S)
    assert embedded is not None
    assert json.loads(embedded.group(1))[0]["probes"][0]["question"] == hostile
    # nothing to fetch: no address outside the page, and a policy that forbids fetching
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "default-src 'none'" in page


def test_results_view_is_an_iframe_in_a_notebook(replay_db: Path, tmp_path: Path) -> None:
    before = hashlib.sha256(replay_db.read_bytes()).hexdigest()
    store = DuckDbMemoryDb(replay_db, read_only=True)
    try:
        page = Results(store).view(height=500)
    finally:
        store.close()
    assert isinstance(page, ViewPage)
    html = page._repr_html_()
    assert html.startswith('<iframe srcdoc="') and "height:500px" in html
    assert "<script" not in html  # the page is escaped into the attribute
    assert page.save(tmp_path / "v.html").read_text(encoding="utf-8") == page.html
    assert hashlib.sha256(replay_db.read_bytes()).hexdigest() == before
