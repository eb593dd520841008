"""The two real schedulers' one-shot jobs, and ':samenvatting' in the terminal chat."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

from telegram.ext import Application

from bot.app import BuurtBot
from bot.jobs import AsyncIOJobs
from bot.transport.console import HELP, ConsoleChat, ConsoleMessenger
from bot.transport.telegram import JobQueueScheduler
from tests.e2e.conftest import TOKEN
from tests.harness import Clock
from tests.insight.conftest import add_signal


async def nothing() -> None:
    return None


async def test_asyncio_jobs_replace_and_cancel_one_shot_jobs() -> None:
    jobs = AsyncIOJobs("Europe/Amsterdam")
    first, second = datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 1, 2, tzinfo=UTC)
    jobs.at(first, nothing, "weekly")
    jobs.at(second, nothing, "weekly")
    jobs.start()
    try:
        [job] = jobs.scheduler.get_jobs()
        assert job.id == "weekly" and job.next_run_time == second
        jobs.cancel("weekly")
        jobs.cancel("weekly")  # nothing pending: no error
        assert jobs.scheduler.get_jobs() == []

        ran = asyncio.Event()

        async def job() -> None:
            ran.set()

        jobs.at(datetime.now(UTC) + timedelta(milliseconds=50), job, "soon")
        await asyncio.wait_for(ran.wait(), 10)
    finally:
        jobs.shutdown()


async def test_job_queue_scheduler_replaces_and_cancels_one_shot_jobs() -> None:
    application = Application.builder().token(TOKEN).build()
    assert application.job_queue is not None
    scheduler = JobQueueScheduler(application.job_queue)
    first, second = datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 1, 2, tzinfo=UTC)
    scheduler.at(first, nothing, "weekly")
    scheduler.at(second, nothing, "weekly")
    [job] = application.job_queue.get_jobs_by_name("weekly")
    assert job.job.trigger.run_date == second  # not started: the trigger holds the moment
    scheduler.cancel("weekly")
    assert application.job_queue.get_jobs_by_name("weekly") == ()


async def test_samenvatting_in_the_terminal_chat(buurtbot: BuurtBot, clock: Clock) -> None:
    out = io.StringIO()
    chat = ConsoleChat(buurtbot, ConsoleMessenger(out=out))
    await chat.start()
    group = await buurtbot.services.groups.by_chat("console", "demo-groep")
    assert group is not None
    await add_signal(buurtbot, group.id, clock.now - timedelta(days=1), "zorg", "onwel")
    await chat.line(":samenvatting")
    shown = out.getvalue()
    assert "📰 Weekoverzicht · Buurtpreventie Demo-wijk" in shown
    assert "Deze week: 1 melding (vorige week 0)" in shown
    assert await buurtbot.services.summaries.repository.ledger(group.id) == []
    assert ":samenvatting" in HELP
