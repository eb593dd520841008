"""Flow control: the bot fetches no more updates while it has enough in hand."""

from __future__ import annotations

import asyncio
from pathlib import Path

from pydantic import SecretStr
from telegram import Chat, Message, Update, User

from bot.app import build
from bot.settings import Settings
from bot.transport.telegram import UpdateQueue, build_application


def _update(update_id: int) -> Update:
    chat = Chat(-5, "group")
    message = Message(update_id, None, chat, from_user=User(1, "Anna", False), text="x")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def _turns(n: int = 5) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


async def test_put_waits_at_the_limit_and_goes_on_when_one_is_handled() -> None:
    queue = UpdateQueue(limit=2)
    await queue.put(_update(1))
    await queue.put(_update(2))
    third = asyncio.create_task(queue.put(_update(3)))
    await _turns()
    assert not third.done(), "two in hand: the third waits (polling pauses)"
    assert queue.qsize() == 2

    first = queue.get_nowait()
    await _turns()
    assert not third.done(), "taken out of the queue is still in hand until handled"
    assert isinstance(first, Update) and first.update_id == 1
    queue.task_done()
    await asyncio.wait_for(third, 1)
    assert queue.in_hand == 2
    assert [u.update_id for u in (queue.get_nowait(), queue.get_nowait())] == [2, 3]  # type: ignore[attr-defined]
    queue.task_done()
    queue.task_done()
    assert queue.in_hand == 0


async def test_several_waiting_puts_keep_their_order_and_the_limit() -> None:
    queue = UpdateQueue(limit=1)
    await queue.put(_update(1))
    waiting = [asyncio.create_task(queue.put(_update(i))) for i in (2, 3, 4)]
    handled: list[int] = []
    while len(handled) < 4:
        update = await asyncio.wait_for(queue.get(), 1)
        assert queue.in_hand <= 1
        handled.append(update.update_id)  # type: ignore[attr-defined]
        queue.task_done()
    await asyncio.gather(*waiting)
    assert handled == [1, 2, 3, 4]


async def test_the_stop_signal_is_never_held_back() -> None:
    queue = UpdateQueue(limit=1)
    await queue.put(_update(1))
    stop = object()  # what Application.stop() puts
    await asyncio.wait_for(queue.put(stop), 1)
    assert queue.qsize() == 2


async def test_the_application_uses_it_with_the_configured_limit(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_token=SecretStr("123456789:AAE-test-token-0123456789abcdef"),
        db=tmp_path / "q.sqlite3",
        max_updates_in_hand=7,
    )
    bot = await build(settings)
    try:
        application = build_application(settings, bot)
        assert isinstance(application.update_queue, UpdateQueue)
        assert application.update_queue.limit == 7
    finally:
        await bot.close()
