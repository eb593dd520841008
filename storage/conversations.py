"""Open conversations (a half-finished /melding), kept in SQLite so a restart loses nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from storage.db import Database
from storage.timeutil import from_epoch, to_epoch


@dataclass
class Conversation:
    messenger: str
    chat_id: str
    user_id: str
    flow: str
    step: str
    token: str
    started_at: datetime
    updated_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


def _conversation(row: aiosqlite.Row) -> Conversation:
    return Conversation(
        messenger=row["messenger"],
        chat_id=row["chat_id"],
        user_id=row["user_id"],
        flow=row["flow"],
        step=row["step"],
        token=row["token"],
        started_at=from_epoch(row["started_at"]),
        updated_at=from_epoch(row["updated_at"]),
        data=json.loads(row["data"]),
    )


class ConversationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, messenger: str, chat_id: str, user_id: str) -> Conversation | None:
        row = await self._db.fetch_one(
            "SELECT * FROM conversations WHERE messenger = ? AND chat_id = ? AND user_id = ?",
            (messenger, chat_id, user_id),
        )
        return _conversation(row) if row else None

    async def save(self, conv: Conversation) -> None:
        await self._db.write(
            "INSERT INTO conversations (messenger, chat_id, user_id, flow, step, token, data,"
            " started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (messenger, chat_id, user_id) DO UPDATE SET flow = excluded.flow,"
            " step = excluded.step, token = excluded.token, data = excluded.data,"
            " started_at = excluded.started_at, updated_at = excluded.updated_at",
            (
                conv.messenger,
                conv.chat_id,
                conv.user_id,
                conv.flow,
                conv.step,
                conv.token,
                json.dumps(conv.data, ensure_ascii=False),
                to_epoch(conv.started_at),
                to_epoch(conv.updated_at),
            ),
        )

    async def delete(self, messenger: str, chat_id: str, user_id: str, token: str) -> bool:
        """Remove the conversation if it is still the one with ``token``; True when removed."""
        removed = await self._db.write(
            "DELETE FROM conversations WHERE messenger = ? AND chat_id = ? AND user_id = ?"
            " AND token = ?",
            (messenger, chat_id, user_id, token),
        )
        return removed > 0

    async def idle_since(self, before: datetime) -> list[Conversation]:
        async with self._db.conn.execute(
            "SELECT * FROM conversations WHERE updated_at < ? ORDER BY updated_at",
            (to_epoch(before),),
        ) as cur:
            return [_conversation(row) async for row in cur]

    async def of_user(self, messenger: str, user_id: str) -> list[Conversation]:
        async with self._db.conn.execute(
            "SELECT * FROM conversations WHERE messenger = ? AND user_id = ?", (messenger, user_id)
        ) as cur:
            return [_conversation(row) async for row in cur]
