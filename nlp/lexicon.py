"""Word lists and a once-per-message scan that lets extractors skip text cheaply.

Python's ``re`` tries every alternative of a large pattern at every character, which costs
a hundred microseconds or more per message. The extractors therefore look up which of their
trigger words occur (set intersection and ``str.find``, both in C) and run their patterns
only where a trigger starts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a multi-line literal, as a set."""
    return frozenset(text.split())


def word_list(text: str) -> list[str]:
    """The whitespace-separated words of a literal, in order."""
    return text.split()


def lower_same_length(text: str) -> str:
    """``text.lower()`` with the same character offsets (a few letters lower to two chars)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(ch.lower()[0] for ch in text)
    return low


@dataclass(slots=True)
class Scan:
    """One message prepared for the extractors: lower-cased text and its set of words."""

    text: str
    low: str = ""
    vocab: frozenset[str] = field(default_factory=frozenset)
    has_digit: bool = False

    def __post_init__(self) -> None:
        self.low = lower_same_length(self.text)
        self.vocab = frozenset(_TOKEN.findall(self.low))
        self.has_digit = _DIGITS.search(self.low) is not None

    def word_starts(self, found: Iterable[str]) -> Iterator[int]:
        """Offsets where one of the given (present) words occurs as a whole word."""
        low = self.low
        for word in found:
            size = len(word)
            index = low.find(word)
            while index != -1:
                end = index + size
                if (index == 0 or not low[index - 1].isalnum()) and (
                    end == len(low) or not low[end].isalnum()
                ):
                    yield index
                index = low.find(word, index + 1)

    def prefix_starts(self, prefixes: Iterable[str]) -> Iterator[int]:
        """Offsets of words that begin with one of ``prefixes``."""
        low = self.low
        for prefix in prefixes:
            index = low.find(prefix)
            while index != -1:
                if index == 0 or not low[index - 1].isalnum():
                    yield index
                index = low.find(prefix, index + 1)

    def number_starts(self) -> Iterator[int]:
        """Offsets where a run of digits starts a word (or follows ``-``, ``/``, ``:``)."""
        if not self.has_digit:
            return
        low = self.low
        for m in _DIGITS.finditer(low):
            index = m.start()
            if index == 0 or not low[index - 1].isalpha():
                yield index


def as_scan(text: str | Scan) -> Scan:
    return text if isinstance(text, Scan) else Scan(text)
