"""/coordinator: the group's administrators appoint members as coordinators, and take it back.

Replying to a member's message with ``/coordinator`` appoints them; ``/coordinator weg`` as a
reply takes it back. Without a reply it lists the coordinators, with a remove button for each
appointed one. Only the chat's administrators (who are coordinators anyway) may change the
list; that is checked again on every button press.
"""

from __future__ import annotations

from bot.chat import Button, Edit, Sender
from bot.context import Context
from bot.i18n import Safe
from bot.models import Group, Role
from handlers.coordination import Buttons, refuse

PREFIX = "crd"
REMOVE_WORDS = frozenset({"weg", "af", "stop", "intrekken", "verwijder", "remove", "off"})


async def command(ctx: Context) -> None:
    """/coordinator in the group (coordinators only; changing it: administrators only)."""
    group, target = ctx.group, ctx.incoming.reply_to_sender
    assert group is not None and ctx.user is not None
    argument = ctx.incoming.args.strip().lower()
    if target is None:
        if argument:
            await ctx.say(ctx.t("roles.usage"))
        else:
            text, buttons = await overview(ctx, group)
            await ctx.say(text, buttons=buttons)
        return
    if argument and argument not in REMOVE_WORDS:
        await ctx.say(ctx.t("roles.usage"))
        return
    if not await ctx.services.roles.is_administrator(ctx.messenger, group, ctx.user, ctx.now):
        await ctx.say(ctx.t("roles.admins_only"))
        return
    if target.is_bot:
        await ctx.say(ctx.t("roles.not_a_person"))
        return
    if argument:
        await _take_back(ctx, group, target)
    else:
        await _appoint(ctx, group, target)


async def _appoint(ctx: Context, group: Group, target: Sender) -> None:
    services = ctx.services
    if target.id in await services.roles.administrators(ctx.messenger, group, ctx.now):
        await ctx.say(ctx.t("roles.already_admin", name=target.name))
        return
    user = await services.people.seen(ctx.incoming.chat.messenger, target, ctx.now, group.id)
    member = await services.members.member(group.id, user.id)
    if member is not None and member.role is Role.COORDINATOR:
        await ctx.say(ctx.t("roles.already", name=target.name))
        return
    await services.members.set_role(group.id, user.id, Role.COORDINATOR)
    await ctx.say(ctx.t("roles.appointed", name=target.name))


async def _take_back(ctx: Context, group: Group, target: Sender) -> None:
    services = ctx.services
    user = await services.members.user_by_external(ctx.incoming.chat.messenger, target.id)
    member = await services.members.member(group.id, user.id) if user else None
    if user is None or member is None or member.role is not Role.COORDINATOR:
        admins = await services.roles.administrators(ctx.messenger, group, ctx.now)
        key = "roles.is_admin" if target.id in admins else "roles.not_coordinator"
        await ctx.say(ctx.t(key, name=target.name))
        return
    await services.members.set_role(group.id, user.id, Role.LID)
    await ctx.say(ctx.t("roles.taken_back", name=target.name))


async def overview(ctx: Context, group: Group) -> tuple[Safe, Buttons]:
    """Who coordinates the group: administrators and appointed members (remove buttons)."""
    services, t = ctx.services, ctx.t
    admin_ids = await services.roles.administrators(ctx.messenger, group, ctx.now)
    names = []
    for external_id in sorted(admin_ids):
        user = await services.members.user_by_external(ctx.incoming.chat.messenger, external_id)
        if user is not None and user.display_name:
            names.append(user.display_name)
    unknown = len(admin_ids) - len(names)
    admins: str = ", ".join(sorted(names)) or "-"
    if unknown:
        admins = t("roles.admins_more", names=admins, n=unknown)
    appointed = await services.members.with_role(group.id, Role.COORDINATOR)
    lines = ", ".join(member.user.display_name for member in appointed)
    text = t(
        "roles.overview",
        admins=admins,
        appointed=lines or t("roles.none_appointed"),
    )
    buttons = tuple(
        (Button(t("roles.remove_button", name=m.user.display_name), f"{PREFIX}:rm:{m.user.id}"),)
        for m in appointed
    )
    return text, buttons


async def on_button(ctx: Context) -> None:
    """``crd:rm:<user id>`` under the list: an administrator takes an appointment back."""
    parts = ctx.incoming.data.split(":")
    group = ctx.group
    if len(parts) != 3 or parts[1] != "rm" or not parts[2].isdigit() or group is None:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    user = ctx.user
    assert user is not None
    if not await ctx.services.roles.is_administrator(ctx.messenger, group, user, ctx.now):
        await refuse(ctx)
        return
    member = await ctx.services.members.member(group.id, int(parts[2]))
    if member is None or member.role is not Role.COORDINATOR:
        await ctx.notice(ctx.t("common.button_stale"))
    else:
        await ctx.services.members.set_role(group.id, member.user.id, Role.LID)
        await ctx.notice(ctx.t("roles.taken_back", name=member.user.display_name))
    if ctx.incoming.message_id:
        text, buttons = await overview(ctx, group)
        await ctx.send(Edit(message_id=ctx.incoming.message_id, text=text, buttons=buttons))
