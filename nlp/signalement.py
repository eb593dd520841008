"""Signalement: the description of a person and a vehicle, and the direction they went.

Rule-based on purpose: the fields are short, closed-vocabulary phrases ("kort zwart haar",
"donkerblauwe spijkerbroek", "witte Ford Transit") that patterns find precisely, and members
need exactly what was written, not a paraphrase. Only fields that were found are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.lexicon import Scan, as_scan, word_list, words
from nlp.plates import Plate

_COLOURS = (
    "zwart|witt|wit|grijs|grijz|blauw|rood|rod|groen|geel|gel|bruin|beige|roze|paars|oranje|zilver"
    "|zilvergrijz|goud|antraciet|bordeaux|crème|creme|camouflage|camo|navy|kaki|khaki"
)
# Adjective forms: "zwart", "zwarte", "donkerblauwe", "lichtgrijze", "grijze".
_COLOUR_ADJ = rf"(?:donker|licht|fel|mat|metallic\s+)?(?:{_COLOURS})(?:e|en|ig|ige)?"
# Position on the body, top to bottom; accessories last.
_GARMENTS: dict[str, int] = {
    **dict.fromkeys(
        word_list("pet petje muts mutsje bivakmuts capuchon helm hoed hoedje bandana zonnebril"), 0
    ),
    **dict.fromkeys(
        word_list(
            "jas jasje jack jackje windjack regenjas parka bomberjack trui sweater hoodie vest"
            " vestje shirt t-shirt overhemd blouse bodywarmer hesje colbert coltrui polo"
            " trainingsjack pufferjas donsjas leren jas"
        ),
        1,
    ),
    **dict.fromkeys(word_list("trainingspak joggingpak pak overall jurk"), 2),
    **dict.fromkeys(
        word_list(
            "broek spijkerbroek jeans joggingbroek trainingsbroek legging rok shorts"
            " korte broek cargobroek werkbroek"
        ),
        3,
    ),
    **dict.fromkeys(
        word_list(
            "schoenen sneakers gympen gympies laarzen slippers sokken nikes air max werkschoenen"
        ),
        4,
    ),
    **dict.fromkeys(word_list("rugzak tas tasje handschoenen sjaal heuptas"), 5),
}
_COLOUR_WORDS = frozenset(
    f"{shade}{colour}{ending}"
    for colour in _COLOURS.split("|")
    for shade in ("", "donker", "licht", "fel")
    for ending in ("", "e", "en")
)
_CLOTHING_ADJ_WORDS = _COLOUR_WORDS | words(
    """
    lange korte lang kort dikke dik dunne wijde strakke leren lederen spijker gestreepte geruite
    gewatteerde sport trainings nike adidas puma moncler gucci lacoste fila jordan
    """
)
_ALL_BLACK = re.compile(
    rf"(?:geheel\s+|helemaal\s+|volledig\s+)?in\s+het\s+(?P<c>{_COLOURS})\s+(?:gekleed|gekleedt)",
)

_PERSON = (
    r"man|mannen|vrouw|vrouwen|jongen|jongens|meisje|meisjes|meid|meiden|dame|dames|heer|heren"
    r"|meneer|mevrouw|jongeman|jongemannen|knul|knullen|kerel|gast|gasten|persoon|personen"
    r"|figuur|types?|jongere|jongeren|tiener|tieners|kind|kinderen|bejaarde"
)
_GENDER: dict[str, str] = {
    **dict.fromkeys(
        word_list(
            "man mannen jongen jongens heer heren meneer jongeman jongemannen knul knullen kerel"
        ),
        "man",
    ),
    **dict.fromkeys(
        word_list("vrouw vrouwen meisje meisjes meid meiden dame dames mevrouw"), "vrouw"
    ),
}

_AGE_RANGE = re.compile(
    r"\b(?P<a>[1-9]\d?)\s*(?:-|–|tot|à|a|of)\s*(?P<b>[1-9]\d?)\s*(?:jaar|jr\.?)(?:\s+oud)?\b",
)
_AGE_ABOUT = re.compile(
    r"\b(?:(?:een\s+)?jaar\s+of\s+(?P<a>[1-9]\d?)|(?:rond\s+de|ongeveer|ca\.?|circa|zo'n)\s+"
    r"(?P<b>[1-9]\d?)\s*(?:jaar|jr\.?)?)\b",
)
_AGE_EXACT = re.compile(
    r"\b(?P<a>[1-9]\d?)\s*(?:jaar\s+oud|jarige?|jr\.?\s+oud)\b"
    r"|\b(?P<b>[1-9]\d?)\s*(?:jaar|jr\.?)\b(?!\s+(?:geleden|lang|terug))",
)
_AGE_WORD = re.compile(
    r"\b(?P<w>tiener|tieners|puber|pubers|twintiger|dertiger|veertiger|vijftiger|zestiger"
    r"|zeventiger|tachtiger|bejaarde|oudere|jongvolwassen\w*)\b",
)
_PERSON_NEAR = re.compile(rf"\b(?:{_PERSON}|hij|zij|leeftijd|signalement)\b")

_HEIGHT_NUM = re.compile(
    r"\b(?P<m>1[.,][5-9]\d|2[.,][0-2]\d)\s*(?:m\b|meter\b|lang\b)"
    r"|\b(?P<cm>1[5-9]\d|2[0-2]\d)\s*cm\b"
    r"|\blengte\s*(?:van\s+)?(?:ongeveer\s+|ca\.?\s+|rond\s+de\s+)?(?P<l>1[.,][5-9]\d)\b",
)
_HEIGHT_WORD = re.compile(
    rf"\b(?:(?:erg|heel|vrij|best|zeer)\s+)?(?P<w>lange|lang|grote|groot|kleine|klein|korte)"
    rf"\s+(?:(?:slanke|dikke|magere|forse|stevige|tengere|donkere|blanke|getinte|jonge|oudere)\s+)?"
    rf"(?:{_PERSON})\b",
)
_BUILD_WORDS: dict[str, str] = {
    "slank": "slank",
    "slanke": "slank",
    "dun": "dun",
    "dunne": "dun",
    "mager": "mager",
    "magere": "mager",
    "tenger": "tenger",
    "tengere": "tenger",
    "fors": "fors",
    "forse": "fors",
    "stevig": "stevig",
    "stevige": "stevig",
    "dik": "dik",
    "dikke": "dik",
    "gezet": "gezet",
    "gezette": "gezet",
    "breed": "breed",
    "brede": "breed",
    "gespierd": "gespierd",
    "gespierde": "gespierd",
    "atletisch": "atletisch",
    "atletische": "atletisch",
    "zwaar": "zwaar",
    "zware": "zwaar",
    "normaal": "normaal",
    "normale": "normaal",
}
_BUILD = re.compile(
    r"\b(?P<w>" + "|".join(sorted(_BUILD_WORDS, key=len, reverse=True)) + r")\s+"
    rf"(?:(?:lange|grote|kleine|korte|jonge|oudere|donkere|getinte|blanke)\s+)?"
    rf"(?:postuur|gebouwd|{_PERSON})\b"
    r"|\b(?:postuur|gebouwd)\s*:?\s*(?P<w2>" + "|".join(_BUILD_WORDS) + r")\b",
)
# "vrouw, klein en tenger": predicative description right after the person.
_AFTER_PERSON = re.compile(
    rf"\b(?:{_PERSON})\s*,?\s+(?:(?:erg|heel|vrij|best)\s+)?(?:(?P<w>klein|groot|lang)\b)?"
    r"(?:\s*(?:en|,)\s*)?(?:(?:erg|heel|vrij|best)\s+)?"
    r"(?P<build>slank|tenger|fors|gezet|gespierd|mager|atletisch|stevig)?\b",
)
_HAIR = re.compile(
    rf"\b(?P<adj>(?:(?:kort|lang|halflang|donker|licht|{_COLOURS}|krullend|krul|steil|stekel"
    r"|geblondeerd|geverfd|opgeschoren|vettig|dun)(?:e)?[\s,]+(?:en\s+)?){1,3})"
    r"(?P<hair>haar|haren|krullen|kapsel|staart|staartje|paardenstaart|vlechten|vlechtjes)\b"
    r"|\b(?P<bald>kaal|kale|kaalgeschoren|kaalhoofdig)\b"
    r"|\b(?P<other>dreadlocks|dreads|rastas?|man\s*bun|knotje|matje)\b",
)
_FEATURES = re.compile(
    r"\b(?P<f>(?:(?:zwarte|grijze|blonde|rode|volle|lange|korte|kleine|grote|donkere)\s+)?"
    r"(?:baard|baardje|snor|snorretje|sikje|sik|bril|tatoeages?|tattoo'?s?|litteken|piercings?"
    r"|mondkapje|moedervlek|gouden\s+tand|beugel|gehoorapparaat)"
    r"(?:\s+(?:op|in|bij|onder)\s+(?:zijn|haar|de|het|z'n|d'r)\s+\w+)?)\b"
    r"|\b(?P<accent>(?:met\s+een\s+|sprak\s+(?:met\s+(?:een\s+)?)?|praatte\s+)"
    r"(?:[\w-]+\s+)?(?:accent|engels|duits|pools|frans|arabisch|turks|russisch|roemeens"
    r"|gebroken\s+nederlands|plat\s+\w+))\b"
    r"|\b(?P<gait>liep\s+mank|mank|hinkte|strompelde)\b",
)

_VEHICLE_KINDS: dict[str, str] = {
    **dict.fromkeys(word_list("auto auto's wagen personenauto"), "auto"),
    **dict.fromkeys(
        word_list("busje bestelbus bestelbusje bestelwagen bus transportbusje"), "bestelbus"
    ),
    **dict.fromkeys(word_list("scooter scootertje scooters"), "scooter"),
    **dict.fromkeys(word_list("brommer brommertje snorfiets"), "brommer"),
    **dict.fromkeys(word_list("motor motorfiets"), "motor"),
    **dict.fromkeys(word_list("fiets fietsen e-bike ebike bakfiets mountainbike fatbike"), "fiets"),
    **dict.fromkeys(word_list("vrachtwagen vrachtauto truck"), "vrachtwagen"),
    **dict.fromkeys(word_list("aanhanger aanhangwagen"), "aanhanger"),
    "taxi": "taxi",
    "suv": "suv",
    "stationwagen": "auto",
    "camper": "camper",
    "quad": "quad",
}
_BRANDS: dict[str, str] = {
    "bmw": "BMW",
    "audi": "Audi",
    "mercedes": "Mercedes",
    "mercedes-benz": "Mercedes",
    "volkswagen": "Volkswagen",
    "vw": "Volkswagen",
    "opel": "Opel",
    "ford": "Ford",
    "renault": "Renault",
    "peugeot": "Peugeot",
    "citroen": "Citroën",
    "citroën": "Citroën",
    "toyota": "Toyota",
    "kia": "Kia",
    "hyundai": "Hyundai",
    "skoda": "Skoda",
    "škoda": "Skoda",
    "seat": "Seat",
    "fiat": "Fiat",
    "volvo": "Volvo",
    "tesla": "Tesla",
    "nissan": "Nissan",
    "mazda": "Mazda",
    "honda": "Honda",
    "suzuki": "Suzuki",
    "mitsubishi": "Mitsubishi",
    "dacia": "Dacia",
    "porsche": "Porsche",
    "jeep": "Jeep",
    "land rover": "Land Rover",
    "range rover": "Range Rover",
    "lexus": "Lexus",
    "smart": "Smart",
    "piaggio": "Piaggio",
    "vespa": "Vespa",
    "yamaha": "Yamaha",
    "kawasaki": "Kawasaki",
    "gazelle": "Gazelle",
    "batavus": "Batavus",
    "sparta": "Sparta",
    "cortina": "Cortina",
    "vanmoof": "VanMoof",
}
_VANS = frozenset({"Transit", "Sprinter", "Vito", "Caddy", "Transporter", "Kangoo", "Berlingo"})
_MODELS: dict[str, tuple[str, str]] = {
    "golf": ("Volkswagen", "Golf"),
    "polo": ("Volkswagen", "Polo"),
    "caddy": ("Volkswagen", "Caddy"),
    "transporter": ("Volkswagen", "Transporter"),
    "transit": ("Ford", "Transit"),
    "fiesta": ("Ford", "Fiesta"),
    "focus": ("Ford", "Focus"),
    "sprinter": ("Mercedes", "Sprinter"),
    "vito": ("Mercedes", "Vito"),
    "corsa": ("Opel", "Corsa"),
    "astra": ("Opel", "Astra"),
    "clio": ("Renault", "Clio"),
    "kangoo": ("Renault", "Kangoo"),
    "yaris": ("Toyota", "Yaris"),
    "aygo": ("Toyota", "Aygo"),
    "prius": ("Toyota", "Prius"),
    "berlingo": ("Citroën", "Berlingo"),
    "octavia": ("Skoda", "Octavia"),
    "a3": ("Audi", "A3"),
    "a4": ("Audi", "A4"),
    "x5": ("BMW", "X5"),
}
_VEHICLE_WORDS = {**_VEHICLE_KINDS, **dict.fromkeys(_BRANDS), **dict.fromkeys(_MODELS)}
_COLOUR_AFTER = re.compile(rf"^[\s,(]+(?:kleur\s*:?\s*)?(?P<colour>{_COLOUR_ADJ})\b")

_DIRECTION_STOP = (
    r"en|maar|om|toen|met|want|dus|waar|die|dat|is|was|zijn|hij|zij|ze|ik|we|gevlucht|gereden"
    r"|gerend|gelopen|weg|vandaan|op|in|uit|bij"
)
_DIRECTION = re.compile(
    r"\b(?:(?:in\s+de\s+)?richting(?:\s+van)?|(?:vluchtte|vluchtten|rende|renden|reed|reden"
    r"|liep|liepen|fietste|fietsten|scheurde|scheurden|ging|gingen|vertrok|vertrokken|gevlucht"
    r"|verdween|verdwenen)(?:\s+(?:hard|snel|er|ervandoor|vandoor|weg|hard\s+weg))*"
    r"\s+(?:naar|via))\s+"
    rf"(?P<to>(?:de\s+|het\s+|'t\s+)?(?!(?:{_DIRECTION_STOP})\b)[\w'’.-]+"
    rf"(?:\s+(?!(?:{_DIRECTION_STOP})\b)[\w'’.-]+){{0,2}})",
)
_PERSON_WORDS = words(_PERSON.replace("types?", "type types").replace("|", " "))
_AGE_GATE = words(
    "jaar jr jarige jarig tiener tieners puber pubers twintiger dertiger veertiger vijftiger"
    " zestiger zeventiger tachtiger bejaarde oudere"
)
_HEIGHT_WORDS = words("lange lang grote groot kleine klein korte")
_BUILD_GATE = words("postuur gebouwd") | _BUILD_WORDS.keys()
_HAIR_GATE = words(
    "haar haren krullen kapsel staart staartje paardenstaart vlechten vlechtjes kaal kale"
    " kaalgeschoren kaalhoofdig dreadlocks dreads rasta rastas bun knotje matje"
)
_FEATURE_GATE = words(
    "baard baardje snor snorretje sikje sik bril tatoeage tatoeages tattoo tattoos litteken"
    " piercing piercings mondkapje moedervlek tand beugel gehoorapparaat accent sprak praatte"
    " mank hinkte strompelde"
)
_MOTION_GATE = words(
    "richting vluchtte vluchtten rende renden reed reden liep liepen fietste fietsten scheurde"
    " scheurden ging gingen vertrok vertrokken gevlucht verdween verdwenen"
)
_VEHICLE_GATE = frozenset(word for word in _VEHICLE_WORDS if word.isalnum())


@dataclass(frozen=True, slots=True)
class Vehicle:
    """The vehicle in a signalement; fields are None when not mentioned."""

    soort: str | None = None
    merk: str | None = None
    model: str | None = None
    kleur: str | None = None
    kenteken: str | None = None

    def to_dict(self) -> dict[str, str]:
        fields = {
            "soort": self.soort,
            "merk": self.merk,
            "model": self.model,
            "kleur": self.kleur,
            "kenteken": self.kenteken,
        }
        return {key: value for key, value in fields.items() if value is not None}


@dataclass(frozen=True, slots=True)
class Signalement:
    """Description of a person and vehicle; empty fields are left out of ``to_dict``."""

    geslacht: str | None = None
    leeftijd: str | None = None
    lengte: str | None = None
    postuur: str | None = None
    haar: str | None = None
    kleding: tuple[str, ...] = ()
    bijzonderheden: tuple[str, ...] = ()
    voertuig: Vehicle | None = None
    richting: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key in ("geslacht", "leeftijd", "lengte", "postuur", "haar"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.kleding:
            out["kleding"] = list(self.kleding)
        if self.bijzonderheden:
            out["bijzonderheden"] = list(self.bijzonderheden)
        if self.voertuig is not None:
            out["voertuig"] = self.voertuig.to_dict()
        if self.richting is not None:
            out["richting"] = self.richting
        return out

    def is_empty(self) -> bool:
        return not self.to_dict()


def find_signalement(text: str | Scan, plates: list[Plate] | None = None) -> Signalement:
    """The person and vehicle description in ``text``; ``plates`` fills the kenteken."""
    scan = as_scan(text)
    plate = plates[0].value if plates else None
    vocab = scan.vocab
    person = bool(vocab & _PERSON_WORDS)
    return Signalement(
        geslacht=_gender(vocab),
        leeftijd=_age(scan.low) if vocab & _AGE_GATE else None,
        lengte=_height(scan, person),
        postuur=_build(scan.low) if vocab & _BUILD_GATE else None,
        haar=_hair(scan.low) if vocab & _HAIR_GATE else None,
        kleding=_clothing(scan),
        bijzonderheden=_features(scan.low) if vocab & _FEATURE_GATE else (),
        voertuig=_vehicle(scan, plate),
        richting=_direction(scan) if vocab & _MOTION_GATE else None,
    )


def _tidy(phrase: str) -> str:
    return " ".join(phrase.replace(",", " ").split()).lower()


def _gender(vocab: frozenset[str]) -> str | None:
    found = {_GENDER[word] for word in vocab & _GENDER.keys()}
    if len(found) > 1:
        return "man en vrouw"
    return found.pop() if found else None


def _age(low: str) -> str | None:
    m = _AGE_RANGE.search(low)
    if m:
        return f"{m.group('a')}-{m.group('b')} jaar"
    m = _AGE_ABOUT.search(low)
    if m and _PERSON_NEAR.search(low):
        return f"ongeveer {m.group('a') or m.group('b')} jaar"
    for m in _AGE_EXACT.finditer(low):
        years = m.group("a") or m.group("b")
        window = low[max(0, m.start() - 40) : m.end() + 20]
        duration = re.search(r"\b(?:al|sinds|ruim|afgelopen|laatste)\s+$", low[: m.start()])
        if (m.group("a") or _PERSON_NEAR.search(window)) and not duration:
            return f"{years} jaar"
    m = _AGE_WORD.search(low)
    return m.group("w") if m else None


def _height(scan: Scan, person: bool) -> str | None:
    low = scan.low
    if scan.has_digit and ("cm" in low or "1." in low or "1," in low or "lengte" in low):
        m = _HEIGHT_NUM.search(low)
        if m:
            if m.group("cm"):
                return f"{m.group('cm')} cm"
            metres = (m.group("m") or m.group("l")).replace(".", ",")
            return f"{metres} m"
    if not (person and scan.vocab & _HEIGHT_WORDS):
        return None
    m = _HEIGHT_WORD.search(low) or _AFTER_PERSON.search(low)
    if m and m.group("w"):
        word = m.group("w")
        return {"lange": "lang", "grote": "groot", "kleine": "klein", "korte": "kort"}.get(
            word, word
        )
    return None


def _build(low: str) -> str | None:
    m = _BUILD.search(low)
    if m:
        return _BUILD_WORDS[m.group("w") or m.group("w2")]
    m = _AFTER_PERSON.search(low)
    if m and m.group("build"):
        return m.group("build")
    return None


def _hair(low: str) -> str | None:
    m = _HAIR.search(low)
    if not m:
        return None
    if m.group("bald"):
        return "kaal"
    return _tidy(m.group(0))


def _words_before(low: str, end: int, limit: int) -> list[tuple[int, str]]:
    """Up to ``limit`` words right before ``end``, nearest first, across spaces and commas."""
    found: list[tuple[int, str]] = []
    cursor = end
    for _ in range(limit):
        stop = cursor
        while stop > 0 and low[stop - 1] in " ,":
            stop -= 1
        if stop == 0:
            break
        begin = max(low.rfind(" ", 0, stop), low.rfind(",", 0, stop)) + 1
        found.append((begin, low[begin:stop]))
        cursor = begin
    return found


def _clothing(scan: Scan) -> tuple[str, ...]:
    low = scan.low
    items: list[tuple[int, int, str]] = []
    for start in scan.word_starts(scan.vocab & _GARMENTS.keys()):
        end = low.find(" ", start)
        word = low[start : end if end != -1 else len(low)].rstrip(".,!?;:)")
        if word not in _GARMENTS:
            continue
        first = start
        adjectives = 0
        for begin, before in _words_before(low, start, 5):
            if before in _CLOTHING_ADJ_WORDS:
                first, adjectives = begin, adjectives + 1
            elif before != "en" or adjectives == 0:
                break
        if word in {"tas", "tasje", "polo", "pak", "vest"} and not adjectives:
            continue  # too often not clothing ("een tas gestolen", "VW Polo")
        if start >= 2 and low[start - 2 : start] == "t-":
            first = min(first, start - 2)
        items.append((_GARMENTS[word], start, _tidy(low[first : start + len(word)])))
    if "gekleed" in scan.vocab:
        dressed = _ALL_BLACK.search(low)
        if dressed:
            items.append((1, dressed.start(), f"geheel {_colour_base(dressed.group('c'))}"))
    items.sort()
    return tuple(dict.fromkeys(phrase for _, _, phrase in items))


def _features(low: str) -> tuple[str, ...]:
    found = [_tidy(m.group(0)) for m in _FEATURES.finditer(low)]
    return tuple(dict.fromkeys(found))


def _vehicle(scan: Scan, plate: str | None) -> Vehicle | None:
    kind = brand = model = colour = None
    low = scan.low
    present = scan.vocab & _VEHICLE_GATE
    for start in sorted(scan.word_starts(present)):
        end = start
        while end < len(low) and (low[end].isalnum() or low[end] in "'’-"):
            end += 1
        word = low[start:end]
        if word not in _VEHICLE_WORDS:
            continue
        if word in _VEHICLE_KINDS and kind is None:
            kind = _VEHICLE_KINDS[word]
        elif word in _BRANDS and brand is None:
            brand = _BRANDS[word]
        elif word in _MODELS and model is None and (brand is None or brand == _MODELS[word][0]):
            brand, model = _MODELS[word]
        if colour is None:
            for _, before in _words_before(low, start, 2):
                if before in _COLOUR_WORDS:
                    colour = _colour_base(before)
                    break
        if colour is None:
            after = _COLOUR_AFTER.match(low[end : end + 30])
            if after:
                colour = _colour_base(after.group("colour"))
    if kind is None and brand is None and plate is None:
        return None
    if kind is None and model in _VANS:
        kind = "bestelbus"
    if kind is None and brand is not None:
        kind = "auto" if brand not in {"Piaggio", "Vespa", "Gazelle", "Batavus", "Sparta"} else None
    return Vehicle(kind, brand, model, colour, plate)


_COLOUR_BASE = {
    "grijz": "grijs",
    "rod": "rood",
    "gel": "geel",
    "witt": "wit",
    "zilvergrijz": "zilvergrijs",
}


def _colour_base(adjective: str) -> str:
    word = " ".join(adjective.lower().split())
    for ending in ("ige", "ig", "en", "e"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            if re.search(rf"(?:{_COLOURS})$", stem):
                word = stem
                break
    for short, full in _COLOUR_BASE.items():
        if word.endswith(short):
            return word[: -len(short)] + full
    return word


def _direction(scan: Scan) -> str | None:
    m = _DIRECTION.search(scan.low)
    if not m:
        return None
    target = scan.text[m.start("to") : m.end("to")].strip(" .,!?")
    return target or None
