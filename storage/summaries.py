"""Weekly-summary settings per group and the sent-ledger that makes sending exactly-once."""

from __future__ import annotations

from datetime import datetime

from bot.insight_models import SummarySettings
from bot.models import Group
from storage.db import Database
from storage.groups import _COLUMNS as _GROUP_COLUMNS
from storage.groups import _group
from storage.timeutil import to_epoch

_DEFAULT = SummarySettings()
_G_COLUMNS = ", ".join(f"g.{c.strip()}" for c in _GROUP_COLUMNS.split(","))
# A group without a settings row has the defaults.
_ENABLED = f"COALESCE(s.enabled, {int(_DEFAULT.enabled)})"
_WEEKDAY = f"COALESCE(s.weekday, {_DEFAULT.weekday})"
_MINUTE = f"COALESCE(s.minute, {_DEFAULT.minute})"
_WITH_SETTINGS = "groups g LEFT JOIN summary_settings s ON s.group_id = g.id"


class SummaryRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- settings -----------------------------------------------------------------------

    async def settings(self, group_id: int) -> SummarySettings:
        async with self._db.conn.execute(
            "SELECT enabled, weekday, minute FROM summary_settings WHERE group_id = ?",
            (group_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return _DEFAULT
        return SummarySettings(bool(row["enabled"]), row["weekday"], row["minute"])

    async def save_settings(
        self, group_id: int, settings: SummarySettings, now: datetime, by: int | None
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO summary_settings (group_id, enabled, weekday, minute, updated_at,"
                " updated_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id) DO UPDATE SET"
                " enabled = excluded.enabled, weekday = excluded.weekday,"
                " minute = excluded.minute, updated_at = excluded.updated_at,"
                " updated_by = excluded.updated_by",
                (
                    group_id,
                    int(settings.enabled),
                    settings.weekday,
                    settings.minute,
                    to_epoch(now),
                    by,
                ),
            )

    async def slots(self) -> list[tuple[int, int]]:
        """The distinct (weekday, minute) moments at which some active group gets a summary."""
        async with self._db.conn.execute(
            f"SELECT DISTINCT {_WEEKDAY}, {_MINUTE} FROM {_WITH_SETTINGS}"
            f" WHERE g.active = 1 AND {_ENABLED} = 1 ORDER BY 1, 2"
        ) as cur:
            return [(int(row[0]), int(row[1])) async for row in cur]

    async def due(
        self, slot: tuple[int, int], week: str, created_before: datetime, max_attempts: int
    ) -> list[Group]:
        """Active groups at ``slot`` whose summary of ``week`` is neither sent nor given up."""
        async with self._db.conn.execute(
            f"SELECT {_G_COLUMNS} FROM {_WITH_SETTINGS}"
            f" WHERE g.active = 1 AND {_ENABLED} = 1 AND {_WEEKDAY} = ? AND {_MINUTE} = ?"
            " AND g.created_at < ? AND NOT EXISTS (SELECT 1 FROM summaries_sent l"
            " WHERE l.group_id = g.id AND l.week = ?"
            " AND (l.state = 'sent' OR (l.state = 'failed' AND l.attempts >= ?)))"
            " ORDER BY g.id",
            (slot[0], slot[1], to_epoch(created_before), week, max_attempts),
        ) as cur:
            return [_group(row) async for row in cur]

    # --- the ledger ---------------------------------------------------------------------

    async def claim(
        self, group_id: int, week: str, boot: str, now: datetime, max_attempts: int
    ) -> bool:
        """Take the right to send ``week``'s summary to the group; False when it is not free.

        Free means: never claimed; or failed fewer than ``max_attempts`` times; or claimed by
        a process that is gone (another ``boot``) without being marked sent.
        """
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO summaries_sent (group_id, week, state, boot, attempts, claimed_at)"
                " VALUES (?, ?, 'claimed', ?, 1, ?) ON CONFLICT (group_id, week) DO UPDATE SET"
                " state = 'claimed', boot = excluded.boot, claimed_at = excluded.claimed_at,"
                " attempts = summaries_sent.attempts + 1"
                " WHERE (summaries_sent.state = 'failed' AND summaries_sent.attempts < ?)"
                " OR (summaries_sent.state = 'claimed' AND summaries_sent.boot <> excluded.boot)",
                (group_id, week, boot, to_epoch(now), max_attempts),
            )
            return cur.rowcount == 1

    async def mark_sent(
        self, group_id: int, week: str, boot: str, now: datetime, message_id: str | None
    ) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE summaries_sent SET state = 'sent', sent_at = ?, message_id = ?"
                " WHERE group_id = ? AND week = ? AND boot = ? AND state = 'claimed'",
                (to_epoch(now), message_id, group_id, week, boot),
            )

    async def mark_failed(self, group_id: int, week: str, boot: str) -> int:
        """Release the claim after a failed send, so a later run may try again; returns how
        many attempts have been made."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE summaries_sent SET state = 'failed'"
                " WHERE group_id = ? AND week = ? AND boot = ? AND state = 'claimed'",
                (group_id, week, boot),
            )
            async with conn.execute(
                "SELECT attempts FROM summaries_sent WHERE group_id = ? AND week = ?",
                (group_id, week),
            ) as cur:
                row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def ledger(self, group_id: int) -> list[tuple[str, str, int]]:
        """(week, state, attempts) of the group, oldest first."""
        async with self._db.conn.execute(
            "SELECT week, state, attempts FROM summaries_sent WHERE group_id = ? ORDER BY week",
            (group_id,),
        ) as cur:
            return [(row[0], row[1], int(row[2])) async for row in cur]
