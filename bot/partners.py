"""Partners of a group and the one-time codes that add them.

A coordinator creates a code for one group and one kind of partner; the partner redeems it in
the private chat. Codes are random (60 bits), shown once, stored only as a SHA-256 hash,
single-use and valid for ``CODE_VALIDITY``. Wrong codes are rate-limited per user.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.insight_models import Partner, PartnerKind, Redeemed, Redemption
from bot.models import Group
from storage.partners import PartnerRepository

CODE_VALIDITY = timedelta(hours=72)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud
_LENGTH = 12
_CODE = re.compile(rf"^[{_ALPHABET}]{{{_LENGTH}}}$")
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(hours=1)
_TRACKED_USERS = 10_000


@dataclass(frozen=True)
class NewCode:
    code: str  # shown once: 'ABCD-EFGH-JKLM'
    compact: str  # for deep links: 'ABCDEFGHJKLM'
    expires_at: datetime


def normalise_code(text: str) -> str | None:
    """'abcd-efgh jklm' -> 'ABCDEFGHJKLM'; None when it cannot be a code."""
    compact = re.sub(r"[\s\-]", "", text).upper()
    return compact if _CODE.match(compact) else None


def _hash(compact: str) -> str:
    return hashlib.sha256(f"buurtbot-partner:{compact}".encode()).hexdigest()


class Partners:
    def __init__(self, repository: PartnerRepository) -> None:
        self._repository = repository
        self._failures: dict[int, deque[datetime]] = {}

    async def new_code(
        self, group: Group, kind: PartnerKind, created_by: int | None, now: datetime
    ) -> NewCode:
        compact = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
        expires = now + CODE_VALIDITY
        await self._repository.add_code(group.id, _hash(compact), kind, created_by, now, expires)
        shown = "-".join(compact[i : i + 4] for i in range(0, _LENGTH, 4))
        return NewCode(shown, compact, expires)

    def throttled(self, user_id: int, now: datetime) -> bool:
        """True when this user typed too many wrong codes lately."""
        failures = self._failures.get(user_id)
        if not failures:
            return False
        while failures and now - failures[0] > FAILURE_WINDOW:
            failures.popleft()
        return len(failures) >= MAX_FAILURES

    async def redeem(self, text: str, user_id: int, now: datetime) -> Redemption:
        compact = normalise_code(text)
        result = (
            await self._repository.redeem(_hash(compact), user_id, now)
            if compact
            else Redemption(Redeemed.UNKNOWN)
        )
        if result.outcome in (Redeemed.UNKNOWN, Redeemed.EXPIRED):
            self._failures.setdefault(user_id, deque()).append(now)
            if len(self._failures) > _TRACKED_USERS:
                # Forget users whose last wrong code is older than the window.
                for stale in [u for u, f in self._failures.items() if now - f[-1] > FAILURE_WINDOW]:
                    del self._failures[stale]
        return result

    async def of_group(self, group_id: int) -> list[Partner]:
        return await self._repository.of_group(group_id)

    async def groups_of(self, user_id: int) -> list[tuple[Group, PartnerKind]]:
        return await self._repository.groups_of(user_id)

    async def is_partner(self, group_id: int, user_id: int) -> bool:
        return await self._repository.is_partner(group_id, user_id)

    async def remove(self, group_id: int, user_id: int) -> bool:
        return await self._repository.remove(group_id, user_id)

    async def open_codes(self, group_id: int, now: datetime) -> int:
        return await self._repository.open_codes(group_id, now)
