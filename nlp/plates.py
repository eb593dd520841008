"""Dutch licence plates (kentekens), complete in any sidecode and partial ("begint met XK").

A complete plate is six letters and digits in one of the fourteen sidecodes. Written with
dashes it is accepted in any case ("xk-12-ab"); without dashes or with spaces it must be
written in capitals or appear in a message about a vehicle, because lower-case six-character
tokens are usually something else. "1234AB" without dashes is a postcode unless a plate word
("kenteken") precedes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.lexicon import Scan, as_scan, words

# Sidecode -> groups, L = letter, D = digit.
SIDECODES: dict[int, tuple[str, str, str]] = {
    1: ("LL", "DD", "DD"),
    2: ("DD", "DD", "LL"),
    3: ("DD", "LL", "DD"),
    4: ("LL", "DD", "LL"),
    5: ("LL", "LL", "DD"),
    6: ("DD", "LL", "LL"),
    7: ("DD", "LLL", "D"),
    8: ("D", "LLL", "DD"),
    9: ("LL", "DDD", "L"),
    10: ("L", "DDD", "LL"),
    11: ("LLL", "DD", "L"),
    12: ("L", "DD", "LLL"),
    13: ("D", "LL", "DDD"),
    14: ("DDD", "LL", "D"),
}
_BY_GROUPS = {"-".join(groups): code for code, groups in SIDECODES.items()}
_BY_SHAPE = {"".join(groups): code for code, groups in SIDECODES.items()}

_DASHED = re.compile(r"(?<![\w-])[A-Za-z0-9]{1,3}-[A-Za-z0-9]{1,3}-[A-Za-z0-9]{1,3}(?![\w-])")
_SPACED = re.compile(r"(?<![\w-])[A-Za-z0-9]{1,3} [A-Za-z0-9]{1,3} [A-Za-z0-9]{1,3}(?![\w-])")
_PLATE_WORDS = words("kenteken kentekens kentekenplaat nummerbord nummerplaat plaat")
_PARTIAL_GATE = ("begin", "begon", "eindig", "iets met", "iets als", "bevat", "daarin", "zat")
_PLATE_WORD = re.compile(r"\b(?:kenteken\w*|nummerbord\w*|nummerplaat\w*|plaat)\b", re.IGNORECASE)
_VEHICLE_WORD = re.compile(
    r"\b(?:kenteken\w*|nummerbord\w*|nummerplaat\w*|auto'?s?|wagen|busje|bus|bestelbus\w*"
    r"|bestelwagen|scooter\w*|brommer\w*|motor|vrachtwagen|taxi|suv|stationwagen|aanhanger"
    r"|bmw|audi|mercedes|volkswagen|vw|opel|ford|renault|peugeot|citro[eë]n|toyota|kia"
    r"|hyundai|skoda|seat|fiat|volvo|tesla|nissan|mazda|honda|suzuki|dacia|porsche|mini"
    r"|golf|polo|transit|caddy|sprinter|vito|transporter|corsa|astra|clio|yaris|aygo)\b",
    re.IGNORECASE,
)
_PLATE_WORD_BEFORE = re.compile(
    r"(?:kenteken\w*|nummerbord\w*|nummerplaat\w*|plaat)\s*(?:was|is|nr\.?|:|=)?\s*$",
    re.IGNORECASE,
)
_FRAGMENT = r"[A-Za-z0-9]{1,3}(?:-[A-Za-z0-9]{1,3}){0,2}-?|-[A-Za-z0-9]{1,3}(?:-[A-Za-z0-9]{1,3})?"
_PARTIAL_CUE = re.compile(
    r"\b(?:(?P<prefix>begin(?:t|nend|nen)?|begon(?:nen)?)\s+met"
    r"|(?P<suffix>eindig(?:t|de|end|en)?)\s+(?:op|met)"
    r"|(?P<contains>iets\s+met|iets\s+als|bevat(?:te)?|met\s+daarin|zat(?:en)?\s+(?:een\s+)?))"
    r"\s+(?:een\s+|de\s+(?:letters?|cijfers?)\s+|(?:letters?|cijfers?)\s+)?"
    rf"(?P<frag>{_FRAGMENT})(?![\w])",
    re.IGNORECASE,
)
_WILDCARD = re.compile(
    r"(?<![\w-])(?P<frag>[A-Za-z0-9?*._…]{1,3}-[A-Za-z0-9?*._…]{1,3}-[A-Za-z0-9?*._…]{1,3})"
    r"(?![\w-])"
)
_UNKNOWN = re.compile(r"[?*._…]")


@dataclass(frozen=True, slots=True)
class Plate:
    """A licence plate; ``value`` is normalised ("XK-12-AB"), or a pattern when partial."""

    text: str
    start: int
    end: int
    value: str
    sidecode: int | None
    partial: bool

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"text": self.text, "value": self.value, "partial": self.partial}
        if self.sidecode is not None:
            out["sidecode"] = self.sidecode
        return out


def find_plates(text: str | Scan) -> list[Plate]:
    """Complete and partial Dutch licence plates in ``text``, in reading order."""
    scan = as_scan(text)
    text = scan.text
    wildcards = "-" in text and any(mark in text for mark in ("?", "*", "..", "_", "…"))
    cues = any(cue in scan.low for cue in _PARTIAL_GATE)
    if not (scan.has_digit or cues or wildcards):
        return []  # every plate has a digit; partial ones have a cue word or a wildcard
    found = _complete(scan)
    taken = [(p.start, p.end) for p in found]
    for plate in _partial(scan, wildcards, cues):
        if not any(plate.start < end and start < plate.end for start, end in taken):
            found.append(plate)
            taken.append((plate.start, plate.end))
    found.sort(key=lambda p: p.start)
    return found


def sidecode_of(plate: str) -> int | None:
    """The sidecode of a plate written with or without dashes, or None."""
    compact = plate.strip()
    if "-" in compact:
        return _BY_GROUPS.get("-".join(_shape(g) for g in compact.split("-")))
    return _BY_SHAPE.get(_shape(compact))


def normalise_plate(plate: str) -> str | None:
    """Upper case with the dashes of its sidecode: "xk12ab" -> "XK-12-AB"; None if no plate."""
    compact = re.sub(r"[\s-]", "", plate).upper()
    code = _BY_SHAPE.get(_shape(compact))
    if code is None or len(compact) != 6:
        return None
    groups, position = [], 0
    for group in SIDECODES[code]:
        groups.append(compact[position : position + len(group)])
        position += len(group)
    return "-".join(groups)


def _shape(chars: str) -> str:
    return "".join("D" if c.isdigit() else "L" if c.isalpha() else "?" for c in chars)


def _candidates(scan: Scan) -> list[tuple[int, int, str]]:
    """(start, end, kind) of six-character tokens and of dash or space separated groups."""
    text = scan.text
    spans: list[tuple[int, int, str]] = []
    if not scan.has_digit:
        return spans
    index = text.find("-")
    while index != -1:
        start = index
        while start > 0 and index - start < 3 and text[start - 1].isalnum():
            start -= 1
        m = _DASHED.match(text, start)
        if m is not None:
            spans.append((m.start(), m.end(), "dashed"))
            index = text.find("-", m.end())
        else:
            index = text.find("-", index + 1)
    for word in scan.vocab:
        if len(word) == 6 and not word.isalpha() and not word.isdigit():
            spans.extend((i, i + 6, "solid") for i in scan.word_starts((word,)))
    if scan.vocab & _PLATE_WORDS:
        spans.extend((m.start(), m.end(), "spaced") for m in _SPACED.finditer(text))
    return spans


def _complete(scan: Scan) -> list[Plate]:
    found: list[Plate] = []
    text = scan.text
    vehicle_context: bool | None = None
    for start, end, kind in sorted(_candidates(scan)):
        raw = text[start:end]
        if kind == "dashed":
            code = _BY_GROUPS.get("-".join(_shape(g) for g in raw.split("-")))
        elif kind == "spaced":
            code = _BY_GROUPS.get("-".join(_shape(g) for g in raw.split(" ")))
        else:
            code = _BY_SHAPE.get(_shape(raw))
        if code is None or not raw.isascii():
            continue
        if kind != "dashed":
            plate_word_before = (
                _PLATE_WORD_BEFORE.search(text, max(0, start - 30), start) is not None
            )
            if code == 2 and not plate_word_before:
                continue  # "1234AB" / "1234 AB" is a postcode
            if not raw.isupper() and not plate_word_before:
                if vehicle_context is None:
                    vehicle_context = _VEHICLE_WORD.search(text) is not None
                # Lower case without dashes: only in a message about a vehicle, and only
                # sidecodes with letters at both ends ("nr1234" is a number, not a plate).
                if not vehicle_context or kind == "spaced" or code <= 3:
                    continue
        value = normalise_plate(raw)
        if value is not None:
            found.append(Plate(raw, start, end, value, code, partial=False))
    return found


def _partial(scan: Scan, wildcards: bool, cues: bool) -> list[Plate]:
    found: list[Plate] = []
    text = scan.text
    for m in _WILDCARD.finditer(text) if wildcards else ():
        fragment = m.group("frag")
        known = _UNKNOWN.sub("", fragment.replace("-", ""))
        if not _UNKNOWN.search(fragment) or len(known) < 2:
            continue
        value = _UNKNOWN.sub("?", fragment.replace("…", "?")).upper()
        found.append(Plate(fragment, m.start(), m.end(), value, None, partial=True))
    if not cues:
        return found
    plate_talk = _VEHICLE_WORD.search(text) is not None
    for m in _PARTIAL_CUE.finditer(text):
        fragment = m.group("frag")
        core = fragment.strip("-")
        has_digit = any(c.isdigit() for c in core)
        explicit = _PLATE_WORD.search(text, max(0, m.start() - 60), m.start()) is not None
        mixed_or_dashed = "-" in fragment or (has_digit and any(c.isalpha() for c in core))
        mixed = has_digit and any(c.isalpha() for c in core)
        if not (
            explicit or mixed or (plate_talk and (mixed_or_dashed or has_digit or core.isupper()))
        ):
            continue
        if not (has_digit or core.isupper() or explicit):
            continue  # "iets met de": lower-case words are not plate letters
        if m.group("prefix"):
            value = f"{core.upper()}*"
        elif m.group("suffix"):
            value = f"*{core.upper()}"
        else:
            value = f"*{core.upper()}*"
        start, end = m.start("frag"), m.end("frag")
        found.append(Plate(text[start:end], start, end, value, None, partial=True))
    return found
