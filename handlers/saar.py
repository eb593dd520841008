"""SAAR: after 112 has been called, tell the group so nobody calls twice."""

from __future__ import annotations

from bot.chat import Message
from bot.context import Context
from bot.models import Group


async def post_called(ctx: Context, group: Group, name: str | None = None) -> None:
    """Post '112 is gebeld' in the group, in the group's language."""
    t = ctx.translator_for(group)
    text = t("saar.called_post", name=name or t("common.anonymous"))
    await ctx.send(Message(text=text), chat_id=group.chat_id)
