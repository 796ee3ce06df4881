"""The demo is the main job (`make demo`): it must run offline and measure something real."""

import io

from memlab.cli import main
from memlab.demo import load_demo_conversation, run_demo


def test_demo_replays_extracts_summarizes_and_scores(tmp_path) -> None:
    out = io.StringIO()
    memory = run_demo(db_path=tmp_path / "demo.duckdb", out=out)
    db = memory.db
    texts = db.memories_df(user_id="maya")["memory"].tolist()
    # The move to Lisbon updated the Porto memory instead of adding a contradiction.
    assert "User lives in Lisbon." in texts
    assert not any("Porto" in t for t in texts)
    events = db.events_df(user_id="maya")
    assert (events["op"] == "update").sum() >= 1
    # One extraction call per run, one summary per session, all ledgered with real tokens.
    calls = db.llm_calls_df(user_id="maya")
    data = load_demo_conversation()
    n_runs = sum(len(s["runs"]) for s in data["sessions"])
    assert (calls["purpose"] == "extract").sum() == n_runs
    assert (calls["purpose"] == "summarize").sum() == len(data["sessions"])
    assert calls["input_tokens"].gt(0).all() and calls["is_baseline"].all()
    assert len(memory.get_session_summaries()) == len(data["sessions"])
    report = out.getvalue()
    assert "not an LLM" in report and "token ledger" in report
    db.close()


def test_cli_demo_writes_the_store(tmp_path, capsys) -> None:
    target = tmp_path / "cli.duckdb"
    main(["demo", "--db", str(target)])
    assert target.exists()
    assert "answer in top 3" in capsys.readouterr().out
