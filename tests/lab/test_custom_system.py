"""Bring your own memory: `[[ingest]] kind = "custom"` replays a user's `MemorySystem`."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

import pytest
from replay_fixtures import tiny_dataset

from memlab.errors import ConfigError
from memlab.lab import Results, build_experiment, load_experiment, replay, write_report
from memlab.lab.data.dataset import Dataset

ROOT = Path(__file__).resolve().parents[2]

# A factory module written for each test: a user's own systems, importable by path.
SYSTEMS = '''
from memlab import DuckDbMemoryDb, Memory
from memlab.recall.base import RecallHit
from memlab.schema import Usage
from memlab.system import HeldItem


def memory(**options):
    """memlab's own Memory on a store of its own, reached only through the protocol."""
    return Memory(DuckDbMemoryDb(":memory:"), model=None, **options)


class Unsourced:
    """Keeps user turns but never says where a recalled item came from; pays for tokens."""

    def __init__(self, tokens_per_session=0):
        self.notes = {}
        self.tokens_per_session = tokens_per_session
        self.spent = Usage()

    async def aingest(self, session_id, runs, *, user_id):
        for run in runs:
            for m in run.messages:
                if m.role == "user":
                    self.notes.setdefault(user_id, []).append(m.content)

    async def aend_session(self, session_id, *, user_id):
        self.spent = self.spent + Usage(
            input_tokens=self.tokens_per_session, output_tokens=1, cost_usd=0.001, calls=1
        )

    async def arecall(self, query, *, user_id, limit, **options):
        notes = self.notes.get(user_id, [])[-limit:]
        return [
            RecallHit(kind="memory", item_id=str(i), text=t, score=1.0, source_message_ids=[])
            for i, t in enumerate(notes)
        ]

    def held(self, *, user_id):
        return [HeldItem("memory", str(i), t) for i, t in enumerate(self.notes.get(user_id, []))]

    def external_usage(self):
        return self.spent


def unsourced(**options):
    return Unsourced(**options)


def not_a_system():
    return object()
'''


@pytest.fixture
def systems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The name of an importable module holding the factories above."""
    folder = tmp_path / "user_code"
    folder.mkdir()
    (folder / "my_systems.py").write_text(textwrap.dedent(SYSTEMS), encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    return "my_systems"


def _replay(tmp_path: Path, dataset: Dataset, ingest: list[dict[str, Any]], **more: Any) -> Results:
    exp = build_experiment({"name": "t", "dataset": dataset, "ingest": ingest, **more})
    return replay(exp, db=tmp_path / "r.duckdb", quiet=True)


def test_memory_as_a_custom_system_gives_the_same_rows(tmp_path: Path, systems: str) -> None:
    recall = [{"strategy": s, "k": [2, 5]} for s in ("bm25", "last_n", "hybrid")]
    # One principal per conversation: a custom system gets a user id per principal, the
    # verbatim design one shared namespace, which is the same memory only then.
    results = _replay(
        tmp_path,
        tiny_dataset(n_agent=2, n_pairs=0),
        [
            {"kind": "verbatim"},
            {
                "kind": "custom",
                "factory": f"{systems}:memory",
                "options": {"ingest": "verbatim"},
                "label": "mine",
            },
        ],
        recall=recall,
    )
    probes = results.probes_df()
    columns = ["context", "context_tokens", "evidence_recall_any", "answer_in_context"]
    ours = probes[probes["label"].str.startswith("verbatim")]
    theirs = probes[probes["label"].str.startswith("mine")]
    n_probes = sum(len(c.probes) for c in tiny_dataset(n_agent=2, n_pairs=0).conversations)
    assert len(ours) == len(theirs) == 6 * n_probes  # 3 strategies × 2 k

    def keyed(frame: Any) -> Any:
        frame = frame.assign(setting=frame["label"].str.split(" · ").str[1])
        frame = frame.assign(turns=frame["recalled_turn_ids"].map(tuple))
        return frame.set_index(["setting", "probe_id"]).sort_index()[[*columns, "turns"]]

    assert keyed(ours).equals(keyed(theirs))
    units = results.units_df()
    by_kind = units.groupby(units["ingest_id"])[["n_memories", "memory_tokens"]].sum()
    assert by_kind.iloc[0].tolist() == by_kind.iloc[1].tolist()
    assert by_kind.iloc[0]["n_memories"] > 0
    assert set(units["health"]) == {"ok"}


def test_the_bundled_example_replays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    exp = load_experiment(ROOT / "examples/custom_system/notes.toml")
    exp = exp.model_copy(update={"dataset": exp.dataset.model_copy(update={"limit": 2})})
    results = replay(exp, db=tmp_path / "notes.duckdb", quiet=True)
    summary = results.summary_df().set_index("label")
    notes = summary.loc["notes · bm25@10"]
    assert 0.2 < notes["evidence_recall_any"] < 1.0  # its notes cite their turns
    assert notes["build_tokens_per_probe"] == 0.0  # no model calls
    # No answer stage: using memory costs the context an answerer would read.
    assert notes["tokens_per_probe"] == notes["context_tokens_per_probe"] > 0
    assert notes["memory_tokens_per_conversation"] > 0
    units = results.units_df()
    assert set(units["status"]) == {"ok"}
    assert set(units["health"]) == {"ok"}


def test_a_system_without_provenance_gets_undefined_evidence_with_the_reason(
    tmp_path: Path, systems: str
) -> None:
    results = _replay(
        tmp_path,
        tiny_dataset(),
        [{"kind": "custom", "factory": f"{systems}:unsourced", "label": "unsourced"}],
        recall=[{"strategy": "bm25", "k": 3}],
    )
    probes = results.probes_df()
    assert probes["evidence_recall_any"].map(math.isnan).all()  # undefined, never 0.0
    answerable = probes[~probes["abstention"]]
    assert answerable["answer_in_context"].notna().all()  # scores needing no provenance stay
    assert "no_provenance" in results.units_df()["health"].iloc[0]
    report = write_report(results, tmp_path / "report.md").read_text(encoding="utf-8")
    assert "no_provenance" in report


def test_tokens_a_system_reports_are_counted(tmp_path: Path, systems: str) -> None:
    results = _replay(
        tmp_path,
        tiny_dataset(),
        [
            {
                "kind": "custom",
                "factory": f"{systems}:unsourced",
                "options": {"tokens_per_session": 100},
            }
        ],
        recall=[{"strategy": "bm25", "k": 3}],
    )
    frame = results.calls_df()
    calls = [
        (stage, model, int(part["input_tokens"].sum()), int(part["output_tokens"].sum()), len(part))
        for (stage, model), part in frame.groupby(["stage", "model"])
    ]
    # One report per (unit, session); each principal's memory ends each session.
    conversations = tiny_dataset().conversations
    reports = sum(len(c.sessions) for c in conversations)
    ended = sum(len(c.sessions) * len(c.principals()) for c in conversations)
    assert calls == [("ingest", f"custom:{systems}:unsourced", 100 * ended, ended, reports)]
    assert results.summary_df()["ingest_tokens_per_probe"].iloc[0] > 0


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        pytest.param("no_colon", "is not 'package.module:function'", id="malformed"),
        pytest.param("no_such_module_xyz:make", "does not import", id="missing-module"),
        pytest.param("{systems}:nothing", "has no 'nothing'", id="missing-name"),
    ],
)
def test_a_bad_factory_is_refused_with_what_to_do(systems: str, factory: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_experiment(
            {
                "name": "t",
                "dataset": tiny_dataset(),
                "ingest": [{"kind": "custom", "factory": factory.format(systems=systems)}],
            }
        )


def test_a_factory_that_returns_no_system_is_refused(tmp_path: Path, systems: str) -> None:
    with pytest.raises(ConfigError, match=r"not a MemorySystem \(missing: aingest"):
        _replay(
            tmp_path,
            tiny_dataset(),
            [{"kind": "custom", "factory": f"{systems}:not_a_system"}],
            recall=[{"strategy": "bm25", "k": 3}],
        )
