"""Helpers for the impact tests: a group with its gemeente, regional activities, latest replies."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.activities import KIND_LEVELS, region_key
from bot.app import BuurtBot
from bot.chat import Edit, Message
from bot.impact_models import Activity, ActivityDraft, ActivityKind
from bot.models import Group
from tests.harness import COR, GROUP, Chats, Delivered, RecordingMessenger


def latest(messenger: RecordingMessenger, chat_id: str) -> Delivered:
    """The newest message or edit in the chat (questions are edited in place)."""
    for delivered in reversed(messenger.delivered):
        if delivered.chat_id == chat_id and isinstance(delivered.reply, Message | Edit):
            return delivered
    raise AssertionError(f"nothing delivered to {chat_id}")


def edits_to(messenger: RecordingMessenger, chat_id: str) -> list[Delivered]:
    return [d for d in messenger.to(chat_id) if isinstance(d.reply, Edit)]


async def group_with_region(chats: Chats, region: str = "Zaanstad") -> Group:
    await chats.add_bot()
    await chats.command(COR, f"/gemeente {region}", GROUP)
    group = await chats.bot.services.groups.by_chat("test", GROUP.id)
    assert group is not None
    return group


def regional(
    title: str,
    starts_at: datetime,
    *,
    kind: ActivityKind = ActivityKind.SCHOUW,
    region: str = "Zaanstad",
    levels: tuple[int, ...] | None = None,
    location: str = "Buurthuis",
) -> ActivityDraft:
    return ActivityDraft(
        key=f"test:{title}",
        kind=kind,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        location=location,
        region=region,
        region_key=region_key(region),
        levels=levels or KIND_LEVELS[kind],
    )


async def add_regional(bot: BuurtBot, *drafts: ActivityDraft) -> list[Activity]:
    store = bot.services.impact.activities
    await store.import_regional(list(drafts), bot.services.now())
    found = [await store.by_key(draft.key) for draft in drafts]
    assert all(found)
    return [a for a in found if a is not None]
