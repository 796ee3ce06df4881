"""The viewer in headless Chromium: leaderboard, probe page, diff, filters, no console errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from memlab.commands.view import load_page
from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.analysis.results import Results
from memlab.lab.view import ViewServer

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(replay_db: Path) -> Iterator[ViewServer]:
    with ViewServer(load_page(replay_db, experiment=None, dataset=None)) as running:
        yield running


@pytest.fixture(scope="module")
def probes(replay_db: Path) -> pd.DataFrame:
    store = DuckDbMemoryDb(replay_db, read_only=True)
    try:
        return Results(store).probes_df()
    finally:
        store.close()


def _open(chrome: Any, url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    chrome.get(url)
    WebDriverWait(chrome, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#app > *"))


def _console_errors(chrome: Any) -> list[Any]:
    return [e for e in chrome.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def _css(chrome: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(chrome.find_elements(By.CSS_SELECTOR, selector))


def test_leaderboard_loads(chrome: Any, server: ViewServer, probes: pd.DataFrame) -> None:
    _open(chrome, server.url)
    assert "memlab" in chrome.title
    rows = _css(chrome, "#leaderboard tbody tr")
    assert len(rows) == probes["variant_id"].nunique() == 4
    assert {r.get_attribute("data-variant") for r in rows} == set(probes["variant_id"])
    assert any(cell.text == "★" for cell in _css(chrome, "#leaderboard td.pareto"))
    assert "[" in rows[0].text  # the interval is printed next to the mean
    assert _console_errors(chrome) == []


def test_probe_page_highlights_the_evidence_turn(
    chrome: Any, server: ViewServer, probes: pd.DataFrame
) -> None:
    _open(chrome, server.url + "#/probe/a0/q1")
    assert "What is the name of Ana's dog?" in _css(chrome, "#probe-question")[0].text
    evidence = _css(chrome, ".turn.evidence")
    assert [e.get_attribute("data-turn") for e in evidence] == ["s1:t3"]
    assert "My dog is called Bolt." in evidence[0].text
    cards = _css(chrome, ".card.design")
    assert len(cards) == 4  # one per design
    # every design recalled the evidence turn first here; its item and chip are highlighted
    hits = _css(chrome, ".card.design li.evidence-item .chip.evidence-hit")
    assert hits and {h.text for h in hits} == {"s1:t3"}
    assert "Answer: Bolt" in cards[0].text
    # the context the answerer read, rebuilt from the recalled items, is the stored one
    expected = probes[(probes["conversation_id"] == "a0") & (probes["probe_id"] == "q1")]
    shown = [c.get_attribute("textContent") for c in _css(chrome, ".card.design details pre")]
    assert shown == list(expected["context"])
    assert _console_errors(chrome) == []


def test_links_lead_to_the_diff_and_the_timeline(chrome: Any, server: ViewServer) -> None:
    _open(chrome, server.url)
    _css(chrome, "#leaderboard a.vs-best")[0].click()
    assert _css(chrome, "#app")[0].get_attribute("data-page") == "diff"
    assert _css(chrome, "#flip-count")
    _open(chrome, server.url + "#/probe/a0/q3")
    _css(chrome, ".card.design a.timeline-link")[0].click()
    app = _css(chrome, "#app")[0]
    assert app.get_attribute("data-page") == "timeline"
    assert "Session s3" in app.text and "Lisbon" in app.text  # where q3's answer was learnt
    assert _console_errors(chrome) == []


def test_diff_lists_the_flipped_probes(
    chrome: Any, server: ViewServer, probes: pd.DataFrame
) -> None:
    by_label = probes.set_index("label")
    a = str(by_label.loc["extract:agno-v2 · bm25@1", "variant_id"].iloc[0])
    b = str(by_label.loc["verbatim · bm25@4", "variant_id"].iloc[0])
    pa = probes[probes["variant_id"] == a].set_index(["conversation_id", "probe_id"])
    pb = probes[probes["variant_id"] == b].set_index(["conversation_id", "probe_id"])
    both = pa["token_f1"].notna() & pb["token_f1"].notna()
    expected = {f"{c}/{p}" for c, p in pa.index[both & (pa["token_f1"] != pb["token_f1"])]}
    assert expected  # the fixture must have something to flip

    _open(chrome, server.url + f"#/diff?a={a}&b={b}&score=token_f1")
    rows = _css(chrome, "#flipped tr.flip")
    assert {r.get_attribute("data-probe") for r in rows} == expected
    assert _css(chrome, "#flip-count")[0].text.startswith(f"{len(expected)} probes")
    assert len(_css(chrome, "#flipped .side pre")) == 2 * len(expected)  # both contexts
    assert _console_errors(chrome) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("outcome=error", 0, id="no-errors"),
        pytest.param("conversation=a0", 4 * 5, id="one-conversation"),
        pytest.param("category=abstention", 4, id="category"),
        pytest.param("outcome=undefined&score=evidence_recall_any", 4, id="undefined"),
    ],
)
def test_probe_list_filters(chrome: Any, server: ViewServer, query: str, expected: int) -> None:
    _open(chrome, server.url + "#/probes?" + query)
    assert len(_css(chrome, "#probes tbody tr")) == expected
    assert _console_errors(chrome) == []


def test_timeline_and_the_file_page(chrome: Any, server: ViewServer, tmp_path: Path) -> None:
    _open(chrome, server.url + "#/timeline")
    assert "Session s1" in _css(chrome, "#app")[0].text
    assert _css(chrome, "#app td.op-add")
    assert _console_errors(chrome) == []
    # the self-contained file works from disk too, with nothing to fetch
    page = tmp_path / "view.html"
    page.write_text(server_page(server), encoding="utf-8")
    _open(chrome, page.as_uri())
    assert len(_css(chrome, "#leaderboard tbody tr")) == 4
    assert _console_errors(chrome) == []


def server_page(server: ViewServer) -> str:
    from urllib.request import urlopen

    with urlopen(server.url) as response:
        return str(response.read().decode("utf-8"))
