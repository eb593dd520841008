"""Resident memory of the running bot: the real ``buurtbot run`` process, under load.

Run: ``.venv/bin/python benchmarks/memory.py``. The last line of output is one JSON object.

The bot is started exactly as an operator starts it (``python -m bot.cli run`` with a token),
but pointed at the end-to-end tests' fake Bot API server on 127.0.0.1, which runs in this
process. It then gets work that touches every heavy part: group chatter classified by the
spaCy model, a /trend with its matplotlib chart, the weekly summary, and /melding steps.
It runs with the default settings: the classifier in the bot's own process.
``--nlp-worker`` runs it with ``BUURTBOT_NLP_WORKER=true`` (the classifier in a worker
process) and then reads both processes. Memory is read with psutil: resident memory after
start-up and after the load, and the peak as the sum of each process's high-water mark
(VmHWM; with two processes an upper bound, the two peaks need not coincide). Target: at most
250 MB resident.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nlp.training import ensure_model  # noqa: E402
from tests.fakes.botapi import FakeBotAPI  # noqa: E402

TOKEN = "123456789:AAE-benchmark-token-0123456789abcdef"
TARGET_MB = 250
GROUPS = 20
CHATTER = (
    "Goedemorgen allemaal, lekker weertje!",
    "Vannacht is mijn fiets gestolen bij het station, zwarte Gazelle",
    "Er liggen weer vuilniszakken naast de container op de Molenlaan",
    "Heeft iemand een ladder te leen?",
    "Mevrouw van nummer 7 heeft al dagen de gordijnen dicht en de post puilt uit de bus",
    "Harde muziek bij de hangplek achter de school, al de hele avond",
    "Dank je wel voor het delen!",
)


def _mb(value: int) -> float:
    return round(value / 1024 / 1024, 1)


def _peak_bytes(pid: int) -> int:
    """The process's high-water mark of resident memory (Linux)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _tree(process: psutil.Process) -> list[psutil.Process]:
    """The bot's process and its children (the classifier worker)."""
    return [process, *process.children(recursive=True)]


def _rss(processes: list[psutil.Process]) -> int:
    return sum(p.memory_info().rss for p in processes)


async def _settle(api: FakeBotAPI) -> None:
    """Wait until the bot fetched everything and went quiet for a moment."""
    await api.wait_for(api.idle, limit=120)
    calls = -1
    while calls != len(api.calls):
        calls = len(api.calls)
        await asyncio.sleep(1.0)


async def measure(db_dir: Path, worker: bool = False) -> dict[str, object]:
    model_dir = ensure_model(ROOT / "var" / "model")
    api = FakeBotAPI(TOKEN)
    base = await api.start()
    env = {
        **os.environ,
        "BUURTBOT_TELEGRAM_TOKEN": TOKEN,
        "BUURTBOT_TELEGRAM_BASE_URL": base,
        "BUURTBOT_DB": str(db_dir / "bot.sqlite3"),
        "BUURTBOT_MODEL_DIR": str(model_dir),
        "BUURTBOT_RATE_LIMIT_PER_SECOND": "100000",
        "BUURTBOT_RATE_LIMIT_PER_GROUP_PER_MINUTE": "100000",
        "BUURTBOT_LOG_LEVEL": "WARNING",
        "BUURTBOT_NLP_WORKER": "true" if worker else "false",
    }
    started = time.perf_counter()
    log_path = db_dir / "bot.log"
    log_file = log_path.open("w")
    bot = subprocess.Popen(  # noqa: ASYNC220 - the process runs for the whole measurement
        [sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env, stderr=log_file
    )
    try:
        await api.wait_for(lambda: api.polls > 0 or bot.poll() is not None, limit=120)
        if bot.poll() is not None:
            raise RuntimeError(f"the bot stopped at start (exit code {bot.returncode})")
        start_seconds = time.perf_counter() - started
        processes = _tree(psutil.Process(bot.pid))
        idle = _rss(processes)

        coordinator = api.user(1, "Cor")
        members = [api.user(100 + i, f"Lid{i}") for i in range(40)]
        for g in range(GROUPS):
            chat_id = -1_000_000 - g
            api.group(chat_id, f"Buurtgroep {g}", members=[coordinator, *members])
            api.admins[chat_id] = [coordinator["id"]]
            api.add_bot(chat_id, coordinator)
        await _settle(api)
        for i in range(2_000):
            chat_id = -1_000_000 - (i % GROUPS)
            api.say(chat_id, members[i % len(members)], CHATTER[i % len(CHATTER)])
        await _settle(api)
        for g in range(GROUPS):
            api.say(-1_000_000 - g, coordinator, "/trend 12m")
        await _settle(api)
        api.say(coordinator["id"], coordinator, "/melding")
        await _settle(api)
        loaded = _rss(processes)
        return {
            "benchmark": "memory",
            "classifier": "worker process" if worker else "in the bot's process",
            "processes": len(processes),
            "rss_mb_after_start": _mb(idle),
            "rss_mb_after_load": _mb(loaded),
            "peak_rss_mb": _mb(sum(_peak_bytes(p.pid) for p in processes)),
            "peak_rss_mb_per_process": [_mb(_peak_bytes(p.pid)) for p in processes],
            "target_mb": TARGET_MB,
            "start_seconds": round(start_seconds, 2),
            "groups": GROUPS,
            "chatter_messages": 2_000,
            "trend_charts": len(api.calls_to("sendPhoto")),
            "reactions": len(api.calls_to("setMessageReaction")),
            # Requests the bot gave up on (the fake server shares this process and lags
            # under the burst); logged by the bot, not lost data.
            "bot_error_lines": sum(" ERROR " in line for line in log_path.read_text().splitlines()),
        }
    finally:
        bot.send_signal(signal.SIGTERM)
        try:
            bot.wait(timeout=20)
        except subprocess.TimeoutExpired:
            bot.kill()
        log_file.close()
        await api.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--nlp-worker",
        action="store_true",
        help="BUURTBOT_NLP_WORKER=true: the classifier in a worker process",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        figures = asyncio.run(measure(Path(tmp), worker=args.nlp_worker))
    peak = figures["peak_rss_mb"] or figures["rss_mb_after_load"]
    print(
        f"buurtbot run ({figures['processes']} processes, classifier "
        f"{figures['classifier']}): {figures['rss_mb_after_start']} MB after start, "
        f"{figures['rss_mb_after_load']} MB after {figures['chatter_messages']} chat messages "
        f"in {GROUPS} groups and {figures['trend_charts']} /trend charts; peak {peak} MB "
        f"(target <= {TARGET_MB} MB)"
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
