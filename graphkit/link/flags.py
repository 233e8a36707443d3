"""``graphkit flags``: every red-flag detector over a graph, findings ranked with evidence.

Kinds (stable names, used in JSON and CSV output and by ``--kind``):

- ``transshipment``: supplier -> intermediary in a transit country -> consignee in RU/BY, same
  goods, in time, quantities that fit, scored up when the intermediary and the consignee are
  linked and by the public red-flag indicators (``graphkit.link.trade``);
- ``route_jump``: a route's value per HS-6 code or chapter jumped year over year or month over
  month by ``factor`` or more to at least ``min_value`` (``graphkit.link.trade``);
- ``blocked_by_ownership``: a firm owned 50 % or more by blocked parties under the OFAC rule, or
  whose answer is unknown because a blocked owner's share is not given (``graphkit.link.exposure``);
- ``watchlist_goods``: goods on a watch list (the CHPL, or the user's) sent into RU/BY, per
  seller, buyer and list.

Each finding carries a score (higher is stronger; the scores of different kinds are comparable
only roughly: a transshipment with linked firms ranks above a bare route jump), a one-line
summary, the entities involved, the evidence (figures, lines, links, paths) and the source
records. The Cypher behind each detector is in ``cypher/`` (``trade_lines``,
``sanctioned_entities``, ``firm_facts``, ``sanctions_of`` and the link queries), so the same
question can be asked in Neo4j Browser.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphkit.link.exposure import Walker
from graphkit.link.links import Clusters
from graphkit.link.trade import (
    DESTINATIONS,
    TRANSIT,
    Jump,
    Line,
    lines_table,
    one_declaration_side,
    route_jumps,
    trade_lines,
    transshipments,
)
from graphkit.link.watchlists import Watchlists
from graphkit.store.base import Store

KINDS = ("transshipment", "route_jump", "blocked_by_ownership", "watchlist_goods")


@dataclass
class Finding:
    kind: str
    score: float
    title: str
    summary: str
    entities: list[dict[str, Any]]
    evidence: dict[str, Any]
    sources: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "score": self.score, "title": self.title, "summary": self.summary,
                "entities": self.entities, "evidence": self.evidence, "sources": self.sources}


@dataclass
class Options:
    """The knobs of the detectors (``graphkit flags --help`` lists them)."""

    factor: float = 10.0
    min_value: float = 100_000.0
    window_days: int = 180
    transit: tuple[str, ...] = TRANSIT
    destinations: tuple[str, ...] = DESTINATIONS
    as_of: dt.date | None = None
    hops: int = 3
    watchlists: Watchlists | None = None


def flags(store: Store, kinds: Iterable[str] = KINDS, options: Options | None = None) -> list[Finding]:
    """Run the detectors ``kinds`` over ``store``; findings strongest first.

    Cost: one scan of the customs lines (``trade_lines``) for the trade detectors, the link
    queries around each transshipment intermediary, and one ownership walk per firm a
    sanctioned party holds shares in."""
    options = options or Options()
    kinds = [k for k in KINDS if k in set(kinds)]
    watch = options.watchlists or Watchlists.load()
    found: list[Finding] = []
    lines: list[Line] = []
    if {"transshipment", "route_jump", "watchlist_goods"} & set(kinds):
        lines = trade_lines(store)
    clusters = Clusters.load(store) if {"transshipment", "watchlist_goods"} & set(kinds) else None
    if "transshipment" in kinds:
        for t in transshipments(store, lines, transit=options.transit, destinations=options.destinations,
                                window_days=options.window_days, watchlists=watch, clusters=clusters):
            ins, outs = t.inbound, t.outbound
            value = sum(x.value_usd or 0 for x in outs)
            found.append(Finding(
                "transshipment", t.score,
                f"{t.supplier['name']} -> {t.intermediary['name']} ({t.intermediary['country']}) -> "
                f"{t.consignee['name']} ({t.consignee['country']})",
                f"{', '.join(t.goods)}: {len(ins)} line(s) in, {len(outs)} line(s) on "
                f"({_dates(outs)}, USD {value:,.0f})" + ("" if t.quantities == "fit" else f"; quantities {t.quantities}")
                + "".join(f"; {i}" for i in t.indicators),
                [{**t.supplier, "role": "supplier"}, {**t.intermediary, "role": "intermediary"},
                 {**t.consignee, "role": "consignee"}],
                {"goods": t.goods, "quantities": t.quantities, "indicators": t.indicators,
                 "inbound": [_line(x, watch) for x in ins], "outbound": [_line(x, watch) for x in outs],
                 "links": t.links, "watchlists": t.watchlist_hits},
                _sources(ins + outs)))
    if "route_jump" in kinds:
        for j in route_jumps(lines_table(lines), factor=options.factor, min_value=options.min_value):
            found.append(_jump_finding(j, lines, watch))
    if "blocked_by_ownership" in kinds:
        found += _ownership_findings(store, options)
    if "watchlist_goods" in kinds:
        found += _watchlist_findings(lines, watch, clusters or Clusters.load(store), options)
    found.sort(key=lambda f: (-f.score, KINDS.index(f.kind), f.title))
    return found


def _line(x: Line, watch: Watchlists) -> dict[str, Any]:
    """A customs line for the evidence, tagged with the watch lists and tiers its code hits."""
    return {**x.as_dict(), "watchlists": [e.as_dict() for e in watch.hits(x.hs_code)]}


def _dates(lines: list[Line]) -> str:
    days = sorted(x.date for x in lines if x.date)
    if not days:
        return "no dates"
    return days[0].isoformat() if days[0] == days[-1] else f"{days[0].isoformat()} to {days[-1].isoformat()}"


def _sources(lines: list[Line]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for x in lines:
        out += [s for s in x.sources if s not in out]
    return out


def _jump_finding(j: Jump, lines: list[Line], watch: Watchlists) -> Finding:
    behind = [lines[i] for i in j.rows]
    hits = {(e.list, e.code, e.tier): e.as_dict() for x in behind for e in watch.hits(x.hs_code)}
    score = round(min(3.0, math.log10(j.factor)) + (0.5 if hits else 0.0), 2)
    what = f"HS-6 {j.code}" if j.level == "hs6" else f"HS chapter {j.code}"
    listed = "; on " + ", ".join(sorted({f"{h['list']}" + (f" tier {h['tier']}" if h["tier"] else "")
                                         for h in hits.values()})) if hits else ""
    return Finding(
        "route_jump", score, f"{j.from_country.upper()} -> {j.to_country.upper()}, {what}, {j.period_kind} "
        f"{j.after_period} ({j.basis})",
        f"USD {j.before_value:,.0f} in {j.before_period} ({j.before_lines} line(s)) to USD {j.after_value:,.0f} "
        f"in {j.after_period} ({j.after_lines} line(s)): x{j.factor:,.1f}{listed}",
        [{"country": j.from_country, "role": "from"}, {"country": j.to_country, "role": "to"}],
        {"from": j.from_country, "to": j.to_country, "level": j.level, "code": j.code, "basis": j.basis,
         "period": j.period_kind, "before": {"period": j.before_period, "value_usd": j.before_value,
                                             "lines": j.before_lines},
         "after": {"period": j.after_period, "value_usd": j.after_value, "lines": j.after_lines},
         "factor": round(j.factor, 4), "watchlists": sorted(hits.values(), key=lambda h: (h["list"], h["code"])),
         "lines": [_line(x, watch) for x in behind]},
        _sources(behind))


def _ownership_findings(store: Store, options: Options) -> list[Finding]:
    as_of = options.as_of or dt.date.today()
    walker = Walker(store, as_of, options.hops)
    firms: set[str] = set()
    for r in store.run("sanctioned_entities"):
        owner = walker.rep(r["id"])
        for member in walker.clusters.members(owner):
            for h in store.run_keyed("holdings", [member]):
                if h["type"] == "OWNS":
                    firms.add(walker.rep(h["firm_id"]))
    out = []
    for firm in sorted(firms):
        own = walker.ownership(firm)
        if own.blocked is False or walker.listings(firm):
            continue
        share = f"{own.aggregate_share:g}%" if not own.unknown_stakes else \
            f"at least {own.known_share:g}% known, {own.unknown_stakes} stake(s) given as a range or not known exactly"
        owners = sorted({p[0]["from"]["name"] or p[0]["from"]["id"] for p in own.paths})
        out.append(Finding(
            "blocked_by_ownership", 3.0 if own.blocked is True else 1.5,
            f"{walker.name(firm)} is {'blocked' if own.blocked is True else 'possibly blocked'} by ownership",
            f"{share} held by blocked parties ({', '.join(owners)}) as of {as_of.isoformat()}",
            [{"id": firm, "name": walker.name(firm), "role": "owned"}],
            {"blocked_by_ownership": own.blocked, "aggregate_share": own.aggregate_share,
             "known_share": own.known_share, "share_at_most": own.share_at_most, "unknown_stakes": own.unknown_stakes, "as_of": as_of.isoformat(),
             "paths": own.paths},
            [s["source"] for p in own.paths for s in p]))
    return out


def _watchlist_findings(lines: list[Line], watch: Watchlists, clusters: Clusters, options: Options) -> list[Finding]:
    groups: dict[tuple[str, str, str], list[tuple[Line, Any]]] = {}
    for x in lines:
        if x.to_country not in options.destinations or x.aggregated:
            continue
        for e in watch.hits(x.hs_code):
            seller = clusters.find(x.seller_id) if x.seller_id else f"({x.from_country or '?'})"
            buyer = clusters.find(x.buyer_id) if x.buyer_id else f"({x.to_country})"
            groups.setdefault((seller, buyer, e.list), []).append((x, e))
    out = []
    for (seller, buyer, name), hits in sorted(groups.items()):
        ls = one_declaration_side(list({x.shipment_id: x for x, _ in hits}.values()), "export")
        tiers = sorted({e.tier for _, e in hits if e.tier})
        value = sum(x.value_usd or 0 for x in ls)
        tier_bonus = 0.5 if any(t.startswith(("1", "2")) for t in tiers) else 0.0
        first = ls[0]
        out.append(Finding(
            "watchlist_goods", round(1.0 + tier_bonus, 2),
            f"{first.seller_name or seller} -> {first.buyer_name or buyer}: {name}"
            + (f" tier {', '.join(tiers)}" if tiers else ""),
            f"{len(ls)} line(s), {_dates(ls)}, USD {value:,.0f}, HS "
            + ", ".join(sorted({x.hs_code or '' for x in ls})),
            [{"id": seller, "name": first.seller_name, "role": "seller"},
             {"id": buyer, "name": first.buyer_name, "role": "buyer"}],
            {"list": name, "tiers": tiers, "codes": sorted({e.code for _, e in hits}),
             "lines": [_line(x, watch) for x in ls]},
            _sources(ls)))
    return out
