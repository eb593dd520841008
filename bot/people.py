"""Who is talking: users and their group membership, with a write-avoiding cache."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from bot.chat import Sender
from bot.models import User
from storage.members import MemberRepository

# A member's "last seen" only needs to be roughly right; refreshing it at most this often
# keeps busy groups from costing a database write per message.
_REFRESH = timedelta(minutes=10)
_CACHE_SIZE = 50_000


class People:
    def __init__(self, members: MemberRepository) -> None:
        self._members = members
        self._seen: OrderedDict[tuple[str, str, int | None], tuple[User, datetime]] = OrderedDict()

    async def seen(
        self, messenger: str, sender: Sender, now: datetime, group_id: int | None = None
    ) -> User:
        """Record that ``sender`` wrote (in ``group_id``), returning the stored user."""
        key = (messenger, sender.id, group_id)
        cached = self._seen.get(key)
        if cached is not None:
            user, when = cached
            if now - when < _REFRESH and user.display_name == sender.name:
                self._seen.move_to_end(key)
                return user
        user = await self._members.upsert_user(
            messenger, sender.id, sender.name, sender.language, now, group_id=group_id
        )
        self._seen[key] = (user, now)
        if len(self._seen) > _CACHE_SIZE:
            self._seen.popitem(last=False)
        return user

    def forget(self, messenger: str, external_id: str) -> None:
        """Drop cached entries of an erased account so it is not silently re-created."""
        for key in [k for k in self._seen if k[0] == messenger and k[1] == external_id]:
            del self._seen[key]

    def left(self, messenger: str, external_id: str, group_id: int) -> None:
        self._seen.pop((messenger, external_id, group_id), None)
