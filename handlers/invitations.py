"""Invitations in the group with Ik kom / Misschien / Nee, counts kept up to date in place, and
reminders the day before; the job that pushes what matches each group."""

from __future__ import annotations

import html
import logging

from bot.activities import (
    HORIZON,
    TRAINING_NECESSARY_FROM,
    Candidate,
    plan,
    reminder_due,
    weekly_limit,
)
from bot.chat import Button, Edit, Message, Messenger, Sent
from bot.context import Context, Services, deliver
from bot.formatting import clock, short_date
from bot.i18n import Safe, Translator
from bot.impact_models import (
    Activity,
    ActivityKind,
    GroupProfile,
    Invitation,
    InvitationState,
    Rsvp,
    RsvpCounts,
)
from bot.models import Group
from handlers import private_flow, schouw

log = logging.getLogger(__name__)

PREFIX = "rsvp"
_ICONS = {
    ActivityKind.SCHOUW: "🔦",
    ActivityKind.BIJEENKOMST: "🤝",
    ActivityKind.RESULTATEN: "📊",
    ActivityKind.TRAINING: "🎓",
    ActivityKind.WERVING: "📋",
    ActivityKind.IDEEENSESSIE: "💡",
    ActivityKind.REGIONAAL: "📍",
}


def when_text(t: Translator, activity: Activity, services: Services) -> Safe:
    """'za 28 nov, 19:30–21:00'."""
    tz = services.settings.tz
    start = activity.starts_at.astimezone(tz)
    day = short_date(t, start, with_year=start.year != services.now().astimezone(tz).year)
    if activity.ends_at is None:
        return t("invitations.when", day=day, start=clock(start))
    end = activity.ends_at.astimezone(tz)
    if end.date() != start.date():
        end_day = short_date(t, end, with_year=end.year != start.year)
        return t(
            "invitations.when_days", day=day, start=clock(start), end_day=end_day, end=clock(end)
        )
    return t("invitations.when_range", day=day, start=clock(start), end=clock(end))


def why_text(t: Translator, activity: Activity, level: int) -> Safe:
    """Why this group gets this invitation: what its level asks."""
    if not activity.regional:
        return Safe("")
    kind = activity.kind
    if kind is ActivityKind.TRAINING:
        key = "necessary" if level >= TRAINING_NECESSARY_FROM else "possible"
        return t(f"invitations.why_training_{key}", level=level)
    return t(f"invitations.why.{kind.value}", level=level)


def render(
    t: Translator,
    activity: Activity,
    invitation_id: int,
    counts: RsvpCounts,
    services: Services,
    level: int,
) -> tuple[str, tuple[tuple[Button, ...], ...]]:
    """The invitation as posted in the group (and edited when an answer changes the counts)."""
    url = activity.url
    text = t(
        "invitations.post",
        icon=_ICONS[activity.kind],
        kind=t(f"activities.kinds.{activity.kind.value}"),
        title=activity.title,
        when=when_text(t, activity, services),
        where=_where(t, activity),
        region=t("invitations.region", region=activity.region)
        if activity.regional and activity.region and activity.region_key != "*"
        else "",
        description=t("invitations.description", text=activity.description)
        if activity.description
        else "",
        link=Safe(f'<a href="{html.escape(url)}">{t("invitations.more")}</a>\n') if url else "",
        why=why_text(t, activity, level),
        counts=t("invitations.counts", ja=counts.ja, misschien=counts.misschien, nee=counts.nee),
    )
    return text, (answer_buttons(t, invitation_id),)


def _where(t: Translator, activity: Activity) -> Safe | str:
    if not activity.location:
        return ""
    key = "where_meeting" if activity.kind is ActivityKind.SCHOUW else "where"
    return t(f"invitations.{key}", location=activity.location)


def answer_buttons(t: Translator, invitation_id: int) -> tuple[Button, ...]:
    return tuple(
        Button(t(f"invitations.answer_{answer.value}"), f"{PREFIX}:{invitation_id}:{answer.value}")
        for answer in Rsvp
    )


async def group_level(services: Services, group_id: int) -> int:
    latest = await services.impact.assessments.latest(group_id)
    return latest.level if latest else 1


async def send_invitation(
    services: Services, messenger: Messenger, group: Group, activity: Activity, *, regional: bool
) -> Invitation | None:
    """Claim the invitation in the ledger, then post it; None when it was not ours to send.

    A claimed invitation is never sent again, even when the process dies right after claiming:
    a group would rather miss one than get it twice.
    """
    store = services.impact
    now = services.now()
    limit = None
    if regional:
        limit = weekly_limit(await store.profiles.get(group.id))
    invitation = await store.invitations.claim(activity.id, group.id, now, weekly_limit=limit)
    if invitation is None:
        return None
    t = services.i18n.get(group.language)
    level = await group_level(services, group.id)
    text, buttons = render(t, activity, invitation.id, RsvpCounts(), services, level)
    try:
        sent = await deliver(
            services, messenger, group.chat_id, Message(text=text, buttons=buttons)
        )
    except Exception:
        # Whether it arrived is unknown: rather missed than sent twice.
        log.exception("sending invitation %s to group %s failed", invitation.id, group.id)
        sent = Sent()
    await store.invitations.mark_sent(invitation.id, sent.message_id, services.now())
    if sent.message_id is None:
        log.warning("invitation %s for group %s could not be delivered", invitation.id, group.id)
    return await store.invitations.get(invitation.id)


async def push_invitations(services: Services, messenger: Messenger) -> int:
    """Send every group what matches it now (level, gemeente, date, weekly maximum)."""
    store = services.impact
    now = services.now()
    activities = await store.activities.upcoming(now, now + HORIZON)
    if not activities:
        return 0
    levels = await store.assessments.latest_levels()
    profiles = await store.profiles.all()
    sent = 0
    for group in await services.groups.active():
        if group.messenger != messenger.name:
            continue
        candidate = Candidate(
            group_id=group.id,
            level=levels.get(group.id, 1),
            profile=profiles.get(group.id) or GroupProfile(group_id=group.id),
        )
        invited = await store.invitations.invited_activities(group.id)
        this_week = await store.invitations.regional_this_week(group.id, now)
        for activity in plan(activities, candidate, invited, this_week, now):
            invitation = await send_invitation(
                services, messenger, group, activity, regional=activity.regional
            )
            if invitation is None:
                continue
            if invitation.state is InvitationState.FAILED:
                break  # the group is gone (and now inactive): nothing more for it
            sent += 1
    return sent


# --- answers --------------------------------------------------------------------------------


async def on_button(ctx: Context) -> None:
    """rsvp:<invitation>:<ja|misschien|nee>, pressed in the group or on a reminder."""
    services = ctx.services
    parts = ctx.incoming.data.split(":")
    if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in {a.value for a in Rsvp}:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    invitation = await services.impact.invitations.get(int(parts[1]))
    answer = Rsvp(parts[2])
    group = await services.groups.get(invitation.group_id) if invitation else None
    if invitation is None or group is None or invitation.state is not InvitationState.SENT:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    user = ctx.user
    assert user is not None
    if ctx.group is not None:
        if ctx.group.id != group.id:  # forged: an invitation of another group
            await ctx.notice(ctx.t("common.button_unknown"))
            return
    elif await services.members.member(group.id, user.id) is None:
        await ctx.notice(ctx.t("invitations.not_member"), alert=True)
        return
    activity = await services.impact.activities.get(invitation.activity_id)
    if activity is None or activity.cancelled:
        await ctx.notice(ctx.t("invitations.cancelled"), alert=True)
        return
    if activity.starts_at <= ctx.now:
        await ctx.notice(ctx.t("invitations.past"), alert=True)
        return
    before = await services.impact.invitations.answer_of(invitation.id, user.id)
    await services.impact.invitations.answer(invitation.id, user.id, answer, ctx.now)
    await ctx.notice(ctx.t(f"invitations.noted_{answer.value}"))
    if before is not answer:
        await refresh(ctx, group, invitation, activity)


async def refresh(ctx: Context, group: Group, invitation: Invitation, activity: Activity) -> None:
    """Edit the invitation in the group so its counts are current."""
    if invitation.message_id is None:
        return
    services = ctx.services
    t = ctx.translator_for(group)
    counts = await services.impact.invitations.counts(invitation.id)
    level = await group_level(services, group.id)
    text, buttons = render(t, activity, invitation.id, counts, services, level)
    edit = Edit(message_id=invitation.message_id, text=text, buttons=buttons)
    try:
        await ctx.send(edit, group.chat_id)
    except Exception:
        # The answer is stored; the counts are right again at the next successful edit.
        log.warning("could not update invitation %s", invitation.id, exc_info=True)


# --- reminders ------------------------------------------------------------------------------


async def send_reminders(services: Services, messenger: Messenger) -> int:
    """The day before, remind everyone who said yes or maybe, once, in their private chat."""
    store = services.impact
    now = services.now()
    tz = services.settings.tz
    sent = 0
    for due in await store.invitations.reminder_candidates(now, now + HORIZON):
        activity = await store.activities.get(due.invitation.activity_id)
        group = await services.groups.get(due.invitation.group_id)
        if activity is None or group is None or group.messenger != messenger.name:
            continue
        if not group.active or not reminder_due(activity.starts_at, now, tz):
            continue
        user = await services.members.user(due.user_id)
        if user is None or await services.members.member(group.id, user.id) is None:
            continue
        if not await store.invitations.claim_reminder(due.invitation.id, user.id, now):
            continue
        t = services.i18n.get(user.language or group.language)
        text = t(
            "invitations.reminder",
            title=activity.title,
            group=group.title,
            when=when_text(t, activity, services),
            where=_where(t, activity),
            answer=t(f"invitations.answer_{due.answer.value}"),
        )
        buttons = (answer_buttons(t, due.invitation.id),)
        delivered = await deliver(
            services, messenger, user.external_id, Message(text=text, buttons=buttons)
        )
        if delivered.message_id is None:
            # Most often: the member never opened a private chat with the bot. Not retried.
            log.info(
                "reminder for invitation %s not delivered to user %s", due.invitation.id, user.id
            )
            continue
        await store.invitations.reminder_delivered(due.invitation.id, user.id)
        sent += 1
    return sent


# --- the recurring job ----------------------------------------------------------------------


async def run_due(services: Services, messenger: Messenger) -> dict[str, int]:
    """Everything of issue 5 that is due: invitations, reminders, schouw checklists, and the end
    of idle conversations. Each part runs even when another fails; a missed run catches up."""
    parts = {
        "invitations": push_invitations,
        "reminders": send_reminders,
        "checklists": schouw.offer_checklists,
        "expired": private_flow.sweep_idle,
    }
    done: dict[str, int] = {}
    for name, part in parts.items():
        try:
            done[name] = await part(services, messenger)
        except Exception:
            log.exception("impact job part %s failed", name)
    return done
