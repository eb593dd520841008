"""Impact levels: group profiles (gemeente, weekly maximum), assessments and the group's facts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import aiosqlite

from bot.impact_models import AssessmentRecord, GroupFacts, GroupProfile
from storage.activities import ActivityRepository, InvitationRepository
from storage.db import Database
from storage.ideas import IdeaRepository
from storage.timeutil import from_epoch, to_epoch

# New members are counted from this long after the bot joined: before that "joined" only means
# "first seen by the bot".
SETTLING_IN = timedelta(days=14)
_WEEK = 7 * 24 * 3600


def _profile(group_id: int, row: aiosqlite.Row | None) -> GroupProfile:
    if row is None:
        return GroupProfile(group_id=group_id)
    return GroupProfile(
        group_id=group_id,
        region=row["region"],
        region_key=row["region_key"],
        weekly_invitations=row["weekly_invitations"],
    )


class ProfileRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, group_id: int) -> GroupProfile:
        async with self._db.conn.execute(
            "SELECT * FROM group_profiles WHERE group_id = ?", (group_id,)
        ) as cur:
            return _profile(group_id, await cur.fetchone())

    async def set_region(self, group_id: int, region: str, key: str, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO group_profiles (group_id, region, region_key, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (group_id) DO UPDATE SET"
                " region = excluded.region, region_key = excluded.region_key,"
                " updated_at = excluded.updated_at",
                (group_id, region, key, to_epoch(now)),
            )

    async def set_weekly_invitations(self, group_id: int, limit: int, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO group_profiles (group_id, weekly_invitations, updated_at)"
                " VALUES (?, ?, ?) ON CONFLICT (group_id) DO UPDATE SET"
                " weekly_invitations = excluded.weekly_invitations,"
                " updated_at = excluded.updated_at",
                (group_id, limit, to_epoch(now)),
            )

    async def all(self) -> dict[int, GroupProfile]:
        async with self._db.conn.execute("SELECT * FROM group_profiles") as cur:
            return {row["group_id"]: _profile(row["group_id"], row) async for row in cur}


def _assessment(row: aiosqlite.Row) -> AssessmentRecord:
    return AssessmentRecord(
        id=row["id"],
        group_id=row["group_id"],
        assessed_by=row["assessed_by"],
        assessed_at=from_epoch(row["assessed_at"]),
        level=row["level"],
        answers=json.loads(row["answers"]),
        facts=GroupFacts.model_validate_json(row["facts"]),
    )


class AssessmentRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        group_id: int,
        assessed_by: int | None,
        at: datetime,
        level: int,
        answers: dict[str, int],
        facts: GroupFacts,
    ) -> AssessmentRecord:
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO assessments (group_id, assessed_by, assessed_at, level, answers,"
                " facts) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    group_id,
                    assessed_by,
                    to_epoch(at),
                    level,
                    json.dumps(answers, sort_keys=True),
                    facts.model_dump_json(),
                ),
            )
            assessment_id = cur.lastrowid
        async with self._db.conn.execute(
            "SELECT * FROM assessments WHERE id = ?", (assessment_id,)
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return _assessment(row)

    async def latest(self, group_id: int) -> AssessmentRecord | None:
        history = await self.history(group_id, limit=1)
        return history[0] if history else None

    async def history(self, group_id: int, limit: int = 20) -> list[AssessmentRecord]:
        """Newest first."""
        async with self._db.conn.execute(
            "SELECT * FROM assessments WHERE group_id = ? ORDER BY assessed_at DESC, id DESC"
            " LIMIT ?",
            (group_id, limit),
        ) as cur:
            return [_assessment(row) async for row in cur]

    async def latest_levels(self) -> dict[int, int]:
        """Each assessed group's current level."""
        async with self._db.conn.execute(
            "SELECT a.group_id, a.level FROM assessments a WHERE a.id = ("
            " SELECT b.id FROM assessments b WHERE b.group_id = a.group_id"
            " ORDER BY b.assessed_at DESC, b.id DESC LIMIT 1)"
        ) as cur:
            return {row["group_id"]: row["level"] async for row in cur}

    async def facts(self, group_id: int, now: datetime) -> GroupFacts:
        """What the data shows about the group (see ``GroupFacts``)."""
        at = to_epoch(now)
        day = 24 * 3600
        conn = self._db.conn

        async def one(sql: str, *args: object) -> int:
            async with conn.execute(sql, args) as cur:
                row = await cur.fetchone()
            return int(row[0] or 0) if row else 0

        counted = "s.group_id = ? AND s.status != 'ingetrokken' AND s.occurred_at BETWEEN ? AND ?"
        signals = await one(
            f"SELECT COUNT(*) FROM signals s WHERE {counted}", group_id, at - 90 * day, at
        )
        weeks = await one(
            f"SELECT COUNT(DISTINCT (? - s.occurred_at) / {_WEEK}) FROM signals s WHERE {counted}",
            at,
            group_id,
            at - 8 * _WEEK + 1,
            at,
        )
        followed = await one(
            "SELECT COUNT(DISTINCT s.id) FROM signals s JOIN signal_events e ON e.signal_id = s.id"
            f" WHERE e.kind IN ('feedback', 'status') AND {counted}",
            group_id,
            at - 90 * day,
            at,
        )
        members = await one(
            "SELECT COUNT(*) FROM members WHERE group_id = ? AND role != 'partner'", group_id
        )
        new_members = await one(
            "SELECT COUNT(*) FROM members m JOIN groups g ON g.id = m.group_id"
            " WHERE m.group_id = ? AND m.role != 'partner' AND m.joined_at >= ?"
            " AND m.joined_at >= g.created_at + ?",
            group_id,
            at - 180 * day,
            int(SETTLING_IN.total_seconds()),
        )
        attended = await one(
            "SELECT COUNT(DISTINCT a.id) FROM activities a"
            " JOIN invitations i ON i.activity_id = a.id AND i.group_id = ?"
            " JOIN rsvps r ON r.invitation_id = i.id AND r.answer = 'ja'"
            " WHERE a.cancelled_at IS NULL AND a.starts_at BETWEEN ? AND ?",
            group_id,
            at - 180 * day,
            at,
        )
        ideas = await one(
            "SELECT COUNT(*) FROM ideas WHERE group_id = ? AND status = 'aangenomen'"
            " AND decided_at BETWEEN ? AND ?",
            group_id,
            at - 365 * day,
            at,
        )
        return GroupFacts(
            measured_at=now,
            signals_90d=signals,
            signal_weeks_8=weeks,
            followed_up_90d=followed,
            members=members,
            new_members_180d=new_members,
            attended_180d=attended,
            adopted_ideas_365d=ideas,
        )


class ImpactStore:
    """The repositories of issue 5, handed to handlers as ``services.impact``."""

    def __init__(self, db: Database) -> None:
        self.profiles = ProfileRepository(db)
        self.assessments = AssessmentRepository(db)
        self.activities = ActivityRepository(db)
        self.invitations = InvitationRepository(db)
        self.ideas = IdeaRepository(db)
