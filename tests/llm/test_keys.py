"""Which servers count as this machine's, and when the placeholder key "none" is sent."""

from __future__ import annotations

import pytest

from memlab.llm.keys import LOCAL_KEY, KeyAdvice, is_loopback, local_default_key
from memlab.llm.retry import Target, describe_failure


@pytest.mark.parametrize(
    ("api_base", "loopback"),
    [
        pytest.param("http://127.0.0.1:8080/v1", True, id="ipv4"),
        pytest.param("http://127.0.0.2:8080/v1", True, id="ipv4-block"),
        pytest.param("http://localhost:11434", True, id="localhost"),
        pytest.param("http://LOCALHOST/v1", True, id="localhost-upper"),
        pytest.param("http://[::1]:8000/v1", True, id="ipv6"),
        pytest.param("https://api.openai.com/v1", False, id="hosted"),
        pytest.param("http://10.0.0.5:8000/v1", False, id="lan"),
        pytest.param("http://localhost.evil.example/v1", False, id="lookalike"),
        pytest.param(None, False, id="none"),
    ],
)
def test_is_loopback(api_base: str | None, loopback: bool) -> None:
    assert is_loopback(api_base) is loopback


def test_the_placeholder_only_goes_to_a_local_server_without_a_key_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MEMLAB_X_KEY", raising=False)
    assert local_default_key("http://127.0.0.1:1/v1", ["MEMLAB_X_KEY"]) == LOCAL_KEY == "none"
    assert local_default_key("https://api.example.com/v1", ["MEMLAB_X_KEY"]) is None
    monkeypatch.setenv("MEMLAB_X_KEY", "sk-env")
    assert local_default_key("http://127.0.0.1:1/v1", ["MEMLAB_X_KEY"]) is None


def test_a_missing_key_is_explained_in_the_words_of_the_cli() -> None:
    import openai

    cli = KeyAdvice(fix="pass --api-key KEY", none_key="--api-key none", given_as="given")
    target = Target("openai/gemma", api_base="http://10.1.1.1:8082/v1", advice=cli)
    try:
        raise RuntimeError("litellm") from openai.OpenAIError("Missing credentials: api_key")
    except RuntimeError as exc:
        message = describe_failure(exc, target)
    assert message == (
        "no API key for 'openai/gemma': pass --api-key KEY or set OPENAI_API_KEY "
        "(a server that needs none takes --api-key none)"
    )
