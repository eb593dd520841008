"""/activiteit and /schouw (coordinators): plan an activity of the group, step by step in the
private chat; it is posted in the group as an invitation with Ik kom / Misschien / Nee."""

from __future__ import annotations

import secrets
from datetime import date, time

from bot.activities import (
    KIND_LEVELS,
    MAX_DESCRIPTION,
    MAX_LOCATION,
    MAX_TITLE,
    local_moment,
    parse_clock,
    parse_day,
)
from bot.chat import Button, Kind
from bot.context import Context
from bot.formatting import clock, short_date
from bot.i18n import Safe, Translator
from bot.impact_models import ActivityDraft, ActivityKind
from bot.models import Group
from handlers import private_flow as pf
from handlers.invitations import send_invitation
from storage.conversations import Conversation

FLOW = "activiteit"
PREFIX = "act"
MIN_TITLE = 3
MIN_LOCATION = 2

# What a coordinator can plan for the own group (regional activities come from the association).
LOCAL_KINDS = tuple(kind for kind in ActivityKind if kind is not ActivityKind.REGIONAAL)

_STEPS = {
    "activiteit": ("kind", "title", "day", "time", "place", "description", "summary"),
    "schouw": ("day", "time", "place", "summary"),
}
_TYPED = frozenset({"title", "day", "time", "place", "description"})


async def command_activity(ctx: Context) -> None:
    """/activiteit."""
    await _start(ctx, "activiteit")


async def command_schouw(ctx: Context) -> None:
    """/schouw."""
    await _start(ctx, "schouw")


async def _start(ctx: Context, mode: str) -> None:
    if ctx.group is not None:
        await _begin(ctx, ctx.group, mode)
        return
    groups = await pf.coordinated_groups(ctx)
    if not groups:
        await ctx.say(ctx.t("common.coordinators_only", command=ctx.incoming.command))
        return
    if len(groups) == 1:
        await _begin(ctx, groups[0], mode)
        return
    choices = [[group.id, group.title] for group in groups]
    conv = pf.new_conversation(ctx, FLOW, "group", {"mode": mode, "choices": choices})
    await pf.save(ctx, conv)
    await pf.show(ctx, conv, *_question(ctx, conv))


async def _begin(ctx: Context, group: Group, mode: str) -> None:
    values = {"mode": mode, "group_id": group.id, "group_title": group.title}
    conv = pf.new_conversation(ctx, FLOW, _STEPS[mode][0], values, chat_id=pf.private_chat_of(ctx))
    text, buttons = _question(ctx, conv)
    intro = ctx.t(f"activities.intro_{mode}", group=group.title)
    await pf.open_in_private(ctx, conv, Safe(f"{intro}\n\n{text}"), buttons)


def _next(conv: Conversation) -> str:
    steps = _STEPS[conv.data["mode"]]
    return steps[min(steps.index(conv.step) + 1, len(steps) - 1)]


def _stop(t: Translator, conv: Conversation) -> tuple[Button, ...]:
    return (Button(t("impact.stop"), pf.data(PREFIX, conv.token, "stop")),)


def _question(ctx: Context, conv: Conversation) -> tuple[str, pf.Buttons]:
    t, token, step = ctx.t, conv.token, conv.step
    if step == "group":
        buttons = [
            (Button(str(title), pf.data(PREFIX, token, "grp", str(gid))),)
            for gid, title in conv.data.get("choices", [])
        ]
        return t("impact.choose_group"), (*buttons, _stop(t, conv))
    if step == "kind":
        kinds = [
            Button(t(f"activities.kinds.{kind.value}"), pf.data(PREFIX, token, "kind", kind.value))
            for kind in LOCAL_KINDS
        ]
        return t("activities.ask_kind"), (*pf.rows(kinds), _stop(t, conv))
    if step == "title":
        return t("activities.ask_title", limit=MAX_TITLE), (_stop(t, conv),)
    if step == "day":
        return t("activities.ask_day"), (_stop(t, conv),)
    if step == "time":
        return t("activities.ask_time"), (_stop(t, conv),)
    if step == "place":
        key = "activities.ask_meeting_point" if _is_schouw(conv) else "activities.ask_place"
        return t(key), (_stop(t, conv),)
    if step == "description":
        skip = (Button(t("activities.skip"), pf.data(PREFIX, token, "skip")),)
        return t("activities.ask_description", limit=MAX_DESCRIPTION), (skip, _stop(t, conv))
    post = (Button(t("activities.post"), pf.data(PREFIX, token, "post")),)
    return _summary(ctx, conv), (post, _stop(t, conv))


def _is_schouw(conv: Conversation) -> bool:
    return conv.data.get("mode") == "schouw" or conv.data.get("kind") == ActivityKind.SCHOUW.value


def _kind(conv: Conversation) -> ActivityKind:
    return ActivityKind.SCHOUW if conv.data["mode"] == "schouw" else ActivityKind(conv.data["kind"])


def _title(t: Translator, conv: Conversation) -> str:
    return str(conv.data.get("title") or t("activities.schouw_title"))


def _summary(ctx: Context, conv: Conversation) -> Safe:
    t = ctx.t
    start = local_moment(
        date.fromisoformat(conv.data["day"]),
        time.fromisoformat(conv.data["time"]),
        ctx.services.settings.tz,
    )
    description = conv.data.get("description") or ""
    return t(
        "activities.summary",
        group=conv.data["group_title"],
        kind=t(f"activities.kinds.{_kind(conv).value}"),
        title=_title(t, conv),
        day=short_date(t, start, with_year=True),
        time=clock(start),
        place=conv.data["location"],
        description=t("invitations.description", text=description) if description else "",
    )


# --- buttons --------------------------------------------------------------------------------


async def on_button(ctx: Context) -> None:
    pressed = await pf.pressed(ctx, FLOW, "activities.stopped")
    if pressed is None:
        return
    conv, action, value = pressed
    expected = {"grp": "group", "kind": "kind", "skip": "description", "post": "summary"}
    if action not in expected:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    if expected[action] != conv.step:
        await ctx.notice(ctx.t("impact.step_done"))
        return
    if action == "grp":
        await _choose_group(ctx, conv, value)
        return
    group = await pf.coordinated_group(ctx, conv.data.get("group_id"))
    if group is None:
        await pf.lost_role(ctx, conv)
        return
    if action == "kind":
        if value not in {kind.value for kind in LOCAL_KINDS}:
            await ctx.notice(ctx.t("common.button_unknown"))
            return
        conv.data["kind"] = value
        await _advance(ctx, conv, in_place=True)
    elif action == "skip":
        conv.data["description"] = ""
        await _advance(ctx, conv, in_place=True)
    else:
        await _post(ctx, conv, group)


async def _choose_group(ctx: Context, conv: Conversation, value: str) -> None:
    choices = {str(gid) for gid, _ in conv.data.get("choices", [])}
    group = await pf.coordinated_group(ctx, value) if value in choices else None
    if group is None:
        await pf.lost_role(ctx, conv)
        return
    mode = conv.data["mode"]
    conv.data = {"mode": mode, "group_id": group.id, "group_title": group.title}
    conv.step = _STEPS[mode][0]
    await pf.save(ctx, conv)
    text, buttons = _question(ctx, conv)
    intro = ctx.t(f"activities.intro_{mode}", group=group.title)
    await pf.show(ctx, conv, Safe(f"{intro}\n\n{text}"), buttons, in_place=True)


async def _advance(ctx: Context, conv: Conversation, *, in_place: bool = False) -> None:
    conv.step = _next(conv)
    await pf.save(ctx, conv)
    await pf.show(ctx, conv, *_question(ctx, conv), in_place=in_place)


async def _post(ctx: Context, conv: Conversation, group: Group) -> None:
    services, t = ctx.services, ctx.t
    start = local_moment(
        date.fromisoformat(conv.data["day"]),
        time.fromisoformat(conv.data["time"]),
        services.settings.tz,
    )
    if start <= ctx.now:
        conv.step = "day"
        await pf.save(ctx, conv)
        await ctx.say(t("activities.time_passed"), chat_id=conv.chat_id)
        await pf.show(ctx, conv, *_question(ctx, conv))
        return
    assert ctx.user is not None
    kind = _kind(conv)
    group_t = ctx.translator_for(group)
    draft = ActivityDraft(
        key=f"g{group.id}:{secrets.token_hex(8)}",
        kind=kind,
        title=_title(group_t, conv),
        starts_at=start,
        location=conv.data["location"],
        levels=KIND_LEVELS[kind],
        description=conv.data.get("description")
        or (str(group_t("activities.schouw_description")) if kind is ActivityKind.SCHOUW else ""),
        group_id=group.id,
        created_by=ctx.user.id,
    )
    await pf.end(ctx, conv)
    activity = await services.impact.activities.add(draft, ctx.now)
    invitation = await send_invitation(services, ctx.messenger, group, activity, regional=False)
    if invitation is None or invitation.message_id is None:
        await pf.show(ctx, conv, t("activities.post_failed", group=group.title), in_place=True)
        return
    key = "activities.posted_schouw" if kind is ActivityKind.SCHOUW else "activities.posted"
    await pf.show(ctx, conv, t(key, group=group.title), in_place=True)


# --- typed answers --------------------------------------------------------------------------


async def on_input(ctx: Context) -> None:
    conv = await pf.typed(ctx, FLOW)
    if conv is None:
        return
    incoming = ctx.incoming
    if conv.step not in _TYPED:
        await ctx.say(ctx.t("impact.use_buttons"))
        await pf.show(ctx, conv, *_question(ctx, conv))
        return
    if await pf.coordinated_group(ctx, conv.data.get("group_id")) is None:
        await pf.lost_role(ctx, conv)
        return
    if incoming.kind is not Kind.TEXT:
        await ctx.say(ctx.t("activities.text_expected"))
        return
    text = incoming.text.strip()
    problem = _check(ctx, conv, text)
    if problem is not None:
        await ctx.say(problem)
        return
    await _advance(ctx, conv)


def _check(ctx: Context, conv: Conversation, text: str) -> str | None:
    """Store the typed answer of the current step, or return why it cannot be used."""
    t, step = ctx.t, conv.step
    limits = {
        "title": (MIN_TITLE, MAX_TITLE),
        "place": (MIN_LOCATION, MAX_LOCATION),
        "description": (1, MAX_DESCRIPTION),
    }
    if step in limits:
        low, high = limits[step]
        if len(text) > high:
            return t("common.too_long", length=len(text), limit=high)
        if len(text) < low:
            return t(f"activities.bad_{step}")
        conv.data["location" if step == "place" else step] = text
        return None
    tz = ctx.services.settings.tz
    local_now = ctx.now.astimezone(tz)
    if step == "day":
        day = parse_day(text[:60], local_now.date())
        if day is None:
            return t("activities.bad_day")
        conv.data["day"] = day.isoformat()
        return None
    moment = parse_clock(text[:20])
    if moment is None:
        return t("activities.bad_time")
    if local_moment(date.fromisoformat(conv.data["day"]), moment, tz) <= ctx.now:
        return t("activities.time_passed")
    conv.data["time"] = moment.isoformat(timespec="minutes")
    return None
