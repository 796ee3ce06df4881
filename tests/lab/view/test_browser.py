"""The viewer in headless Chromium: leaderboard, probe page, diff, filters, no console errors.

The server serves the page as `memlab view` does (index page plus chunk files), cut into one
chunk per conversation so every view that reads probes has chunks to load.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from memlab.db.duckdb_store import DuckDbMemoryDb
from memlab.lab.analysis.results import Results
from memlab.lab.view import ViewPage, ViewServer, build_view_data

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page(replay_db: Path) -> ViewPage:
    store = DuckDbMemoryDb(replay_db, read_only=True)
    try:
        page = ViewPage.of(build_view_data(Results(store), n_boot=100), chunk_bytes=1)
    finally:
        store.close()
    assert len(page.chunks) == 2  # one per conversation
    return page


@pytest.fixture(scope="module")
def server(page: ViewPage) -> Iterator[ViewServer]:
    with ViewServer(page.files()) as running:
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
    WebDriverWait(chrome, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#app[data-ready] > *")
    )


def _wait_page(chrome: Any, name: str) -> Any:
    """The page's #app once it shows `name` (after a click: chunks may still be loading)."""
    from selenium.webdriver.support.ui import WebDriverWait

    def ready(d: Any) -> Any:
        app = _css(d, "#app")[0]
        ok = app.get_attribute("data-page") == name and app.get_attribute("data-ready") == ""
        return app if ok else None

    return WebDriverWait(chrome, 20).until(ready)


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
    _wait_page(chrome, "diff")
    assert _css(chrome, "#flip-count")
    _open(chrome, server.url + "#/probe/a0/q3")
    _css(chrome, ".card.design a.timeline-link")[0].click()
    app = _wait_page(chrome, "timeline")
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


def test_timeline(chrome: Any, server: ViewServer) -> None:
    _open(chrome, server.url + "#/timeline")
    assert "Session s1" in _css(chrome, "#app")[0].text
    assert _css(chrome, "#app td.op-add")
    assert _console_errors(chrome) == []


def _find_in_last_chunk(chrome: Any, url: str, page: ViewPage) -> None:
    """Search the probe list for a question of the last chunk and open its probe."""
    from selenium.webdriver.common.keys import Keys

    assert page.index.chunks == [["a0"], ["b0"]]
    _open(chrome, url + "#/probes")
    _css(chrome, "input[name=q]")[0].send_keys("INSTRUMENT", Keys.ENTER)
    app = _wait_page(chrome, "probes")
    rows = _css(chrome, "#probes tbody tr")
    assert len(rows) == 4  # b0/p3, once per design
    assert all("What instrument is Caroline learning?" in r.text for r in rows)
    assert "q=INSTRUMENT" in chrome.current_url and "4 rows" in app.text
    rows[-1].find_element("css selector", "a").click()
    app = _wait_page(chrome, "probe")
    assert "Probe b0 / p3" in app.text
    assert len(_css(chrome, ".card.design")) == 4
    assert [e.get_attribute("data-turn") for e in _css(chrome, ".turn.evidence")] == ["s2:t2"]


@pytest.mark.parametrize(
    "split", [pytest.param(True, id="chunk-files"), pytest.param(False, id="one-file")]
)
def test_the_page_works_from_disk(chrome: Any, page: ViewPage, tmp_path: Path, split: bool) -> None:
    saved = page.save(tmp_path / "view.html", split=split)
    assert (tmp_path / "view_files" / "chunk-1.js").is_file() == split
    _open(chrome, saved.as_uri())
    assert len(_css(chrome, "#leaderboard tbody tr")) == 4
    _find_in_last_chunk(chrome, saved.as_uri(), page)
    assert _console_errors(chrome) == []


def test_a_probe_of_the_last_chunk_is_found_and_opened(
    chrome: Any, server: ViewServer, page: ViewPage
) -> None:
    _find_in_last_chunk(chrome, server.url, page)
    assert _console_errors(chrome) == []


def test_a_missing_chunk_folder_says_what_to_do(
    chrome: Any, page: ViewPage, tmp_path: Path
) -> None:
    import shutil

    from selenium.webdriver.support.ui import WebDriverWait

    saved = page.save(tmp_path / "view.html", split=True)
    shutil.rmtree(tmp_path / "view_files")
    _open(chrome, saved.as_uri())  # the leaderboard needs no chunk
    assert len(_css(chrome, "#leaderboard tbody tr")) == 4
    chrome.get(saved.as_uri() + "#/probe/b0/p3")
    status = WebDriverWait(chrome, 20).until(lambda d: d.find_element("id", "status").text or None)
    assert "could not load" in status and "keep the folder view_files beside the page" in status
    chrome.get_log("browser")  # the failed load is logged; leave the next test a clean log


def test_the_leaderboard_stars_the_frontier_of_the_chosen_score(
    chrome: Any, server: ViewServer, page: ViewPage
) -> None:
    for score in page.index.scores:
        _open(chrome, server.url + "#/?score=" + score)
        rows = _css(chrome, "#leaderboard tbody tr")
        starred = {
            r.get_attribute("data-variant")
            for r in rows
            if r.find_element("css selector", "td.pareto").text == "★"
        }
        expected = {d.variant_id for d in page.index.designs if score in d.pareto_scores}
        assert starred == expected and expected, score
        better = "lower" if score == "stale_in_context" else "higher"
        assert f"a {better} {score}." in _css(chrome, "#app")[0].text
    assert _console_errors(chrome) == []
