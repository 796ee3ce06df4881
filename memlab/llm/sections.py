"""The data blocks memlab's prompts carry, written so both a model and the offline model read them.

A prompt's data goes into tagged blocks of one item per line:

    <memories>
    [5f0c…] Ana lives in Porto
    </memories>
    <conversation>
    [m-1] user: I moved to Lisbon last week.
    </conversation>

and the system message starts with a machine-readable header, `<!-- memlab:task=extract … -->`,
that names the task. Real models ignore the header; the offline model dispatches on it and
parses the blocks back. Item text is flattened to one line so a line is always one item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "Block",
    "Item",
    "header",
    "parse_blocks",
    "parse_header",
    "parse_items",
    "render_block",
    "render_items",
    "render_turns",
]

_HEADER = re.compile(r"<!--\s*memlab:(.*?)-->", re.S)
_BLOCK = re.compile(r"<([a-z_]+)((?:\s+[a-z_]+=\"[^\"]*\")*)>\n?(.*?)\n?</\1>", re.S)
_ATTR = re.compile(r"([a-z_]+)=\"([^\"]*)\"")
_ITEM = re.compile(r"^\[([^\]]*)\]\s?(.*)$")
_TURN = re.compile(r"^([a-z]+):\s?(.*)$", re.S)


@dataclass(frozen=True)
class Block:
    """One tagged block: its tag, attributes and body text."""

    tag: str
    attrs: Mapping[str, str]
    body: str


@dataclass(frozen=True)
class Item:
    """One `[id] text` line of a block; `role` is set for conversation turns."""

    id: str
    text: str
    role: str | None = None


def one_line(text: str) -> str:
    """Collapse whitespace so a text fits on one line."""
    return " ".join(text.split())


def header(task: str, **options: object) -> str:
    """The header line naming the task and its options."""
    parts = [f"task={task}"] + [f"{k}={_opt(v)}" for k, v in options.items() if v is not None]
    return f"<!-- memlab:{' '.join(parts)} -->"


def _opt(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return one_line(str(value)).replace(" ", "_")


def parse_header(text: str) -> dict[str, str]:
    """The header's key=value options (with `task`), or {} when the text has none."""
    match = _HEADER.search(text)
    if not match:
        return {}
    pairs = (part.split("=", 1) for part in match.group(1).split() if "=" in part)
    return {key: value for key, value in pairs}


def render_block(tag: str, body: str, **attrs: str) -> str:
    """A tagged block; an empty body renders as `(none)` so the model sees the block is empty."""
    attr_text = "".join(f' {k}="{one_line(v).replace(chr(34), chr(39))}"' for k, v in attrs.items())
    return f"<{tag}{attr_text}>\n{body if body.strip() else '(none)'}\n</{tag}>"


def render_items(items: Iterable[tuple[str, str]]) -> str:
    """`[id] text` lines."""
    return "\n".join(f"[{item_id}] {one_line(text)}" for item_id, text in items)


def render_turns(turns: Iterable[tuple[str, str, str]]) -> str:
    """`[message id] role: text` lines of a conversation."""
    return "\n".join(f"[{mid}] {role}: {one_line(text)}" for mid, role, text in turns)


def parse_blocks(text: str) -> list[Block]:
    """Every tagged block of `text`, in order."""
    return [
        Block(m.group(1), dict(_ATTR.findall(m.group(2) or "")), m.group(3))
        for m in _BLOCK.finditer(text)
    ]


def parse_items(body: str, *, turns: bool = False) -> list[Item]:
    """The `[id] text` lines of a block body (`[id] role: text` when `turns`)."""
    out: list[Item] = []
    for line in body.splitlines():
        match = _ITEM.match(line.strip())
        if not match:
            continue
        item_id, text = match.group(1), match.group(2)
        if turns:
            turn = _TURN.match(text)
            if turn:
                out.append(Item(item_id, turn.group(2), turn.group(1)))
            continue
        out.append(Item(item_id, text))
    return out


def first_block(blocks: Sequence[Block], tag: str) -> Block | None:
    """The first block with `tag`, or None."""
    return next((b for b in blocks if b.tag == tag), None)
