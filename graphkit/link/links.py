"""Which firms are linked, and by what evidence: plain functions over a store.

``find_links(store, "Aspan Arba")`` looks the query up (internal id, registry id or name), runs
the link queries from ``cypher/`` for the firm and everything resolved as the same firm, and
returns one ``Link`` per linked firm with every piece of evidence and its source records.
``screen(store)`` does the same for the whole graph (batch screening).

Link kinds have stable names, used in JSON and CSV output: ``shared_officer``,
``common_owner``, ``shared_address``, ``shipment``, ``direct_control``, ``source_link`` (the
source links them itself: OFAC "Linked To:"), ``family`` (their people are family, FtM Family)
and ``payment`` (one paid the other, FtM Payment), each registered below
with ``@link_kind`` (``LINK_KINDS[name].summary`` says what it means).

People and firms joined by SAME_AS (entity resolution) count as one; the evidence then names
both records and the resolution decision that joined them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from graphkit import dates
from graphkit.errors import NotFound
from graphkit.link import evidence as ev
from graphkit.link import projection
from graphkit.link.engine import (
    LINK_KINDS,
    BrowserPath,
    Entity,
    Evidence,
    Found,
    Link,
    LinkKind,
    Search,
    link_kind,
)
from graphkit.link.lookup import choose, find
from graphkit.model import source_of
from graphkit.resolve.clusters import Clusters
from graphkit.store.base import Store

# --------------------------------------------------------------------------------------------
# Looking entities up


def lookup(store: Store, query: str) -> list[Entity]:
    """Firms or people matching ``query``: an internal id, a registry number (with or without
    its scheme, e.g. ``7707083893`` or ``ru-inn:7707083893``), a source's record id, or a name,
    alias or previous name in any script (``graphkit.link.lookup.find``; every match, what each
    matched on is in ``graphkit.link.lookup``). Raises NotFound.
    """
    return [Entity(m.id, m.label, m.name, m.country, m.registry_ids, m.datasets) for m in find(store, query)]


def _entities(store: Store, ids: Iterable[str], clusters: Clusters) -> dict[str, Entity]:
    ids = list(dict.fromkeys(ids))
    out: dict[str, Entity] = {}
    for r in store.run_keyed("entity_by_id", ids):
        out[r["id"]] = Entity(r["id"], r["label"], r["name"], r["country"],
                              list(r["registry_ids"] or []), list(r["datasets"] or []))
    # a cluster is shown as its representative, carrying every member's ids and datasets
    merged: dict[str, Entity] = {}
    for node_id in ids:
        rep = clusters.find(node_id)
        members = clusters.members(node_id)
        base = out.get(rep) or out.get(node_id)
        if base is None:
            continue
        ent = Entity(rep, base.label, base.name, base.country, list(base.registry_ids),
                     list(base.datasets), members if len(members) > 1 else [])
        for m in members:
            other = out.get(m)
            if other:
                ent.registry_ids += [x for x in other.registry_ids if x not in ent.registry_ids]
                ent.datasets += [x for x in other.datasets if x not in ent.datasets]
                ent.country = ent.country or other.country
        merged[node_id] = ent
    missing = [i for i in ids if i not in merged and clusters.find(i) == i]
    if missing:  # the other side of a source's own link may be a vessel or aircraft
        for r in store.run("nodes_by_id", ids=missing):
            merged[r["id"]] = Entity(r["id"], r["label"], r["name"], r["country"], list(r["registry_ids"] or []),
                                     list(r["datasets"] or []))
    return merged


__all__ = ["KINDS", "LINK_KINDS", "Clusters", "Entity", "Evidence", "Link", "LinkKind", "Search",
           "find_links", "link_kind", "lookup", "screen"]


# The one-hop queries (files in cypher/, each keyed by $ids) the kinds below declare; a kind's
# function reads only those its declaration names (``Search.starts``, ``Search.facts`` check).
# A role's timing reads the customs lines between the pair, so the role kinds declare them too.
HOLDERS, HOLDINGS, FAMILY_OF = "firm_holders", "holdings", "family_of"
ADDRESSES, AT_ADDRESS = "firm_addresses", "address_firms"
SHIPMENTS, PARTIES = "firm_shipments", "shipment_parties"
CONTROL, SOURCE_LINKS, PAYMENTS = "firm_direct_control", "firm_source_links", "firm_payments"
SAME_PERSON, SAME_FIRM = "same_as_of_person", "same_as_of_company"  # Clusters.expand walks them
_WALK = "(()-[j:SAME_AS]-() WHERE {joins})*"  # any chain of records resolved as one (Browser)


def _role_pairs(s: Search) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    """Pairs of roles held by one person or firm (or records resolved as one) in two firms:
    ``{"via_id", "via_label", "via_name", "via2_id", "via2_name", "a": row, "b": row}``, the
    rows of ``firm_holders`` (A's side) and ``holdings`` (B's side)."""
    holders = s.starts(HOLDERS)
    s.clusters.expand(h["holder_id"] for h in holders)
    members = {h["holder_id"]: s.clusters.members(h["holder_id"]) for h in holders}
    held: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in s.facts(HOLDINGS, {m for ms in members.values() for m in ms}):
        held[f["holder_id"]].append(f)
    s.clusters.expand(f["firm_id"] for fs in held.values() for f in fs)
    out, seen = [], set()
    for h in holders:
        for m in members[h["holder_id"]]:
            for f in held[m]:
                key = s.pair(h["firm_id"], f["firm_id"])
                sig = (key, h["record"], f["record"], h["role"], f["role"], h["type"], f["type"])
                if key is None or sig in seen:
                    continue
                seen.add(sig)
                out.append((key, {"via_id": h["holder_id"], "via_label": h["holder_label"],
                                  "via_name": h["holder_name"], "via2_id": m, "via2_name": f["holder_name"],
                                  "a": h, "b": f}))
    return out


@link_kind("shared_officer", starts=(HOLDERS, SHIPMENTS), then=(HOLDINGS, PARTIES, SAME_PERSON, SAME_FIRM),
           browser=(BrowserPath(f"(a:Company)<-[r1:OFFICER_OF|OWNS]-(p1) {_WALK} (p2)-[r2:OFFICER_OF|OWNS]->(b:Company)",
                                "'OFFICER_OF' IN [type(r1), type(r2)]"),),
           project=projection.shared_role)
def _shared_officer(s: Search) -> Found:
    """A person or firm holds a role in both firms: an officer in at least one, officer or owner in the other."""
    for key, r in s.once(_role_pairs):
        if "OFFICER_OF" in (r["a"]["type"], r["b"]["type"]):
            yield key, _role_evidence("shared_officer", r, s.clusters, s.as_of, _dates_between(s, key))


@link_kind("common_owner", starts=(HOLDERS, SHIPMENTS), then=(HOLDINGS, PARTIES, SAME_PERSON, SAME_FIRM),
           browser=(BrowserPath(f"(a:Company)<-[:OWNS]-(p1) {_WALK} (p2)-[:OWNS]->(b:Company)"),),
           project=projection.shared_role)
def _common_owner(s: Search) -> Found:
    """The same person or firm owns shares in both firms."""
    for key, r in s.once(_role_pairs):
        if r["a"]["type"] == r["b"]["type"] == "OWNS":
            yield key, _role_evidence("common_owner", r, s.clusters, s.as_of, _dates_between(s, key))


@link_kind("shared_address", starts=(ADDRESSES,), then=(AT_ADDRESS,),
           browser=(BrowserPath("(a:Company)-[:REGISTERED_AT]->(x:Address)<-[:REGISTERED_AT]-(b:Company)",
                                "x.full =~ '(?s).*[0-9].*'"),),
           project=projection.shared_address)
def _shared_address(s: Search) -> Found:
    """Both firms are registered at the same address, one that names premises.

    An address with no digit (no house number, postcode or PO box) names a town or a country
    ("Berlin", "Delaware, USA": KEK gives many firms and people so): two firms there share no
    premises, so it is no link (``cypher/firm_addresses.cypher`` leaves such addresses out)."""
    mine = s.starts(ADDRESSES)
    at: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in s.facts(AT_ADDRESS, {r["address_id"] for r in mine}):
        at[r["address_id"]].append(r)
    s.clusters.expand(o["firm_id"] for rs in at.values() for o in rs)
    # one piece of evidence per pair and address, citing every record that places them there
    entries: dict[tuple[tuple[str, str], str], dict[str, Any]] = {}
    for r in mine:
        for o in at[r["address_id"]]:
            key = s.pair(r["firm_id"], o["firm_id"])
            if key is None:
                continue
            entry = entries.setdefault((key, r["address_id"]), {"name": r["address"], "a_roles": set(),
                                                                "b_roles": set(), "sources": set()})
            entry["a_roles"].add(r["role"] or "")
            entry["b_roles"].add(o["role"] or "")
            for x in (r, o):
                src = source_of(x)
                entry["sources"].add((src["dataset"], src["file"], src["record"]))
    for (key, via_id), entry in sorted(entries.items()):
        via = {"id": via_id, "label": "Address", "name": entry["name"]}
        yield key, Evidence(
            "shared_address", via,
            ev.SharedAddress({"id": via_id, "name": entry["name"]}, sorted(entry["a_roles"]), sorted(entry["b_roles"])),
            [{"dataset": d, "file": f, "record": rec} for d, f, rec in sorted(entry["sources"])])


def _shipment_lines(s: Search) -> list[tuple[tuple[str, str], dict[str, Any]]]:
    """Customs lines with a start firm on one side and another firm on the other, one per pair."""
    lines = s.starts(SHIPMENTS)
    parties: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in s.facts(PARTIES, {r["shipment_id"] for r in lines}):
        parties[p["shipment_id"]].append(p)
    s.clusters.expand(p["firm_id"] for ps in parties.values() for p in ps)
    out, seen = [], set()
    for r in lines:
        other_side = "buyer" if r["direction"] == "out" else "seller"
        for p in parties[r["shipment_id"]]:
            key = s.pair(r["a_id"], p["firm_id"])
            if p["side"] != other_side or key is None or (key, r["shipment_id"]) in seen:
                continue
            seen.add((key, r["shipment_id"]))
            out.append((key, {**r, "b_id": p["firm_id"], "b_role": p["role"]}))
    return out


def _shipment_dates(s: Search) -> dict[tuple[str, str], list[dt.date]]:
    out: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for key, r in s.once(_shipment_lines):
        if r["date"]:
            out[key].append(dates.as_date(r["date"]))
    return out


def _dates_between(s: Search, key: tuple[str, str]) -> list[dt.date] | None:
    """The dates of the customs lines between a pair, whichever kinds are searched (a role's
    timing against the shipments reads the same whatever ``--kind`` selects)."""
    found: dict[tuple[str, str], list[dt.date]] = s.once(_shipment_dates)
    return found.get(key)


@link_kind("shipment", starts=(SHIPMENTS,), then=(PARTIES,),
           browser=(BrowserPath("(a:Company)-[:SHIPPED]->(:Shipment)-[:SHIPPED_TO]->(b:Company)"),
                    BrowserPath("(a:Company)<-[:SHIPPED_TO]-(:Shipment)<-[:SHIPPED]-(b:Company)")),
           project=projection.shipment)
def _shipment(s: Search) -> Found:
    """Customs lines with one firm as exporter or supplier and the other as importer or buyer."""
    for key, r in s.once(_shipment_lines):
        yield key, _shipment_evidence(r, r["direction"])


@link_kind("direct_control", starts=(CONTROL,),
           browser=(BrowserPath("(a:Company)-[:OFFICER_OF|OWNS]-(b:Company)"),), project=projection.direct_control)
def _direct_control(s: Search) -> Found:
    """One firm is an officer or shareholder of the other."""
    rows = s.starts(CONTROL)
    s.clusters.expand(r["b_id"] for r in rows)
    seen = set()
    for r in rows:
        key = s.pair(r["a_id"], r["b_id"])
        if key is None or (key, r["record"], r["type"]) in seen:
            continue
        seen.add((key, r["record"], r["type"]))
        # the query's direction says who holds: 'holds' (A -> B) or 'held by' (B -> A)
        who, other = ("A", "B") if r["direction"] == "holds" else ("B", "A")
        yield key, Evidence("direct_control", None, ev.Control(ev.Role.from_row(r, who, other, s.as_of)),
                            [source_of(r)])


@link_kind("source_link", starts=(SOURCE_LINKS,), then=(SAME_PERSON, SAME_FIRM),
           browser=(BrowserPath("(a:Company)-[:LINKED_TO]-(b)"),))
def _source_link(s: Search) -> Found:
    """The source links them itself (OFAC "Linked To:"): one's entry names the other - a firm, person, vessel or aircraft."""
    # Only the pairs the source states. Two firms both linked to a third entry are not linked
    # by that: through a hub entry (GHADIR INVESTMENT COMPANY, linked to by 92 firms) the pairs
    # would grow with the square of its links - 21,659 of the 23,372 pairs on the OFAC sample -
    # each claiming a link the source never states. The entry itself is the link's other side.
    mine = s.starts(SOURCE_LINKS)
    s.clusters.expand(r["via_id"] for r in mine)
    seen: set[tuple[Any, ...]] = set()
    for r in mine:
        key = s.pair(r["firm_id"], r["via_id"])
        if key is None or (key, r["record"], r["direction"]) in seen:
            continue
        seen.add((key, r["record"], r["direction"]))
        yield key, Evidence("source_link", None,
                            ev.SourceLink(r["role"] or "Linked To", r["direction"] == "out", r["record"]),
                            [source_of(r)])


@link_kind("family", starts=(HOLDERS,), then=(FAMILY_OF, HOLDINGS, SAME_PERSON),
           browser=(BrowserPath(f"(a:Company)<-[:OFFICER_OF|OWNS]-(:Person) {_WALK} "
                                "(:Person)-[:FAMILY]-(:Person)-[:OFFICER_OF|OWNS]->(b:Company)"),))
def _family(s: Search) -> Found:
    """A person holding a role in one firm is family of a person holding one in the other, as a source states it (FtM Family)."""
    holders = [h for h in s.starts(HOLDERS) if h["holder_label"] == "Person"]
    s.clusters.expand(h["holder_id"] for h in holders)
    members = {h["holder_id"]: s.clusters.members(h["holder_id"]) for h in holders}
    relatives: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in s.facts(FAMILY_OF, {m for ms in members.values() for m in ms}):
        relatives[f["person_id"]].append(f)
    held: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in s.facts(HOLDINGS, {r["relative_id"] for rs in relatives.values() for r in rs}):
        held[f["holder_id"]].append(f)
    s.clusters.expand(f["firm_id"] for fs in held.values() for f in fs)
    seen: set[tuple[Any, ...]] = set()
    for h in holders:
        for m in members[h["holder_id"]]:
            for rel in relatives[m]:
                for f in held[rel["relative_id"]]:
                    key = s.pair(h["firm_id"], f["firm_id"])
                    sig = (key, h["record"], rel["record"], f["record"])
                    if key is None or sig in seen or s.clusters.find(rel["relative_id"]) == s.clusters.find(m):
                        continue
                    seen.add(sig)
                    person, relative = ((h["holder_name"], rel["relative_name"]) if rel["direction"] == "out"
                                        else (rel["relative_name"], h["holder_name"]))
                    yield key, Evidence(
                        "family", {"id": h["holder_id"], "label": "Person", "name": h["holder_name"]},
                        # each role as a shared role says it, with its share and status: a
                        # holding that ended is no "owner" (Svetlana Zakharova held 1 % of CST
                        # from 2022 to 2023)
                        ev.Family(rel["relation"] or "family", person, relative, h["holder_name"],
                                  ev.Role.from_row(h, h["holder_name"], "A", s.as_of).predicate(),
                                  rel["relative_name"], ev.Role.from_row(f, rel["relative_name"], "B", s.as_of).predicate()),
                        [source_of(h), source_of(rel), source_of(f)])


@link_kind("payment", starts=(PAYMENTS,), browser=(BrowserPath("(a:Company)-[:PAID]-(b:Company)"),))
def _payment(s: Search) -> Found:
    """One firm paid the other, as a source records the payment (FtM Payment: donations, contracts)."""
    rows = s.starts(PAYMENTS)
    s.clusters.expand(r["b_id"] for r in rows)
    seen: set[tuple[Any, ...]] = set()
    for r in rows:
        key = s.pair(r["a_id"], r["b_id"])
        if key is None or (key, r["payment_id"], r["record"]) in seen:
            continue
        seen.add((key, r["payment_id"], r["record"]))
        payer, beneficiary = ("A", "B") if r["direction"] == "paid" else ("B", "A")
        yield key, Evidence("payment", None,
                            ev.Payment(payer, beneficiary, r["amount"], r["currency"], dates.iso(r["date"]),
                                       r["purpose"], r["payment_id"]),
                            [source_of(r)])


KINDS = tuple(LINK_KINDS)


def find_links(store: Store, query: str | list[str], *, kinds: Iterable[str] = KINDS,
               as_of: dt.date | None = None, all_matches: bool = False, possible: bool = False) -> list[Link]:
    """Every firm linked to the firm(s) ``query`` names, with evidence.

    ``query`` is text for ``lookup`` or a list of internal ids. Firms resolved as the same
    (SAME_AS) are one start point. Returns links sorted by strength (number of independent
    pieces of evidence), strongest first. Costs a few batched, indexed look-ups per kind and step
    of a cluster walk, independent of the graph's size. With ``possible``, the possible links
    (``graphkit.link.possible``: resting on a resolution pair waiting for review) follow, marked
    ``confirmed`` False. Raises NotFound, and ``lookup.Ambiguous`` when the text names several
    firms and ``all_matches`` is False.
    """
    clusters = Clusters.around(store, [])
    if isinstance(query, str):
        matched = [m for m in find(store, query) if m.label == "Company"]
        if not matched:
            raise NotFound(f"{query!r} names a person, not a firm: find-links starts from a firm")
        starts = [m.id for m in choose(matched, clusters, query, all_matches=all_matches)]
    else:
        starts = list(query)
    clusters.expand(starts)
    firms = {m for s in starts for m in clusters.members(s)}
    day = as_of or dt.date.today()
    found = _links(Search(store, firms, clusters, _checked(kinds), day))
    if possible:
        from graphkit.link.possible import possible_links

        found += possible_links(store, clusters, starts=firms, kinds=_checked(kinds), as_of=day)
    return found


def screen(store: Store, *, kinds: Iterable[str] = KINDS, as_of: dt.date | None = None,
           possible: bool = False) -> list[Link]:
    """Batch screening: every linked pair of firms in the graph, each pair once. The same
    engine as ``find_links``, started from every firm on a one-hop fact (``linked_company_ids``);
    with ``possible``, the possible links follow (``graphkit.link.possible``)."""
    firms = [r["id"] for r in store.run("linked_company_ids")]
    clusters = Clusters.load(store)
    day = as_of or dt.date.today()
    found = _links(Search(store, firms, clusters, _checked(kinds), day))
    if possible:
        from graphkit.link.possible import possible_links

        found += possible_links(store, clusters, kinds=_checked(kinds), as_of=day)
    return found


def _checked(kinds: Iterable[str]) -> set[str]:
    kinds = set(kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        raise NotFound(f"unknown link kind(s) {sorted(unknown)}; choose from {', '.join(KINDS)}")
    return kinds


def _links(s: Search) -> list[Link]:
    found: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for kind in KINDS:
        if kind in s.kinds:
            for key, ev in LINK_KINDS[kind].evidence(s):
                found[key].append(ev)
    entities = _entities(s.store, [x for k in found for x in k], s.clusters)
    links = []
    for (a, b), evidence in found.items():
        if a in entities and b in entities:
            evidence.sort(key=lambda e: (KINDS.index(e.kind), e.detail.get("date") or "", e.summary,
                                         str(e.sources)))
            links.append(Link(entities[a], entities[b], evidence))
    return _sort_links(links)


def _sort_links(links: list[Link]) -> list[Link]:
    """Strongest first: most kinds of evidence, then most pieces; then by the firms' names, and
    by their ids where the names tie (firms GLEIF names by LEI alone have none), so that one
    graph lists its links in one order, whatever order its store returns rows in."""
    return sorted(links, key=lambda link: (-len({e.kind for e in link.evidence}), -len(link.evidence),
                                           link.a.name or "", link.b.name or "", link.a.id, link.b.id))

def _timing(start: Any, end: Any, ship_dates: list[dt.date] | None) -> str | None:
    """Where a role stood when the goods moved: held, ended before, or began after."""
    if not ship_dates:
        return None
    first, last = min(ship_dates), max(ship_dates)
    if end is not None and dates.as_date(end) < first:
        return f"ended before the first shipment ({first.isoformat()})"
    if start is not None and dates.as_date(start) > last:
        return f"began after the last shipment ({last.isoformat()})"
    if end is not None and dates.as_date(end) < last:
        return f"ended during the shipments (last {last.isoformat()})"
    return "held during the shipments"


def _role_evidence(kind: str, r: dict[str, Any], clusters: Clusters, as_of: dt.date,
                   ship_dates: list[dt.date] | None) -> Evidence:
    via = {"id": r["via_id"], "label": r["via_label"], "name": r["via_name"]}
    if r["via2_id"] != r["via_id"]:
        via["resolved_with"] = {"id": r["via2_id"], "name": r["via2_name"]}
        resolved = clusters.decision(r["via_id"], r["via2_id"])
        if resolved:
            via["resolution"] = {k: resolved.get(k) for k in ("score", "method", "judgement", "explanation")}
    roles = {}
    for side, firm in (("a", "A"), ("b", "B")):
        row = r[side]
        role = ev.Role.from_row(row, row["holder_name"], firm, as_of)
        if role.end_date is not None or role.status != "former":
            role.at_shipments = _timing(row["start"], row["end_date"], ship_dates)
        elif ship_dates:
            role.at_shipments = "ended; the source gives no date"
        roles[side] = role
    return Evidence(kind, via, ev.SharedRole(kind, dict(via), roles["a"], roles["b"]),
                    [source_of(r["a"]), source_of(r["b"])])


def _shipment_evidence(r: dict[str, Any], direction: str) -> Evidence:
    out = direction == "out"
    fact = ev.Shipment(
        out, r["shipment_id"], r["declaration_number"], dates.iso(r["date"]),
        r.get("period"), bool(r["aggregated"]), r["hs_code"], r["hs6"],
        r["description"] or r["description_orig"] or "", r["quantity"], r["unit"], r["value_usd"],
        r.get("value"), r.get("currency"), r.get("net_weight_kg"),
        r["a_role"] if out else r["b_role"], r["b_role"] if out else r["a_role"])
    return Evidence("shipment", None, fact, [source_of(r)])
