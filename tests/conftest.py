"""Fixtures shared by the three tiers: storage, handlers, end-to-end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import BuurtBot, build
from bot.settings import Settings
from storage.db import Database
from tests.harness import Chats, Clock, RecordingMessenger


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db=tmp_path / "buurtbot.sqlite3", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = await Database.open(settings.db)
    yield database
    await database.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def buurtbot(settings: Settings, clock: Clock) -> AsyncIterator[BuurtBot]:
    bot = await build(settings, clock=clock)
    yield bot
    await bot.close()


@pytest.fixture
def messenger() -> RecordingMessenger:
    return RecordingMessenger()


@pytest.fixture
def chats(buurtbot: BuurtBot, messenger: RecordingMessenger, clock: Clock) -> Chats:
    return Chats(buurtbot, messenger, clock)
