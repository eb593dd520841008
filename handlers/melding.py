"""/melding: the guided report, step by step in the private chat."""

from __future__ import annotations

import html
import logging
import secrets
from collections.abc import Awaitable, Callable

from bot.chat import Button, Kind, Message, Messenger
from bot.context import Context, Services
from bot.formatting import category_label, moment, subcategory_label
from bot.i18n import Safe, Translator
from bot.models import CATEGORIES, SUBCATEGORIES, Group, Signal
from bot.reports import (
    MAX_DESCRIPTION,
    MAX_WHERE,
    MIN_DESCRIPTION,
    MIN_WHERE,
    Draft,
    Problem,
    Step,
    check_category,
    check_location,
    check_subcategory,
    check_text,
    day_part_moment,
    next_step,
    part_fits,
    submit,
    typed_moment,
)
from handlers import private_flow
from storage.conversations import Conversation
from storage.timeutil import to_epoch

log = logging.getLogger(__name__)

FLOW = "melding"
PREFIX = "mld"
LINK_PREFIX = "mld-"

Buttons = tuple[tuple[Button, ...], ...]


def _data(token: str, action: str, value: str = "") -> str:
    return f"{PREFIX}:{token}:{action}:{value}" if value else f"{PREFIX}:{token}:{action}"


def _pairs(buttons: list[Button]) -> Buttons:
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))


# --- starting -------------------------------------------------------------------------------


async def command(ctx: Context) -> None:
    """/melding: in a group, a button to the private chat; in private, start or resume."""
    if ctx.in_private:
        await _start_private(ctx)
        return
    group, sender = ctx.group, ctx.incoming.sender
    assert group is not None and sender is not None
    link = ctx.messenger.deep_link(f"{LINK_PREFIX}{group.code}")
    buttons: Buttons = ((Button(ctx.t("melding.from_group_button"), url=link),),) if link else ()
    await ctx.say(ctx.t("melding.from_group", name=sender.name), buttons=buttons)


async def start_from_link(ctx: Context, code: str) -> None:
    """``/start mld-<code>``: the deep link from a group's /melding button."""
    group = await ctx.services.groups.by_code(code)
    sender = ctx.incoming.sender
    assert sender is not None
    if group is None:
        await ctx.say(ctx.t("start.bad_link"))
        return
    if not group.active:
        await ctx.say(ctx.t("melding.group_inactive"))
        return
    if not await ctx.messenger.is_member(group.chat_id, sender.id):
        await ctx.say(ctx.t("melding.not_member"))
        return
    await ctx.services.people.seen(group.messenger, sender, ctx.now, group.id)
    await _begin(ctx, group)


async def _start_private(ctx: Context) -> None:
    conv = await _current(ctx)
    if conv is not None and conv.flow == FLOW and not _expired(ctx, conv):
        await ctx.say(ctx.t("melding.resumed"))
        await _ask(ctx, conv)
        return
    assert ctx.user is not None
    groups = [group for group, _ in await ctx.services.members.groups_of(ctx.user.id)]
    if not groups:
        await ctx.say(ctx.t("melding.no_group"))
    elif len(groups) == 1:
        await _begin(ctx, groups[0])
    else:
        choices = [[group.id, group.title] for group in groups]
        await _save_and_ask(ctx, _new_conversation(ctx, Step.GROUP, {"choices": choices}))


def _new_conversation(ctx: Context, step: Step, data: dict[str, object]) -> Conversation:
    sender = ctx.incoming.sender
    assert sender is not None
    return Conversation(
        messenger=ctx.incoming.chat.messenger,
        chat_id=ctx.chat_id,
        user_id=sender.id,
        flow=FLOW,
        step=step,
        token=secrets.token_hex(3),
        started_at=ctx.now,
        updated_at=ctx.now,
        data=dict(data),
    )


async def _begin(ctx: Context, group: Group) -> None:
    data = {"group_id": group.id, "group_title": group.title}
    await _save_and_ask(ctx, _new_conversation(ctx, Step.CATEGORY, data))


async def _current(ctx: Context) -> Conversation | None:
    if ctx.conversation is not None:
        return ctx.conversation
    sender = ctx.incoming.sender
    assert sender is not None
    return await ctx.services.conversations.get(ctx.incoming.chat.messenger, ctx.chat_id, sender.id)


def _expired(ctx: Context, conv: Conversation) -> bool:
    limit = ctx.services.settings.conversation_timeout_minutes
    return (ctx.now - conv.updated_at).total_seconds() > limit * 60


async def _expire(ctx: Context, conv: Conversation) -> None:
    await ctx.services.conversations.delete(conv.messenger, conv.chat_id, conv.user_id, conv.token)
    if ctx.incoming.kind is Kind.BUTTON:
        await ctx.notice(ctx.t("melding.expired_notice"))
    minutes = ctx.services.settings.conversation_timeout_minutes
    await ctx.say(ctx.t("melding.expired", minutes=minutes))


async def cancel(ctx: Context) -> None:
    """/annuleer."""
    conv = await _current(ctx)
    if conv is None or conv.flow != FLOW:
        await ctx.say(ctx.t("melding.nothing_to_cancel"))
        return
    await _cancel(ctx, conv)


async def _cancel(ctx: Context, conv: Conversation, _value: str = "") -> None:
    await ctx.services.conversations.delete(conv.messenger, conv.chat_id, conv.user_id, conv.token)
    await ctx.say(ctx.t("melding.cancelled"))


# --- asking ---------------------------------------------------------------------------------


async def _save_and_ask(ctx: Context, conv: Conversation) -> None:
    conv.updated_at = ctx.now
    await ctx.services.conversations.save(conv)
    await _ask(ctx, conv)


async def _goto(ctx: Context, conv: Conversation, step: Step) -> None:
    if step is Step.SUMMARY:
        conv.data.pop("changing", None)
    conv.step = step
    await _save_and_ask(ctx, conv)


async def _ask(ctx: Context, conv: Conversation) -> None:
    text, buttons = _question(ctx, conv)
    await ctx.say(text, buttons=buttons)


def _question(ctx: Context, conv: Conversation) -> tuple[str, Buttons]:
    t, token, draft = ctx.t, conv.token, Draft(conv.data)
    cancel_row = (Button(t("melding.cancel"), _data(token, "cancel")),)
    step = Step(conv.step)
    if step is Step.GROUP:
        groups = [
            Button(str(title), _data(token, "grp", str(gid))) for gid, title in draft.get("choices")
        ]
        return t("melding.choose_group"), (*((b,) for b in groups), cancel_row)
    if step is Step.CATEGORY:
        row = tuple(Button(category_label(t, c), _data(token, "cat", c)) for c in CATEGORIES)
        return t("melding.ask_category", group=draft.get("group_title")), (row, cancel_row)
    if step is Step.SUBCATEGORY:
        category = draft.category or CATEGORIES[0]
        subs = [
            Button(subcategory_label(t, category, sub), _data(token, "sub", sub))
            for sub in SUBCATEGORIES[category]
        ]
        text = t("melding.ask_subcategory", category=category_label(t, category))
        return text, (*_pairs(subs), cancel_row)
    if step is Step.NOW:
        row = (
            Button(t("melding.now_yes"), _data(token, "now", "1")),
            Button(t("melding.now_no"), _data(token, "now", "0")),
        )
        return t("melding.ask_now"), (row, cancel_row)
    if step is Step.SAAR:
        return t("melding.saar"), (
            (Button(t("saar.called_button"), _data(token, "112")),),
            (Button(t("melding.saar_continue"), _data(token, "go")),),
            cancel_row,
        )
    if step is Step.WHERE:
        return t("melding.ask_where"), (cancel_row,)
    if step is Step.WHEN:
        row = (
            Button(t("melding.when_now"), _data(token, "when", "now")),
            Button(t("melding.when_today"), _data(token, "when", "today")),
            Button(t("melding.when_yesterday"), _data(token, "when", "yesterday")),
        )
        return t("melding.ask_when"), (row, cancel_row)
    if step is Step.WHEN_PART:
        parts = [
            Button(t(f"melding.part_{part}"), _data(token, "part", part))
            for part in ("ochtend", "middag", "avond", "nacht")
        ]
        unknown = (Button(t("melding.part_unknown"), _data(token, "part", "unknown")),)
        return t("melding.ask_part"), (*_pairs(parts), unknown, cancel_row)
    if step is Step.WHAT:
        return t("melding.ask_what"), (cancel_row,)
    if step is Step.PHOTO:
        return t("melding.ask_photo"), (
            (Button(t("melding.no_photo"), _data(token, "photo", "none")),),
            cancel_row,
        )
    if step is Step.NAME:
        row = (
            Button(t("melding.name_show"), _data(token, "name", "1")),
            Button(t("melding.name_hide"), _data(token, "name", "0")),
        )
        return t("melding.ask_name"), (row, cancel_row)
    if step is Step.CHANGE:
        fields = [
            Button(t(f"melding.field_{field}"), _data(token, "field", field))
            for field in ("category", "where", "when", "what", "photo", "name")
        ]
        back = (Button(t("melding.back"), _data(token, "back")),)
        return t("melding.ask_change"), (*_pairs(fields), back)
    return _summary(ctx, conv), (
        (
            Button(t("melding.send"), _data(token, "send")),
            Button(t("melding.change"), _data(token, "change")),
        ),
        cancel_row,
    )


def _where(t: Translator, draft: Draft) -> Safe:
    if draft.get("lat") is not None:
        lat, lon = float(draft.get("lat")), float(draft.get("lon"))
        url = f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=18/{lat:.5f}/{lon:.5f}"
        return Safe(f'<a href="{url}">{t("melding.shared_location")}</a>')
    return Safe(html.escape(str(draft.get("location_text") or "?"), quote=False))


def _when(ctx: Context, draft: Draft) -> Safe:
    occurred = draft.occurred_at or ctx.now
    tz = ctx.services.settings.tz
    return moment(ctx.t, occurred, ctx.now, tz, draft.get("when_part"))


def _summary(ctx: Context, conv: Conversation) -> Safe:
    t, draft = ctx.t, Draft(conv.data)
    category = draft.category or CATEGORIES[0]
    return t(
        "melding.summary",
        icon=t(f"taxonomy.icons.{category}"),
        category=category_label(t, category),
        subcategory=subcategory_label(t, category, draft.get("subcategory")),
        where=_where(t, draft),
        when=_when(ctx, draft),
        what=draft.get("description") or "",
        photo=t(
            "melding.summary_photo_yes" if draft.get("photo_ref") else "melding.summary_photo_no"
        ),
        shown=t("melding.summary_shown" if draft.get("show_name") else "melding.summary_hidden"),
        called=t("melding.summary_called") if draft.get("called_112") else "",
    )


def render_post(t: Translator, signal: Signal, reporter_name: str | None, when: Safe) -> Safe:
    """The concise report posted in the group."""
    draft = Draft({"location_text": signal.location_text, "lat": signal.lat, "lon": signal.lon})
    return t(
        "melding.group_post",
        icon=t(f"taxonomy.icons.{signal.category}"),
        category=category_label(t, signal.category),
        subcategory=subcategory_label(t, signal.category, signal.subcategory),
        where=_where(t, draft),
        when=when,
        what=signal.description or "",
        called=t("melding.group_post_called") if signal.called_112 else "",
        by=t("melding.group_post_by", name=reporter_name)
        if signal.show_name and reporter_name
        else "",
    )


# --- answers by button ----------------------------------------------------------------------

Action = Callable[[Context, Conversation, str], Awaitable[None]]


async def on_button(ctx: Context) -> None:
    parts = ctx.incoming.data.split(":")
    if len(parts) < 3:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    token, action, value = parts[1], parts[2], parts[3] if len(parts) > 3 else ""
    conv = await _current(ctx)
    if conv is None or conv.flow != FLOW or conv.token != token:
        await ctx.notice(ctx.t("common.button_stale"))
        return
    if _expired(ctx, conv):
        await _expire(ctx, conv)
        return
    entry = _ACTIONS.get(action)
    if entry is None:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    steps, handler = entry
    if steps and Step(conv.step) not in steps:
        await ctx.notice(ctx.t("melding.step_done"))
        return
    await handler(ctx, conv, value)


async def _invalid(ctx: Context) -> None:
    await ctx.notice(ctx.t("common.button_unknown"))


async def _choose_group(ctx: Context, conv: Conversation, value: str) -> None:
    choices = {str(gid): title for gid, title in conv.data.get("choices", [])}
    group = await ctx.services.groups.get(int(value)) if value in choices else None
    sender = ctx.incoming.sender
    assert sender is not None
    if group is None:
        await _invalid(ctx)
        return
    if not group.active or not await ctx.messenger.is_member(group.chat_id, sender.id):
        await ctx.say(ctx.t("melding.not_member"))
        return
    conv.data = {"group_id": group.id, "group_title": group.title}
    await _goto(ctx, conv, Step.CATEGORY)


async def _choose_category(ctx: Context, conv: Conversation, value: str) -> None:
    if not check_category(value):
        await _invalid(ctx)
        return
    if conv.data.get("category") != value:
        conv.data.pop("subcategory", None)
    conv.data["category"] = value
    await _goto(ctx, conv, next_step(Step.CATEGORY, Draft(conv.data)))


async def _choose_subcategory(ctx: Context, conv: Conversation, value: str) -> None:
    if not check_subcategory(conv.data.get("category"), value):
        await _invalid(ctx)
        return
    conv.data["subcategory"] = value
    await _goto(ctx, conv, next_step(Step.SUBCATEGORY, Draft(conv.data)))


async def _choose_now(ctx: Context, conv: Conversation, value: str) -> None:
    if value not in ("0", "1"):
        await _invalid(ctx)
        return
    conv.data["now"] = value == "1"
    if value == "1":
        conv.data["occurred_at"] = to_epoch(ctx.now)
        conv.data.pop("when_part", None)
        if conv.data.get("category") == "overlast":
            await ctx.say(ctx.t("melding.overlast_now"))
    await _goto(ctx, conv, next_step(Step.NOW, Draft(conv.data)))


async def _called_112(ctx: Context, conv: Conversation, _value: str) -> None:
    """Tell the group that 112 has been called, so nobody calls twice; then go on."""
    from handlers.saar import post_called

    draft = Draft(conv.data)
    group = await ctx.services.groups.get(draft.group_id or 0)
    if group is not None and group.active and not conv.data.get("called_112"):
        await post_called(ctx, group)
        conv.data["called_112"] = True
        await ctx.notice(ctx.t("melding.saar_posted"))
    await _goto(ctx, conv, next_step(Step.SAAR, draft))


async def _continue(ctx: Context, conv: Conversation, _value: str) -> None:
    await _goto(ctx, conv, next_step(Step.SAAR, Draft(conv.data)))


async def _choose_when(ctx: Context, conv: Conversation, value: str) -> None:
    if value == "now":
        conv.data.update(occurred_at=to_epoch(ctx.now), now=False)
        conv.data.pop("when_part", None)
        await _goto(ctx, conv, next_step(Step.WHEN, Draft(conv.data)))
    elif value in ("today", "yesterday"):
        conv.data["days_ago"] = 0 if value == "today" else 1
        await _goto(ctx, conv, Step.WHEN_PART)
    else:
        await _invalid(ctx)


async def _choose_part(ctx: Context, conv: Conversation, value: str) -> None:
    if value not in ("ochtend", "middag", "avond", "nacht", "unknown"):
        await _invalid(ctx)
        return
    days_ago = int(conv.data.get("days_ago", 0))
    part = None if value == "unknown" else value
    tz = ctx.services.settings.tz
    if part and not part_fits(days_ago, part, ctx.now, tz):
        await ctx.notice(ctx.t("melding.future_when"), alert=True)
        return
    occurred = day_part_moment(days_ago, part, ctx.now, tz)
    conv.data.update(occurred_at=to_epoch(occurred), when_part=part)
    if part is None:
        conv.data["when_part"] = None
    await _goto(ctx, conv, next_step(Step.WHEN_PART, Draft(conv.data)))


async def _skip_photo(ctx: Context, conv: Conversation, _value: str) -> None:
    conv.data.pop("photo_ref", None)
    await _goto(ctx, conv, next_step(Step.PHOTO, Draft(conv.data)))


async def _choose_name(ctx: Context, conv: Conversation, value: str) -> None:
    if value not in ("0", "1"):
        await _invalid(ctx)
        return
    conv.data["show_name"] = value == "1"
    await _goto(ctx, conv, next_step(Step.NAME, Draft(conv.data)))


async def _change(ctx: Context, conv: Conversation, _value: str) -> None:
    await _goto(ctx, conv, Step.CHANGE)


async def _back(ctx: Context, conv: Conversation, _value: str) -> None:
    await _goto(ctx, conv, Step.SUMMARY)


_FIELD_STEPS = {
    "category": Step.CATEGORY,
    "where": Step.WHERE,
    "when": Step.WHEN,
    "what": Step.WHAT,
    "photo": Step.PHOTO,
    "name": Step.NAME,
}


async def _change_field(ctx: Context, conv: Conversation, value: str) -> None:
    step = _FIELD_STEPS.get(value)
    if step is None:
        await _invalid(ctx)
        return
    conv.data["changing"] = True
    await _goto(ctx, conv, step)


async def _send(ctx: Context, conv: Conversation, _value: str) -> None:
    draft = Draft(conv.data)
    services = ctx.services
    group = await services.groups.get(draft.group_id or 0)
    if group is None or not group.active:
        await services.conversations.delete(conv.messenger, conv.chat_id, conv.user_id, conv.token)
        await ctx.say(ctx.t("melding.group_inactive"))
        return
    assert ctx.user is not None
    signal = await submit(services.signals, draft, ctx.user.id, ctx.now)
    await services.conversations.delete(conv.messenger, conv.chat_id, conv.user_id, conv.token)
    group_t = ctx.translator_for(group)
    when = moment(
        group_t, signal.occurred_at, ctx.now, services.settings.tz, draft.get("when_part")
    )
    post = render_post(group_t, signal, ctx.user.display_name, when)
    sent = await ctx.send(Message(text=post, photo_ref=signal.photo_ref), chat_id=group.chat_id)
    if sent.message_id:
        await services.signals.set_chat_message(signal.id, sent.message_id)
        await ctx.say(ctx.t("melding.sent", number=signal.id, group=group.title))
    else:
        await ctx.say(ctx.t("melding.sent_group_gone", number=signal.id))


_ACTIONS: dict[str, tuple[frozenset[Step], Action]] = {
    "grp": (frozenset({Step.GROUP}), _choose_group),
    "cat": (frozenset({Step.CATEGORY}), _choose_category),
    "sub": (frozenset({Step.SUBCATEGORY}), _choose_subcategory),
    "now": (frozenset({Step.NOW}), _choose_now),
    "112": (frozenset({Step.SAAR}), _called_112),
    "go": (frozenset({Step.SAAR}), _continue),
    "when": (frozenset({Step.WHEN}), _choose_when),
    "part": (frozenset({Step.WHEN_PART}), _choose_part),
    "photo": (frozenset({Step.PHOTO}), _skip_photo),
    "name": (frozenset({Step.NAME}), _choose_name),
    "change": (frozenset({Step.SUMMARY}), _change),
    "field": (frozenset({Step.CHANGE}), _change_field),
    "back": (frozenset({Step.CHANGE}), _back),
    "send": (frozenset({Step.SUMMARY}), _send),
    "cancel": (frozenset(), _cancel),
}


# --- answers by typing, location or photo ---------------------------------------------------


async def on_input(ctx: Context) -> None:
    """A private message while a report is open: the answer to the current step."""
    conv = await _current(ctx)
    if conv is None:
        return
    if _expired(ctx, conv):
        await _expire(ctx, conv)
        return
    step = Step(conv.step)
    handler = _INPUTS.get(step)
    if handler is None:
        # This step is answered with a button: ask again so the buttons are at hand.
        await _ask(ctx, conv)
        return
    await handler(ctx, conv)


async def _too_long(ctx: Context, length: int, limit: int) -> None:
    await ctx.say(ctx.t("common.too_long", length=length, limit=limit))


async def _input_where(ctx: Context, conv: Conversation) -> None:
    incoming = ctx.incoming
    if incoming.kind is Kind.LOCATION and incoming.latitude is not None:
        if check_location(incoming.latitude, incoming.longitude or 0.0):
            await ctx.say(ctx.t("melding.bad_location"))
            return
        conv.data.update(lat=incoming.latitude, lon=incoming.longitude, location_text=None)
    elif incoming.kind is Kind.TEXT:
        text = incoming.text.strip()
        problem = check_text(text, MIN_WHERE, MAX_WHERE)
        if problem is Problem.TOO_LONG:
            await _too_long(ctx, len(text), MAX_WHERE)
            return
        if problem is not None:
            await ctx.say(ctx.t("melding.bad_where"))
            return
        conv.data.update(location_text=text, lat=None, lon=None)
    else:
        await ctx.say(ctx.t("melding.bad_where"))
        return
    await _goto(ctx, conv, next_step(Step.WHERE, Draft(conv.data)))


async def _input_when(ctx: Context, conv: Conversation) -> None:
    if ctx.incoming.kind is not Kind.TEXT:
        await ctx.say(ctx.t("melding.bad_when"))
        return
    tz = ctx.services.settings.tz
    text = ctx.incoming.text.strip()
    if Step(conv.step) is Step.WHEN_PART:
        # A bare time on the day chosen before ("gisteren" + "23:15").
        days_ago = int(conv.data.get("days_ago", 0))
        day_word = "gisteren " if days_ago == 1 else ""
        text = f"{day_word}{text}" if not text.lower().startswith(("gister", "vandaag")) else text
    result = typed_moment(text, ctx.now, tz)
    if isinstance(result, Problem):
        key = {
            Problem.FUTURE: "melding.future_when",
            Problem.TOO_OLD: "melding.too_old_when",
        }.get(result, "melding.bad_when")
        await ctx.say(ctx.t(key))
        return
    conv.data.update(occurred_at=to_epoch(result), when_part=None, now=False)
    await _goto(ctx, conv, next_step(Step.WHEN, Draft(conv.data)))


async def _input_what(ctx: Context, conv: Conversation) -> None:
    incoming = ctx.incoming
    if incoming.kind not in (Kind.TEXT, Kind.PHOTO):
        await ctx.say(ctx.t("melding.bad_what", limit=MIN_DESCRIPTION))
        return
    text = incoming.text.strip()
    problem = check_text(text, MIN_DESCRIPTION, MAX_DESCRIPTION)
    if problem is Problem.TOO_LONG:
        await _too_long(ctx, len(text), MAX_DESCRIPTION)
        return
    if incoming.kind is Kind.PHOTO and incoming.photo_ref:
        conv.data["photo_ref"] = incoming.photo_ref
    if problem is not None:
        conv.updated_at = ctx.now
        await ctx.services.conversations.save(conv)
        await ctx.say(ctx.t("melding.bad_what", limit=MIN_DESCRIPTION))
        return
    conv.data["description"] = text
    await _goto(ctx, conv, next_step(Step.WHAT, Draft(conv.data)))


async def _input_photo(ctx: Context, conv: Conversation) -> None:
    incoming = ctx.incoming
    if incoming.kind is not Kind.PHOTO or not incoming.photo_ref:
        await ctx.say(ctx.t("melding.photo_expected"))
        return
    conv.data["photo_ref"] = incoming.photo_ref
    await _goto(ctx, conv, next_step(Step.PHOTO, Draft(conv.data)))


_INPUTS: dict[Step, Callable[[Context, Conversation], Awaitable[None]]] = {
    Step.WHERE: _input_where,
    Step.WHEN: _input_when,
    Step.WHEN_PART: _input_when,
    Step.WHAT: _input_what,
    Step.PHOTO: _input_photo,
}


async def sweep_idle(services: Services, messenger: Messenger) -> int:
    """End reports nobody answered for the timeout, telling each reporter; returns how many."""
    return await private_flow.end_idle(services, messenger, {FLOW: "melding.expired"})
