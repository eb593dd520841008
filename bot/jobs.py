"""Scheduled work, independent of the transport that runs it.

On Telegram the scheduler is PTB's JobQueue; in the terminal chat it is APScheduler's
AsyncIOScheduler directly (the JobQueue wraps the same scheduler).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.context import Services

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]

ONE_SHOT_GRACE = timedelta(hours=1)


class Scheduler(Protocol):
    def every(self, interval: timedelta, job: Job, name: str, first: timedelta) -> None: ...

    def at(self, when: datetime, job: Job, name: str) -> None:
        """Run ``job`` once at the aware moment ``when``, replacing a pending job ``name``.

        A run delayed by a busy loop still happens (within ``ONE_SHOT_GRACE``).
        """
        ...

    def cancel(self, name: str) -> None:
        """Drop the pending job ``name``, if any."""
        ...


async def run_logged(name: str, job: Job) -> None:
    """Run one job; a failure is logged and never stops the scheduler."""
    try:
        await job()
    except Exception:
        log.exception("scheduled job %s failed", name)


class AsyncIOJobs:
    """Scheduler for transports without a JobQueue (the terminal chat)."""

    def __init__(self, timezone: str) -> None:
        self.scheduler = AsyncIOScheduler(timezone=timezone)

    def every(self, interval: timedelta, job: Job, name: str, first: timedelta) -> None:
        self.scheduler.add_job(
            run_logged,
            "interval",
            args=(name, job),
            seconds=interval.total_seconds(),
            next_run_time=datetime.now(UTC) + first,
            id=name,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )

    def at(self, when: datetime, job: Job, name: str) -> None:
        self.scheduler.add_job(
            run_logged,
            "date",
            args=(name, job),
            run_date=when,
            id=name,
            replace_existing=True,
            misfire_grace_time=int(ONE_SHOT_GRACE.total_seconds()),
        )

    def cancel(self, name: str) -> None:
        if self.scheduler.get_job(name) is not None:
            self.scheduler.remove_job(name)

    def start(self) -> None:
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)


async def purge_expired(services: Services) -> int:
    """Erase personal content older than the retention period."""
    now = services.now()
    cutoff = now - timedelta(days=services.settings.retention_days)
    purged = await services.signals.purge_personal(cutoff, now)
    if purged:
        log.info("retention: erased personal content of %d signals", purged)
    return purged
