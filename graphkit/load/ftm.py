"""FollowTheMoney JSON lines (OpenSanctions, Aleph) into the graph model.

FtM is a model of its own, so this is the one layout read by code rather than a YAML mapping.
Entities are parsed with ``followthemoney`` itself (schema inheritance, property types), then
mapped: Company/Organization/LegalEntity/PublicBody -> Company, Person -> Person, Address ->
Address, Directorship -> OFFICER_OF, Ownership -> OWNS, Sanction -> Sanction + SANCTIONED,
Family -> FAMILY (the relation as worded), Payment -> PAID (amount, currency, date, purpose).
Entities of other schemata (Passport, ...) are counted and written to the rejects file as
skipped, never dropped silently.

The file is read twice: once to learn each entity's node id and label (an interval entity such
as a Directorship may come before the people it links), once to build records.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from followthemoney import model as ftm_model
from followthemoney.exc import InvalidData as FtmInvalidData

from graphkit import identifiers as idents
from graphkit import normalize as nz
from graphkit.errors import InvalidData, Problem
from graphkit.load.entities import complete_entity
from graphkit.load.mapping import Mapping
from graphkit.load.numberids import NumberClaims
from graphkit.load.read import _text_lines, sniff_file
from graphkit.load.records import RowResult
from graphkit.model import Node, Provenance, Rel, address_id, digest, id_schemes

# FtM properties holding registry numbers; ``graphkit.identifiers.qualify`` gives each its scheme
# from the number's country (``jurisdiction``, else ``country``): a Kazakh registrationNumber of
# 12 digits is a BIN, a Russian taxNumber an INN, a German one ``tax:de:…``.
ID_PROPERTIES = ("innCode", "ogrnCode", "leiCode", "registrationNumber", "taxNumber", "vatCode")


def _identifiers(label: str, props: dict[str, Any]) -> dict[str, str]:
    """scheme -> value for the registry numbers of an FtM entity's raw properties."""
    country = next(iter((props.get("jurisdiction") or []) + (props.get("country") or [])
                        + (props.get("nationality") or [])), None)
    out: dict[str, str] = {}
    for prop in ID_PROPERTIES:
        for value in props.get(prop) or []:
            q = idents.qualify(prop, str(value), country=country, label=label)
            if q:
                scheme, norm = idents.split(q)
                out.setdefault(scheme, norm)
    return out


def _label(schema: Any) -> str | None:
    if schema.is_a("Person"):
        return "Person"
    if schema.is_a("Organization") or schema.name == "LegalEntity":
        return "Company"
    if schema.is_a("Address"):
        return "Address"
    return None


def _date(values: list[str]) -> dt.date | None:
    """A full date only: FtM allows "2019" or "2019-05", which are not days and are not stored
    as dates (the entity's record keeps them)."""
    for v in values:
        if len(v) >= 10:
            try:
                return dt.date.fromisoformat(v[:10])
            except ValueError:
                continue
    return None


def json_lines(path: Path, encoding: str) -> Iterator[tuple[int, Any, Problem | None]]:
    """Each non-blank line of a JSON-lines file with its number: the parsed value, or the problem
    naming the line (FtM entity files and their delta files share this reading)."""
    for line, text in enumerate(_text_lines(path, encoding), start=1):
        if not text.strip():
            continue
        try:
            yield line, json.loads(text), None
        except json.JSONDecodeError as exc:
            yield line, None, Problem(path.name, line, None,
                                      f"not a complete JSON object ({exc.msg} at character {exc.pos + 1})")


def _entities(path: Path, encoding: str) -> Iterator[tuple[int, dict[str, Any] | None, Problem | None]]:
    for line, data, problem in json_lines(path, encoding):
        if problem is not None:
            yield line, None, problem
            continue
        if isinstance(data, dict) and "entity" in data and "op" in data:  # delta form
            if str(data.get("op")).upper() == "DEL":
                yield line, {"__skip__": "delta DEL line read as an entity (graphkit load applies delta files: graphkit/load/deltas.py)", **data}, None
                continue
            data = data["entity"]
        if not isinstance(data, dict) or "schema" not in data or "id" not in data:
            yield line, None, Problem(path.name, line, "schema" if isinstance(data, dict) else None,
                                      "not a FollowTheMoney entity (needs id and schema)")
            continue
        yield line, data, None


def read_ftm(path: Path, mapping: Mapping, *, loaded_at: str, index: Any = None) -> Iterator[RowResult]:
    """Stream FtM entities from ``path`` as RowResults (see module docstring). (``index``, the
    source-id index of mappings with relationship files, is not used: FtM names ends itself.)"""
    sniff_file(path)
    claims = mapping.number_claims
    ids: dict[str, tuple[str, str]] = {}
    for _line, data, _problem in _entities(path, mapping.encoding):
        if data is None or "__skip__" in data:
            continue
        schema = ftm_model.get(data["schema"])
        label = _label(schema) if schema else None
        if label:
            ids[data["id"]] = (label, _node_id(label, data, claims))
    if claims is not None and claims.counting:
        return  # the counting pass of a load needs the ids only (graphkit/load/numberids.py)
    if not ids and path.stat().st_size and not any(d for _, d, _ in _entities(path, mapping.encoding)):
        raise InvalidData.single(path.name, None, None, "no FollowTheMoney entities in the file")
    for line, data, problem in _entities(path, mapping.encoding):
        if problem is not None:
            yield RowResult(line, {}, [], [], [problem])
            continue
        assert data is not None
        if "__skip__" in data:
            yield RowResult(line, data, [], [], [], skipped=data["__skip__"])
            continue
        yield _build(path.name, line, data, ids, mapping.dataset, loaded_at)


def _node_id(label: str, data: dict[str, Any], claims: NumberClaims | None = None) -> str:
    """The registry number that is the entity's identity, else ``ftm:<entity id>``; a number
    that another entity of the load also carries is no identity (graphkit/load/numberids.py)."""
    props = data.get("properties") or {}
    if label == "Address" and props.get("full"):
        return address_id(str(props["full"][0]))
    own = f"ftm:{data['id']}"
    if label in ("Company", "Person"):
        ids = _identifiers(label, props)
        for scheme in id_schemes(label):
            if scheme in ids:
                number = f"{scheme}:{ids[scheme]}"
                return number if claims is None else claims.node_id(number, own)
    return own


def _build(file: str, line: int, data: dict[str, Any], index: dict[str, tuple[str, str]],
           dataset: str, loaded_at: str) -> RowResult:
    schema = ftm_model.get(data["schema"])
    if schema is None:
        return RowResult(line, data, [], [], [Problem(file, line, "schema",
                                                      f"unknown FollowTheMoney schema {data['schema']!r}")])
    try:
        proxy = ftm_model.get_proxy(data, cleaned=False)
    except FtmInvalidData as exc:
        return RowResult(line, data, [], [], [Problem(file, line, "properties", str(exc))])
    source = Provenance(dataset, file, str(data["id"]))
    r = _Record(file, line, data, proxy, index, dataset, source,
                {"datasets": [dataset], "records": [source.ref], "first_loaded": loaded_at,
                 "last_loaded": loaded_at},
                {"dataset": dataset, "source_file": file, "record": source.record, "loaded_at": loaded_at})
    label = _label(schema)
    if label in ("Company", "Person"):
        assert label is not None
        return _party(r, label)
    if label == "Address":
        return _address(r)
    if schema.name in ("Directorship", "Ownership"):
        return _role(r, schema.name)
    builder = _LINKS.get(schema.name)
    if builder is not None:
        return builder(r)
    return RowResult(line, data, [], [], [], skipped=f"schema {schema.name} is not in the graph model")


@dataclass
class _Record:
    """One FtM entity being built, with what every part of the build needs."""

    file: str
    line: int
    data: dict[str, Any]
    proxy: Any
    index: dict[str, tuple[str, str]]
    dataset: str
    source: Provenance
    base: dict[str, Any]  # a node's provenance properties
    rel_prov: dict[str, Any]  # a relationship's

    def skip(self, reason: str) -> RowResult:
        return RowResult(self.line, self.data, [], [], [], skipped=reason)

    def unpaired(self, schema: str, start: str, end: str) -> RowResult | None:
        """A skip where an end of the relation names more than one entity: FtM keeps each
        property's values as a set, so which owner holds which asset (with which share) is not
        given. KEK's record of the cross-holding of Constantin Medien and Highlight
        Communications names each firm as owner and as asset, with 47.3 % and 8.7 %."""
        n, m = (len(self.proxy.get(p, quiet=True)) for p in (start, end))
        if n <= 1 and m <= 1:
            return None
        def many(k: int, word: str) -> str:
            return f"{k} {word}" if k == 1 else f"{k} {word[:-1]}ies" if word.endswith("y") else f"{k} {word}s"
        return self.skip(f"{schema} names {many(n, start)} and {many(m, end)}: the record does not pair them, "
                         f"so which {start} goes with which {end} is not known")

    def ref(self, prop: str) -> tuple[str, str] | None:
        """The (label, node id) of the entity a property names, if read from this file."""
        return self.index.get((self.proxy.get(prop, quiet=True) or [""])[0])


def _party(r: _Record, label: str) -> RowResult:
    """A Company or Person, with its addresses."""
    proxy, line, data, file = r.proxy, r.line, r.data, r.file
    props: dict[str, Any] = dict(r.base)
    names = proxy.get("name", quiet=True) + [n for n in proxy.get("alias", quiet=True) if n not in proxy.get("name", quiet=True)]
    if not names:
        return RowResult(line, data, [], [], [Problem(file, line, "name", "entity has no name")])
    props["name"] = proxy.caption if proxy.caption in names else names[0]
    props["names"] = names
    if proxy.get("previousName", quiet=True):
        props["previous_names"] = proxy.get("previousName", quiet=True)
    countries = proxy.get("country", quiet=True) or proxy.get("jurisdiction", quiet=True) or proxy.get("nationality", quiet=True)
    if countries:
        props["country"] = countries[0].lower()
    topics = proxy.get("topics", quiet=True)
    if topics:
        props["topics"] = topics
        props["sanctioned"] = "sanction" in topics
    identifiers = _identifiers(label, data.get("properties") or {})
    props.update(_company_props(proxy) if label == "Company" else _person_props(proxy))
    if proxy.get("address", quiet=True):
        props["address"] = proxy.get("address", quiet=True)[0]
    props = {k: v for k, v in props.items() if v is not None}
    complete_entity(label, props, identifiers)
    node_id = r.index.get(proxy.id, (label, _node_id(label, data)))[1]
    nodes = [Node(label, node_id, props, r.source)]
    rels: list[Rel] = []
    for addr_id in proxy.get("addressEntity", quiet=True):
        target = r.index.get(addr_id)
        if target and target[0] == "Address":
            rels.append(Rel("REGISTERED_AT", label, node_id, "Address", target[1],
                            {"role": "address", **r.rel_prov}, r.source))
    for text in proxy.get("address", quiet=True):
        addr = _address_node(text, props.get("country"), r.base, r.source)
        nodes.append(addr)
        rels.append(Rel("REGISTERED_AT", label, node_id, "Address", addr.id,
                        {"role": "address", **r.rel_prov}, r.source))
    return RowResult(line, data, nodes, rels, [])


def _company_props(proxy: Any) -> dict[str, Any]:
    props: dict[str, Any] = {}
    if proxy.get("registrationNumber", quiet=True):
        props["company_number"] = proxy.get("registrationNumber", quiet=True)[0]
    props["incorporation_date"] = _date(proxy.get("incorporationDate", quiet=True))
    props["dissolution_date"] = _date(proxy.get("dissolutionDate", quiet=True))
    if proxy.get("sector", quiet=True):
        props["sector"] = proxy.get("sector", quiet=True)[0]
    if proxy.get("legalForm", quiet=True):
        props["legal_form"] = proxy.get("legalForm", quiet=True)[0]
    return props


def _person_props(proxy: Any) -> dict[str, Any]:
    given = proxy.get("birthDate", quiet=True)
    days = sorted({d.isoformat() for v in given if (d := _date([v]))})
    # several days: none is the birth date (as for OFAC's alt. DOB), all are kept
    props: dict[str, Any] = {"birth_date": _date(given) if len(days) < 2 else None}
    if len(days) > 1:
        props["birth_dates"] = days
    if proxy.get("nationality", quiet=True):
        props["nationality"] = proxy.get("nationality", quiet=True)[0].lower()
    if proxy.get("innCode", quiet=True):
        props["inn"] = proxy.get("innCode", quiet=True)[0]
    return props


def _address(r: _Record) -> RowResult:
    proxy = r.proxy
    full = (proxy.get("full", quiet=True) or [", ".join(v for p in ("street", "postalCode", "city", "region")
                                              for v in proxy.get(p, quiet=True))])[0]
    if not full:
        return r.skip("Address without text")
    props = {**r.base, "full": full, "names": [full]}
    if proxy.get("country", quiet=True):
        props["country"] = proxy.get("country", quiet=True)[0].lower()
    return RowResult(r.line, r.data, [Node("Address", r.index[str(proxy.id)][1], props, r.source)], [], [])


def _role(r: _Record, schema: str) -> RowResult:
    """A Directorship (OFFICER_OF) or an Ownership (OWNS)."""
    proxy, data = r.proxy, r.data
    start_prop, end_prop, rtype = (("director", "organization", "OFFICER_OF")
                                   if schema == "Directorship" else ("owner", "asset", "OWNS"))
    unpaired = r.unpaired(schema, start_prop, end_prop)
    if unpaired is not None:
        return unpaired
    start = r.index.get((proxy.get(start_prop) or [""])[0])
    end = r.index.get((proxy.get(end_prop) or [""])[0])
    if start is None or end is None:
        return r.skip(f"{schema} refers to an entity not in this file")
    if end[0] != "Company" or start[0] not in ("Person", "Company"):
        return r.skip(f"{schema} of a {end[0]} is not in the graph model")
    role = (proxy.get("role", quiet=True) or [schema.lower()])[0]
    status = " ".join(proxy.get("status", quiet=True)).lower()
    if any(w in status for w in ("former", "ended", "inactive", "resigned")) and "former" not in role.lower():
        role = f"former {role}"  # the source says the role ended, without a date
    rprops: dict[str, Any] = {**r.rel_prov, "role": role,
                              "start_date": _date(proxy.get("startDate", quiet=True)),
                              "end_date": _date(proxy.get("endDate", quiet=True)),
                              "status": " ".join(proxy.get("status", quiet=True)) or None,
                              # the record's own date, for "undated (record of DATE)"
                              "record_date": next((str(d)[:10] for d in (data.get("last_seen"), data.get("last_change"),
                                                                          data.get("first_seen")) if d), None)}
    if rtype == "OWNS":
        pct = proxy.get("percentage", quiet=True)
        try:
            rprops["share"] = nz.parse_float(pct[0].rstrip("%")) if pct else None
        except ValueError:
            rprops["share"] = None
    return RowResult(r.line, data, [], [Rel(rtype, start[0], start[1], end[0], end[1], rprops, r.source)], [])


def _family(r: _Record) -> RowResult:
    proxy = r.proxy
    unpaired = r.unpaired("Family", "person", "relative")
    if unpaired is not None:
        return unpaired
    person, relative = r.ref("person"), r.ref("relative")
    if person is None or relative is None:
        return r.skip("Family refers to an entity not in this file")
    if person[0] != "Person" or relative[0] != "Person":
        return r.skip(f"Family of a {person[0]} and a {relative[0]}")
    relation = ", ".join(proxy.get("relationship", quiet=True)) or "family"
    rel = Rel("FAMILY", "Person", person[1], "Person", relative[1],
              {**r.rel_prov, "role": relation, "start_date": _date(proxy.get("startDate", quiet=True)),
               "end_date": _date(proxy.get("endDate", quiet=True))}, r.source)
    return RowResult(r.line, r.data, [], [rel], [])


def _payment(r: _Record) -> RowResult:
    proxy = r.proxy
    unpaired = r.unpaired("Payment", "payer", "beneficiary")
    if unpaired is not None:
        return unpaired
    payer, beneficiary = r.ref("payer"), r.ref("beneficiary")
    if payer is None or beneficiary is None:
        return r.skip("Payment refers to an entity not in this file")
    if payer[0] not in ("Person", "Company") or beneficiary[0] not in ("Person", "Company"):
        return r.skip(f"Payment between a {payer[0]} and a {beneficiary[0]}")
    amount, currency = _first(proxy, "amount"), _first(proxy, "currency")
    if amount is None and _first(proxy, "amountEur") is not None:
        amount, currency = _first(proxy, "amountEur"), "EUR"
    try:
        value = nz.parse_float(amount) if amount else None
    except ValueError:
        return RowResult(r.line, r.data, [], [], [Problem(r.file, r.line, "amount", f"{amount!r} is not an amount")])
    purpose = "; ".join(proxy.get("purpose", quiet=True) + proxy.get("summary", quiet=True)) or None
    rel = Rel("PAID", payer[0], payer[1], beneficiary[0], beneficiary[1],
              {**r.rel_prov, "role": _first(proxy, "programme") or "payment", "amount": value,
               "currency": currency.upper() if currency else None,
               "date": _date(proxy.get("date", quiet=True)), "purpose": purpose,
               "payment_id": str(proxy.id)}, r.source,
              # one relationship per payment: two donations of a year are two facts
              id="r:" + digest("PAID", payer[1], beneficiary[1], r.dataset, proxy.id))
    return RowResult(r.line, r.data, [], [rel], [])


def _sanction(r: _Record) -> RowResult:
    proxy = r.proxy
    entity = r.ref("entity")
    if entity is None or entity[0] not in ("Person", "Company"):
        return r.skip("Sanction of an entity not in this file")
    props = {**r.base, "authority": _first(proxy, "authority"), "program": _first(proxy, "program"),
             "list": r.dataset,  # FtM names no list: the dataset it came in (e.g. opensanctions)
             "reason": _first(proxy, "reason"), "country": (_first(proxy, "country") or None),
             **_listing_date(proxy, r.data), "start_date": _earliest(proxy.get("startDate", quiet=True)),
             "end_date": _date(proxy.get("endDate", quiet=True)), "source_url": _first(proxy, "sourceUrl")}
    sanction_id = f"ftm:{proxy.id}"
    node = Node("Sanction", sanction_id, {k: v for k, v in props.items() if v is not None}, r.source)
    rel = Rel("SANCTIONED", entity[0], entity[1], "Sanction", sanction_id, {"role": "listed", **r.rel_prov}, r.source)
    return RowResult(r.line, r.data, [node], [rel], [])


# the FtM schemas that become a relationship (or a Sanction), by name
_LINKS: dict[str, Callable[[_Record], RowResult]] = {"Family": _family, "Payment": _payment, "Sanction": _sanction}


def _earliest(values: list[str]) -> dt.date | None:
    """The earliest full date of ``values`` (a listing amended later carries both dates)."""
    days = [d for d in (_date([v]) for v in values) if d is not None]
    return min(days) if days else None


def _listing_date(proxy: Any, data: dict[str, Any]) -> dict[str, Any]:
    """When a listing began, and on what the date rests: the source's ``listingDate`` (the
    earliest, when it gives several), else its ``startDate``; else no date, saying so. The
    date OpenSanctions first saw the listing (``first_seen``) is kept apart: it only says the
    listing existed by then, not when it began."""
    first_seen = data.get("first_seen") if isinstance(data.get("first_seen"), str) else None
    for prop in ("listingDate", "startDate"):
        day = _earliest(proxy.get(prop, quiet=True))
        if day is not None:
            return {"listing_date": day, "listing_date_basis": prop, "first_seen": first_seen}
    basis = "unknown: the source gives no listing or start date"
    if first_seen:
        basis += f" (first seen by the publisher {first_seen[:10]})"
    return {"listing_date": None, "listing_date_basis": basis, "first_seen": first_seen}


def _first(proxy: Any, prop: str) -> str | None:
    values = proxy.get(prop, quiet=True)
    return values[0] if values else None


def _address_node(text: str, country: str | None, base: dict[str, Any], source: Provenance) -> Node:
    props = {**base, "full": text, "names": [text]}
    if country:
        props["country"] = country
    return Node("Address", address_id(text), props, source)
