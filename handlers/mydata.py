"""/mijngegevens and /vergeet: a member sees and erases their own data."""

from __future__ import annotations

import html

from bot.chat import Button, Edit
from bot.context import Context
from bot.formatting import category_label, short_date
from bot.i18n import Safe

PREFIX = "vgt"
_SHOWN = 10
_SNIPPET = 60


async def show(ctx: Context) -> None:
    """/mijngegevens (private only: it lists personal data)."""
    services, t, user = ctx.services, ctx.t, ctx.user
    assert user is not None
    memberships = await services.members.groups_of(user.id)
    groups = ", ".join(
        str(t("mydata.group_role", group=group.title, role=t(f"mydata.role_{role.value}")))
        for group, role in memberships
    )
    count = await services.signals.count_by_reporter(user.id)
    lines = []
    tz = services.settings.tz
    for signal in await services.signals.by_reporter(user.id, limit=_SHOWN):
        if signal.purged:
            what = t("mydata.signal_purged")
        elif signal.description:
            text = signal.description
            snippet = text[:_SNIPPET] + ("…" if len(text) > _SNIPPET else "")
            what = Safe(html.escape(snippet, quote=False))
        else:
            what = t("mydata.signal_no_text")
        date = short_date(t, signal.reported_at.astimezone(tz), with_year=True)
        lines.append(
            str(
                t(
                    "mydata.signal_line",
                    date=date,
                    category=category_label(t, signal.category),
                    what=what,
                )
            )
        )
    if count > _SHOWN:
        lines.append(str(t("mydata.signals_more", n=count - _SHOWN)))
    open_conversations = await services.conversations.of_user(user.messenger, user.external_id)
    held = await services.privacy.held(user.id)
    more = [
        str(t("mydata.rsvps", n=held.rsvps)) if held.rsvps else "",
        str(t("mydata.ideas", n=held.ideas)) if held.ideas else "",
        str(t("mydata.partner_of", groups=", ".join(held.partner_of))) if held.partner_of else "",
    ]
    await ctx.say(
        t(
            "mydata.overview",
            name=user.display_name,
            language=user.language or "-",
            groups=Safe(groups) if groups else t("mydata.no_groups"),
            count=count,
            signals=Safe("\n".join(lines) + "\n" if lines else ""),
            more=Safe("".join(f"{line}\n" for line in more if line)),
            conversation=t("mydata.conversation_open") if open_conversations else "",
        )
    )


async def forget(ctx: Context) -> None:
    """/vergeet: ask for confirmation first."""
    buttons = (
        (Button(ctx.t("mydata.forget_yes"), f"{PREFIX}:yes"),),
        (Button(ctx.t("mydata.forget_no"), f"{PREFIX}:no"),),
    )
    await ctx.say(ctx.t("mydata.confirm_forget"), buttons=buttons)


async def on_button(ctx: Context) -> None:
    choice = ctx.incoming.data.removeprefix(f"{PREFIX}:")
    if choice not in ("yes", "no") or not ctx.in_private:
        await ctx.notice(ctx.t("common.button_unknown"))
        return
    message_id = ctx.incoming.message_id
    if choice == "no":
        text = ctx.t("mydata.kept")
    else:
        user = ctx.user
        assert user is not None
        await ctx.services.privacy.forget_user(user.id, user.messenger, user.external_id)
        ctx.services.people.forget(user.messenger, user.external_id)
        ctx.user = None
        text = ctx.t("mydata.forgotten")
    if message_id:
        await ctx.send(Edit(message_id=message_id, text=text))
    else:
        await ctx.say(text)
