"""The networkx bridge: find-links results, neighbourhoods and paths as graphs a report draws.

Every function returns an ``nx.MultiDiGraph`` whose nodes are store ids and whose attributes
are plain JSON values (strings, numbers, lists, dicts), so a graph can be drawn, analysed or
dumped as it is.

Node attributes: ``label`` (Company, Person, Address, Shipment, Sanction), ``name`` (the
caption), ``country``, ``registry_ids``, ``flags`` (``sanctioned``, ``chpl``, ``query``),
``sources`` (``[{dataset, file, record}]``), ``datasets``, ``members`` (records resolved as this
one), ``last_loaded``, and per label the facts a reader needs: a shipment's ``date``,
``hs_code``, ``hs6``, ``declaration_number``, ``description``, ``quantity``, ``unit``,
``value_usd`` (``chpl_tier`` when its HS-6 code is on the Common High Priority List); a
person's ``birth_date`` (or the ``birth_dates`` a source gives several of, or the
``birth_month`` of one that gives no day); a sanction's ``authority``, ``program``, ``listing_date``.

Edge attributes: ``type`` (OFFICER_OF, OWNS, REGISTERED_AT, SHIPPED, SHIPPED_TO, DECLARED,
SANCTIONED, SAME_AS), ``role``, ``share``, ``start_date``, ``end_date``, ``status`` (current,
former or future, for dated roles), for SAME_AS ``score``, ``method``, ``judgement`` and
``explanation``, ``sources``, and for facts behind a find-links result ``kinds`` and
``evidence`` (the evidence summaries). Edge keys identify a fact (type, role, start date and
source record), so adding the same fact twice keeps one edge.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graphkit import dates
from graphkit.link.links import LINK_KINDS, Entity, Link
from graphkit.model import get_model, source_from_ref, source_of
from graphkit.resolve.clusters import Clusters, joins
from graphkit.store.base import Store

# relationships a path between two entities may follow (DECLARED and SANCTIONED may not: a
# broker or a sanctions programme is not a tie between firms)
PATH_TYPES = ("OFFICER_OF", "OWNS", "REGISTERED_AT", "SHIPPED", "SHIPPED_TO", "SAME_AS")
CHUNK = 5_000
DEFAULT_MAX_NODES = 20_000  # before aggregation; customs lines count
_LIST_ATTRS = ("flags", "sources", "registry_ids", "datasets", "members", "names", "evidence", "kinds")


# --------------------------------------------------------------------------------------------
# The Common High Priority List


def chpl_tiers() -> dict[str, str]:
    """HS-6 code -> CHPL tier: the built-in watch list (``graphkit.link.watchlists``)."""
    from graphkit.link.watchlists import chpl_tiers as tiers

    return tiers()


# --------------------------------------------------------------------------------------------
# Building graphs


def links_to_graph(links: Iterable[Link], clusters: Clusters | None = None) -> nx.MultiDiGraph:
    """The firms of a find-links result, and the people, addresses, shipments and roles that
    link them, each fact with its sources and the evidence summary it supports.

    A firm resolved from several records (SAME_AS) is drawn as its representative, with the
    records in ``members``; the roles and shipments of such a firm are marked
    ``to_representative`` so that ``compose`` can put them back on the record they come from.
    People resolved as one are drawn as their records joined by a SAME_AS edge carrying the
    resolution's score. Give ``clusters`` to also draw the SAME_AS edges between a firm's
    records. Costs nothing beyond the links.
    """
    g = nx.MultiDiGraph()
    for link in links:
        for ent in (link.a, link.b):
            _add_node(g, ent.id, _entity_attrs(ent))
            if clusters is not None and ent.members:
                for i, x in enumerate(ent.members):
                    for y in ent.members[i + 1:]:
                        decision = clusters.decision(x, y)
                        if decision is not None:
                            _add_node(g, x, {"label": ent.label})
                            _add_node(g, y, {"label": ent.label})
                            _add_same_as(g, x, y, decision)
        for ev in link.evidence:
            drawn = LINK_KINDS[ev.kind].project(link, ev)  # each kind says what its evidence draws
            extra = {"kinds": [ev.kind], "evidence": [ev.summary]}
            for node, attrs in drawn.nodes:
                _add_node(g, node, _shipment_attrs(attrs) if attrs.get("label") == "Shipment" else attrs)
            for a, b, decision in drawn.same_as:
                _add_same_as(g, a, b, decision)
            for u, v, attrs in drawn.edges:
                _add_edge(g, u, v, {**attrs, **extra})
    return g


def neighbourhood(store: Store, ids: str | Iterable[str], hops: int = 1, *,
                  types: Sequence[str] | None = None, max_nodes: int = DEFAULT_MAX_NODES,
                  as_of: dt.date | None = None) -> nx.MultiDiGraph:
    """Everything within ``hops`` relationships (1 to 3) of the nodes ``ids``, read from the
    store with the ``neighbourhood`` query (one query per hop) and ``nodes_by_id``.

    A shipment counts as a node: a firm's trading partners are two hops away (firm -> line ->
    partner). ``types`` limits the relationship types followed (default: all of the model's).
    When a hop takes the graph past ``max_nodes`` nodes, that hop is kept and no further hop is
    taken; ``graph.graph["notes"]`` says so. Costs ``hops`` + 1 queries per 5,000 ids.
    """
    if not 1 <= hops <= 3:
        raise ValueError("hops must be 1, 2 or 3")
    start = [ids] if isinstance(ids, str) else list(dict.fromkeys(ids))
    types = list(types or get_model().relationships)
    g = nx.MultiDiGraph()
    g.graph["notes"] = []
    seen = set(start)
    frontier = list(start)
    for hop in range(1, hops + 1):
        reached: list[str] = []
        for row in _hop(store, frontier, types):
            other = row["end_id"] if row["direction"] == "out" else row["start_id"]
            if other not in seen:
                seen.add(other)
                reached.append(other)
            _add_edge(g, row["start_id"], row["end_id"], _edge_attrs(row, as_of))
        frontier = reached
        if len(seen) > max_nodes and hop < hops and frontier:
            g.graph["notes"].append(
                f"The neighbourhood was cut after {hop} hop(s) of {hops}: it already had "
                f"{len(seen):,} nodes, more than the limit of {max_nodes:,}.")
            break
    _fill_nodes(store, g, seen)
    return g


@dataclass
class PathResult:
    """Shortest paths between two sets of entities. ``paths`` lists node ids from an ``a`` to a
    ``b``; ``graph`` holds those nodes and every relationship between consecutive ones."""

    a: list[str]
    b: list[str]
    max_hops: int
    paths: list[list[str]] = field(default_factory=list)
    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    truncated: bool = False  # more shortest paths exist than were listed

    def describe(self, path: Sequence[str]) -> str:
        """One line: each node's name, and between them the relationships with their direction,
        e.g. ``A <-[director 2022-04-20 to present]- Ivanov -[same as, score 1.00]- ...``."""
        parts = [node_text(self.graph, path[0])]
        for (x, y), step in zip(zip(path, path[1:], strict=False), self.steps(path), strict=True):
            arrows = []
            for start, _end, d in step:
                arrows.append(f"-[{edge_text(d)}]-" if d["type"] == "SAME_AS"
                              else f"-[{edge_text(d)}]->" if start == x else f"<-[{edge_text(d)}]-")
            parts.append(" / ".join(arrows))
            parts.append(node_text(self.graph, y))
        return " ".join(parts)

    def steps(self, path: Sequence[str]) -> list[list[tuple[str, str, dict[str, Any]]]]:
        """For each consecutive pair of ``path``, the relationships between them, as
        ``(start, end, attributes)`` in their stored direction."""
        out = []
        for x, y in zip(path, path[1:], strict=False):
            step = [(x, y, d) for d in self.graph.get_edge_data(x, y, default={}).values()]
            step += [(y, x, d) for d in self.graph.get_edge_data(y, x, default={}).values()]
            out.append(step)
        return out


def paths(store: Store, a: str | Iterable[str], b: str | Iterable[str], max_hops: int = 4, *,
          limit: int = 25, as_of: dt.date | None = None) -> PathResult:
    """Every shortest path (up to ``limit`` of them) of at most ``max_hops`` relationships
    between any of the nodes ``a`` and any of ``b``, over OFFICER_OF, OWNS, REGISTERED_AT,
    SHIPPED, SHIPPED_TO and SAME_AS (only SAME_AS judged auto or accepted), in either direction.

    A breadth-first search from both ends in Python, one ``neighbourhood`` query per level
    (expanding the smaller side), so both stores give the same answer. A SAME_AS counts as a
    hop. Returns a ``PathResult`` with no paths when none is that short.
    """
    if max_hops < 1:
        raise ValueError("max_hops must be at least 1")
    ends = ([a] if isinstance(a, str) else list(a), [b] if isinstance(b, str) else list(b))
    result = PathResult(ends[0], ends[1], max_hops)
    dist: tuple[dict[str, int], dict[str, int]] = (dict.fromkeys(ends[0], 0), dict.fromkeys(ends[1], 0))
    # preds[side][node] = the nodes one step nearer that side's end
    preds: tuple[dict[str, list[str]], dict[str, list[str]]] = (defaultdict(list), defaultdict(list))
    frontier = [list(ends[0]), list(ends[1])]
    depth = [0, 0]
    edges: list[tuple[str, str, dict[str, Any]]] = []
    meet = set(dist[0]) & set(dist[1])
    while not meet and depth[0] + depth[1] < max_hops and frontier[0] and frontier[1]:
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        reached: list[str] = []
        for row in _hop(store, frontier[side], PATH_TYPES):
            if row["type"] == "SAME_AS" and not joins(row["judgement"]):
                continue
            here, there = ((row["start_id"], row["end_id"]) if row["direction"] == "out"
                           else (row["end_id"], row["start_id"]))
            edges.append((row["start_id"], row["end_id"], _edge_attrs(row, as_of)))
            if there not in dist[side]:
                dist[side][there] = depth[side] + 1
                reached.append(there)
            if dist[side][there] == depth[side] + 1 and here not in preds[side][there]:
                preds[side][there].append(here)
        depth[side] += 1
        frontier[side] = reached
        meet = set(dist[0]) & set(dist[1])
    if not meet:
        _fill_nodes(store, result.graph, [*ends[0], *ends[1]])
        return result
    length = min(dist[0][m] + dist[1][m] for m in meet)
    found: dict[tuple[str, ...], None] = {}
    for m in sorted(meet):
        if dist[0][m] + dist[1][m] != length:
            continue
        for left in _walk(preds[0], m):
            for right in _walk(preds[1], m):
                found[tuple(reversed(left)) + tuple(right[1:])] = None
                if len(found) > limit:
                    break
            if len(found) > limit:
                break
    result.paths = [list(p) for p in list(found)[:limit]]
    result.truncated = len(found) > limit
    on_path = {(x, y) for p in result.paths for x, y in zip(p, p[1:], strict=False)}
    on_path |= {(y, x) for x, y in on_path}
    g = result.graph
    for x, y, attrs in edges:
        if (x, y) in on_path:
            _add_edge(g, x, y, attrs)
    _fill_nodes(store, g, {n for p in result.paths for n in p} | set(ends[0]) | set(ends[1]))
    return result


def _walk(preds: dict[str, list[str]], node: str) -> Iterator[list[str]]:
    """Every chain node, pred, pred's pred ... back to a start (which has no preds)."""
    if not preds.get(node):
        yield [node]
        return
    for p in preds[node]:
        for rest in _walk(preds, p):
            yield [node, *rest]


def compose(*graphs: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """One graph from several: nodes merged (lists joined, missing values filled in), the same
    fact (same type, role, start date and source record between the same nodes) drawn once.

    An edge from ``links_to_graph`` marked ``to_representative`` is matched with the stored
    relationship it stands for, on whichever record of the resolved firm holds it; the stored
    one is kept, with the evidence added. ``graph.graph["notes"]`` are joined.
    """
    out = nx.MultiDiGraph()
    out.graph["notes"] = [n for g in graphs for n in g.graph.get("notes", [])]
    reps: dict[str, str] = {}
    for g in graphs:
        for node, data in g.nodes(data=True):
            _add_node(out, node, data)
            for m in data.get("members", []):
                reps[m] = node
    index: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    later = []
    for g in graphs:
        for u, v, data in g.edges(data=True):
            if data.get("to_representative"):
                later.append((u, v, data))
                continue
            key = _add_edge(out, u, v, data)
            if data["type"] != "SAME_AS":
                index[(reps.get(u, u), reps.get(v, v), key)] = (u, v, key)
    for u, v, data in later:
        key = _fact_key(data)
        hit = index.get((reps.get(u, u), reps.get(v, v), key))
        if hit is not None:
            _merge_attrs(out.edges[hit], data)
        else:
            _add_edge(out, u, v, data)
    return out


# --------------------------------------------------------------------------------------------
# Text


def edge_text(d: dict[str, Any]) -> str:
    """A relationship in a few words: role, share, dates and status, or a resolution's score,
    e.g. ``founder 100% 2019-05-01 to 2021-12-15 (former)``, ``same as, score 1.00``."""
    type_ = d["type"]
    if type_ == "SAME_AS":
        score = f", score {d['score']:.2f}" if d.get("score") is not None else ""
        judgement = d.get("judgement")
        return f"same as{score}" + (f" ({judgement})" if judgement and not joins(judgement) else "")
    rel = get_model().relationships.get(type_)
    text = d.get("role") or (rel.display.get("word") if rel else None) or type_.lower()
    if d.get("share") is not None:
        text += f" {d['share']:g}%"
    if d.get("start_date") or d.get("end_date"):
        text += f" {d.get('start_date') or '?'} to {d.get('end_date') or 'present'}"
    if d.get("status") in ("former", "future"):
        text += f" ({d['status']})"
    if d.get("lines", 1) > 1:
        text += f", {d['lines']:,} lines"
    return text


def node_text(g: nx.MultiDiGraph, node: str) -> str:
    """A node's name with its country, e.g. ``ТОО «Дала Транс» (kz)``."""
    d = g.nodes[node] if node in g else {}
    name = d.get("name") or node
    if d.get("label") == "Shipment" and not d.get("aggregated_lines"):
        bits = [d.get("declaration_number"), d.get("date"), f"HS {d['hs_code']}" if d.get("hs_code") else None]
        return "customs line " + ", ".join(str(b) for b in bits if b)
    return f"{name} ({d['country']})" if d.get("country") else str(name)




# --------------------------------------------------------------------------------------------
# Analysis


def centrality(g: nx.MultiDiGraph, kind: str = "auto") -> dict[str, float]:
    """Node importance in [0, 1] for sizing: ``betweenness`` (how many shortest paths pass
    through a node; O(n·m), used by ``auto`` up to 500 nodes) or ``degree``."""
    simple = nx.Graph(g.to_undirected(as_view=True))
    if not simple.number_of_nodes():
        return {}
    if kind == "betweenness" or (kind == "auto" and simple.number_of_nodes() <= 500):
        values = nx.betweenness_centrality(simple)
        if max(values.values(), default=0) == 0:  # a star or a pair: fall back to degree
            values = nx.degree_centrality(simple)
    else:
        values = nx.degree_centrality(simple)
    top = max(values.values(), default=0) or 1.0
    return {n: v / top for n, v in values.items()}


def components(g: nx.MultiDiGraph) -> list[set[str]]:
    """Connected groups of nodes (ignoring direction), largest first."""
    return sorted((set(c) for c in nx.weakly_connected_components(g)), key=lambda c: (-len(c), min(c)))


@dataclass
class Aggregation:
    """What ``aggregate_shipments`` drew as one: ``lines`` customs lines as ``groups`` nodes."""

    lines: int
    groups: int
    nodes_before: int
    threshold: int

    def describe(self) -> str:
        return (f"The drawing had {self.nodes_before:,} nodes, more than {self.threshold:,}: its "
                f"{self.lines:,} customs lines are drawn as {self.groups:,} node{'s' if self.groups != 1 else ''}, "
                "one per exporter, importer and year, each with the count, total value, HS codes and the source "
                "record of every line.")


def aggregate_shipments(g: nx.MultiDiGraph, threshold: int) -> tuple[nx.MultiDiGraph, Aggregation | None]:
    """If ``g`` has more than ``threshold`` nodes, a copy in which the customs lines between the
    same exporter(s) and importer(s) in the same year are one node (``aggregated_lines``,
    summed ``value_usd``, ``hs6`` codes, ``first_date``/``last_date``, every line's sources);
    else ``g`` itself and ``None``."""
    if g.number_of_nodes() <= threshold:
        return g, None
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for node, data in g.nodes(data=True):
        if data.get("label") != "Shipment":
            continue
        sellers = tuple(sorted(u for u, _, d in g.in_edges(node, data=True) if d["type"] == "SHIPPED"))
        buyers = tuple(sorted(v for _, v, d in g.out_edges(node, data=True) if d["type"] == "SHIPPED_TO"))
        year = str(data.get("date") or data.get("period") or "")[:4] or "year unknown"
        groups[(sellers, buyers, year)].append(node)
    out = nx.MultiDiGraph()
    out.graph.update(g.graph)
    merged: dict[str, str] = {}
    for (sellers, buyers, year), lines in groups.items():
        digest = hashlib.sha1("\x1f".join([*sellers, "|", *buyers, "|", year]).encode()).hexdigest()[:16]
        merged.update(dict.fromkeys(lines, f"aggregate:{digest}"))
    for node, data in g.nodes(data=True):
        if node not in merged:
            out.add_node(node, **data)
    for (_sellers, _buyers, year), lines in groups.items():
        agg_id = merged[lines[0]]
        rows = [g.nodes[n] for n in sorted(lines, key=lambda n: str(g.nodes[n].get("date") or ""))]
        values = [r["value_usd"] for r in rows if r.get("value_usd") is not None]
        units = {r.get("unit") for r in rows}
        qty = [r["quantity"] for r in rows if r.get("quantity") is not None]
        dates = [r["date"] for r in rows if r.get("date")]
        hs6 = sorted({r["hs6"] for r in rows if r.get("hs6")})
        tiers = sorted({r["chpl_tier"] for r in rows if r.get("chpl_tier")})
        attrs: dict[str, Any] = {
            "label": "Shipment", "aggregated_lines": len(rows), "year": year,
            "name": f"{len(rows):,} line{'s' if len(rows) != 1 else ''}, {year}",
            "value_usd": sum(values) if values else None,
            "quantity": sum(qty) if qty and len(units) == 1 else None,
            "unit": units.pop() if len(units) == 1 else None,
            "hs6": ", ".join(hs6) or None, "first_date": min(dates) if dates else None,
            "last_date": max(dates) if dates else None,
            "declarations": [r.get("declaration_number") for r in rows if r.get("declaration_number")],
            "flags": sorted({f for r in rows for f in r.get("flags", [])}),
            "sources": [s for r in rows for s in r.get("sources", [])],
            "datasets": sorted({d for r in rows for d in r.get("datasets", [])}),
        }
        if tiers:
            attrs["chpl_tier"] = ", ".join(tiers)
        out.add_node(agg_id, **attrs)
    for u, v, data in g.edges(data=True):
        mu, mv = merged.get(u, u), merged.get(v, v)
        if mu == u and mv == v:
            out.add_edge(u, v, key=_fact_key(data), **data)
            continue
        key = data["type"]
        if out.has_edge(mu, mv, key):
            d = out.edges[mu, mv, key]
            d["lines"] = d.get("lines", 1) + 1
            _merge_attrs(d, data)
        else:
            out.add_edge(mu, mv, key=key, **{**data, "lines": 1,
                                             "sources": list(data.get("sources", [])),
                                             "evidence": list(data.get("evidence", [])),
                                             "kinds": list(data.get("kinds", []))})
    total = sum(len(v) for v in groups.values())
    return out, Aggregation(total, len(groups), g.number_of_nodes(), threshold)


def sources(g: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Every dataset the graph's facts come from, with its files and how many facts each."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    items = [d for _, d in g.nodes(data=True)] + [d for _, _, d in g.edges(data=True)]
    for data in items:
        for s in data.get("sources", []):
            if s.get("dataset"):
                out[s["dataset"]][s.get("file") or ""] += 1
    return {ds: dict(sorted(files.items())) for ds, files in sorted(out.items())}


def data_dates(g: nx.MultiDiGraph) -> dict[str, str | None]:
    """When the data was loaded (the latest load touching a drawn node) and the span of the
    dated facts drawn (roles, shipments), as ISO strings."""
    loaded = [d["last_loaded"] for _, d in g.nodes(data=True) if d.get("last_loaded")]
    facts = [d[k] for _, d in g.nodes(data=True) for k in ("date", "first_date", "last_date") if d.get(k)]
    facts += [d[k] for _, _, d in g.edges(data=True) for k in ("start_date", "end_date") if d.get(k)]
    return {"loaded": max(loaded)[:10] if loaded else None, "first_fact": min(facts) if facts else None,
            "last_fact": max(facts) if facts else None}


# --------------------------------------------------------------------------------------------
# Helpers


def _hop(store: Store, ids: list[str], types: Sequence[str]) -> Iterator[dict[str, Any]]:
    for i in range(0, len(ids), CHUNK):
        yield from store.run("neighbourhood", ids=ids[i:i + CHUNK], types=list(types))


def fill_nodes(store: Store, g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Add what the store holds about each node of ``g`` (names, flags, sources, dates) in
    place, e.g. to a ``links_to_graph`` result; returns ``g``. One query per 5,000 nodes."""
    _fill_nodes(store, g, g.nodes)
    return g


def _fill_nodes(store: Store, g: nx.MultiDiGraph, ids: Iterable[str]) -> None:
    ids = sorted(set(ids) | set(g.nodes))
    for i in range(0, len(ids), CHUNK):
        for row in store.run("nodes_by_id", ids=ids[i:i + CHUNK]):
            _add_node(g, row["id"], _row_attrs(row))


def _flags(data: dict[str, Any]) -> list[str]:
    flags = []
    if data.get("sanctioned") or any(str(t).startswith("sanction") for t in data.get("topics") or []):
        flags.append("sanctioned")
    if data.get("chpl_tier"):
        flags.append("chpl")
    return flags


def _shipment_attrs(row: dict[str, Any]) -> dict[str, Any]:
    attrs = {k: dates.iso_if_date(row.get(k)) for k in get_model().node("Shipment").facts if row.get(k) is not None}
    attrs["label"] = "Shipment"
    attrs["description"] = row.get("description") or row.get("description_en") or None
    if not attrs["description"]:
        del attrs["description"]
    hs = row.get("hs_code")
    attrs["name"] = f"HS {hs}" if hs else "customs line"
    tier = chpl_tiers().get(str(row.get("hs6") or ""))
    if tier:
        attrs["chpl_tier"] = tier
    if row.get("sources"):
        attrs["sources"] = list(row["sources"])
    attrs["flags"] = _flags(attrs)
    return attrs


def _row_attrs(row: dict[str, Any]) -> dict[str, Any]:
    """Node attributes from a ``nodes_by_id`` row."""
    label = row["label"]
    if label == "Shipment":
        attrs = _shipment_attrs({**row, "description": row.get("description_en") or row.get("description")})
    else:
        node_type = get_model().nodes.get(label)
        attrs = {"label": label, "name": row.get(node_type.caption if node_type else "name") or row["id"]}
        for k in node_type.facts if node_type else ():
            if row.get(k) is not None:
                attrs[k] = dates.iso_if_date(row[k])
        attrs["flags"] = _flags({**row, **attrs})
    if label == "Sanction":
        attrs["flags"] = ["sanctioned"]
    attrs.update({
        "country": row.get("country"), "registry_ids": list(row.get("registry_ids") or []),
        "names": [n for n in row.get("names") or [] if n != attrs["name"]],
        "datasets": list(row.get("datasets") or []), "sources": [source_from_ref(r) for r in row.get("records") or []],
        "last_loaded": row.get("last_loaded")})
    return {k: v for k, v in attrs.items() if v is not None}


def _entity_attrs(ent: Entity) -> dict[str, Any]:
    return {"label": ent.label, "name": ent.name, "country": ent.country, "registry_ids": list(ent.registry_ids),
            "datasets": list(ent.datasets), "members": list(ent.members)}


def _edge_attrs(row: dict[str, Any], as_of: dt.date | None) -> dict[str, Any]:
    """Edge attributes from a ``neighbourhood`` row."""
    start, end = dates.iso(row["start_date"]), dates.iso(row["end_date"])
    status = dates.status(start, end, as_of or dt.date.today(), row["role"])
    attrs = {"type": row["type"], "role": row["role"], "share": row["share"], "start_date": start,
             "end_date": end, "status": status if (start or end or status == "former") else None,
             "sources": [source_of(row)]}
    if row["type"] == "SAME_AS":
        attrs.update(score=row["score"], method=row["method"], judgement=row["judgement"],
                     explanation=row["explanation"])
    return attrs


def _fact_key(data: dict[str, Any]) -> str:
    """What identifies a fact: type, role, start date and its first source record."""
    if data["type"] == "SAME_AS":
        return "SAME_AS"
    src = (data.get("sources") or [{}])[0]
    return "|".join(str(x or "") for x in (data["type"], data.get("role"), data.get("start_date"),
                                           src.get("dataset"), src.get("file"), src.get("record")))


def _add_node(g: nx.MultiDiGraph, node: str, attrs: dict[str, Any]) -> None:
    if node in g:
        _merge_attrs(g.nodes[node], attrs)
    else:
        g.add_node(node, **{k: (list(v) if isinstance(v, list) else v) for k, v in attrs.items()
                            if v is not None})
        for k in ("flags", "sources"):
            g.nodes[node].setdefault(k, [])


def _add_edge(g: nx.MultiDiGraph, u: str, v: str, attrs: dict[str, Any]) -> str:
    """Add the fact ``attrs`` from ``u`` to ``v`` (merging it with the same fact if present);
    returns its key. SAME_AS is undirected: stored from the smaller id to the larger."""
    if attrs["type"] == "SAME_AS" and v < u:
        u, v = v, u
    for n in (u, v):
        if n not in g:
            g.add_node(n, flags=[], sources=[])
    key = _fact_key(attrs)
    if g.has_edge(u, v, key):
        _merge_attrs(g.edges[u, v, key], attrs)
    else:
        clean = {k: (list(val) if isinstance(val, list) else val) for k, val in attrs.items()}
        clean.setdefault("sources", [])
        g.add_edge(u, v, key=key, **clean)
    return key


def _add_same_as(g: nx.MultiDiGraph, a: str, b: str, decision: dict[str, Any]) -> None:
    _add_edge(g, a, b, {"type": "SAME_AS", "score": decision.get("score"), "method": decision.get("method"),
                        "judgement": decision.get("judgement"), "explanation": decision.get("explanation"),
                        "sources": [source_of(decision)] if decision.get("dataset") else []})


def _merge_attrs(into: dict[str, Any], new: dict[str, Any]) -> None:
    for k, v in new.items():
        if v is None or k == "to_representative":
            continue
        if k in _LIST_ATTRS:
            have = into.setdefault(k, [])
            for item in v:
                if item not in have:
                    have.append(item)
        elif into.get(k) is None:
            into[k] = v
