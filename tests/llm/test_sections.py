"""The data blocks prompts carry and the offline model reads back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from memlab.llm.sections import (
    MAX_ITEM_CHARS,
    clip,
    header,
    parse_blocks,
    parse_header,
    parse_items,
    render_block,
    render_items,
    render_turns,
)


def test_blocks_round_trip_and_flatten_newlines() -> None:
    text = "\n".join(
        [
            header("decide", limit=3, include_assistant=True, skip=None),
            render_block(
                "memories", render_items([("a1", "Ana lives\nin Porto"), ("a2", "Ana has a cat")])
            ),
            render_block("conversation", render_turns([("m1", "user", "I moved to   Lisbon.")])),
            render_block("fact", "She moved", index="1", sources="m1 m2"),
            render_block("similar", ""),
        ]
    )
    assert parse_header(text) == {"task": "decide", "limit": "3", "include_assistant": "true"}
    blocks = parse_blocks(text)
    assert [b.tag for b in blocks] == ["memories", "conversation", "fact", "similar"]
    memories = parse_items(blocks[0].body)
    assert [(i.id, i.text) for i in memories] == [
        ("a1", "Ana lives in Porto"),
        ("a2", "Ana has a cat"),
    ]
    turns = parse_items(blocks[1].body, turns=True)
    assert [(t.id, t.role, t.text) for t in turns] == [("m1", "user", "I moved to Lisbon.")]
    assert blocks[2].attrs == {"index": "1", "sources": "m1 m2"}
    assert blocks[3].body == "(none)"
    assert parse_header("no header here") == {}


def test_turns_carry_their_date_once_per_day_and_parse_back_as_item_at() -> None:
    day1, day2 = datetime(2023, 5, 8, 13, 56, tzinfo=UTC), datetime(2023, 5, 9, 9, 0, tzinfo=UTC)
    body = render_turns(
        [
            ("m1", "user", "I moved to Lisbon last week.", day1),
            ("m2", "assistant", "How exciting!", day1 + timedelta(minutes=1)),
            ("m3", "user", "Yesterday I found a flat.", day2),
        ]
    )
    assert body == (
        "[m1] (Mon 2023-05-08) user: I moved to Lisbon last week.\n"
        "[m2] assistant: How exciting!\n"
        "[m3] (Tue 2023-05-09) user: Yesterday I found a flat."
    )
    turns = parse_items(body, turns=True)
    assert [(t.id, t.role, t.text) for t in turns] == [
        ("m1", "user", "I moved to Lisbon last week."),
        ("m2", "assistant", "How exciting!"),
        ("m3", "user", "Yesterday I found a flat."),
    ]
    midnight = [datetime(2023, 5, 8, tzinfo=UTC)] * 2 + [datetime(2023, 5, 9, tzinfo=UTC)]
    assert [t.at for t in turns] == midnight


def test_the_rendered_date_is_the_utc_day_without_the_time() -> None:
    # Two calls seconds apart on one day are one request; a naive time is taken as UTC.
    morning = render_turns([("m1", "user", "hi", datetime(2023, 5, 8, 0, 0, 1))])
    evening = render_turns(
        [("m1", "user", "hi", datetime(2023, 5, 9, 1, 0, tzinfo=timezone(timedelta(hours=2))))]
    )
    assert morning == evening == "[m1] (Mon 2023-05-08) user: hi"


@pytest.mark.parametrize(
    ("line", "at"),
    [
        pytest.param("[m1] user: hi", None, id="undated"),
        pytest.param("[m1] (2023-05-08) user: hi", datetime(2023, 5, 8, tzinfo=UTC), id="no-day"),
        pytest.param("[m1] (Mon 2023-02-30) user: hi", None, id="not-a-date"),
    ],
)
def test_item_at_is_none_without_a_real_date(line: str, at: datetime | None) -> None:
    (turn,) = parse_items(line, turns=True)
    assert (turn.role, turn.text, turn.at) == ("user", "hi", at)


def test_long_items_are_clipped_with_a_marker() -> None:
    text = "word " * 100_000
    line = render_items([("k1", text)])
    assert len(line) < MAX_ITEM_CHARS + 60
    assert line.endswith(f"… [cut at {MAX_ITEM_CHARS:,} of {len(text):,} characters]")
    (turn,) = parse_items(render_turns([("m1", "user", text)]), turns=True)
    assert turn.text.startswith("word word") and "cut at 4,000" in turn.text
    assert clip("short\n text") == "short text"
    assert clip(" " * 10_000 + "tail") == "tail"
