"""The classifier worker process: same answers as in-process, survives a crash, ends cleanly."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pytest

from bot.understanding import Batcher
from nlp.analyzer import Analyzer
from nlp.worker import WorkerClassifier, WorkerError

TEXTS = [
    "Er staat een wit busje met kenteken VX-123-B voor Molenlaan 4, al een uur",
    "Goedemorgen allemaal!",
    "Help, er ligt een man op straat bij de hoek Kerkweg/Molenlaan, hij reageert niet",
    "Harde muziek bij het speeltuintje, al sinds elf uur",
]
SENT = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)


@pytest.fixture
async def worker(model_dir: Path) -> AsyncIterator[WorkerClassifier]:
    classifier = WorkerClassifier(model_dir, renew_after=50_000)
    await classifier.start()
    yield classifier
    await classifier.close()


async def test_answers_equal_the_in_process_analyzer_in_order(
    worker: WorkerClassifier, analyzer: Analyzer
) -> None:
    items = [(text, SENT) for text in TEXTS]
    first, second = await asyncio.gather(worker.submit(items), worker.submit(items[::-1]))
    expected = analyzer.analyze_many(items)
    assert first == expected, "the same analyses, entities and times included"
    assert second == expected[::-1], "each batch gets its own answers"
    assert worker.pid is not None and worker.pid != os.getpid()


def test_the_bot_process_does_not_load_spacy(model_dir: Path) -> None:
    script = (
        "import asyncio, sys\n"
        "from bot.understanding import Batcher\n"
        "from nlp.worker import WorkerClassifier\n"
        "async def main():\n"
        "    worker = WorkerClassifier(__import__('pathlib').Path(sys.argv[1]), 50000)\n"
        "    await worker.start()\n"
        "    result = await Batcher(worker).analyze('Mijn fiets is gestolen', None)\n"
        "    await worker.close()\n"
        "    print(result.category, 'spacy' in sys.modules)\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(model_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.split() == ["criminaliteit", "False"]


async def test_a_killed_worker_is_replaced_and_its_batch_answered(
    worker: WorkerClassifier,
) -> None:
    batcher = Batcher(worker)
    before = await batcher.analyze(TEXTS[0], SENT)
    old = worker.pid
    assert old is not None
    os.kill(old, signal.SIGKILL)
    # Sent while (or just before) the bot notices: answered by the new process.
    after = await asyncio.wait_for(batcher.analyze(TEXTS[0], SENT), 120)
    assert after == before
    assert worker.restarts == 1 and worker.pid not in (None, old)
    assert not psutil.pid_exists(old) or psutil.Process(old).status() == psutil.STATUS_ZOMBIE


async def test_a_failing_batch_fails_alone(worker: WorkerClassifier) -> None:
    broken = worker.submit([("Mijn fiets is gestolen", "gisteren")])  # type: ignore[list-item]
    with pytest.raises(WorkerError):
        await broken
    [fine] = await worker.submit([("Mijn fiets is gestolen", None)])
    assert fine.category == "criminaliteit" and worker.restarts == 0


async def test_renews_its_model_after_many_new_words(model_dir: Path, analyzer: Analyzer) -> None:
    worker = WorkerClassifier(model_dir, renew_after=50)
    await worker.start()
    try:
        words = " ".join(f"onbekendwoord{i}" for i in range(60))
        await worker.submit([(words, None)])
        [result] = await worker.submit([(TEXTS[2], SENT)])  # answered by the renewed model
        assert result == analyzer.analyze(TEXTS[2], SENT) and worker.restarts == 0
    finally:
        await worker.close()


async def test_closing_ends_the_process_and_refuses_more_work(model_dir: Path) -> None:
    worker = WorkerClassifier(model_dir, renew_after=50_000)
    await worker.start()
    pid = worker.pid
    assert pid is not None
    await worker.close()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    with pytest.raises(WorkerError):
        await worker.submit([("hallo", None)])


async def test_a_worker_that_cannot_load_its_model_fails_at_start(
    model_dir: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "model"
    shutil.copytree(model_dir, broken)
    (broken / "config.cfg").write_text("[nlp\nthis is no config")
    worker = WorkerClassifier(broken, renew_after=50_000, start_timeout=60)
    with pytest.raises(WorkerError, match="while loading the model"):
        await worker.start()
    await worker.close()
