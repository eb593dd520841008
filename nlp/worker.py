"""The analyzer in a child process, so the bot's event loop spends no time on the model.

Classifying a message is the largest piece of CPU work per group message, and it is pure
computation: in the bot's process it competes with everything else the event loop does, and
the model's data is pushed out of the CPU caches between calls. In a child process the model
runs on another core, its caches stay warm, and the bot's process never imports spaCy.

``WorkerClassifier`` (in the bot) starts ``python -m nlp.worker MODEL_DIR RENEW_AFTER`` and
talks to it over its standard input and output: frames of a 4-byte length and a pickle. The
bot sends a list of ``(text, sent_at)``; the child answers ``("ok", [Analysis, ...])`` or
``("error", message)``, in the order of the requests. A child that dies is replaced and the
requests it had not answered are sent to the new one once; a request that kills two children
fails. The child renews its analyzer once spaCy's vocabulary learnt ``RENEW_AFTER`` strings
(every unseen word stays in it), and ends when its input closes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import signal
import struct
import sys
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from nlp.analysis import Analysis

log = logging.getLogger(__name__)

_HEADER = struct.Struct(">I")
_READY = "ready"
Item = tuple[str, datetime | None]


class WorkerError(RuntimeError):
    """The worker process could not classify a batch; the message says why."""


# --- the child --------------------------------------------------------------------------------


def _read_frame(stream: BinaryIO) -> Any | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None  # the bot closed our input: end
    (size,) = _HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return pickle.loads(payload)


def _frame(value: object) -> bytes:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(payload)) + payload


def _write_frame(stream: BinaryIO, value: object) -> None:
    stream.write(_frame(value))
    stream.flush()


def serve(model_dir: Path, renew_after: int, requests: BinaryIO, answers: BinaryIO) -> int:
    """The child's loop: load the model (trained first when missing or stale), say ready,
    answer batches until the input closes."""
    from nlp.analyzer import Analyzer  # spaCy is imported here, in the child only
    from nlp.training import ensure_model

    analyzer = Analyzer.load(ensure_model(model_dir))
    _write_frame(answers, (_READY, os.getpid()))
    while (items := _read_frame(requests)) is not None:
        try:
            answer: tuple[str, object] = ("ok", analyzer.analyze_many(items))
        except Exception as exc:  # the bot gets the failure of this batch; we carry on
            answer = ("error", f"{type(exc).__name__}: {exc}")
        _write_frame(answers, answer)
        if analyzer.new_strings > renew_after:
            analyzer = analyzer.reloaded()  # the vocabulary shrinks back to the model's
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m nlp.worker MODEL_DIR RENEW_AFTER", file=sys.stderr)
        return 2
    # Ctrl-C reaches the whole process group; the bot ends us by closing our input.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Our standard output carries the answers: anything printed goes to standard error.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return serve(Path(args[0]), int(args[1]), sys.stdin.buffer, answers)


# --- the bot's side ---------------------------------------------------------------------------


@dataclass
class _Request:
    items: list[Item]
    future: asyncio.Future[list[Analysis]]
    attempts: int = 0


@dataclass
class _Child:
    process: asyncio.subprocess.Process
    waiting: deque[_Request] = field(default_factory=deque)
    reader: asyncio.Task[None] | None = None


class WorkerClassifier:
    """Batches of messages classified by ``python -m nlp.worker``; see the module docstring."""

    def __init__(self, model_dir: Path, renew_after: int, start_timeout: float = 900.0) -> None:
        self.model_dir = model_dir
        self.renew_after = renew_after
        self.start_timeout = start_timeout
        self._child: _Child | None = None
        self._starting: asyncio.Task[_Child] | None = None
        self._closed = False
        self.restarts = 0

    async def start(self) -> None:
        """Start the child and wait until its model is loaded (errors surface here)."""
        if self._child is None:
            await asyncio.shield(self._starting or self._start_soon())

    def submit(self, items: Sequence[Item]) -> asyncio.Future[list[Analysis]]:
        """Classify ``items``; the future has the analyses in input order."""
        future: asyncio.Future[list[Analysis]] = asyncio.get_running_loop().create_future()
        if self._closed:
            future.set_exception(WorkerError("the classifier is closed"))
            return future
        self._dispatch(_Request(list(items), future))
        return future

    async def close(self) -> None:
        self._closed = True
        if self._starting is not None:
            self._starting.cancel()
        child, self._child = self._child, None
        if child is not None:
            await _stop(child)

    @property
    def pid(self) -> int | None:
        return self._child.process.pid if self._child is not None else None

    # --- internals --------------------------------------------------------------------------

    def _dispatch(self, request: _Request) -> None:
        child = self._child
        if child is None or child.process.stdin is None or child.process.stdin.is_closing():
            task = self._starting or self._start_soon()
            task.add_done_callback(lambda _: self._after_start(request))
            return
        request.attempts += 1
        child.waiting.append(request)
        child.process.stdin.write(_frame(request.items))

    def _after_start(self, request: _Request) -> None:
        if request.future.done():
            return
        if self._child is None:
            request.future.set_exception(WorkerError("the classifier process did not start"))
            return
        self._dispatch(request)

    def _start_soon(self) -> asyncio.Task[_Child]:
        self._starting = asyncio.get_running_loop().create_task(self._spawn())
        self._starting.add_done_callback(self._started)
        return self._starting

    def _started(self, task: asyncio.Task[_Child]) -> None:
        self._starting = None
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.error("the classifier process did not start: %s", error)
            return
        if self._closed:
            asyncio.get_running_loop().create_task(_stop(task.result()))
            return
        self._child = task.result()

    async def _spawn(self) -> _Child:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nlp.worker",
            str(self.model_dir.resolve()),
            str(self.renew_after),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=_child_environment(),
        )
        child = _Child(process)
        try:
            assert process.stdout is not None
            try:
                ready = await asyncio.wait_for(_read_answer(process.stdout), self.start_timeout)
            except asyncio.IncompleteReadError:
                code = await process.wait()
                raise WorkerError(
                    f"the classifier process ended while loading the model {self.model_dir}"
                    f" (exit code {code}; its error is in the log above)"
                ) from None
            if not (isinstance(ready, tuple) and ready and ready[0] == _READY):
                raise WorkerError(f"unexpected first answer {ready!r}")
        except BaseException:
            await _stop(child)
            raise
        child.reader = asyncio.get_running_loop().create_task(self._read(child))
        return child

    async def _read(self, child: _Child) -> None:
        """Hand each answer to the oldest waiting request; replace the child when it dies."""
        stdout = child.process.stdout
        assert stdout is not None
        try:
            while True:
                status, value = await _read_answer(stdout)
                request = child.waiting.popleft()
                if request.future.done():
                    continue
                if status == "ok":
                    request.future.set_result(value)
                else:
                    request.future.set_exception(WorkerError(str(value)))
        except (asyncio.IncompleteReadError, ConnectionError, pickle.UnpicklingError) as exc:
            await self._lost(child, exc)

    async def _lost(self, child: _Child, reason: BaseException) -> None:
        if self._child is child:
            self._child = None
        code = await child.process.wait()
        if self._closed:
            return
        self.restarts += 1
        log.warning("the classifier process ended (exit %s, %r); starting a new one", code, reason)
        while child.waiting:
            request = child.waiting.popleft()
            if request.future.done():
                continue
            if request.attempts >= 2:  # this batch ended two processes: give up on it
                request.future.set_exception(WorkerError("the classifier process ended twice"))
            else:
                self._dispatch(request)


def _child_environment() -> dict[str, str]:
    """This environment, with the directory holding ``nlp`` first on the import path (the
    checkout when the bot runs from one, site-packages when installed)."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


async def _read_answer(stream: asyncio.StreamReader) -> Any:
    (size,) = _HEADER.unpack(await stream.readexactly(_HEADER.size))
    return pickle.loads(await stream.readexactly(size))


async def _stop(child: _Child) -> None:
    """Close the child's input (it ends by itself); kill it when it does not."""
    process = child.process
    if process.stdin is not None and not process.stdin.is_closing():
        process.stdin.close()
    try:
        await asyncio.wait_for(process.wait(), 5)
    except TimeoutError:
        process.kill()
        await process.wait()
    if child.reader is not None and child.reader is not asyncio.current_task():
        child.reader.cancel()
    for request in child.waiting:
        if not request.future.done():
            request.future.set_exception(WorkerError("the classifier was closed"))


if __name__ == "__main__":
    sys.exit(main())
