"""A group's partners (wijkagent, gemeente, handhaving) and the one-time codes that add them."""

from __future__ import annotations

from datetime import datetime

from bot.insight_models import Partner, PartnerKind, Redeemed, Redemption
from bot.models import Group
from storage.db import Database
from storage.groups import _COLUMNS as _GROUP_COLUMNS
from storage.groups import _group
from storage.members import _user
from storage.timeutil import from_epoch, to_epoch

_G_COLUMNS = ", ".join(f"g.{c.strip()}" for c in _GROUP_COLUMNS.split(","))


class PartnerRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_code(
        self,
        group_id: int,
        code_hash: str,
        kind: PartnerKind,
        created_by: int | None,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO partner_codes (group_id, code_hash, kind, created_by, created_at,"
                " expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (group_id, code_hash, kind.value, created_by, to_epoch(now), to_epoch(expires_at)),
            )

    async def redeem(self, code_hash: str, user_id: int, now: datetime) -> Redemption:
        """Use the code for ``user_id``: at most once, before it expires, for an active group."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT c.id, c.group_id, c.kind, c.expires_at, c.used_at, c.created_by, g.active"
                " FROM partner_codes c JOIN groups g ON g.id = c.group_id WHERE c.code_hash = ?",
                (code_hash,),
            ) as cur:
                row = await cur.fetchone()
            if row is None or row["used_at"] is not None:
                return Redemption(Redeemed.UNKNOWN)
            group_id, kind = row["group_id"], PartnerKind(row["kind"])
            if row["expires_at"] <= to_epoch(now):
                return Redemption(Redeemed.EXPIRED, group_id, kind)
            if not row["active"]:
                return Redemption(Redeemed.INACTIVE, group_id, kind)
            async with conn.execute(
                "SELECT 1 FROM partners WHERE group_id = ? AND user_id = ?", (group_id, user_id)
            ) as cur:
                if await cur.fetchone() is not None:
                    return Redemption(Redeemed.ALREADY, group_id, kind)
            cur = await conn.execute(
                "UPDATE partner_codes SET used_at = ?, used_by = ?"
                " WHERE id = ? AND used_at IS NULL",
                (to_epoch(now), user_id, row["id"]),
            )
            if cur.rowcount != 1:
                return Redemption(Redeemed.UNKNOWN)
            await conn.execute(
                "INSERT INTO partners (group_id, user_id, kind, added_at, added_by)"
                " VALUES (?, ?, ?, ?, ?)",
                (group_id, user_id, kind.value, to_epoch(now), row["created_by"]),
            )
        return Redemption(Redeemed.OK, group_id, kind)

    async def open_codes(self, group_id: int, now: datetime) -> int:
        async with self._db.conn.execute(
            "SELECT COUNT(*) FROM partner_codes WHERE group_id = ? AND used_at IS NULL"
            " AND expires_at > ?",
            (group_id, to_epoch(now)),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def of_group(self, group_id: int) -> list[Partner]:
        async with self._db.conn.execute(
            "SELECT p.kind, p.added_at, u.* FROM partners p JOIN users u ON u.id = p.user_id"
            " WHERE p.group_id = ? ORDER BY p.added_at, u.id",
            (group_id,),
        ) as cur:
            return [
                Partner(
                    group_id=group_id,
                    user=_user(row),
                    kind=PartnerKind(row["kind"]),
                    added_at=from_epoch(row["added_at"]),
                )
                async for row in cur
            ]

    async def groups_of(self, user_id: int) -> list[tuple[Group, PartnerKind]]:
        """The active groups this user is a partner of."""
        async with self._db.conn.execute(
            f"SELECT {_G_COLUMNS}, p.kind FROM partners p JOIN groups g ON g.id = p.group_id"
            " WHERE p.user_id = ? AND g.active = 1 ORDER BY g.title, g.id",
            (user_id,),
        ) as cur:
            return [(_group(row), PartnerKind(row["kind"])) async for row in cur]

    async def is_partner(self, group_id: int, user_id: int) -> bool:
        async with self._db.conn.execute(
            "SELECT 1 FROM partners WHERE group_id = ? AND user_id = ?", (group_id, user_id)
        ) as cur:
            return await cur.fetchone() is not None

    async def remove(self, group_id: int, user_id: int) -> bool:
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "DELETE FROM partners WHERE group_id = ? AND user_id = ?", (group_id, user_id)
            )
            return cur.rowcount > 0
