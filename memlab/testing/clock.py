"""`FakeClock`: a retry clock whose waits return at once and are recorded.

Pass it as `LLM(clock=FakeClock())`: the back-off between attempts then costs no real time,
and a test asserts the waits themselves (`clock.waits == [1.0]` for a `Retry-After: 1`).
"""

from __future__ import annotations

import asyncio
import threading

__all__ = ["FakeClock"]


class FakeClock:
    """A `memlab.llm.retry.Clock` that records each wait and advances virtual time by it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waits: list[float] = []

    @property
    def waits(self) -> list[float]:
        """The seconds of every wait asked for so far, in order."""
        with self._lock:
            return list(self._waits)

    @property
    def now(self) -> float:
        """Virtual seconds since the clock was made: the sum of the waits."""
        with self._lock:
            return sum(self._waits)

    async def sleep(self, seconds: float) -> None:
        """Record the wait and return at once (after yielding to the event loop once)."""
        with self._lock:
            self._waits.append(seconds)
        await asyncio.sleep(0)
