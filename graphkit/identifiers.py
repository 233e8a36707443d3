"""Registry identifiers: which scheme a number belongs to, its normal form, and what two sets of
numbers say about two records.

The schemes are data (``model.yml``, ``identifiers``): ``ru-inn``, ``kz-bin``, ``ru-ogrn``,
``lei``, ``gb-coh``, ``ua-edrpou``, ``kz-iin``, ... A number whose scheme is not known but whose
country is becomes ``reg:<country>:<value>`` (a registration number), ``tax:<country>:<value>``
or ``vat:<country>:<value>``: generic schemes, compared like the others but never a node id.

An identifier is written ``<scheme>:<value>``; the scheme is everything before the last colon
(``reg:de:HRB 1234`` is scheme ``reg:de``). Two records carrying different values of one
scheme, and no value in common, are two entities: a firm has one INN, one BIN, one LEI.

>>> qualify("registrationNumber", "220440173863", country="kz", label="Company")
'kz-bin:220440173863'
>>> qualify("registrationNumber", "HRB 86786", country="DE", label="Company")
'reg:de:HRB 86786'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from graphkit import normalize as nz
from graphkit.model import IdScheme, get_model

# what a source calls a number (FtM property names and the registry layout's schemes) -> the
# kind of number it is; the kind and the country give the scheme
KINDS = {
    "innCode": "tax", "taxNumber": "tax", "ogrnCode": "registration", "leiCode": "lei",
    "registrationNumber": "registration", "vatCode": "vat", "company-number": "registration",
    "bicCode": None, "swiftBic": None,
}


@cache
def _national() -> dict[tuple[str, str], tuple[str, ...]]:
    """(kind of number, country) -> the schemes to try in order, the first whose pattern fits
    wins: every scheme of that country whose ``kinds`` in ``model.yml`` name that kind."""
    out: dict[tuple[str, str], list[str]] = {}
    for name, s in schemes().items():
        for kind in s.kinds:
            if s.country:
                out.setdefault((kind, s.country), []).append(name)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _generic() -> dict[str, str]:
    """kind of number -> the prefix of its generic scheme (``model.yml``, ``generic_identifiers``)."""
    return {kind: g.prefix for kind, g in get_model().generic_identifiers.items()}


@cache
def generic_prefixes() -> tuple[str, ...]:
    """``("reg:", "tax:", "vat:", "nid:")``: how a generic scheme's identifier begins."""
    return tuple(f"{p}:" for p in _generic().values())


@cache
def schemes() -> dict[str, IdScheme]:
    """The model's identifier schemes by name."""
    return dict(get_model().identifiers)


@cache
def _pattern(scheme: str) -> re.Pattern[str] | None:
    s = schemes().get(scheme)
    return re.compile(f"(?:{s.pattern})") if s and s.pattern else None


def scheme_of(identifier: str) -> str:
    """``ru-inn`` of ``ru-inn:7707083893``; ``reg:de`` of ``reg:de:HRB 1234``."""
    return identifier.rpartition(":")[0] if identifier.startswith(generic_prefixes()) else identifier.partition(":")[0]


def split(identifier: str) -> tuple[str, str]:
    scheme = scheme_of(identifier)
    return scheme, identifier[len(scheme) + 1:]


def normalise(scheme: str, value: str) -> str | None:
    """The value as the scheme writes it (digits without spaces; LEIs upper case; UK company
    numbers padded to eight), or None if it does not fit the scheme's pattern."""
    text = value.strip().upper()
    if scheme in schemes() and schemes()[scheme].pattern and re.fullmatch(r"[\d\s\-./]+", text):
        text = re.sub(r"\D", "", text)
    else:
        text = re.sub(r"\s+", "", text) if scheme in schemes() else " ".join(text.split())
    if scheme == "gb-coh":
        text = gb_company_number(text) or text
    pattern = _pattern(scheme)
    if pattern is not None and not pattern.fullmatch(text):
        return None
    return text or None


def qualify(kind_or_scheme: str, value: str, *, country: str | None = None,
            label: str = "Company") -> str | None:
    """``scheme:value`` for a number, from what the source calls it and the country it is from.

    ``kind_or_scheme`` is a scheme of the model (``ru-inn``), an FtM property (``innCode``,
    ``registrationNumber``, ``taxNumber``, ``vatCode``, ``leiCode``, ``ogrnCode``) or
    ``company-number``. A national scheme is chosen where the country and the number's shape
    say which; otherwise the generic ``reg:<country>`` (``tax:``, ``vat:``). Without a country a
    number of unknown scheme is not an identifier (None): two registers may reuse a number.
    """
    if not value or not value.strip():
        return None
    country = (country or "").strip().lower()[:2] or None
    if kind_or_scheme.startswith(generic_prefixes()):  # already qualified
        return f"{kind_or_scheme}:{' '.join(value.strip().upper().split())}"
    if kind_or_scheme in schemes():
        scheme = kind_or_scheme
        if label not in schemes()[scheme].labels:
            return None
        norm = normalise(scheme, value)
        if norm is not None:
            return f"{scheme}:{norm}"
        country = country or schemes()[scheme].country
        kind: str | None = "registration"
    else:
        kind = KINDS.get(kind_or_scheme, "registration")
        if kind is None:
            return None
        if kind_or_scheme in ("innCode", "ogrnCode"):
            country = "ru"
    return of_kind(kind or "registration", value, country=country, label=label)


def of_kind(kind: str, value: str, *, country: str | None, label: str = "Company") -> str | None:
    """``scheme:value`` for a number of ``kind`` (``registration``, ``tax``, ``vat``,
    ``national_id``, ``lei``) from ``country``: the first national scheme of that kind and
    country (``model.yml``) whose pattern fits, else the generic ``<prefix>:<country>`` of the
    kind (``reg:de:HRB 86786``, ``nid:gb:…``); None without a country, or for a LEI that is not
    one."""
    if kind == "lei":
        norm = normalise("lei", value)
        return f"lei:{norm}" if norm else None
    country = (country or "").strip().lower()[:2] or None
    for scheme in _national().get((kind, country or ""), ()):
        if label in schemes()[scheme].labels:
            norm = normalise(scheme, value)
            if norm is not None:
                return f"{scheme}:{norm}"
    if not country:
        return None
    generic = " ".join(value.strip().upper().split())
    return f"{_generic().get(kind, _generic()['registration'])}:{country}:{generic}"


def describe(identifier: str) -> tuple[str, str]:
    """What a report prints for an identifier: its scheme's short name (``model.yml``) and
    value. ``ru-inn:7707083893`` -> ``("INN", "7707083893")``; ``nid:gb:114671230001`` ->
    ``("national id (GB)", "114671230001")``; a scheme the model does not know (``imo:…``) is
    printed by its own name."""
    scheme, value = split(identifier)
    known = schemes().get(scheme)
    if known is not None:
        return known.short, value
    prefix, _, country = scheme.partition(":")
    for g in get_model().generic_identifiers.values():
        if g.prefix == prefix and country:
            return f"{g.short} ({country.upper()})", value
    return scheme, value


def by_scheme(identifiers: Iterable[str]) -> dict[str, set[str]]:
    """Identifiers grouped by scheme: ``{"ru-inn": {"7707083893"}, "reg:de": {"HRB 1"}}``."""
    out: dict[str, set[str]] = {}
    for x in identifiers:
        scheme, value = split(x)
        if value:
            out.setdefault(scheme, set()).add(value)
    return out


def shared(a: Iterable[str], b: Iterable[str]) -> list[str]:
    """Identifiers both carry, sorted."""
    ia, ib = by_scheme(a), by_scheme(b)
    return sorted(f"{s}:{v}" for s in ia.keys() & ib.keys() for v in ia[s] & ib[s])


def conflicts(a: Iterable[str], b: Iterable[str]) -> list[tuple[str, str, str]]:
    """(scheme, value of a, value of b) for each scheme both carry without a value in common:
    the two records are different entities."""
    ia, ib = by_scheme(a), by_scheme(b)
    return [(s, min(ia[s]), min(ib[s])) for s in sorted(ia.keys() & ib.keys()) if not ia[s] & ib[s]]


def describe_conflict(scheme: str, va: str, vb: str) -> str:
    """'different INN 7717019625 vs 7712345678'"""
    names = {"ru-inn": "INN", "ru-ogrn": "OGRN", "kz-bin": "BIN", "kz-iin": "IIN", "lei": "LEI",
             "gb-coh": "UK company number", "ua-edrpou": "EDRPOU code", "passport": "passport"}
    what = names.get(scheme) or f"{scheme} number"
    return f"different {what} {va} vs {vb}"


def is_registry_id(node_id: str) -> bool:
    """Whether a node id is a registry number (``ru-inn:…``) rather than a derived hash."""
    scheme, value = split(node_id)
    return bool(value) and (scheme in schemes() or scheme.startswith(generic_prefixes()))


def candidates_for(query: str) -> list[str]:
    """The node ids and registry ids a bare number may be written as: ``7707083893`` ->
    ``ru-inn:7707083893``, ``kz-bin:…`` (those its pattern fits)."""
    query = query.strip()
    out = []
    for scheme in schemes():
        norm = normalise(scheme, query)
        if norm is not None:
            out.append(f"{scheme}:{norm}")
    return out


# --------------------------------------------------------------------------------------------
# Numbers as the UK and GLEIF registers write them

# Texts by which a UK PSC record says its firm is on the UK register (country_registered,
# place_registered, legal_authority), casefolded.
_UK_REGISTER = re.compile(
    r"\b(companies house|england|wales|scotland|northern ireland|united kingdom|great britain|"
    r"\buk\b|u\.k\.|gb)\b")
# GLEIF registration authority codes whose entity ids we can name (gleif.org RA list).
GLEIF_AUTHORITIES = {"RA000585": "gb-coh"}


def gb_company_number(value: str | None) -> str | None:
    """A Companies House number as CH writes it: upper case, no spaces, 8 characters (a number
    of digits only is padded with leading zeros; ``SC``, ``NI``, ``OC``... prefixes kept)."""
    if not value:
        return None
    text = _SPACES.sub("", value).upper()
    if not _GB_NUMBER.fullmatch(text):
        return None
    prefix = _LETTERS.match(text)
    assert prefix is not None
    digits = text[prefix.end():]
    return prefix.group() + digits.zfill(8 - prefix.end())


# compiled once: the function runs on every PSC line (the company's number)
_SPACES, _GB_NUMBER, _LETTERS = re.compile(r"\s+"), re.compile(r"[A-Z]{0,2}\d{1,8}"), re.compile(r"[A-Z]*")


def registration_id(number: str | None, country_registered: str | None = None,
                    place_registered: str | None = None, legal_authority: str | None = None) -> str | None:
    """The scheme-qualified id of a firm's registration number as a UK PSC record gives it:
    ``gb-coh:<number>`` when the record says the UK register, ``reg:<country>:<number>`` when it
    names another country, None when it gives no number or no country we can read."""
    if not number or not number.strip():
        return None
    where = " ".join(t for t in (country_registered, place_registered) if t).casefold()
    if not where and legal_authority:
        where = legal_authority.casefold()
    if _UK_REGISTER.search(where.replace("new south wales", "")):
        coh = gb_company_number(number)
        return f"gb-coh:{coh}" if coh else f"reg:gb:{number.strip()}"
    for text in (country_registered, place_registered, legal_authority):
        if not text:
            continue
        for piece in [text, *reversed(text.split(","))]:
            country = nz.country(piece.strip())
            if country:
                return f"reg:{country}:{number.strip()}"
    return None


def gleif_registration(authority: str | None, entity_id: str | None) -> str | None:
    """A national id from a GLEIF record's registration authority and entity id, where graphkit
    knows the authority (``RA000585`` Companies House -> ``gb-coh:``); otherwise None."""
    if not authority or not entity_id:
        return None
    scheme = GLEIF_AUTHORITIES.get(authority.strip())
    if scheme == "gb-coh":
        coh = gb_company_number(entity_id)
        return f"gb-coh:{coh}" if coh else None
    return None
