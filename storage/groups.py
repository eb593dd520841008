"""Groups: the chats the bot serves."""

from __future__ import annotations

import secrets
import time
from datetime import datetime

import aiosqlite

from bot.models import Group
from storage.db import Database
from storage.timeutil import from_epoch, to_epoch

_COLUMNS = "id, messenger, chat_id, title, code, language, active, created_at"

# Every update from a group looks its group up by chat id; groups change rarely and only through
# this repository, so the lookup is kept in memory. The age limit bounds what a change made by
# another process (a CLI command on the same database) could leave stale.
_CACHE_SECONDS = 60.0


def _group(row: aiosqlite.Row) -> Group:
    return Group(
        id=row["id"],
        messenger=row["messenger"],
        chat_id=row["chat_id"],
        title=row["title"],
        code=row["code"],
        language=row["language"],
        active=bool(row["active"]),
        created_at=from_epoch(row["created_at"]),
    )


class GroupRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._by_chat: dict[tuple[str, str], tuple[Group, float]] = {}

    async def _one(self, where: str, *args: object) -> Group | None:
        row = await self._db.fetch_one(f"SELECT {_COLUMNS} FROM groups WHERE {where}", args)
        return _group(row) if row else None

    def _changed(self) -> None:
        self._by_chat.clear()

    async def get(self, group_id: int) -> Group | None:
        return await self._one("id = ?", group_id)

    async def by_chat(self, messenger: str, chat_id: str) -> Group | None:
        key = (messenger, chat_id)
        cached = self._by_chat.get(key)
        if cached is not None and time.monotonic() - cached[1] < _CACHE_SECONDS:
            return cached[0]
        group = await self._one("messenger = ? AND chat_id = ?", messenger, chat_id)
        if group is not None:  # unknown chats are not remembered: they may register any moment
            self._by_chat[key] = (group, time.monotonic())
        return group

    async def by_code(self, code: str) -> Group | None:
        return await self._one("code = ?", code)

    async def register(
        self, messenger: str, chat_id: str, title: str, language: str, now: datetime
    ) -> tuple[Group, bool]:
        """Create the group, or reactivate and retitle it; returns (group, newly_created)."""
        self._changed()
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT id, active FROM groups WHERE messenger = ? AND chat_id = ?",
                (messenger, chat_id),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                await conn.execute(
                    "INSERT INTO groups (messenger, chat_id, title, code, language, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (messenger, chat_id, title, secrets.token_urlsafe(9), language, to_epoch(now)),
                )
                created = True
            else:
                await conn.execute(
                    "UPDATE groups SET title = ?, active = 1, deactivated_at = NULL WHERE id = ?",
                    (title, row["id"]),
                )
                created = False
        self._changed()
        group = await self.by_chat(messenger, chat_id)
        assert group is not None
        return group, created

    async def deactivate(self, group_id: int, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE groups SET active = 0, deactivated_at = ? WHERE id = ? AND active = 1",
                (to_epoch(now), group_id),
            )
        self._changed()

    async def move_chat(self, messenger: str, old_chat_id: str, new_chat_id: str) -> Group | None:
        """Follow a chat to its new id (Telegram group → supergroup); all data stays attached."""
        async with self._db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM groups WHERE messenger = ? AND chat_id = ?", (messenger, new_chat_id)
            ) as cur:
                already_moved = await cur.fetchone() is not None
            if not already_moved:
                await conn.execute(
                    "UPDATE groups SET chat_id = ? WHERE messenger = ? AND chat_id = ?",
                    (new_chat_id, messenger, old_chat_id),
                )
                await conn.execute(
                    "UPDATE conversations SET chat_id = ? WHERE messenger = ? AND chat_id = ?",
                    (new_chat_id, messenger, old_chat_id),
                )
        self._changed()
        return await self.by_chat(messenger, new_chat_id)

    async def set_language(self, group_id: int, language: str) -> None:
        await self._db.write("UPDATE groups SET language = ? WHERE id = ?", (language, group_id))
        self._changed()

    async def active(self) -> list[Group]:
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM groups WHERE active = 1 ORDER BY id"
        )
        return [_group(row) for row in rows]
