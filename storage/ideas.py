"""Members' ideas for their group and the coordinators' decisions on them."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.impact_models import Idea, IdeaStatus
from storage.db import Database
from storage.timeutil import from_epoch, maybe_from_epoch, to_epoch


def _idea(row: aiosqlite.Row) -> Idea:
    return Idea(
        id=row["id"],
        group_id=row["group_id"],
        proposer_id=row["proposer_id"],
        text=row["text"],
        proposed_at=from_epoch(row["proposed_at"]),
        status=IdeaStatus(row["status"]),
        decided_by=row["decided_by"],
        decided_at=maybe_from_epoch(row["decided_at"]),
        message_id=row["message_id"],
    )


class IdeaRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, group_id: int, proposer_id: int | None, text: str, now: datetime) -> Idea:
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO ideas (group_id, proposer_id, text, proposed_at) VALUES (?, ?, ?, ?)",
                (group_id, proposer_id, text, to_epoch(now)),
            )
            idea_id = cur.lastrowid
        assert idea_id is not None
        idea = await self.get(idea_id)
        assert idea is not None
        return idea

    async def get(self, idea_id: int) -> Idea | None:
        async with self._db.conn.execute("SELECT * FROM ideas WHERE id = ?", (idea_id,)) as cur:
            row = await cur.fetchone()
        return _idea(row) if row else None

    async def set_message(self, idea_id: int, message_id: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE ideas SET message_id = ? WHERE id = ?", (message_id, idea_id)
            )

    async def decide(
        self, idea_id: int, status: IdeaStatus, decided_by: int, now: datetime
    ) -> bool:
        """Adopt or decline a proposed idea; False when it was decided before."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE ideas SET status = ?, decided_by = ?, decided_at = ?"
                " WHERE id = ? AND status = 'voorgesteld'",
                (status.value, decided_by, to_epoch(now), idea_id),
            )
            return cur.rowcount > 0

    async def open_by(self, group_id: int, proposer_id: int) -> int:
        """How many of this member's ideas in the group still wait for a decision."""
        async with self._db.conn.execute(
            "SELECT COUNT(*) FROM ideas WHERE group_id = ? AND proposer_id = ?"
            " AND status = 'voorgesteld'",
            (group_id, proposer_id),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def of_group(self, group_id: int, limit: int = 20) -> list[Idea]:
        """Newest first."""
        async with self._db.conn.execute(
            "SELECT * FROM ideas WHERE group_id = ? ORDER BY proposed_at DESC, id DESC LIMIT ?",
            (group_id, limit),
        ) as cur:
            return [_idea(row) async for row in cur]
