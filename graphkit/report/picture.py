"""The picture an editor prints: one node per resolved entity, customs lines aggregated, a
fixed layout.

``entity_graph(g, clusters)`` turns a record-level graph (``graphkit.report.graph``: one node per
record, SAME_AS between records, one diamond per customs line, one star per sanction listing)
into the graph a reader needs:

- one node per resolved firm or person (SAME_AS judged auto or accepted): its records
  (``members``), spellings (``names``), sources, and the resolution evidence (``resolution``:
  each joining decision with its score, method and explanation) for the side panel;
- addresses written differently but parsed to the same building, unit and level
  (``graphkit.addresses``) as one node with every written form kept; pairs that may be the same
  place are listed in ``graph["address_review"]``, never joined;
- customs lines as one TRADE relationship per exporter, importer, HS-6 code and year, with the
  count, quantity, value, first and last date and every line's source;
- sanction listings as a badge on the listed entity (``sanctions`` in the panel), not as nodes;
- the same fact from several records (a role in the registry and in the press) drawn once.

``summarise(g, keep, max_nodes)`` keeps the ``max_nodes`` nodes nearest the ones asked about
and says what it left out; ``layout(g)`` places the nodes once (a seeded networkx spring layout, so
the same data gives the same picture) in pixels, with labels pushed apart until few overlap.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graphkit import addresses
from graphkit.resolve.clusters import Clusters

DEFAULT_MAX_NODES = 40  # drawn by default; the rest are counted in a note
TRADE = "TRADE"  # an aggregated customs relationship: exporter -> importer, per HS-6 and year
LABEL_FONT_PX = 14  # node labels at the picture's own scale (1 canvas unit = 1 CSS pixel)
EDGE_FONT_PX = 12
EDGE_CHAR_PX = 6.6  # the same for a 12 px line label
CHAR_PX = 8.4  # average width of a character of a 14 px sans-serif label (Cyrillic capitals run wide)
LINE_PX = 17
SEED = 17  # the layout's random seed: the same data gives the same picture


# --------------------------------------------------------------------------------------------
# One node per entity


def entity_graph(g: nx.MultiDiGraph, clusters: Clusters | None = None) -> nx.MultiDiGraph:
    """The entity-level graph of the record-level graph ``g`` (see the module docstring).

    Node ids are the representative record of each resolved entity (``Clusters.find``), an
    aggregate id for addresses joined by their parsed form. Costs O(nodes + edges), plus one
    address parse per address node.
    """
    rep: dict[str, str] = {}
    for node, d in g.nodes(data=True):
        label = d.get("label")
        if label in ("Company", "Person") and clusters is not None:
            rep[node] = clusters.find(node)
        elif label not in ("Shipment", "Sanction"):
            rep[node] = node
    for node in {r for n, r in rep.items() if n not in g}:  # a representative outside the drawing
        rep[node] = node
    same_place, review = _address_groups(g)
    rep.update(same_place)

    out = nx.MultiDiGraph()
    out.graph.update({k: v for k, v in g.graph.items() if k != "notes"})
    out.graph["notes"] = list(g.graph.get("notes", []))
    out.graph["address_review"] = review
    members: dict[str, list[str]] = defaultdict(list)
    for node, r in rep.items():
        if node in g:
            members[r].append(node)
    for r, nodes in members.items():
        out.add_node(r, **_merge_entity(g, r, sorted(nodes, key=lambda n: (n != r, n))))

    for u, v, d in g.edges(data=True):
        t = d["type"]
        if t == "SAME_AS":
            ru, rv = rep.get(u, u), rep.get(v, v)
            if ru == rv:
                out.nodes[ru].setdefault("resolution", []).append(_decision_text(g, u, v, d))
            else:  # pending, unsure or rejected: drawn between the entities, greyed
                _add_fact(out, ru, rv, d)
        elif t == "SANCTIONED":
            holder = rep.get(u, u)
            listing = g.nodes[v] if v in g else {}
            badge = out.nodes[holder]
            badge.setdefault("sanctions", []).append(_listing_text(listing, d))
            badge.setdefault("listings", []).append({"text": _listing_text(listing, d),
                                                     "date": listing.get("listing_date"),
                                                     "sources": listing.get("sources", [])})
            badge["sources"] = _union(badge.get("sources", []), listing.get("sources", []), d.get("sources", []))
            if "sanctioned" not in badge.setdefault("flags", []):
                badge["flags"].append("sanctioned")
        elif t in ("SHIPPED", "SHIPPED_TO", "DECLARED"):
            continue  # customs lines: below
        elif u in rep and v in rep:
            _add_fact(out, rep[u], rep[v], d)
    _add_trade(g, out, rep)
    for _node, d in out.nodes(data=True):
        d["flags"] = sorted(set(d.get("flags", [])) - {"chpl"}) + (["chpl"] if d.get("chpl_tier") else [])
    return out


def _address_groups(g: nx.MultiDiGraph) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Address nodes parsed to the same place -> one representative; pairs worth a look."""
    found = [(n, d) for n, d in g.nodes(data=True) if d.get("label") == "Address"]
    parsed = {n: addresses.parse(str(d.get("name") or ""), d.get("country")) for n, d in found}
    groups = addresses.group(parsed)
    rep = {n: grp[0] for grp in groups for n in grp}
    review = []
    reps = [grp[0] for grp in groups]
    for i, a in enumerate(reps):
        for b in reps[i + 1:]:
            verdict = addresses.compare(parsed[a], parsed[b])
            if verdict.same == "unsure":
                review.append({"a": a, "b": b, "a_text": g.nodes[a].get("name"), "b_text": g.nodes[b].get("name"),
                               "reason": verdict.reason})
    return rep, review


def _merge_entity(g: nx.MultiDiGraph, r: str, nodes: list[str]) -> dict[str, Any]:
    first = dict(g.nodes[nodes[0]])
    attrs: dict[str, Any] = {k: v for k, v in first.items() if k not in ("members", "names")}
    names: list[str] = []
    for n in nodes:
        d = g.nodes[n]
        for name in [d.get("name"), *d.get("names", [])]:
            if name and name not in names:
                names.append(str(name))
        for k in ("sources", "datasets", "registry_ids", "flags"):
            attrs[k] = _union(attrs.get(k, []), d.get(k, []))
        for k, v in d.items():
            if attrs.get(k) is None and v is not None and not isinstance(v, list):
                attrs[k] = v
    attrs["name"] = names[0] if names else r
    attrs["names"] = names[1:]
    attrs["members"] = nodes if len(nodes) > 1 else []
    if attrs.get("label") == "Address" and len(nodes) > 1:
        attrs["written_forms"] = names
    return attrs


def _decision_text(g: nx.MultiDiGraph, u: str, v: str, d: dict[str, Any]) -> str:
    def name(n: str) -> str:
        return str(g.nodes[n].get("name") or n) if n in g else n

    bits = [f"{name(u)} = {name(v)}"]
    if d.get("score") is not None:
        bits.append(f"score {d['score']:.2f}")
    for k in ("method", "judgement"):
        if d.get(k):
            bits.append(str(d[k]))
    text = ", ".join(bits)
    return text + (f": {d['explanation']}" if d.get("explanation") else "")


def _listing_text(listing: dict[str, Any], d: dict[str, Any]) -> str:
    bits = [listing.get("authority"), listing.get("program") or listing.get("name"),
            f"listed {listing['listing_date']}" if listing.get("listing_date") else None]
    return " · ".join(str(b) for b in bits if b) or "sanction listing"


def _union(*lists: list[Any]) -> list[Any]:
    out: list[Any] = []
    for items in lists:
        for x in items or []:
            if x not in out:
                out.append(x)
    return out


def _add_fact(out: nx.MultiDiGraph, u: str, v: str, d: dict[str, Any]) -> None:
    """One relationship per (type, role, start date) between two entities; a fact without dates
    (the press) folds into the one dated fact of the same type and role, if there is one."""
    if u == v:
        return
    role = str(d.get("role") or "").strip().lower()
    key = "|".join([d["type"], role, str(d.get("start_date") or "")])
    if not out.has_edge(u, v, key) and not d.get("start_date") and not d.get("end_date"):
        dated = [k for k in (out[u][v] if out.has_edge(u, v) else {})
                 if k.startswith(f"{d['type']}|{role}|") and k != key]
        if len(dated) == 1:
            key = dated[0]
    if out.has_edge(u, v, key):
        have = out.edges[u, v, key]
        for k in ("sources", "evidence", "kinds"):
            have[k] = _union(have.get(k, []), d.get(k, []))
        for k, val in d.items():
            if have.get(k) is None and val is not None:
                have[k] = val
        have["records"] = have.get("records", 1) + 1
    else:
        out.add_edge(u, v, key=key, **{k: (list(val) if isinstance(val, list) else val) for k, val in d.items()})


def _add_trade(g: nx.MultiDiGraph, out: nx.MultiDiGraph, rep: dict[str, str]) -> None:
    groups: dict[tuple[str | None, str | None, str, str], list[str]] = defaultdict(list)
    evidence: dict[tuple[str | None, str | None, str, str], list[dict[str, Any]]] = defaultdict(list)
    for node, d in g.nodes(data=True):
        if d.get("label") != "Shipment":
            continue
        sellers = sorted({rep.get(u, u) for u, _, e in g.in_edges(node, data=True) if e["type"] == "SHIPPED"})
        buyers = sorted({rep.get(v, v) for _, v, e in g.out_edges(node, data=True) if e["type"] == "SHIPPED_TO"})
        year = str(d.get("date") or d.get("first_date") or d.get("period") or "")[:4] or "year unknown"
        hs6 = str(d.get("hs6") or str(d.get("hs_code") or "")[:6] or "HS unknown")
        # the export declaration and the import declaration of the same goods are two lines:
        # summed per customs dataset, never across them (that would count the goods twice)
        declared_in = str((d.get("sources") or [{}])[0].get("dataset") or "")
        key = (sellers[0] if sellers else None, buyers[0] if buyers else None, hs6, year + "|" + declared_in)
        groups[key].append(node)
        evidence[key].extend(e for _, _, e in g.edges(node, data=True))
        evidence[key].extend(e for _, _, e in g.in_edges(node, data=True))
    for (seller, buyer, hs6, year_in), lines in sorted(groups.items(), key=lambda kv: tuple(str(x) for x in kv[0])):
        year, declared_in = year_in.split("|", 1)
        rows = [g.nodes[n] for n in sorted(lines, key=lambda n: str(g.nodes[n].get("date") or ""))]
        facts = _trade_facts(rows, hs6, year)
        if declared_in:
            facts["declared_in"] = declared_in
        edges = evidence[(seller, buyer, hs6, year_in)]
        facts["sources"] = _union(*[r.get("sources", []) for r in rows], *[e.get("sources", []) for e in edges])
        facts["evidence"] = _union(*[e.get("evidence", []) for e in edges])
        facts["kinds"] = _union(*[e.get("kinds", []) for e in edges])
        if seller is not None and buyer is not None and seller in out and buyer in out:
            out.add_edge(seller, buyer, key=f"{TRADE}|{hs6}|{year_in}", **facts)
            continue
        # one party is not in the drawing: the lines stay a node beside the party we have
        agg = "trade:" + hashlib.sha1("\x1f".join([str(seller), str(buyer), hs6, year_in]).encode()).hexdigest()[:16]
        out.add_node(agg, label="Shipment", name=f"HS {hs6}, {year}", **{k: v for k, v in facts.items()
                                                                        if k not in ("type", "evidence", "kinds")})
        if seller is not None and seller in out:
            out.add_edge(seller, agg, key="SHIPPED", type="SHIPPED", sources=facts["sources"], kinds=facts["kinds"],
                         evidence=facts["evidence"])
        if buyer is not None and buyer in out:
            out.add_edge(agg, buyer, key="SHIPPED_TO", type="SHIPPED_TO", sources=facts["sources"],
                         kinds=facts["kinds"], evidence=facts["evidence"])


def _trade_facts(rows: list[dict[str, Any]], hs6: str, year: str) -> dict[str, Any]:
    values = [r["value_usd"] for r in rows if isinstance(r.get("value_usd"), int | float)]
    units = {r.get("unit") for r in rows if r.get("quantity") is not None}
    qty = [r["quantity"] for r in rows if isinstance(r.get("quantity"), int | float)]
    dates = sorted(str(r[k]) for r in rows for k in ("date", "first_date", "last_date") if r.get(k))
    count = sum(int(r.get("aggregated_lines") or 1) for r in rows)
    tiers = sorted({str(r["chpl_tier"]) for r in rows if r.get("chpl_tier")})
    descriptions = Counter(str(r["description"]) for r in rows if r.get("description"))
    facts: dict[str, Any] = {
        "type": TRADE, "hs6": hs6, "year": year, "lines": count,
        "value_usd": round(sum(values), 2) if values else None,
        "quantity": sum(qty) if qty and len(units) == 1 else None,
        "unit": next(iter(units)) if len(units) == 1 else None,
        "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
        "declarations": _union([r.get("declaration_number") for r in rows if r.get("declaration_number")]),
        "description": descriptions.most_common(1)[0][0] if descriptions else None,
    }
    if tiers:
        facts["chpl_tier"] = ", ".join(tiers)
    return {k: v for k, v in facts.items() if v is not None}


def trade_text(d: dict[str, Any]) -> str:
    """An aggregated customs relationship in a few words, e.g.
    ``HS 880622 · 2022 · 6 lines · 524 PCE · USD 870,691 · (demo-customs-kz-export)``: the
    dataset whose declarations were summed (an export and an import declaration of the same
    goods are never added up)."""
    bits = [f"HS {d.get('hs6')}", str(d.get("year") or "")]
    n = int(d.get("lines") or 0)
    bits.append(f"{n:,} line{'s' if n != 1 else ''}")
    if d.get("quantity") is not None:
        bits.append(f"{d['quantity']:,.0f} {d.get('unit') or ''}".strip())
    if d.get("value_usd") is not None:
        bits.append(f"USD {d['value_usd']:,.0f}")
    if d.get("chpl_tier"):
        bits.append(f"CHPL {d['chpl_tier']}")
    if d.get("declared_in"):
        bits.append(f"({d['declared_in']})")
    return " · ".join(b for b in bits if b)


# --------------------------------------------------------------------------------------------
# At most N nodes


_PLURAL = {"Company": "firms", "Person": "people", "Address": "addresses", "Shipment": "customs lines",
           "Sanction": "sanction listings"}


@dataclass
class Summary:
    """What ``summarise`` left out: counts per kind of node, and per kept node its hidden
    neighbours."""

    kept: int
    left_out: Counter[str]
    max_nodes: int

    def describe(self) -> str:
        total = sum(self.left_out.values())
        kinds = ", ".join(f"{n:,} {_PLURAL.get(k, k.lower() + 's') if n != 1 else k.lower()}"
                          for k, n in self.left_out.most_common())
        return (f"{total:,} more node{'s' if total != 1 else ''} ({kinds}) are not drawn: the picture keeps the "
                f"{self.kept:,} nearest the firm asked about (at most {self.max_nodes:,}; --max-nodes changes it). "
                "A drawn node with hidden neighbours says how many in its panel.")


def summarise(g: nx.MultiDiGraph, keep: list[str], max_nodes: int = DEFAULT_MAX_NODES
              ) -> tuple[nx.MultiDiGraph, Summary | None]:
    """``g`` cut to at most ``max_nodes`` nodes: those of ``keep`` first, then by distance from
    them (firms and people before addresses), nodes behind a find-links result before others,
    then by degree and id. Each kept node
    with neighbours left out gets ``hidden`` (their count). Returns ``g`` itself and ``None``
    when it is small enough. Costs one breadth-first search."""
    if g.number_of_nodes() <= max_nodes:
        return g, None
    und = nx.Graph(g.to_undirected(as_view=True))
    starts = [k for k in keep if k in und]
    dist = nx.multi_source_dijkstra_path_length(und, starts) if starts else {}
    on_links = {n for u, v, d in g.edges(data=True) if d.get("evidence") for n in (u, v)}
    # firms and people before addresses: an address says less than who is behind a firm
    order = sorted(g.nodes, key=lambda n: (n not in starts, g.nodes[n].get("label") == "Address", dist.get(n, 99),
                                           n not in on_links, -und.degree(n), str(n)))
    chosen = set(order[:max_nodes])
    out = g.subgraph(chosen).copy()
    for n in out.nodes:
        hidden = sum(1 for m in und[n] if m not in chosen)
        if hidden:
            out.nodes[n]["hidden"] = hidden
    left = Counter(str(g.nodes[n].get("label") or "node") for n in g.nodes if n not in chosen)
    return out, Summary(out.number_of_nodes(), left, max_nodes)


# --------------------------------------------------------------------------------------------
# Layout, once


def label_lines(d: dict[str, Any], node: str) -> list[str]:
    """The lines of a node's label: its name (cut at 34 characters), then country and badges."""
    name = str(d.get("name") or node)
    name = name if len(name) <= 34 else name[:33] + "\u2026"
    second = []
    if d.get("label") == "Shipment":
        second.append(trade_text({**d, "hs6": d.get("hs6"), "year": d.get("year")}))
    elif d.get("country"):
        second.append(str(d["country"]).upper())
    if "sanctioned" in d.get("flags", []):
        n = len(d.get("sanctions", []))
        second.append(f"SANCTIONED ({n})" if n > 1 else "SANCTIONED")
    if d.get("members"):
        second.append(f"{len(d['members'])} records")
    if d.get("hidden"):
        second.append(f"+{d['hidden']} not drawn")
    return [name] + ([" \u00b7 ".join(second)] if second else [])


def _box(d: dict[str, Any], node: str) -> tuple[float, float]:
    lines = label_lines(d, node)
    return max(len(s) for s in lines) * CHAR_PX + 12, len(lines) * LINE_PX + 34  # the shape sits above the label


def layout(g: nx.MultiDiGraph, width: float = 1150.0) -> dict[str, tuple[float, float]]:
    """Node positions in CSS pixels (x from 0 to ``width``, y from 0 down), computed once:
    a seeded force-directed layout (networkx ``spring_layout``, seed ``SEED``) of the
    undirected graph, so the same graph gives the same positions, each connected group placed beside the others, then label boxes pushed apart
    (at most 300 rounds) until none overlap or no move helps. Costs O(n²) per round; meant for
    the tens of nodes a picture holds."""
    nodes = sorted(g.nodes, key=str)
    if not nodes:
        return {}
    und = nx.Graph()
    und.add_nodes_from(nodes)
    for u, v, d in sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        if u == v:
            continue
        words = len(trade_text(d) if d["type"] == TRADE else str(d.get("role") or d["type"])) + 12
        # a line with a long label pulls less, so its ends sit further apart
        w = 40 / (40 + words)
        if und.has_edge(u, v):
            w = min(w, und[u][v]["weight"])
        und.add_edge(u, v, weight=w)
    n = len(nodes)
    # the area a label needs, summed, sets the scale
    boxes = {node: _box(g.nodes[node], node) for node in nodes}
    area = sum((w + 40) * (h + 30) for w, h in boxes.values())
    side = max(400.0, area ** 0.5 * 1.2)
    pos: dict[str, list[float]] = {}
    comps = sorted((sorted(c, key=str) for c in nx.connected_components(und)), key=lambda c: (-len(c), c[0]))
    cursor_x = 0.0
    for comp in comps:
        sub = und.subgraph(comp)
        if len(comp) == 1:
            raw = {comp[0]: (0.0, 0.0)}
        elif len(comp) == 2:
            raw = {comp[0]: (-0.5, 0.0), comp[1]: (0.5, 0.0)}
        else:
            raw = nx.spring_layout(sub, seed=SEED, iterations=300)
        share = (len(comp) / n) ** 0.5
        scale = side * share
        xs = [p[0] for p in raw.values()]
        ys = [p[1] for p in raw.values()]
        span_x = (max(xs) - min(xs)) or 1.0
        span_y = (max(ys) - min(ys)) or 1.0
        k = scale / max(span_x, span_y)
        for node, (x, y) in raw.items():
            pos[node] = [cursor_x + (x - min(xs)) * k, (y - min(ys)) * k]
        cursor_x += span_x * k + max(boxes[c][0] for c in comp) + 40
    # fill the page's width: room for the labels on the lines
    xs0 = [p[0] for p in pos.values()]
    ys0 = [p[1] for p in pos.values()]
    span = max(max(xs0) - min(xs0), 1.0)
    grow = max(1.0, (width - 300) / span)
    for p in pos.values():
        p[0] *= grow
        p[1] *= min(grow, max(1.0, 0.75 * (width - 300) / max(max(ys0) - min(ys0), 1.0)))
    _stretch_edges(g, pos)
    _spread_labels(pos, boxes)
    xs = [p[0] - boxes[nd][0] / 2 for nd, p in pos.items()]
    ys = [p[1] - boxes[nd][1] / 2 for nd, p in pos.items()]
    min_x, min_y = min(xs), min(ys)
    out = {nd: (round(p[0] - min_x + 20, 1), round(p[1] - min_y + 20, 1)) for nd, p in pos.items()}
    out = {nd: (max(x, round(boxes[nd][0] / 2 + 10, 1)), y) for nd, (x, y) in out.items()}  # no label cut at the left
    full = max(x + boxes[nd][0] / 2 for nd, (x, _y) in out.items()) + 20
    if full > width:  # too wide for the page: fold the rows of groups is overkill; scale x only
        f = (width - 40) / (full - 40)
        out = {nd: (round(min(max(20 + (x - 20) * f, boxes[nd][0] / 2 + 10), width - boxes[nd][0] / 2 - 10), 1), y)
               for nd, (x, y) in out.items()}
        pos = {nd: list(p) for nd, p in out.items()}
        _spread_labels(pos, boxes, axis_y_only=True)
        out = {nd: (round(p[0], 1), round(p[1], 1)) for nd, p in pos.items()}
        min_y = min(y - boxes[nd][1] / 2 for nd, (_x, y) in out.items())
        out = {nd: (x, round(y - min_y + 20, 1)) for nd, (x, y) in out.items()}
    return out


def _stretch_edges(g: nx.MultiDiGraph, pos: dict[str, list[float]], rounds: int = 60) -> None:
    """Move the ends of a line apart until its label (the longest line of it, at 12 px) fits
    between the two node labels; the end with fewer neighbours moves, so hubs stay put."""
    from graphkit.report.graph import edge_text

    need: dict[tuple[str, str], float] = {}
    degree = {str(n): len(set(g.predecessors(n)) | set(g.successors(n))) for n in g.nodes}
    for u, v, d in g.edges(data=True):
        if u == v or u not in pos or v not in pos:
            continue
        text = trade_text(d) if d["type"] == TRADE else edge_text(d)
        a, b = sorted((str(u), str(v)))
        ends = (_box(g.nodes[u], u)[0] + _box(g.nodes[v], v)[0]) / 2  # half of each node's label
        need[(a, b)] = max(need.get((a, b), 0.0), min(len(text), 60) * EDGE_CHAR_PX + ends + 20)
    for _ in range(rounds):
        moved = False
        for (a, b), want in sorted(need.items()):
            (ax, ay), (bx, by) = pos[a], pos[b]
            dx, dy = bx - ax, by - ay
            dist = (dx * dx + dy * dy) ** 0.5 or 1.0
            if dist >= want:
                continue
            moved = True
            # the end with fewer lines moves: a hub stays where the layout put it
            da, db = degree.get(a, 0), degree.get(b, 0)
            share_a, share_b = (0.5, 0.5) if da == db else (1.0, 0.0) if da < db else (0.0, 1.0)
            push = (want - dist) / dist
            pos[a][0] -= dx * push * share_a
            pos[a][1] -= dy * push * share_a
            pos[b][0] += dx * push * share_b
            pos[b][1] += dy * push * share_b
        if not moved:
            return


def _spread_labels(pos: dict[str, list[float]], boxes: dict[str, tuple[float, float]], *,
                   axis_y_only: bool = False, rounds: int = 300) -> None:
    nodes = sorted(pos, key=str)
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(nodes):
            for b in nodes[i + 1:]:
                (ax, ay), (bx, by) = pos[a], pos[b]
                ox = (boxes[a][0] + boxes[b][0]) / 2 + 6 - abs(ax - bx)
                oy = (boxes[a][1] + boxes[b][1]) / 2 + 6 - abs(ay - by)
                if ox <= 0 or oy <= 0:
                    continue
                moved = True
                if oy <= ox or axis_y_only:  # push apart along the cheaper axis
                    step = oy / 2 + 0.5
                    sign = 1.0 if (ay, a) <= (by, b) else -1.0
                    pos[a][1] -= sign * step
                    pos[b][1] += sign * step
                else:
                    step = ox / 2 + 0.5
                    sign = 1.0 if (ax, a) <= (bx, b) else -1.0
                    pos[a][0] -= sign * step
                    pos[b][0] += sign * step
        if not moved:
            return


def overlapping_labels(pos: dict[str, tuple[float, float]], g: nx.MultiDiGraph) -> int:
    """How many pairs of node label boxes overlap in a layout (the browser test measures the
    drawn boxes; this is the same count on the computed ones)."""
    boxes = {n: _box(g.nodes[n], n) for n in pos}
    nodes = sorted(pos, key=str)
    count = 0
    for i, a in enumerate(nodes):
        for b in nodes[i + 1:]:
            if (abs(pos[a][0] - pos[b][0]) < (boxes[a][0] + boxes[b][0]) / 2
                    and abs(pos[a][1] - pos[b][1]) < (boxes[a][1] + boxes[b][1]) / 2):
                count += 1
    return count

