"""The application's one SQLite connection and its numbered migrations."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TypeVar

import aiosqlite

log = logging.getLogger(__name__)

T = TypeVar("T")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """All migrations as (version, name, sql), in order; versions must be 1..n without gaps."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return found


class Database:
    """Owns the connection; repositories borrow it. Writes go through ``transaction()``."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        # One connection is shared by concurrent handlers: a transaction must not take in
        # another task's statements, so every write holds this lock.
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str, *, upto: int | None = None) -> Database:
        """Open (creating if needed), configure and migrate to ``upto`` (default: latest)."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = aiosqlite.Row
        db = cls(conn)
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA synchronous=NORMAL")
            await conn.execute("PRAGMA busy_timeout=5000")
            await db.migrate(upto)
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        await self.conn.close()

    async def version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self, upto: int | None = None) -> int:
        """Apply the migrations after ``PRAGMA user_version``, each in its own transaction."""
        current = await self.version()
        for version, name, sql in migrations():
            if version <= current or (upto is not None and version > upto):
                continue
            log.info("applying migration %s", name)
            # One transaction per migration, so a failing one leaves nothing behind.
            try:
                await self.conn.executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
                )
            except BaseException:
                if self.conn.in_transaction:
                    await self.conn.rollback()
                raise
            current = version
        return current

    async def fetch_one(self, sql: str, params: Sequence[object] = ()) -> aiosqlite.Row | None:
        """The first row of a query, in one trip to the connection's thread.

        ``async with conn.execute(...) as cur: await cur.fetchone()`` takes three trips
        (execute, fetchone, close), each a hand-over between the event loop and aiosqlite's
        thread; on a busy bot those hand-overs cost more than the queries.
        """
        rows = await self.conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: Sequence[object] = ()) -> list[aiosqlite.Row]:
        """All rows of a query, in one trip to the connection's thread."""
        return list(await self.conn.execute_fetchall(sql, params))

    async def write(self, sql: str, params: Sequence[object] = ()) -> int:
        """One writing statement, atomic on its own (autocommit); returns the rows changed.

        Cheaper than ``transaction()`` for a single statement: one trip, no BEGIN and COMMIT.
        """
        async with self._write_lock:
            return await self._in_thread(lambda raw: raw.execute(sql, params).rowcount)

    async def run_transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` as one write transaction in a single trip to the connection's thread.

        For the hot write paths: ``transaction()`` costs a hand-over per statement (BEGIN, each
        statement, COMMIT). ``work`` must not commit; it is rolled back when it raises.
        """

        def in_transaction(raw: sqlite3.Connection) -> T:
            raw.execute("BEGIN IMMEDIATE")
            try:
                result = work(raw)
            except BaseException:
                raw.rollback()
                raise
            raw.commit()
            return result

        async with self._write_lock:
            return await self._in_thread(in_transaction)

    async def _in_thread(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` on aiosqlite's thread with its ``sqlite3`` connection, in one trip.

        aiosqlite has no public call for this, so it uses ``Connection._execute``, the call its
        own methods are built on (aiosqlite is pinned in constraints.txt;
        tests/storage/test_db.py covers it).
        """
        raw: sqlite3.Connection = self.conn._conn
        result: T = await self.conn._execute(work, raw)
        return result

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction; rolled back when the block raises."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.rollback()
                raise
            else:
                await self.conn.commit()
