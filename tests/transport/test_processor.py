"""The Telegram update processor: many chats at once, each chat strictly in order."""

from __future__ import annotations

import asyncio
import random

from bot.transport.telegram import ChatOrderedProcessor
from tests.transport.updates import text_update


async def test_one_chat_in_order_many_chats_at_once() -> None:
    processor = ChatOrderedProcessor(max_concurrent_updates=8)
    done: dict[int, list[int]] = {1: [], 2: [], 3: []}
    running = 0
    most_at_once = 0
    rng = random.Random(7)

    async def work(chat_id: int, update_id: int) -> None:
        nonlocal running, most_at_once
        running += 1
        most_at_once = max(most_at_once, running)
        await asyncio.sleep(rng.random() / 200)
        done[chat_id].append(update_id)
        running -= 1

    async with processor:
        tasks = []
        for update_id in range(60):
            chat_id = 1 + update_id % 3
            update = text_update(update_id, chat_id)
            tasks.append(
                asyncio.create_task(processor.process_update(update, work(chat_id, update_id)))
            )
        await asyncio.gather(*tasks)

    for chat_id, order in done.items():
        assert order == sorted(order), f"chat {chat_id} handled out of order"
        assert len(order) == 20
    assert 1 < most_at_once <= 3, "chats run concurrently, one update per chat at a time"
    assert processor._chats == {}, "no lock is kept for idle chats"


async def test_concurrency_is_bounded() -> None:
    processor = ChatOrderedProcessor(max_concurrent_updates=4)
    running = 0
    most_at_once = 0

    async def work() -> None:
        nonlocal running, most_at_once
        running += 1
        most_at_once = max(most_at_once, running)
        await asyncio.sleep(0.005)
        running -= 1

    async with processor:
        await asyncio.gather(
            *(processor.process_update(text_update(i, 100 + i), work()) for i in range(40))
        )
    assert most_at_once == 4


async def test_a_busy_group_does_not_hold_up_other_chats_and_prepare_comes_first() -> None:
    prepared: list[int] = []
    processor = ChatOrderedProcessor(
        max_concurrent_updates=2,
        prepare=lambda update: prepared.append(update.update_id),  # type: ignore[attr-defined]
    )
    group_may_go = asyncio.Event()
    private_done = asyncio.Event()

    async def group_work() -> None:
        await group_may_go.wait()

    async def private_work() -> None:
        private_done.set()

    async with processor:
        # Ten updates of one group: one is handled, nine wait for their turn.
        group = [
            asyncio.create_task(processor.process_update(text_update(i, -5), group_work()))
            for i in range(10)
        ]
        await asyncio.sleep(0.01)
        assert prepared == list(range(10)), "every update is prepared on arrival, not in turn"
        private = asyncio.create_task(processor.process_update(text_update(99, 7), private_work()))
        await asyncio.wait_for(private_done.wait(), timeout=1)  # a free slot despite the queue
        group_may_go.set()
        await asyncio.gather(*group, private)
    assert prepared[-1] == 99


async def test_a_failing_prepare_does_not_lose_the_update() -> None:
    def broken(_update: object) -> None:
        raise RuntimeError("prepare failed")

    processor = ChatOrderedProcessor(max_concurrent_updates=2, prepare=broken)
    handled: list[int] = []

    async def work() -> None:
        handled.append(1)

    async with processor:
        await processor.process_update(text_update(1, -5), work())
    assert handled == [1]
