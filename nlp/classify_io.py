"""``buurtbot classify``: messages in on stdin, one JSON analysis per line out on stdout.

Input lines are either plain text (the whole line is the message) or a JSON object with
``text`` and optionally ``sent_at`` (ISO-8601; naive means Europe/Amsterdam). A line that
starts with ``{`` is read as JSON; when it is not valid JSON or lacks ``text``, its output line
is ``{"line": n, "error": "..."}`` and processing continues. Output follows input order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import TextIO

from nlp.analyzer import Analyzer

# Lines per analyze_many call: big enough to batch the models, small enough to stream.
CHUNK_LINES = 2048

_Item = tuple[str, datetime | None] | str  # a message, or the error text for its line


def run(stdin: TextIO, stdout: TextIO, analyzer: Analyzer) -> int:
    """Classify every input line; 0 when all lines were messages, 1 when some were bad."""
    bad_lines = 0
    line_number = 0
    for chunk in _chunks(stdin):
        items: list[_Item] = []
        for line in chunk:
            line_number += 1
            items.append(parse_input_line(line))
        messages = [item for item in items if not isinstance(item, str)]
        results = iter(analyzer.analyze_many(messages))
        first = line_number - len(chunk) + 1
        out: list[str] = []
        for offset, item in enumerate(items):
            if isinstance(item, str):
                bad_lines += 1
                payload: dict[str, object] = {"line": first + offset, "error": item}
            else:
                payload = next(results).to_dict()
            out.append(json.dumps(payload, ensure_ascii=False))
        stdout.write("\n".join(out) + "\n")
        stdout.flush()
    return 1 if bad_lines else 0


def parse_input_line(line: str) -> _Item:
    """A (text, sent_at) message, or an error description for a bad JSON line."""
    text = line.rstrip("\r\n")
    if not text.lstrip().startswith("{"):
        return text, None
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg}"
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        return 'JSON line needs a string field "text"'
    sent_at = row.get("sent_at")
    if sent_at is None:
        return row["text"], None
    if not isinstance(sent_at, str):
        return '"sent_at" must be an ISO-8601 string'
    try:
        return row["text"], datetime.fromisoformat(sent_at)
    except ValueError:
        return f'"sent_at" is not ISO-8601: {sent_at[:40]}'


def _chunks(stream: TextIO) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in stream:
        chunk.append(line)
        if len(chunk) >= CHUNK_LINES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
