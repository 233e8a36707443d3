"""Registry identifiers written the way graphkit stores them (``scheme:value``).

Two sources must write one firm's number the same way for their records to meet: UK Companies
House numbers keep their eight characters with leading zeros (``gb-coh:00686734``); a number
whose register we cannot name is kept under the country it was registered in
(``reg:us:41-0406690``), never under a scheme it does not belong to.
"""

from __future__ import annotations

import re

from graphkit import normalize as nz

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
    text = re.sub(r"\s+", "", value).upper()
    if not re.fullmatch(r"[A-Z]{0,2}\d{1,8}", text):
        return None
    prefix = re.match(r"[A-Z]*", text)
    assert prefix is not None
    digits = text[prefix.end():]
    return prefix.group() + digits.zfill(8 - prefix.end())


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
