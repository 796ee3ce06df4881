"""Experiments: TOML loading, validation with key paths, stable variant ids, the grid."""

from __future__ import annotations

from pathlib import Path

import pytest
from replay_fixtures import tiny_dataset

from memlab.errors import ConfigError
from memlab.lab.running.experiment import build_experiment, load_experiment

TOML = """
name = "grid"
[dataset]
path = "data.jsonl"
limit = 3
[[ingest]]
kind = "extract"
prompt = "agno-v2"
[[ingest]]
kind = "verbatim"
[[summary]]
trigger = "never"
[[recall]]
strategy = "bm25"
k = [5, 10]
[[recall]]
strategy = "last_n"
over = "messages"
k = 3
[answer]
model = "memlab/offline"
"""


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "data.jsonl").write_text("")
    path = tmp_path / "exp.toml"
    path.write_text(text)
    return path


def test_toml_grid_expands_k_and_resolves_the_dataset_path(tmp_path: Path) -> None:
    exp = load_experiment(_write(tmp_path, TOML))
    assert exp.dataset.path == str(tmp_path / "data.jsonl")  # type: ignore[union-attr]
    assert [v.label for v in exp.recall_variants()] == ["bm25@5", "bm25@10", "last_n/messages@3"]
    assert [v.label for v in exp.ingest_variants()] == ["extract:agno-v2", "verbatim"]
    assert len(exp.variants()) == 6
    assert exp.variants()[0].settings["k"] == 5


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        pytest.param(
            ('strategy = "last_n"', 'strategy = "bm52"'),
            "recall[1].strategy: unknown strategy 'bm52'; known: ",
            id="strategy",
        ),
        pytest.param(
            ('prompt = "agno-v2"', 'prompt = "agno-v9"'),
            "ingest[0].prompt: unknown extraction prompt 'agno-v9'",
            id="extraction-prompt",
        ),
        pytest.param(
            ('trigger = "never"', 'trigger = "sometimes"'),
            "summary[0].trigger: unknown summary trigger 'sometimes'",
            id="trigger",
        ),
        pytest.param(
            ("k = 3", "kay = 3"), "recall[1].kay: Extra inputs are not permitted", id="key"
        ),
        pytest.param(("k = 3", "k = 0"), "recall[1].k: k must be a positive integer", id="k"),
        pytest.param(("limit = 3", "limit = -1"), "dataset.limit: ", id="limit"),
        pytest.param(
            ('model = "memlab/offline"', 'prompt = "nope"'),
            "answer.prompt: unknown prompt 'nope'",
            id="answer-prompt",
        ),
    ],
)
def test_invalid_settings_name_their_key_path(
    tmp_path: Path, patch: tuple[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as err:
        load_experiment(_write(tmp_path, TOML.replace(*patch, 1)))
    assert message in str(err.value)


def test_missing_and_broken_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_experiment(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_experiment(_write(tmp_path, "name = "))


def test_ids_depend_on_normalized_settings_only() -> None:
    base = {"name": "x", "dataset": tiny_dataset(), "recall": [{"strategy": "bm25", "k": 5}]}
    a = build_experiment(base)
    b = build_experiment(
        {
            **base,
            # defaults spelled out, a label, and options that do not apply to `verbatim`
            "ingest": [{"kind": "extract", "prompt": "agno-v2", "label": "mine"}],
            "summary": [{"trigger": "never", "mode": "incremental"}],
            "recall": [{"strategy": "bm25", "k": [5], "over": "memories", "label": "B"}],
        }
    )
    assert [v.variant_id for v in a.variants()] == [v.variant_id for v in b.variants()]
    assert a.experiment_id() == b.experiment_id()
    assert b.variants()[0].label == "mine · B"
    c = build_experiment({**base, "recall": [{"strategy": "bm25", "k": 6}]})
    assert c.variants()[0].variant_id != a.variants()[0].variant_id
    v1 = build_experiment({**base, "ingest": [{"kind": "verbatim", "prompt": "mem0-style"}]})
    v2 = build_experiment({**base, "ingest": [{"kind": "verbatim"}]})
    assert v1.variants()[0].variant_id == v2.variants()[0].variant_id


def test_ids_are_pinned_across_machines() -> None:
    exp = build_experiment(
        {"name": "x", "dataset": tiny_dataset(), "recall": [{"strategy": "bm25", "k": 5}]}
    )
    variant = exp.variants()[0]
    assert variant.ingest.ingest_id == "i-" + variant.ingest.ingest_id[2:]
    # sha256 of canonical JSON: changes only when the settings' meaning changes
    from memlab.lab.running.experiment import stable_id

    assert stable_id("r-", {"k": 5, "over": "memories", "strategy": "bm25"}) == (
        variant.recall.recall_id
    )


def test_cells_whose_corpus_no_ingest_fills_are_left_out() -> None:
    exp = build_experiment(
        {
            "name": "x",
            "dataset": tiny_dataset(),
            "ingest": [{"kind": "messages"}, {"kind": "verbatim"}],
            "recall": [
                {"strategy": "bm25", "over": "memories"},
                {"strategy": "bm25", "over": "messages"},
                {"strategy": "last_n", "over": "summaries"},
            ],
        }
    )
    assert sorted(v.label for v in exp.variants()) == [
        "messages · bm25/messages@10",
        "verbatim · bm25/messages@10",
        "verbatim · bm25@10",
    ]
    with pytest.raises(ConfigError, match="no variant is left"):
        build_experiment(
            {"name": "x", "dataset": tiny_dataset(), "recall": [{"over": "summaries"}]}
        )


def test_judge_needs_an_answer_stage_and_scores_must_exist() -> None:
    base = {"name": "x", "dataset": tiny_dataset(), "recall": [{}]}
    with pytest.raises(ConfigError, match="judge needs an answer stage"):
        build_experiment({**base, "judge": {}})
    with pytest.raises(ConfigError, match="scores: unknown scorer 'f2'"):
        build_experiment({**base, "scores": ["f2"]})


def test_model_override_replaces_every_stage_model() -> None:
    exp = build_experiment(
        {
            "name": "x",
            "dataset": tiny_dataset(n_agent=3),
            "ingest": [{"kind": "extract"}],
            "summary": [{"trigger": "session_end"}],
            "recall": [{}],
            "answer": {},
            "judge": {},
        }
    )
    moved = exp.with_overrides(model="gpt-4o-mini", limit=2)
    assert moved.models() == {
        "extract": ["gpt-4o-mini"],
        "summarize": ["gpt-4o-mini"],
        "answer": ["gpt-4o-mini"],
        "judge": ["gpt-4o-mini"],
    }
    assert len(moved.dataset.conversations) == 2  # type: ignore[union-attr]
    assert moved.experiment_id() != exp.experiment_id()


def test_a_recall_setting_can_be_kept_to_some_ingests() -> None:
    exp = build_experiment(
        {
            "name": "x",
            "dataset": tiny_dataset(),
            "ingest": [{"kind": "messages"}, {"kind": "verbatim"}],
            "recall": [
                {"strategy": "bm25"},
                {"strategy": "bm25", "over": "messages", "ingest": ["messages"]},
            ],
        }
    )
    assert sorted(v.label for v in exp.variants()) == [
        "messages · bm25/messages@10",
        "verbatim · bm25@10",
    ]
    # the restriction picks cells; it is not a recall setting, so ids stay
    plain = build_experiment(
        {
            **exp.model_dump(),
            "dataset": exp.dataset,
            "ingest": [{"kind": "messages"}],
            "recall": [{"strategy": "bm25", "over": "messages"}],
        }
    )
    assert plain.variants()[0].variant_id in {v.variant_id for v in exp.variants()}


INT_TEXT = "Input should be a valid integer, unable to parse string as an integer"


@pytest.mark.parametrize(
    ("patch", "only"),
    [
        # Each printed four false errors of the other dataset form, or of the other k form.
        pytest.param(
            ("limit = 3", "limit = -1"),
            "dataset.limit: Input should be greater than or equal to 1",
            id="limit",
        ),
        pytest.param(
            ('path = "data.jsonl"', "path = 5"),
            "dataset.path: Input should be a valid string",
            id="path",
        ),
        pytest.param(
            ('path = "data.jsonl"', 'paht = "data.jsonl"'),
            "dataset.path: Field required\n  dataset.paht: Extra inputs are not permitted",
            id="path-typo",
        ),
        pytest.param(("k = 3", 'k = "x"'), f"recall[1].k: {INT_TEXT}", id="k"),
        pytest.param(("k = 3", 'k = [3, "x"]'), f"recall[1].k[1]: {INT_TEXT}", id="k-list"),
        pytest.param(
            ("k = 3", 'k = 3\nbudget_tokens = "x"'),
            f"recall[1].budget_tokens: {INT_TEXT}",
            id="budget-tokens",
        ),
    ],
)
def test_a_bad_key_reports_only_its_own_problem(
    tmp_path: Path, patch: tuple[str, str], only: str
) -> None:
    path = _write(tmp_path, TOML.replace(*patch, 1))
    with pytest.raises(ConfigError) as err:
        load_experiment(path)
    assert str(err.value) == f"{path} is not valid:\n  {only}"


def test_a_dataset_given_in_place_reports_only_its_own_problems() -> None:
    data = {"name": "d", "conversations": [{"id": "c1", "sessions": "x"}]}
    with pytest.raises(ConfigError) as err:
        build_experiment({"name": "x", "dataset": data, "recall": [{}]})
    lines = str(err.value).splitlines()[1:]
    assert lines and all(line.startswith("  dataset.conversations[0].") for line in lines)


@pytest.mark.parametrize("limit", [pytest.param(0, id="zero"), pytest.param(-1, id="negative")])
@pytest.mark.parametrize("form", ["file", "in-memory"])
def test_a_limit_override_is_validated_like_the_key(form: str, limit: int) -> None:
    dataset = {"path": "data.jsonl"} if form == "file" else tiny_dataset()
    exp = build_experiment({"name": "x", "dataset": dataset, "recall": [{}]})
    with pytest.raises(ConfigError) as err:
        exp.with_overrides(limit=limit)  # a slice [:-1] or a ref copied without validation
    assert str(err.value).endswith("\n  dataset.limit: Input should be greater than or equal to 1")
