"""Throughput: updates per second of buurtbot against a bare python-telegram-bot echo bot.

Run: ``.venv/bin/python benchmarks/throughput.py`` (``--updates N`` to measure more or fewer
updates per bot and round, ``--help`` for the rest; about three minutes with the defaults). The
last line of output is one JSON object with the figures; the lines before it are for people.

How it measures, and why it is fair:

- **Two processes.** The fake Bot API server (``benchmarks/_fakeserver.py``: the end-to-end
  tests' ``tests.fakes.botapi.FakeBotAPI`` plus scripted users) runs in its own process, as
  Telegram runs elsewhere; the bot runs in this process and long-polls it over HTTP on
  127.0.0.1. The server's CPU share is reported, so a saturated server would show.
- **The real Application, both times.** (a) is a bare PTB echo bot: one ``MessageHandler``
  that replies with the text. (b) is buurtbot's own Application from
  ``bot.transport.telegram.build_application`` (its ``ChatOrderedProcessor``, ``Defaults``,
  ``AIORateLimiter``, ``TypeHandler``), started the way ``serve()`` starts it (command menus,
  recurring jobs, long polling), on a fresh SQLite file in WAL mode. Both get the same HTTP
  stack, the same long polling, the same concurrency bound (``settings.max_concurrent_updates``,
  for the echo bot through PTB's ``concurrent_updates``), the same rate limiter and the same
  flow control (buurtbot's ``PollingRequest``: no getUpdates while ``max_updates_in_hand``
  updates are in hand). The echo bot never has more than its 16 users' updates in hand, so
  the flow control never holds it back; buurtbot, whose group chatter nobody waits for, builds
  a backlog, and the flow control lets it wait at the server and be fetched in large batches.
- **The rate limiter stays in the code path, with its limits lifted.** Telegram's flood limits
  (30/s overall, 20/min per group) would make any throughput figure a measurement of the
  limiter, so both bots get ``AIORateLimiter`` with limits far above the load, as for a
  self-hosted Bot API server. The output says so.
- **Closed loop, same number of waiting users.** The server's virtual users answer every bot
  message at once and wait for the bot before their next step, so the bot sets the pace and
  the queue stays bounded. Echo: 16 users each write in a private chat, wait for the echo,
  write again. buurtbot: 16 members at a time walk through complete /melding reports (every
  step is a database write and an answer, a button press also an ``answerCallbackQuery``;
  "Versturen" stores the signal and posts it in the group; then another member starts one),
  and with each report step three members chatter in their groups (8 groups of 40) without
  waiting: 75% group chatter, 25% report steps by count of updates - more reporting than a
  real group has, so on the heavy side. Whatever the chatter handler does at the time of the
  run (nothing visible yet; classification and a reaction later) is what is measured.
- **Counted in the bot.** A ``TypeHandler`` in handler group -1 notes when the Application
  starts an update, one in group 1 when every handler of group 0 has finished with it. After
  a warm-up, the time for the next N updates gives updates per second; the per-update times
  give the handling latency (p50/p95, from the start of handling, after any wait for the
  chat's turn). The server adds the latency its users see (from their message to the bot's
  answer, p50/p95) and the number of Bot API calls per method.
- **Rounds against noise.** The machine is shared (two cores, other work may run, and its speed
  drifts: the same echo bot has measured 220 and 320 updates per CPU-second minutes apart), so
  the two bots alternate for five rounds and the median round of each counts; the per-round
  figures, and each round's own ratio, are in the JSON too. The CPU time other processes took
  during each measurement is reported (``*_others_cpu_share``, in cores; ``machine_busy`` when
  above 0.25), and so are updates per CPU-second of the bot process (aiosqlite's thread
  included; ``cpu_ratio``), which move less than updates per second when something else takes
  the CPU. ``*_loop_thread_cpu_share`` is the event loop's own thread: near 1.0 means the
  loop is the bottleneck.
- **The classifier worker is the bot's.** ``--nlp-worker`` runs buurtbot with
  ``BUURTBOT_NLP_WORKER=true``: chat messages are classified in a worker process
  (``nlp/worker.py``); its CPU time counts as the bot's in every per-CPU figure and is shown on
  its own (``buurtbot_classifier_process_cpu_share``). Without it, the default set-up.

The target is buurtbot at least 0.7 of the echo bot's updates per second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import contextvars
import cProfile
import importlib
import importlib.util
import inspect
import json
import logging
import os
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.constants import ChatType  # noqa: E402
from telegram.ext import (  # noqa: E402
    AIORateLimiter,
    Application,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from benchmarks._common import TOKEN, percentile  # noqa: E402
from bot.app import BuurtBot, build  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.transport.telegram import (  # noqa: E402
    ALLOWED_UPDATES,
    JobQueueScheduler,
    TelegramMessenger,
    build_application,
    set_command_menus,
    with_flow_control,
)
from storage.db import Database  # noqa: E402

SERVER = Path(__file__).with_name("_fakeserver.py")
_ME = psutil.Process()
TARGET_RATIO = 0.7
# Far above any load this benchmark produces: the limiter runs but never waits.
RATE_LIMIT_PER_SECOND = 100_000.0
RATE_LIMIT_PER_GROUP_PER_MINUTE = 6_000_000.0
POLL_TIMEOUT = 10  # seconds; the fake server answers an empty poll after at most 2
STALL_SECONDS = 20.0
# Other processes using more than this many cores make updates/s unreliable (see machine_busy).
BUSY = 0.25

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
# The kind of update the current task is handling ("steps" outside any update: jobs, set-up).
_HANDLING: contextvars.ContextVar[str] = contextvars.ContextVar("handling", default="steps")


class BenchmarkError(Exception):
    """The benchmark could not produce its figures; the message says why."""


@dataclass
class Options:
    updates: int = 2000
    warmup: int = 400
    rounds: int = 5
    echo_users: int = 16
    reporters: int = 16
    chatter_per_step: float = 3.0
    groups: int = 8
    members: int = 40
    seed: int = 1
    concurrency: int | None = None
    profile: Path | None = None
    nlp_worker: bool = False


# --- the fake server in its own process -----------------------------------------------------


class FakeServer:
    """``_fakeserver.py`` as a child process, controlled over HTTP."""

    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process = process
        self.url = url
        self.session = aiohttp.ClientSession()
        self.ps = psutil.Process(process.pid)

    @classmethod
    @asynccontextmanager
    async def running(cls) -> AsyncIterator[FakeServer]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(SERVER), stdout=asyncio.subprocess.PIPE
        )
        server: FakeServer | None = None
        try:
            assert process.stdout is not None
            line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().strip()
            if not line.startswith("listening "):
                raise BenchmarkError(f"the fake Bot API server did not start ({line!r})")
            server = cls(process, line.removeprefix("listening "))
            yield server
        finally:
            if server is not None:
                with contextlib.suppress(aiohttp.ClientError):
                    await server.control("quit")
                await server.session.close()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()

    async def control(self, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        async with self.session.post(f"{self.url}/control/{action}", json=body or {}) as response:
            response.raise_for_status()
            result: dict[str, Any] = await response.json()
            return result

    def cpu_seconds(self) -> float:
        times = self.ps.cpu_times()
        return float(times.user + times.system)


# --- counting in the bot --------------------------------------------------------------------


def _kind(update: Update) -> str:
    """'chatter' for plain text in a group; 'steps' for everything else (commands, buttons,
    private answers)."""
    message = update.message
    if (
        message is not None
        and message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
        and message.text is not None
        and not message.text.startswith("/")
    ):
        return "chatter"
    return "steps"


@dataclass
class Meter:
    """Counts updates fully handled by the Application: all of handler group 0 finished."""

    warmup: int
    measure: int
    server: FakeServer
    armed: bool = False
    setup_handled: int = 0
    handled: int = 0
    t0: float = 0.0
    t1: float = 0.0
    cpu0: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    cpu1: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    # The bot's own helper processes (the classifier worker): their CPU is the bot's.
    helpers: list[psutil.Process] = field(default_factory=list)
    helper0: float = 0.0
    helper1: float = 0.0
    last_progress: float = field(default_factory=time.perf_counter)
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)
    writes: Counter[str] = field(default_factory=Counter)  # write transactions by update kind
    window_open: asyncio.Event = field(default_factory=asyncio.Event)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    _begun: dict[int, float] = field(default_factory=dict)

    def install(self, application: AnyApplication) -> None:
        application.add_handler(TypeHandler(Update, self._begin), group=-1)
        application.add_handler(TypeHandler(Update, self._end), group=1)

    def _cpu(self) -> tuple[tuple[float, float, float, float], float]:
        """CPU seconds so far: (the bot (this process and its helpers), the server, this
        process's main thread, all CPUs), and the helpers alone."""
        main = threading.main_thread().native_id
        loop_thread = sum(t.user_time + t.system_time for t in _ME.threads() if t.id == main)
        machine = psutil.cpu_times()
        busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        helpers = sum(float(sum(p.cpu_times()[:2])) for p in self.helpers)
        bot = time.process_time() + helpers
        return (bot, self.server.cpu_seconds(), loop_thread, busy), helpers

    async def _begin(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        self._begun[update.update_id] = time.perf_counter()
        # The handlers of this update run in this same task, so its database writes see this.
        _HANDLING.set(_kind(update))

    async def _end(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        now = time.perf_counter()
        began = self._begun.pop(update.update_id, now)
        self.last_progress = now
        if not self.armed:
            self.setup_handled += 1
            return
        self.handled += 1
        if self.handled == self.warmup:
            self.t0, (self.cpu0, self.helper0) = now, self._cpu()
            self.window_open.set()
        elif self.warmup < self.handled <= self.warmup + self.measure:
            kind = _kind(update)
            self.kinds[kind] += 1
            self.latencies_ms.setdefault(kind, []).append((now - began) * 1000)
            if self.handled == self.warmup + self.measure:
                self.t1, (self.cpu1, self.helper1) = now, self._cpu()
                self.done.set()

    def count_writes(self, db: Database) -> None:
        """Count writes (``Database.transaction``, ``Database.run_transaction`` and single
        ``Database.write`` statements) in the measured window."""
        original_transaction, original_write = db.transaction, db.write
        original_run = db.run_transaction

        def note() -> None:
            if self.window_open.is_set() and not self.done.is_set():
                self.writes[_HANDLING.get()] += 1

        @asynccontextmanager
        async def transaction() -> AsyncIterator[Any]:
            note()
            async with original_transaction() as conn:
                yield conn

        async def write(sql: str, params: Sequence[object] = ()) -> int:
            note()
            return await original_write(sql, params)

        async def run_transaction(work: Callable[[Any], Any]) -> Any:
            note()
            return await original_run(work)

        db.transaction = transaction  # type: ignore[method-assign]
        db.write = write  # type: ignore[method-assign]
        db.run_transaction = run_transaction  # type: ignore[method-assign]

    async def wait(self, event: asyncio.Event | Callable[[], bool], what: str) -> None:
        """Wait for ``event``, failing when the bot makes no progress for a while."""
        ready = event.is_set if isinstance(event, asyncio.Event) else event
        while not ready():
            if time.perf_counter() - self.last_progress > STALL_SECONDS:
                stats = await self.server.control("stop")
                raise BenchmarkError(
                    f"no update was handled for {STALL_SECONDS:.0f} s while waiting for {what}"
                    f" (handled {self.handled}); server: {json.dumps(stats)}"
                )
            await asyncio.sleep(0.05)

    def figures(self) -> dict[str, Any]:
        elapsed = self.t1 - self.t0
        bot_cpu = self.cpu1[0] - self.cpu0[0]
        all_ms = [ms for values in self.latencies_ms.values() for ms in values]
        figures: dict[str, Any] = {
            "updates_per_s": round(self.measure / elapsed, 1),
            "updates_per_cpu_s": round(self.measure / bot_cpu, 1) if bot_cpu > 0 else 0.0,
            "seconds": round(elapsed, 3),
            "handling_ms_p50": round(percentile(all_ms, 0.50), 2),
            "handling_ms_p95": round(percentile(all_ms, 0.95), 2),
            "bot_cpu_share": round(bot_cpu / elapsed, 2),
            "server_cpu_share": round((self.cpu1[1] - self.cpu0[1]) / elapsed, 2),
            # The event loop's thread; the rest of the bot's CPU time is aiosqlite's thread and
            # the helper processes (the classifier worker, also shown on its own).
            "loop_thread_cpu_share": round((self.cpu1[2] - self.cpu0[2]) / elapsed, 2),
            "helper_cpu_share": round((self.helper1 - self.helper0) / elapsed, 2),
            # CPU taken by other processes on the machine, in cores: noise in updates/s.
            "others_cpu_share": round(
                max(0.0, (self.cpu1[3] - self.cpu0[3]) - bot_cpu - (self.cpu1[1] - self.cpu0[1]))
                / elapsed,
                2,
            ),
        }
        if len(self.latencies_ms) > 1:
            for kind, values in sorted(self.latencies_ms.items()):
                figures[f"{kind}_handling_ms_p50"] = round(percentile(values, 0.50), 2)
                figures[f"{kind}_handling_ms_p95"] = round(percentile(values, 0.95), 2)
        return figures


# --- the two bots ---------------------------------------------------------------------------


def _limiter() -> AIORateLimiter:
    return AIORateLimiter(
        overall_max_rate=RATE_LIMIT_PER_SECOND,
        group_max_rate=RATE_LIMIT_PER_GROUP_PER_MINUTE,
        max_retries=3,
    )


def echo_application(settings: Settings) -> AnyApplication:
    """A bare PTB echo bot with buurtbot's HTTP stack, concurrency bound, rate limiter and flow
    control."""
    assert settings.telegram_token is not None and settings.telegram_base_url is not None
    base = settings.telegram_base_url
    builder = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .rate_limiter(_limiter())
        .concurrent_updates(settings.max_concurrent_updates)
    )
    application = with_flow_control(builder, settings.max_updates_in_hand).build()

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is not None and message.text is not None:
            await message.reply_text(message.text)

    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application


async def _start_buurtbot(application: AnyApplication, buurtbot: BuurtBot) -> None:
    """What ``serve()`` does between ``initialize()`` and polling (menus, recurring jobs)."""
    messenger: TelegramMessenger = application.bot_data["messenger"]
    try:
        await set_command_menus(application.bot, buurtbot)
    except Exception as exc:  # not what is measured; say so and go on
        print(f"warning: the command menus could not be set: {exc!r}", file=sys.stderr)
    assert application.job_queue is not None
    buurtbot.schedule(JobQueueScheduler(application.job_queue), messenger)


def prepare_model(model_dir: Path) -> str:
    """Make sure the chatter classifier's model exists when the tree has one; say what we did."""
    try:
        training = importlib.import_module("nlp.training")
    except ModuleNotFoundError:
        return "no nlp.training in this tree: chatter is handled without a model"
    ensure = getattr(training, "ensure_model", None)
    if ensure is None:
        return "nlp.training has no ensure_model: chatter is handled as the tree does it"
    takes_dir = bool(inspect.signature(ensure).parameters)
    started = time.perf_counter()
    result = ensure(model_dir) if takes_dir else ensure()
    if inspect.isawaitable(result):
        raise BenchmarkError("nlp.training.ensure_model is async; call it from run()")
    return f"ensure_model({model_dir}) ready in {time.perf_counter() - started:.1f} s (not timed)"


# --- one phase ------------------------------------------------------------------------------


async def _run_application(
    application: AnyApplication,
    meter: Meter,
    server: FakeServer,
    setup_updates: int,
    on_started: Callable[[], Awaitable[None]] | None = None,
) -> dict[str, Any]:
    """Poll the server until ``meter`` has its window; the server's statistics of the window."""
    meter.install(application)
    async with application:
        if on_started is not None:
            await on_started()
        await application.start()
        updater = application.updater
        assert updater is not None
        await updater.start_polling(
            poll_interval=0.0, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES
        )
        try:
            await meter.wait(lambda: meter.setup_handled >= setup_updates, "the set-up")
            meter.armed = True
            meter.last_progress = time.perf_counter()
            await server.control("start")
            await meter.wait(meter.window_open, "the warm-up")
            await server.control("window")
            await meter.wait(meter.done, "the measured updates")
            stats = await server.control("stop")
            # Let a poll already on its way arrive before polling stops (PTB would drop it with
            # a CRITICAL log line); the server has nothing more to hand out.
            await asyncio.sleep(0.2)
        finally:
            await updater.stop()
            await application.stop()
    return stats


async def run_echo(options: Options, settings: Settings) -> dict[str, Any]:
    async with FakeServer.running() as server:
        settings = _with_server(settings, server)
        setup = await server.control(
            "setup", {"scenario": "echo", "users": options.echo_users, "seed": options.seed}
        )
        meter = Meter(options.warmup, options.updates, server)
        stats = await _run_application(
            echo_application(settings), meter, server, setup["setup_updates"]
        )
    return {**meter.figures(), "server": stats, "mix": dict(meter.kinds)}


async def run_buurtbot(options: Options, settings: Settings) -> dict[str, Any]:
    async with FakeServer.running() as server:
        settings = _with_server(settings, server)
        setup = await server.control(
            "setup",
            {
                "scenario": "buurtbot",
                "groups": options.groups,
                "members": options.members,
                "reporters": options.reporters,
                "chatter_per_step": options.chatter_per_step,
                "seed": options.seed,
            },
        )
        buurtbot = await build(settings)
        try:
            meter = Meter(options.warmup, options.updates, server)
            meter.count_writes(buurtbot.services.db)
            worker = getattr(buurtbot.services.understanding.batcher.classifier, "pid", None)
            if worker is not None:
                meter.helpers.append(psutil.Process(worker))
            application = build_application(settings, buurtbot)
            stats = await _run_application(
                application,
                meter,
                server,
                setup["setup_updates"],
                on_started=lambda: _start_buurtbot(application, buurtbot),
            )
        finally:
            await buurtbot.close()
    per_kind = {
        f"db_writes_per_{kind}": round(meter.writes[kind] / count, 2)
        for kind, count in meter.kinds.items()
    }
    return {
        **meter.figures(),
        "server": stats,
        "mix": dict(meter.kinds),
        "db_writes": sum(meter.writes.values()),
        **per_kind,
    }


def _with_server(settings: Settings, server: FakeServer) -> Settings:
    return settings.model_copy(update={"telegram_base_url": server.url})


def make_settings(options: Options, db: Path) -> Settings:
    overrides: dict[str, Any] = {
        "telegram_token": TOKEN,
        "telegram_base_url": "http://127.0.0.1:1",  # replaced by each phase's server
        "db": db,
        "model_dir": ROOT / "var" / "model",
        "rate_limit_per_second": RATE_LIMIT_PER_SECOND,
        "rate_limit_per_group_per_minute": RATE_LIMIT_PER_GROUP_PER_MINUTE,
        "log_level": "WARNING",
    }
    if options.concurrency is not None:
        overrides["max_concurrent_updates"] = options.concurrency
    overrides["nlp_worker"] = options.nlp_worker
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


def http_stack_note() -> str:
    """A known slowness of the installed HTTP stack, which both bots share."""
    if importlib.util.find_spec("sniffio") is None:
        return (
            "sniffio is not installed: httpcore tries 'import sniffio' (a failing sys.path scan)"
            " for every lock it sets up, several per Bot API call, in both bots"
        )
    return "ok"


def median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median updates/s (the lower median for an even count)."""
    ordered = sorted(rounds, key=lambda phase: float(phase["updates_per_s"]))
    return ordered[(len(ordered) - 1) // 2]


async def run(options: Options) -> dict[str, Any]:
    """Both bots, alternating, ``options.rounds`` times; the figures as one flat dict."""
    echo_rounds: list[dict[str, Any]] = []
    buurt_rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="buurtbot-throughput-") as tmp:
        settings = make_settings(options, Path(tmp) / "unused.sqlite3")
        model = prepare_model(settings.model_dir)
        for number in range(1, options.rounds + 1):
            settings = make_settings(options, Path(tmp) / f"round{number}.sqlite3")
            echo_rounds.append(await run_echo(options, settings))
            _describe(f"echo #{number}", echo_rounds[-1])
            if options.profile is not None and number == 1:
                profiler = cProfile.Profile()
                profiler.enable()
                try:
                    buurt_rounds.append(await run_buurtbot(options, settings))
                finally:
                    profiler.disable()
                    profiler.dump_stats(options.profile)
            else:
                buurt_rounds.append(await run_buurtbot(options, settings))
            _describe(f"buurtbot #{number}", buurt_rounds[-1])
    echo, buurt = median_round(echo_rounds), median_round(buurt_rounds)
    ratio = buurt["updates_per_s"] / echo["updates_per_s"]
    cpu_ratio = (
        buurt["updates_per_cpu_s"] / echo["updates_per_cpu_s"] if echo["updates_per_cpu_s"] else 0
    )
    mix = buurt["mix"]
    measured = sum(mix.values()) or 1
    result: dict[str, Any] = {
        "benchmark": "throughput",
        "echo_updates_per_s": echo["updates_per_s"],
        "buurtbot_updates_per_s": buurt["updates_per_s"],
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio >= TARGET_RATIO,
        "meets_target_per_cpu_s": cpu_ratio >= TARGET_RATIO,
        "machine_busy": max(echo["others_cpu_share"], buurt["others_cpu_share"]) > BUSY,
        "rounds": options.rounds,
        "echo_updates_per_s_rounds": [phase["updates_per_s"] for phase in echo_rounds],
        "buurtbot_updates_per_s_rounds": [phase["updates_per_s"] for phase in buurt_rounds],
        # Each round's own ratio: the two bots ran back to back, so a machine that speeds up or
        # slows down between rounds moves both; the spread shows how noisy the run was.
        "ratio_rounds": [
            round(b["updates_per_s"] / e["updates_per_s"], 3)
            for e, b in zip(echo_rounds, buurt_rounds, strict=True)
        ],
        "echo_updates_per_cpu_s": echo["updates_per_cpu_s"],
        "buurtbot_updates_per_cpu_s": buurt["updates_per_cpu_s"],
        "cpu_ratio": round(cpu_ratio, 3),
        "updates_measured": options.updates,
        "warmup_updates": options.warmup,
        "mix_chatter_share": round(mix.get("chatter", 0) / measured, 3),
        "mix_report_step_share": round(mix.get("steps", 0) / measured, 3),
        "reports_sent": buurt["server"]["reports_sent"],
        "db_writes_per_report_step": buurt.get("db_writes_per_steps", 0.0),
        "db_writes_per_chatter_message": buurt.get("db_writes_per_chatter", 0.0),
        "echo_handling_ms_p50": echo["handling_ms_p50"],
        "echo_handling_ms_p95": echo["handling_ms_p95"],
        "buurtbot_handling_ms_p50": buurt["handling_ms_p50"],
        "buurtbot_handling_ms_p95": buurt["handling_ms_p95"],
        "buurtbot_chatter_handling_ms_p50": buurt.get("chatter_handling_ms_p50"),
        "buurtbot_step_handling_ms_p50": buurt.get("steps_handling_ms_p50"),
        "buurtbot_step_handling_ms_p95": buurt.get("steps_handling_ms_p95"),
        "echo_reply_ms_p95": echo["server"]["reply_ms_p95"],
        "buurtbot_reply_ms_p95": buurt["server"]["reply_ms_p95"],
        "echo_bot_cpu_share": echo["bot_cpu_share"],
        "buurtbot_bot_cpu_share": buurt["bot_cpu_share"],
        "echo_loop_thread_cpu_share": echo["loop_thread_cpu_share"],
        "buurtbot_loop_thread_cpu_share": buurt["loop_thread_cpu_share"],
        "nlp_worker": options.nlp_worker,
        "buurtbot_classifier_process_cpu_share": buurt["helper_cpu_share"],
        "echo_others_cpu_share": echo["others_cpu_share"],
        "buurtbot_others_cpu_share": buurt["others_cpu_share"],
        "echo_server_cpu_share": echo["server_cpu_share"],
        "buurtbot_server_cpu_share": buurt["server_cpu_share"],
        "echo_users": options.echo_users,
        "reporters": options.reporters,
        "chatter_per_report_step": options.chatter_per_step,
        "groups": options.groups,
        "members_per_group": options.members,
        "max_concurrent_updates": settings.max_concurrent_updates,
        "rate_limiter": (
            f"AIORateLimiter in both bots, limits raised to {RATE_LIMIT_PER_SECOND:g}/s overall"
            f" and {RATE_LIMIT_PER_GROUP_PER_MINUTE:g}/min per group (self-hosted Bot API)"
        ),
        "http_stack": http_stack_note(),
        "model": model,
        "unscripted_answers": sum(
            sum(phase["server"]["anomalies"].values()) for phase in echo_rounds + buurt_rounds
        ),
    }
    print(
        f"median of {options.rounds}: echo {result['echo_updates_per_s']} updates/s, buurtbot "
        f"{result['buurtbot_updates_per_s']} updates/s, ratio {result['ratio']:.3f} "
        f"(target {TARGET_RATIO}; per bot CPU-second {result['cpu_ratio']:.3f}); "
        f"{result['rate_limiter']}; HTTP stack: {result['http_stack']}; model: {model}"
    )
    if result["machine_busy"]:
        print(
            "note: other processes took CPU time during the measurement (see *_others_cpu_share);"
            " updates/s and the ratio are noisy, updates per bot CPU-second less so"
        )
    return result


def _describe(name: str, phase: dict[str, Any]) -> None:
    """One round's figures for a human, before the JSON line."""
    server = phase["server"]
    line = (
        f"{name:12} {phase['updates_per_s']:7.1f} updates/s ({phase['updates_per_cpu_s']:.0f} per"
        f" bot CPU-s)  handling p50/p95 {phase['handling_ms_p50']:.1f}/"
        f"{phase['handling_ms_p95']:.1f} ms  reply p50/p95 {server['reply_ms_p50']:.1f}/"
        f"{server['reply_ms_p95']:.1f} ms  cpu bot(loop)/server/others "
        f"{phase['bot_cpu_share']:.2f}({phase['loop_thread_cpu_share']:.2f})/"
        f"{phase['server_cpu_share']:.2f}/{phase['others_cpu_share']:.2f}"
        f"{_helper_note(phase)}  mix {phase['mix']}"
        f"  calls {server['api_calls']}"
    )
    if "db_writes" in phase:
        line += f"  writes {phase['db_writes']}  reports {server['reports_sent']}"
    if server["anomalies"]:
        line += f"  unscripted answers {server['anomalies']}"
    print(line, flush=True)


def _helper_note(phase: dict[str, Any]) -> str:
    share = phase.get("helper_cpu_share", 0.0)
    return f" (of it the classifier process {share:.2f})" if share else ""


def parse_args(argv: list[str] | None = None) -> Options:
    defaults = Options()
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--updates", type=int, default=defaults.updates, help="measured updates")
    parser.add_argument("--warmup", type=int, default=defaults.warmup, help="updates not counted")
    parser.add_argument(
        "--rounds", type=int, default=defaults.rounds, help="echo+buurtbot rounds (median)"
    )
    parser.add_argument("--echo-users", type=int, default=defaults.echo_users)
    parser.add_argument("--reporters", type=int, default=defaults.reporters)
    parser.add_argument("--chatter-per-step", type=float, default=defaults.chatter_per_step)
    parser.add_argument("--groups", type=int, default=defaults.groups)
    parser.add_argument("--members", type=int, default=defaults.members)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--concurrency", type=int, default=None, help="override max_concurrent_updates"
    )
    parser.add_argument(
        "--profile", type=Path, default=None, help="write cProfile stats of buurtbot's round 1"
    )
    parser.add_argument(
        "--nlp-worker",
        action="store_true",
        help="buurtbot with BUURTBOT_NLP_WORKER=true (the classifier in a worker process)",
    )
    args = parser.parse_args(argv)
    if min(args.updates, args.warmup, args.rounds, args.echo_users, args.reporters) < 1:
        parser.error("--updates, --warmup, --rounds, --echo-users, --reporters must be >= 1")
    if args.reporters > args.groups * args.members // 2:
        parser.error("--reporters must be at most half of all members (--groups x --members)")
    return Options(**{f.name: getattr(args, f.name) for f in fields(Options)})


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        result = asyncio.run(run(options))
    except BenchmarkError as exc:
        print(f"throughput benchmark failed: {exc}", file=sys.stderr)
        print(json.dumps({"benchmark": "throughput", "error": str(exc)}), flush=True)
        return 1
    except Exception as exc:
        traceback.print_exc()
        print(json.dumps({"benchmark": "throughput", "error": repr(exc)}), flush=True)
        # A failure half-way can leave a database connection open, whose (non-daemon) thread
        # would keep the interpreter from exiting: end the process instead of hanging.
        sys.stderr.flush()
        os._exit(1)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
