"""`memlab view` serves the viewer of a results file; `memlab report --html` writes it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "lab" / "view"))
from view_replay import build_replay

from memlab.cli import main


@pytest.fixture(scope="module")
def replay_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_replay(tmp_path_factory.mktemp("view-cli"))


@pytest.fixture
def served(replay_db: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "memlab", "view", str(replay_db), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "memlab view: serving" in line, process.stderr.read() if process.stderr else ""
        yield line.split(" at ", 1)[1].split()[0], process
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_view_serves_the_page_without_touching_the_file(
    replay_db: Path, served: tuple[str, subprocess.Popen[str]]
) -> None:
    before = hashlib.sha256(replay_db.read_bytes()).hexdigest()
    url, process = served
    assert url.startswith("http://127.0.0.1:")
    with urlopen(url) as response:
        page = response.read().decode("utf-8")
    assert 'id="memlab-data"' in page and '"chunk_base":"chunks"' in page
    # the probes come in chunk files the page loads on demand
    with urlopen(url + "chunks/chunk-0.js") as response:
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert "What is the name of Ana's dog?" in response.read().decode("utf-8")
    assert process.poll() is None  # still serving
    assert hashlib.sha256(replay_db.read_bytes()).hexdigest() == before


def test_view_of_a_missing_file_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["view", str(tmp_path / "nope.duckdb")])
    assert caught.value.code == 2
    assert "run `memlab replay" in capsys.readouterr().err


def test_report_html_writes_the_same_page(replay_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "viewer" / "results.html"
    main(["report", "--db", str(replay_db), "--out", str(tmp_path / "rep"), "--html", str(out)])
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    assert 'id="memlab-data"' in page and "What is the name of Ana's dog?" in page
    assert "http://" not in page and "https://" not in page  # self-contained


def test_view_finds_a_moved_dataset_with_dataset_flag(tmp_path: Path) -> None:
    from memlab.commands.view import load_page

    db = build_replay(tmp_path)
    moved = (tmp_path / "tiny.jsonl").rename(tmp_path / "moved.jsonl")
    without = load_page(db, experiment=None, dataset=None)
    assert "could not load the dataset" in without
    assert "What is the name of Ana's dog?" not in without
    assert "What is the name of Ana's dog?" in load_page(db, experiment=None, dataset=str(moved))


def test_view_on_a_busy_port_says_what_to_do(
    replay_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit) as caught:
            main(["view", str(replay_db), "--port", str(port)])
    assert caught.value.code == 2
    assert "pass another --port" in capsys.readouterr().err
