"""Versioned prompt files, the registry, and the public surface of memlab.llm."""

from __future__ import annotations

from pathlib import Path

import pytest

import memlab.llm
from memlab.errors import ConfigError
from memlab.llm import get_prompt, load_prompt
from memlab.llm.offline.model import TASKS
from memlab.llm.prompt import PROMPTS, parse_prompt
from memlab.llm.sections import parse_header

BUILTINS = [
    "agentic-search",
    "agno-v2",
    "answer",
    "judge",
    "mem0-style-facts",
    "mem0-style-update",
    "single-pass-json",
    "summary-full",
    "summary-incremental",
    "update-task",
]


def test_public_surface_is_pinned() -> None:
    assert sorted(memlab.llm.__all__) == sorted(
        [
            "LLM",
            "OFFLINE_MODEL",
            "Completion",
            "Judgement",
            "Parsed",
            "Prompt",
            "answer_question",
            "block_network",
            "complete_parsed",
            "count_tokens",
            "get_prompt",
            "judge_answer",
            "load_prompt",
            "register_prompt",
        ]
    )


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_prompts_load_with_a_version_and_a_task_the_offline_model_knows(name: str) -> None:
    prompt = get_prompt(name)
    assert prompt.name == name and prompt.version
    assert prompt.task in TASKS
    assert prompt.source.endswith(f"{name}.md")


@pytest.mark.parametrize(
    "name",
    [
        "agno-v2",
        "single-pass-json",
        "mem0-style-facts",
        "mem0-style-update",
        "update-task",
        "summary-full",
        "summary-incremental",
    ],
)
def test_prompts_that_read_dated_turns_or_handles_say_so_in_a_new_version(name: str) -> None:
    # Version 2 dates every turn and names ids by handle: answers cached for version 1 prompts
    # (dateless, with stored UUIDs) must never be reused, so the version is part of the key.
    prompt = get_prompt(name)
    assert prompt.version == "2"
    assert "date" in prompt.system
    assert name.startswith("summary") or "k1" in prompt.system or "m1" in prompt.system


def test_render_puts_the_task_header_first_and_fills_placeholders() -> None:
    messages = get_prompt("answer").render(context="<context>\nX\n</context>", question="Q?")
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[0]["content"].startswith("<!-- memlab:task=answer -->")
    assert parse_header(messages[0]["content"]) == {"task": "answer"}
    assert messages[1]["content"].endswith("Q?")


def test_a_missing_placeholder_is_named() -> None:
    with pytest.raises(ConfigError, match=r"answer@1 needs a value for \$question"):
        get_prompt("answer").render(context="c")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("no front matter", "front matter", id="no-front-matter"),
        pytest.param(
            "---\nname: x\n---\n<!-- system -->\nhi",
            "lacks version, purpose, task",
            id="missing-keys",
        ),
        pytest.param(
            "---\nname: x\nversion: 1\npurpose: dream\ntask: t\n---\n<!-- system -->\nhi",
            "purpose 'dream'",
            id="bad-purpose",
        ),
        pytest.param(
            "---\nname: x\nversion: 1\npurpose: answer\ntask: t\n---\nhello",
            "no '<!-- system -->' part",
            id="no-system",
        ),
    ],
)
def test_malformed_prompt_files_are_refused(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_prompt(text)


def test_load_prompt_registers_a_custom_prompt(tmp_path: Path) -> None:
    path = tmp_path / "terse-summary.md"
    path.write_text(
        "---\nname: terse-summary\nversion: 7\npurpose: summarize\ntask: summarize\n---\n"
        "<!-- system -->\nSummarize in one line as JSON.\n<!-- user -->\n$conversation\n"
    )
    try:
        prompt = load_prompt(path)
        assert get_prompt("terse-summary") is prompt and prompt.label == "terse-summary@7"
    finally:
        PROMPTS.remove("terse-summary")
    with pytest.raises(ConfigError, match="unknown prompt 'terse-summary'"):
        get_prompt("terse-summary")
