"""`new_id` writes UUID4 text by hand (for speed): it must stay a valid, random UUID4."""

from __future__ import annotations

import uuid

from memlab.schema import new_id


def test_new_ids_are_distinct_canonical_uuid4_text() -> None:
    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
        assert str(parsed) == text  # lower-case, dashed: what str(uuid.uuid4()) gave
    # Every variant nibble (8, 9, a, b) shows up: the random bits reach it.
    assert {text[19] for text in ids} == set("89ab")
