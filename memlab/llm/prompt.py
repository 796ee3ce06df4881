"""Versioned prompt files, registered by name.

A prompt is a markdown file in `memlab/llm/prompts/` (or anywhere, via `load_prompt`) with a
small front matter and a system and a user part:

    ---
    name: agno-v2
    version: 1
    purpose: extract
    task: extract-tools
    ---
    <!-- system -->
    You keep long-term memories about a user …
    <!-- user -->
    $conversation

`$name` placeholders are filled by `Prompt.render`; `$$` is a literal dollar sign. Every model
call records the prompt's name and version, and both are part of the cache key, so changing a
wording means raising its version.

What the placeholders carry is rendered by `memlab.llm.sections`, with three rules every prompt
shares:

- Ids are short local handles (`m1, m2, …` for messages, `k1, k2, …` for memories), never
  stored UUIDs, so identical inputs make identical requests and answers come from the cache.
- Each conversation turn carries its date, `[m1] (Mon 2023-05-08) user: …` (the date only,
  repeated when the day changes), so relative dates can be resolved.
- No prompt quotes more than `MAX_ITEM_CHARS` = 4,000 characters of one memory, message,
  fact or task; longer text is cut with a `… [cut at 4,000 of N characters]` marker, so the
  cost and time of a call stay bounded whatever one input's size.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import get_args

from memlab.errors import ConfigError
from memlab.llm.sections import header
from memlab.registry import Registry
from memlab.schema import Purpose

__all__ = ["PROMPTS", "Prompt", "get_prompt", "load_prompt", "parse_prompt", "register_prompt"]

_FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
_PARTS = re.compile(r"^<!--\s*(system|user)\s*-->\s*$", re.M)


@dataclass(frozen=True)
class Prompt:
    """A named, versioned prompt template.

    Attributes:
        name: Registered name, e.g. "agno-v2".
        version: Version of the wording; raise it whenever the text changes.
        purpose: What calls with it are for (the ledger's purpose column).
        task: The machine-readable task named in the header (the offline model reads it).
        system: Template of the system message.
        user: Template of the user message ("" for none).
        source: Where the prompt was read from.
    """

    name: str
    version: str
    purpose: Purpose
    task: str
    system: str
    user: str = ""
    source: str = ""

    @property
    def label(self) -> str:
        """`name@version`, as experiment tables print it."""
        return f"{self.name}@{self.version}"

    def render(
        self,
        values: Mapping[str, str] | None = None,
        /,
        *,
        options: Mapping[str, object] | None = None,
        **more: str,
    ) -> list[dict[str, str]]:
        """The chat messages of this prompt with the placeholders filled in.

        Args:
            values: Text for each `$placeholder`.
            options: Machine-readable options for the header (e.g. `limit=5`).
            **more: More placeholder values, as keywords.

        Raises:
            ConfigError: a placeholder has no value.
        """
        values = {**(values or {}), **more}
        system = f"{header(self.task, **dict(options or {}))}\n{self._fill(self.system, values)}"
        messages = [{"role": "system", "content": system.strip()}]
        if self.user.strip():
            messages.append({"role": "user", "content": self._fill(self.user, values).strip()})
        return messages

    def _fill(self, template: str, values: Mapping[str, str]) -> str:
        try:
            return string.Template(template).substitute(values)
        except KeyError as exc:
            raise ConfigError(
                f"prompt {self.label} needs a value for ${exc.args[0]} ({self.source})"
            ) from exc


def parse_prompt(text: str, *, source: str = "<string>") -> Prompt:
    """Read a prompt from the text of a prompt file.

    Raises:
        ConfigError: the front matter or the parts are missing or wrong.
    """
    match = _FRONT.match(text.replace("\r\n", "\n"))
    if not match:
        raise ConfigError(f"{source}: a prompt file starts with a '---' front matter block")
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition(":")
            if not sep:
                raise ConfigError(f"{source}: front matter line {line!r} is not 'key: value'")
            meta[key.strip()] = value.strip()
    missing = [k for k in ("name", "version", "purpose", "task") if not meta.get(k)]
    if missing:
        raise ConfigError(f"{source}: front matter lacks {', '.join(missing)}")
    purposes = get_args(Purpose)
    if meta["purpose"] not in purposes:
        raise ConfigError(f"{source}: purpose {meta['purpose']!r} is not one of {purposes}")
    parts = _PARTS.split(match.group(2))
    bodies = dict(zip(parts[1::2], parts[2::2], strict=True))
    if "system" not in bodies:
        raise ConfigError(f"{source}: the prompt has no '<!-- system -->' part")
    return Prompt(
        name=meta["name"],
        version=meta["version"],
        purpose=meta["purpose"],  # type: ignore[arg-type]  # checked against Purpose above
        task=meta["task"],
        system=bodies["system"].strip(),
        user=bodies.get("user", "").strip(),
        source=source,
    )


def load_prompt(path: str | Path) -> Prompt:
    """Read a prompt file and register it under its name (replacing a prompt of that name)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read prompt file {path}: {exc}") from exc
    return register_prompt(parse_prompt(text, source=str(path)))


def _load_builtins() -> None:
    folder = resources.files("memlab.llm") / "prompts"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".md"):
            prompt = parse_prompt(
                entry.read_text(encoding="utf-8"), source=f"memlab/llm/prompts/{entry.name}"
            )
            if prompt.name not in PROMPTS:  # a prompt the user registered first wins
                PROMPTS.add(prompt.name, prompt)


PROMPTS: Registry[Prompt] = Registry(
    "prompt",
    hint="load one with memlab.llm.load_prompt(path) or register_prompt(prompt)",
    loader=_load_builtins,
)
"""Prompts by name; the built-in files load on the first lookup."""


def register_prompt(prompt: Prompt) -> Prompt:
    """Register a prompt under its name (replacing a prompt of that name) and return it."""
    return PROMPTS.add(prompt.name, prompt)


def get_prompt(name: str) -> Prompt:
    """The prompt registered as `name`.

    Raises:
        ConfigError: no prompt has that name.
    """
    return PROMPTS.get(name)
