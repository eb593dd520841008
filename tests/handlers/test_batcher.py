"""Concurrent chat messages share one classifier call; failures reach every waiter."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime

import pytest

from bot.understanding import Batcher, LocalClassifier
from nlp.analyzer import Analysis, Analyzer


class CountingAnalyzer:
    """The real analyzer, counting how many batches it was given."""

    new_strings = 0  # never due for renewal

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.batches: list[int] = []

    def analyze_many(self, items: Iterable[tuple[str, datetime | None]]) -> list[Analysis]:
        items = list(items)
        self.batches.append(len(items))
        return self.analyzer.analyze_many(items)


async def test_messages_arriving_together_are_classified_together(analyzer: Analyzer) -> None:
    counting = CountingAnalyzer(analyzer)
    batcher = Batcher(LocalClassifier(counting))  # type: ignore[arg-type]
    texts = ["Mijn fiets is gestolen bij het station", "Goedemorgen allemaal", "Harde muziek"]
    results = await asyncio.gather(*(batcher.analyze(text, None) for text in texts))
    assert counting.batches == [3]
    assert [r.text for r in results] == texts, "each waiter gets its own message's result"
    assert results[0].category == analyzer.analyze(texts[0]).category
    alone = await batcher.analyze("Er ligt een man op straat", None)
    assert counting.batches == [3, 1] and alone.text == "Er ligt een man op straat"


async def test_prefetched_messages_are_classified_together_before_their_turn(
    analyzer: Analyzer,
) -> None:
    counting = CountingAnalyzer(analyzer)
    batcher = Batcher(LocalClassifier(counting))  # type: ignore[arg-type]
    chat_lock = asyncio.Lock()  # three messages of one chat, handled strictly one by one

    async def handle(text: str) -> Analysis:
        batcher.prefetch(text, None)  # on arrival, as the transport does
        async with chat_lock:
            await asyncio.sleep(0.01)  # the handler's other work before classifying
            return await batcher.analyze(text, None)

    texts = ["fiets gestolen bij het station", "harde muziek", "goedemorgen"]
    results = await asyncio.gather(*(handle(text) for text in texts))
    assert counting.batches == [3], "classified once, together, not one by one in turn"
    assert [r.text for r in results] == texts


async def test_a_changed_text_is_classified_anew(analyzer: Analyzer) -> None:
    counting = CountingAnalyzer(analyzer)
    batcher = Batcher(LocalClassifier(counting))  # type: ignore[arg-type]

    async def handle() -> Analysis:
        batcher.prefetch("fiets gestolen", None)
        return await batcher.analyze("fiets gestolen, zwarte Gazelle", None)

    result = await handle()
    assert result.text == "fiets gestolen, zwarte Gazelle" and sum(counting.batches) == 2


async def test_a_failing_batch_fails_each_waiter() -> None:
    class Broken:
        new_strings = 0

        def analyze_many(self, items: Iterable[tuple[str, datetime | None]]) -> list[Analysis]:
            raise RuntimeError("model gone")

    batcher = Batcher(LocalClassifier(Broken()))  # type: ignore[arg-type]
    results = await asyncio.gather(
        batcher.analyze("a", None), batcher.analyze("b", None), return_exceptions=True
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    with pytest.raises(RuntimeError):
        await batcher.analyze("c", None)


async def test_a_grown_vocabulary_is_renewed_in_the_background(analyzer: Analyzer) -> None:
    local = LocalClassifier(analyzer.reloaded(), renew_after=50)
    batcher = Batcher(local)
    first = local.analyzer
    words = " ".join(f"onbekendwoord{i}" for i in range(60))
    await batcher.analyze(words, None)
    assert first.new_strings > 50
    for _ in range(200):  # the fresh copy loads in a thread while the bot goes on
        if local.analyzer is not first:
            break
        await asyncio.sleep(0.02)
    renewed = local.analyzer
    assert renewed is not first and renewed.new_strings == 0
    result = await batcher.analyze("Mijn fiets is gestolen bij het station", None)
    assert result.category == analyzer.analyze("Mijn fiets is gestolen bij het station").category


async def test_a_quiet_bot_classifies_at_once(analyzer: Analyzer) -> None:
    counting = CountingAnalyzer(analyzer)
    batcher = Batcher(LocalClassifier(counting), min_interval=60.0)  # type: ignore[arg-type]
    first = asyncio.ensure_future(batcher.analyze("Harde muziek bij de speeltuin", None))
    for _ in range(10):  # a few turns of the loop, no timer
        await asyncio.sleep(0)
    assert first.done() and counting.batches == [1]


async def test_a_busy_bot_gathers_what_arrives_until_the_model_is_due(analyzer: Analyzer) -> None:
    counting = CountingAnalyzer(analyzer)
    batcher = Batcher(LocalClassifier(counting), min_interval=0.3)  # type: ignore[arg-type]
    await batcher.analyze("Goedemorgen allemaal", None)
    texts = ["fiets gestolen bij het station", "harde muziek", "Er ligt iemand op straat"]
    later = []
    for text in texts:  # one by one, each in its own turn of the loop, as separate polls bring them
        later.append(asyncio.ensure_future(batcher.analyze(text, None)))
        for _ in range(10):
            await asyncio.sleep(0)
    assert not any(task.done() for task in later), "the model ran a moment ago: they wait"
    results = await asyncio.gather(*later)
    assert counting.batches == [1, 3], "the waiting messages went to the model together"
    assert [r.text for r in results] == texts
