"""Who may do what in a group: coordinators are the chat's administrators plus appointed members.

Administrator lists come from the messenger (getChatAdministrators on Telegram), cached for a
few minutes and dropped as soon as a chat-member update says the administrators changed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.chat import Messenger
from bot.models import Group, Role, User
from storage.members import MemberRepository

log = logging.getLogger(__name__)

ADMIN_CACHE_TTL = timedelta(minutes=10)


class Roles:
    def __init__(self, members: MemberRepository) -> None:
        self._members = members
        self._admins: dict[tuple[str, str], tuple[frozenset[str], datetime]] = {}

    async def administrators(
        self, messenger: Messenger, group: Group, now: datetime
    ) -> frozenset[str]:
        key = (group.messenger, group.chat_id)
        cached = self._admins.get(key)
        if cached is not None and now - cached[1] < ADMIN_CACHE_TTL:
            return cached[0]
        try:
            admins = frozenset(await messenger.administrators(group.chat_id))
        except Exception:
            # A messenger hiccup must not lock coordinators out: use what we knew, if anything.
            log.warning("could not read the administrators of group %s", group.id, exc_info=True)
            return cached[0] if cached else frozenset()
        self._admins[key] = (admins, now)
        return admins

    def forget_administrators(self, messenger_name: str, chat_id: str) -> None:
        self._admins.pop((messenger_name, chat_id), None)

    async def is_administrator(
        self, messenger: Messenger, group: Group, user: User, now: datetime
    ) -> bool:
        """An administrator of the chat itself (only they appoint coordinators)."""
        return user.external_id in await self.administrators(messenger, group, now)

    async def role(self, messenger: Messenger, group: Group, user: User, now: datetime) -> Role:
        """The user's role in the group right now."""
        if user.external_id in await self.administrators(messenger, group, now):
            return Role.COORDINATOR
        member = await self._members.member(group.id, user.id)
        return member.role if member is not None else Role.LID

    async def is_coordinator(
        self, messenger: Messenger, group: Group, user: User, now: datetime
    ) -> bool:
        return await self.role(messenger, group, user, now) is Role.COORDINATOR

    async def coordinated_groups(
        self, messenger: Messenger, user: User, now: datetime
    ) -> list[Group]:
        """The active groups this user coordinates (for coordinator commands in a private chat)."""
        return [
            group
            for group, _ in await self._members.groups_of(user.id)
            if group.messenger == messenger.name
            and await self.is_coordinator(messenger, group, user, now)
        ]
