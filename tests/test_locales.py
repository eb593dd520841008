"""The catalogues: English complete, placeholders consistent, no hard-coded user text."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bot.i18n import I18n, Safe, placeholders

ROOT = Path(__file__).resolve().parent.parent


def test_english_has_every_dutch_key_with_the_same_placeholders() -> None:
    i18n = I18n()
    nl, en = i18n.catalogues["nl"], i18n.catalogues["en"]
    assert set(nl) == set(en)
    for key, value in nl.items():
        other = en[key]
        if isinstance(value, dict):
            assert isinstance(other, dict) and set(value) == set(other), key
            for form in value:
                assert placeholders(value[form]) == placeholders(other[form]), key
        else:
            assert isinstance(other, str), key
            assert placeholders(value) == placeholders(other), key


def test_arguments_are_escaped_unless_safe() -> None:
    t = I18n().get("nl")
    text = t("common.unknown_command", command="<b>x</b>&")
    assert "&lt;b&gt;x&lt;/b&gt;&amp;" in text
    assert "<b>x</b>" in t("common.unknown_command", command=Safe("<b>x</b>"))


def test_unknown_language_falls_back_to_dutch() -> None:
    i18n = I18n()
    assert i18n.get("fr-FR").language == "nl"
    assert i18n.get("en-GB").language == "en"
    assert i18n.get(None).language == "nl"


def _literal_strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_handlers_contain_no_user_facing_sentences() -> None:
    """Sentences (several words with a capital or punctuation) belong in locales/."""
    sentence = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]+( [a-zà-ÿ]+){2,}[.!?]?$")
    offenders = [
        f"{path.name}:{line}: {text!r}"
        for path in sorted((ROOT / "handlers").glob("*.py"))
        for line, text in _literal_strings(path)
        if sentence.match(text.strip())
    ]
    assert offenders == []
