"""Addresses as parts: which written forms name the same place, and which may.

``parse("LEVEL 7, 80 PACIFIC HIGHWAY, NORTH SYDNEY NSW 2060")`` reads the unit, level,
building, house number, street, postcode and PO box out of one written form, in Latin or
Cyrillic script (transliterated with ``normalize.latin``, so ``УЛ. ВОРОВСКОГО Д.130`` and
``130 Vorovskogo St.`` give the same street and number). ``compare(a, b)`` says ``same``
(every part present in both agrees, and nothing that tells places apart is missing on one
side), ``unsure`` (the same street and number but a level, unit, building or postcode on one
side only, or postcodes that differ: a person should look) or ``different``. ``group`` joins
only the ``same`` pairs.

Why a parser of our own rather than libpostal: libpostal needs a 2 GB model and a C library
on every machine that runs graphkit, and its output still needs these rules to decide what
agreement means; the registries and lists we load write addresses in a few conventions (the
Russian ``ул. … д. … к. … кв.`` order, the English ``number street, unit`` order, ``L7`` and
``19/F`` for floors) that a few dozen patterns read. A part it cannot read is left empty, and
an empty part never makes two addresses ``same``: the cost of a miss is a review line, not a
false join.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from graphkit.normalize import latin

STREET_TYPES = {
    "street": "street", "st": "street", "ul": "street", "ulitsa": "street", "ulica": "street", "vul": "street",
    "vulitsa": "street", "road": "road", "rd": "road", "highway": "highway", "hwy": "highway",
    "avenue": "avenue", "ave": "avenue", "av": "avenue", "prospekt": "avenue", "pr": "avenue", "prt": "avenue",
    "prkt": "avenue", "prospect": "avenue", "drive": "drive", "dr": "drive", "boulevard": "boulevard",
    "blvd": "boulevard", "bulvar": "boulevard", "br": "boulevard", "lane": "lane", "ln": "lane", "per": "lane",
    "pereulok": "lane", "prov": "lane", "way": "way", "place": "place", "square": "square", "pl": "square",
    "ploshchad": "square", "shosse": "highway", "naberezhnaya": "embankment", "nab": "embankment",
    "parade": "parade", "terrace": "terrace", "crescent": "crescent", "court": "court", "close": "close",
    "jalan": "street",
}
LEVEL_WORDS = {"level", "lvl", "floor", "fl", "etazh", "pov", "poverkh", "storey"}
UNIT_WORDS = {"unit", "suite", "ste", "room", "rm", "flat", "apt", "apartment", "office", "ofis", "kv",
              "kvartira", "kom", "komnata", "kab", "pom", "prim", "shop"}
BUILDING_WORDS = {"k", "korp", "korpus", "building", "bldg", "block", "blk", "str", "stroenie", "tower"}
HOUSE_WORDS = {"d", "dom", "bud", "no", "house"}
NAME_AFTER = {"ul", "ulitsa", "ulica", "vul", "vulitsa", "prospekt", "pr", "prt", "prkt", "per", "pereulok",
              "prov", "bulvar", "br", "shosse", "naberezhnaya", "nab", "ploshchad", "jalan"}
_MARKERS = set(STREET_TYPES) | HOUSE_WORDS | BUILDING_WORDS | LEVEL_WORDS | UNIT_WORDS
ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)?$")
NUMBER = re.compile(r"^\d+[a-z]?(?:/\d+[a-z]?)?$")
UK_POSTCODE = re.compile(r"\b([a-z]{1,2}\d[a-z\d]?) (\d[a-z]{2})\b")
_SLASH = "zsl"  # stands for "/" or "-" between digits while latin() strips punctuation
_ENDINGS = re.compile(r"(?:skogo|skiy|skii|skij|sky|skaya|skoy|skoj|ogo|ego|aya|iy|yy|ij|yj|oy|oj|ii|y|i)$")


@dataclass(frozen=True)
class Address:
    """The parts of one written address; ``None`` where the text does not say."""

    text: str
    country: str | None = None
    unit: str | None = None
    level: str | None = None
    building: str | None = None
    number: str | None = None
    street: str | None = None
    postcode: str | None = None
    po_box: str | None = None

    def key(self) -> str:
        """The normalised form: the parts joined, empty ones kept as empty fields."""
        return "|".join(x or "" for x in (self.country, self.postcode, self.street, self.number, self.building,
                                          self.level, self.unit, self.po_box))


@dataclass(frozen=True)
class Verdict:
    same: str  # "same", "unsure" or "different"
    reason: str


def _stem(word: str) -> str:
    return _ENDINGS.sub("", word) if len(word) > 5 else word


def parse(text: str, country: str | None = None) -> Address:
    """The parts of ``text`` (any script; see the module docstring). Never raises."""
    raw = re.sub(r"(?<=\d)\s*[/-]\s*(?=\d)", _SLASH, text)
    raw = re.sub(r"(?<=\d)/f\b", " floor", raw, flags=re.IGNORECASE)  # 19/F
    words = latin(raw).replace(_SLASH, "/").split()
    parts: dict[str, str] = {}
    m = UK_POSTCODE.search(" ".join(words))
    if m:
        parts["postcode"] = f"{m.group(1)}{m.group(2)}"
    used: set[int] = set()

    def take(i: int, field: str) -> bool:
        if i < len(words) and field not in parts and (NUMBER.match(words[i]) or re.match(r"^[a-z]?\d+[a-z]?$", words[i])):
            parts[field] = words[i]
            used.add(i)
            return True
        return False

    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in ("po", "p") and "box" in words[i + 1:i + 3]:
            j = words.index("box", i)
            if j + 1 < len(words) and words[j + 1].isdigit():
                parts.setdefault("po_box", words[j + 1])
                used.update(range(i, j + 2))
        elif w == "pobox" and nxt.isdigit():
            parts.setdefault("po_box", nxt)
            used.update((i, i + 1))
        elif w in LEVEL_WORDS:
            used.add(i)
            if not take(i + 1, "level") and i > 0 and ORDINAL.match(words[i - 1]) and "level" not in parts:
                parts["level"] = ORDINAL.match(words[i - 1]).group(1)  # type: ignore[union-attr]
                used.add(i - 1)
        elif w in UNIT_WORDS:
            used.add(i)
            if re.match(r"^l\d+$", nxt) and "level" not in parts:  # "UNIT L7" is level 7
                parts["level"] = nxt[1:]
                used.add(i + 1)
            else:
                take(i + 1, "unit")
        elif w in BUILDING_WORDS and nxt and nxt[0].isdigit():
            used.add(i)
            take(i + 1, "building")
        elif w in HOUSE_WORDS and nxt and nxt[0].isdigit():
            used.add(i)
            take(i + 1, "number")
        elif re.match(r"^l\d+$", w) and "level" not in parts:
            parts["level"] = w[1:]
            used.add(i)
    if "level" in parts:
        parts["level"] = parts["level"].lstrip("l")
    _street(words, used, parts)
    if "postcode" not in parts:
        codes = [w for i, w in enumerate(words) if i not in used and w.isdigit() and 4 <= len(w) <= 6]
        if codes:
            parts["postcode"] = codes[-1]
    number = parts.get("number")
    if number and "/" in number and "building" not in parts:
        parts["number"], parts["building"] = number.split("/", 1)
    return Address(text=text, country=(country or "").lower() or None, **parts)


def _street(words: list[str], used: set[int], parts: dict[str, str]) -> None:
    """The street name beside its type word, and the house number beside them."""
    for i, w in enumerate(words):
        kind = STREET_TYPES.get(w)
        if kind is None or i in used:
            continue
        before: list[str] = []
        j = i - 1
        while (j >= 0 and j not in used and words[j].isalpha() and words[j] not in _MARKERS
               and len(before) < 3):
            before.insert(0, words[j])
            j -= 1
        after: list[str] = []
        k = i + 1
        while (k < len(words) and k not in used and (words[k].isalpha() or ORDINAL.match(words[k]) and k == i + 1)
               and words[k] not in _MARKERS and len(after) < 3):
            after.append(words[k])
            k += 1
        # "ul. Vorovskogo d. 130" names the street after its type; "272 Pushkinskaya St" before it
        number_at = -1
        if w in NAME_AFTER and after:
            name = after
            if k < len(words) and NUMBER.match(words[k]) and k not in used:
                number_at = k
        elif before:
            name = before
            if j >= 0 and NUMBER.match(words[j]) and j not in used:
                number_at = j
        else:
            continue
        parts["street"] = " ".join(_stem(x) for x in name) + " " + kind
        if number_at >= 0 and "number" not in parts:
            parts["number"] = words[number_at]
            used.add(number_at)
        used.update(range(j + 1, k))
        return


def compare(a: Address, b: Address) -> Verdict:
    """Whether ``a`` and ``b`` name the same place (see the module docstring)."""
    if a.country and b.country and a.country != b.country:
        return Verdict("different", "countries differ")
    if a.po_box and b.po_box:
        if a.po_box != b.po_box:
            return Verdict("different", "PO boxes differ")
        if a.postcode and b.postcode and a.postcode != b.postcode:
            return Verdict("unsure", f"same PO box {a.po_box}, postcodes {a.postcode} and {b.postcode}")
        return Verdict("same", f"PO box {a.po_box}")
    if not (a.street and a.number and b.street and b.number):
        return Verdict("different", "street or number not read")
    if a.street != b.street or a.number != b.number:
        return Verdict("different", "street or number differs")
    where = f"{a.number} {a.street}"
    for part in ("building", "level", "unit"):
        x, y = getattr(a, part), getattr(b, part)
        if x and y and x != y:
            return Verdict("different", f"{where}: {part} {x} and {y}")
    if a.postcode and b.postcode and a.postcode != b.postcode:
        return Verdict("unsure", f"{where}: postcodes {a.postcode} and {b.postcode} (a typo, or two towns)")
    missing = [p for p in ("postcode", "building", "level", "unit") if bool(getattr(a, p)) != bool(getattr(b, p))]
    if missing:
        return Verdict("unsure", f"{where}: {', '.join(missing)} written on one side only")
    return Verdict("same", where + "".join(f", {p} {getattr(a, p)}" for p in ("building", "level", "unit")
                                           if getattr(a, p)) + (f", {a.postcode}" if a.postcode else ""))


def group(parsed: Mapping[str, Address]) -> list[list[str]]:
    """The ids of ``parsed`` in groups judged ``same`` (chains joined), each group sorted and
    the groups sorted by first id. Compares only addresses with the same street and number, or
    the same PO box, in the same country (a form without a country joins only forms without
    one, so no chain runs through it across two countries): O(n) blocking plus the pairs
    within a block."""
    blocks: dict[tuple[str, ...], list[str]] = {}
    for i, addr in sorted(parsed.items()):
        if addr.po_box:
            blocks.setdefault(("po", addr.country or "", addr.po_box), []).append(i)
        if addr.street and addr.number:
            blocks.setdefault(("st", addr.country or "", addr.street, addr.number), []).append(i)
    parent = {i: i for i in parsed}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ids in blocks.values():
        for n, x in enumerate(ids):
            for y in ids[n + 1:]:
                if compare(parsed[x], parsed[y]).same == "same":
                    rx, ry = find(x), find(y)
                    if rx != ry:
                        parent[max(rx, ry)] = min(rx, ry)
    out: dict[str, list[str]] = {}
    for i in sorted(parsed):
        out.setdefault(find(i), []).append(i)
    return sorted(out.values())
