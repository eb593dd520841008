"""What a handler gets: the incoming message, the services, and a way to answer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.chat import (
    Button,
    ChatKind,
    ChatMigrated,
    ChatUnavailable,
    Incoming,
    Message,
    Messenger,
    Notice,
    Reply,
    Sent,
)
from bot.i18n import I18n, Translator
from bot.models import Group, User

if TYPE_CHECKING:
    from bot.charts import Charts
    from bot.partners import Partners
    from bot.people import People
    from bot.roles import Roles
    from bot.settings import Settings
    from bot.summaries import Summaries
    from bot.trends import Trends
    from bot.understanding import ChatUnderstanding
    from storage.chat_signals import ChatSignalRepository
    from storage.conversations import Conversation, ConversationRepository
    from storage.db import Database
    from storage.groups import GroupRepository
    from storage.impact import ImpactStore
    from storage.members import MemberRepository
    from storage.privacy import PrivacyRepository
    from storage.signals import SignalRepository

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Everything handlers and jobs may use; built once in ``bot.app``."""

    settings: Settings
    db: Database
    groups: GroupRepository
    members: MemberRepository
    signals: SignalRepository
    conversations: ConversationRepository
    privacy: PrivacyRepository
    people: People
    roles: Roles
    partners: Partners  # partner list and one-time partner codes (issue 4)
    trends: Trends  # /trend figures (issue 4)
    summaries: Summaries  # weekly summary: composition, schedule, sent-ledger (issue 4)
    charts: Charts  # chart images, matplotlib loaded on first use (issue 4)
    chat_signals: ChatSignalRepository
    understanding: ChatUnderstanding
    i18n: I18n
    impact: ImpactStore  # impact levels, activities, invitations, ideas (issue 5)
    clock: Callable[[], datetime] = utc_now

    def now(self) -> datetime:
        return self.clock()


@dataclass
class Context:
    """One incoming message being handled."""

    incoming: Incoming
    services: Services
    messenger: Messenger
    t: Translator
    now: datetime
    user: User | None = None
    group: Group | None = None  # the registered group, when the message came from one
    conversation: Conversation | None = None  # the open conversation a flow handler resumes
    answered: bool = False
    sent: list[tuple[str, Reply]] = field(default_factory=list)

    @property
    def chat_id(self) -> str:
        return self.incoming.chat.id

    @property
    def in_private(self) -> bool:
        return self.incoming.chat.kind is ChatKind.PRIVATE

    async def send(self, reply: Reply, chat_id: str | None = None) -> Sent:
        """Send to ``chat_id`` (default: this chat), following migrations, tolerating removal."""
        target = chat_id or getattr(reply, "chat_id", None) or self.chat_id
        if isinstance(reply, Notice):
            if self.answered or not self.incoming.button_id:
                return Sent()
            self.answered = True
        self.sent.append((target, reply))
        return await deliver(self.services, self.messenger, target, reply, self.incoming.button_id)

    async def say(
        self, text: str, *, buttons: tuple[tuple[Button, ...], ...] = (), chat_id: str | None = None
    ) -> Sent:
        return await self.send(Message(text=text, buttons=buttons), chat_id)

    async def notice(self, text: str = "", *, alert: bool = False) -> None:
        await self.send(Notice(text=text, alert=alert))

    def translator_for(self, group: Group) -> Translator:
        return self.services.i18n.get(group.language)


async def deliver(
    services: Services, messenger: Messenger, chat_id: str, reply: Reply, button_id: str = ""
) -> Sent:
    """Send one reply; a migrated group is followed once, a lost one is marked inactive."""
    try:
        return await messenger.send(chat_id, reply, button_id=button_id)
    except ChatMigrated as moved:
        group = await services.groups.move_chat(messenger.name, moved.chat_id, moved.new_chat_id)
        log.info(
            "chat %s migrated to %s (group %s)",
            moved.chat_id,
            moved.new_chat_id,
            group.id if group else "unknown",
        )
        return await messenger.send(moved.new_chat_id, reply, button_id=button_id)
    except ChatUnavailable as gone:
        group = await services.groups.by_chat(messenger.name, gone.chat_id)
        if group is not None:
            await services.groups.deactivate(group.id, services.now())
            log.warning("group %s is unreachable; marked inactive, not retrying", group.id)
        else:
            log.info("chat %s is unreachable; reply dropped", gone.chat_id)
        return Sent()
