"""Signals recognised in group chat: their messages, open questions, and corrections."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.models import Signal, SignalDraft, Status
from storage.db import Database
from storage.signals import _signal, add_event, change_with_event, insert_signal, stored
from storage.timeutil import from_epoch, to_epoch


@dataclass(frozen=True)
class ChatMessage:
    group_id: int
    message_id: str
    signal_id: int
    sender_id: int | None
    sent_at: datetime
    text: str | None


@dataclass(frozen=True)
class Question:
    id: int
    group_id: int
    message_id: str
    question_id: str | None
    sender_id: int | None
    text: str
    analysis: dict[str, Any]
    asked_at: datetime


@dataclass(frozen=True)
class Correction:
    text: str
    category: str
    subcategory: str | None
    urgent: bool


@dataclass(frozen=True)
class NewSignal:
    """``take_in``: the message starts a signal of its own."""

    draft: SignalDraft


@dataclass(frozen=True)
class FollowUp:
    """``take_in``: the message adds to ``signal``, whose new content ``fields`` makes from
    all its messages (the new one included); the change is recorded as ``event``."""

    signal: Signal
    fields: Callable[[list[ChatMessage]], dict[str, Any]]
    event: str
    at: datetime
    data: dict[str, Any]


_MESSAGES_OF_SIGNAL = "SELECT * FROM signal_messages WHERE signal_id = ? ORDER BY sent_at, rowid"
_LATEST_OF_SENDER = (
    "SELECT s.* FROM signal_messages m JOIN signals s ON s.id = m.signal_id"
    " WHERE m.group_id = ? AND m.sender_id = ? AND m.sent_at >= ? AND s.status != ?"
    " ORDER BY m.sent_at DESC LIMIT 1"
)
_UPDATABLE = frozenset(
    {
        "category",
        "subcategory",
        "urgent",
        "called_112",
        "description",
        "details",
        "street",
        "location_text",
        "occurred_at",
        "confidence",
        "status",
    }
)


def _message(row: aiosqlite.Row | sqlite3.Row) -> ChatMessage:
    return ChatMessage(
        group_id=row["group_id"],
        message_id=row["message_id"],
        signal_id=row["signal_id"],
        sender_id=row["sender_id"],
        sent_at=from_epoch(row["sent_at"]),
        text=row["text"],
    )


def _question(row: aiosqlite.Row) -> Question:
    return Question(
        id=row["id"],
        group_id=row["group_id"],
        message_id=row["message_id"],
        question_id=row["question_id"],
        sender_id=row["sender_id"],
        text=row["text"],
        analysis=json.loads(row["analysis"]),
        asked_at=from_epoch(row["asked_at"]),
    )


class ChatSignalRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- signals and their messages -----------------------------------------------------

    async def create(
        self, draft: SignalDraft, message_id: str, sent_at: datetime, text: str
    ) -> Signal:
        """A new chat signal with its first message, in one transaction."""

        signal_id = await self._db.run_transaction(
            lambda conn: _insert_with_message(conn, draft, message_id, sent_at, text)
        )
        return stored(draft, signal_id)  # everything stored is known: no read-back

    async def take_in(
        self,
        group_id: int,
        sender_id: int,
        since: datetime,
        message: tuple[str, datetime, str],
        choose: Callable[[Signal | None], NewSignal | FollowUp | None],
    ) -> tuple[NewSignal | FollowUp | None, Signal | None]:
        """A chat message (id, sent_at, text) that may be a signal, in one trip: the sender's
        latest open signal since ``since`` is read, ``choose`` (run on the database thread,
        so pure and quick) says what to do with the message, and it is done in the same
        transaction. Returns the choice and the signal as stored (the recent one, or None,
        when the choice was to store nothing)."""
        message_id, sent_at, text = message

        def work(conn: sqlite3.Connection) -> tuple[NewSignal | FollowUp | None, Signal | None]:
            row = conn.execute(
                _LATEST_OF_SENDER,
                (group_id, sender_id, to_epoch(since), Status.INGETROKKEN.value),
            ).fetchone()
            recent = _signal(row) if row else None
            choice = choose(recent)
            if isinstance(choice, NewSignal):
                draft = choice.draft
                return choice, stored(
                    draft, _insert_with_message(conn, draft, message_id, sent_at, text)
                )
            if isinstance(choice, FollowUp):
                rows = _attach_message(conn, choice.signal, message_id, sender_id, sent_at, text)
                fields = choice.fields([_message(r) for r in rows])
                changed = _change(
                    conn, choice.signal.id, fields, choice.event, choice.at, sender_id, choice.data
                )
                return choice, _signal(changed)
            return None, recent

        return await self._db.run_transaction(work)

    async def by_message(self, group_id: int, message_id: str) -> Signal | None:
        """The signal a chat message belongs to, or the signal a bot post carries."""
        row = await self._db.fetch_one(
            "SELECT s.* FROM signal_messages m JOIN signals s ON s.id = m.signal_id"
            " WHERE m.group_id = ? AND m.message_id = ?",
            (group_id, message_id),
        )
        if row is None:
            row = await self._db.fetch_one(
                "SELECT * FROM signals WHERE group_id = ? AND chat_message_id = ?",
                (group_id, message_id),
            )
        return _signal(row) if row else None

    async def messages(self, signal_id: int) -> list[ChatMessage]:
        rows = await self._db.fetch_all(_MESSAGES_OF_SIGNAL, (signal_id,))
        return [_message(row) for row in rows]

    async def attach(
        self, signal: Signal, message_id: str, sender_id: int | None, sent_at: datetime, text: str
    ) -> list[ChatMessage]:
        """Add another message to a signal (or replace an edited one's text); returns all of
        the signal's messages, read in the same trip."""

        rows = await self._db.run_transaction(
            lambda conn: _attach_message(conn, signal, message_id, sender_id, sent_at, text)
        )
        return [_message(row) for row in rows]

    async def update(
        self,
        signal_id: int,
        fields: dict[str, Any],
        *,
        event: str,
        at: datetime,
        actor_id: int | None,
        data: dict[str, Any] | None = None,
    ) -> Signal:
        """Change a signal's content and record why in its history, in one transaction."""
        return _signal(
            await self._db.run_transaction(
                lambda conn: _change(conn, signal_id, fields, event, at, actor_id, data)
            )
        )

    async def mark_called_112(self, signal_id: int, at: datetime, actor_id: int | None) -> bool:
        """Record that 112 was called; False when somebody already did."""
        return await change_with_event(
            self._db,
            "UPDATE signals SET called_112 = 1 WHERE id = ? AND called_112 = 0",
            (signal_id,),
            signal_id,
            "called_112",
            at,
            actor_id,
        )

    # --- questions ----------------------------------------------------------------------

    async def add_question(
        self,
        group_id: int,
        message_id: str,
        sender_id: int,
        text: str,
        analysis: dict[str, Any],
        asked_at: datetime,
    ) -> int | None:
        """Store a question; None when this message was already asked about."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "INSERT OR IGNORE INTO chat_questions (group_id, message_id, sender_id, text,"
                " analysis, asked_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    group_id,
                    message_id,
                    sender_id,
                    text,
                    json.dumps(analysis, ensure_ascii=False),
                    to_epoch(asked_at),
                ),
            )
            return cur.lastrowid if cur.rowcount else None

    async def set_question_message(self, question_id: int, bot_message_id: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE chat_questions SET question_id = ? WHERE id = ?",
                (bot_message_id, question_id),
            )

    async def question(self, question_id: int) -> Question | None:
        row = await self._db.fetch_one("SELECT * FROM chat_questions WHERE id = ?", (question_id,))
        return _question(row) if row else None

    async def take_question(self, question_id: int) -> bool:
        """Remove an answered question; False when someone answered it first."""
        async with self._db.transaction() as conn:
            cur = await conn.execute("DELETE FROM chat_questions WHERE id = ?", (question_id,))
            return cur.rowcount > 0

    async def recent_questions(self, group_id: int, since: datetime) -> int:
        row = await self._db.fetch_one(
            "SELECT COUNT(*) FROM chat_questions WHERE group_id = ? AND asked_at >= ?",
            (group_id, to_epoch(since)),
        )
        return int(row[0]) if row else 0

    async def expired_questions(self, before: datetime) -> list[Question]:
        async with self._db.conn.execute(
            "SELECT * FROM chat_questions WHERE asked_at < ? ORDER BY asked_at", (to_epoch(before),)
        ) as cur:
            return [_question(row) async for row in cur]

    # --- corrections --------------------------------------------------------------------

    async def add_correction(
        self,
        *,
        signal_id: int | None,
        group_id: int,
        text: str | None,
        predicted: str,
        category: str,
        subcategory: str | None,
        corrected_by: int | None,
        at: datetime,
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO corrections (signal_id, group_id, text, predicted, category,"
                " subcategory, corrected_by, corrected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    signal_id,
                    group_id,
                    text,
                    predicted,
                    category,
                    subcategory,
                    corrected_by,
                    to_epoch(at),
                ),
            )

    async def corrections(self) -> list[Correction]:
        """Every correction whose text is still kept, oldest first (training data).

        Urgency is not corrected: it is the signal's own, as the group saw it.
        """
        rows = await self._db.fetch_all(
            "SELECT c.text, c.category, c.subcategory, COALESCE(s.urgent, 0)"
            " FROM corrections c LEFT JOIN signals s ON s.id = c.signal_id"
            " WHERE c.text IS NOT NULL ORDER BY c.corrected_at, c.id"
        )
        return [Correction(row[0], row[1], row[2], bool(row[3])) for row in rows]


# --- statements shared by the one-trip operations above ---------------------------------------


def _insert_with_message(
    conn: sqlite3.Connection, draft: SignalDraft, message_id: str, sent_at: datetime, text: str
) -> int:
    signal_id = insert_signal(conn, draft)
    conn.execute(
        "INSERT INTO signal_messages (group_id, message_id, signal_id, sender_id, sent_at,"
        " text) VALUES (?, ?, ?, ?, ?, ?)",
        (draft.group_id, message_id, signal_id, draft.reporter_id, to_epoch(sent_at), text),
    )
    return signal_id


def _attach_message(
    conn: sqlite3.Connection,
    signal: Signal,
    message_id: str,
    sender_id: int | None,
    sent_at: datetime,
    text: str,
) -> list[sqlite3.Row]:
    """Add a message to a signal (an edited one's text replaced); all its messages."""
    conn.execute(
        "INSERT INTO signal_messages (group_id, message_id, signal_id, sender_id,"
        " sent_at, text) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, message_id)"
        " DO UPDATE SET text = excluded.text",
        (signal.group_id, message_id, signal.id, sender_id, to_epoch(sent_at), text),
    )
    return conn.execute(_MESSAGES_OF_SIGNAL, (signal.id,)).fetchall()


def _change(
    conn: sqlite3.Connection,
    signal_id: int,
    fields: dict[str, Any],
    event: str,
    at: datetime,
    actor_id: int | None,
    data: dict[str, Any] | None,
) -> sqlite3.Row:
    """Set ``fields`` of a signal and add the event; the signal's row afterwards."""
    assert set(fields) <= _UPDATABLE, set(fields) - _UPDATABLE
    values = []
    for name, value in fields.items():
        if name == "details":
            value = json.dumps(value, ensure_ascii=False) if value else None
        elif name == "occurred_at":
            value = to_epoch(value)
        elif isinstance(value, bool):
            value = int(value)
        values.append(value)
    if fields:
        assignments = ", ".join(f"{name} = ?" for name in fields)
        conn.execute(f"UPDATE signals SET {assignments} WHERE id = ?", (*values, signal_id))
    add_event(conn, signal_id, event, at, actor_id, data)
    row: sqlite3.Row = conn.execute("SELECT * FROM signals WHERE id = ?", (signal_id,)).fetchone()
    return row
