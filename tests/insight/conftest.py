"""Fixtures for coordinator insight: a scheduler driven by the test clock, signals, messengers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from bot.app import BuurtBot
from bot.chat import ChatMigrated, Message, Reply, Sent
from bot.jobs import Job
from bot.models import Group, Signal, SignalDraft, Source, Status
from tests.harness import GROUP, Chats, Clock, RecordingMessenger


@dataclass
class FakeScheduler:
    """bot.jobs.Scheduler whose one-shot jobs run when the test says the clock got there."""

    clock: Clock
    pending: dict[str, tuple[datetime, Job]] = field(default_factory=dict)
    repeating: dict[str, timedelta] = field(default_factory=dict)
    repeating_jobs: dict[str, Job] = field(default_factory=dict)
    ran: list[tuple[str, datetime]] = field(default_factory=list)

    def every(self, interval: timedelta, job: Job, name: str, first: timedelta) -> None:
        self.repeating[name] = interval
        self.repeating_jobs[name] = job

    def at(self, when: datetime, job: Job, name: str) -> None:
        self.pending[name] = (when, job)

    def cancel(self, name: str) -> None:
        self.pending.pop(name, None)

    def when(self, name: str) -> datetime | None:
        entry = self.pending.get(name)
        return entry[0] if entry else None

    async def run_until(self, moment: datetime) -> None:
        """Advance the clock job by job up to ``moment``, running each one-shot job on time."""
        while True:
            due = [(when, name) for name, (when, _) in self.pending.items() if when <= moment]
            if not due:
                break
            when, name = min(due)
            _, job = self.pending.pop(name)
            self.clock.now = max(self.clock.now, when)
            self.ran.append((name, self.clock.now))
            await job()
        self.clock.now = max(self.clock.now, moment)


@dataclass
class TroubledMessenger(RecordingMessenger):
    """A RecordingMessenger whose chats can also have migrated or fail outright, and which
    notes the clock time of every message."""

    clock: Clock | None = None
    migrated: dict[str, str] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)
    times: list[tuple[datetime, str, str]] = field(default_factory=list)

    async def send(self, chat_id: str, reply: Reply, *, button_id: str = "") -> Sent:
        if chat_id in self.migrated:
            raise ChatMigrated(chat_id, self.migrated[chat_id])
        if chat_id in self.broken:
            raise RuntimeError(f"network trouble for {chat_id}")
        sent = await super().send(chat_id, reply, button_id=button_id)
        if isinstance(reply, Message) and self.clock is not None:
            self.times.append((self.clock.now, chat_id, reply.text))
        return sent

    def summaries(self, chat_id: str = GROUP.id) -> list[tuple[datetime, str]]:
        """(time, text) of the weekly summaries posted in the chat."""
        return [
            (when, text)
            for when, chat, text in self.times
            if chat == chat_id and text.startswith(("📰 <b>Weekoverzicht", "📰 <b>Weekly summary"))
        ]


@pytest.fixture
def messenger(clock: Clock) -> TroubledMessenger:
    return TroubledMessenger(clock=clock)


@pytest.fixture
def scheduler(clock: Clock) -> FakeScheduler:
    return FakeScheduler(clock)


async def the_group(bot: BuurtBot, chat_id: str = GROUP.id) -> Group:
    group = await bot.services.groups.by_chat("test", chat_id)
    assert group is not None
    return group


async def setup_group(chats: Chats) -> Group:
    """The bot in GROUP (Cor administrator), registered a while before the test's 'now'."""
    now = chats.clock.now
    chats.clock.now = now - timedelta(days=60)
    await chats.add_bot()
    chats.clock.now = now
    return await the_group(chats.bot)


async def add_signal(
    bot: BuurtBot,
    group_id: int,
    when: datetime,
    category: str = "overlast",
    subcategory: str | None = "geluid",
    *,
    street: str | None = None,
    status: Status | None = None,
    source: Source = Source.GUIDED,
    reporter_id: int | None = None,
    description: str | None = None,
) -> Signal:
    services = bot.services
    signal = await services.signals.add(
        SignalDraft(
            group_id=group_id,
            reporter_id=reporter_id,
            category=category,
            subcategory=subcategory,
            source=source,
            occurred_at=when,
            reported_at=when,
            street=street,
            description=description,
        )
    )
    if status is not None:
        await services.signals.set_status(signal.id, status, when, None)
    return signal
