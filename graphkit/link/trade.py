"""Trade red flags: route jumps and firm-level transshipment, over the customs lines of a graph.

**Route jumps.** The story behind graphkit first showed in trade statistics: Kazakhstan's
exports of microchips to Russia went from about $245,000 in 2021 to $18 million in 2022. A
*route* is a pair of countries, from the country the goods were dispatched from (the line's
``dispatch_country``, else the seller's country, else ``origin_country``) to the country they
went to (``destination_country``, else the buyer's country). ``route_jumps`` sums the value in
US dollars per route and goods (HS-6 code and HS chapter) and period (calendar year and
calendar month), and compares each period with the one before it (year over year, month over
month). A jump is flagged when the later value is at least ``factor`` times the earlier one
and at least ``min_value``; a route with nothing in the earlier period is not a jump (there is
no ratio), which keeps one-off shipments out. Shipment lines and monthly aggregate rows are
compared separately (they may describe the same trade twice). The scan runs on pyarrow, one
group-by over the lines plus work on the (much smaller) grouped tables; ``bench/trade_bench.py``
measures it against a plain pyarrow group-by of the same lines.

**Transshipment.** ``transshipments`` looks for a supplier in one country selling goods to an
intermediary in a transit country (``TRANSIT``, configurable), which then sells the same goods
(same HS-6; the same chapter scores lower) to a consignee in Russia or Belarus (``DESTINATIONS``)
within ``window_days`` after it received them, without exporting more than it imported.
Firms resolved as one (SAME_AS) count as one. Each finding is scored and lists its red flags:
intermediary and consignee linked (shared officer, owner or address, or control: the evidence
of ``graphkit.link.links``), the intermediary incorporated after 24 February 2022, its first
shipment to the consignee after that date, an officer or owner role that ended within a year
before the shipments, goods on a watch list.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphkit import dates
from graphkit.link.links import Clusters, Link, find_links
from graphkit.link.watchlists import Watchlists
from graphkit.store.base import Store

if TYPE_CHECKING:  # pyarrow is imported where the scan runs, not for graphkit --help
    import pyarrow as pa

TRANSIT = ("kz", "kg", "am", "ae", "tr", "uz", "ge")
DESTINATIONS = ("ru", "by")
INVASION = dt.date(2022, 2, 24)
LEVELS = ("hs6", "chapter")
PERIODS = ("year", "month")
LINK_KINDS = ("shared_officer", "common_owner", "shared_address", "direct_control")  # not trade itself


# --------------------------------------------------------------------------------------------
# Lines


@dataclass
class Line:
    """One customs line (or monthly aggregate row) with the firms on each side."""

    shipment_id: str
    date: dt.date | None
    aggregated: bool
    direction: str | None
    hs_code: str | None
    hs6: str | None
    chapter: str | None
    value_usd: float | None
    quantity: float | None
    unit: str | None
    declaration_number: str | None
    description: str | None
    from_country: str | None
    to_country: str | None
    seller_id: str | None
    seller_name: str | None
    buyer_id: str | None
    buyer_name: str | None
    sources: list[dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return {"shipment_id": self.shipment_id, "date": self.date.isoformat() if self.date else None,
                "aggregated": self.aggregated, "direction": self.direction, "hs_code": self.hs_code,
                "hs6": self.hs6, "value_usd": self.value_usd, "quantity": self.quantity, "unit": self.unit,
                "declaration_number": self.declaration_number, "description": self.description,
                "from_country": self.from_country, "to_country": self.to_country,
                "seller": {"id": self.seller_id, "name": self.seller_name},
                "buyer": {"id": self.buyer_id, "name": self.buyer_name}, "sources": self.sources}


def sources_of(records: Iterable[str] | None) -> list[dict[str, str]]:
    """``dataset|file|record`` provenance strings as source dicts."""
    out = []
    for ref in records or []:
        dataset, _, rest = ref.partition("|")
        file, _, record = rest.partition("|")
        out.append({"dataset": dataset, "file": file, "record": record})
    return out


def trade_lines(store: Store) -> list[Line]:
    """Every customs line of the graph (``cypher/trade_lines.cypher``), one per line: where a
    line names several sellers or buyers, the first by id."""
    out: dict[str, Line] = {}
    for r in store.run("trade_lines"):
        if r["shipment_id"] in out:
            continue
        out[r["shipment_id"]] = Line(
            r["shipment_id"], dates.as_date(r["date"]) if r["date"] is not None else None, bool(r["aggregated"]),
            r["direction"], r["hs_code"], r["hs6"], r["hs_chapter"], r["value_usd"], r["quantity"], r["unit"],
            r["declaration_number"], r["description"],
            r["dispatch_country"] or r["seller_country"] or r["origin_country"],
            r["destination_country"] or r["buyer_country"],
            r["seller_id"], r["seller_name"], r["buyer_id"], r["buyer_name"], sources_of(r["records"]))
    return list(out.values())


def lines_table(lines: list[Line]) -> pa.Table:
    """The columns of ``lines`` that ``route_jumps`` reads, as a pyarrow table."""
    import pyarrow as pa

    return pa.table({
        "from": pa.array([x.from_country for x in lines], pa.string()),
        "to": pa.array([x.to_country for x in lines], pa.string()),
        "hs6": pa.array([x.hs6 for x in lines], pa.string()),
        "date": pa.array([x.date for x in lines], pa.date32()),
        "value": pa.array([x.value_usd for x in lines], pa.float64()),
        "aggregated": pa.array([x.aggregated for x in lines], pa.bool_()),
        "row": pa.array(range(len(lines)), pa.int64()),
    })


# --------------------------------------------------------------------------------------------
# Route jumps


@dataclass
class Jump:
    """A route whose value jumped from one period to the next."""

    from_country: str
    to_country: str
    level: str  # hs6 | chapter
    code: str
    basis: str  # lines | monthly aggregates
    period_kind: str  # year | month
    before_period: str
    before_value: float
    before_lines: int
    after_period: str
    after_value: float
    after_lines: int
    rows: list[int] = field(default_factory=list)  # positions of the lines behind both figures

    @property
    def factor(self) -> float:
        return self.after_value / self.before_value

    def key(self) -> tuple[Any, ...]:
        return (self.from_country, self.to_country, self.level, self.code, self.basis, self.period_kind,
                self.after_period)


def _period_label(kind: str, n: int) -> str:
    return str(n) if kind == "year" else f"{n // 12:04d}-{n % 12 + 1:02d}"


def route_jumps(table: pa.Table, *, factor: float = 10.0, min_value: float = 100_000.0,
                levels: Iterable[str] = LEVELS, periods: Iterable[str] = PERIODS,
                with_lines: bool = True) -> list[Jump]:
    """Route jumps in ``table`` (columns ``from``, ``to``, ``hs6``, ``date``, ``value``,
    ``aggregated``, ``row``; see ``lines_table``), largest factor first.

    Cost: a dictionary encoding of the route and code columns and one group-by over the lines
    (one integer key for route, HS-6 and basis, and the month), then group-bys and joins on the
    grouped rows; ``with_lines`` adds one semi-join of the lines with the flagged keys to
    list the lines behind each figure. Lines without a route, HS-6 code, date or value are left
    out (they cannot be placed).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if factor <= 1:
        raise ValueError("factor must be above 1")
    levels, periods = list(levels), list(periods)
    t = table
    if any(table[c].null_count for c in ("from", "to", "hs6", "date", "value")):
        t = table.filter(pc.and_kleene(pc.and_kleene(pc.is_valid(table["from"]), pc.is_valid(table["to"])),
                                       pc.and_kleene(pc.and_kleene(pc.is_valid(table["hs6"]),
                                                                   pc.is_valid(table["date"])),
                                                     pc.is_valid(table["value"]))))
    aggregated = pc.fill_null(t["aggregated"], False) if t["aggregated"].null_count else t["aggregated"]
    month = pc.add(pc.multiply(pc.cast(pc.year(t["date"]), pa.int32()), 12),
                   pc.subtract(pc.cast(pc.month(t["date"]), pa.int32()), 1))
    t = pa.table({"from": t["from"], "to": t["to"], "hs6": t["hs6"], "agg": aggregated, "month": month,
                  "value": t["value"], "row": t["row"]})
    # Strings become small integers once (dictionary encoding), so every group-by hashes one
    # int64 key (route, code, basis) and the month instead of three strings.
    enc = {c: pc.dictionary_encode(t[c]).combine_chunks() for c in ("from", "to", "hs6")}
    sizes = {c: max(len(enc[c].dictionary), 1) for c in enc}
    codes = enc["hs6"].dictionary.to_pylist()
    chapters = sorted({c[:2] for c in codes})
    chapter_of = pa.array([chapters.index(c[:2]) for c in codes], pa.int64())
    route = pc.add(pc.multiply(pc.cast(enc["from"].indices, pa.int64()), sizes["to"]),
                   pc.cast(enc["to"].indices, pa.int64()))
    agg_bit = pc.cast(aggregated, pa.int64())
    code_key = pc.add(pc.multiply(pc.add(pc.multiply(route, sizes["hs6"]), pc.cast(enc["hs6"].indices, pa.int64())),
                                  2), agg_bit)
    monthly = pa.table({"key": code_key, "month": month, "value": t["value"]}).group_by(["key", "month"]).aggregate(
        [("value", "sum"), ("value", "count")]).rename_columns(["key", "month", "value", "n"])
    found: list[Jump] = []
    flagged: list[dict[str, Any]] = []
    for level in levels:
        if level == "hs6":
            base, width, names = monthly, sizes["hs6"], codes
        else:
            base, width, names = _by_chapter(monthly, sizes["hs6"], chapter_of, len(chapters)), len(chapters), chapters
        for kind in periods:
            for r in _hits(_per_period(base, kind), factor, min_value):
                k, agg = divmod(r["key"], 2)
                rt, code = divmod(k, width)
                f_i, t_i = divmod(rt, sizes["to"])
                frm, to = enc["from"].dictionary[f_i].as_py(), enc["to"].dictionary[t_i].as_py()
                found.append(Jump(frm, to, level, names[code], "monthly aggregates" if agg else "lines",
                                  kind, _period_label(kind, r["period"] - 1), r["before_value"], r["before_n"],
                                  _period_label(kind, r["period"]), r["value"], r["n"]))
                flagged.append({"from": frm, "to": to, "agg": bool(agg), "period": r["period"]})
    if with_lines and found:
        _attach_lines(t, found, flagged)
    found.sort(key=lambda j: (-j.factor, -j.after_value, j.key()))
    return found


def _by_chapter(monthly: pa.Table, hs6_size: int, chapter_of: pa.Array, n_chapters: int) -> pa.Table:
    """``monthly`` (key: route, HS-6 code and basis) summed per route, HS chapter and basis."""
    import pyarrow as pa
    import pyarrow.compute as pc

    key = monthly["key"]
    agg_part = pc.subtract(key, pc.multiply(pc.divide(key, 2), 2))
    code_part = pc.divide(key, 2)
    route_part = pc.divide(code_part, hs6_size)
    chap = pc.take(chapter_of, pc.subtract(code_part, pc.multiply(route_part, hs6_size)))
    ckey = pc.add(pc.multiply(pc.add(pc.multiply(route_part, n_chapters), chap), 2), agg_part)
    base = pa.table({"key": ckey, "month": monthly["month"], "value": monthly["value"], "n": monthly["n"]})
    return base.group_by(["key", "month"]).aggregate([("value", "sum"), ("n", "sum")]).rename_columns(
        ["key", "month", "value", "n"])


def _per_period(base: pa.Table, kind: str) -> pa.Table:
    """``base`` (key, month, value, n) per ``kind`` of period: the months as they are, or years."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind != "year":
        return base.rename_columns(["key", "period", "value", "n"])
    g = pa.table({"key": base["key"], "period": pc.divide(base["month"], 12), "value": base["value"], "n": base["n"]})
    return g.group_by(["key", "period"]).aggregate([("value", "sum"), ("n", "sum")]).rename_columns(
        ["key", "period", "value", "n"])


def _hits(g: pa.Table, factor: float, min_value: float) -> list[dict[str, Any]]:
    """The periods of ``g`` worth at least ``min_value`` and ``factor`` times the period before."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # only periods reaching min_value can be the later side of a jump: join those (few)
    # with the period before them, the small table on the build side of the hash join
    after = g.filter(pc.greater_equal(g["value"], min_value))
    prev = pa.table({"key": g["key"], "period": pc.add(g["period"], 1), "before_value": g["value"],
                     "before_n": g["n"]})
    prev = prev.filter(pc.greater(prev["before_value"], 0))
    joined = prev.join(after, ["key", "period"], join_type="inner")
    hit = joined.filter(pc.greater_equal(joined["value"], pc.multiply(joined["before_value"], factor)))
    return list(hit.to_pylist())


def _attach_lines(t: pa.Table, found: list[Jump], flagged: list[dict[str, Any]]) -> None:
    """Fill each jump's ``rows`` with the lines behind its two figures: one semi-join of the
    lines with the flagged (route, basis, code) keys per level, then the periods in Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    wanted: dict[tuple[Any, ...], list[Jump]] = defaultdict(list)
    for jump, r in zip(found, flagged, strict=True):
        for period in (r["period"] - 1, r["period"]):
            wanted[(r["from"], r["to"], r["agg"], jump.level, jump.code, jump.period_kind, period)].append(jump)
    for level in LEVELS:
        keys = sorted({(k[0], k[1], k[2], k[4]) for k in wanted if k[3] == level})
        if not keys:
            continue
        code = t["hs6"] if level == "hs6" else pc.utf8_slice_codeunits(t["hs6"], 0, 2)
        lines = pa.table({"from": t["from"], "to": t["to"], "agg": t["agg"], "code": code, "month": t["month"],
                          "row": t["row"]})
        key_table = pa.table({"from": [k[0] for k in keys], "to": [k[1] for k in keys],
                              "agg": [k[2] for k in keys], "code": [k[3] for k in keys]})
        some = lines.join(key_table, ["from", "to", "agg", "code"], join_type="left semi")
        for r in some.to_pylist():
            for kind, period in (("year", r["month"] // 12), ("month", r["month"])):
                for jump in wanted.get((r["from"], r["to"], r["agg"], level, r["code"], kind, period), ()):
                    jump.rows.append(r["row"])
    for jump in found:
        jump.rows.sort()


# --------------------------------------------------------------------------------------------
# Transshipment


@dataclass
class Transshipment:
    supplier: dict[str, Any]
    intermediary: dict[str, Any]
    consignee: dict[str, Any]
    goods: list[str]  # "same HS-6 880622", or "same chapter 88" where no HS-6 matched
    inbound: list[Line]
    outbound: list[Line]
    quantities: str  # fit | exceed | unknown
    indicators: list[str]
    links: list[dict[str, Any]]  # evidence that intermediary and consignee are linked
    score: float
    watchlist_hits: list[dict[str, Any]]


def transshipments(store: Store, lines: list[Line] | None = None, *, transit: Iterable[str] = TRANSIT,
                   destinations: Iterable[str] = DESTINATIONS, window_days: int = 180,
                   watchlists: Watchlists | None = None, clusters: Clusters | None = None) -> list[Transshipment]:
    """Supplier -> intermediary (transit country) -> consignee (RU/BY) chains of the same goods
    (see the module docstring), strongest first.

    Lines are matched per intermediary and goods; an outbound line counts when an inbound line
    of the same goods reached the intermediary no more than ``window_days`` before it. Quantities
    "fit" when, in the same unit, the intermediary sent no more than it had received by then.
    """
    lines = trade_lines(store) if lines is None else lines
    clusters = clusters or Clusters.load(store)
    transit_set, dest_set = {c.lower() for c in transit}, {c.lower() for c in destinations}
    watchlists = watchlists or Watchlists.load()
    rep = clusters.find
    inbound: dict[str, list[Line]] = defaultdict(list)  # intermediary -> lines it received
    outbound: dict[str, list[Line]] = defaultdict(list)  # intermediary -> lines it sent to RU/BY
    for x in lines:
        if x.aggregated or not (x.seller_id and x.buyer_id and x.hs6 and x.date):
            continue
        s, b = rep(x.seller_id), rep(x.buyer_id)
        if x.to_country in transit_set and x.from_country and x.from_country not in transit_set | dest_set:
            inbound[b].append(x)
        if x.from_country in transit_set and x.to_country in dest_set:
            outbound[s].append(x)
    found: list[Transshipment] = []
    seen: dict[Any, Any] = {}  # firms' names and facts, looked up once
    for mid in sorted(set(inbound) & set(outbound)):
        ins = one_declaration_side(inbound[mid], "import")
        outs = one_declaration_side(outbound[mid], "export")
        chains: dict[tuple[str, str], tuple[list[Line], list[Line], set[str]]] = {}
        for o in outs:
            assert o.date is not None and o.hs6 and o.buyer_id and o.seller_id
            matched = [i for i in ins if dt.timedelta(0) <= o.date - _day(i) <= dt.timedelta(days=window_days)]
            exact = [i for i in matched if i.hs6 == o.hs6]
            same_chapter = [i for i in matched if (i.hs6 or "")[:2] == o.hs6[:2]]
            for i in exact or same_chapter:  # a chapter match only where no HS-6 match exists
                assert i.seller_id
                got = chains.setdefault((rep(i.seller_id), rep(o.buyer_id)), ([], [], set()))
                if i not in got[0]:
                    got[0].append(i)
                if o not in got[1]:
                    got[1].append(o)
                got[2].add(f"same HS-6 {o.hs6}" if exact else f"same chapter {o.hs6[:2]}")
        links = find_links(store, clusters.members(mid), kinds=LINK_KINDS) if chains else []
        for (sup, con), (i_lines, o_lines, goods) in sorted(chains.items()):
            found.append(_score(store, clusters, sup, mid, con, sorted(goods), i_lines, o_lines, watchlists, links,
                                seen))
    found.sort(key=lambda f: (-f.score, f.intermediary["id"], f.consignee["id"]))
    return found


def _day(x: Line) -> dt.date:
    assert x.date is not None
    return x.date


def one_declaration_side(lines: list[Line], direction: str) -> list[Line]:
    """The same goods are often declared twice (exported from one country, imported into the
    next): keep the declarations of ``direction`` when there are any, so quantities are not
    counted twice."""
    preferred = [x for x in lines if x.direction == direction]
    return sorted(preferred or lines, key=lambda x: (x.date or dt.date.min, x.shipment_id))


def _quantities(i_lines: list[Line], o_lines: list[Line]) -> str:
    """fit, exceed or unknown: per HS-6 code sent on, compared with what had been received of
    it (of any matching code) by the day it left."""
    verdicts = set()
    for code in sorted({x.hs6 for x in o_lines if x.hs6}):
        out = [x for x in o_lines if x.hs6 == code]
        same = [x for x in i_lines if x.hs6 == code]
        verdicts.add(_fits(same or i_lines, out))
    for verdict in ("exceed", "unknown"):
        if verdict in verdicts:
            return verdict
    return "fit"


def _fits(i_lines: list[Line], o_lines: list[Line]) -> str:
    units = {x.unit for x in i_lines + o_lines}
    if len(units) != 1 or None in units or any(x.quantity is None for x in i_lines + o_lines):
        return "unknown"
    received = 0.0
    sent = 0.0
    events = sorted([(x.date, 0, x.quantity) for x in i_lines] + [(x.date, 1, x.quantity) for x in o_lines])
    for _, kind, qty in events:
        assert qty is not None
        if kind == 0:
            received += qty
        else:
            sent += qty
            if sent > received * 1.05:  # 5 % for rounding and spare units
                return "exceed"
    return "fit"


def _score(store: Store, clusters: Clusters, sup: str, mid: str, con: str, goods: list[str],
           i_lines: list[Line], o_lines: list[Line], watchlists: Watchlists, links: list[Link],
           seen: dict[Any, Any]) -> Transshipment:
    score = 1.0 if any(g.startswith("same HS-6") for g in goods) else 0.5
    indicators: list[str] = []
    quantities = _quantities(i_lines, o_lines)
    if quantities == "fit":
        score += 0.5
        indicators.append("the quantities sent on fit what was received")
    link_evidence: list[dict[str, Any]] = []
    members = set(clusters.members(con))
    for link in links:
        if link.b.id in members or clusters.find(link.b.id) == con or set(link.b.members) & members:
            link_evidence += [e.as_dict() for e in link.evidence]
    first = min(x.date for x in o_lines if x.date)
    if link_evidence:
        score += 2.0
        kinds = sorted({e["kind"] for e in link_evidence})
        indicators.append(f"intermediary and consignee are linked ({', '.join(kinds)})")
        ended = set()
        for e in link_evidence:
            for side in ("a", "b"):
                role = e["detail"].get(side)
                end = role.get("end_date") if isinstance(role, dict) else None
                if end and dt.timedelta(0) <= first - dt.date.fromisoformat(end) <= dt.timedelta(days=365):
                    who = (e["via"] or {}).get("resolved_with", e["via"] or {}).get("name")
                    ended.add(f"{who}: {role.get('role') or role.get('type')} ended {end}")
        if ended:
            score += 0.5
            indicators += [f"a role ended shortly before the shipments ({x})" for x in sorted(ended)]
    if ("facts", mid) not in seen:
        seen[("facts", mid)] = {r["id"]: r for r in store.run("firm_facts", ids=clusters.members(mid))}
    facts = seen[("facts", mid)]
    incorporated = [dates.as_date(r["incorporation_date"]) for r in facts.values() if r["incorporation_date"]]
    if incorporated and min(incorporated) > INVASION:
        score += 0.5
        indicators.append(f"intermediary incorporated after 24 February 2022 ({min(incorporated).isoformat()})")
    if first > INVASION:
        score += 0.5
        indicators.append(f"first shipment to the consignee after 24 February 2022 ({first.isoformat()})")
    hits: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for x in i_lines + o_lines:
        for entry in watchlists.hits(x.hs_code):
            hits.setdefault((entry.list, entry.code, entry.tier), entry.as_dict())
    if hits:
        score += 0.5
        indicators.append("goods on a watch list: " + ", ".join(
            f"{h['list']}{' tier ' + h['tier'] if h['tier'] else ''} ({h['code']})" for h in sorted(
                hits.values(), key=lambda h: (h["list"], h["code"]))))

    def party(fid: str) -> dict[str, Any]:
        if fid not in seen:
            rows = store.run("entity_by_id", ids=[fid])
            seen[fid] = {"id": fid, "name": rows[0]["name"] if rows else None,
                         "country": rows[0]["country"] if rows else None, "members": clusters.members(fid)}
        return dict(seen[fid])

    return Transshipment(party(sup), party(mid), party(con), goods, i_lines, o_lines, quantities, indicators,
                         link_evidence, round(score, 2), sorted(hits.values(), key=lambda h: (h["list"], h["code"])))
