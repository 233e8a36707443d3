"""Sanctions exposure: how an entity reaches sanctioned parties, and the OFAC 50 % rule.

``exposure(store, "Nebesnaya Mekhanika", hops=3)`` answers two questions about a firm:

1. **Is it blocked by ownership?** OFAC's 50 % rule: a firm owned 50 % or more, directly or
   indirectly, individually or in aggregate, by blocked parties is itself blocked. The rule is
   applied as OFAC's guidance (FAQ 398-401, 2014) works its examples: the stakes of blocked
   owners are summed; an owner counts as blocked when it is listed (sanctioned, or resolved as
   the same as a sanctioned record) or is itself blocked by ownership, so the rule climbs
   ownership chains up to ``hops`` levels (blocked X owns 50 % of A, A owns 50 % of B: B is
   blocked). Each path also carries ``chain_share``, the shares multiplied along the chain, the
   economic interest the listed party holds through it (25 % here), for the reader; the
   decision uses the guidance. Only holdings current at ``as_of`` count, by the status
   find-links prints (``evidence.status_of``): begun on or before it, not ended before it, and
   not called ended by the source (a former role, a status such as INACTIVE); a holding whose
   registration the source no longer confirms (GLEIF LAPSED, RETIRED...) is a stake of unknown
   standing. One owner's stake recorded by several sources counts once (the largest share
   stated). A stake whose share the sources do not give is **unknown**: never guessed; one
   given as a range (UK PSC: 25 to 50 %) counts its bounds. The firm is blocked when the stakes'
   lower bounds reach 50 %, not blocked when their upper bounds (100 % for an unknown share or
   standing) stay below it, and otherwise the answer is ``"unknown"`` and ``aggregate_share`` is
   null (``known_share`` and ``share_at_most`` give the bounds). ``unknown_stakes`` counts the
   stakes not known exactly (no share, a range, an owner or standing of unknown status).
2. **Which sanctioned parties is it linked to?** Every path of up to ``hops`` steps through
   officer roles, holdings (either way) and trade (the other side of its customs lines) that
   ends at a sanctioned person or firm, with each step's role, share, dates and source.

Firms and people resolved as one (SAME_AS) count as one. Uses the indexed one-entity queries of
``cypher/`` (``firm_holders``, ``holdings``, ``firm_shipments``, ``shipment_parties``,
``sanctions_of``), so the cost depends on the neighbourhood walked, not on the graph's size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from graphkit import dates
from graphkit.link import lookup as lk
from graphkit.link.evidence import plural, row_status, share_text
from graphkit.link.links import Clusters
from graphkit.link.trade import sources_of
from graphkit.model import source_of
from graphkit.store.base import Store

THRESHOLD = 50.0
UNKNOWN = "unknown"


@dataclass
class Ownership:
    """The 50 % rule for one firm."""

    blocked: bool | str  # True, False or "unknown"
    known_share: float  # the lower bound of the stakes of blocked (or possibly blocked) owners
    unknown_stakes: int  # stakes not known exactly: no share, a range, an owner or standing unknown
    paths: list[list[dict[str, Any]]] = field(default_factory=list)  # each from a listed party down
    share_at_most: float = 0.0  # their upper bound (an unknown share or standing: 100 %)

    @property
    def aggregate_share(self) -> float | None:
        """The share held by blocked parties: exact when ``unknown_stakes`` is 0, else the bound
        that decided (at least, for blocked; at most, for not blocked); None when unknown."""
        if self.blocked == UNKNOWN:
            return None
        return round(self.known_share if self.blocked is True or not self.unknown_stakes else self.share_at_most, 6)


class Walker:
    """Walks ownership and links around entities of one store, as of one day, caching what it
    has looked up (listings, names, each firm's 50 % answer): ``flags`` reuses one walker for
    every firm a sanctioned party holds shares in."""

    def __init__(self, store: Store, as_of: dt.date, hops: int):
        self.store, self.as_of, self.hops = store, as_of, hops
        self.clusters = Clusters.around(store, [])
        self._listings: dict[str, list[dict[str, Any]]] = {}
        self._names: dict[str, str | None] = {}
        self._ownership: dict[tuple[str, int], Ownership] = {}

    def rep(self, node_id: str) -> str:
        self.clusters.expand([node_id])
        return self.clusters.find(node_id)

    def listings(self, rep: str) -> list[dict[str, Any]]:
        """The sanctions listings of the entity ``rep`` (any of its resolved records), each with
        ``listed`` (the listing or start date the source gives, or None: "listing date
        unknown") and ``ended``."""
        if rep not in self._listings:
            rows = self.store.run("sanctions_of", ids=self.clusters.members(rep))
            self._listings[rep] = sorted(
                ({"id": r["id"], "name": r["name"], "authority": r["authority"], "list": r["list"],
                  "program": r["program"], "sanction_id": r["sanction_id"],
                  "listed": dates.iso(r["listing_date"] or r["start_date"]),
                  "ended": dates.iso(r["end_date"]),
                  "sources": sources_of(r["sanction_records"])} for r in rows),
                key=lambda x: (x["id"], x["sanction_id"] or ""))
        return self._listings[rep]

    def listed(self, rep: str) -> bool | str:
        """Whether ``rep`` is listed on ``as_of``: True when a listing dated on or before it has
        not ended by then, or when its listings give no date at all (OFAC SDN: "listing date
        unknown", said with it); "unknown" when every dated listing comes after ``as_of`` and
        others give no date (they may be the same listing); False otherwise."""
        return self.listing_status(rep)[0]

    def listing_status(self, rep: str) -> tuple[bool | str, str]:
        """``listed`` and the reason, in words."""
        found = self.listings(rep)
        in_force = [x for x in found if not (x["ended"] and dates.as_date(x["ended"]) < self.as_of)]
        dated = sorted(x["listed"] for x in in_force if x["listed"])
        undated = [x for x in in_force if not x["listed"]]
        day = self.as_of.isoformat()
        if dated and dated[0] <= day:
            return True, f"listed {dated[0]}"
        if dated and undated:
            n = len(undated)
            return UNKNOWN, (f"first dated listing {dated[0]} is after {day}; "
                             f"{plural(n, 'other listing')} {'gives' if n == 1 else 'give'} no date")
        if dated:
            return False, f"first listing {dated[0]} is after {day}"
        if undated:
            return True, "listing date unknown"
        return False, "not listed"

    def name(self, node_id: str) -> str | None:
        if node_id not in self._names:
            rows = self.store.run("entity_by_id", ids=[node_id])
            self._names[node_id] = rows[0]["name"] if rows else None
        return self._names[node_id]

    def ownership(self, firm: str, depth: int = 0, seen: frozenset[str] = frozenset()) -> Ownership:
        """The 50 % rule for the firm ``firm`` (a cluster representative)."""
        key = (firm, depth)
        if key in self._ownership:
            return self._ownership[key]
        stakes: dict[str, dict[str, Any]] = {}  # owner -> its largest current stake, with the step
        for member in self.clusters.members(firm):
            for h in self.store.run_keyed("firm_holders", [member]):
                if h["type"] != "OWNS":
                    continue
                standing = row_status(h, self.as_of)  # as find-links gives it
                if standing.word in ("former", "future"):
                    continue
                owner = self.rep(h["holder_id"])
                if owner == firm or owner in seen:
                    continue
                step = {"from": {"id": owner, "name": self.name(owner), "record_id": h["holder_id"],
                                 "label": h["holder_label"]},
                        "to": {"id": firm, "name": self.name(firm), "record_id": member},
                        **_holding(h), "source": source_of(h)}
                if standing.word == "not confirmed":
                    step["unconfirmed"] = standing.text
                old = stakes.get(owner)
                if old is None or _larger(step, old):
                    stakes[owner] = step
        known, most, unknown = 0.0, 0.0, 0
        paths: list[list[dict[str, Any]]] = []
        for owner, step in sorted(stakes.items()):
            status = self.listed(owner)
            listed = status is True
            via: Ownership | None = None
            if not listed and step["from"]["label"] == "Company" and depth + 1 < self.hops:
                via = self.ownership(owner, depth + 1, seen | {firm})
                if via.blocked is False and status is False:
                    continue
                if via.blocked is True:
                    status = True
            elif status is False:
                continue
            low, high = _bounds(step)
            owner_unknown = (via is not None and via.blocked == UNKNOWN) or status == UNKNOWN
            if owner_unknown or step.get("unconfirmed") or low is None:
                unknown += 1
                most += 100.0 if step.get("unconfirmed") or low is None else high
                reason = (step["unconfirmed"] if step.get("unconfirmed")
                          else "share not given" if low is None
                          else self.listing_status(owner)[1]
                          if status == UNKNOWN and (via is None or via.blocked is not True)
                          else "whether the owner is blocked is unknown")
                step = {**step, "counted": UNKNOWN, "why": reason}
            elif step["share"] is None:  # a range: its lower bound is known, the rest is not
                unknown += 1
                known += low
                most += high
                step = {**step, "counted": low,
                        "why": f"a share of {share_text(None, step['share_min'], step['share_max'])}: "
                               f"{low:g} % counted as known"}
            else:
                known += low
                most += low
                step = {**step, "counted": low}
            if via is None or self.listings(owner):
                step["from"]["listings"] = self.listings(owner)
            if via is None or not via.paths:
                paths.append([step])
            else:
                step["from"]["blocked_by_ownership"] = via.blocked
                paths += [[*p, step] for p in via.paths]
        for p in paths:
            shares = [s["share"] for s in p]
            product = 1.0
            for s in shares:
                product = product * s / 100 if s is not None else float("nan")
            p[-1]["chain_share"] = None if product != product else round(product * 100, 6)
        blocked: bool | str = True if known >= THRESHOLD else (False if most < THRESHOLD else UNKNOWN)
        result = Ownership(blocked, known, unknown, paths, most)
        self._ownership[key] = result
        return result

    def neighbours(self, rep: str) -> list[tuple[str, dict[str, Any]]]:
        """(neighbour, step) for every officer, ownership and trade relationship of ``rep``."""
        out: list[tuple[str, dict[str, Any]]] = []
        for member in self.clusters.members(rep):
            for h in self.store.run_keyed("firm_holders", [member]):
                out.append((h["holder_id"], {"kind": "holder", "type": h["type"], **_holding(h),
                                             "source": source_of(h)}))
            for h in self.store.run_keyed("holdings", [member]):
                out.append((h["firm_id"], {"kind": "holding", "type": h["type"], **_holding(h),
                                           "source": source_of(h)}))
            lines = self.store.run_keyed("firm_shipments", [member])
            if lines:
                ids = sorted({r["shipment_id"] for r in lines})
                by_line = {r["shipment_id"]: r for r in lines}
                for p in self.store.run("shipment_parties", ids=ids):
                    line = by_line[p["shipment_id"]]
                    mine = "seller" if line["direction"] == "out" else "buyer"
                    if p["side"] == mine or p["firm_id"] == member:
                        continue
                    out.append((p["firm_id"], {"kind": "trade", "type": "SHIPPED" if mine == "seller" else "SHIPPED_TO",
                                               "role": p["role"], "date": dates.iso(line["date"]),
                                               "hs_code": line["hs_code"], "value_usd": line["value_usd"],
                                               "declaration_number": line["declaration_number"],
                                               "source": source_of(line)}))
        return out

    def exposures(self, start: str) -> list[dict[str, Any]]:
        """The shortest paths (up to ``hops`` steps) from ``start`` to each sanctioned party."""
        found: dict[str, dict[str, Any]] = {}
        frontier: list[tuple[str, list[dict[str, Any]]]] = [(start, [])]
        seen = {start}
        for _ in range(self.hops):
            nxt: list[tuple[str, list[dict[str, Any]]]] = []
            for node, path in frontier:
                for other_id, step in sorted(self.neighbours(node), key=lambda x: (x[0], str(x[1]))):
                    other = self.rep(other_id)
                    if other == node:
                        continue
                    full = [*path, {**step, "from": {"id": node, "name": self.name(node)},
                                    "to": {"id": other, "name": self.name(other), "record_id": other_id}}]
                    if other in seen:
                        if other in found and len(full) == found[other]["hops"]:
                            found[other]["paths"].append(full)
                        continue
                    listings = self.listings(other)
                    if listings and self.listed(other) is not False:
                        found.setdefault(other, {"party": {"id": other, "name": self.name(other)},
                                                 "listings": listings, "hops": len(full), "paths": []})
                        if found[other]["hops"] == len(full):
                            found[other]["paths"].append(full)
                    nxt.append((other, full))
            for other, _ in nxt:
                seen.add(other)
            frontier = nxt
        return sorted(found.values(), key=lambda e: (e["hops"], e["party"]["id"]))


def _holding(h: dict[str, Any]) -> dict[str, Any]:
    """What a path step says of a role or holding (a ``firm_holders`` or ``holdings`` row): what
    find-links prints of it (``evidence.Role.of_step``)."""
    return {"role": h["role"], "share": h["share"], "share_min": h["share_min"], "share_max": h["share_max"],
            "start_date": dates.iso(h["start"]), "end_date": dates.iso(h["end_date"]), "status": h["status"],
            "registration_status": h["registration_status"], "record_date": dates.iso(h["record_date"]),
            "loaded_at": None if h["loaded_at"] is None else str(h["loaded_at"])[:10]}  # the day, as printed


def _bounds(step: dict[str, Any]) -> tuple[float | None, float]:
    """The least and the most a stake may be (percent): its share, or the range the source
    gives (UK PSC: more than 25, not more than 50); (None, 100) when neither is given."""
    if step["share"] is not None:
        return step["share"], step["share"]
    if step["share_min"] is not None:
        return step["share_min"], 100.0 if step["share_max"] is None else step["share_max"]
    return None, 100.0 if step["share_max"] is None else step["share_max"]


def _larger(step: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether ``step`` states a larger stake than ``other`` (one owner's stake, from two
    sources): a larger least share, or the same one stated exactly."""
    low, other_low = _bounds(step)[0], _bounds(other)[0]
    if low is None:
        return False
    return other_low is None or low > other_low or (low == other_low and step["share"] is not None
                                                    and other["share"] is None)


def exposure(store: Store, query: str, *, hops: int = 3, as_of: dt.date | None = None,
             all_matches: bool = False) -> list[dict[str, Any]]:
    """The exposure of each entity ``query`` names (see the module docstring; firms and people,
    by any name, number or source id: ``graphkit.link.lookup``), one dict each: ``card`` (the
    entity card), ``entity``, ``as_of``, ``listings`` (its own, with dates), ``listed`` (on
    ``as_of``: True, False or ``"unknown"``), ``blocked_by_ownership`` (True, False,
    ``"unknown"``; None for a person), ``aggregate_share``, ``known_share``, ``share_at_most``,
    ``unknown_stakes``, ``ownership_paths`` and ``exposures``. Raises NotFound, and
    ``lookup.Ambiguous`` when ``query`` names several entities and ``all_matches`` is False."""
    if hops < 1:
        raise ValueError("hops must be 1 or more")
    as_of = as_of or dt.date.today()
    walker = Walker(store, as_of, hops)
    out = []
    done = set()
    for ent in lk.entities(store, query, walker.clusters, all_matches=all_matches):
        rep = walker.rep(ent.id)
        if rep in done:
            continue
        done.add(rep)
        result: dict[str, Any] = {"entity": {"id": rep, "label": ent.label, "name": walker.name(rep),
                                             "members": walker.clusters.members(rep)},
                                  "as_of": as_of.isoformat(), "hops": hops, "listings": walker.listings(rep),
                                  "listed": walker.listing_status(rep)[0],
                                  "listed_basis": walker.listing_status(rep)[1],
                                  "card": lk.card(store, ent, walker.clusters).as_dict()}
        if ent.label == "Company":
            own = walker.ownership(rep)
            result.update({"blocked_by_ownership": own.blocked, "aggregate_share": own.aggregate_share,
                           "known_share": round(own.known_share, 6), "share_at_most": round(own.share_at_most, 6),
                           "unknown_stakes": own.unknown_stakes,
                           "threshold": THRESHOLD, "ownership_paths": own.paths})
        else:
            result.update({"blocked_by_ownership": None, "aggregate_share": None, "known_share": None,
                           "share_at_most": None, "unknown_stakes": 0, "threshold": THRESHOLD, "ownership_paths": []})
        result["exposures"] = walker.exposures(rep)
        out.append(result)
    return out
