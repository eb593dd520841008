"""The composition root: builds every part once and wires them together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.charts import Charts
from bot.chat import Incoming, Kind, Messenger
from bot.context import Context, Services, utc_now
from bot.i18n import LANGUAGES, I18n
from bot.jobs import Scheduler, purge_expired
from bot.partners import Partners
from bot.people import People
from bot.roles import Roles
from bot.router import Command, Router, Where
from bot.settings import Settings
from bot.summaries import Summaries, schedule_summaries
from bot.trends import Trends
from bot.understanding import (
    RENEW_AFTER_NEW_STRINGS,
    ChatUnderstanding,
    Classifier,
    LocalClassifier,
    Thresholds,
)
from handlers import (
    activities,
    chatter,
    coordinators,
    group_settings,
    ideas,
    impact,
    invitations,
    melding,
    membership,
    mydata,
    partners,
    private_flow,
    schouw,
    start,
    trend,
)
from storage.chat_signals import ChatSignalRepository
from storage.conversations import ConversationRepository
from storage.db import Database
from storage.groups import GroupRepository
from storage.impact import ImpactStore
from storage.members import MemberRepository
from storage.partners import PartnerRepository
from storage.privacy import PrivacyRepository
from storage.signals import SignalRepository
from storage.summaries import SummaryRepository
from storage.trends import TrendRepository

if TYPE_CHECKING:
    from nlp.analyzer import Analyzer

log = logging.getLogger(__name__)


def register_handlers(router: Router) -> None:
    """Every command, button prefix, conversation flow and chat event, in one list."""
    for command in (
        Command("start", start.start),
        Command("help", start.help_),
        Command("melding", melding.command),
        Command("annuleer", private_flow.cancel, where=Where.PRIVATE),
        Command("privacy", start.privacy),
        Command("mijngegevens", mydata.show, where=Where.PRIVATE),
        Command("vergeet", mydata.forget, where=Where.PRIVATE),
        Command("niveau", impact.command, coordinator=True),
        Command("schouw", activities.command_schouw, coordinator=True),
        Command("activiteit", activities.command_activity, coordinator=True),
        Command("gemeente", impact.region, where=Where.GROUP, coordinator=True),
        Command("uitnodigingen", impact.invitations, where=Where.GROUP, coordinator=True),
        Command("idee", ideas.command),
        Command("trend", trend.command, coordinator=True),
        Command("coordinator", coordinators.command, where=Where.GROUP, coordinator=True),
        Command("partnercode", partners.code_command, coordinator=True),
        Command("partners", partners.list_command, coordinator=True),
        Command("partner", partners.partner_command, where=Where.PRIVATE, in_menu=False),
        Command("instellingen", group_settings.command, coordinator=True),
        Command("correctie", chatter.correct, where=Where.GROUP, coordinator=True),
    ):
        router.command(command)
    router.button(trend.PREFIX, trend.on_button)
    router.button(coordinators.PREFIX, coordinators.on_button)
    router.button(partners.PREFIX, partners.on_button)
    router.button(partners.VIEW_PREFIX, partners.on_view)
    router.button(group_settings.PREFIX, group_settings.on_button)
    router.button(melding.PREFIX, melding.on_button)
    router.button(mydata.PREFIX, mydata.on_button)
    router.button(chatter.ASK_PREFIX, chatter.on_answer)
    router.button(chatter.CALLED_PREFIX, chatter.on_called)
    router.button(chatter.CORRECT_PREFIX, chatter.on_correct_button)
    router.chatter(chatter.on_group_message)
    router.flow(melding.FLOW, melding.on_input)
    router.button(impact.PREFIX, impact.on_button)
    router.button(activities.PREFIX, activities.on_button)
    router.button(invitations.PREFIX, invitations.on_button)
    router.button(schouw.OFFER_PREFIX, schouw.on_offer)
    router.button(schouw.PREFIX, schouw.on_button)
    router.button(ideas.PREFIX, ideas.on_decision)
    router.button(ideas.FLOW_PREFIX, ideas.on_group_choice)
    router.flow(impact.FLOW, impact.on_input)
    router.flow(activities.FLOW, activities.on_input)
    router.flow(schouw.FLOW, schouw.on_input)
    router.flow(ideas.FLOW, ideas.on_input)
    router.event(Kind.BOT_ADDED, membership.register_group)
    router.event(Kind.BOT_REMOVED, membership.bot_removed)
    router.event(Kind.CHAT_MIGRATED, membership.chat_migrated)
    router.event(Kind.MEMBER_JOINED, membership.members_joined)
    router.event(Kind.MEMBER_LEFT, membership.member_left)
    router.event(Kind.ADMINS_CHANGED, membership.admins_changed)
    router.coordinator_check(is_coordinator)
    router.unregistered_group(membership.register_group)
    router.private_fallback(start.private_fallback)


async def is_coordinator(ctx: Context) -> bool:
    """In a group: coordinator of that group; in a private chat: of at least one group."""
    services, user = ctx.services, ctx.user
    if user is None:
        return False
    if ctx.group is not None:
        return await services.roles.is_coordinator(ctx.messenger, ctx.group, user, ctx.now)
    return bool(await services.roles.coordinated_groups(ctx.messenger, user, ctx.now))


@dataclass
class BuurtBot:
    """The running bot, independent of the messenger that carries it."""

    services: Services
    router: Router

    def prepare(self, incoming: Incoming) -> None:
        """Called by a transport as soon as ``incoming`` arrives, in the task that handles it."""
        self.router.prepare(incoming)

    async def handle(self, incoming: Incoming, messenger: Messenger) -> Context:
        return await self.router.handle(incoming, messenger)

    def schedule(self, scheduler: Scheduler, messenger: Messenger) -> None:
        """Register every recurring job; called once at start."""
        services = self.services
        scheduler.every(
            timedelta(minutes=1),
            lambda: melding.sweep_idle(services, messenger),
            "expire-conversations",
            first=timedelta(seconds=5),
        )
        scheduler.every(
            timedelta(hours=1),
            lambda: purge_expired(services),
            "retention",
            first=timedelta(seconds=30),
        )
        scheduler.every(
            timedelta(minutes=5),
            lambda: invitations.run_due(services, messenger),
            "invitations",
            first=timedelta(seconds=20),
        )
        scheduler.every(
            timedelta(minutes=5),
            lambda: chatter.expire_questions(services, messenger),
            "expire-questions",
            first=timedelta(seconds=15),
        )
        schedule_summaries(services, scheduler, messenger)

    async def invitations_now(self, messenger: Messenger) -> dict[str, int]:
        """Run the invitation job at once (the terminal chat's ``:uitnodigingen``)."""
        return await invitations.run_due(self.services, messenger)

    def menu(self, language: str, *, coordinator: bool) -> list[tuple[str, str]]:
        """(command, description) for the messenger's command menu."""
        t = self.services.i18n.get(language)
        return [
            (command.name, str(t(f"commands.{command.name}")))
            for command in self.router.commands.values()
            if command.in_menu and (coordinator or not command.coordinator)
        ]

    @property
    def languages(self) -> tuple[str, ...]:
        return LANGUAGES

    async def close(self) -> None:
        try:
            await self.services.understanding.close()
        finally:
            await self.services.db.close()


def load_analyzer(settings: Settings) -> Analyzer:
    """The Dutch message classifier; trained first when it is missing or stale (under a minute)."""
    from nlp.analyzer import Analyzer
    from nlp.training import ensure_model

    return Analyzer.load(ensure_model(settings.model_dir))


async def start_classifier(settings: Settings, analyzer: Analyzer | None = None) -> Classifier:
    """Where chat messages are classified: the given analyzer, else a worker process, else
    (``BUURTBOT_NLP_WORKER=false``) a model loaded in this process."""
    if analyzer is not None:
        return LocalClassifier(analyzer)
    if settings.nlp_worker:
        from nlp.worker import WorkerClassifier

        worker = WorkerClassifier(settings.model_dir, RENEW_AFTER_NEW_STRINGS)
        await worker.start()
        return worker
    return LocalClassifier(load_analyzer(settings))


async def build(
    settings: Settings,
    clock: Callable[[], datetime] = utc_now,
    analyzer: Analyzer | None = None,
) -> BuurtBot:
    """Everything, once. ``analyzer`` lets tests share one loaded model between bots."""
    classifier = await start_classifier(settings, analyzer)
    try:
        return await _build(settings, clock, classifier)
    except BaseException:
        await classifier.close()
        raise


async def _build(
    settings: Settings, clock: Callable[[], datetime], classifier: Classifier
) -> BuurtBot:
    db = await Database.open(settings.db)
    members = MemberRepository(db)
    i18n = I18n(settings.language)
    figures = TrendRepository(db)
    chat_signals = ChatSignalRepository(db)
    thresholds = Thresholds(settings.classify_log_threshold, settings.classify_ask_threshold)
    services = Services(
        settings=settings,
        db=db,
        groups=GroupRepository(db),
        members=members,
        signals=SignalRepository(db),
        conversations=ConversationRepository(db),
        privacy=PrivacyRepository(db),
        people=People(members),
        roles=Roles(members),
        partners=Partners(PartnerRepository(db)),
        trends=Trends(figures, settings.tz),
        summaries=Summaries(SummaryRepository(db), figures, i18n, settings.tz, clock),
        charts=Charts(),
        i18n=i18n,
        impact=ImpactStore(db),
        chat_signals=chat_signals,
        understanding=ChatUnderstanding(classifier, chat_signals, thresholds),
        clock=clock,
    )
    services.summaries.add_section("impact", impact.summary_section(services), order=45)
    router = Router(services)
    register_handlers(router)
    return BuurtBot(services, router)
