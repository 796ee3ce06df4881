"""`memlab demo` with a real model: keys from flags, and the cost estimate asked about first.

The model is `openai/test-model` on a local server that wants a key; the dataset is one tiny
test-split conversation, so the demo's 20-variant grid makes few calls.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from memlab.cli import main
from memlab.lab.data.dataset import Dataset
from memlab.lab.data.dataset_io import save_dataset
from memlab.testing import OpenAIServer, Reply

pytestmark = pytest.mark.filterwarnings("ignore::memlab.lab.running.runner.HealthWarning")

KEY = "sk-demo-secret-0815"
_JSON = {
    "memory_ops": {"ops": []},
    "session_summary": {"summary": "Ana talked about her dog.", "topics": []},
    "judge_verdict": {"correct": True, "score": 1.0},
}


def _answer(body: dict[str, Any]) -> Reply:
    """A plausible answer per request: JSON in the asked schema, else a short text."""
    response_format = body.get("response_format") or {}
    name = response_format.get("json_schema", {}).get("name")
    if name in _JSON:
        return Reply(json.dumps(_JSON[name]))
    if body.get("tools"):
        memory = {"memory": "Ana has a dog named Bolt.", "source_message_ids": ["m1"]}
        return Reply(None, tool_calls=[("add_memory", json.dumps(memory))])
    return Reply("Bolt")


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(api_key=KEY, default=_answer) as running:
        yield running


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "MEMLAB_MODEL", "MEMLAB_API_BASE", "MEMLAB_YES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("MEMLAB_API_KEY_ENV", raising=False)


def _dataset(tmp_path: Path) -> Path:
    sys.path.insert(0, str(Path(__file__).parents[1] / "lab"))
    from replay_fixtures import agent_conversation

    conversation = agent_conversation("a").model_copy(update={"split": "test"})
    path = tmp_path / "tiny.jsonl"
    save_dataset(Dataset(name="tiny", conversations=[conversation]), path)
    return path


def _demo(tmp_path: Path, server: OpenAIServer, *extra: str) -> list[str]:
    return [
        "demo",
        "--out",
        str(tmp_path / "out"),
        "--dataset",
        str(_dataset(tmp_path)),
        "--model",
        "openai/test-model",
        "--api-base",
        server.base_url,
        "--quiet",
        *extra,
    ]


def _keys(server: OpenAIServer) -> set[str | None]:
    return {
        next((v for k, v in r.headers.items() if k.lower() == "authorization"), None)
        for r in server.requests
    }


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.slow
def test_the_key_flag_reaches_the_server_after_the_estimate_and_is_not_stored(
    tmp_path: Path, server: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    main(_demo(tmp_path, server, "--api-key", KEY, "--yes"))
    out = capsys.readouterr().out
    assert out.index("cost estimate: 4 units, no model called") < out.index("writing the report")
    assert "openai/test-model:" in out
    assert server.requests and _keys(server) == {f"Bearer {KEY}"}
    assert KEY.encode() not in (tmp_path / "out" / "demo.duckdb").read_bytes()


@pytest.mark.slow
def test_the_key_can_come_from_a_named_variable(
    tmp_path: Path,
    server: OpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DEMO_KEY", KEY)
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    main(_demo(tmp_path, server, "--api-key-env", "DEMO_KEY"))
    assert "call the model for this? [y/N]" in capsys.readouterr().out
    assert server.requests and _keys(server) == {f"Bearer {KEY}"}


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        pytest.param(_Terminal("n\n"), "stopped before calling the model", id="answered-no"),
        pytest.param(io.StringIO(""), "stdin is not a terminal", id="not-a-terminal"),
    ],
)
def test_without_a_yes_nothing_is_called(
    tmp_path: Path,
    server: OpenAIServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stdin: io.StringIO,
    message: str,
) -> None:
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(SystemExit) as exit_:
        main(_demo(tmp_path, server, "--api-key", KEY))
    assert exit_.value.code == 1
    printed = capsys.readouterr()
    assert "cost estimate: 4 units" in printed.out
    assert message in printed.err and "nothing was spent" in printed.err
    assert server.requests == []


def test_key_errors_name_the_demo_flags() -> None:
    from memlab.demo import demo_experiment
    from memlab.lab.running.api_keys import key_advice

    advice = key_advice(demo_experiment(model="openai/test-model", api_key_env="DEMO_KEY"))
    assert advice.fix == "pass --api-key KEY or --api-key-env NAME to memlab demo"
    assert advice.none_key == "--api-key none"
    assert advice.given_as == "read from $DEMO_KEY (api_key_env)"


def test_a_key_given_as_the_variable_name_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--api-key-env", "sk-live-12345"])
    assert exit_.value.code == 2
    assert "is not the name of an environment variable" in capsys.readouterr().err
