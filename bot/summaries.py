"""The weekly summary: composed per group from sections, sent exactly once per group per week.

Composition
    A summary is a header plus *sections*, each an async function of a ``SummaryWeek`` that
    returns rendered text or None (left out). The built-in sections are registered here; other
    features add theirs in ``bot.app`` with ``Summaries.add_section(name, render, order=...,
    prepare=...)``. ``prepare`` (optional) is called once per batch of groups before rendering,
    so a section can load what it needs for many groups in one query. A section that fails is
    logged and left out; it never stops the summary.

Schedule
    Every group has a wall-clock moment in the bot's time zone (default Sunday 19:00). The
    moment of a week is computed from the local date and time, so daylight-saving changes never
    move it; the week it belongs to (ISO week of that local date) is the ledger key, so it is
    never sent twice. One job (``weekly-summaries``) is scheduled at the next moment any group
    is due; a catch-up run at start sends what was due within ``GRACE`` while the bot was down,
    and an hourly sweep does the same in case a run was lost (a suspended process).

Exactly once
    Before sending, a run claims (group, week) in ``summaries_sent``; after sending it marks the
    claim sent. A failed send marks it failed, and a retry run (``RETRY_AFTER`` later, within the
    grace window) tries again, at most ``MAX_ATTEMPTS`` times. A claim left behind by a process
    that died is taken over by the next process. The one window that cannot be closed: a crash
    after Telegram accepted the message but before the ledger recorded it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.chat import Message, Messenger, Sent
from bot.context import deliver
from bot.formatting import category_label, clock, short_date, subcategory_label
from bot.i18n import I18n, Safe, Translator
from bot.insight_models import SummarySettings, WeekFigures
from bot.models import CATEGORIES, Group
from storage.summaries import SummaryRepository
from storage.timeutil import to_epoch
from storage.trends import TrendRepository

if TYPE_CHECKING:
    from bot.context import Services
    from bot.jobs import Job, Scheduler

log = logging.getLogger(__name__)

GRACE = timedelta(hours=12)  # a summary missed while the bot was down is sent this late at most
MAX_ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=10)
BATCH = 500  # groups composed together
SENDING_AT_ONCE = 8  # the transport's rate limiter paces the actual sending
JOB, CATCH_UP_JOB, RETRY_JOB = (
    "weekly-summaries",
    "weekly-summaries-catch-up",
    "weekly-summaries-retry",
)
SWEEP_JOB, SWEEP_EVERY = "weekly-summaries-sweep", timedelta(hours=1)
WAITING_WINDOW = timedelta(days=28)  # "still waiting for follow-up": signals of the last 4 weeks
PARTNER_WINDOW = timedelta(days=90)  # "with a partner": passed on in the last 90 days


# --- when -----------------------------------------------------------------------------------


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def moment_in_week(monday: date, slot: tuple[int, int], tz: ZoneInfo) -> tuple[datetime, str]:
    """The UTC moment of ``slot`` (weekday, minute) in the week starting ``monday``, and its key.

    The wall-clock time is kept across daylight-saving changes. A time that does not exist
    (02:30 on the last Sunday of March) comes out an hour later; one that exists twice (02:30
    on the last Sunday of October) is its first occurrence.
    """
    weekday, minute = slot
    day = monday + timedelta(days=weekday)
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)
    return local.astimezone(UTC), week_key(day)


def _monday(moment: datetime, tz: ZoneInfo) -> date:
    local = moment.astimezone(tz).date()
    return local - timedelta(days=local.weekday())


def last_moment(slot: tuple[int, int], now: datetime, tz: ZoneInfo) -> tuple[datetime, str]:
    """The latest scheduled moment of ``slot`` at or before ``now``, and its week key."""
    monday = _monday(now, tz)
    moment, key = moment_in_week(monday, slot, tz)
    if moment > now:
        moment, key = moment_in_week(monday - timedelta(days=7), slot, tz)
    return moment, key


def next_moment(slot: tuple[int, int], after: datetime, tz: ZoneInfo) -> datetime:
    """The first scheduled moment of ``slot`` strictly after ``after``."""
    monday = _monday(after, tz)
    moment, _ = moment_in_week(monday, slot, tz)
    if moment <= after:
        moment, _ = moment_in_week(monday + timedelta(days=7), slot, tz)
    return moment


def week_before(end: datetime, tz: ZoneInfo, weeks: int = 1) -> datetime:
    """The same wall-clock time ``weeks`` weeks before ``end``."""
    local = end.astimezone(tz)
    day = local.date() - timedelta(days=7 * weeks)
    return datetime.combine(day, local.time(), tzinfo=tz).astimezone(UTC)


# --- composition ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryWeek:
    """Everything a section renders from. ``start``..``end`` is the week (end = the moment)."""

    group: Group
    t: Translator
    tz: ZoneInfo
    start: datetime
    end: datetime
    figures: WeekFigures
    next_at: datetime | None  # the next summary, when one is planned


SectionRender = Callable[[SummaryWeek], Awaitable[str | None]]
SectionPrepare = Callable[[Sequence[Group], datetime, datetime], Awaitable[None]]


@dataclass(frozen=True)
class Section:
    name: str
    render: SectionRender
    order: int = 50
    prepare: SectionPrepare | None = None


class Summaries:
    """Composes weekly summaries and keeps their schedule and ledger."""

    def __init__(
        self,
        repository: SummaryRepository,
        figures: TrendRepository,
        i18n: I18n,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
    ) -> None:
        self.repository = repository
        self._figures = figures
        self._i18n = i18n
        self.tz = tz
        self._clock = clock
        self.boot = secrets.token_hex(8)  # this process, in ledger claims
        self._sections: list[Section] = []
        self._scheduler: Scheduler | None = None
        self._job: Job | None = None
        for section in _BUILT_IN:
            self._sections.append(section)

    # --- sections ---

    def add_section(
        self,
        name: str,
        render: SectionRender,
        *,
        order: int = 50,
        prepare: SectionPrepare | None = None,
    ) -> None:
        """Add (or replace, by name) a section. Built-in orders: this week 10, what stands out
        20, follow-up 30, proud 40, what comes next 90."""
        self._sections = [s for s in self._sections if s.name != name]
        self._sections.append(Section(name, render, order, prepare))

    @property
    def sections(self) -> list[Section]:
        return sorted(self._sections, key=lambda s: s.order)

    async def compose(
        self, groups: Sequence[Group], end: datetime, next_at: datetime | None = None
    ) -> dict[int, str]:
        """The summaries of the week ending at ``end``, per group id.

        ``next_at`` is the next summary's moment (default: a week after ``end``).
        """
        tz = self.tz
        start = week_before(end, tz)
        figures = await self._figures.week_figures(
            [(group.id, group.created_at < start) for group in groups],
            to_epoch(week_before(end, tz, 2)),
            to_epoch(start),
            to_epoch(end),
            to_epoch(end - WAITING_WINDOW),
            to_epoch(end - PARTNER_WINDOW),
        )
        sections = self.sections
        for section in sections:
            if section.prepare is not None:
                try:
                    await section.prepare(groups, start, end)
                except Exception:
                    log.exception("summary section %s could not prepare", section.name)
        following = next_at if next_at is not None else week_before(end, tz, -1)
        texts = {}
        for group in groups:
            week = SummaryWeek(
                group=group,
                t=self._i18n.get(group.language),
                tz=tz,
                start=start,
                end=end,
                figures=figures[group.id],
                next_at=following,
            )
            texts[group.id] = await self._render(week, sections)
        return texts

    async def _render(self, week: SummaryWeek, sections: list[Section]) -> str:
        t, tz = week.t, week.tz
        parts = [
            str(
                t(
                    "summary.header",
                    group=week.group.title,
                    last=short_date(t, week.end.astimezone(tz)),
                    time=clock(week.end.astimezone(tz)),
                )
            )
        ]
        for section in sections:
            try:
                text = await section.render(week)
            except Exception:
                log.exception("summary section %s failed for group %s", section.name, week.group.id)
                continue
            if text:
                parts.append(str(text))
        return "\n\n".join(parts)

    async def preview(self, group: Group, now: datetime) -> str:
        """The summary of the seven days up to ``now`` (not recorded as sent)."""
        settings = await self.repository.settings(group.id)
        following = next_moment(settings.slot, now, self.tz) if settings.enabled else None
        texts = await self.compose([group], now, following)
        return texts[group.id]

    # --- settings and schedule ---

    async def settings(self, group_id: int) -> SummarySettings:
        return await self.repository.settings(group_id)

    async def save_settings(
        self, group_id: int, settings: SummarySettings, now: datetime, by: int | None
    ) -> None:
        """Store the group's settings and move the job at once."""
        await self.repository.save_settings(group_id, settings, now, by)
        await self.reschedule()

    def attach(self, scheduler: Scheduler, job: Job) -> None:
        """Remember where the summary job runs (done once at start by ``bot.app``)."""
        self._scheduler, self._job = scheduler, job

    @property
    def job(self) -> Job | None:
        """The attached job: running it sends what is due now, as the schedule would."""
        return self._job

    async def next_run(self, after: datetime) -> datetime | None:
        slots = await self.repository.slots()
        return min((next_moment(slot, after, self.tz) for slot in slots), default=None)

    async def reschedule(self) -> datetime | None:
        """(Re)plan the job at the next moment any group is due; returns that moment."""
        if self._scheduler is None or self._job is None:
            return None
        when = await self.next_run(self._clock())
        if when is not None:
            self._scheduler.at(when, self._job, JOB)
        else:
            self._scheduler.cancel(JOB)
        return when

    def retry_later(self) -> None:
        if self._scheduler is not None and self._job is not None:
            self._scheduler.at(self._clock() + RETRY_AFTER, self._job, RETRY_JOB)


# --- sending --------------------------------------------------------------------------------


@dataclass
class RunReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: bool = False  # some failed group has attempts left
    unreachable: list[int] = field(default_factory=list)  # bot removed, chat gone
    skipped: list[int] = field(default_factory=list)  # claimed by a run already busy with it


async def send_due(services: Services, messenger: Messenger, now: datetime) -> RunReport:
    """Send every summary that is due at ``now`` (within the grace window) and not yet sent."""
    summaries = services.summaries
    repository = summaries.repository
    report = RunReport()
    for slot in await repository.slots():
        moment, week = last_moment(slot, now, summaries.tz)
        if now - moment > GRACE:
            continue
        groups = await repository.due(slot, week, moment, MAX_ATTEMPTS)
        for first in range(0, len(groups), BATCH):
            batch = groups[first : first + BATCH]
            texts = await summaries.compose(batch, moment)
            await _send_batch(services, messenger, batch, week, texts, report)
    if report.sent or report.failed or report.unreachable:
        log.info(
            "weekly summaries: %d sent, %d failed, %d unreachable",
            len(report.sent),
            len(report.failed),
            len(report.unreachable),
        )
    return report


async def _send_batch(
    services: Services,
    messenger: Messenger,
    batch: Sequence[Group],
    week: str,
    texts: dict[int, str],
    report: RunReport,
) -> None:
    """Send a batch a few at a time; one group's failure never stops the others."""
    gate = asyncio.Semaphore(SENDING_AT_ONCE)

    async def one(group: Group) -> None:
        async with gate:
            await _send_one(services, messenger, group, week, texts[group.id], report)

    await asyncio.gather(*(one(group) for group in batch))


async def _send_one(
    services: Services,
    messenger: Messenger,
    group: Group,
    week: str,
    text: str,
    report: RunReport,
) -> None:
    repository, boot = services.summaries.repository, services.summaries.boot
    if not await repository.claim(group.id, week, boot, services.now(), MAX_ATTEMPTS):
        report.skipped.append(group.id)
        return
    try:
        sent = await deliver(services, messenger, group.chat_id, Message(text=text))
    except Exception:
        log.exception("weekly summary for group %s (%s) could not be sent", group.id, week)
        attempts = await repository.mark_failed(group.id, week, boot)
        report.failed.append(group.id)
        report.retry = report.retry or attempts < MAX_ATTEMPTS
        return
    if sent.message_id is None:
        # deliver() found the chat gone and deactivated the group.
        await repository.mark_failed(group.id, week, boot)
        report.unreachable.append(group.id)
        return
    await repository.mark_sent(group.id, week, boot, services.now(), sent.message_id)
    report.sent.append(group.id)


async def run_scheduled(services: Services, messenger: Messenger) -> RunReport:
    """The job: send what is due, then plan the next run (and a retry after failures)."""
    summaries = services.summaries
    try:
        report = await send_due(services, messenger, services.now())
        if report.retry:
            summaries.retry_later()
        return report
    finally:
        await summaries.reschedule()


def schedule_summaries(services: Services, scheduler: Scheduler, messenger: Messenger) -> None:
    """At start: a catch-up run right away, which also plans the regular job; and an hourly
    sweep of the same run, so a job lost while the process was suspended, or a group that
    came back with its own moment, is picked up (the ledger keeps it to once a week)."""
    job = lambda: run_scheduled(services, messenger)  # noqa: E731
    services.summaries.attach(scheduler, job)
    scheduler.at(services.now() + timedelta(seconds=5), job, CATCH_UP_JOB)
    scheduler.every(SWEEP_EVERY, job, SWEEP_JOB, first=timedelta(minutes=10))


async def send_now(
    services: Services, messenger: Messenger, group: Group, chat_id: str | None = None
) -> Sent:
    """Compose the summary of the last seven days and send it at once (a demo or preview:
    not recorded in the ledger, so the scheduled one still comes)."""
    text = await services.summaries.preview(group, services.now())
    return await deliver(services, messenger, chat_id or group.chat_id, Message(text=text))


# --- the built-in sections ------------------------------------------------------------------


async def _this_week(week: SummaryWeek) -> str:
    t, figures = week.t, week.figures
    lines = [
        str(
            t(
                "summary.this_week",
                n=figures.total.current,
                previous=figures.total.previous,
            )
        )
    ]
    for category in CATEGORIES:
        change = figures.change(category)
        line = t(
            "summary.category_line",
            icon=t(f"taxonomy.icons.{category}"),
            category=category_label(t, category),
            n=change.current,
            previous=change.previous,
            arrow=t(f"summary.arrow_{change.direction}"),
        )
        lines.append(line.rstrip())
    return "\n".join(lines)


def _label(t: Translator, key: tuple[str, str | None]) -> Safe:
    category, subcategory = key
    return t(
        "summary.subcategory",
        category=category_label(t, category),
        subcategory=subcategory_label(t, category, subcategory),
    )


async def _stands_out(week: SummaryWeek) -> str:
    t, figures = week.t, week.figures
    total = figures.total
    items: list[str] = []
    rising = [
        (now - before, key, now, before)
        for key, (now, before) in figures.subcategories.items()
        if now >= 3 and now >= 2 * before and now - before >= 2
    ]
    if rising:
        _, key, now, before = max(rising, key=lambda item: (item[0], item[2]))
        items.append(str(t("summary.rising", what=_label(t, key), n=now, previous=before)))
    if total.current == 0:
        items.append(str(t("summary.quiet_none")))
    elif total.previous >= 4 and total.current <= total.previous * 0.7:
        items.append(str(t("summary.fewer", n=total.current, previous=total.previous)))
    if not items:
        key, (now, _) = max(figures.subcategories.items(), key=lambda item: item[1][0])
        items.append(str(t("summary.most", what=_label(t, key), n=now)))
    return str(t("summary.stands_out", items=Safe("\n".join(f"• {i}" for i in items))))


async def _follow_up(week: SummaryWeek) -> str:
    t, figures = week.t, week.figures
    items = []
    if figures.waiting:
        items.append(str(t("summary.waiting", n=figures.waiting)))
    if figures.with_partner:
        items.append(str(t("summary.with_partner", n=figures.with_partner)))
    if not items:
        items.append(str(t("summary.all_followed")))
    return str(t("summary.follow_up", items=Safe("\n".join(f"• {i}" for i in items))))


async def _proud(week: SummaryWeek) -> str:
    t, figures = week.t, week.figures
    items = []
    if figures.followed_up:
        items.append(str(t("summary.proud_followed", n=figures.followed_up)))
    if figures.total.current:
        items.append(str(t("summary.proud_reports", n=figures.total.current)))
    if figures.new_members:
        items.append(str(t("summary.proud_new_members", n=figures.new_members)))
    if figures.active_members:
        items.append(str(t("summary.proud_active", n=figures.active_members)))
    if not items:
        return str(t("summary.proud_quiet"))
    return str(t("summary.proud", items=Safe(" · ".join(items))))


# Tips, chosen by what was reported most this week: (category, subcategory or None) -> key.
_TIPS: dict[tuple[str, str | None], str] = {
    ("criminaliteit", "diefstal"): "tip_buurtonderzoek",
    ("criminaliteit", "inbraak"): "tip_inbraak",
    ("criminaliteit", "verdachte_persoon"): "tip_signalement",
    ("criminaliteit", "verdacht_voertuig"): "tip_kenteken",
    ("criminaliteit", "oplichting"): "tip_oplichting",
    ("overlast", "openbare_ruimte"): "tip_schouw",
    ("overlast", "afval"): "tip_schouw",
    ("overlast", None): "tip_overlast",
    ("zorg", None): "tip_zorg",
}
_GENERAL_TIPS = ("tip_saar", "tip_melden", "tip_schouw_algemeen", "tip_partners")


def _tip(week: SummaryWeek) -> str:
    counted = {key: now for key, (now, _) in week.figures.subcategories.items() if now}
    if counted:
        category, subcategory = max(counted, key=lambda key: counted[key])
        key = _TIPS.get((category, subcategory)) or _TIPS.get((category, None))
        if key:
            return key
    week_number = week.end.astimezone(week.tz).isocalendar()[1]
    return _GENERAL_TIPS[week_number % len(_GENERAL_TIPS)]


async def _next(week: SummaryWeek) -> str:
    t = week.t
    items = []
    if week.next_at is not None:
        local = week.next_at.astimezone(week.tz)
        items.append(str(t("summary.next_summary", day=short_date(t, local), time=clock(local))))
    items.append(str(t(f"summary.{_tip(week)}")))
    return str(t("summary.next", items=Safe("\n".join(f"• {i}" for i in items))))


_BUILT_IN = (
    Section("this_week", _this_week, 10),
    Section("stands_out", _stands_out, 20),
    Section("follow_up", _follow_up, 30),
    Section("proud", _proud, 40),
    Section("next", _next, 90),
)
