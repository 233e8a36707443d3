"""Network reports for publication: the links between firms as a graph, with the evidence.

``network_report(store, "Aspan Arba")`` draws a find-links result with every fact behind it
and the neighbourhood of the firm asked about; ``path_report(store, a, b)`` draws the shortest
paths between two entities. Both return a ``Report``, which ``write`` saves as one
self-contained HTML page (see ``graphkit.report.html``) and ``screenshot`` turns into a PNG.
``graphkit.report.graph`` is the networkx bridge underneath, usable on its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphkit.errors import NotFound
from graphkit.link.links import KINDS, Clusters, find_links, lookup
from graphkit.report.graph import (
    DEFAULT_MAX_NODES,
    PathResult,
    aggregate_shipments,
    compose,
    fill_nodes,
    links_to_graph,
    neighbourhood,
    node_text,
    paths,
)
from graphkit.report.html import Report, ReportError, render, screenshot, write
from graphkit.report.picture import DEFAULT_MAX_NODES as DEFAULT_MAX_DRAWN
from graphkit.report.picture import entity_graph, layout, summarise
from graphkit.report.timeline import events
from graphkit.store.base import Store

DEFAULT_AGGREGATE_ABOVE = 300  # nodes; above it customs lines are drawn per partner and year

__all__ = ["DEFAULT_AGGREGATE_ABOVE", "DEFAULT_MAX_DRAWN", "PathResult", "Report", "ReportError", "network_report",
           "path_report", "render", "screenshot", "write"]


def network_report(store: Store, query: str, *, hops: int = 2, kinds: Iterable[str] = KINDS,
                   aggregate_above: int = DEFAULT_AGGREGATE_ABOVE, max_nodes: int = DEFAULT_MAX_NODES,
                   title: str | None = None, records: bool = False,
                   max_drawn: int = DEFAULT_MAX_DRAWN) -> Report:
    """The firms linked to ``query`` (as for ``find_links``) with the evidence of each link, and
    everything within ``hops`` relationships of the firm asked about (and its resolved records).

    By default the picture has one node per resolved entity, customs lines aggregated per
    exporter, importer, HS-6 code and year, sanction listings as badges
    (``picture.entity_graph``), at most ``max_drawn`` nodes (the rest counted in the notes) and a
    fixed layout; the report also carries the timeline and the addresses worth a review.
    ``records=True`` draws every record instead (above ``aggregate_above`` nodes, customs lines
    as one node per exporter, importer and year). Raises NotFound when nothing matches
    ``query``. Costs the find-links queries plus one query per hop.
    """
    kinds = list(kinds)
    links = find_links(store, query, kinds=kinds)
    clusters = Clusters.load(store)
    starts = [e for e in lookup(store, query) if e.label == "Company"]
    seeds = sorted({m for s in starts for m in clusters.members(s.id)})
    g = compose(neighbourhood(store, seeds, hops, max_nodes=max_nodes),
                fill_nodes(store, links_to_graph(links, clusters)))
    for s in seeds:
        if s in g and "query" not in g.nodes[s]["flags"]:
            g.nodes[s]["flags"].append("query")
    reps = dict.fromkeys(clusters.find(s.id) for s in starts)  # a resolved firm once, by its representative
    if records:
        g, aggregation = aggregate_shipments(g, aggregate_above)
        notes = list(g.graph.get("notes", []))
        if aggregation is not None:
            notes.append(aggregation.describe())
        positions = None
        review: list[dict[str, object]] = []
    else:
        g = entity_graph(g, clusters)
        for r in reps:
            if r in g and "query" not in g.nodes[r]["flags"]:
                g.nodes[r]["flags"].append("query")
        g, summary = summarise(g, list(reps), max_drawn)
        notes = list(g.graph.get("notes", []))
        if summary is not None:
            notes.append(summary.describe())
        review = [p for p in g.graph.get("address_review", []) if p["a"] in g or p["b"] in g]
        positions = layout(g)
    names = ", ".join(node_text(g, r) for r in reps)
    only = f" ({', '.join(kinds)} only)" if set(kinds) != set(KINDS) else ""
    question = (f'find-links "{query}"{only}: {len(links):,} linked firm{"s" if len(links) != 1 else ""}, '
                f"drawn with everything within {hops} hop{'s' if hops != 1 else ''} of {names}")
    return Report(title or f"Links of {names}", question, g, links=links, notes=notes, positions=positions,
                  timeline=events(g), address_review=review)


def path_report(store: Store, a: str, b: str, *, max_hops: int = 4, limit: int = 25,
                title: str | None = None, all_matches: bool = False) -> Report:
    """The shortest paths (at most ``limit``) of at most ``max_hops`` relationships between the
    entities ``a`` and ``b`` name (firms or people, by any name, number or id: ``graphkit.link.lookup``;
    every resolved record of each). ``report.cards`` holds their entity cards. Raises NotFound
    when either names nothing, ``lookup.Ambiguous`` when one names several entities and
    ``all_matches`` is False."""
    from graphkit.link import lookup as lk

    clusters = Clusters.around(store, [])
    ends = [lk.entities(store, q, clusters, all_matches=all_matches) for q in (a, b)]
    a_ids, b_ids = ([x for m in ms for x in clusters.members(m.id)] for ms in ends)
    cards = [lk.card(store, m, clusters) for ms in ends for m in ms]
    if set(a_ids) & set(b_ids):
        raise NotFound(f"{a!r} and {b!r} name the same entity")
    result = paths(store, a_ids, b_ids, max_hops, limit=limit)
    g = result.graph
    for n in [*a_ids, *b_ids]:
        if n in g and "query" not in g.nodes[n]["flags"]:
            g.nodes[n]["flags"].append("query")
    name_a = ", ".join(node_text(g, n) for n in a_ids)
    name_b = ", ".join(node_text(g, n) for n in b_ids)
    found = (f"{len(result.paths):,} shortest path{'s' if len(result.paths) != 1 else ''}"
             if result.paths else "no path")
    question = f'path "{a}" "{b}" --max-hops {max_hops}: {found}'
    return Report(title or f"Paths between {name_a} and {name_b}", question, g, paths=result, cards=cards)
