"""The data blocks prompts carry and the offline model reads back."""

from __future__ import annotations

from memlab.llm.sections import (
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
