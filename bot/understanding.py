"""Signals in ordinary group chat: classify, log quietly, merge follow-ups, learn from fixes."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from bot.chat import Kind
from bot.models import CATEGORIES, Group, Signal, SignalDraft, Source, Status, is_subcategory
from nlp.taxonomy import NO_SIGNAL
from storage.chat_signals import ChatMessage, ChatSignalRepository, FollowUp, NewSignal

if TYPE_CHECKING:  # the spaCy pipeline is loaded by the composition root, not on import
    from nlp.analysis import Analysis
    from nlp.analyzer import Analyzer

log = logging.getLogger(__name__)

# Follow-up messages of one sender within this window belong to the same incident.
MERGE_WINDOW = timedelta(minutes=15)
# Subcategories that describe who or what was seen rather than what happened.
DESCRIPTIVE = frozenset({"verdachte_persoon", "verdacht_voertuig"})
# The kinds of group message that are classified.
CLASSIFIED = frozenset({Kind.TEXT, Kind.EDITED, Kind.PHOTO})
# A question or 112 prompt about an old message (a restart, a late edit) helps nobody.
STALE_AFTER = timedelta(minutes=15)


class Outcome(StrEnum):
    IGNORED = "ignored"  # chit-chat, or too unsure and the group was asked recently
    LOGGED = "logged"  # a new signal
    MERGED = "merged"  # added to the sender's recent signal
    ASK = "ask"  # unsure: ask the sender once
    UPDATED = "updated"  # an edited message changed its signal
    WITHDRAWN = "withdrawn"  # an edit turned the only message into chit-chat


@dataclass(frozen=True)
class Thresholds:
    """Confidence needed to log a signal, and to ask about one."""

    log: float = 0.7
    ask: float = 0.45


@dataclass
class Result:
    outcome: Outcome
    analysis: Analysis
    signal: Signal | None = None
    became_urgent: bool = False  # show the SAAR prompt now
    details: dict[str, Any] = field(default_factory=dict)


def _entities(analysis: Analysis) -> dict[str, Any]:
    entities: dict[str, Any] = analysis.to_dict().get("entities", {})
    return entities


def _has_facts(entities: dict[str, Any]) -> bool:
    """A follow-up like "richting park" or "kenteken XK-12" carries facts even when unsure."""
    return any(entities.get(key) for key in ("locations", "plates", "signalement"))


def _first_place(entities: dict[str, Any]) -> tuple[str | None, str | None]:
    for location in entities.get("locations", []):
        return location.get("text"), location.get("street") or location.get("cross_street")
    return None, None


def _first_time(entities: dict[str, Any], fallback: datetime) -> datetime:
    for mention in entities.get("times", []):
        try:
            moment = datetime.fromisoformat(mention["value"])
        except (KeyError, ValueError):
            continue
        # A mention in the future ("morgen om 8 uur") is not when it happened.
        if moment <= fallback + timedelta(minutes=5):
            return moment
    return fallback


def _merge_entities(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    merged = {key: list(old.get(key, [])) for key in ("locations", "plates", "times")}
    for key, items in merged.items():
        for item in new.get(key, []):
            if item not in items:
                items.append(item)
    signalement = dict(old.get("signalement", {}))
    for key, value in new.get("signalement", {}).items():
        signalement.setdefault(key, value)
    return {**merged, "signalement": signalement}


def _content(
    signal: Signal, messages: list[ChatMessage], entities: dict[str, Any]
) -> dict[str, Any]:
    """Description, place and details recomposed from the signal's messages."""
    place, street = _first_place(entities)
    return {
        "description": "\n".join(m.text for m in messages if m.text) or signal.description,
        "details": entities,
        "location_text": place or signal.location_text,
        "street": street or signal.street,
    }


def _follow_up_fields(
    signal: Signal,
    messages: list[ChatMessage],
    analysis: Analysis,
    entities: dict[str, Any],
    fresh: bool,
) -> dict[str, Any]:
    """A signal's new content once a follow-up message joined it."""
    fields = _content(signal, messages, _merge_entities(signal.details, entities))
    if _becomes_urgent(signal, analysis, fresh):
        fields["urgent"] = True
    return fields


def _becomes_urgent(signal: Signal, follow_up: Analysis, fresh: bool) -> bool:
    """A fresh urgent follow-up makes its signal urgent (and brings the SAAR reply)."""
    return follow_up.urgent and not signal.urgent and fresh


# Renew the analyzer once spaCy's vocabulary has learnt this many strings (~25 MB).
RENEW_AFTER_NEW_STRINGS = 50_000

Item = tuple[str, datetime | None]


class Classifier(Protocol):
    """Where the model runs: in this process (``LocalClassifier``) or in a worker process
    (``nlp.worker.WorkerClassifier``)."""

    def submit(self, items: Sequence[Item]) -> asyncio.Future[list[Analysis]]: ...

    async def close(self) -> None: ...


class LocalClassifier:
    """The model in the bot's own process (tests, small set-ups, ``BUURTBOT_NLP_WORKER=false``).

    Every unseen word stays in spaCy's vocabulary, so once it learnt ``renew_after`` strings a
    fresh copy of the model is loaded in a thread and swapped in.
    """

    def __init__(self, analyzer: Analyzer, renew_after: int = RENEW_AFTER_NEW_STRINGS) -> None:
        self.analyzer = analyzer
        self.renew_after = renew_after
        self._renewing: asyncio.Future[Analyzer] | None = None

    def submit(self, items: Sequence[Item]) -> asyncio.Future[list[Analysis]]:
        future: asyncio.Future[list[Analysis]] = asyncio.get_running_loop().create_future()
        try:
            future.set_result(self.analyzer.analyze_many(items))
        except Exception as exc:
            future.set_exception(exc)
        if self.analyzer.new_strings > self.renew_after and self._renewing is None:
            self._renew()
        return future

    async def close(self) -> None:
        if self._renewing is not None:
            await asyncio.wait([self._renewing])

    def _renew(self) -> None:
        """Load a fresh analyzer in a thread and swap it in: the vocabulary shrinks back."""
        loop = asyncio.get_running_loop()
        self._renewing = loop.run_in_executor(None, self.analyzer.reloaded)

        def swap(done: asyncio.Future[Analyzer]) -> None:
            self._renewing = None
            if done.cancelled():
                return
            error = done.exception()
            if error is not None:
                log.warning("renewing the analyzer failed, keeping the old one: %r", error)
                self.renew_after *= 2  # do not retry on every batch
                return
            self.analyzer = done.result()

        self._renewing.add_done_callback(swap)


_Ahead = tuple[str, datetime | None, "asyncio.Future[Analysis]"]
# The classification started for the message this task handles (see Batcher.prefetch).
_ahead: ContextVar[_Ahead | None] = ContextVar("buurtbot_classification_ahead", default=None)


def _retrieve(future: asyncio.Future[Any]) -> None:
    """A prefetched result nobody asked for must not log 'exception never retrieved'."""
    if not future.cancelled():
        future.exception()


class Batcher:
    """Classifies the messages that arrive together in one model call.

    The model costs far less per message in a batch: a call has a fixed cost of about 0.3 ms.
    The transport calls ``prefetch`` for a group message as soon as it arrives, before the
    message waits for its chat's turn; everything that arrived together (one getUpdates
    answer, several chats and several messages of one chat) goes to the classifier as one
    batch after the current turn of the event loop, and the handler later picks up its result
    in ``analyze``.

    Model calls are at least ``min_interval`` seconds apart: a quiet bot classifies at once,
    a busy one gathers what arrives meanwhile, so batches grow with the load instead of the
    fixed cost being paid for every two or three messages. A quiet-logged message or a SAAR
    reply is at most that much later; nothing a member waits for step by step is classified.
    """

    def __init__(
        self, classifier: Classifier, max_batch: int = 256, min_interval: float = 0.05
    ) -> None:
        self.classifier = classifier
        self.max_batch = max_batch
        self.min_interval = min_interval
        self._pending: list[tuple[str, datetime | None, asyncio.Future[Analysis]]] = []
        self._scheduled: asyncio.Handle | None = None  # the flush to come, if any
        self._last_flush = -math.inf

    def prefetch(self, text: str, sent_at: datetime | None) -> None:
        """Start classifying the message the current task will handle."""
        future = self._submit(text, sent_at)
        future.add_done_callback(_retrieve)
        _ahead.set((text, sent_at, future))

    async def analyze(self, text: str, sent_at: datetime | None) -> Analysis:
        ahead = _ahead.get()
        if ahead is not None and ahead[0] == text and ahead[1] == sent_at:
            _ahead.set(None)
            return await ahead[2]
        return await self._submit(text, sent_at)

    def _submit(self, text: str, sent_at: datetime | None) -> asyncio.Future[Analysis]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Analysis] = loop.create_future()
        self._pending.append((text, sent_at, future))
        if len(self._pending) >= self.max_batch:
            self._flush()
        elif self._scheduled is None:
            due = self._last_flush + self.min_interval
            if loop.time() >= due:
                # After the tasks that are ready now: they join in.
                self._scheduled = loop.call_soon(self._flush)
            else:
                self._scheduled = loop.call_at(due, self._flush)
        return future

    def _flush(self) -> None:
        if self._scheduled is not None:
            self._scheduled.cancel()  # a full batch went early: no second, early flush
            self._scheduled = None
        batch, self._pending = self._pending, []
        if not batch:
            return
        self._last_flush = asyncio.get_running_loop().time()
        waiting = [future for _, _, future in batch]
        answer = self.classifier.submit([(text, sent_at) for text, sent_at, _ in batch])
        answer.add_done_callback(lambda done: _hand_out(done, waiting))


def _hand_out(
    done: asyncio.Future[list[Analysis]], waiting: list[asyncio.Future[Analysis]]
) -> None:
    """Every waiting message gets its analysis, or the batch's failure: none hangs."""
    if done.cancelled():
        for future in waiting:
            future.cancel()
        return
    error = done.exception()
    if error is not None:
        for future in waiting:
            if not future.done():
                future.set_exception(error)
        return
    for future, result in zip(waiting, done.result(), strict=True):
        if not future.done():
            future.set_result(result)


class ChatUnderstanding:
    """The messenger-neutral logic behind quiet logging of chat signals."""

    def __init__(
        self,
        classifier: Classifier,
        repo: ChatSignalRepository,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.batcher = Batcher(classifier)
        self.repo = repo
        self.thresholds = thresholds or Thresholds()

    async def analyze(self, text: str, sent_at: datetime | None = None) -> Analysis:
        """Classify one message (batched with whatever else is being classified)."""
        return await self.batcher.analyze(text, sent_at)

    async def close(self) -> None:
        await self.batcher.classifier.close()

    def decide(self, analysis: Analysis) -> Outcome:
        if analysis.category == NO_SIGNAL:
            return Outcome.IGNORED
        if analysis.confidence >= self.thresholds.log:
            return Outcome.LOGGED
        if analysis.confidence >= self.thresholds.ask:
            return Outcome.ASK
        return Outcome.IGNORED

    async def on_message(
        self,
        group: Group,
        sender_id: int,
        message_id: str,
        text: str,
        sent_at: datetime,
        now: datetime,
    ) -> Result:
        analysis = await self.batcher.analyze(text, sent_at)
        entities = _entities(analysis)
        decision = self.decide(analysis)
        if decision is Outcome.IGNORED and not _has_facts(entities):
            return Result(Outcome.IGNORED, analysis)  # chit-chat: nothing to add to or log
        fresh = now - sent_at < STALE_AFTER

        def choose(recent: Signal | None) -> NewSignal | FollowUp | None:
            # Runs on the database thread, inside the transaction that stores the choice.
            if recent is not None and self._same_incident(recent, analysis, decision, entities):
                return FollowUp(
                    recent,
                    lambda messages: _follow_up_fields(recent, messages, analysis, entities, fresh),
                    event="merged",
                    at=now,
                    data={"message_id": message_id},
                )
            if decision is Outcome.LOGGED:
                return NewSignal(
                    self._draft(group, sender_id, message_id, text, sent_at, now, analysis)
                )
            return None

        choice, signal = await self.repo.take_in(
            group.id, sender_id, sent_at - MERGE_WINDOW, (message_id, sent_at, text), choose
        )
        if isinstance(choice, FollowUp):
            became_urgent = _becomes_urgent(choice.signal, analysis, fresh)
            return Result(Outcome.MERGED, analysis, signal, became_urgent=became_urgent)
        if isinstance(choice, NewSignal):
            return Result(Outcome.LOGGED, analysis, signal, became_urgent=analysis.urgent and fresh)
        if decision is Outcome.ASK and fresh:
            return Result(Outcome.ASK, analysis)
        return Result(Outcome.IGNORED, analysis)

    def _same_incident(
        self, recent: Signal, analysis: Analysis, decision: Outcome, entities: dict[str, Any]
    ) -> bool:
        """A follow-up adds to the sender's last signal; another incident starts its own."""
        if decision is Outcome.LOGGED:
            # "fiets gestolen" then "nu wordt er ingebroken": same category, other incident.
            # A description of the person or vehicle involved is part of the incident.
            return analysis.category == recent.category and (
                analysis.subcategory == recent.subcategory or analysis.subcategory in DESCRIPTIVE
            )
        return _has_facts(entities) or (
            analysis.category == recent.category and decision is Outcome.ASK
        )

    async def log(
        self,
        group: Group,
        sender_id: int | None,
        message_id: str,
        text: str,
        sent_at: datetime,
        now: datetime,
        analysis: Analysis,
        *,
        category: str | None = None,
        subcategory: str | None = None,
    ) -> Signal:
        """Store a chat message as a new signal (with the classifier's or a person's label)."""
        draft = self._draft(
            group,
            sender_id,
            message_id,
            text,
            sent_at,
            now,
            analysis,
            category=category,
            subcategory=subcategory,
        )
        return await self.repo.create(draft, message_id, sent_at, text)

    @staticmethod
    def _draft(
        group: Group,
        sender_id: int | None,
        message_id: str,
        text: str,
        sent_at: datetime,
        now: datetime,
        analysis: Analysis,
        *,
        category: str | None = None,
        subcategory: str | None = None,
    ) -> SignalDraft:
        entities = _entities(analysis)
        place, street = _first_place(entities)
        category = category or analysis.category
        if subcategory is None and category == analysis.category:
            subcategory = analysis.subcategory
        return SignalDraft(
            group_id=group.id,
            reporter_id=sender_id,
            category=category,
            subcategory=subcategory,
            urgent=analysis.urgent and category == analysis.category,
            source=Source.CHAT,
            occurred_at=_first_time(entities, sent_at),
            reported_at=now,
            street=street,
            description=text,
            location_text=place,
            confidence=round(analysis.confidence, 4),
            chat_message_id=message_id,
            details=entities,
        )

    async def on_edit(
        self,
        group: Group,
        sender_id: int,
        message_id: str,
        text: str,
        sent_at: datetime,
        now: datetime,
    ) -> Result:
        """An edited message updates its signal; an unknown one is treated as new."""
        signal = await self.repo.by_message(group.id, message_id)
        if signal is None or signal.source is not Source.CHAT:
            return await self.on_message(group, sender_id, message_id, text, sent_at, now)
        analysis = await self.batcher.analyze(text, sent_at)
        messages = await self.repo.attach(signal, message_id, sender_id, sent_at, text)
        entities = _entities(analysis)
        if len(messages) == 1:
            if self.decide(analysis) is not Outcome.LOGGED:
                withdrawn = await self.repo.update(
                    signal.id,
                    {"status": Status.INGETROKKEN.value},
                    event="withdrawn",
                    at=now,
                    actor_id=sender_id,
                    data={"reason": "edited"},
                )
                return Result(Outcome.WITHDRAWN, analysis, withdrawn)
            fields = _content(signal, messages, entities)
            fields.update(
                category=analysis.category,
                subcategory=analysis.subcategory,
                confidence=round(analysis.confidence, 4),
                occurred_at=_first_time(entities, sent_at),
            )
        else:
            fields = _content(signal, messages, _merge_entities(signal.details, entities))
        updated = await self.repo.update(
            signal.id,
            fields,
            event="edited",
            at=now,
            actor_id=sender_id,
            data={"message_id": message_id},
        )
        return Result(Outcome.UPDATED, analysis, updated)

    async def correct(
        self,
        signal: Signal,
        category: str,
        subcategory: str | None,
        actor_id: int | None,
        now: datetime,
    ) -> Signal:
        """A coordinator's correction: stored for training, and applied to the signal."""
        if subcategory is not None and not is_subcategory(category, subcategory):
            raise ValueError(f"{subcategory!r} is not a subcategory of {category!r}")
        messages = await self.repo.messages(signal.id)
        text = "\n".join(m.text for m in messages if m.text) or signal.description
        await self.repo.add_correction(
            signal_id=signal.id,
            group_id=signal.group_id,
            text=text,
            predicted=signal.category,
            category=category,
            subcategory=subcategory,
            corrected_by=actor_id,
            at=now,
        )
        data = {"from": signal.category, "to": category, "subcategory": subcategory}
        if category == NO_SIGNAL:
            return await self.repo.update(
                signal.id,
                {"status": Status.INGETROKKEN.value},
                event="corrected",
                at=now,
                actor_id=actor_id,
                data=data,
            )
        fields: dict[str, Any] = {"category": category, "subcategory": subcategory or "overig"}
        if signal.status is Status.INGETROKKEN:
            fields["status"] = Status.OPEN.value
        return await self.repo.update(
            signal.id, fields, event="corrected", at=now, actor_id=actor_id, data=data
        )

    async def correct_unlogged(
        self,
        group: Group,
        sender_id: int | None,
        message_id: str,
        text: str,
        sent_at: datetime,
        category: str,
        subcategory: str | None,
        actor_id: int | None,
        now: datetime,
    ) -> Signal | None:
        """A message the classifier passed over is a signal after all (or confirmed not)."""
        analysis = await self.batcher.analyze(text, sent_at)
        await self.repo.add_correction(
            signal_id=None,
            group_id=group.id,
            text=text,
            predicted=analysis.category,
            category=category,
            subcategory=subcategory,
            corrected_by=actor_id,
            at=now,
        )
        if category not in CATEGORIES:
            return None
        return await self.log(
            group,
            sender_id,
            message_id,
            text,
            sent_at,
            now,
            analysis,
            category=category,
            subcategory=subcategory or "overig",
        )
