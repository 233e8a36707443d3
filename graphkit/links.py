"""Which firms are linked, and by what evidence: plain functions over a store.

``find_links(store, "Aspan Arba")`` looks the query up (internal id, registry id or name), runs
the link queries from ``cypher/`` for the firm and everything resolved as the same firm, and
returns one ``Link`` per linked firm with every piece of evidence and its source records.
``screen(store)`` does the same for the whole graph (batch screening).

Link kinds (stable names, used in JSON and CSV output):

- ``shared_officer``: a person or firm holds a role in both firms (an officer role in at least
  one of them; the other may be a holding);
- ``common_owner``: the same person or firm owns shares in both;
- ``shared_address``: both are registered at the same address;
- ``shipment``: customs lines with one firm as exporter/supplier and the other as importer/buyer;
- ``direct_control``: one firm is an officer or shareholder of the other.

People and firms joined by SAME_AS (entity resolution) count as one; the evidence then names
both records and the resolution decision that joined them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphkit import normalize as nz
from graphkit.errors import NotFound
from graphkit.identifiers import candidates_for, is_registry_id
from graphkit.store.base import Store

KINDS = ("shared_officer", "common_owner", "shared_address", "shipment", "direct_control")
CHUNK = 5_000
JOINING = ("auto", "accepted")  # SAME_AS judgements that make two records one entity


@dataclass
class Entity:
    id: str
    label: str
    name: str | None
    country: str | None = None
    registry_ids: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # ids resolved as the same entity

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "name": self.name, "country": self.country,
                "registry_ids": self.registry_ids, "datasets": self.datasets, "members": self.members}


@dataclass
class Evidence:
    """One fact behind a link, with the records it comes from."""

    kind: str
    via: dict[str, Any] | None  # the shared person, firm or address (id, label, name)
    detail: dict[str, Any]  # roles with dates and status, or the shipment line
    sources: list[dict[str, str]]  # {dataset, file, record}
    summary: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "via": self.via, "detail": self.detail, "sources": self.sources,
                "summary": self.summary}


@dataclass
class Link:
    a: Entity
    b: Entity
    evidence: list[Evidence]

    @property
    def kinds(self) -> list[str]:
        return [k for k in KINDS if any(e.kind == k for e in self.evidence)]

    def as_dict(self) -> dict[str, Any]:
        return {"a": self.a.as_dict(), "b": self.b.as_dict(), "kinds": self.kinds,
                "evidence": [e.as_dict() for e in self.evidence]}


# --------------------------------------------------------------------------------------------
# Clusters (SAME_AS)


class Clusters:
    """Union-find over SAME_AS relationships; the representative prefers a registry id."""

    def __init__(self, pairs: Iterable[dict[str, Any]]):
        self.parent: dict[str, str] = {}
        self.decisions: dict[frozenset[str], dict[str, Any]] = {}
        for p in pairs:
            if p.get("judgement", "auto") in JOINING:
                self.union(p["a_id"], p["b_id"])
            self.decisions[frozenset((p["a_id"], p["b_id"]))] = p

    @classmethod
    def load(cls, store: Store) -> Clusters:
        """Every SAME_AS in the graph (for screening the whole graph)."""
        return cls(store.run("same_as_all"))

    @classmethod
    def around(cls, store: Store, ids: Iterable[str]) -> Clusters:
        """Only the clusters of ``ids``, walked one indexed look-up per member (for find-links)."""
        out = cls([])
        out.store = store
        out.expand(ids)
        return out

    store: Store | None = None
    _walked: set[str] | None = None
    _labels: list[str] | None = None  # which labels have SAME_AS at all

    def expand(self, ids: Iterable[str]) -> None:
        """Load the SAME_AS decisions of the clusters of ``ids`` (a no-op for a full load)."""
        if self.store is None:
            return
        if self._walked is None:
            self._walked = set()
        if self._labels is None:
            self._labels = [r["label"] for r in self.store.run("same_as_labels")]
        todo = [i for i in ids if i not in self._walked]
        while todo:
            node = todo.pop()
            if node in self._walked:
                continue
            self._walked.add(node)
            rows = [r for label in self._labels for r in self.store.run(f"same_as_of_{label.lower()}", id=node)]
            for r in rows:
                pair = {**r, "a_id": node, "b_id": r["other_id"]}
                self.decisions[frozenset((node, r["other_id"]))] = pair
                if r["judgement"] in JOINING:
                    self.union(node, r["other_id"])
                    todo.append(r["other_id"])

    def find(self, x: str) -> str:
        root = x
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(x, x) != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            keep, drop = sorted((ra, rb), key=_rep_order)
            self.parent[drop] = keep
            self.parent.setdefault(keep, keep)

    def members(self, x: str) -> list[str]:
        self.expand([x])
        root = self.find(x)
        return sorted((n for n in self.parent if self.find(n) == root), key=_rep_order) or [x]

    def decision(self, a: str, b: str) -> dict[str, Any] | None:
        return self.decisions.get(frozenset((a, b)))


def _rep_order(node_id: str) -> tuple[int, str]:
    return (0 if is_registry_id(node_id) else 1, node_id)


# --------------------------------------------------------------------------------------------
# Looking entities up


def lookup(store: Store, query: str) -> list[Entity]:
    """Firms or people matching ``query``: an internal id, a registry number (with or without
    its scheme, e.g. ``7707083893`` or ``ru-inn:7707083893``), or a name in any script.

    Names match on the normalised name first, then on names containing it. Raises NotFound.
    """
    query = query.strip()
    ids = [query] + ([] if ":" in query else candidates_for(query))
    rows = store.run("entity_by_id", ids=ids)
    if not rows and any(c.isdigit() for c in query):  # a number the node is not keyed by (its OGRN)
        rows = store.run("entity_by_registry_id", ids=ids,
                         suffix=":" + (query.partition(":")[2] if ":" in query else query).upper())
    if not rows:
        key = nz.name_key(query)
        if key:
            rows = store.run("entity_by_name", key=key)
            if not rows:
                rows = store.run("entity_by_name_part", key=key)
    if not rows:
        raise NotFound(f"nothing matches {query!r}: try a registry number, an internal id "
                       "(graphkit stats shows what is loaded) or another spelling")
    return [Entity(r["id"], r["label"], r["name"], r["country"], list(r["registry_ids"] or []),
                   list(r["datasets"] or [])) for r in rows]


def _entities(store: Store, ids: Iterable[str], clusters: Clusters) -> dict[str, Entity]:
    ids = list(dict.fromkeys(ids))
    out: dict[str, Entity] = {}
    for i in range(0, len(ids), CHUNK):
        for r in store.run("entity_by_id", ids=ids[i:i + CHUNK]):
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
    return merged


# --------------------------------------------------------------------------------------------
# Finding links


def find_links(store: Store, query: str | list[str], *, kinds: Iterable[str] = KINDS,
               as_of: dt.date | None = None) -> list[Link]:
    """Every firm linked to the firm(s) ``query`` names, with evidence.

    ``query`` is text for ``lookup`` or a list of internal ids. Firms resolved as the same
    (SAME_AS) are one start point. Returns links sorted by strength (number of independent
    pieces of evidence), strongest first. Costs a few indexed look-ups per firm, holder and
    resolved record involved (see ``_rows_for_firms``), independent of the graph's size.
    """
    if isinstance(query, str):
        starts = [e.id for e in lookup(store, query) if e.label == "Company"]
        if not starts:
            raise NotFound(f"{query!r} names a person, not a firm: find-links starts from a firm")
    else:
        starts = list(query)
    clusters = Clusters.around(store, starts)
    ids = sorted({m for s in starts for m in clusters.members(s)})
    return _links(store, ids, clusters, set(kinds), as_of or dt.date.today(), screen=False)


def screen(store: Store, *, kinds: Iterable[str] = KINDS, as_of: dt.date | None = None) -> list[Link]:
    """Batch screening: every linked pair of firms in the graph, each pair once."""
    clusters = Clusters.load(store)
    ids = [r["id"] for r in store.run("linked_company_ids")]
    return _links(store, ids, clusters, set(kinds), as_of or dt.date.today(), screen=True)


def _links(store: Store, ids: list[str], clusters: Clusters, kinds: set[str], as_of: dt.date,
           *, screen: bool) -> list[Link]:
    unknown = kinds - set(KINDS)
    if unknown:
        raise NotFound(f"unknown link kind(s) {sorted(unknown)}; choose from {', '.join(KINDS)}")
    start_reps = {clusters.find(i) for i in ids}
    found: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    shipments: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    role_rows: list[tuple[tuple[str, str], str, dict[str, Any]]] = []

    def pair(a: str, b: str) -> tuple[str, str] | None:
        clusters.expand([b])
        ra, rb = clusters.find(a), clusters.find(b)
        if ra == rb:
            return None
        if screen:
            return (ra, rb) if ra < rb else (rb, ra)
        return (ra, rb) if ra in start_reps else None

    if screen:
        def run(name: str) -> Iterable[dict[str, Any]]:
            for i in range(0, len(ids), CHUNK):
                yield from store.run(name, ids=ids[i:i + CHUNK])
    else:
        rows = _rows_for_firms(store, ids, clusters, kinds)

        def run(name: str) -> Iterable[dict[str, Any]]:
            return rows.get(name, [])

    if "shipment" in kinds:
        seen_lines: set[tuple[tuple[str, str], str]] = set()
        for r in run("shipments_between"):
            key = pair(r["a_id"], r["b_id"])
            if key is None or (key, r["shipment_id"]) in seen_lines:
                continue
            seen_lines.add((key, r["shipment_id"]))
            flipped = screen and clusters.find(r["a_id"]) != key[0]
            direction = r["direction"] if not flipped else ("in" if r["direction"] == "out" else "out")
            found[key].append(_shipment_evidence(r, direction))
            if r["date"]:
                shipments[key].append(_as_date(r["date"]))
    for name, kind in (("shared_officers", "shared_officer"), ("common_owners", "common_owner")):
        if kind not in kinds:
            continue
        for r in run(name):
            key = pair(r["a_id"], r["b_id"])
            if key is not None:
                if screen and clusters.find(r["a_id"]) != key[0]:
                    r = _swap(r)
                role_rows.append((key, kind, r))
    seen_roles: set[tuple[Any, ...]] = set()
    for key, kind, r in role_rows:
        sig = (key, kind, r["a_record"], r["b_record"], r["a_role"], r["b_role"])
        if sig in seen_roles:
            continue
        seen_roles.add(sig)
        found[key].append(_role_evidence(kind, r, clusters, as_of, shipments.get(key)))
    if "shared_address" in kinds:
        # one piece of evidence per pair and address, citing every record that places them there
        addresses: dict[tuple[tuple[str, str], str], dict[str, Any]] = {}
        for r in run("shared_addresses"):
            key = pair(r["a_id"], r["b_id"])
            if key is None:
                continue
            if screen and clusters.find(r["a_id"]) != key[0]:
                r = {**r, **{f"a_{k}": r[f"b_{k}"] for k in ("role", "dataset", "file", "record")},
                     **{f"b_{k}": r[f"a_{k}"] for k in ("role", "dataset", "file", "record")}}
            entry = addresses.setdefault((key, r["via_id"]), {"name": r["via_name"], "a_roles": set(),
                                                              "b_roles": set(), "sources": set()})
            entry["a_roles"].add(r["a_role"] or "")
            entry["b_roles"].add(r["b_role"] or "")
            for prefix in ("a_", "b_"):
                src = _src(r, prefix)
                entry["sources"].add((src["dataset"], src["file"], src["record"]))
        for (key, via_id), entry in sorted(addresses.items()):
            found[key].append(Evidence(
                "shared_address", {"id": via_id, "label": "Address", "name": entry["name"]},
                {"a_role": ", ".join(sorted(entry["a_roles"])), "b_role": ", ".join(sorted(entry["b_roles"]))},
                [{"dataset": d, "file": f, "record": rec} for d, f, rec in sorted(entry["sources"])],
                f"both registered at {entry['name']}"))
    if "direct_control" in kinds:
        seen_direct: set[tuple[Any, ...]] = set()
        for r in run("direct_control"):
            key = pair(r["a_id"], r["b_id"])
            if key is None or (key, r["record"], r["type"]) in seen_direct:
                continue
            seen_direct.add((key, r["record"], r["type"]))
            holder_is_a = (r["direction"] == "holds") == (clusters.find(r["a_id"]) == key[0])
            status = _status(r["start"], r["end_date"], as_of, r["role"])
            share = f" ({r['share']:g}%)" if r["share"] is not None else ""
            who = "A" if holder_is_a else "B"
            found[key].append(Evidence(
                "direct_control", None,
                {"holder": who.lower(), "type": r["type"], "role": r["role"], "share": r["share"],
                 "start_date": _iso(r["start"]), "end_date": _iso(r["end_date"]), "status": status},
                [_src(r, "")],
                f"{who} is {status} {r['role'] or r['type'].lower()}{share} of {'B' if who == 'A' else 'A'}"
                + _dates(r["start"], r["end_date"])))
    entities = _entities(store, [x for k in found for x in k], clusters)
    links = []
    for (a, b), evidence in found.items():
        if a in entities and b in entities:
            evidence.sort(key=lambda e: (KINDS.index(e.kind), e.detail.get("date") or "", e.summary,
                                         str(e.sources)))
            links.append(Link(entities[a], entities[b], evidence))
    links.sort(key=lambda link: (-len({e.kind for e in link.evidence}), -len(link.evidence),
                                 link.a.name or "", link.b.name or ""))
    return links


def _rows_for_firms(store: Store, ids: list[str], clusters: Clusters,
                    kinds: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The rows the batch link queries would give for ``ids``, built from indexed one-firm
    look-ups (``firm_holders``, ``holdings``, ``same_as_of_*``, ``firm_addresses``,
    ``firm_shipments``, ``firm_direct_control``), so find-links costs the same on a graph of a
    thousand firms or of a million."""
    out: dict[str, list[dict[str, Any]]] = {}
    if kinds & {"shared_officer", "common_owner"}:
        holdings: dict[str, list[dict[str, Any]]] = {}
        officers, owners = [], []
        for a in ids:
            for h in store.run("firm_holders", id=a):
                for m in clusters.members(h["holder_id"]):
                    if m not in holdings:
                        holdings[m] = store.run("holdings", id=m)
                    name = h["holder_name"] if m == h["holder_id"] else _name_of(store, m)
                    for f in holdings[m]:
                        if f["firm_id"] == a:
                            continue
                        row = {"a_id": a, "b_id": f["firm_id"], "via_id": h["holder_id"],
                               "via_label": h["holder_label"], "via_name": h["holder_name"],
                               "via2_id": m, "via2_name": name}
                        for side, src in (("a", h), ("b", f)):
                            row.update({f"{side}_type": src["type"], f"{side}_role": src["role"],
                                        f"{side}_share": src["share"], f"{side}_start": src["start"],
                                        f"{side}_end": src["end_date"], f"{side}_dataset": src["dataset"],
                                        f"{side}_file": src["file"], f"{side}_record": src["record"]})
                        if "OFFICER_OF" in (h["type"], f["type"]):
                            officers.append(row)
                        elif h["type"] == f["type"] == "OWNS":
                            owners.append(row)
        out["shared_officers"], out["common_owners"] = officers, owners
    if "shipment" in kinds:
        lines = [r for a in ids for r in store.run("firm_shipments", id=a)]
        parties: dict[str, list[dict[str, Any]]] = defaultdict(list)
        shipment_ids = sorted({r["shipment_id"] for r in lines})
        for i in range(0, len(shipment_ids), CHUNK):
            for p in store.run("shipment_parties", ids=shipment_ids[i:i + CHUNK]):
                parties[p["shipment_id"]].append(p)
        rows = []
        for r in lines:
            other_side = "buyer" if r["direction"] == "out" else "seller"
            for p in parties[r["shipment_id"]]:
                if p["side"] == other_side and p["firm_id"] != r["a_id"]:
                    rows.append({**r, "b_id": p["firm_id"], "b_role": p["role"]})
        out["shipments_between"] = rows
    for kind, name, per_firm in (("shared_address", "shared_addresses", "firm_addresses"),
                                 ("direct_control", "direct_control", "firm_direct_control")):
        if kind in kinds:
            out[name] = [r for a in ids for r in store.run(per_firm, id=a)]
    return out


def _name_of(store: Store, node_id: str) -> str | None:
    rows = store.run("entity_by_id", ids=[node_id])
    return rows[0]["name"] if rows else None


def _swap(r: dict[str, Any]) -> dict[str, Any]:
    out = dict(r)
    for k, v in r.items():
        if k.startswith("a_"):
            out["b_" + k[2:]] = v
        elif k.startswith("b_"):
            out["a_" + k[2:]] = v
    out["via_id"], out["via2_id"] = r["via2_id"], r["via_id"]
    out["via_name"], out["via2_name"] = r["via2_name"], r["via_name"]
    return out


def _as_date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if hasattr(v, "to_native"):
        return v.to_native()
    return dt.date.fromisoformat(str(v)[:10])


def _iso(v: Any) -> str | None:
    return None if v is None else _as_date(v).isoformat()


def _status(start: Any, end: Any, as_of: dt.date, role: str | None = None) -> str:
    if role and role.lower().startswith(("former", "ex-", "previous")):
        return "former"  # the source says so, without dates
    if end is not None and _as_date(end) < as_of:
        return "former"
    if start is not None and _as_date(start) > as_of:
        return "future"
    return "current"


def _dates(start: Any, end: Any) -> str:
    if start is None and end is None:
        return ""
    return f" ({_iso(start) or '?'} to {_iso(end) or 'present'})"


def _src(r: dict[str, Any], prefix: str) -> dict[str, str]:
    file_key = f"{prefix}file" if f"{prefix}file" in r else f"{prefix}source_file"
    return {"dataset": r.get(f"{prefix}dataset") or "", "file": r.get(file_key) or "",
            "record": r.get(f"{prefix}record") or ""}


def _timing(start: Any, end: Any, ship_dates: list[dt.date] | None) -> str | None:
    """Where a role stood when the goods moved: held, ended before, or began after."""
    if not ship_dates:
        return None
    first, last = min(ship_dates), max(ship_dates)
    if end is not None and _as_date(end) < first:
        return f"ended before the first shipment ({first.isoformat()})"
    if start is not None and _as_date(start) > last:
        return f"began after the last shipment ({last.isoformat()})"
    if end is not None and _as_date(end) < last:
        return f"ended during the shipments (last {last.isoformat()})"
    return "held during the shipments"


def _role_evidence(kind: str, r: dict[str, Any], clusters: Clusters, as_of: dt.date,
                   ship_dates: list[dt.date] | None) -> Evidence:
    sides = {}
    for side in ("a", "b"):
        start, end = r[f"{side}_start"], r[f"{side}_end"]
        sides[side] = {
            "type": r[f"{side}_type"], "role": r[f"{side}_role"], "share": r[f"{side}_share"],
            "start_date": _iso(start), "end_date": _iso(end),
            "status": _status(start, end, as_of, r[f"{side}_role"]),
            "at_shipments": (_timing(start, end, ship_dates)
                             if end is not None or _status(start, end, as_of, r[f"{side}_role"]) != "former"
                             else ("ended; the source gives no date" if ship_dates else None)),
        }
    via = {"id": r["via_id"], "label": r["via_label"], "name": r["via_name"]}
    resolved = None
    if r["via2_id"] != r["via_id"]:
        via["resolved_with"] = {"id": r["via2_id"], "name": r["via2_name"]}
        resolved = clusters.decision(r["via_id"], r["via2_id"])
        if resolved:
            via["resolution"] = {k: resolved.get(k) for k in ("score", "method", "judgement", "explanation")}
    parts = []
    for side, firm in (("a", "A"), ("b", "B")):
        s = sides[side]
        share = f" {s['share']:g}%" if s["share"] is not None else ""
        when = f" ({s['start_date'] or '?'} to {s['end_date'] or 'present'})" if (s["start_date"] or s["end_date"]) else ""
        timing = f", {s['at_shipments']}" if s["at_shipments"] else ""
        role = s["role"] or s["type"].lower()
        status = "" if role.lower().startswith(s["status"]) else s["status"] + " "
        parts.append(f"{status}{role}{share} of {firm}{when}{timing}")
    name = r["via_name"] if r["via2_id"] == r["via_id"] else f"{r['via_name']} = {r['via2_name']}"
    summary = f"{name}: " + "; ".join(parts)
    return Evidence(kind, via, sides, [_src(r, "a_"), _src(r, "b_")], summary)


def _shipment_evidence(r: dict[str, Any], direction: str) -> Evidence:
    arrow = "A -> B" if direction == "out" else "B -> A"
    qty = f"{r['quantity']:g} {r['unit'] or ''}".strip() if r["quantity"] is not None else ""
    value = f"USD {r['value_usd']:,.2f}" if r["value_usd"] is not None else ""
    desc = r["description"] or r["description_orig"] or ""
    bits = [b for b in (_iso(r["date"]), f"HS {r['hs_code']}" if r["hs_code"] else "", qty, value,
                        desc[:60]) if b]
    detail = {"direction": arrow, "shipment_id": r["shipment_id"],
              "declaration_number": r["declaration_number"], "date": _iso(r["date"]),
              "hs_code": r["hs_code"], "hs6": r["hs6"], "description": desc, "quantity": r["quantity"],
              "unit": r["unit"], "value_usd": r["value_usd"], "aggregated": bool(r["aggregated"]),
              "exporter_role": r["a_role"] if direction == "out" else r["b_role"],
              "importer_role": r["b_role"] if direction == "out" else r["a_role"]}
    decl = f"declaration {r['declaration_number']}: " if r["declaration_number"] else ""
    return Evidence("shipment", None, detail,
                    [{"dataset": r["dataset"] or "", "file": r["source_file"] or "", "record": r["record"] or ""}],
                    f"{arrow} {decl}" + ", ".join(bits))
