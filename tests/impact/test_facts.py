"""What the data shows about a group (the facts the level combines with the answers)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from bot.chat import Sender
from bot.impact_models import ActivityDraft, ActivityKind, IdeaStatus, Rsvp
from bot.models import SignalDraft, Source, Status
from storage.db import Database
from storage.groups import GroupRepository
from storage.impact import ImpactStore
from storage.members import MemberRepository
from storage.signals import SignalRepository, add_event

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


async def test_facts_count_what_the_rules_need_and_nothing_else(db: Database) -> None:
    groups, members, signals = GroupRepository(db), MemberRepository(db), SignalRepository(db)
    store = ImpactStore(db)
    group, _ = await groups.register("test", "-1", "Oost", "nl", NOW - timedelta(days=400))
    other, _ = await groups.register("test", "-2", "West", "nl", NOW - timedelta(days=400))

    def draft(days_ago: float, group_id: int = group.id) -> SignalDraft:
        at = NOW - timedelta(days=days_ago)
        return SignalDraft(
            group_id=group_id,
            reporter_id=None,
            category="overlast",
            source=Source.CHAT,
            occurred_at=at,
            reported_at=at,
        )

    kept = [await signals.add(draft(days)) for days in (1, 2, 15, 30, 80)]
    await signals.add(draft(100))  # too old for 90 days, and outside the 8 weeks
    await signals.add(draft(3, other.id))  # another group
    withdrawn = await signals.add(draft(4))

    def history(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE signals SET status = ? WHERE id = ?", (Status.INGETROKKEN.value, withdrawn.id)
        )
        add_event(conn, kept[0].id, "feedback", NOW)
        add_event(conn, kept[0].id, "status", NOW)  # the same signal: counted once
        add_event(conn, kept[2].id, "status", NOW)
        add_event(conn, kept[3].id, "correction", NOW)  # not follow-up
        add_event(conn, withdrawn.id, "feedback", NOW)  # withdrawn: never counted

    await db.run_transaction(history)

    for n, days_ago in enumerate((10, 100, 170, 200)):
        person = Sender(id=str(n), name=f"Lid {n}")
        await members.upsert_user(
            "test", person.id, person.name, None, NOW - timedelta(days=days_ago), group_id=group.id
        )

    past = await store.activities.add(
        ActivityDraft(
            key="a1",
            kind=ActivityKind.SCHOUW,
            title="Schouw",
            starts_at=NOW - timedelta(days=20),
            levels=(1,),
            group_id=group.id,
        ),
        NOW - timedelta(days=30),
    )
    invitation = await store.invitations.claim(
        past.id, group.id, NOW - timedelta(days=30), weekly_limit=None
    )
    assert invitation is not None
    user = await members.user_by_external("test", "0")
    assert user is not None
    await store.invitations.answer(invitation.id, user.id, Rsvp.JA, NOW - timedelta(days=25))

    for status, days_ago in (
        (IdeaStatus.AANGENOMEN, 30),
        (IdeaStatus.AANGENOMEN, 400),
        (IdeaStatus.AFGEWEZEN, 5),
    ):
        idea = await store.ideas.add(
            group.id, user.id, "Een idee", NOW - timedelta(days=days_ago + 1)
        )
        await store.ideas.decide(idea.id, status, user.id, NOW - timedelta(days=days_ago))
    await store.ideas.add(group.id, user.id, "Nog open", NOW)

    facts = await store.assessments.facts(group.id, NOW)
    assert facts.signals_90d == 5
    assert facts.signal_weeks_8 == 3  # weeks 0 (1, 2 days ago), 2 (15), 4 (30)
    assert facts.followed_up_90d == 2
    assert facts.members == 4
    assert facts.new_members_180d == 3
    assert facts.attended_180d == 1
    assert facts.adopted_ideas_365d == 1


async def test_new_members_in_the_bots_first_weeks_are_not_growth(db: Database) -> None:
    groups, members = GroupRepository(db), MemberRepository(db)
    store = ImpactStore(db)
    group, _ = await groups.register("test", "-1", "Oost", "nl", NOW - timedelta(days=30))
    for n, days_ago in enumerate((29, 20, 10)):
        await members.upsert_user(
            "test", str(n), f"Lid {n}", None, NOW - timedelta(days=days_ago), group_id=group.id
        )
    facts = await store.assessments.facts(group.id, NOW)
    assert facts.members == 3 and facts.new_members_180d == 1


async def test_ledger_claims_are_exclusive(db: Database) -> None:
    groups = GroupRepository(db)
    store = ImpactStore(db)
    group, _ = await groups.register("test", "-1", "Oost", "nl", NOW)
    activity = await store.activities.add(
        ActivityDraft(
            key="a1",
            kind=ActivityKind.SCHOUW,
            title="Schouw",
            starts_at=NOW + timedelta(days=2),
            levels=(1,),
        ),
        NOW,
    )
    assert await store.invitations.claim(activity.id, group.id, NOW, weekly_limit=1) is not None
    assert await store.invitations.claim(activity.id, group.id, NOW, weekly_limit=1) is None
    second = await store.activities.add(
        ActivityDraft(
            key="a2",
            kind=ActivityKind.SCHOUW,
            title="Schouw 2",
            starts_at=NOW + timedelta(days=3),
            levels=(1,),
        ),
        NOW,
    )
    assert await store.invitations.claim(second.id, group.id, NOW, weekly_limit=1) is None, (
        "maximum"
    )
    assert await store.activities.claim_checklist(activity.id, None, NOW)
    assert not await store.activities.claim_checklist(activity.id, None, NOW)
