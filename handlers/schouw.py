"""After a schouw: a short checklist in the private chat of the coordinator who planned it;
what was seen is logged as signals with source 'schouw'."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.chat import Button, Kind, Message, Messenger
from bot.context import Context, Services, deliver
from bot.formatting import short_date
from bot.i18n import Safe, Translator
from bot.impact_models import Activity
from bot.models import Group, SignalDraft, Source
from bot.reports import MAX_WHERE, MIN_WHERE
from handlers import private_flow as pf
from nlp.locations import street_of
from storage.conversations import Conversation

log = logging.getLogger(__name__)

FLOW = "schouwlijst"
PREFIX = "schl"  # buttons inside the checklist conversation
OFFER_PREFIX = "sch"  # the buttons of the message that offers the checklist
CATCH_UP = timedelta(days=3)  # after downtime, checklists of schouwen this recent still go out


@dataclass(frozen=True)
class Item:
    """One line of the checklist; its label is ``schouw.items.<id>``."""

    id: str
    category: str
    subcategory: str


ITEMS: tuple[Item, ...] = (
    Item("verlichting", "overlast", "openbare_ruimte"),
    Item("bestrating", "overlast", "openbare_ruimte"),
    Item("afval", "overlast", "afval"),
    Item("hangplek", "overlast", "jongeren"),
    Item("verkeer", "overlast", "verkeer"),
    Item("vernieling", "criminaliteit", "vernieling"),
    Item("inbraakgevoelig", "criminaliteit", "overig"),
    Item("overig", "overlast", "overig"),
)
_BY_ID = {item.id: item for item in ITEMS}


# --- the offer, once per schouw -------------------------------------------------------------


async def offer_checklists(services: Services, messenger: Messenger) -> int:
    """Offer the checklist of every schouw that has ended, once, to the one who planned it."""
    now = services.now()
    offered = 0
    for activity in await services.impact.activities.schouwen_ended(now - CATCH_UP, now):
        group = await services.groups.get(activity.group_id or 0)
        if group is None or group.messenger != messenger.name:
            continue
        user = await services.members.user(activity.created_by) if activity.created_by else None
        if not await services.impact.activities.claim_checklist(
            activity.id, user.id if user else None, now
        ):
            continue
        if user is None:
            continue  # the coordinator erased their data: nobody to ask
        t = services.i18n.get(user.language or group.language)
        text = t("schouw.offer", group=group.title, day=_day(t, activity, services))
        buttons = (
            (Button(t("schouw.fill_in"), f"{OFFER_PREFIX}:start:{activity.id}"),),
            (Button(t("schouw.nothing"), f"{OFFER_PREFIX}:none:{activity.id}"),),
        )
        sent = await deliver(
            services, messenger, user.external_id, Message(text=text, buttons=buttons)
        )
        if sent.message_id is None:
            log.info("schouw checklist for activity %s not delivered", activity.id)
        offered += 1
    return offered


def _day(t: Translator, activity: Activity, services: Services) -> Safe:
    return short_date(t, activity.starts_at.astimezone(services.settings.tz))


async def _checked_activity(ctx: Context, raw_id: str) -> tuple[Activity, Group] | None:
    """The schouw of the button, if the presser coordinates its group right now."""
    if not raw_id.isdigit():
        await ctx.notice(ctx.t("common.button_unknown"))
        return None
    activity = await ctx.services.impact.activities.get(int(raw_id))
    if activity is None or activity.group_id is None or activity.kind.value != "schouw":
        await ctx.notice(ctx.t("common.button_unknown"))
        return None
    group = await pf.coordinated_group(ctx, activity.group_id)
    if group is None:
        await ctx.notice(ctx.t("impact.not_coordinator_any_more"), alert=True)
        return None
    if await ctx.services.impact.activities.checklist_completed(activity.id):
        await ctx.notice(ctx.t("schouw.already_done"), alert=True)
        return None
    return activity, group


async def on_offer(ctx: Context) -> None:
    """sch:start:<activity> / sch:none:<activity>."""
    parts = ctx.incoming.data.split(":")
    if len(parts) != 3 or parts[1] not in ("start", "none") or not ctx.in_private:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    found = await _checked_activity(ctx, parts[2])
    if found is None:
        return
    activity, group = found
    if parts[1] == "none":
        await ctx.services.impact.activities.complete_checklist(activity.id, 0, ctx.now)
        await pf.show_in(ctx, ctx.chat_id, ctx.t("schouw.nothing_noted"), in_place=True)
        return
    values = {
        "activity_id": activity.id,
        "group_id": group.id,
        "day": str(_day(ctx.t, activity, ctx.services)),
        "selected": [],
        "places": {},
    }
    conv = pf.new_conversation(ctx, FLOW, "items", values)
    await pf.save(ctx, conv)
    # A new message: the offer keeps its buttons, so a stopped checklist can be opened again.
    await pf.show(ctx, conv, *_question(ctx.t, conv))


# --- the checklist --------------------------------------------------------------------------


def _question(t: Translator, conv: Conversation) -> tuple[str, pf.Buttons]:
    token = conv.token
    stop = (Button(t("impact.stop"), pf.data(PREFIX, token, "stop")),)
    selected: list[str] = conv.data["selected"]
    if conv.step == "items":
        toggles = [
            Button(
                t(
                    "schouw.toggle_on" if item.id in selected else "schouw.toggle_off",
                    label=t(f"schouw.items.{item.id}"),
                ),
                pf.data(PREFIX, token, "t", item.id),
            )
            for item in ITEMS
        ]
        done = (Button(t("schouw.next"), pf.data(PREFIX, token, "next")),)
        return t("schouw.ask_items", day=conv.data["day"]), (*pf.rows(toggles), done, stop)
    if conv.step.startswith("where:"):
        item = _BY_ID[conv.step.removeprefix("where:")]
        skip = (Button(t("schouw.place_unknown"), pf.data(PREFIX, token, "unknown")),)
        return t("schouw.ask_where", label=t(f"schouw.items.{item.id}")), (skip, stop)
    save = (Button(t("schouw.save"), pf.data(PREFIX, token, "save")),)
    return _summary(t, conv), (save, stop)


def _summary(t: Translator, conv: Conversation) -> Safe:
    lines = [
        str(
            t(
                "schouw.summary_line",
                label=t(f"schouw.items.{item_id}"),
                place=conv.data["places"].get(item_id) or t("schouw.place_unknown_short"),
            )
        )
        for item_id in conv.data["selected"]
    ]
    return t("schouw.summary", day=conv.data["day"], lines=Safe("\n".join(lines)))


def _next_step(conv: Conversation) -> str:
    selected: list[str] = conv.data["selected"]
    for item_id in selected:
        if item_id not in conv.data["places"]:
            return f"where:{item_id}"
    return "summary"


async def on_button(ctx: Context) -> None:
    pressed = await pf.pressed(ctx, FLOW, "schouw.stopped")
    if pressed is None:
        return
    conv, action, value = pressed
    steps = {"t": "items", "next": "items", "save": "summary"}
    if action == "unknown":
        if not conv.step.startswith("where:"):
            await ctx.notice(ctx.t("impact.step_done"))
            return
    elif action not in steps:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    elif steps[action] != conv.step:
        await ctx.notice(ctx.t("impact.step_done"))
        return
    group = await pf.coordinated_group(ctx, conv.data.get("group_id"))
    if group is None:
        await pf.lost_role(ctx, conv)
        return
    if action == "t":
        await _toggle(ctx, conv, value)
    elif action == "next":
        if not conv.data["selected"]:
            await ctx.notice(ctx.t("schouw.choose_something"), alert=True)
            return
        conv.step = _next_step(conv)
        await pf.save(ctx, conv)
        await pf.show(ctx, conv, *_question(ctx.t, conv), in_place=True)
    elif action == "unknown":
        conv.data["places"][conv.step.removeprefix("where:")] = ""
        conv.step = _next_step(conv)
        await pf.save(ctx, conv)
        await pf.show(ctx, conv, *_question(ctx.t, conv), in_place=True)
    else:
        await _save(ctx, conv, group)


async def _toggle(ctx: Context, conv: Conversation, item_id: str) -> None:
    if item_id not in _BY_ID:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    selected: list[str] = conv.data["selected"]
    if item_id in selected:
        selected.remove(item_id)
    else:
        selected.append(item_id)
    await pf.save(ctx, conv)
    await pf.show(ctx, conv, *_question(ctx.t, conv), in_place=True)


async def on_input(ctx: Context) -> None:
    conv = await pf.typed(ctx, FLOW)
    if conv is None:
        return
    if not conv.step.startswith("where:"):
        await ctx.say(ctx.t("impact.use_buttons"))
        await pf.show(ctx, conv, *_question(ctx.t, conv))
        return
    if await pf.coordinated_group(ctx, conv.data.get("group_id")) is None:
        await pf.lost_role(ctx, conv)
        return
    text = ctx.incoming.text.strip() if ctx.incoming.kind is Kind.TEXT else ""
    if len(text) > MAX_WHERE:
        await ctx.say(ctx.t("common.too_long", length=len(text), limit=MAX_WHERE))
        return
    if len(text) < MIN_WHERE:
        await ctx.say(ctx.t("schouw.bad_where"))
        return
    conv.data["places"][conv.step.removeprefix("where:")] = text
    conv.step = _next_step(conv)
    await pf.save(ctx, conv)
    await pf.show(ctx, conv, *_question(ctx.t, conv))


async def _save(ctx: Context, conv: Conversation, group: Group) -> None:
    services = ctx.services
    activity = await services.impact.activities.get(int(conv.data["activity_id"]))
    assert ctx.user is not None
    await pf.end(ctx, conv)
    if activity is None or not await services.impact.activities.complete_checklist(
        activity.id, len(conv.data["selected"]), ctx.now
    ):
        await pf.show(ctx, conv, ctx.t("schouw.already_done"), in_place=True)
        return
    group_t = ctx.translator_for(group)
    lines = []
    for item_id in conv.data["selected"]:
        item = _BY_ID[item_id]
        place = conv.data["places"].get(item_id) or None
        label = str(group_t(f"schouw.items.{item.id}"))
        await services.signals.add(
            SignalDraft(
                group_id=group.id,
                reporter_id=ctx.user.id,
                category=item.category,
                subcategory=item.subcategory,
                source=Source.SCHOUW,
                occurred_at=activity.starts_at,
                reported_at=ctx.now,
                street=street_of(place) if place else None,
                location_text=place,
                description=str(group_t("schouw.signal_description", label=label)),
            )
        )
        lines.append(
            str(
                group_t(
                    "schouw.summary_line",
                    label=label,
                    place=place or group_t("schouw.place_unknown_short"),
                )
            )
        )
    n = len(lines)
    await pf.show(ctx, conv, ctx.t("schouw.saved", n=n), in_place=True)
    day = _day(group_t, activity, services)
    post = group_t("schouw.group_report", n=n, day=day, lines=Safe("\n".join(lines)))
    await ctx.send(Message(text=post, silent=True), group.chat_id)
