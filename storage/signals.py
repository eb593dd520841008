"""Signals and their append-only event history."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

import aiosqlite

from bot.models import Signal, SignalDraft, SignalEvent, Source, Status
from storage.db import Database
from storage.timeutil import from_epoch, to_epoch

_INSERT_COLUMNS = (
    "group_id, reporter_id, category, subcategory, urgent, called_112, source, occurred_at,"
    " reported_at, street, confidence, show_name, chat_message_id, description, location_text,"
    " lat, lon, photo_ref, details"
)


def _row_values(draft: SignalDraft) -> tuple[object, ...]:
    return (
        draft.group_id,
        draft.reporter_id,
        draft.category,
        draft.subcategory,
        int(draft.urgent),
        int(draft.called_112),
        draft.source.value,
        to_epoch(draft.occurred_at),
        to_epoch(draft.reported_at),
        draft.street,
        draft.confidence,
        int(draft.show_name),
        draft.chat_message_id,
        draft.description,
        draft.location_text,
        draft.lat,
        draft.lon,
        draft.photo_ref,
        json.dumps(draft.details, ensure_ascii=False) if draft.details else None,
    )


def stored(draft: SignalDraft, signal_id: int) -> Signal:
    """The signal exactly as reading it back would give it (times in whole UTC seconds)."""
    return Signal(
        **draft.model_dump(exclude={"occurred_at", "reported_at"}),
        occurred_at=from_epoch(to_epoch(draft.occurred_at)),
        reported_at=from_epoch(to_epoch(draft.reported_at)),
        id=signal_id,
    )


def _signal(row: aiosqlite.Row) -> Signal:
    return Signal(
        id=row["id"],
        group_id=row["group_id"],
        reporter_id=row["reporter_id"],
        category=row["category"],
        subcategory=row["subcategory"],
        urgent=bool(row["urgent"]),
        called_112=bool(row["called_112"]),
        source=Source(row["source"]),
        status=Status(row["status"]),
        occurred_at=from_epoch(row["occurred_at"]),
        reported_at=from_epoch(row["reported_at"]),
        street=row["street"],
        confidence=row["confidence"],
        show_name=bool(row["show_name"]),
        chat_message_id=row["chat_message_id"],
        description=row["description"],
        location_text=row["location_text"],
        lat=row["lat"],
        lon=row["lon"],
        photo_ref=row["photo_ref"],
        details=json.loads(row["details"]) if row["details"] else {},
        purged=row["purged_at"] is not None,
    )


_EVENT_SQL = (
    "INSERT INTO signal_events (signal_id, at, kind, actor_id, data) VALUES (?, ?, ?, ?, ?)"
)


def _event_values(
    signal_id: int, kind: str, at: datetime, actor_id: int | None, data: dict[str, Any] | None
) -> tuple[object, ...]:
    return (signal_id, to_epoch(at), kind, actor_id, json.dumps(data or {}, ensure_ascii=False))


def add_event(
    conn: sqlite3.Connection,
    signal_id: int,
    kind: str,
    at: datetime,
    actor_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Append to a signal's history (work for ``Database.run_transaction``)."""
    conn.execute(_EVENT_SQL, _event_values(signal_id, kind, at, actor_id, data))


async def change_with_event(
    db: Database,
    sql: str,
    params: tuple[object, ...],
    signal_id: int,
    kind: str,
    at: datetime,
    actor_id: int | None,
    data: dict[str, Any] | None = None,
) -> bool:
    """A conditional change of a signal and its history event, together; False if unchanged."""

    def work(conn: sqlite3.Connection) -> bool:
        if conn.execute(sql, params).rowcount == 0:
            return False
        add_event(conn, signal_id, kind, at, actor_id, data)
        return True

    return await db.run_transaction(work)


_PLACEHOLDERS = ", ".join("?" * len(_INSERT_COLUMNS.split(",")))


def insert_signal(conn: sqlite3.Connection, draft: SignalDraft) -> int:
    """Insert a signal and its ``created`` event (work for ``Database.run_transaction``)."""
    cur = conn.execute(
        f"INSERT INTO signals ({_INSERT_COLUMNS}) VALUES ({_PLACEHOLDERS})", _row_values(draft)
    )
    signal_id = cur.lastrowid
    assert signal_id is not None
    add_event(
        conn,
        signal_id,
        "created",
        draft.reported_at,
        draft.reporter_id,
        {"source": draft.source.value, "category": draft.category},
    )
    return signal_id


class SignalRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, draft: SignalDraft) -> Signal:
        """Store the signal together with its ``created`` event."""
        signal_id = await self._db.run_transaction(lambda conn: insert_signal(conn, draft))
        return stored(draft, signal_id)  # everything stored is known: no read-back

    async def get(self, signal_id: int) -> Signal | None:
        row = await self._db.fetch_one("SELECT * FROM signals WHERE id = ?", (signal_id,))
        return _signal(row) if row else None

    async def set_chat_message(self, signal_id: int, message_id: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE signals SET chat_message_id = ? WHERE id = ?", (message_id, signal_id)
            )

    async def by_reporter(self, reporter_id: int, limit: int = 50) -> list[Signal]:
        rows = await self._db.fetch_all(
            "SELECT * FROM signals WHERE reporter_id = ? ORDER BY reported_at DESC, id DESC"
            " LIMIT ?",
            (reporter_id, limit),
        )
        return [_signal(row) for row in rows]

    async def count_by_reporter(self, reporter_id: int) -> int:
        async with self._db.conn.execute(
            "SELECT COUNT(*) FROM signals WHERE reporter_id = ?", (reporter_id,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def count(self, group_id: int) -> int:
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM signals WHERE group_id = ?", (group_id,)
        )
        return int(row[0]) if row else 0

    async def events(self, signal_id: int) -> list[SignalEvent]:
        async with self._db.conn.execute(
            "SELECT * FROM signal_events WHERE signal_id = ? ORDER BY id", (signal_id,)
        ) as cur:
            return [
                SignalEvent(
                    id=row["id"],
                    signal_id=row["signal_id"],
                    at=from_epoch(row["at"]),
                    kind=row["kind"],
                    actor_id=row["actor_id"],
                    data=json.loads(row["data"]),
                )
                async for row in cur
            ]

    async def purge_personal(self, reported_before: datetime, now: datetime) -> int:
        """Erase expired personal content (text, exact place, photo, signalement); counts stay."""
        cutoff = to_epoch(reported_before)
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE signal_messages SET text = NULL WHERE text IS NOT NULL AND signal_id IN"
                " (SELECT id FROM signals WHERE purged_at IS NULL AND reported_at < ?)",
                (cutoff,),
            )
            await conn.execute(
                "UPDATE corrections SET text = NULL WHERE text IS NOT NULL AND corrected_at < ?",
                (cutoff,),
            )
            await conn.execute("DELETE FROM chat_questions WHERE asked_at < ?", (cutoff,))
            cur = await conn.execute(
                "UPDATE signals SET description = NULL, location_text = NULL, lat = NULL,"
                " lon = NULL, photo_ref = NULL, details = NULL, purged_at = ?"
                " WHERE purged_at IS NULL AND reported_at < ?",
                (to_epoch(now), cutoff),
            )
            return cur.rowcount

    async def set_status(
        self, signal_id: int, status: Status, at: datetime, actor_id: int | None
    ) -> bool:
        """Move the signal to ``status`` and record a 'status' event; False when unchanged."""
        return await change_with_event(
            self._db,
            "UPDATE signals SET status = ? WHERE id = ? AND status <> ?",
            (status.value, signal_id, status.value),
            signal_id,
            "status",
            at,
            actor_id,
            {"status": status.value},
        )

    async def add_feedback(
        self, signal_id: int, at: datetime, actor_id: int | None, data: dict[str, Any]
    ) -> None:
        """Record a partner's feedback (terugkoppeling) on the signal."""
        await self._db.run_transaction(
            lambda conn: add_event(conn, signal_id, "feedback", at, actor_id, data)
        )


__all__ = ["SignalRepository", "add_event", "change_with_event"]
