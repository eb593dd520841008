"""The bot joining or leaving groups, groups migrating, members coming and going."""

from __future__ import annotations

import logging

from bot.chat import Message
from bot.context import Context

log = logging.getLogger(__name__)


async def register_group(ctx: Context) -> None:
    """Register the chat as a group (again) and introduce the bot."""
    chat = ctx.incoming.chat
    language = ctx.services.settings.language
    group, created = await ctx.services.groups.register(
        chat.messenger, chat.id, chat.title, language, ctx.now
    )
    was_active = ctx.group is not None and ctx.group.active
    ctx.group = group
    ctx.t = ctx.translator_for(group)
    log.info("group %s %s", group.id, "registered" if created else "re-registered")
    if created or not was_active:
        await ctx.say(ctx.t("membership.intro"))


async def bot_removed(ctx: Context) -> None:
    """Removed or banned: keep the data, stop sending."""
    if ctx.group is not None:
        await ctx.services.groups.deactivate(ctx.group.id, ctx.now)
        log.info("group %s deactivated: bot removed", ctx.group.id)


async def chat_migrated(ctx: Context) -> None:
    """A group became a supergroup: its data follows the new chat id."""
    new_id = ctx.incoming.new_chat_id
    if not new_id:
        return
    group = await ctx.services.groups.move_chat(ctx.incoming.chat.messenger, ctx.chat_id, new_id)
    log.info("chat %s migrated to %s (group %s)", ctx.chat_id, new_id, group.id if group else "-")


async def members_joined(ctx: Context) -> None:
    if ctx.group is None or not ctx.group.active:
        return
    people = [member for member in ctx.incoming.members if not member.is_bot]
    for person in people:
        await ctx.services.people.seen(ctx.incoming.chat.messenger, person, ctx.now, ctx.group.id)
    if people:
        names = ", ".join(person.name for person in people)
        text = ctx.t("membership.welcome_member", names=names)
        await ctx.send(Message(text=text, silent=True))


async def member_left(ctx: Context) -> None:
    if ctx.group is None:
        return
    for person in ctx.incoming.members:
        user = await ctx.services.members.user_by_external(ctx.incoming.chat.messenger, person.id)
        if user is not None:
            await ctx.services.members.remove(ctx.group.id, user.id)
            ctx.services.people.left(ctx.incoming.chat.messenger, person.id, ctx.group.id)


async def admins_changed(ctx: Context) -> None:
    """Someone was promoted or demoted: read the administrators afresh next time."""
    ctx.services.roles.forget_administrators(ctx.incoming.chat.messenger, ctx.chat_id)
