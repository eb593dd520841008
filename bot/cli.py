"""The ``buurtbot`` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from bot.app import BuurtBot, build
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("buurtbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="buurtbot", description="Buurtbot: meldingen voor buurtpreventiegroepen."
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="start the bot: on Telegram with a token, else the terminal chat")
    sub.add_parser("chat", help="the terminal chat with a local demo group")
    return parser


async def _with_bot(settings: Settings, body: str) -> None:
    buurtbot = await build(settings)
    try:
        if body == "telegram":
            await _serve_telegram(settings, buurtbot)
        else:
            from bot.transport.console import run_console

            await run_console(buurtbot)
    finally:
        await buurtbot.close()


async def _serve_telegram(settings: Settings, buurtbot: BuurtBot) -> None:
    from bot.transport.telegram import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await serve(settings, buurtbot, stop)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"buurtbot: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    if command == "chat" or (command == "run" and settings.telegram_token is None):
        if command == "run":
            log.info("no BUURTBOT_TELEGRAM_TOKEN set: starting the terminal chat")
        logging.getLogger().setLevel(logging.WARNING)  # keep the chat readable
        body = "console"
    else:
        body = "telegram"
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_with_bot(settings, body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
