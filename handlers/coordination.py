"""Helpers shared by the coordinator handlers: role checks at the moment of use, group choice."""

from __future__ import annotations

from datetime import date

from bot.chat import Button
from bot.context import Context
from bot.i18n import Safe, Translator
from bot.models import Group

Buttons = tuple[tuple[Button, ...], ...]


async def coordinates(ctx: Context, group: Group | None) -> bool:
    """Is the sender a coordinator of this (active) group right now?"""
    if group is None or not group.active or ctx.user is None:
        return False
    return await ctx.services.roles.is_coordinator(ctx.messenger, group, ctx.user, ctx.now)


async def refuse(ctx: Context) -> None:
    """The polite refusal for a button or link a non-coordinator used; nothing changes."""
    if ctx.incoming.button_id:
        await ctx.notice(ctx.t("roles.refused"), alert=True)
    else:
        await ctx.say(ctx.t("roles.refused"))


async def group_of_button(ctx: Context, value: str) -> Group | None:
    """The group a button names by id, or None (answered) for forged or stale data."""
    group = await ctx.services.groups.get(int(value)) if value.isdigit() else None
    if group is None or not group.active:
        await ctx.notice(ctx.t("common.button_unknown"))
        return None
    return group


async def private_group_button(
    ctx: Context, exactly_three: bool = True
) -> tuple[Group, list[str]] | None:
    """A private-chat button ``prefix:<group id>:<more>[:…]``: the group and the data's parts, or
    None (answered) for forged, misplaced or stale data."""
    parts = ctx.incoming.data.split(":")
    if len(parts) < 3 or (exactly_three and len(parts) != 3) or not ctx.in_private:
        await ctx.notice(ctx.t("common.button_unknown"))
        return None
    group = await group_of_button(ctx, parts[1])
    return None if group is None else (group, parts)


async def coordinated_groups(ctx: Context) -> list[Group]:
    if ctx.user is None:
        return []
    return await ctx.services.roles.coordinated_groups(ctx.messenger, ctx.user, ctx.now)


def group_buttons(groups: list[Group], data: str) -> Buttons:
    """One button per group; ``data`` has a ``{id}`` placeholder."""
    return tuple(
        (Button(group.title or str(group.id), data.format(id=group.id)),) for group in groups
    )


def day_label(t: Translator, day: date, *, with_year: bool = False) -> Safe:
    """'14 nov' or '14 nov 2026'."""
    month = str(t("dates.months")).split()[day.month - 1]
    if with_year:
        return t("trend.day_year", day=day.day, month=month, year=day.year)
    return t("trend.day", day=day.day, month=month)
