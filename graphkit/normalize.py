"""Normalising names, legal forms, countries, identifiers, HS codes, dates and numbers.

Transliteration, legal-form tables and country names come from ``rigour`` (OpenSanctions' name
library); this module adds only what it lacks for Kazakh and Russian registries and customs
lines (listed in ``EXTRA_LEGAL_FORMS``) and the parsing of vendor formats.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from rigour.names import org_types
from rigour.territories import lookup_by_identifier
from rigour.territories.util import normalize_territory_name
from rigour.text import ascii_text

NULLS = frozenset({"", "NULL", "null", "None", "-0-", "N/A", "n/a", "-"})

# Legal forms rigour does not know (checked against rigour 2.6): the Kazakh LLP in Russian and
# Kazakh, Russian sole traders and the long Russian forms, "GmbH & Co. KG" once punctuation is
# gone, and the American "Corp.". Canonical form -> spellings, matched as whole words on the
# casefolded ASCII form of the name.
EXTRA_LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "llp": ("too", "tovarishchestvo s ogranichennoi otvetstvennostyu",
            "tovarishchestvo s ogranichennoi otvetstvennostiu", "zhshs", "llp",
            "zhauapkershilihi shekteuli seriktestik"),
    "llc": ("ooo", "obshchestvo s ogranichennoi otvetstvennostyu", "llc", "ltd liability company",
            "tovaristvo z obmezhenoyu vidpovidalnistyu", "tovarystvo z obmezhenoiu vidpovidalnistiu",
            "tavarystva z abmezhavanai adkaznastsyu", "tov"),
    "jsc": ("ao", "aktsionernoe obshchestvo", "jsc", "oao", "otkrytoe aktsionernoe obshchestvo",
            "aktsionerne tovaristvo", "aktsionerne tovarystvo", "akcionerne tovarystvo"),
    "pjsc": ("pao", "publichnoe aktsionernoe obshchestvo", "publichne aktsionerne tovaristvo"),
    "cjsc": ("zao", "zakrytoe aktsionernoe obshchestvo"),
    "private enterprise": ("privatne pidpryemstvo", "pp"),
    "spzoo": ("sp z oo", "spolka z oo", "spolka z ograniczona odpowiedzialnoscia"),
    "gmbh & co kg": ("gmbh co kg", "gmbh und co kg"),
    "corp": ("corp", "corporation"),
    "sole trader": ("ip", "indyvidualnyi pidpryemets", "individualny predprinimatel", "individualnyi predprinimatel",
                    "individualnyy predprinimatel", "individualniy predprinimatel"),
}
# Legal forms that transliteration turns into another country's: the Armenian ՍՊԸ (limited
# liability company) comes out as "spa", the Italian S.p.A. Neither rigour nor followthemoney
# knows Armenian forms (rigour 2.6), so they are read in their own script, as whole words, before
# the name is transliterated (Armenian customs lines: "ԲԱՐՍԻՍ ՍՊԸ", in English "BARSIS LLC").
NATIVE_LEGAL_FORMS: dict[str, str] = {
    "ՍՊԸ": "llc",  # սահմանափակ պատասխանատվությամբ ընկերություն
    "ՓԲԸ": "cjsc",  # փակ բաժնետիրական ընկերություն
    "ԲԲԸ": "ojsc",  # բաց բաժնետիրական ընկերություն
    "ԱՁ": "ip",  # անհատ ձեռնարկատեր: a sole trader
}
_NATIVE_FORM = re.compile(r"(?<!\w)(" + "|".join(NATIVE_LEGAL_FORMS) + r")(?!\w)")


def _native_forms(text: str) -> str:
    """``text`` with the forms of ``NATIVE_LEGAL_FORMS`` written as the forms they are."""
    return _NATIVE_FORM.sub(lambda m: NATIVE_LEGAL_FORMS[m.group(1)], text) if not text.isascii() else text


# Families of legal forms: the forms of one family are one kind of entity written in another
# language or script (ООО = OOO = LLC = MMC = ТОВ; ТОО = LLP = ЖШС; АО = JSC). Forms not listed
# are their own family under rigour's compare form ("gmbh", "ag", "stiftung", "inc", "ltd",
# "nv", "bv"...): two firms whose forms are of different families are different entities.
FORM_FAMILIES: dict[str, frozenset[str]] = {
    "llc": frozenset({"llc", "ooo", "mmc", "tov", "ltd liability company"}),
    "llp": frozenset({"llp", "too", "zhshs"}),
    "jsc": frozenset({"jsc", "ao", "oao", "ojsc"}),
    "pjsc": frozenset({"pjsc", "pao"}),
    "cjsc": frozenset({"cjsc", "zao"}),
    "sole trader": frozenset({"ip", "sole trader"}),
    "ltd": frozenset({"ltd", "limited"}),
    "inc": frozenset({"inc", "corp", "incorporated"}),
}
# Families that translate one another loosely: a Kazakh ТОО is often written "LLC" in English, a
# Russian ООО "Ltd", an ОАО re-registers as ПАО under the same number. Names alone cannot tell,
# so a pair of such forms waits for a person.
KIN_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"llc", "llp", "ltd"}),
    frozenset({"jsc", "pjsc", "cjsc"}),
)
_FAMILY_OF = {form: family for family, forms in FORM_FAMILIES.items() for form in forms}
# Forms that stand before a name (ООО «Ромашка», ТОО «Аспан Арба», ИП Иванов): the custom of
# the former Soviet registries. Elsewhere a legal form ends the name; a word that rigour knows as
# a form somewhere in the world ("AT", "EKD") is part of the name in any other place.
LEADING_FORMS = frozenset({"llc", "ooo", "llp", "too", "zhshs", "jsc", "ao", "oao", "ojsc", "pjsc", "pao",
                           "cjsc", "zao", "ip", "sole trader", "tov", "mmc", "chp", "pp"})


def form_family(form: str | None) -> str | None:
    """The family of a legal form as written or as parsed ("ТОО", "too", "LLP" -> "llp"; the
    registry's "Общества с ограниченной ответственностью" -> "llc"); None if the text is no
    legal form we know (an unknown form is never evidence that two firms differ)."""
    if not form:
        return None
    text = latin(_native_forms(_DOTTED.sub(_undot, form)))
    found = _form_at_edges(text) if text else None
    if found is None:
        return None
    return _FAMILY_OF.get(found[0], found[0])


def related_forms(a: str, b: str) -> bool:
    """Whether two families may be one kind of entity written by two conventions: listed in
    ``KIN_FAMILIES``, or of one generic kind in rigour's table (an AO written "SA", an Inc.
    written "Ltd."). A person decides such pairs; forms of other kinds (a foundation and a
    stock corporation, an N.V. and a B.V.) part two entities."""
    if any(a in kin and b in kin for kin in KIN_FAMILIES):
        return True
    ga, gb = _generic(a), _generic(b)
    return ga is not None and ga == gb


@lru_cache(maxsize=1_000)
def _generic(family: str) -> str | None:
    for form in sorted(FORM_FAMILIES.get(family, frozenset({family}))):
        found = org_types.extract_org_types(form, generic=True)
        if found:
            return found[0][1]
    return None


_EXTRA_RE = re.compile(
    r"(?:^|\s)(" + "|".join(sorted((re.escape(s) for v in EXTRA_LEGAL_FORMS.values() for s in v),
                                    key=len, reverse=True)) + r")(?=\s|$)"
)
_EXTRA_CANON = {s: k for k, v in EXTRA_LEGAL_FORMS.items() for s in v}
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_DOTTED = re.compile(r"(?<!\w)(?:\w\.){2,}(?!\w)")  # S.p.A., A.Ş., B.V., o.o.: one word each
_GLUED_IDS = re.compile(r"^\s*(\d{10}|\d{12})(?:\s+(\d{9}))?\s+(.*\S)\s*$")


def is_null(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in NULLS)


def clean(value: object) -> str | None:
    """Strip a cell; placeholders such as ``NULL`` and ``-0-`` become ``None``."""
    if value is None:
        return None
    text = str(value).replace("\ufeff", "").replace("\x1a", "").strip()
    return None if text in NULLS else text


# Letters that look alike in Cyrillic and Latin. Customs clerks mix them ("SHIMКENT" with a
# Cyrillic К, "ТEXHOPARK" with Latin letters in a Cyrillic word): inside a word written mostly in
# one script, a look-alike from the other script is read as the letter it looks like.
_CYR_TO_LAT = dict(zip("АВЕКМНОРСТУХаеорсух", "ABEKMHOPCTYXaeopcyx", strict=True))
_LAT_TO_CYR = {v: k for k, v in _CYR_TO_LAT.items()}
_WORD = re.compile(r"\w+", re.UNICODE)
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def fix_homoglyphs(text: str) -> str:
    """Read look-alike letters of the other script as the word's own script (see above)."""

    if text.isascii() or not _LATIN_LETTER.search(text):
        return text  # one script only: nothing to repair

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        cyr = sum(_is_cyrillic(c) for c in word)
        lat = sum(c.isascii() and c.isalpha() for c in word)
        if not cyr or not lat:
            return word
        table = _CYR_TO_LAT if lat >= cyr else _LAT_TO_CYR
        return "".join(table.get(c, c) for c in word)

    return _WORD.sub(fix, text)


@lru_cache(maxsize=500_000)
def _ascii_word(word: str) -> str:
    return ascii_text(word)


_SIGNS = re.compile(r"[ʹʺ'`’]")


@lru_cache(maxsize=200_000)
def latin(text: str) -> str:
    """ASCII transliteration (rigour), casefolded, punctuation to spaces, spaces collapsed.

    Mixed-script homoglyphs (a Cyrillic К inside a Latin word, as in real customs lines) come
    out as the same letters as their Latin look-alikes.
    """
    # transliterate word by word: names share words, and rigour's transliteration is the
    # costly step (about 0.3 ms a call), so each distinct word is transliterated once
    ascii_form = " ".join(w if w.isascii() else _ascii_word(w) for w in fix_homoglyphs(text).split()).casefold()
    ascii_form = _SIGNS.sub("", ascii_form)  # soft and hard signs join their word
    return " ".join(_NON_WORD.sub(" ", ascii_form).replace("_", " ").split())


# The long Russian and Kazakh forms in any grammatical case, as registries write them in a
# legalForm field ("Общества с ограниченной ответственностью", "Непубличные акционерные общества")
_LONG_FORMS = [(re.compile(p), family) for p, family in [
    (r"\bobshchestv\w* s ogranichenn\w* otvetstvenn\w*", "llc"),
    (r"\btovarishchestv\w* s ogranichenn\w* otvetstvenn\w*", "llp"),
    (r"\bpublichn\w* aktsionern\w* obshchestv\w*", "pjsc"),
    (r"\bzakryt\w* aktsionern\w* obshchestv\w*", "cjsc"),
    (r"\b(?:nepublichn\w* |otkryt\w* )?aktsionern\w* obshchestv\w*", "jsc"),
    (r"\bindividualn\w* predprinimatel\w*", "sole trader"),
]]


def _form_at_edges(text: str) -> tuple[str, int, int] | None:
    """(compare form, start, end) of the legal form ending ``text``, else of one that starts it
    and stands there by custom (``LEADING_FORMS``); None if neither."""
    found = _EXTRA_RE.search(text)
    extra = [(family, m.start(), m.end()) for pattern, family in _LONG_FORMS for m in pattern.finditer(text)]
    while found:
        extra.append((_EXTRA_CANON[found.group(1)], found.start(1), found.end(1)))
        found = _EXTRA_RE.search(text, found.end(1))
    matches = extra + _rigour_forms(text)
    trailing = [m for m in matches if m[2] == len(text)]
    if trailing:
        return min(trailing, key=lambda m: m[1])
    leading = [m for m in matches if m[1] == 0 and m[0] in LEADING_FORMS]
    return max(leading, key=lambda m: m[2]) if leading else None


def _rigour_forms(text: str) -> list[tuple[str, int, int]]:
    """(compare form, start, end) of every whole-word legal form rigour finds in ``text``; a
    Roman numeral is never one ("QVC Germany II LLC", "IP Aliev II")."""
    out = []
    for matched, compare in set(org_types.extract_org_types(text)):
        if set(matched) <= set("ivx"):
            continue
        for m in re.finditer(r"(?<!\w)" + re.escape(matched) + r"(?!\w)", text):
            out.append((compare, m.start(), m.end()))
    return out


def _undot(m: re.Match[str]) -> str:
    """"S.p.A." -> "SpA" where the letters spell a legal form; initials ("I.I.") stay apart."""
    joined = m.group(0).replace(".", "")
    known = org_types.extract_org_types(joined.casefold()) if not set(joined.casefold()) <= set("ivx") else []
    return joined if known and known[0][0] == joined.casefold() else m.group(0)


@lru_cache(maxsize=200_000)
def split_legal_form(name: str) -> tuple[str | None, str]:
    """Split a firm's name into (legal form family, name without the form), on the
    transliterated form. The form is taken from the end of the name, or from its start where
    forms stand there by custom (see ``LEADING_FORMS``); words elsewhere are part of the name.

    >>> split_legal_form("ООО «Небесная механика»")
    ('llc', 'nebesnaya mehanika')
    >>> split_legal_form("EKD Media GmbH")
    ('gmbh', 'ekd media')
    """
    text = latin(_native_forms(_DOTTED.sub(_undot, name)))
    found = _form_at_edges(text)
    if found is None:
        return None, text
    form, start, end = found
    rest = " ".join((text[:start] + " " + text[end:]).split())
    return _FAMILY_OF.get(form, form), rest


@lru_cache(maxsize=200_000)
def name_key(name: str, label: str = "Company") -> str:
    """The exact look-up key of a name: transliterated, casefolded, legal form and glued
    registry numbers removed; for people the words are sorted, so word order does not matter.
    """
    _, rest = split_glued_ids(name)
    if label == "Person":
        return " ".join(sorted(latin(rest).split()))
    return split_legal_form(rest)[1]


def split_glued_ids(text: str) -> tuple[dict[str, str], str]:
    """Registry numbers glued in front of a name, as Russian customs lines write them.

    >>> split_glued_ids("7722476458 772201001 OOO YATASH RUS")
    ({'ru-inn': '7722476458', 'ru-kpp': '772201001'}, 'OOO YATASH RUS')
    """
    m = _GLUED_IDS.match(text)
    if not m:
        return {}, text
    ids = {"ru-inn": m.group(1)}
    if m.group(2):
        ids["ru-kpp"] = m.group(2)
    return ids, m.group(3)


def country(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 in lower case, from a code or a name in any language rigour knows."""
    if is_null(value):
        return None
    assert value is not None
    return _country(value.strip())


@lru_cache(maxsize=10_000)
def _country(value: str) -> str | None:
    """``lookup_territory(value)`` (no fuzzy guess) as a code: by identifier, else by rigour's
    table of normalised territory names, read from a file of its own (``territory_names``)."""
    territory = lookup_by_identifier(value)
    if territory is not None:
        code: str | None = territory.code
    else:
        code = territory_names().get(normalize_territory_name(value))
    return code.split("-")[0] if code else None


def cache_dir() -> Path:
    """graphkit's cache folder: ``$GRAPHKIT_CACHE``, else ``~/.cache/graphkit``."""
    env = os.environ.get("GRAPHKIT_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "graphkit"


@lru_cache(maxsize=1)
def territory_names() -> dict[str, str]:
    """rigour's table of territory names (normalised name -> territory code), which rigour
    builds on its first look-up of a name: 1.4 s of transliterating 29,000 names, in every
    process that reads a country by name (each process reading a part of a load; half the CPU of
    counting 50,000 PSC lines, docs/benchmarks.md "Loader: UK PSC lines against a JSON parse").
    Built once per rigour version and kept in the cache folder (``cache_dir``) as JSON, read back
    in milliseconds; where the folder cannot be written it is built again in the next process."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        path: Path | None = cache_dir() / f"territory-names-rigour-{version('rigour')}.json"
    except PackageNotFoundError:  # rigour run from a source tree: no version to keep a table by
        path = None
    if path is not None:
        try:
            kept = json.loads(path.read_text("utf-8"))
            if isinstance(kept, dict) and kept.get("format") == 1 and isinstance(kept.get("names"), dict):
                return dict(kept["names"])
        except (OSError, ValueError):
            pass
    from rigour.territories.lookup import _get_territory_names  # the table lookup_territory reads

    names = {name: territory.code for name, territory in _get_territory_names().items()}
    if path is not None:
        _keep(path, {"format": 1, "names": names})
    return names


def _keep(path: Path, value: Any) -> None:
    """Write ``value`` as JSON to ``path`` whole or not at all (processes may write it at once)."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                         delete=False) as fh:
            tmp = fh.name
            json.dump(value, fh, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def hs_code(value: str | None) -> tuple[str, str | None, str] | None:
    """An HS code as declared (a string, never a number) with its HS-6 and chapter.

    National codes have 8 or 10 digits; an odd length below 11 means a spreadsheet dropped the
    leading zero, which is put back. An 11-digit code is kept as it is: the Armenian declarations
    write the 10-digit EAEU code and one digit more (69072190090, chapter 69 as their own HS CODE 2
    column says), which padding would read as chapter 06, live plants. Returns None for an empty
    cell; raises ValueError for anything that is not digits.
    """
    if is_null(value):
        return None
    assert value is not None
    code = value.strip().replace(".", "").replace(" ", "")
    if code.endswith(".0"):
        code = code[:-2]
    if not code.isdigit():
        raise ValueError(f"{value!r} is not an HS code (digits only)")
    if len(code) % 2 == 1 and len(code) < 11:
        code = "0" + code
    if len(code) < 2:
        raise ValueError(f"{value!r} is too short for an HS code")
    return code, (code[:6] if len(code) >= 6 else None), code[:2]


def parse_date(value: str | None, formats: tuple[str, ...] = ()) -> dt.date | None:
    """A date from ISO text (``2022-04-15``, also with a time part) or one of ``formats``
    (strptime patterns such as ``%b %Y`` for ``Mar 2025``). Raises ValueError if none fits."""
    if is_null(value):
        return None
    assert value is not None
    text = value.strip()
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{value!r} is not a date") from None


def parse_float(value: str | None) -> float | None:
    """A number; a comma as the decimal separator is accepted. Raises ValueError otherwise."""
    if is_null(value):
        return None
    assert value is not None
    text = value.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None


def parse_bool(value: str | None) -> bool | None:
    if is_null(value):
        return None
    assert value is not None
    text = value.strip().casefold()
    if text in {"1", "true", "yes", "y", "t"}:
        return True
    if text in {"0", "false", "no", "n", "f"}:
        return False
    raise ValueError(f"{value!r} is not true or false")


def clear_caches() -> None:
    """Empty this module's memories of worked-out values (bounded, but up to a few hundred MB
    once a large load has filled them); a load does so between reading and writing."""
    for cached in (_generic, _ascii_word, latin, split_legal_form, name_key, _country):
        cached.cache_clear()
