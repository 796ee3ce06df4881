"""`FakeClock` records waits and advances virtual time without sleeping."""

from __future__ import annotations

import asyncio

from memlab.testing import FakeClock


def test_waits_are_recorded_in_order_and_add_up_to_now() -> None:
    clock = FakeClock()

    async def back_off() -> None:
        for seconds in (0.5, 1.0, 2.0):
            await clock.sleep(seconds)

    asyncio.run(back_off())
    assert clock.waits == [0.5, 1.0, 2.0] and clock.now == 3.5
