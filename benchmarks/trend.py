"""Coordinator insight at scale: /trend for one group and all weekly summaries composed.

Run: ``.venv/bin/python benchmarks/trend.py`` (``--help`` for options). The last line of output
is one JSON object with the figures.

The database: 10,000 groups, about 520,000 members, 5,000,000 signals over two years and
their event history (a 'created' event for each, a 'status' event for each signal whose
status moved, partner 'feedback' on one in seven), made with the real migrations and then
filled in bulk. Group sizes are skewed (log-normal), so the busiest group has many times the
signals of a typical one. Signals are stored in time order, groups interleaved, as a live bot
stores them. It is generated once (a minute or two) and cached in ``var/bench/``, keyed by
the generator version and the migrations, so a rerun only measures.

What is measured, through the application's own services (``bot.app.build``):

- ``/trend`` data part: ``Trends.overview`` plus the list of signals waiting for follow-up
  (what a coordinator's private ``/trend`` reads): the median over 50 random groups, and the
  median of repeated runs on the busiest group, for the default 4 weeks and for 12 months.
- ``/trend`` including the chart: the whole command through the router (role check, figures,
  text, chart PNG) for a coordinator, median of repeated runs, busiest group, 4 weeks and
  12 months.
- All weekly summaries: ``Summaries.compose`` for every group, in the batches the job uses.
  Sending is excluded; a second figure runs the job's ``send_due`` (ledger claims and all)
  against a messenger that discards messages.
- The database size on disk.

Targets: data part median <= 20 ms, with chart <= 300 ms, 10,000 summaries <= 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402  (after the path set-up, like the rest)

from bot.app import build  # noqa: E402
from bot.chat import Chat, ChatKind, Incoming, Kind, Reply, Sender, Sent  # noqa: E402
from bot.models import SUBCATEGORIES  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.summaries import BATCH, last_moment, send_due  # noqa: E402
from bot.trends import parse_period  # noqa: E402
from storage.db import Database, migrations  # noqa: E402

GENERATOR_VERSION = 1
GROUPS = 10_000
SIGNALS = 5_000_000
DAYS = 730
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
MESSENGER = "bench"
TARGET_DATA_MS, TARGET_CHART_MS, TARGET_SUMMARIES_S = 20.0, 300.0, 60.0

STREETS = [
    f"{name}{suffix}"
    for name in (
        "Molen", "Kerk", "Dorps", "School", "Linden", "Eiken", "Beuken", "Berken", "Wilgen",
        "Populieren", "Tulpen", "Rozen", "Anjer", "Lelie", "Narcissen", "Vondel", "Rembrandt",
        "Vermeer", "Hobbema", "Ruysdael",
    )
    for suffix in ("straat", "laan", "weg", "plein", "hof", "kade", "singel", "pad", "dreef", "erf",
                   "gracht", "dijk", "park", "markt", "steeg", "veld", "plantsoen", "wal",
                   "boulevard", "akker")
]  # fmt: skip


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the database ---------------------------------------------------------------------------


def cache_path(folder: Path) -> Path:
    digest = hashlib.sha256(f"generator {GENERATOR_VERSION}".encode())
    for _, name, sql in migrations():
        digest.update(name.encode())
        digest.update(sql.encode())
    return folder / f"trend-{digest.hexdigest()[:12]}.sqlite3"


def generate(path: Path) -> None:
    """Create the schema with the real migrations, then fill it in bulk."""
    partial = path.with_suffix(".partial")
    for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        stale.unlink(missing_ok=True)

    async def migrate() -> None:
        db = await Database.open(partial)
        await db.close()

    asyncio.run(migrate())
    started = time.perf_counter()
    rng = np.random.default_rng(20261118)
    now = int(NOW.timestamp())
    conn = sqlite3.connect(partial, isolation_level=None)
    conn.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-2000000;"
        " PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF;"
    )
    tables = ("signals", "signal_events", "members", "users")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({', '.join('?' * len(tables))})",
        tables,
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")
    conn.execute("BEGIN")

    # Groups, created before the two years of signals.
    group_ids = np.arange(1, GROUPS + 1)
    created = now - DAYS * 86400 - rng.integers(86400, 200 * 86400, GROUPS)
    conn.executemany(
        "INSERT INTO groups (id, messenger, chat_id, title, code, language, created_at)"
        " VALUES (?, ?, ?, ?, ?, 'nl', ?)",
        (
            (int(g), MESSENGER, f"-100{g}", f"Buurtpreventie {g}", f"code{g:06d}", int(c))
            for g, c in zip(group_ids, created, strict=True)
        ),
    )

    # Members: one account each, 15-89 per group.
    sizes = rng.integers(15, 90, GROUPS)
    first_user = np.concatenate(([1], 1 + np.cumsum(sizes)[:-1]))
    user_count = int(sizes.sum())
    member_group = np.repeat(group_ids, sizes)
    joined = (
        np.repeat(created, sizes) + rng.random(user_count) * (now - np.repeat(created, sizes))
    ).astype(np.int64)
    seen = np.maximum(joined, now - rng.exponential(20 * 86400, user_count).astype(np.int64))
    role = np.where(rng.random(user_count) < 0.02, "coordinator", "lid")
    conn.executemany(
        "INSERT INTO users (id, messenger, external_id, display_name, language, created_at)"
        " VALUES (?, ?, ?, ?, 'nl', ?)",
        (
            (u, MESSENGER, str(100_000 + u), f"Lid {u}", int(j))
            for u, j in zip(range(1, user_count + 1), joined.tolist(), strict=True)
        ),
    )
    conn.executemany(
        "INSERT INTO members (group_id, user_id, role, joined_at, last_seen_at)"
        " VALUES (?, ?, ?, ?, ?)",
        zip(
            member_group.tolist(),
            range(1, user_count + 1),
            role.tolist(),
            joined.tolist(),
            seen.tolist(),
            strict=True,
        ),
    )
    log(f"  groups and {user_count:,} members in {time.perf_counter() - started:.0f} s")

    # Signals: skewed group sizes, evenings and weekends busier, stored in time order.
    weights = rng.lognormal(0.0, 0.8, GROUPS)
    counts = rng.multinomial(SIGNALS, weights / weights.sum())
    group = np.repeat(group_ids, counts)
    day = rng.integers(0, DAYS, SIGNALS)
    hour_weights = np.array(
        [2, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 7, 8, 9, 9, 8, 6, 4], dtype=float
    )
    hour = rng.choice(24, SIGNALS, p=hour_weights / hour_weights.sum())
    occurred = now - DAYS * 86400 + day * 86400 + hour * 3600 + rng.integers(0, 3600, SIGNALS)
    order = np.argsort(occurred, kind="stable")
    group, occurred = group[order], occurred[order]
    reported = occurred + rng.integers(60, 7200, SIGNALS)
    categories = np.array(["criminaliteit", "overlast", "zorg"])
    category_index = rng.choice(3, SIGNALS, p=[0.35, 0.5, 0.15])
    subcategory = np.empty(SIGNALS, dtype=object)
    for index, category in enumerate(categories):
        chosen = category_index == index
        options = np.array(SUBCATEGORIES[str(category)], dtype=object)
        subcategory[chosen] = rng.choice(options, int(chosen.sum()))
    statuses = np.array(["open", "doorgezet", "in_behandeling", "afgehandeld", "ingetrokken"])
    status = statuses[rng.choice(5, SIGNALS, p=[0.45, 0.15, 0.1, 0.25, 0.05])]
    source = np.where(rng.random(SIGNALS) < 0.6, "chat", "guided")
    streets = np.array(STREETS, dtype=object)
    street = streets[(group * 7 + rng.integers(0, 25, SIGNALS)) % len(STREETS)]
    street[rng.random(SIGNALS) < 0.1] = None
    reporter = first_user[group - 1] + (rng.random(SIGNALS) * sizes[group - 1]).astype(np.int64)
    recent = reported > now - 90 * 86400
    # Object arrays, so that None becomes NULL in SQLite.
    text = "Verdachte situatie gezien bij de ingang van het park"
    description = np.full(SIGNALS, None, dtype=object)
    description[recent] = text
    purged = np.full(SIGNALS, None, dtype=object)
    purged[~recent] = reported[~recent] + 90 * 86400
    scores = np.round(0.5 + rng.random(SIGNALS) / 2, 2)
    confidence = np.full(SIGNALS, None, dtype=object)
    from_chat = source == "chat"
    confidence[from_chat] = scores[from_chat]
    chunk = 500_000
    for first in range(0, SIGNALS, chunk):
        part = slice(first, first + chunk)
        conn.executemany(
            "INSERT INTO signals (group_id, reporter_id, category, subcategory, source, status,"
            " occurred_at, reported_at, street, confidence, description, purged_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            zip(
                group[part].tolist(),
                reporter[part].tolist(),
                categories[category_index[part]].tolist(),
                subcategory[part].tolist(),
                source[part].tolist(),
                status[part].tolist(),
                occurred[part].tolist(),
                reported[part].tolist(),
                street[part].tolist(),
                confidence[part].tolist(),
                description[part].tolist(),
                purged[part].tolist(),
                strict=True,
            ),
        )
    log(f"  {SIGNALS:,} signals in {time.perf_counter() - started:.0f} s")
    conn.execute(
        "INSERT INTO signal_events (signal_id, at, kind, actor_id, data)"
        " SELECT id, reported_at, 'created', reporter_id,"
        " json_object('source', source, 'category', category) FROM signals"
    )
    conn.execute(
        "INSERT INTO signal_events (signal_id, at, kind, actor_id, data)"
        " SELECT id, reported_at + 3600 + abs(random()) % 864000, 'status', NULL,"
        " json_object('status', status) FROM signals WHERE status <> 'open'"
    )
    conn.execute(
        "INSERT INTO signal_events (signal_id, at, kind, actor_id, data)"
        " SELECT id, reported_at + 7200 + abs(random()) % 1209600, 'feedback', NULL,"
        " json_object('text', 'Opgepakt door de wijkagent') FROM signals WHERE id % 7 = 0"
    )
    conn.execute("COMMIT")
    log(f"  events in {time.perf_counter() - started:.0f} s")
    for _, sql in indexes:
        conn.execute(sql)
    log(f"  indexes in {time.perf_counter() - started:.0f} s")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    partial.rename(path)


# --- measuring ------------------------------------------------------------------------------


@dataclass
class NullMessenger:
    """Accepts everything and sends nothing; the coordinator is every group's administrator."""

    admin: str
    name: str = MESSENGER
    sent: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, chat_id: str, reply: Reply, *, button_id: str = "") -> Sent:
        self.sent += 1
        return Sent(message_id=str(next(self._ids)), chat_id=chat_id)

    async def administrators(self, chat_id: str) -> list[str]:
        return [self.admin]

    async def is_member(self, chat_id: str, user_id: str) -> bool:
        return True

    def deep_link(self, payload: str) -> str | None:
        return f"https://t.me/bench_bot?start={payload}"


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def measure(path: Path, repeats: int, sample: int) -> dict[str, object]:
    settings = Settings(db=path, _env_file=None)  # type: ignore[call-arg]
    bot = await build(settings, clock=lambda: NOW)
    services = bot.services
    try:
        conn = services.db.conn
        async with conn.execute(
            "SELECT group_id, COUNT(*) AS n FROM signals GROUP BY group_id ORDER BY n DESC"
        ) as cur:
            sizes = [(row[0], row[1]) async for row in cur]
        busiest, busiest_n = sizes[0]
        rng = np.random.default_rng(7)
        sampled = [int(g) for g in rng.choice([g for g, _ in sizes], sample, replace=False)]
        today = services.trends.today(NOW)
        periods = {name: parse_period(text, today) for name, text in (("4w", ""), ("12m", "12m"))}

        async def data_part(group_id: int, period_name: str) -> float:
            period = periods[period_name]
            assert not isinstance(period, type(None))
            started = time.perf_counter()
            await services.trends.overview(group_id, period)  # type: ignore[arg-type]
            await services.trends.waiting(group_id, period, 10)  # type: ignore[arg-type]
            return time.perf_counter() - started

        figures: dict[str, object] = {"busiest_group_signals": busiest_n}
        for period_name in periods:
            await data_part(busiest, period_name)  # warm-up
            typical = [await data_part(g, period_name) for g in sampled]
            worst = [await data_part(busiest, period_name) for _ in range(repeats)]
            figures[f"trend_data_ms_median_{period_name}"] = ms(statistics.median(typical))
            figures[f"trend_data_ms_busiest_{period_name}"] = ms(statistics.median(worst))
        log(f"  data part (ms): {json.dumps({k: v for k, v in figures.items() if 'data' in k})}")

        # The whole command, through the router, for the busiest group's coordinator.
        async with conn.execute(
            "SELECT u.external_id, u.display_name FROM members m JOIN users u ON u.id = m.user_id"
            " WHERE m.group_id = ? ORDER BY u.id LIMIT 1",
            (busiest,),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        coordinator = Sender(id=row[0], name=row[1], language="nl")
        messenger = NullMessenger(admin=coordinator.id)
        group = await services.groups.get(busiest)
        assert group is not None
        group_chat = Chat(MESSENGER, group.chat_id, ChatKind.GROUP, group.title)
        private_chat = Chat(MESSENGER, coordinator.id, ChatKind.PRIVATE)

        async def command(chat: Chat, args: str) -> float:
            incoming = Incoming(
                Kind.COMMAND, chat, coordinator, NOW, message_id="1", command="trend", args=args
            )
            started = time.perf_counter()
            ctx = await bot.handle(incoming, messenger)
            elapsed = time.perf_counter() - started
            assert any(getattr(reply, "photo_png", None) for _, reply in ctx.sent), ctx.sent
            return elapsed

        await command(group_chat, "")  # warm-up, includes importing matplotlib
        for name, chat, args in (
            ("group_4w", group_chat, ""),
            ("private_4w", private_chat, ""),
            ("private_12m", private_chat, "12m"),
        ):
            runs = [await command(chat, args) for _ in range(repeats)]
            figures[f"trend_with_chart_ms_{name}"] = ms(statistics.median(runs))
        log(f"  with chart (ms): {json.dumps({k: v for k, v in figures.items() if 'chart' in k})}")

        # Every weekly summary, as the job composes them (sending excluded).
        groups = await services.groups.active()
        moment, week = last_moment((6, 19 * 60), NOW, services.summaries.tz)
        started = time.perf_counter()
        composed = 0
        for first in range(0, len(groups), BATCH):
            texts = await services.summaries.compose(groups[first : first + BATCH], moment)
            composed += len(texts)
        figures["summaries_composed"] = composed
        figures["summaries_compose_s"] = round(time.perf_counter() - started, 2)

        # The job itself (claims in the ledger, composing, a discarding messenger).
        async with services.db.transaction() as write:
            await write.execute("DELETE FROM summaries_sent WHERE week = ?", (week,))
        started = time.perf_counter()
        report = await send_due(services, messenger, moment + timedelta(minutes=1))
        figures["summaries_job_s"] = round(time.perf_counter() - started, 2)
        figures["summaries_job_sent"] = len(report.sent)
        async with services.db.transaction() as write:
            await write.execute("DELETE FROM summaries_sent WHERE week = ?", (week,))
        log(f"  summaries: {json.dumps({k: v for k, v in figures.items() if 'summar' in k})}")
    finally:
        await bot.close()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--regenerate", action="store_true", help="build the database again")
    parser.add_argument("--repeats", type=int, default=15, help="runs per timed command")
    parser.add_argument("--sample", type=int, default=50, help="random groups for medians")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    path = cache_path(args.cache)
    generated_s = None
    if args.regenerate or not path.exists():
        for old in args.cache.glob("trend-*.sqlite3*"):
            old.unlink()
        log(f"generating {path} ({GROUPS:,} groups, {SIGNALS:,} signals over {DAYS} days)")
        started = time.perf_counter()
        generate(path)
        generated_s = round(time.perf_counter() - started, 1)
    else:
        log(f"using the cached database {path}")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        signals = conn.execute("SELECT COUNT(*) FROM signals").fetchone()[0]
        groups = conn.execute("SELECT COUNT(*) FROM groups").fetchone()[0]
    figures = asyncio.run(measure(path, args.repeats, args.sample))
    size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    result = {
        "benchmark": "trend",
        "groups": groups,
        "signals": signals,
        "generated_s": generated_s,
        **figures,
        "db_size_mb": round(size / 2**20, 1),
        "targets": {
            "trend_data_ms_median": TARGET_DATA_MS,
            "trend_with_chart_ms": TARGET_CHART_MS,
            "summaries_compose_s": TARGET_SUMMARIES_S,
        },
    }
    data = [v for k, v in figures.items() if k.startswith("trend_data_ms")]
    chart = [v for k, v in figures.items() if k.startswith("trend_with_chart_ms")]
    result["meets_targets"] = (
        all(float(v) <= TARGET_DATA_MS for v in data)  # type: ignore[arg-type]
        and all(float(v) <= TARGET_CHART_MS for v in chart)  # type: ignore[arg-type]
        and float(figures["summaries_compose_s"]) <= TARGET_SUMMARIES_S  # type: ignore[arg-type]
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
