"""The signal taxonomy shared by the guided flow, the classifier and the reports.

It lives at the bottom of the dependency graph (``nlp``) because the classifier's
label set *is* the domain taxonomy; ``bot.models`` builds its enums from it.
"""

from __future__ import annotations

from typing import Final

CATEGORIES: Final = ("criminaliteit", "overlast", "zorg")
NO_SIGNAL: Final = "geen"
LABELS: Final = (*CATEGORIES, NO_SIGNAL)

SUBCATEGORIES: Final[dict[str, tuple[str, ...]]] = {
    "criminaliteit": (
        "inbraak",
        "diefstal",
        "verdachte_persoon",
        "verdacht_voertuig",
        "vernieling",
        "drugshandel",
        "geweld",
        "oplichting",
        "overig",
    ),
    "overlast": (
        "geluid",
        "jongeren",
        "verkeer",
        "afval",
        "vuurwerk",
        "drugsgebruik",
        "dieren",
        "openbare_ruimte",
        "overig",
    ),
    "zorg": (
        "verward_gedrag",
        "kwetsbare_bewoner",
        "vermissing",
        "onwel",
        "huiselijk_geweld",
        "overig",
    ),
}

# Where acting *now* means calling 112 first (SAAR); overlast goes to 0900-8844.
URGENT_CAPABLE: Final = frozenset({"criminaliteit", "zorg"})


def is_subcategory(category: str, subcategory: str) -> bool:
    """True when ``subcategory`` belongs to ``category``."""
    return subcategory in SUBCATEGORIES.get(category, ())
