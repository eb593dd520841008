"""Flow control: the bot asks for no more updates while it has enough in hand."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import SecretStr
from telegram import Bot, Update

from bot.app import build
from bot.settings import Settings
from bot.transport.telegram import PollingRequest, UpdateQueue, build_application
from tests.fakes.botapi import FakeBotAPI
from tests.transport.updates import text_update

TOKEN = "123456789:AAE-test-token-0123456789abcdef"


async def _turns(n: int = 5) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


async def test_in_hand_counts_until_handled_and_room_opens_below_the_limit() -> None:
    queue = UpdateQueue(limit=2)
    await queue.put(text_update(1, -5))
    queue.put_nowait(text_update(2, -5))
    assert queue.in_hand == 2
    room = asyncio.create_task(queue.room())
    await _turns()
    assert not room.done(), "two in hand: no room"
    taken = queue.get_nowait()
    await _turns()
    assert not room.done(), "taken out of the queue is still in hand until handled"
    assert isinstance(taken, Update) and taken.update_id == 1
    queue.task_done()
    await asyncio.wait_for(room, 1)
    assert queue.in_hand == 1
    await queue.put(text_update(3, -5))  # putting never waits: a fetched batch goes in whole
    await queue.put(text_update(4, -5))
    assert queue.in_hand == 3 and queue.qsize() == 3


async def test_a_long_poll_waits_for_room_the_confirming_call_at_stop_does_not() -> None:
    api = FakeBotAPI(TOKEN)
    base = await api.start()
    queue = UpdateQueue(limit=1)
    queue.put_nowait(text_update(1, -5))
    bot = Bot(TOKEN, base_url=f"{base}/bot", get_updates_request=PollingRequest(queue))
    try:
        await bot.initialize()
        polls = api.polls
        long_poll = asyncio.create_task(bot.get_updates(timeout=1))
        await asyncio.sleep(0.1)
        assert api.polls == polls, "the bot does not ask while its hands are full"
        await asyncio.wait_for(bot.get_updates(timeout=0), 2)
        assert api.polls == polls + 1, "the call that confirms updates at stop is not held"
        queue.get_nowait()
        queue.task_done()
        await asyncio.wait_for(long_poll, 3)
        assert api.polls == polls + 2
    finally:
        await bot.shutdown()
        await api.stop()


async def test_the_application_uses_it_with_the_configured_limit(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_token=SecretStr(TOKEN),
        db=tmp_path / "q.sqlite3",
        max_updates_in_hand=7,
    )
    bot = await build(settings)
    try:
        application = build_application(settings, bot)
        queue = application.update_queue
        assert isinstance(queue, UpdateQueue) and queue.limit == 7
        request = application.bot._request[0]  # PTB keeps (getUpdates request, other request)
        assert isinstance(request, PollingRequest) and request.queue is queue
    finally:
        await bot.close()
