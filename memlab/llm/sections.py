"""The data blocks memlab's prompts carry, written so both a model and the offline model read them.

A prompt's data goes into tagged blocks of one item per line:

    <memories>
    [k1] Ana lives in Porto
    [k2] Ana has a cat named Tom
    </memories>
    <conversation>
    [m1] (Mon 2023-05-08) user: I moved to Lisbon last week.
    [m2] assistant: How exciting!
    [m3] (Tue 2023-05-09) user: Yesterday I found a flat.
    </conversation>

Ids in brackets are short local handles, never stored ids: `m1, m2, …` for the messages of
the conversation in order, `k1, k2, …` for the memories the prompt shows (see
`memlab.llm.handles`). The same input therefore renders the same request every time (cache
hits, identical token counts), and the caller maps the handles in the answer back to real ids.

A conversation turn is `[handle] (Www YYYY-MM-DD) role: text`. The date in parentheses is the
turn's `Message.created_at` in UTC, date only (no time of day, so that two identical calls on
the same day are one cached request); it is written on the first turn and again on every turn
whose date differs from the turn before, so a session spanning days shows each day.
`parse_items(body, turns=True)` gives each turn's `Item.at`: that date as an aware UTC datetime
at 00:00, carried forward from the last dated line of the same block, or None when no line so
far carries one (e.g. a hand-written `[m1] user: hi`). Resolve relative dates ("yesterday",
"last Saturday") against `Item.at`.

No item quotes more than `MAX_ITEM_CHARS` (4,000) characters of one memory or message: longer
text is cut and ends with `… [cut N more characters]`, so one huge input cannot make a call
take minutes or blow the context.

The system message starts with a machine-readable header, `<!-- memlab:task=extract … -->`,
that names the task. Real models ignore the header; the offline model dispatches on it and
parses the blocks back. Item text is flattened to one line so a line is always one item.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

__all__ = [
    "MAX_ITEM_CHARS",
    "Block",
    "Item",
    "clip",
    "day_of",
    "format_day",
    "header",
    "parse_blocks",
    "parse_header",
    "parse_items",
    "render_block",
    "render_items",
    "render_turns",
]

MAX_ITEM_CHARS = 4_000
"""Most characters a prompt quotes of one memory, message, fact or task (the rest is cut)."""

_HEADER = re.compile(r"<!--\s*memlab:(.*?)-->", re.S)
_BLOCK = re.compile(r"<([a-z_]+)((?:\s+[a-z_]+=\"[^\"]*\")*)>\n?(.*?)\n?</\1>", re.S)
_ATTR = re.compile(r"([a-z_]+)=\"([^\"]*)\"")
_ITEM = re.compile(r"^\[([^\]]*)\]\s?(.*)$")
_TURN = re.compile(r"^([a-z]+):\s?(.*)$", re.S)
_DATED = re.compile(r"^\((?:[A-Z][a-z]{2} )?(\d{4})-(\d{2})-(\d{2})\)\s?(.*)$", re.S)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Block:
    """One tagged block: its tag, attributes and body text."""

    tag: str
    attrs: Mapping[str, str]
    body: str


@dataclass(frozen=True)
class Item:
    """One `[id] text` line of a block.

    Attributes:
        id: The handle in brackets (`m1`, `k2`, …).
        text: The item's text (for a turn, without the date and role).
        role: The speaker, for conversation turns.
        at: For conversation turns, the turn's date (00:00 UTC), carried forward from the
            last dated line of the block; None when no line so far carried a date.
    """

    id: str
    text: str
    role: str | None = None
    at: datetime | None = None


def one_line(text: str) -> str:
    """Collapse whitespace so a text fits on one line."""
    return " ".join(text.split())


def clip(text: str, limit: int = MAX_ITEM_CHARS) -> str:
    """`text` on one line, cut to `limit` characters with a marker saying where it was cut."""
    # Only the head can be quoted, so megabytes are not flattened just to be thrown away.
    flat = one_line(text if len(text) <= 2 * limit else text[: 2 * limit])
    if len(flat) <= limit and len(text) > 2 * limit:
        flat = one_line(text)  # mostly whitespace
    if len(flat) <= limit:
        return flat
    return f"{flat[:limit].rstrip()}… [cut at {limit:,} of {len(text):,} characters]"


def format_day(day: date) -> str:
    """A turn's date as prompts write it: `Mon 2023-05-08`."""
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


def day_of(when: datetime) -> date:
    """The UTC date of a timestamp (a naive one is taken as UTC, as the store keeps them)."""
    return (when.astimezone(UTC) if when.tzinfo else when).date()


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
    """`[id] text` lines, each text clipped to `MAX_ITEM_CHARS`."""
    return "\n".join(f"[{item_id}] {clip(text)}" for item_id, text in items)


Turn = tuple[str, str, str] | tuple[str, str, str, datetime | None]
"""`(handle, role, text)` or `(handle, role, text, created_at)`."""


def render_turns(turns: Iterable[Turn]) -> str:
    """`[id] (Www YYYY-MM-DD) role: text` lines of a conversation.

    The date is written when a turn has one and it differs from the previous turn's; texts
    are clipped to `MAX_ITEM_CHARS`.
    """
    lines: list[str] = []
    shown: date | None = None
    for turn in turns:
        mid, role, text = turn[0], turn[1], turn[2]
        when = turn[3] if len(turn) > 3 else None
        stamp = ""
        if when is not None and (day := day_of(when)) != shown:
            shown = day
            stamp = f"({format_day(day)}) "
        lines.append(f"[{mid}] {stamp}{role}: {clip(text)}")
    return "\n".join(lines)


def parse_blocks(text: str) -> list[Block]:
    """Every tagged block of `text`, in order."""
    return [
        Block(m.group(1), dict(_ATTR.findall(m.group(2) or "")), m.group(3))
        for m in _BLOCK.finditer(text)
    ]


def parse_items(body: str, *, turns: bool = False) -> list[Item]:
    """The `[id] text` lines of a block body (`[id] (date) role: text` when `turns`).

    For turns, `Item.at` is the date of the line or of the last dated line before it.
    """
    out: list[Item] = []
    at: datetime | None = None
    for line in body.splitlines():
        match = _ITEM.match(line.strip())
        if not match:
            continue
        item_id, text = match.group(1), match.group(2)
        if not turns:
            out.append(Item(item_id, text))
            continue
        dated = _DATED.match(text)
        if dated:
            year, month, day, text = dated.groups()
            with contextlib.suppress(ValueError):  # not a real date: keep the previous one
                at = datetime(int(year), int(month), int(day), tzinfo=UTC)
        turn = _TURN.match(text)
        if turn:
            out.append(Item(item_id, turn.group(2), turn.group(1), at))
    return out


def first_block(blocks: Sequence[Block], tag: str) -> Block | None:
    """The first block with `tag`, or None."""
    return next((b for b in blocks if b.tag == tag), None)
