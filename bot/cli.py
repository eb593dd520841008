"""The ``buurtbot`` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import activity_cli
from bot.app import BuurtBot, build
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from storage.chat_signals import Correction

log = logging.getLogger("buurtbot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="buurtbot", description="Buurtbot: meldingen voor buurtpreventiegroepen."
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="start the bot: on Telegram with a token, else the terminal chat")
    sub.add_parser("chat", help="the terminal chat with a local demo group")
    train = sub.add_parser("train", help="build the Dutch message classifier (with corrections)")
    train.add_argument("--model", type=Path, help="model directory (default BUURTBOT_MODEL_DIR)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument(
        "--no-corrections", action="store_true", help="leave out coordinators' corrections"
    )
    evaluate = sub.add_parser("evaluate", help="scores of the classifier on the held-out split")
    evaluate.add_argument("--model", type=Path)
    classify = sub.add_parser(
        "classify", help="classify messages from standard input, one JSON line each"
    )
    classify.add_argument("--model", type=Path)
    activity_cli.add_parser(sub)
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


async def _corrections(settings: Settings) -> list[Correction]:
    """Coordinators' corrections stored in the database (none when there is no database)."""
    if not settings.db.exists():
        return []
    from storage.chat_signals import ChatSignalRepository
    from storage.db import Database

    db = await Database.open(settings.db)
    try:
        return list(await ChatSignalRepository(db).corrections())
    finally:
        await db.close()


def _model_command(command: str, args: argparse.Namespace, settings: Settings) -> int:
    model_dir: Path = args.model or settings.model_dir
    if command == "train":
        from nlp.training import train

        corrections = [] if args.no_corrections else asyncio.run(_corrections(settings))
        report = train(model_dir, seed=args.seed, corrections=corrections)
        print(report.render())
        return 0
    if command == "evaluate":
        from nlp.evaluation import evaluate
        from nlp.training import ensure_model

        print(evaluate(ensure_model(model_dir)).render())
        return 0
    from nlp.analyzer import Analyzer
    from nlp.classify_io import run as classify_stream
    from nlp.training import ensure_model

    return classify_stream(sys.stdin, sys.stdout, Analyzer.load(ensure_model(model_dir)))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"buurtbot: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    if command in ("train", "evaluate", "classify"):
        return _model_command(command, args, settings)
    if command == "activities":
        return activity_cli.run(args, settings, sys.stdout, sys.stderr)
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
