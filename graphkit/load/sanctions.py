"""Sanctions lists in their published formats.

The OFAC SDN list (``sdn.csv`` from treasury.gov) has no header row, writes missing values as
``-0-``, ends lines with CRLF and the file with an EOF byte, and packs aliases, dates of birth,
nationalities and registration numbers into one free-text ``Remarks`` column:

    "DOB 10 Dec 1948; nationality Russia; Tax ID No. 773407989940 (Russia); a.k.a. 'IVANOV I.'."

``loaders/ofac-sdn.yml`` reads the layout (``header: false`` with named columns) and names
``sdn_row`` below as its row parser (``derive: ofac-sdn``), which turns Remarks into columns the
mapping can use. The raw Remarks text is always kept (on the Sanction node, ``remarks``).

What is parsed, and how carefully (a wrong identifier would join a listed party to the wrong
firm, so anything unclear stays in the raw text only):

- ``a.k.a.`` / ``n.k.a.`` names become aliases, ``f.k.a.`` names previous names;
- ``DOB dd Mon yyyy`` becomes the birth date only when it is the entry's one full date of
  birth: a year alone, a range, or ``alt. DOB`` entries leave it unset (a birth date keeps
  people apart in resolution, so a guessed one would do harm); where every date given is a
  full one (``DOB 13 Oct 1962; alt. DOB 09 Jun 1969``) they are kept as ``birth_dates``, which
  keeps apart only a person born on none of them;
- ``nationality X`` and ``Citizen X`` give the nationality (the first one);
- numbers with a country: ``Tax ID No.`` is a tax number, ``National ID No.`` a national id,
  ``Legal Entity Number`` a LEI, ``V.A.T. Number`` a VAT number, any other wording a
  registration number; the kind and the country give the scheme as ``identifiers.of_kind``
  gives it from ``model.yml`` (a Russian tax number of 10 or 12 digits -> ``ru-inn``, a Russian
  registration number of 13 or 15 digits -> ``ru-ogrn``, a Kazakh firm's 12 digits -> ``kz-bin``,
  a UK registration or company number -> ``gb-coh``), else the kind's generic scheme:
  ``reg:<iso2>:<value>``, ``tax:``, ``vat:``, ``nid:`` (a national id is never printed as a
  registry number). Numbers with no country are left in the raw text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from graphkit import normalize as nz
from graphkit.identifiers import of_kind, schemes, split

_ALIAS = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.+)'$", re.IGNORECASE)
_DOB = re.compile(r"^(alt\.\s+)?DOB\s+(.+)$", re.IGNORECASE)
_NATIONALITY = re.compile(r"^(?:alt\.\s+)?(nationality|citizen)\s+(.+)$", re.IGNORECASE)
_NUMBER = re.compile(
    r"^(?:alt\.\s+)?(?P<kind>Tax ID No\.|Registration Number|Business Registration Number|Registration ID|"
    r"Company Number|National ID No\.|Legal Entity Number|Business Identification Number|"
    r"Government Gazette Number|Identification Number|Commercial Registry Number|"
    r"Unified Social Credit Code \(USCC\)|V\.A\.T\. Number|C\.R\. No\.|Economic Register Number \(CBLS\)|"
    r"Trade License No\.|Folio Mercantil No\.|Matricula Mercantil No|R\.F\.C\.)"
    r"\s+(?P<value>[A-Z0-9][A-Z0-9 ./-]*?)"
    r"(?:\s+\((?P<country>[^)]+)\))?$", re.IGNORECASE)
_LINKED_TO = re.compile(r"^Linked To:\s+(?P<name>.+)$", re.IGNORECASE)
# what the Remarks say about a vessel or an aircraft (the other asset facts have columns)
_ASSET_FACTS = {
    "imo": re.compile(r"^(?:Vessel Registration Identification|Identification Number) IMO\s+(\d{7})$", re.I),
    "mmsi": re.compile(r"^MMSI\s+(\d{9})$", re.I),
    "aircraft_model": re.compile(r"^Aircraft Model\s+(.+)$", re.I),
    "serial_number": re.compile(r"^Aircraft Manufacturer's Serial Number \(MSN\)\s+(.+)$", re.I),
    "tail_number": re.compile(r"^Aircraft Tail Number\s+(.+)$", re.I),
    "operator": re.compile(r"^Aircraft Operator\s+(.+)$", re.I),
}


def split_remarks(text: str | None) -> list[str]:
    """The ``;``-separated parts of a Remarks cell, trimmed, the final full stop removed. (OFAC
    separates parts with ``"; "``; a quoted alias holding a semicolon is split like the rest and
    its pieces stay unparsed, in the raw text.)"""
    out = []
    for p in (text or "").split(";"):
        p = p.strip()
        if p.endswith(".") and not p.endswith(("a.k.a.", "f.k.a.", "n.k.a.")):
            p = p[:-1].rstrip()
        if p:
            out.append(p)
    return out


def _full_date(text: str) -> dt.date | None:
    for fmt in ("%d %b %Y", "%d %B %Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def parse_remarks(text: str | None, *, person: bool) -> dict[str, Any]:
    """What the Remarks text says, as far as it can be read safely (see the module docstring).

    Returns ``aliases``, ``previous_names`` (lists), ``birth_date`` (ISO text or None),
    ``birth_dates`` (every full date where several are given, else empty),
    ``nationality`` (ISO alpha-2 or None), ``ids``: ``{scheme: [values]}``, ``linked_to``: the
    names after "Linked To:" as written (the final full stop removed) and ``asset``: what the
    Remarks say about a vessel or aircraft (``imo``, ``mmsi``, ``aircraft_model``,
    ``serial_number``, ``tail_number``, ``operator``).
    """
    aliases: list[str] = []
    previous: list[str] = []
    dobs: list[tuple[bool, str]] = []
    nationality: str | None = None
    ids: dict[str, list[str]] = {}
    linked: list[str] = []
    asset: dict[str, str] = {}
    for part in split_remarks(text):
        m = _LINKED_TO.match(part)
        if m:
            linked.append(m.group("name").strip())
            continue
        fact = next(((k, hit.group(1).strip()) for k, rx in _ASSET_FACTS.items() if (hit := rx.match(part))), None)
        if fact:
            asset.setdefault(*fact)
            continue
        m = _ALIAS.match(part)
        if m:
            (previous if m.group(1).lower().startswith("f") else aliases).append(m.group(2).strip())
            continue
        m = _DOB.match(part)
        if m:
            dobs.append((bool(m.group(1)), m.group(2)))
            continue
        m = _NATIONALITY.match(part)
        if m:
            nationality = nationality or nz.country(m.group(2))
            continue
        m = _NUMBER.match(part)
        if m:
            scheme, value = _scheme(m.group("kind"), m.group("value").strip(), m.group("country"), person)
            if scheme and value and value not in ids.setdefault(scheme, []):
                ids[scheme].append(value)
    birth = None
    if len(dobs) == 1 and not dobs[0][0]:
        day = _full_date(dobs[0][1])
        birth = day.isoformat() if day else None
    # several full dates ("DOB 13 Oct 1962; alt. DOB 09 Jun 1969"): none is the birth date, all
    # are kept, so that resolution can tell a person none of them fits; a year or a range among
    # them leaves the dates open, and nothing is kept
    days = [_full_date(text) for _, text in dobs]
    birth_dates = sorted({d.isoformat() for d in days if d}) if len(dobs) > 1 and all(days) else []
    return {"aliases": aliases, "previous_names": previous, "birth_date": birth,
            "birth_dates": birth_dates if len(birth_dates) > 1 else [],
            "nationality": nationality, "ids": ids, "linked_to": linked, "asset": asset}


# what kind of number each of OFAC's wordings is (model.yml, identifier kinds); any other
# wording _NUMBER reads is a registration number
_KIND_OF = {"tax id no.": "tax", "national id no.": "national_id", "legal entity number": "lei",
            "v.a.t. number": "vat"}


def _scheme(kind: str, value: str, country_name: str | None, person: bool) -> tuple[str | None, str | None]:
    """The scheme and value of a number the Remarks give, as ``identifiers.of_kind`` qualifies
    a number of that kind from that country (the model's schemes and patterns, nowhere else)."""
    number_kind = _KIND_OF.get(kind.lower(), "registration")
    iso = nz.country(country_name) if country_name else None
    if iso is None and number_kind != "lei":
        return None, None  # a number without a country: left in the raw text
    qualified = of_kind(number_kind, value, country=iso, label="Person" if person else "Company")
    return split(qualified) if qualified else (None, None)


def sdn_row(row: dict[str, Any]) -> dict[str, str | None]:
    """The row parser of ``loaders/ofac-sdn.yml``: the columns it adds from ``sdn_type``,
    ``program`` and ``remarks``. Lists are joined with ``"; "``."""
    sdn_type = (row.get("sdn_type") or "").lower()
    person = sdn_type == "individual"
    parsed = parse_remarks(row.get("remarks"), person=person)
    ids = parsed["ids"]

    def first(scheme: str) -> str | None:
        return ids[scheme][0] if ids.get(scheme) else None

    registry = [f"{s}:{v}" for s, values in ids.items() for v in values]
    programs = [p.strip(" []") for p in re.split(r"\]\s*\[", row.get("program") or "") if p.strip(" []")]
    return {
        "_kind": sdn_type if sdn_type in ("vessel", "aircraft") else "person" if person else "company",
        "_aliases": "; ".join(parsed["aliases"]) or None,
        "_previous_names": "; ".join(parsed["previous_names"]) or None,
        "_birth_date": parsed["birth_date"],
        "_birth_dates": "; ".join(parsed["birth_dates"]) or None,
        "_nationality": parsed["nationality"],
        "_country": (parsed["nationality"] if person
                     else nz.country(row["vess_flag"]) if sdn_type in ("vessel", "aircraft") and row.get("vess_flag")
                     else None if sdn_type in ("vessel", "aircraft") else _company_country(ids)),
        "_programs": "; ".join(programs) or None,
        "_ru_inn": first("ru-inn"),
        "_ru_ogrn": first("ru-ogrn"),
        "_kz_bin": first("kz-bin"),
        "_lei": first("lei"),
        "_registry_ids": "; ".join(registry + [f"imo:{v}" for v in [parsed["asset"].get("imo")] if v]) or None,
        "_linked_to": "; ".join(parsed["linked_to"]) or None,
        **{f"_{k}": parsed["asset"].get(k) for k in _ASSET_FACTS},
    }


def _company_country(ids: dict[str, list[str]]) -> str | None:
    """A listed firm's country, when its registration numbers all name one: a national scheme's
    country (``model.yml``), or the country part of a generic one (``reg:de``)."""
    countries = set()
    for scheme in ids:
        national = schemes().get(scheme)
        if national is not None:
            if national.country:
                countries.add(national.country)
        elif ":" in scheme:
            countries.add(scheme.partition(":")[2])
    return countries.pop() if len(countries) == 1 else None
