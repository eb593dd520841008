"""/instellingen: a coordinator sets the group's weekly summary (on/off, day, time) and language.

Button-driven, in the private chat (in the group, /instellingen answers with a button to it).
Every press names the group and sets an absolute value, so an old panel can do no harm, and
the coordinator role is checked again on each press. A change reschedules the summary job at
once.
"""

from __future__ import annotations

from dataclasses import replace

from bot.chat import Button, Edit
from bot.context import Context
from bot.i18n import LANGUAGES, Safe
from bot.insight_models import SummarySettings
from bot.models import Group
from bot.summaries import send_now
from handlers.coordination import (
    Buttons,
    coordinated_groups,
    coordinates,
    group_buttons,
    private_group_button,
    refuse,
)

PREFIX = "set"
LINK_PREFIX = "inst-"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MINUTES = (0, 15, 30, 45)


async def command(ctx: Context) -> None:
    """/instellingen (coordinators)."""
    if not ctx.in_private:
        assert ctx.group is not None
        link = ctx.messenger.deep_link(f"{LINK_PREFIX}{ctx.group.code}")
        buttons: Buttons = ((Button(ctx.t("settings.open_button"), url=link),),) if link else ()
        await ctx.say(ctx.t("settings.in_private"), buttons=buttons)
        return
    groups = await coordinated_groups(ctx)
    if len(groups) == 1:
        text, buttons = await panel(ctx, groups[0])
        await ctx.say(text, buttons=buttons)
    elif groups:
        await ctx.say(
            ctx.t("settings.choose_group"), buttons=group_buttons(groups, f"{PREFIX}:{{id}}:panel")
        )
    else:
        await refuse(ctx)


async def start_from_link(ctx: Context, code: str) -> None:
    """``/start inst-<group code>``."""
    group = await ctx.services.groups.by_code(code)
    if group is None:
        await ctx.say(ctx.t("start.bad_link"))
        return
    if not await coordinates(ctx, group):
        await refuse(ctx)
        return
    text, buttons = await panel(ctx, group)
    await ctx.say(text, buttons=buttons)


def time_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


async def panel(ctx: Context, group: Group) -> tuple[Safe, Buttons]:
    t = ctx.t
    settings = await ctx.services.summaries.settings(group.id)
    state = t("settings.on") if settings.enabled else t("settings.off")
    text = t(
        "settings.panel",
        group=group.title,
        state=state,
        day=t(f"settings.day_{DAYS[settings.weekday]}"),
        time=time_text(settings.minute),
        language=t(f"settings.language_{group.language}"),
    )
    data = f"{PREFIX}:{group.id}"
    toggle = (
        Button(t("settings.turn_off"), f"{data}:off")
        if settings.enabled
        else Button(t("settings.turn_on"), f"{data}:on")
    )
    buttons: Buttons = (
        (toggle,),
        (
            Button(t("settings.day_button"), f"{data}:day"),
            Button(t("settings.time_button"), f"{data}:time"),
        ),
        (Button(t("settings.language_button"), f"{data}:lang"),),
        (Button(t("settings.preview_button"), f"{data}:preview"),),
    )
    return text, buttons


def _back(ctx: Context, group: Group) -> tuple[Button, ...]:
    return (Button(ctx.t("settings.back"), f"{PREFIX}:{group.id}:panel"),)


def _picker(ctx: Context, group: Group, action: str, value: str) -> tuple[Safe, Buttons] | None:
    t, data = ctx.t, f"{PREFIX}:{group.id}"
    if action == "day":
        days = [Button(t(f"settings.day_{day}"), f"{data}:d:{i}") for i, day in enumerate(DAYS)]
        rows = tuple(tuple(days[i : i + 4]) for i in range(0, 7, 4))
        return t("settings.choose_day", group=group.title), (*rows, _back(ctx, group))
    if action == "time":
        hours = [Button(f"{h:02d}", f"{data}:h:{h}") for h in range(24)]
        rows = tuple(tuple(hours[i : i + 6]) for i in range(0, 24, 6))
        return t("settings.choose_hour", group=group.title), (*rows, _back(ctx, group))
    if action == "h" and value.isdigit() and 0 <= int(value) <= 23:
        hour = int(value)
        row = tuple(Button(time_text(hour * 60 + m), f"{data}:m:{hour * 60 + m}") for m in MINUTES)
        return t("settings.choose_minute", group=group.title), (row, _back(ctx, group))
    if action == "lang":
        row = tuple(
            Button(t(f"settings.language_{lang}"), f"{data}:l:{lang}") for lang in LANGUAGES
        )
        return t("settings.choose_language", group=group.title), (row, _back(ctx, group))
    return None


def _changed(settings: SummarySettings, action: str, value: str) -> SummarySettings | None:
    """The settings after pressing ``action:value``; None when the data is not valid."""
    if action in ("on", "off"):
        return replace(settings, enabled=action == "on")
    if action == "d" and value.isdigit() and 0 <= int(value) <= 6:
        return replace(settings, weekday=int(value))
    if action == "m" and value.isdigit() and 0 <= int(value) < 24 * 60:
        return replace(settings, minute=int(value))
    return None


async def on_button(ctx: Context) -> None:
    """``set:<group>:<action>[:<value>]``, the role checked at the moment of the press."""
    pressed = await private_group_button(ctx, exactly_three=False)
    if pressed is None:
        return
    group, parts = pressed
    if not await coordinates(ctx, group):
        await refuse(ctx)
        return
    action, value = parts[2], parts[3] if len(parts) > 3 else ""
    services, user = ctx.services, ctx.user
    assert user is not None
    if action == "preview":
        await ctx.notice(ctx.t("settings.preview_sent"))
        await send_now(services, ctx.messenger, group, chat_id=ctx.chat_id)
        return
    picked = _picker(ctx, group, action, value)
    if picked is not None:
        await _show(ctx, *picked)
        return
    if action == "l" and value in LANGUAGES:
        await services.groups.set_language(group.id, value)
        group = group.model_copy(update={"language": value})
        await ctx.notice(ctx.t("settings.saved"))
    elif action != "panel":
        settings = _changed(await services.summaries.settings(group.id), action, value)
        if settings is None:
            await ctx.notice(ctx.t("common.button_unknown"))
            return
        await services.summaries.save_settings(group.id, settings, ctx.now, user.id)
        await ctx.notice(ctx.t("settings.saved"))
    await _show(ctx, *await panel(ctx, group))


async def _show(ctx: Context, text: Safe, buttons: Buttons) -> None:
    message_id = ctx.incoming.message_id
    if message_id:
        await ctx.send(Edit(message_id=message_id, text=text, buttons=buttons))
    else:
        await ctx.say(text, buttons=buttons)
