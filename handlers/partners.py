"""Partners (wijkagent, gemeente, handhaving): one-time codes, the partner list, their view.

``/partnercode [soort]`` (coordinators) makes a code, always shown in the private chat only.
The partner redeems it privately with ``/partner <code>`` or the ``/start partner-<code>``
link. ``/partners`` lists a group's partners with remove buttons. A partner's ``/partner``
shows the trend of their groups: aggregates and streets, never who reported.
"""

from __future__ import annotations

from bot.chat import Button, Message
from bot.context import Context
from bot.formatting import short_date
from bot.i18n import Safe
from bot.insight_models import PartnerKind, Redeemed
from bot.models import Group
from bot.partners import normalise_code
from bot.trends import Period, PeriodError, PeriodProblem, parse_period
from handlers import trend
from handlers.coordination import (
    Buttons,
    coordinated_groups,
    coordinates,
    group_buttons,
    group_of_button,
    private_group_button,
    refuse,
)

PREFIX = "ptn"  # coordinators: choose group / kind, remove a partner
VIEW_PREFIX = "prt"  # partners: their overview of a group and period
LINK_PREFIX = "partner-"
_KIND_WORDS = {
    "wijkagent": PartnerKind.WIJKAGENT,
    "politie": PartnerKind.WIJKAGENT,
    "agent": PartnerKind.WIJKAGENT,
    "gemeente": PartnerKind.GEMEENTE,
    "handhaving": PartnerKind.HANDHAVING,
    "boa": PartnerKind.HANDHAVING,
}


# --- coordinators: codes --------------------------------------------------------------------


async def code_command(ctx: Context) -> None:
    """/partnercode [wijkagent|gemeente|handhaving] (coordinators)."""
    word = ctx.incoming.args.strip().lower()
    kind = _KIND_WORDS.get(word)
    if word and kind is None:
        await ctx.say(ctx.t("partners.unknown_kind"))
        return
    if not ctx.in_private:
        assert ctx.group is not None
        await _kind_or_issue(ctx, ctx.group, kind)
        return
    groups = await coordinated_groups(ctx)
    if len(groups) == 1:
        await _kind_or_issue(ctx, groups[0], kind)
    elif groups:
        data = f"{PREFIX}:k:{{id}}:{kind.value if kind else '-'}"
        await ctx.say(ctx.t("partners.choose_group"), buttons=group_buttons(groups, data))
    else:
        await refuse(ctx)


async def _kind_or_issue(ctx: Context, group: Group, kind: PartnerKind | None) -> None:
    if kind is None:
        buttons = tuple(
            (Button(ctx.t(f"partners.kind_button_{k.value}"), f"{PREFIX}:k:{group.id}:{k.value}"),)
            for k in PartnerKind
        )
        await ctx.say(ctx.t("partners.choose_kind", group=group.title), buttons=buttons)
        return
    await _issue(ctx, group, kind)


async def _issue(ctx: Context, group: Group, kind: PartnerKind) -> None:
    """Make a code and show it in the coordinator's private chat only."""
    user = ctx.user
    assert user is not None
    new = await ctx.services.partners.new_code(group, kind, user.id, ctx.now)
    link = ctx.messenger.deep_link(f"{LINK_PREFIX}{new.compact}")
    until = new.expires_at.astimezone(ctx.services.settings.tz)
    text = ctx.t(
        "partners.code",
        group=group.title,
        kind=ctx.t(f"partners.kind_{kind.value}"),
        code=new.code,
        until=short_date(ctx.t, until),
        time=until.strftime("%H:%M"),
        link=link or "",
    )
    if ctx.in_private:
        await ctx.say(text)
        return
    sent = await ctx.send(Message(text=text), chat_id=user.external_id)
    if sent.message_id:
        await ctx.say(ctx.t("partners.code_sent_private"))
    else:
        start = ctx.messenger.deep_link("help")
        buttons: Buttons = ((Button(ctx.t("partners.open_private"), url=start),),) if start else ()
        await ctx.say(ctx.t("partners.open_private_first"), buttons=buttons)


# --- coordinators: the list -----------------------------------------------------------------


async def list_command(ctx: Context) -> None:
    """/partners (coordinators): who is a partner of the group."""
    if not ctx.in_private:
        assert ctx.group is not None
        await _show_list(ctx, ctx.group)
        return
    groups = await coordinated_groups(ctx)
    if len(groups) == 1:
        await _show_list(ctx, groups[0])
    elif groups:
        buttons = group_buttons(groups, f"{PREFIX}:l:{{id}}")
        await ctx.say(ctx.t("partners.choose_group"), buttons=buttons)
    else:
        await refuse(ctx)


async def _show_list(ctx: Context, group: Group) -> None:
    t = ctx.t
    partners = await ctx.services.partners.of_group(group.id)
    tz = ctx.services.settings.tz
    lines = [
        str(
            t(
                "partners.list_line",
                kind=t(f"partners.kind_{p.kind.value}"),
                name=p.user.display_name,
                since=short_date(t, p.added_at.astimezone(tz), with_year=True),
            )
        )
        for p in partners
    ]
    codes = await ctx.services.partners.open_codes(group.id, ctx.now)
    text = t(
        "partners.list",
        group=group.title,
        partners=Safe("\n".join(lines)) if lines else t("partners.list_none"),
        codes=t("partners.open_codes", n=codes) if codes else "",
    )
    removes = [
        (
            Button(
                t("partners.remove_button", name=p.user.display_name),
                f"{PREFIX}:rm:{group.id}:{p.user.id}",
            ),
        )
        for p in partners
    ]
    buttons = (*removes, (Button(t("partners.new_button"), f"{PREFIX}:k:{group.id}:-"),))
    await ctx.say(text, buttons=buttons)


async def on_button(ctx: Context) -> None:
    """``ptn:k:<group>:<kind|->``, ``ptn:l:<group>``, ``ptn:rm:<group>:<user>``."""
    parts = ctx.incoming.data.split(":")
    if len(parts) < 3 or parts[1] not in ("k", "l", "rm"):
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    group = await group_of_button(ctx, parts[2])
    if group is None:
        return
    if not await coordinates(ctx, group):
        await refuse(ctx)
        return
    action, value = parts[1], parts[3] if len(parts) > 3 else ""
    if action == "l":
        await ctx.notice()
        await _show_list(ctx, group)
    elif action == "k":
        kind = None if value == "-" else _KIND_WORDS.get(value)
        if value != "-" and kind is None:
            await ctx.notice(ctx.t("common.button_unknown"))
            return
        await ctx.notice()
        await _kind_or_issue(ctx, group, kind)
    elif value.isdigit() and await ctx.services.partners.remove(group.id, int(value)):
        await ctx.notice(ctx.t("partners.removed"))
        await _show_list(ctx, group)
    else:
        await ctx.notice(ctx.t("common.button_stale"))


# --- partners -------------------------------------------------------------------------------


async def partner_command(ctx: Context) -> None:
    """/partner <code> to become a partner; /partner [period] for the overview (private)."""
    argument = ctx.incoming.args.strip()
    if argument and normalise_code(argument) is not None:
        await redeem(ctx, argument)
        return
    parsed = parse_period(argument, ctx.services.trends.today(ctx.now))
    if isinstance(parsed, PeriodError):
        if parsed.problem is PeriodProblem.MALFORMED:
            await ctx.say(ctx.t("partners.code_unknown"))
        else:
            await trend.read_period(ctx, argument)
        return
    await _overview(ctx, parsed)


async def start_from_link(ctx: Context, code: str) -> None:
    """``/start partner-<code>``."""
    await redeem(ctx, code)


async def redeem(ctx: Context, code: str) -> None:
    services, user = ctx.services, ctx.user
    assert user is not None
    if services.partners.throttled(user.id, ctx.now):
        await ctx.say(ctx.t("partners.throttled"))
        return
    result = await services.partners.redeem(code, user.id, ctx.now)
    group = await services.groups.get(result.group_id) if result.group_id else None
    title = group.title if group else ""
    if result.outcome is not Redeemed.OK or group is None or result.kind is None:
        await ctx.say(ctx.t(f"partners.code_{result.outcome.value}", group=title))
        return
    await ctx.say(
        ctx.t("partners.welcome", group=title, kind=ctx.t(f"partners.kind_{result.kind.value}"))
    )
    group_t = ctx.translator_for(group)
    notice = group_t("partners.joined", kind=group_t(f"partners.kind_{result.kind.value}"))
    await ctx.send(Message(text=notice, silent=True), chat_id=group.chat_id)


async def _overview(ctx: Context, period: Period) -> None:
    user = ctx.user
    assert user is not None
    groups = [group for group, _ in await ctx.services.partners.groups_of(user.id)]
    if not groups:
        await ctx.say(ctx.t("partners.not_partner"))
    elif len(groups) == 1:
        await _show(ctx, groups[0], period)
    else:
        buttons = group_buttons(groups, f"{VIEW_PREFIX}:{{id}}:{period.token}")
        await ctx.say(ctx.t("partners.choose_group"), buttons=buttons)


async def _show(ctx: Context, group: Group, period: Period) -> None:
    await trend.show(
        ctx,
        group,
        period,
        trend.View.PARTNER,
        buttons=trend.period_buttons(ctx, VIEW_PREFIX, group),
    )


async def on_view(ctx: Context) -> None:
    """``prt:<group>:<period>``: a partner's overview, partnership checked again."""
    pressed = await private_group_button(ctx)
    if pressed is None:
        return
    group, parts = pressed
    user = ctx.user
    assert user is not None
    if not await ctx.services.partners.is_partner(group.id, user.id):
        await ctx.notice(ctx.t("partners.refused"), alert=True)
        return
    period = parse_period(parts[2], ctx.services.trends.today(ctx.now))
    if isinstance(period, PeriodError):
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    await ctx.notice()
    await _show(ctx, group, period)
