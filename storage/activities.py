"""Activities, the invitation ledger, answers (RSVPs), reminders and schouw checklists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.impact_models import (
    Activity,
    ActivityDraft,
    ActivityKind,
    Invitation,
    InvitationState,
    Rsvp,
    RsvpCounts,
)
from storage.db import Database
from storage.timeutil import from_epoch, maybe_from_epoch, to_epoch

_WEEK = timedelta(days=7)

# Fields an import may change on an existing activity (its key stays).
_UPDATABLE = (
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "location",
    "region",
    "region_key",
    "levels",
    "description",
    "url",
)


def _levels(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def _activity(row: aiosqlite.Row) -> Activity:
    return Activity(
        id=row["id"],
        key=row["key"],
        kind=ActivityKind(row["kind"]),
        title=row["title"],
        starts_at=from_epoch(row["starts_at"]),
        ends_at=maybe_from_epoch(row["ends_at"]),
        location=row["location"],
        region=row["region"],
        region_key=row["region_key"],
        levels=_levels(row["levels"]),
        description=row["description"],
        url=row["url"],
        group_id=row["group_id"],
        created_by=row["created_by"],
        created_at=from_epoch(row["created_at"]),
        cancelled=row["cancelled_at"] is not None,
    )


def _values(draft: ActivityDraft) -> dict[str, object]:
    return {
        "kind": draft.kind.value,
        "title": draft.title,
        "starts_at": to_epoch(draft.starts_at),
        "ends_at": to_epoch(draft.ends_at) if draft.ends_at else None,
        "location": draft.location,
        "region": draft.region,
        "region_key": draft.region_key,
        "levels": ",".join(str(level) for level in draft.levels),
        "description": draft.description,
        "url": draft.url,
    }


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


class ActivityRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, activity_id: int) -> Activity | None:
        async with self._db.conn.execute(
            "SELECT * FROM activities WHERE id = ?", (activity_id,)
        ) as cur:
            row = await cur.fetchone()
        return _activity(row) if row else None

    async def by_key(self, key: str) -> Activity | None:
        async with self._db.conn.execute("SELECT * FROM activities WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return _activity(row) if row else None

    async def add(self, draft: ActivityDraft, now: datetime) -> Activity:
        """Store a group's own activity (a schouw, a meeting ...)."""
        values = _values(draft)
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                f"INSERT INTO activities (key, group_id, created_by, created_at, updated_at,"
                f" {', '.join(values)}) VALUES (?, ?, ?, ?, ?, {', '.join('?' * len(values))})",
                (
                    draft.key,
                    draft.group_id,
                    draft.created_by,
                    to_epoch(now),
                    to_epoch(now),
                    *values.values(),
                ),
            )
            activity_id = cur.lastrowid
        assert activity_id is not None
        activity = await self.get(activity_id)
        assert activity is not None
        return activity

    async def import_regional(self, drafts: list[ActivityDraft], now: datetime) -> ImportResult:
        """Insert or update the association's activities by key, all in one transaction."""
        added = updated = unchanged = 0
        async with self._db.transaction() as conn:
            for draft in drafts:
                values = _values(draft)
                async with conn.execute(
                    f"SELECT id, group_id, {', '.join(_UPDATABLE)} FROM activities WHERE key = ?",
                    (draft.key,),
                ) as cur:
                    row = await cur.fetchone()
                if row is None:
                    await conn.execute(
                        f"INSERT INTO activities (key, created_at, updated_at, {', '.join(values)})"
                        f" VALUES (?, ?, ?, {', '.join('?' * len(values))})",
                        (draft.key, to_epoch(now), to_epoch(now), *values.values()),
                    )
                    added += 1
                elif row["group_id"] is not None:
                    raise ValueError(f"key {draft.key!r} belongs to a group's own activity")
                elif all(row[name] == values[name] for name in _UPDATABLE):
                    unchanged += 1
                else:
                    assignments = ", ".join(f"{name} = ?" for name in _UPDATABLE)
                    await conn.execute(
                        f"UPDATE activities SET {assignments}, updated_at = ? WHERE id = ?",
                        (*(values[name] for name in _UPDATABLE), to_epoch(now), row["id"]),
                    )
                    updated += 1
        return ImportResult(added, updated, unchanged)

    async def upcoming(self, after: datetime, until: datetime) -> list[Activity]:
        """Activities not cancelled that start in (after, until], soonest first."""
        async with self._db.conn.execute(
            "SELECT * FROM activities WHERE cancelled_at IS NULL AND starts_at > ?"
            " AND starts_at <= ? ORDER BY starts_at, id",
            (to_epoch(after), to_epoch(until)),
        ) as cur:
            return [_activity(row) async for row in cur]

    async def of_group(self, group_id: int, after: datetime) -> list[Activity]:
        """The group's own activities starting after ``after``, soonest first."""
        async with self._db.conn.execute(
            "SELECT * FROM activities WHERE group_id = ? AND cancelled_at IS NULL"
            " AND starts_at > ? ORDER BY starts_at, id",
            (group_id, to_epoch(after)),
        ) as cur:
            return [_activity(row) async for row in cur]

    async def schouwen_ended(self, since: datetime, now: datetime) -> list[Activity]:
        """Groups' own schouwen that ended in [since, now] and have had no checklist yet."""
        async with self._db.conn.execute(
            "SELECT a.* FROM activities a LEFT JOIN schouw_checklists c ON c.activity_id = a.id"
            " WHERE a.kind = 'schouw' AND a.group_id IS NOT NULL AND a.cancelled_at IS NULL"
            " AND c.activity_id IS NULL"
            " AND COALESCE(a.ends_at, a.starts_at + 7200) BETWEEN ? AND ?"
            " ORDER BY a.starts_at",
            (to_epoch(since), to_epoch(now)),
        ) as cur:
            return [_activity(row) async for row in cur]

    async def claim_checklist(self, activity_id: int, user_id: int | None, now: datetime) -> bool:
        """Reserve the one checklist of a schouw; False when it was offered before."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO schouw_checklists (activity_id, user_id, claimed_at) VALUES (?, ?, ?)"
                " ON CONFLICT (activity_id) DO NOTHING",
                (activity_id, user_id, to_epoch(now)),
            )
            return cur.rowcount > 0

    async def complete_checklist(self, activity_id: int, signals: int, now: datetime) -> bool:
        """Record the filled-in checklist; False when it was completed before."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE schouw_checklists SET completed_at = ?, signals = ?"
                " WHERE activity_id = ? AND completed_at IS NULL",
                (to_epoch(now), signals, activity_id),
            )
            return cur.rowcount > 0

    async def checklist_completed(self, activity_id: int) -> bool:
        async with self._db.conn.execute(
            "SELECT completed_at FROM schouw_checklists WHERE activity_id = ?", (activity_id,)
        ) as cur:
            row = await cur.fetchone()
        return row is not None and row["completed_at"] is not None


def _invitation(row: aiosqlite.Row) -> Invitation:
    return Invitation(
        id=row["id"],
        activity_id=row["activity_id"],
        group_id=row["group_id"],
        claimed_at=from_epoch(row["claimed_at"]),
        state=InvitationState(row["state"]),
        sent_at=maybe_from_epoch(row["sent_at"]),
        message_id=row["message_id"],
    )


@dataclass(frozen=True)
class DueReminder:
    invitation: Invitation
    user_id: int
    answer: Rsvp


class InvitationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, invitation_id: int) -> Invitation | None:
        async with self._db.conn.execute(
            "SELECT * FROM invitations WHERE id = ?", (invitation_id,)
        ) as cur:
            row = await cur.fetchone()
        return _invitation(row) if row else None

    async def invited_activities(self, group_id: int) -> set[int]:
        async with self._db.conn.execute(
            "SELECT activity_id FROM invitations WHERE group_id = ?", (group_id,)
        ) as cur:
            return {row["activity_id"] async for row in cur}

    async def claim(
        self, activity_id: int, group_id: int, now: datetime, *, weekly_limit: int | None
    ) -> Invitation | None:
        """Reserve the invitation in the ledger before it is sent.

        None when the group already has it, or (``weekly_limit`` given: a regional invitation)
        when the group had that many regional invitations in the last seven days.
        """
        async with self._db.transaction() as conn:
            if weekly_limit is not None:
                async with conn.execute(
                    "SELECT COUNT(*) FROM invitations WHERE group_id = ? AND regional = 1"
                    " AND state != 'failed' AND claimed_at > ?",
                    (group_id, to_epoch(now - _WEEK)),
                ) as cur:
                    row = await cur.fetchone()
                if row is not None and row[0] >= weekly_limit:
                    return None
            cur = await conn.execute(
                "INSERT INTO invitations (activity_id, group_id, regional, claimed_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (activity_id, group_id) DO NOTHING",
                (activity_id, group_id, int(weekly_limit is not None), to_epoch(now)),
            )
            if cur.rowcount == 0:
                return None
            invitation_id = cur.lastrowid
        assert invitation_id is not None
        return await self.get(invitation_id)

    async def regional_this_week(self, group_id: int, now: datetime) -> int:
        async with self._db.conn.execute(
            "SELECT COUNT(*) FROM invitations WHERE group_id = ? AND regional = 1"
            " AND state != 'failed' AND claimed_at > ?",
            (group_id, to_epoch(now - _WEEK)),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def mark_sent(self, invitation_id: int, message_id: str | None, now: datetime) -> None:
        state = InvitationState.SENT if message_id else InvitationState.FAILED
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE invitations SET state = ?, sent_at = ?, message_id = ? WHERE id = ?",
                (state.value, to_epoch(now), message_id, invitation_id),
            )

    async def answer(self, invitation_id: int, user_id: int, answer: Rsvp, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO rsvps (invitation_id, user_id, answer, answered_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (invitation_id, user_id) DO UPDATE SET"
                " answer = excluded.answer, answered_at = excluded.answered_at",
                (invitation_id, user_id, answer.value, to_epoch(now)),
            )

    async def answer_of(self, invitation_id: int, user_id: int) -> Rsvp | None:
        async with self._db.conn.execute(
            "SELECT answer FROM rsvps WHERE invitation_id = ? AND user_id = ?",
            (invitation_id, user_id),
        ) as cur:
            row = await cur.fetchone()
        return Rsvp(row["answer"]) if row else None

    async def counts(self, invitation_id: int) -> RsvpCounts:
        async with self._db.conn.execute(
            "SELECT answer, COUNT(*) AS n FROM rsvps WHERE invitation_id = ? GROUP BY answer",
            (invitation_id,),
        ) as cur:
            found = {row["answer"]: row["n"] async for row in cur}
        return RsvpCounts(**found)

    async def reminder_candidates(self, after: datetime, until: datetime) -> list[DueReminder]:
        """Yes/maybe answers to sent invitations of activities starting in (after, until] that
        have had no reminder yet."""
        async with self._db.conn.execute(
            "SELECT i.*, r.user_id, r.answer FROM invitations i"
            " JOIN activities a ON a.id = i.activity_id"
            " JOIN rsvps r ON r.invitation_id = i.id"
            " LEFT JOIN reminders_sent s ON s.invitation_id = i.id AND s.user_id = r.user_id"
            " WHERE i.state = 'sent' AND a.cancelled_at IS NULL AND r.answer IN ('ja', 'misschien')"
            " AND s.invitation_id IS NULL AND a.starts_at > ? AND a.starts_at <= ?"
            " ORDER BY a.starts_at, i.id, r.user_id",
            (to_epoch(after), to_epoch(until)),
        ) as cur:
            return [
                DueReminder(_invitation(row), row["user_id"], Rsvp(row["answer"]))
                async for row in cur
            ]

    async def claim_reminder(self, invitation_id: int, user_id: int, now: datetime) -> bool:
        """Reserve the one reminder for this person; False when it was claimed before."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO reminders_sent (invitation_id, user_id, claimed_at) VALUES (?, ?, ?)"
                " ON CONFLICT (invitation_id, user_id) DO NOTHING",
                (invitation_id, user_id, to_epoch(now)),
            )
            return cur.rowcount > 0

    async def reminder_delivered(self, invitation_id: int, user_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE reminders_sent SET delivered = 1 WHERE invitation_id = ? AND user_id = ?",
                (invitation_id, user_id),
            )
