"""/start, /help and /privacy."""

from __future__ import annotations

from bot.chat import Button
from bot.context import Context
from bot.i18n import Safe
from handlers import group_settings, melding, partners, trend

# Deep links into the private chat: /start <prefix><payload>.
_LINKS = {
    melding.LINK_PREFIX: melding.start_from_link,
    trend.LINK_PREFIX: trend.start_from_link,
    partners.LINK_PREFIX: partners.start_from_link,
    group_settings.LINK_PREFIX: group_settings.start_from_link,
}


async def start(ctx: Context) -> None:
    payload = ctx.incoming.args.strip()
    for prefix, follow in _LINKS.items():
        if ctx.in_private and payload.startswith(prefix):
            await follow(ctx, payload.removeprefix(prefix))
            return
    if not ctx.in_private:
        await help_(ctx)
        return
    sender = ctx.incoming.sender
    await ctx.say(ctx.t("start.welcome", name=sender.name if sender else ""))


async def help_(ctx: Context) -> None:
    if ctx.in_private:
        text = ctx.t("start.help")
        if ctx.user is not None and await ctx.services.roles.coordinated_groups(
            ctx.messenger, ctx.user, ctx.now
        ):
            text = Safe(text + ctx.t("start.help_coordinator"))
        await ctx.say(text)
        return
    link = ctx.messenger.deep_link("help")
    buttons = ((Button(ctx.t("start.open_private"), url=link),),) if link else ()
    await ctx.say(ctx.t("start.help_group"), buttons=buttons)


async def privacy(ctx: Context) -> None:
    settings = ctx.services.settings
    await ctx.say(
        ctx.t(
            "start.privacy",
            days=settings.retention_days,
            timeout=settings.conversation_timeout_minutes,
        )
    )


async def private_fallback(ctx: Context) -> None:
    """A private message outside any conversation."""
    await ctx.say(ctx.t("common.private_hint"))
