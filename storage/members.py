"""Users (one per messenger account) and their membership of groups."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

from bot.models import Group, Member, Role, User
from storage.db import Database
from storage.groups import _COLUMNS as _GROUP_COLUMNS
from storage.groups import _group
from storage.timeutil import from_epoch, to_epoch


def _user(row: aiosqlite.Row | sqlite3.Row) -> User:
    return User(
        id=row["id"],
        messenger=row["messenger"],
        external_id=row["external_id"],
        display_name=row["display_name"],
        language=row["language"],
    )


class MemberRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def user(self, user_id: int) -> User | None:
        row = await self._db.fetch_one("SELECT * FROM users WHERE id = ?", (user_id,))
        return _user(row) if row else None

    async def user_by_external(self, messenger: str, external_id: str) -> User | None:
        row = await self._db.fetch_one(
            "SELECT * FROM users WHERE messenger = ? AND external_id = ?", (messenger, external_id)
        )
        return _user(row) if row else None

    async def upsert_user(
        self,
        messenger: str,
        external_id: str,
        display_name: str,
        language: str | None,
        now: datetime,
        *,
        group_id: int | None = None,
    ) -> User:
        """Record the account (and, with ``group_id``, that it was seen in that group)."""

        def work(conn: sqlite3.Connection) -> sqlite3.Row:
            conn.execute(
                "INSERT INTO users (messenger, external_id, display_name, language, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (messenger, external_id) DO UPDATE SET"
                " display_name = excluded.display_name, language = excluded.language",
                (messenger, external_id, display_name, language, to_epoch(now)),
            )
            row: sqlite3.Row | None = conn.execute(
                "SELECT * FROM users WHERE messenger = ? AND external_id = ?",
                (messenger, external_id),
            ).fetchone()
            assert row is not None
            if group_id is not None:
                conn.execute(
                    "INSERT INTO members (group_id, user_id, joined_at, last_seen_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (group_id, user_id) DO UPDATE SET"
                    " last_seen_at = excluded.last_seen_at",
                    (group_id, row["id"], to_epoch(now), to_epoch(now)),
                )
            return row

        return _user(await self._db.run_transaction(work))

    async def member(self, group_id: int, user_id: int) -> Member | None:
        row = await self._db.fetch_one(
            "SELECT m.role, m.joined_at, m.last_seen_at, u.* FROM members m"
            " JOIN users u ON u.id = m.user_id WHERE m.group_id = ? AND m.user_id = ?",
            (group_id, user_id),
        )
        if row is None:
            return None
        return Member(
            group_id=group_id,
            user=_user(row),
            role=Role(row["role"]),
            joined_at=from_epoch(row["joined_at"]),
            last_seen_at=from_epoch(row["last_seen_at"]),
        )

    async def remove(self, group_id: int, user_id: int) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "DELETE FROM members WHERE group_id = ? AND user_id = ?", (group_id, user_id)
            )

    async def groups_of(self, user_id: int) -> list[tuple[Group, Role]]:
        """The active groups this user belongs to, with their role in each."""
        columns = ", ".join(f"g.{c.strip()}" for c in _GROUP_COLUMNS.split(","))
        rows = await self._db.fetch_all(
            f"SELECT {columns}, m.role FROM members m JOIN groups g ON g.id = m.group_id"
            " WHERE m.user_id = ? AND g.active = 1 ORDER BY g.title, g.id",
            (user_id,),
        )
        return [(_group(row), Role(row["role"])) for row in rows]

    async def count(self, group_id: int) -> int:
        async with self._db.conn.execute(
            "SELECT COUNT(*) FROM members WHERE group_id = ?", (group_id,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def with_role(self, group_id: int, role: Role) -> list[Member]:
        """The group's members with ``role`` (e.g. the appointed coordinators), by name."""
        async with self._db.conn.execute(
            "SELECT m.role, m.joined_at, m.last_seen_at, u.* FROM members m"
            " JOIN users u ON u.id = m.user_id WHERE m.group_id = ? AND m.role = ?"
            " ORDER BY u.display_name, u.id",
            (group_id, role.value),
        ) as cur:
            return [
                Member(
                    group_id=group_id,
                    user=_user(row),
                    role=Role(row["role"]),
                    joined_at=from_epoch(row["joined_at"]),
                    last_seen_at=from_epoch(row["last_seen_at"]),
                )
                async for row in cur
            ]

    async def set_role(self, group_id: int, user_id: int, role: Role) -> bool:
        """Change a member's role; False when the user is not a member of the group."""
        async with self._db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE members SET role = ? WHERE group_id = ? AND user_id = ?",
                (role.value, group_id, user_id),
            )
            return cur.rowcount > 0
