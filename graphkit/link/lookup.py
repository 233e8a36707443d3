"""One look-up for firms and people, and the entity card commands begin with.

``find(store, "Aleksandr Vyacheslavovich Zakharov")`` tries, in order, and stops at the first
step that matches anything:

1. an internal id, or a registry number with or without its scheme (``7707083893``,
   ``ru-inn:7707083893``; numbers the loaders read from remarks, such as OFAC's "Tax ID No.",
   are registry numbers too);
2. a source's own record id (an ICIJ ``node_id``, an OFAC ``ent_num``, an FtM entity id);
3. a name in any script: the name, an alias or other spelling, or a previous name, normalised
   (``normalize.name_key``);
4. a part of a name, as whole words ("Zakharov" finds "Aleksandr Vyacheslavovich Zakharov", not
   "Zakharova").

Every ``Match`` says what it matched on. ``choose`` groups matches by resolved entity (records
joined by SAME_AS are one) and raises ``Ambiguous`` (listing them) when the query names more than
one entity, unless told to act on all. ``card`` gathers what a reader checks first: records,
datasets, registry numbers, names, sanctions listings with their dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphkit import dates
from graphkit import normalize as nz
from graphkit.errors import GraphkitError, NotFound
from graphkit.identifiers import candidates_for

if TYPE_CHECKING:
    from graphkit.resolve.clusters import Clusters
    from graphkit.store.base import Store


@dataclass
class Match:
    """One firm or person record matching a query, and what it matched on."""

    id: str
    label: str
    name: str | None
    country: str | None
    registry_ids: list[str]
    datasets: list[str]
    matched_on: str  # "internal id", "registry number ru-inn:…", "source id …", "name", "alias …", …

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "name": self.name, "country": self.country,
                "registry_ids": self.registry_ids, "datasets": self.datasets, "matched_on": self.matched_on}


SHOWN = 30  # matches listed when a query is ambiguous


class Ambiguous(GraphkitError):
    """The query names several entities: ``matches`` lists them (one per entity)."""

    def __init__(self, query: str, matches: list[Match]) -> None:
        self.query, self.matches = query, matches
        lines = [f"{query!r} matches {len(matches)} entities; name one by its id, or give --all-matches:"]
        lines += [f"  {m.id}  {m.label} {m.name or '(no name)'}"
                  + (f" ({m.country})" if m.country else "") + f"  matched on {m.matched_on}" for m in matches[:SHOWN]]
        if len(matches) > SHOWN:
            lines.append(f"  ... and {len(matches) - SHOWN} more")
        super().__init__("\n".join(lines))


def _match(row: dict[str, Any], matched_on: str) -> Match:
    return Match(row["id"], row["label"], row["name"], row["country"], list(row["registry_ids"] or []),
                 list(row["datasets"] or []), matched_on)


def find(store: Store, query: str) -> list[Match]:
    """Every firm or person record ``query`` names (see the module docstring), in the order of
    their ids: a store's scan returns rows in no fixed order, and the first record of an entity
    is the one its card and an ambiguity's list show. Raises NotFound. Cost: index look-ups for
    ids; a scan of registry numbers, records or names when those steps are reached."""
    return sorted(_find(store, query), key=lambda m: m.id)


def _find(store: Store, query: str) -> list[Match]:
    query = query.strip()
    ids = [query] + ([] if ":" in query else candidates_for(query))
    rows = store.run("entity_by_id", ids=ids)
    if rows:
        return [_match(r, "internal id" if r["id"] == query else f"registry number {r['id']}") for r in rows]
    if any(c.isdigit() for c in query):  # a number the node is not keyed by (its OGRN, a remark's Tax ID)
        number = (query.partition(":")[2] if ":" in query else query).upper()
        rows = store.run("entity_by_registry_id", ids=ids, suffix=":" + number)
        if rows:
            return [_match(r, "registry number " + next(
                (x for x in r["registry_ids"] or [] if x in ids or x.upper().endswith(":" + number)), query))
                for r in rows]
    if " " not in query and query:
        rows = store.run("entity_by_source_id", suffix="|" + query)
        if rows:
            return [_match(r, "source id " + next((x for x in r["records"] or [] if x.endswith("|" + query)), query))
                    for r in rows]
    # firms and people are keyed differently (a person's words are sorted): try both keys
    keys = [k for k in dict.fromkeys((nz.name_key(query), nz.name_key(query, "Person"))) if k]
    rows = _unique(r for k in keys for r in store.run("entity_by_name", key=k))
    if rows:
        return [_match(r, _name_basis(r, keys)) for r in rows]
    patterns = [re.compile(rf"(^|\s){re.escape(k)}($|\s)") for k in keys]
    rows = _unique(r for k in keys for r in store.run("entity_by_name_part", key=k)
                   if any(p.search(x) for p in patterns for x in r["name_keys"] or []))
    if rows:
        return [_match(r, "part of " + _name_basis(r, keys, part=True)) for r in rows]
    raise NotFound(f"nothing matches {query!r}: try a registry number, an internal id "
                   "(graphkit stats shows what is loaded) or another spelling")


def _unique(rows: Any) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        out.setdefault(r["id"], r)
    return list(out.values())


def _name_basis(row: dict[str, Any], keys: list[str], part: bool = False) -> str:
    """Which of a record's names the keys matched: its name, an alias or spelling, a previous name."""
    def hit(name: str) -> bool:
        k = nz.name_key(name, row["label"])
        return bool(k) and any((key in k.split() or f" {key} " in f" {k} ") if part else k == key for key in keys)
    if row["name"] and hit(row["name"]):
        return "name"
    for n in row.get("previous_names") or []:
        if hit(n):
            return f"previous name {n!r}"
    for n in row.get("names") or []:
        if hit(n):
            return f"alias {n!r}"
    return "a spelling of the name"


def choose(matches: list[Match], clusters: Clusters, query: str, *, all_matches: bool = False) -> list[Match]:
    """The matches to act on, one per resolved entity (the first record of each). Raises
    ``Ambiguous`` when they are several entities and ``all_matches`` is False."""
    clusters.expand(m.id for m in matches)
    per_entity: dict[str, Match] = {}
    for m in matches:
        per_entity.setdefault(clusters.find(m.id), m)
    chosen = list(per_entity.values())
    if len(chosen) > 1 and not all_matches:
        raise Ambiguous(query, chosen)
    return chosen


def entities(store: Store, query: str, clusters: Clusters, *, label: str | None = None,
             all_matches: bool = False) -> list[Match]:
    """``find`` then ``choose``: one match per entity ``query`` names (of ``label`` only, when
    given). Raises NotFound (also when nothing of that label matches) and ``Ambiguous``."""
    matches = find(store, query)
    if label is not None:
        matches = [m for m in matches if m.label == label]
        if not matches:
            raise NotFound(f"{query!r} names no {'firm' if label == 'Company' else label.lower()}")
    return choose(matches, clusters, query, all_matches=all_matches)


def listings_text(listings: list[dict[str, Any]]) -> str:
    """Listings as one line, each authority once: ``OFAC SDN: RUSSIA-EO14024 (listing date
    unknown); Federal Public Service Finance (listed 2025-02-24, 2025-03-15)``; ``no`` without."""
    by: dict[str, dict[str, list[str]]] = {}
    for x in listings:
        who = " ".join(v for v in (x.get("authority"), x.get("list") if x.get("list") not in (None, "ftm") else None)
                       if v) or ("marked sanctioned by the source (no listing record)" if not x.get("sanction_id")
                                 else "a listing whose authority the source does not name")
        entry = by.setdefault(who, {"programs": [], "dates": []})
        if x.get("program") and x["program"] not in entry["programs"]:
            entry["programs"].append(x["program"])
        day = x.get("listed") or "listing date unknown"
        if day not in entry["dates"]:
            entry["dates"].append(day)
    parts = []
    for who, entry in by.items():
        programs = f": {', '.join(entry['programs'])}" if entry["programs"] else ""
        known = sorted(d for d in entry["dates"] if d[:1].isdigit())
        dated = (f"listed {', '.join(known)}" if known else "") + (
            ("; " if known else "") + "listing date unknown" if "listing date unknown" in entry["dates"] else "")
        parts.append(f"{who}{programs} ({dated})")
    return "; ".join(parts) or "no"


@dataclass
class Card:
    """What a reader checks about an entity before its links: its records and sources."""

    id: str
    label: str
    name: str | None
    matched_on: str
    members: list[str]
    names: list[str]
    registry_ids: list[str]
    datasets: list[str]
    records: list[str]  # "dataset:file#record"
    listings: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "name": self.name, "matched_on": self.matched_on,
                "members": self.members, "names": self.names, "registry_ids": self.registry_ids,
                "datasets": self.datasets, "records": self.records, "listings": self.listings}


def card(store: Store, match: Match, clusters: Clusters) -> Card:
    """The card of the entity ``match`` belongs to: every resolved record's names, registry
    numbers, datasets and source records, and its sanctions listings with their dates."""
    members = clusters.members(match.id)
    rows = store.run("nodes_by_id", ids=members)
    names: list[str] = []
    registry: list[str] = []
    datasets: list[str] = []
    records: list[str] = []
    for r in rows:
        props = r.get("props") or r
        for src, out in ((props.get("names") or [props.get("name")], names),
                         (props.get("registry_ids") or [], registry), (props.get("datasets") or [], datasets)):
            out += [x for x in src if x and x not in out]
        for ref in props.get("records") or []:
            dataset, _, rest = ref.partition("|")
            file, _, record = rest.partition("|")
            text = f"{dataset}:{file}#{record}"
            if text not in records:
                records.append(text)
    listings = listings_of(store, members)
    return Card(clusters.find(match.id), match.label, match.name, match.matched_on, members, names, registry,
                datasets, records, listings)


def listings_of(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    """The sanctions listings of the records ``ids``, one per listing: authority, list, program,
    ``listed`` (the listing or start date the source gives, ISO) or None, and sources. A record
    its source marks sanctioned without a listing record (FtM topics) is one entry with no
    ``sanction_id``, as ``exposure`` counts it: the card must not say "no" where exposure says
    "listed"."""
    out: dict[str, dict[str, Any]] = {}
    for r in store.run("sanctions_of", ids=ids):
        if r["sanction_id"] is None:
            out.setdefault(f"marked|{r['id']}", {
                "sanction_id": None, "authority": None, "list": None, "program": None, "listed": None,
                "ended": None, "marked": r["id"], "sources": []})
            continue
        listed = r.get("listing_date") or r.get("start_date")
        out.setdefault(r["sanction_id"], {
            "sanction_id": r["sanction_id"], "authority": r["authority"], "list": r["list"], "program": r["program"],
            "listed": dates.iso(listed) if listed is not None else None,
            "ended": dates.iso(r.get("end_date")) if r.get("end_date") is not None else None,
            "sources": [s.replace("|", ":", 1).replace("|", "#", 1) for s in r["sanction_records"] or []]})
    return sorted(out.values(), key=lambda x: (x["listed"] or "9999", x["authority"] or "", x["program"] or ""))
