"""``buurtbot classify`` stream handling: plain lines, JSON lines, bad lines, order."""

from __future__ import annotations

import io
import json
from typing import Any

from nlp.analyzer import Analyzer
from nlp.classify_io import parse_input_line, run


def classify(analyzer: Analyzer, lines: list[str]) -> tuple[int, list[dict[str, Any]]]:
    stdout = io.StringIO()
    code = run(io.StringIO("".join(line + "\n" for line in lines)), stdout, analyzer)
    return code, [json.loads(line) for line in stdout.getvalue().splitlines()]


def test_plain_lines_in_order(analyzer: Analyzer) -> None:
    lines = ["Heeft iemand een ladder te leen?", "", "Inbraak bij Kerkstraat 5 vannacht"]
    code, out = classify(analyzer, lines)
    assert code == 0
    assert [o["text"] for o in out] == lines
    assert out[1]["category"] == "geen"
    assert set(out[2]) == {"text", "category", "subcategory", "confidence", "urgent", "entities"}


def test_json_lines_with_sent_at(analyzer: Analyzer) -> None:
    lines = [
        json.dumps(
            {"text": "gisteravond om 23:15 een knal", "sent_at": "2026-11-18T14:00:00+01:00"}
        ),
        json.dumps({"text": "zojuist een knal gehoord", "sent_at": "2026-03-29T10:00:00"}),
        json.dumps({"text": "om 10:00 gebeurd"}),
    ]
    code, out = classify(analyzer, lines)
    assert code == 0
    assert out[0]["entities"]["times"][0]["value"] == "2026-11-17T23:15:00+01:00"
    # naive sent_at is Amsterdam time (summer time on 29 March 2026 at 10:00)
    assert out[1]["entities"]["times"][0]["value"] == "2026-03-29T10:00:00+02:00"
    assert out[2]["text"] == "om 10:00 gebeurd"


def test_bad_json_lines_get_an_error_on_their_line(analyzer: Analyzer) -> None:
    lines = [
        "eerste bericht",
        '{"text": "kapot",',
        '{"tekst": "verkeerd veld"}',
        '{"text": "goed", "sent_at": "gisteren"}',
        '{"text": 12}',
        "[1, 2, 3]",
        "laatste bericht",
    ]
    code, out = classify(analyzer, lines)
    assert code == 1
    assert len(out) == len(lines)
    assert out[0]["text"] == "eerste bericht" and out[6]["text"] == "laatste bericht"
    assert out[5]["text"] == "[1, 2, 3]"  # not an object: a plain message
    for number in (2, 3, 4, 5):
        assert out[number - 1]["line"] == number
        assert isinstance(out[number - 1]["error"], str)


def test_many_lines_are_batched_and_ordered(analyzer: Analyzer) -> None:
    lines = [f"bericht nummer {i}" for i in range(5000)]
    code, out = classify(analyzer, lines)
    assert code == 0
    assert [o["text"] for o in out] == lines


def test_windows_line_endings_and_unicode(analyzer: Analyzer) -> None:
    stdout = io.StringIO()
    run(io.StringIO("één 🚨 bericht\r\nnog één\r\n"), stdout, analyzer)
    out = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [o["text"] for o in out] == ["één 🚨 bericht", "nog één"]
    assert "één" in stdout.getvalue()  # not escaped to \\u sequences


def test_parse_input_line() -> None:
    assert parse_input_line("hallo\n") == ("hallo", None)
    assert parse_input_line('{"text": "x"}') == ("x", None)
    parsed = parse_input_line('{"text": "x", "sent_at": "2026-11-18T14:00:00+01:00"}')
    assert isinstance(parsed, tuple)
    text, sent_at = parsed
    assert text == "x" and sent_at is not None and sent_at.utcoffset() is not None
    assert isinstance(parse_input_line('{"text": "x", "sent_at": 5}'), str)
