"""The real Telegram Application, polling a fake Bot API server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import BuurtBot, build
from bot.settings import Settings
from bot.transport.telegram import serve
from tests.fakes.botapi import FakeBotAPI

TOKEN = "123456789:AAE-test-token-never-in-logs_0123456789"


@dataclass
class Telegram:
    api: FakeBotAPI
    settings: Settings
    bot: BuurtBot
    stop: asyncio.Event
    task: asyncio.Task[None]

    async def shutdown(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 15)
        await self.bot.close()

    async def restart(self) -> None:
        """Stop the application and start a new one on the same database."""
        await self.shutdown()
        started = await start_bot(self.api, self.settings)
        self.bot, self.stop, self.task = started.bot, started.stop, started.task


async def start_bot(api: FakeBotAPI, settings: Settings) -> Telegram:
    bot = await build(settings)
    stop = asyncio.Event()
    polls = api.polls
    task = asyncio.create_task(serve(settings, bot, stop, poll_timeout=1))
    await api.wait_for(lambda: api.polls > polls or task.done())
    if task.done():
        task.result()
    return Telegram(api, settings, bot, stop, task)


@pytest.fixture
async def telegram(tmp_path: Path) -> AsyncIterator[Telegram]:
    api = FakeBotAPI(TOKEN)
    base = await api.start()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_token=SecretStr(TOKEN),
        telegram_base_url=base,
        db=tmp_path / "e2e.sqlite3",
    )
    harness = await start_bot(api, settings)
    try:
        yield harness
    finally:
        with contextlib.suppress(Exception):
            await harness.shutdown()
        await api.stop()
