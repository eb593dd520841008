"""Fixtures shared by the three tiers: storage, handlers, end-to-end."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import BuurtBot, build
from bot.settings import Settings
from nlp.analyzer import Analyzer
from nlp.training import ensure_model
from storage.db import Database
from tests.harness import Chats, Clock, RecordingMessenger

REPO = Path(__file__).resolve().parent.parent
# Its own directory under var/ (git-ignored), so tests never race a running bot's var/model.
TEST_MODEL_DIR = REPO / "var" / "test-model"


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """The real model, trained at most once per run (again only when corpus or code changed)."""
    return ensure_model(TEST_MODEL_DIR)


@pytest.fixture(scope="session")
def analyzer(model_dir: Path) -> Analyzer:
    return Analyzer.load(model_dir)


@pytest.fixture(autouse=True)
def _share_the_model(analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every bot a test builds uses the one real model loaded for the session."""
    monkeypatch.setattr("bot.app.load_analyzer", lambda _settings: analyzer)


@pytest.fixture
def settings(tmp_path: Path, model_dir: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        db=tmp_path / "buurtbot.sqlite3", model_dir=model_dir, _env_file=None
    )


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
