"""Split the viewer's document into a small index and chunks of conversations loaded on demand.

A LongMemEval-sized result (tens of thousands of probe rows, each citing turns of long
conversations) is far too big to parse before the first paint. The index (`ViewIndex`) holds
what the leaderboard and the filters need; every conversation's probes, results, recalled
items, cited turns and memory events form one `ConversationView`, and consecutive
conversations are grouped into chunks of about `chunk_bytes` of JSON. The page loads a chunk
when a view needs it: the probe page its conversation's chunk, a search or the diff every chunk.

Only the turns something cites (evidence, recalled items, events) are kept, with one date
per session: the page shows no other turn, and a long conversation's other turns are most
of its bytes.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, ConfigDict, Field

from memlab.lab.view.models import (
    VIEW_FORMAT_VERSION,
    Design,
    Item,
    ProbeInfo,
    ProbeResult,
    Timeline,
    TurnInfo,
    ViewData,
)

__all__ = ["CHUNK_BYTES", "ConversationView", "Space", "ViewIndex", "split_view"]

CHUNK_BYTES = 2 * 1024 * 1024
"""Default size of a chunk's JSON: one parses in tens of milliseconds, and few chunks load fast."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, ser_json_inf_nan="null")


class Space(_Model):
    """A memory namespace whose timeline the page can show."""

    conversation_id: str
    """The conversation."""
    ingest_id: str
    """The ingest variant."""
    principal: str
    """The namespace's last part: a principal's name, or `all`."""


class ViewIndex(_Model):
    """What the page reads before its first paint: the leaderboard and where the rest lies."""

    format_version: int = VIEW_FORMAT_VERSION
    """Version of the document's shape."""
    experiment_id: str
    """The experiment."""
    name: str
    """The experiment's name."""
    baseline_only: bool
    """Every model call went to the offline baseline (not an LLM)."""
    dataset: str
    """The dataset's name."""
    score: str
    """The score the leaderboard ranks by by default."""
    scores: list[str]
    """Every score with values, in registry order."""
    designs: list[Design]
    """The leaderboard rows, in config order."""
    categories: list[str]
    """Every probe category (empty string for none), sorted."""
    chunks: list[list[str]]
    """The conversation ids in each chunk, in order."""
    n_results: int
    """How many (design, probe, repeat) rows there are over all chunks."""
    spaces: list[Space] = Field(default_factory=list)
    """The memory timelines, in the order the timeline selector lists them."""
    chunk_base: str | None = None
    """Folder (relative to the page) of the `chunk-N.js` files; None when they are inline."""
    notes: list[str] = Field(default_factory=list)
    """Warnings the page shows on top."""


class ConversationView(_Model):
    """Everything the page shows about one conversation; results cite items by position."""

    conversation_id: str
    """The conversation."""
    probes: list[ProbeInfo]
    """Its probes."""
    turns: dict[str, TurnInfo]
    """The turns something cites, by turn id."""
    session_dates: dict[str, str | None]
    """The date of each session an event falls in."""
    items: list[Item]
    """Every item its results recalled, once."""
    results: list[ProbeResult]
    """Its (design, probe, repeat) rows; `recalled` are positions in `items`."""
    timelines: list[Timeline]
    """Its memory histories, in `ViewIndex.spaces` order."""


def split_view(
    data: ViewData, *, chunk_bytes: int = CHUNK_BYTES, chunk_base: str | None = None
) -> tuple[ViewIndex, list[str]]:
    """Split `data` into its index and chunks of conversations.

    Args:
        data: The whole document (`build_view_data`).
        chunk_bytes: Close a chunk once its JSON reaches this size (a conversation is never
            split, so one conversation bigger than this is a chunk of its own).
        chunk_base: Folder of the chunk files, relative to the page; None when the page
            carries the chunks inline.

    Returns:
        The index, and each chunk as a JSON array of `ConversationView` documents.
    """
    if chunk_bytes < 1:
        raise ValueError(f"chunk_bytes must be at least 1, got {chunk_bytes}")
    parts = _conversations(data)
    order = {cid: i for i, (cid, _) in enumerate(parts)}
    chunks: list[list[str]] = []
    texts: list[str] = []
    group: list[str] = []
    size = 0
    for cid, text in parts:
        if not group:
            chunks.append([])
        group.append(text)
        chunks[-1].append(cid)
        size += len(text)
        if size >= chunk_bytes:
            texts.append("[" + ",".join(group) + "]")
            group, size = [], 0
    if group:
        texts.append("[" + ",".join(group) + "]")
    index = ViewIndex(
        experiment_id=data.experiment_id,
        name=data.name,
        baseline_only=data.baseline_only,
        dataset=data.dataset,
        score=data.score,
        scores=data.scores,
        designs=data.designs,
        categories=sorted({p.category or "" for p in data.probes}),
        chunks=chunks,
        n_results=len(data.results),
        spaces=[
            Space(conversation_id=t.conversation_id, ingest_id=t.ingest_id, principal=t.principal)
            for t in sorted(data.timelines, key=lambda t: order[t.conversation_id])
        ],
        chunk_base=chunk_base,
        notes=data.notes,
    )
    return index, texts


def _conversations(data: ViewData) -> list[tuple[str, str]]:
    """(conversation id, its `ConversationView` JSON), in first-seen order."""
    probes: dict[str, list[ProbeInfo]] = defaultdict(list)
    results: dict[str, list[ProbeResult]] = defaultdict(list)
    timelines: dict[str, list[Timeline]] = defaultdict(list)
    order: dict[str, None] = {}
    for p in data.probes:
        probes[p.conversation_id].append(p)
        order.setdefault(p.conversation_id)
    for r in data.results:
        results[r.conversation_id].append(r)
        order.setdefault(r.conversation_id)
    for t in data.timelines:
        timelines[t.conversation_id].append(t)
        order.setdefault(t.conversation_id)
    return [
        (cid, _conversation(data, cid, probes[cid], results[cid], timelines[cid])) for cid in order
    ]


def _conversation(
    data: ViewData,
    cid: str,
    probes: list[ProbeInfo],
    results: list[ProbeResult],
    timelines: list[Timeline],
) -> str:
    positions: dict[int, int] = {}
    items: list[Item] = []
    local: list[ProbeResult] = []
    for r in results:
        for i in r.recalled:
            if i not in positions:
                positions[i] = len(items)
                items.append(data.items[i])
        local.append(r.model_copy(update={"recalled": [positions[i] for i in r.recalled]}))
    cited = {t for p in probes for t in p.evidence}
    cited.update(t for item in items for t in item.turn_ids)
    cited.update(t for r in results for t in r.recalled_turn_ids or [])
    cited.update(t for tl in timelines for e in tl.events for t in e.turn_ids)
    known = data.turns.get(cid, {})
    sessions = {e.session for tl in timelines for e in tl.events if e.session}
    dates: dict[str, str | None] = {}
    for turn in known.values():  # the first turn's date is the session's
        if turn.session in sessions and turn.session not in dates:
            dates[turn.session] = turn.date
    return ConversationView(
        conversation_id=cid,
        probes=probes,
        turns={t: known[t] for t in sorted(cited) if t in known},
        session_dates=dates,
        items=items,
        results=local,
        timelines=timelines,
    ).model_dump_json()
