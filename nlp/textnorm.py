"""Input hygiene: remove control characters and cap what the models and extractors read.

Caps keep the time per message bounded whatever arrives (a 20,000-character paste, a flood of
control characters): the classifier reads the first :data:`CLASSIFY_MAX_CHARS` characters and
the extractors the first :data:`ENTITY_MAX_CHARS`. A chat message that matters says so early.
"""

from __future__ import annotations

import unicodedata

CLASSIFY_MAX_CHARS = 1000
ENTITY_MAX_CHARS = 2000

# C0/C1 controls (NUL included) become spaces; newline is kept.
_CONTROL: dict[int, str | None] = dict.fromkeys((*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)), " ")
_CONTROL[ord("\n")] = "\n"
# Zero-width and bidi format characters are dropped so they cannot split or hide words.
_FORMAT_CODES = (
    0x200B,
    0x200C,
    0x200D,
    0x2060,
    0xFEFF,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
)
_TABLE = str.maketrans({**_CONTROL, **dict.fromkeys(_FORMAT_CODES)})


def clean(text: str, limit: int) -> str:
    """Control characters removed, cut at ``limit`` characters, NFC-normalised."""
    cut = text[: limit + 64]  # a little slack: cleaning may remove characters
    cleaned = cut.translate(_TABLE)
    if not cleaned.isascii():
        cleaned = unicodedata.normalize("NFC", without_surrogates(cleaned))
    return cleaned[:limit]


def without_surrogates(text: str) -> str:
    """Lone surrogates (invalid in UTF-8, e.g. from broken clients) replaced by U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text


def has_words(text: str) -> bool:
    """True when the text has a letter or digit; emoji and punctuation alone do not count."""
    return any(ch.isalnum() for ch in text)
