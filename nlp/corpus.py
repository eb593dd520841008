"""The labelled corpus: nlp/data/{train,heldout}/<label>.jsonl, one message per line."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nlp.taxonomy import LABELS, NO_SIGNAL, is_subcategory

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAIN_DIR = DATA_DIR / "train"
HELDOUT_DIR = DATA_DIR / "heldout"
# Joint label of a message without a signal; other joint labels are "category/subcategory".
NO_SIGNAL_LABEL = NO_SIGNAL


class Correction(Protocol):
    """A coordinator's correction as stored by the bot (attributes are read, not set)."""

    @property
    def text(self) -> str: ...

    @property
    def category(self) -> str: ...

    @property
    def subcategory(self) -> str | None: ...

    @property
    def urgent(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Message:
    """One labelled message."""

    text: str
    category: str
    subcategory: str | None
    urgent: bool

    @property
    def joint_label(self) -> str:
        return joint_label(self.category, self.subcategory)


def joint_label(category: str, subcategory: str | None) -> str:
    """ "criminaliteit/inbraak", or "geen"; an unknown subcategory becomes "overig"."""
    if category == NO_SIGNAL:
        return NO_SIGNAL_LABEL
    if subcategory is None or not is_subcategory(category, subcategory):
        subcategory = "overig"
    return f"{category}/{subcategory}"


def split_label(label: str) -> tuple[str, str | None]:
    """Inverse of :func:`joint_label`."""
    if label == NO_SIGNAL_LABEL:
        return NO_SIGNAL, None
    category, _, subcategory = label.partition("/")
    return category, subcategory


def corpus_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.jsonl"))


def load_messages(directory: Path) -> list[Message]:
    """All valid messages under ``directory``, in file and line order; bad lines are skipped."""
    messages: list[Message] = []
    for path in corpus_files(directory):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                message = parse_line(line)
                if message is not None:
                    messages.append(message)
    return messages


def parse_line(line: str) -> Message | None:
    """A corpus line as a Message, or None when it is not a usable example."""
    line = line.strip()
    if not line:
        return None
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(row, dict):
        return None
    text, category = row.get("text"), row.get("category")
    subcategory = row.get("subcategory")
    if not isinstance(text, str) or not text.strip() or category not in LABELS:
        return None
    if subcategory is not None and not isinstance(subcategory, str):
        subcategory = None
    if category == NO_SIGNAL:
        subcategory = None
    return Message(text, category, subcategory, bool(row.get("urgent", False)))


def _same_text(text: str) -> str:
    return " ".join(text.casefold().split())


def from_corrections(
    corrections: Iterable[Correction], held_out: Iterable[Message] = ()
) -> list[Message]:
    """Coordinators' corrections as training messages.

    Urgency is the corrected signal's (never for ``geen``). A correction whose text is also
    in ``held_out`` is left out, so the held-out split stays unseen.
    """
    unseen = {_same_text(message.text) for message in held_out}
    out: list[Message] = []
    for item in corrections:
        if item.category not in LABELS or not isinstance(item.text, str) or not item.text.strip():
            continue
        if _same_text(item.text) in unseen:
            continue
        signal = item.category != NO_SIGNAL
        sub = item.subcategory
        if not signal or sub is None or not is_subcategory(item.category, sub):
            sub = None
        out.append(Message(item.text, item.category, sub, signal and bool(item.urgent)))
    return out


def fingerprint(paths: Sequence[Path], *extra: str) -> str:
    """SHA-256 over file names and contents plus extra strings (config, code version)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    for item in extra:
        digest.update(item.encode())
        digest.update(b"\0")
    return digest.hexdigest()
