"""Short handles in prompts, mapped back to stored ids."""

from __future__ import annotations

from memlab.llm.handles import Handles
from memlab.schema import MemoryOp


def _handles() -> Handles:
    handles = Handles()
    assert [handles.message(i) for i in ("uuid-a", "uuid-b", "uuid-a")] == ["m1", "m2", "m1"]
    assert [handles.memory(i) for i in ("mem-x", "mem-y")] == ["k1", "k2"]
    return handles


def test_handles_map_back_to_the_ids_they_stand_for() -> None:
    handles = _handles()
    op = MemoryOp(op="update", memory_id="[K2]", memory="x", source_message_ids=["m2", " m1 "])
    resolved = handles.resolve(op)
    assert resolved.memory_id == "mem-y"
    assert resolved.source_message_ids == ["uuid-b", "uuid-a"]


def test_an_unknown_memory_handle_names_the_problem_and_sources_are_dropped() -> None:
    handles = _handles()
    for given in ("k3", "mem-x", "m1"):  # not shown, a real id, a message handle
        op = handles.resolve(MemoryOp(op="delete", memory_id=given))
        assert op.memory_id == f"{given} (not a memory handle of this prompt, which showed k1-k2)"
    op = handles.resolve(MemoryOp(op="add", memory_id="k1", memory="x", source_message_ids=["m9"]))
    assert (op.memory_id, op.source_message_ids) == (None, [])
    empty = Handles().resolve(MemoryOp(op="update", memory_id="k1", memory="x"))
    assert empty.memory_id == "k1 (not a memory handle of this prompt, which showed no memories)"
