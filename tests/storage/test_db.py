"""Storage: migrations, repositories and the append-only history."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiosqlite
import pytest

from bot.models import SignalDraft, Source
from storage.db import Database, migrations
from storage.groups import GroupRepository
from storage.members import MemberRepository
from storage.signals import SignalRepository

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def draft(group_id: int, reporter_id: int | None = None, **extra: object) -> SignalDraft:
    values: dict[str, object] = {
        "group_id": group_id,
        "reporter_id": reporter_id,
        "category": "overlast",
        "subcategory": "afval",
        "source": Source.GUIDED,
        "occurred_at": NOW,
        "reported_at": NOW,
        "description": "Zakken afval naast de container",
        "location_text": "Molenlaan 4",
        "street": "Molenlaan",
    }
    values.update(extra)
    return SignalDraft(**values)  # type: ignore[arg-type]


async def test_new_database_is_at_the_latest_version_with_wal_and_foreign_keys(
    db: Database,
) -> None:
    assert await db.version() == len(migrations())
    async with db.conn.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"  # type: ignore[index]
    async with db.conn.execute("PRAGMA foreign_keys") as cur:
        assert (await cur.fetchone())[0] == 1  # type: ignore[index]


async def test_upgrade_from_an_older_schema_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = await Database.open(path, upto=1)
    assert await old.version() == 1
    group, _ = await GroupRepository(old).register("telegram", "-5", "Oude groep", "nl", NOW)
    user = await MemberRepository(old).upsert_user(
        "telegram", "7", "Els", "nl", NOW, group_id=group.id
    )
    await old.close()

    upgraded = await Database.open(path)
    try:
        assert await upgraded.version() == len(migrations())
        kept = await GroupRepository(upgraded).by_chat("telegram", "-5")
        assert kept is not None and kept.title == "Oude groep" and kept.code == group.code
        member = await MemberRepository(upgraded).member(group.id, user.id)
        assert member is not None and member.user.display_name == "Els"
        signal = await SignalRepository(upgraded).add(draft(group.id, user.id))
        assert signal.id == 1
    finally:
        await upgraded.close()


async def test_failing_migration_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = migrations()
    broken = [
        *real,
        (len(real) + 1, "9999_broken.sql", "CREATE TABLE half (x INTEGER);\nTHIS IS NOT SQL;"),
    ]
    monkeypatch.setattr("storage.db.migrations", lambda: broken)
    with pytest.raises(sqlite3.OperationalError):
        await Database.open(tmp_path / "b.sqlite3")
    async with aiosqlite.connect(tmp_path / "b.sqlite3") as conn:
        async with conn.execute("PRAGMA user_version") as cur:
            assert (await cur.fetchone())[0] == len(real)  # type: ignore[index]
        async with conn.execute("SELECT name FROM sqlite_master WHERE name = 'half'") as cur:
            assert await cur.fetchone() is None


async def test_group_register_reactivate_and_move(db: Database) -> None:
    groups = GroupRepository(db)
    group, created = await groups.register("telegram", "-1", "Oost", "nl", NOW)
    assert created and group.active
    await groups.deactivate(group.id, NOW)
    assert not (await groups.get(group.id)).active  # type: ignore[union-attr]
    again, created = await groups.register("telegram", "-1", "Oost (nieuw)", "nl", NOW)
    assert not created and again.active and again.id == group.id and again.title == "Oost (nieuw)"
    moved = await groups.move_chat("telegram", "-1", "-1001")
    assert moved is not None and moved.id == group.id and moved.chat_id == "-1001"
    assert await groups.move_chat("telegram", "-1", "-1001") == moved, "idempotent"
    assert await groups.by_chat("telegram", "-1") is None


async def test_signal_history_is_append_only(db: Database) -> None:
    group, _ = await GroupRepository(db).register("telegram", "-1", "Oost", "nl", NOW)
    signals = SignalRepository(db)
    signal = await signals.add(draft(group.id))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE signal_events SET kind = 'x' WHERE signal_id = ?", (signal.id,)
            )
    events = await signals.events(signal.id)
    assert [e.kind for e in events] == ["created"]


async def test_retention_purges_personal_content_but_keeps_counts(db: Database) -> None:
    group, _ = await GroupRepository(db).register("telegram", "-1", "Oost", "nl", NOW)
    signals = SignalRepository(db)
    old = await signals.add(
        draft(group.id, reported_at=NOW - timedelta(days=100), photo_ref="f1", lat=52.1, lon=4.3)
    )
    new = await signals.add(draft(group.id))
    assert await signals.purge_personal(NOW - timedelta(days=90), NOW) == 1
    purged = await signals.get(old.id)
    assert purged is not None and purged.purged
    assert (purged.description, purged.location_text, purged.photo_ref, purged.lat) == (
        None,
        None,
        None,
        None,
    )
    assert purged.street == "Molenlaan" and purged.category == "overlast"
    kept = await signals.get(new.id)
    assert kept is not None and kept.description is not None
    assert await signals.count(group.id) == 2
    assert await signals.purge_personal(NOW - timedelta(days=90), NOW) == 0


async def test_writes_from_concurrent_tasks_do_not_mix_transactions(db: Database) -> None:
    import asyncio

    group, _ = await GroupRepository(db).register("telegram", "-1", "Oost", "nl", NOW)
    signals = SignalRepository(db)
    await asyncio.gather(
        *(signals.add(draft(group.id, description=f"melding {i}")) for i in range(50))
    )
    assert await signals.count(group.id) == 50
    async with db.conn.execute("SELECT COUNT(*) FROM signal_events") as cur:
        assert (await cur.fetchone())[0] == 50  # type: ignore[index]


async def test_one_trip_transaction_commits_or_rolls_back_as_a_whole(db: Database) -> None:
    import asyncio

    group, _ = await GroupRepository(db).register("telegram", "-1", "Oost", "nl", NOW)
    signals = SignalRepository(db)

    def half_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE groups SET title = 'kapot' WHERE id = ?", (group.id,))
        raise RuntimeError("halfway")

    with pytest.raises(RuntimeError, match="halfway"):
        await db.run_transaction(half_then_fail)
    assert (await GroupRepository(db).get(group.id)).title == "Oost"  # type: ignore[union-attr]

    # interleaved with transaction() writes from other tasks: neither takes in the other's rows
    async def other_writer(i: int) -> None:
        async with db.transaction() as conn:
            await conn.execute("UPDATE groups SET title = ? WHERE id = ?", (f"t{i}", group.id))
            await asyncio.sleep(0)

    await asyncio.gather(
        *(signals.add(draft(group.id, description=f"melding {i}")) for i in range(20)),
        *(other_writer(i) for i in range(20)),
    )
    assert await signals.count(group.id) == 20
    assert (
        await db.run_transaction(
            lambda conn: conn.execute("SELECT COUNT(*) FROM signal_events").fetchone()[0]
        )
        == 20
    )
    assert not db.conn.in_transaction


async def test_a_stored_signal_equals_what_reading_it_back_gives(db: Database) -> None:
    group, _ = await GroupRepository(db).register("telegram", "-1", "Oost", "nl", NOW)
    signals = SignalRepository(db)
    odd_time = NOW.replace(microsecond=123456).astimezone(ZoneInfo("Europe/Amsterdam"))
    added = await signals.add(
        draft(group.id, occurred_at=odd_time, details={"plates": ["XK-12-AB"]})
    )
    assert added == await signals.get(added.id)
