"""Short local handles for the ids a prompt shows: `m1, m2, …` messages, `k1, k2, …` memories.

Stored ids are random UUIDs. Quoting them in a prompt makes the same input a different request
every time (no cache hit, token counts that drift between identical runs) and costs about 20
tokens per id. A prompt shows handles instead, numbered in the order it shows them, and the
ids in the model's answer are mapped back before the ops reach the store:

- a known memory handle becomes the memory's id;
- any other memory id (a handle the prompt did not show, a made-up or a real UUID) is
  replaced by a text naming the problem, so the store rejects the op and records that
  reason in `memory_events`, as it does for unknown ids;
- message handles become message ids; unknown ones are dropped (the manager then cites the
  whole batch, so provenance is never empty).

Models sometimes echo the brackets or change case (`[K2]`); both are accepted.
"""

from __future__ import annotations

from memlab.schema import MemoryOp

__all__ = ["Handles"]


def _norm(handle: str) -> str:
    return handle.strip().strip("[]").strip().lower()


class Handles:
    """The handle ⇄ id maps of one request (one extraction or memory task)."""

    def __init__(self) -> None:
        self._messages: dict[str, str] = {}
        self._memories: dict[str, str] = {}
        self._message_handle: dict[str, str] = {}
        self._memory_handle: dict[str, str] = {}

    def message(self, message_id: str) -> str:
        """The handle of a message (`m<n>`), numbered in the order messages are first shown."""
        return self._handle(message_id, "m", self._message_handle, self._messages)

    def memory(self, memory_id: str) -> str:
        """The handle of a memory (`k<n>`), numbered in the order memories are first shown."""
        return self._handle(memory_id, "k", self._memory_handle, self._memories)

    @staticmethod
    def _handle(real: str, prefix: str, handles: dict[str, str], ids: dict[str, str]) -> str:
        found = handles.get(real)
        if found is None:
            found = handles[real] = f"{prefix}{len(handles) + 1}"
            ids[found] = real
        return found

    def message_id(self, handle: str) -> str | None:
        """The message a handle names, or None when the prompt showed no such handle."""
        return self._messages.get(_norm(handle))

    def memory_id(self, handle: str) -> str | None:
        """The memory a handle names, or None when the prompt showed no such handle."""
        return self._memories.get(_norm(handle))

    def resolve(self, op: MemoryOp) -> MemoryOp:
        """`op` with real ids in place of handles (see the module docstring for unknown ones)."""
        memory_id = op.memory_id
        if op.op == "add":
            memory_id = None  # an add makes a new memory; any id the model gave is meaningless
        elif memory_id is not None:
            memory_id = self.memory_id(memory_id) or self._unknown(memory_id)
        sources = [real for h in op.source_message_ids if (real := self.message_id(h))]
        return op.model_copy(
            update={"memory_id": memory_id, "source_message_ids": list(dict.fromkeys(sources))}
        )

    def _unknown(self, given: str) -> str:
        n = len(self._memories)
        shown = "no memories" if n == 0 else "k1" if n == 1 else f"k1-k{n}"
        return f"{given} (not a memory handle of this prompt, which showed {shown})"
