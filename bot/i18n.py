"""Message catalogues: every user-facing text comes from ``locales/<lang>/*.toml``.

Keys are ``<file>.<key>`` (nested tables add more dots). A value may be a table with
``one`` and ``other`` for plurals, chosen by the ``n`` argument. Arguments are HTML-escaped
unless wrapped in ``Safe`` (already-rendered markup from another catalogue entry).
"""

from __future__ import annotations

import html
import string
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

DEFAULT_LANGUAGE = "nl"
LANGUAGES = ("nl", "en")


class Safe(str):
    """Markup that must not be escaped again."""

    __slots__ = ()


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, str | dict[str, str]]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}"
        if isinstance(value, str):
            out[name] = value
        elif isinstance(value, dict) and value and set(value) <= {"one", "other"}:
            out[name] = {k: str(v) for k, v in value.items()}
        elif isinstance(value, dict):
            _flatten(name, value, out)
        else:
            raise ValueError(f"{name}: unsupported value {value!r}")


def load_catalogue(language: str) -> dict[str, str | dict[str, str]]:
    out: dict[str, str | dict[str, str]] = {}
    folder = resources.files("locales").joinpath(language)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            _flatten(entry.name.removesuffix(".toml"), tomllib.loads(entry.read_text("utf-8")), out)
    return out


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Translator:
    """Renders catalogue entries for one language."""

    def __init__(self, language: str, entries: Mapping[str, str | dict[str, str]]) -> None:
        self.language = language
        self._entries = entries

    def __call__(self, key: str, /, **args: Any) -> Safe:
        entry = self._entries.get(key)
        if entry is None:
            raise KeyError(f"missing text {key!r} for language {self.language!r}")
        if isinstance(entry, dict):
            count = args.get("n")
            entry = entry["one"] if count == 1 else entry["other"]
        escaped = {
            name: value if isinstance(value, Safe) else html.escape(str(value), quote=False)
            for name, value in args.items()
        }
        return Safe(entry.format_map(escaped))

    def has(self, key: str) -> bool:
        return key in self._entries


class I18n:
    """All catalogues, loaded once at start."""

    def __init__(self, default: str = DEFAULT_LANGUAGE) -> None:
        self.default = default
        self.catalogues = {lang: load_catalogue(lang) for lang in LANGUAGES}
        self._translators = {lang: Translator(lang, cat) for lang, cat in self.catalogues.items()}

    def get(self, language: str | None) -> Translator:
        """The translator for ``language`` (an IETF tag like ``en-GB``), else the default."""
        base = (language or "").split("-")[0].lower()
        return self._translators.get(base) or self._translators[self.default]
