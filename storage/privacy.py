"""Erasure of one person's data across aggregates, in a single transaction."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True)
class Held:
    """Counts of what else is kept about one person, for /mijngegevens."""

    rsvps: int
    ideas: int
    partner_of: tuple[str, ...]


class PrivacyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def held(self, user_id: int) -> Held:
        async def count(sql: str) -> int:
            row = await self._db.fetch_one(sql, (user_id,))
            return int(row[0]) if row else 0

        async with self._db.conn.execute(
            "SELECT g.title FROM partners p JOIN groups g ON g.id = p.group_id"
            " WHERE p.user_id = ? ORDER BY g.title",
            (user_id,),
        ) as cur:
            partner_of = tuple([row[0] async for row in cur])
        return Held(
            rsvps=await count("SELECT COUNT(*) FROM rsvps WHERE user_id = ?"),
            ideas=await count("SELECT COUNT(*) FROM ideas WHERE proposer_id = ?"),
            partner_of=partner_of,
        )

    async def forget_user(self, user_id: int, messenger: str, external_id: str) -> None:
        """Erase the account, its memberships, open conversations and the personal content of
        its signals; the signals themselves stay, anonymised, so the group's counts stay true."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE signals SET description = NULL, location_text = NULL, lat = NULL,"
                " lon = NULL, photo_ref = NULL, details = NULL, show_name = 0"
                " WHERE reporter_id = ?",
                (user_id,),
            )
            # Their words also live on in the chat messages of a signal and in corrections.
            mine = "SELECT id FROM signals WHERE reporter_id = ?"
            await conn.execute(
                f"UPDATE signal_messages SET text = NULL WHERE signal_id IN ({mine})", (user_id,)
            )
            await conn.execute(
                f"UPDATE corrections SET text = NULL WHERE signal_id IN ({mine})", (user_id,)
            )
            await conn.execute(
                "DELETE FROM conversations WHERE messenger = ? AND user_id = ?",
                (messenger, external_id),
            )
            await conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
