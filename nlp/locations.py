"""Dutch locations in chat text: addresses, street corners, postcodes and landmarks.

Street names are recognised by their ending (-straat, -weg, -laan, ...). Endings that are also
ordinary nouns ("grasveld", "achtertuin") only count when the word is capitalised and followed by
a house number; generic nouns such as "zijstraat" or "fietspad" never count as a street name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from nlp.lexicon import Scan, as_scan, words

LocationKind = Literal["address", "street", "corner", "postcode", "landmark"]


# Endings that name streets in lower case too ("dorpsstraat 12a" as typed in a chat).
_SAFE_SUFFIXES = (
    "straatje|straat|steegje|steeg|weg|laantje|laan|pleintje|plein|singel|gracht|kade|dijk"
    "|dreef|boulevard|allee|hof|wal|markt|pad|plantsoen|baan|park|erf|haven|kwartier|zijde"
)
# Endings that are common nouns as well: capitalised and with a house number only.
_RISKY_SUFFIXES = (
    "veld|tuin|burg|berg|akker|brink|weide|horst|oord|kamp|veen|kant|dal|vaart|poort|donk"
    "|heuvel|schans|zoom|stede|hout|loop|waard|wetering|dam|hoven|rade|sluis|heide|lei|ring"
)
# Verbs and nouns that end like a street: "doodslaan", "inboedelverzekering", "blokkade".
_NOT_STREET_ENDINGS = ("slaan", "blokkade")
_SAFE_SET = frozenset(_SAFE_SUFFIXES.split("|"))
_SUFFIXES = tuple(sorted(f"{_SAFE_SUFFIXES}|{_RISKY_SUFFIXES}".split("|"), key=len, reverse=True))
_SUFFIXES_BY_TAIL: dict[str, tuple[str, ...]] = {}
for _suffix_word in _SUFFIXES:
    _SUFFIXES_BY_TAIL[_suffix_word[-3:]] = (
        *_SUFFIXES_BY_TAIL.get(_suffix_word[-3:], ()),
        _suffix_word,
    )
_CORNER_WORDS = words("hoek kruising kruispunt splitsing")
_LANDMARK_PREPS = words(
    "bij achter voor naast tegenover op in rond rondom langs onder nabij vlakbij vlak ter thv t"
)
_GENERIC_NOUNS = words(
    """
    zijstraat winkelstraat woonstraat onderweg snelweg uitweg zijweg rijweg autoweg halverweg
    schoolplein speelplein marktplein fietspad voetpad wandelpad achterpad tuinpad zandpad
    kerkhof gerechtshof binnenhof supermarkt weekmarkt jaarmarkt vismarkt winkelpark speelpark
    bedrijvenpark skatebaan rijbaan loopbaan tennisbaan ijsbaan busbaan fietsbaan oprijbaan
    trambaan woonerf jachthaven oorring overzijde achterzijde voorzijde spoorbaan rommelmarkt
    kerstmarkt boerenmarkt
    """
)
_TITLE_WORDS = words(
    """
    burgemeester burg burg. prins prinses koning koningin graaf gravin hertog sint st st.
    dokter dr dr. pastoor pater president generaal admiraal kapitein professor prof prof.
    meester mr mr. jonkheer jhr jhr. oude nieuwe lange korte hoge lage grote kleine groot klein
    1e 2e 3e eerste tweede derde
    """
)
_PARTICLES = words(
    """
    van de der den ter ten 't het la le du von
    """
)
# Capitalised words that start sentences or phrases and are never part of a street name.
_NOT_NAME = words(
    """
    de het een in op bij aan naar ik er wie wat is zijn was hoek kruising richting via langs
    uit vanuit door over onder achter voor naast tegenover om te en of maar dus want nu net
    toen vandaag gisteren vannacht vanavond vanmiddag vanochtend vanmorgen zojuist hallo hoi
    help let graag weet iemand heeft hebben wordt werd staat stond liep reed zag ziet
    """
)
# Nouns right after a number that make it a count, not a house number ("Kerkstraat 3 jongens").
_COUNT_NOUNS = words(
    """
    jongeren jongens jongen mannen man vrouwen vrouw personen mensen kinderen meiden meisjes
    auto's autos auto keer uur minuten min dagen weken maanden jaar euro meter km kilometer
    scooters fietsen honden stuks x
    """
)
_DUTCH_TWO_LETTER = words(
    """
    en in op de te om is ik je we ze al nu of er na zo ga ja af uw et he me an ok oh
    """
)

_BARE_STREETS = frozenset({"markt", "brink", "dam", "plein", "rokin", "damrak", "overtoom"})
_HOUSE_NUMBER = re.compile(
    r"\s*(?:[Nn][Rr]\.?\s*|[Nn]ummer\s+)?(?P<num>[1-9]\d{0,4})(?![\d:.,]\d|\d)"
    r"(?P<add>\s*-\s*\d{1,4}(?!\d)"
    r"|\s*-?\s*(?:hs|HS|bis|huis|bg|boven|iii|III|ii|II|iv|IV|i|I)\b"
    r"|-?[a-zA-Z](?![\w'’])|\s[a-zA-Z](?![\w'’-]))?",
)
_WORD_BREAKS = frozenset(',;:!?()"\n\t/')
_NEXT_WORD = re.compile(r"\s*([\w'’]+)")

_NAME_WORD = r"(?:'s-)?[^\W\d_][\w'’]*(?:-[\w'’]+)*"
_STREET_NAME = rf"(?:{_NAME_WORD}\s+){{0,3}}?{_NAME_WORD}(?:{_SAFE_SUFFIXES}|{_RISKY_SUFFIXES})\b"
_CORNER = re.compile(
    rf"(?P<kw>\bhoek|\bkruising|\bkruispunt|\bsplitsing)\s+(?:(?-i:van)\s+)?(?:de\s+)?"
    rf"(?P<a>{_STREET_NAME}|{_NAME_WORD})"
    rf"(?:\s*/\s*|\s*\\\s*|\s+(?:en|met|x)\s+(?:de\s+)?|\s*[-–&]\s*)"
    rf"(?P<b>{_STREET_NAME}|{_NAME_WORD})",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"(?<![\w-])(?P<num>[1-9]\d{3})(?P<sp>\s?)(?P<let>[A-Za-z]{2})(?![\w-])",
)
_PLATE_CONTEXT_BEFORE = re.compile(r"(?:kenteken|nummerbord|plaat)\w*\s*[:=]?\s*$", re.IGNORECASE)

_BRANDS: dict[str, str] = {
    "albert heijn": "Albert Heijn",
    "appie": "Albert Heijn",
    "ah": "Albert Heijn",
    "jumbo": "Jumbo",
    "lidl": "Lidl",
    "aldi": "Aldi",
    "plus": "Plus",
    "dirk": "Dirk",
    "coop": "Coop",
    "spar": "Spar",
    "vomar": "Vomar",
    "hoogvliet": "Hoogvliet",
    "action": "Action",
    "kruidvat": "Kruidvat",
    "hema": "HEMA",
    "etos": "Etos",
    "blokker": "Blokker",
    "gamma": "Gamma",
    "praxis": "Praxis",
    "karwei": "Karwei",
    "mcdonalds": "McDonald's",
    "mcdonald's": "McDonald's",
    "mac": "McDonald's",
}
_PLACES = words(
    """
    buurthuis buurtcentrum wijkcentrum speeltuintje speeltuin schoolplein school basisschool
    kerk moskee synagoge station treinstation bushalte tramhalte metrostation winkelcentrum
    winkels supermarkt parkje park vijver brug bruggetje tunneltje tunnel viaduct
    fietsenstalling parkeergarage parkeerplaats parkeerterrein garageboxen garages flat flats
    portiek galerij snackbar pizzeria cafetaria kapper bakker apotheek huisartsenpost huisarts
    bibliotheek sporthal sportpark voetbalveldje voetbalveld trapveldje trapveld
    basketbalveldje basketbalveld skatebaan hangplek bankjes bankje glasbak containers
    container pinautomaat geldautomaat tankstation benzinepomp rotonde stoplichten zebrapad
    fietspad steegje steeg brandgang achterpad poortje poort speelplaats kinderboerderij
    begraafplaats kerkhof bosje bos plantsoentje plantsoen grasveldje grasveld dijk sloot
    jachthaven haven markt marktplein gemeentehuis stadhuis politiebureau buurtsuper kiosk
    ijssalon trafo trafohuisje wijkpost sportschool zwembad ingang uitgang achteringang
    hoofdingang lift fietsenhok
    """
)
_LANDMARK_HEAD = re.compile(
    r"(?:bij|achter|voor|naast|tegenover|op|in|rond|rondom|langs|onder|nabij"
    r"|vlakbij|vlak\s+bij|ter\s+hoogte\s+van|thv\.?|t\.h\.v\.)\s+"
    r"(?P<art>(?:de|het|'t|een)\s+)?"
    r"(?P<lm>[\w'’]+)(?:\s+(?P<lm2>[\w'’]+))?(?![\w'’-])"
)
# A proper name after a generic place: "bij winkelcentrum De Bogaard".
_PLACE_NAME = re.compile(r"\s+(?:[Dd]e\s+|[Hh]et\s+|'t\s+)?[A-Z][\w'’-]+")


@dataclass(frozen=True, slots=True)
class Location:
    """A place mentioned in a message; ``street`` never includes the house number."""

    kind: LocationKind
    text: str
    start: int
    end: int
    street: str | None = None
    number: str | None = None
    cross_street: str | None = None
    postcode: str | None = None
    landmark: str | None = None

    def to_dict(self) -> dict[str, str]:
        fields = {
            "kind": self.kind,
            "text": self.text,
            "street": self.street,
            "number": self.number,
            "cross_street": self.cross_street,
            "postcode": self.postcode,
            "landmark": self.landmark,
        }
        return {key: value for key, value in fields.items() if value is not None}


SHOP_NAMES = frozenset(_BRANDS)


def is_street_name(word: str) -> bool:
    """True for a lower-case word that names a street by its ending ("kerkstraat")."""
    suffix = _suffix(word)
    return (
        suffix is not None
        and suffix in _SAFE_SET
        and len(word) - len(suffix) >= 2
        and word not in _GENERIC_NOUNS
        and not word.endswith(_NOT_STREET_ENDINGS)
        and word.isalpha()
    )


def find_locations(text: str | Scan) -> list[Location]:
    """Addresses, streets, corners, postcodes and landmarks in ``text``, in reading order."""
    scan = as_scan(text)
    found: list[Location] = [*_corners(scan)]
    taken = [(loc.start, loc.end) for loc in found]
    for loc in (*_streets(scan), *_postcodes(scan), *_landmarks(scan)):
        if not any(loc.start < end and start < loc.end for start, end in taken):
            found.append(loc)
            taken.append((loc.start, loc.end))
    found.sort(key=lambda loc: loc.start)
    return found


def street_of(text: str) -> str | None:
    """The street name (normalised capitalisation, no number) of a typed address, or None."""
    answer = text.strip()[:200]
    for loc in find_locations(answer):
        if loc.street is not None:
            return loc.street
    # "Overtoom 12": a name without a known ending still counts when a house number follows.
    fallback = re.match(
        rf"^(?:(?:in|op|aan)\s+(?:de|het)\s+)?(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})"
        r"\s+[1-9]\d{0,4}(?!\d)",
        answer,
        re.IGNORECASE,
    )
    if fallback and fallback.group("name").split()[0].lower() not in _NOT_NAME:
        return normalise_street(fallback.group("name"))
    return None


@lru_cache(maxsize=8192)
def normalise_street(name: str) -> str:
    """Dutch capitalisation: "burgemeester de withstraat" becomes "Burgemeester de Withstraat"."""
    words = name.split()
    out: list[str] = []
    for index, word in enumerate(words):
        lower = word.lower()
        if index > 0 and lower in _PARTICLES:
            out.append(lower)
        else:
            out.append(_capitalise(lower))
    return " ".join(out)


def _capitalise(word: str) -> str:
    if word.startswith("'s-"):
        return "'s-" + _capitalise(word[3:])
    parts = word.split("-")
    return "-".join(_capitalise_part(part) for part in parts)


def _capitalise_part(part: str) -> str:
    if part.startswith("ij"):
        return "IJ" + part[2:]
    return part[:1].upper() + part[1:]


# --- finders --------------------------------------------------------------------------------


def _corners(scan: Scan) -> list[Location]:
    found = []
    text = scan.text
    for start in scan.word_starts(scan.vocab & _CORNER_WORDS):
        m = _CORNER.match(text, start)
        if m is None:
            continue
        first, second = m.group("a"), m.group("b")
        if first.split()[0].lower() in _NOT_NAME or second.split()[0].lower() in _NOT_NAME:
            continue
        found.append(
            Location(
                "corner",
                m.group(0),
                m.start(),
                m.end(),
                street=normalise_street(first),
                cross_street=normalise_street(second),
            )
        )
    return found


def _suffix(lower: str) -> str | None:
    """The street suffix ``lower`` ends with (longest first), or None."""
    for suffix in _SUFFIXES_BY_TAIL.get(lower[-3:], ()):
        if lower.endswith(suffix):
            return suffix
    return None


def _street_words(scan: Scan) -> list[tuple[int, int]]:
    """Spans of words ending in a street suffix (or bare street names like "Markt")."""
    low = scan.low
    spans: set[tuple[int, int]] = set()
    for word in scan.vocab:
        if word[-3:] not in _SUFFIXES_BY_TAIL and word not in _BARE_STREETS:
            continue
        if _suffix(word) is None and word not in _BARE_STREETS:
            continue
        for start in scan.word_starts((word,)):
            end = start + len(word)
            # "'s-Gravendijkwal", "Jan-Pieter Heijestraat": include what the hyphen joins.
            if start > 0 and low[start - 1] in "-'’":
                while start > 0 and (low[start - 1].isalnum() or low[start - 1] in "-'’"):
                    start -= 1
            spans.add((start, end))
    return sorted(spans)


def _streets(scan: Scan) -> list[Location]:
    found = []
    text = scan.text
    for word_start, word_end in _street_words(scan):
        word = text[word_start:word_end]
        lower = scan.low[word_start:word_end]
        if lower in _GENERIC_NOUNS or lower.endswith(_NOT_STREET_ENDINGS):
            continue
        if not (word[:1].isalpha() or lower.startswith("'s-")):
            continue
        suffix = _suffix(lower) or ""
        number = _HOUSE_NUMBER.match(text, word_end)
        if number is not None and _is_count(text, number.end()):
            number = None
        capitalised = word[:1].isupper() or word.startswith("'s-")
        if len(lower) - len(suffix) < 2 and not (lower in _BARE_STREETS and number):
            continue  # "weg", "laan": a bare ending is a word, not a street
        if suffix not in _SAFE_SET and not (capitalised and number):
            continue  # "Grasveld 3" is an address, "grasveld" is grass
        start = _name_start(text, word_start, capitalised)
        name = normalise_street(text[start:word_end])
        if number is None:
            found.append(Location("street", text[start:word_end], start, word_end, street=name))
            continue
        house = number.group("num") + _addition(number.group("add"))
        found.append(
            Location("address", text[start : number.end()], start, number.end(), name, house)
        )
    return found


def _addition(raw: str | None) -> str:
    """House-number addition as usually written: 12a, 12-2, 12-II, 12 hs."""
    if not raw:
        return ""
    compact = raw.replace(" ", "").lstrip("-")
    if compact.isdigit() or compact.upper() in {"I", "II", "III", "IV"}:
        return "-" + compact.upper()
    if len(compact) == 1:
        return compact.lower()
    return " " + compact.lower()


def _is_count(text: str, end: int) -> bool:
    nxt = _NEXT_WORD.match(text, end)
    return nxt is not None and nxt.group(1).lower() in _COUNT_NOUNS


def _word_before(text: str, end: int) -> tuple[int, str] | None:
    """The word ending right before ``end`` across spaces only, as (start, word)."""
    stop = end
    while stop > 0 and text[stop - 1] == " ":
        stop -= 1
    if stop == end or stop == 0:
        return None
    begin = text.rfind(" ", 0, stop) + 1
    word = text[begin:stop]
    if any(ch in _WORD_BREAKS for ch in word):
        return None
    return begin, word


def _name_start(text: str, start: int, capitalised: bool) -> int:
    """Extend a street word leftwards over name words ("Burgemeester de", "Jan", "Van")."""
    begin = start
    pending: list[tuple[int, str]] = []
    cursor = start
    for _ in range(4):
        before = _word_before(text, cursor)
        if before is None:
            break
        position, token = before
        lower = token.lower()
        if lower in _PARTICLES:
            pending.append((position, token))
        elif lower in _TITLE_WORDS or (
            capitalised and _is_name_word(text, position, token) and lower not in _NOT_NAME
        ):
            begin = position
            pending.clear()
        else:
            break
        cursor = position
    # A capitalised "Van" directly before the name belongs to it ("Van Goghstraat").
    for position, token in pending:
        if position < begin and token in {"Van", "Ter", "Ten", "Den"}:
            begin = position
        else:
            break
    return begin


def _is_name_word(text: str, start: int, token: str) -> bool:
    """A capitalised word inside a sentence ("op de Jan Steenstraat", not "Inbraak Kerkstraat")."""
    if not (token[:1].isupper() and token.isalpha()):
        return False
    index = start - 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    return index >= 0 and text[index] not in ".!?:\n"


def _postcodes(scan: Scan) -> list[Location]:
    found: list[Location] = []
    if not scan.has_digit:
        return found
    text = scan.text
    for m in _POSTCODE.finditer(text):
        letters = m.group("let")
        if letters.upper() in {"SA", "SD", "SS"}:
            continue
        if not letters.isupper() and letters.lower() in _DUTCH_TWO_LETTER:
            continue  # "in 2019 en 2020": a year and a word, not a postcode
        if _PLATE_CONTEXT_BEFORE.search(text, 0, m.start()):
            continue  # "kenteken 1234AB" is a plate in sidecode 2
        code = f"{m.group('num')} {letters.upper()}"
        found.append(Location("postcode", m.group(0), m.start(), m.end(), postcode=code))
    return found


def _landmarks(scan: Scan) -> list[Location]:
    found = []
    text = scan.text
    for start in sorted(scan.word_starts(scan.vocab & _LANDMARK_PREPS)):
        m = _LANDMARK_HEAD.match(scan.low, start)
        if m is None:
            continue
        word, end = m.group("lm"), m.end("lm")
        if m.group("lm2") and f"{word} {m.group('lm2')}" in _BRANDS:
            word, end = f"{word} {m.group('lm2')}", m.end("lm2")
        brand = _BRANDS.get(word)
        if brand is None and word not in _PLACES:
            continue
        if brand is None and not m.group("art"):
            named = _PLACE_NAME.match(text, end)
            if named is None:
                continue  # "in school", "voor markt": a place needs its article or a name
        name = brand or word
        named = _PLACE_NAME.match(text, end) if brand is None else None
        if named is not None:
            # "bij winkelcentrum De Bogaard", but not "bij de Jumbo Kerkstraat"
            name = f"{word} {named.group(0).strip()}"
            end = named.end()
        found.append(Location("landmark", text[start:end], start, end, landmark=name))
    return found
