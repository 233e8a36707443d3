"""One self-contained HTML page per report: the graph drawn with vis-network through pyvis,
the evidence behind every node and line, the question asked, the data's date and sources.

The page makes no network request: vis-network's JavaScript and CSS (shipped inside the pyvis
package) are inlined, nothing else is loaded, and a Content-Security-Policy forbids loading
anything. Every data string is shown as text: HTML text and attributes are escaped, the graph
travels as JSON in a ``<script type="application/json">`` block with ``<``, ``>``, ``&``,
U+2028 and U+2029 escaped, and the page's script builds tooltips and the side panel with
``textContent`` only (no ``innerHTML``, no ``eval``). Node labels are drawn on a canvas.

``render(report)`` returns the page; ``write(report, path)`` saves it; ``screenshot(html, png)``
takes a picture with headless Chromium.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
from pyvis.network import Network

from graphkit.errors import GraphkitError
from graphkit.identifiers import describe
from graphkit.link.links import Link
from graphkit.model import get_model, sources_text
from graphkit.report.graph import PathResult, centrality, components, data_dates, edge_text, sources
from graphkit.report.picture import EDGE_FONT_PX, LABEL_FONT_PX, TRADE, label_lines, trade_text
from graphkit.report.timeline import TIMELINE_CSS, Event, timeline_html

VIS_VERSION = "9.1.2"  # the vis-network build shipped in pyvis/lib/
MAX_SOURCES_SHOWN = 200  # per node or line in the side panel; the count of the rest is shown


class ReportError(GraphkitError):
    """A report that cannot be written or pictured (e.g. no Chromium for --png)."""


@dataclass
class Report:
    """What a report page shows: a graph, the question that produced it, and what supports it."""

    title: str
    query: str  # the question, as the user asked it (e.g. the command line)
    graph: nx.MultiDiGraph
    links: list[Link] = field(default_factory=list)
    paths: PathResult | None = None
    notes: list[str] = field(default_factory=list)  # what was aggregated or cut, in sentences
    cards: list[Any] = field(default_factory=list)  # graphkit.link.lookup.Card of the entities asked about
    generated: dt.date = field(default_factory=dt.date.today)
    positions: dict[str, tuple[float, float]] | None = None  # a fixed layout in CSS pixels (picture.layout)
    timeline: list[Event] = field(default_factory=list)
    address_review: list[dict[str, Any]] = field(default_factory=list)  # addresses that may be one place


# ---- style: one table per visual channel -------------------------------------------------------

# how each label and relationship type is drawn and named: model.yml, `display`
_NODES = get_model().nodes.values()
_RELS = get_model().relationships.values()
SHAPES = {n.label: n.display["shape"] for n in _NODES if "shape" in n.display}
TYPE_NAMES = {n.label: n.display.get("word", n.label) for n in _NODES}
LEGEND_GLYPHS = {n.label: n.display["glyph"] for n in _NODES if "glyph" in n.display}
FIXED_FILL = {n.label: n.display["fill"] for n in _NODES if "fill" in n.display}
COUNTRY_PALETTE = ["#90cdf4", "#fbd38d", "#b794f4", "#81e6d9", "#f6ad55", "#faf089", "#fbb6ce",
                   "#a3bffa", "#c6f6d5", "#e9d8fd"]
NO_COUNTRY = "#e2e8f0"
OTHER_COUNTRIES = "#edf2f7"
BORDER = "#4a5568"
FLAG_BORDERS = {"sanctioned": ("#e53e3e", 5), "chpl": ("#c05621", 4), "query": ("#1a202c", 4)}
CHPL_FILL = "#f6ad55"
EDGE_COLOURS = {r.type: r.display["colour"] for r in _RELS if "colour" in r.display}
EDGE_NAMES = {r.type: r.display.get("legend", r.type) for r in _RELS}
EDGE_COLOURS[TRADE] = "#2f855a"
EDGE_NAMES[TRADE] = "customs trade, exporter \u2192 importer: one line per HS-6 code and year (count, quantity, value)"
DASHES_FORMER = [8, 6]
DASHES_SAME_AS = [2, 5]
LABEL_MAX = 42


# ---- the page ---------------------------------------------------------------------------------

def render(report: Report) -> str:
    """The report as one self-contained HTML page (a few hundred kB: vis-network is inlined)."""
    g = report.graph
    countries = _country_colours(g)
    vis_nodes, vis_edges = _vis_data(g, countries, report.positions)
    payload = {"nodes": vis_nodes, "edges": vis_edges, "options": _vis_options(g, report.positions),
               "fixed": report.positions is not None}
    dates = data_dates(g)
    groups = components(g)
    e = html.escape
    meta = [f"<dt>Question</dt><dd><code>{e(report.query)}</code></dd>"]
    loaded = dates["loaded"] or "unknown"
    span = (f"; the facts drawn are dated {e(str(dates['first_fact']))} to {e(str(dates['last_fact']))}"
            if dates["first_fact"] else "")
    meta.append(f"<dt>Data</dt><dd>as loaded up to {e(loaded)}{span}</dd>")
    meta.append(f"<dt>Drawn</dt><dd>{g.number_of_nodes():,} nodes and {g.number_of_edges():,} "
                f"relationships in {len(groups):,} connected group{'s' if len(groups) != 1 else ''}</dd>")
    meta.append(f"<dt>Made</dt><dd>{e(report.generated.isoformat())} with graphkit</dd>")
    notes = "".join(f"<p>{e(n)}</p>" for n in report.notes)
    notes_html = f'<div class="gk-notes" id="gk-notes">{notes}</div>' if notes else ""
    return _PAGE.format(
        title=e(report.title),
        vis_css=_asset("vis-network.css"),
        page_css=_PAGE_CSS + TIMELINE_CSS,
        network_style=_network_style(report.positions),
        meta="".join(meta),
        notes=notes_html,
        legend=_legend(g, countries),
        links=timeline_html(report.timeline) + _review_section(report.address_review)
        + _links_section(report.links),
        paths=_paths_section(report.paths),
        sources=_sources_section(g),
        data=safe_json(payload),
        vis_js=_asset("vis-network.min.js"),
        page_js=_PAGE_JS,
    )


def write(report: Report, path: str | Path) -> Path:
    """Write the page to ``path`` (UTF-8) and return the path. Raises ReportError."""
    path = Path(path)
    try:
        path.write_text(render(report), encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def safe_json(obj: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: ``<``, ``>`` and ``&`` (so no
    ``</script>`` or ``<!--`` can end or change the block) and U+2028/U+2029 are escaped.
    The characters only occur inside JSON strings, where the escapes mean the same."""
    text = json.dumps(obj, ensure_ascii=False, default=str, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


@cache
def _asset(name: str) -> str:
    """vis-network's built JS or CSS as shipped in pyvis, checked to be inlinable."""
    text = resources.files("pyvis").joinpath("lib", f"vis-{VIS_VERSION}", name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ReportError(f"pyvis's {name} cannot be inlined (it contains a closing tag)")
    return text


# ---- nodes and edges for vis-network ------------------------------------------------------------

def _country_colours(g: nx.MultiDiGraph) -> dict[str, str]:
    counts: dict[str, int] = {}
    for _, d in g.nodes(data=True):
        if d.get("country") and d.get("label") in ("Company", "Person"):
            counts[d["country"]] = counts.get(d["country"], 0) + 1
    ranked = sorted(counts, key=lambda c: (-counts[c], c))
    return {c: COUNTRY_PALETTE[i] if i < len(COUNTRY_PALETTE) else OTHER_COUNTRIES for i, c in enumerate(ranked)}


def _short(text: str, n: int = LABEL_MAX) -> str:
    return text if len(text) <= n else text[:n - 1] + "\u2026"


def _money(v: Any) -> str:
    return f"USD {v:,.0f}" if isinstance(v, int | float) else ""


def _node_label(d: dict[str, Any], node: str) -> str:
    name = _short(str(d.get("name") or node))
    label = d.get("label")
    second = []
    if label == "Shipment":
        if d.get("aggregated_lines"):
            second = [_money(d.get("value_usd")), f"HS {d['hs6']}" if d.get("hs6") else ""]
        else:
            second = [str(d.get("date") or ""), _money(d.get("value_usd"))]
    elif d.get("country"):
        second = [str(d["country"]).upper()]
    if "sanctioned" in d.get("flags", []):
        second.append("SANCTIONED")
    if d.get("chpl_tier"):
        second.append(f"CHPL tier {d['chpl_tier']}")
    second = [s for s in second if s]
    return name + ("\n" + " \u00b7 ".join(second) if second else "")


def _network_style(positions: dict[str, tuple[float, float]] | None) -> str:
    """The drawing's height when the layout is fixed: tall enough for every label at scale 1."""
    if not positions:
        return ""
    height = max((y for _x, y in positions.values()), default=0) + 80
    return f' style="height:{max(480, round(height))}px"'


def _vis_data(g: nx.MultiDiGraph, countries: dict[str, str], positions: dict[str, tuple[float, float]] | None = None
              ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """vis-network node and edge records, assembled by pyvis. With ``positions`` every node is
    placed there and stays (no physics), so the page draws what the SVG and PNG show."""
    net = Network(directed=True)
    sizes = centrality(g)
    for node, d in g.nodes(data=True):
        label = d.get("label", "Company")
        flags = d.get("flags", [])
        fill = FIXED_FILL.get(label) or countries.get(d.get("country") or "", NO_COUNTRY)
        if "chpl" in flags:
            fill = CHPL_FILL
        border, width = BORDER, 1.5
        for flag in ("query", "chpl", "sanctioned"):  # the last that applies wins
            if flag in flags:
                border, width = FLAG_BORDERS[flag]
        base = 7 if label == "Shipment" else 12
        place = {}
        if positions is not None and node in positions:
            place = {"x": positions[node][0], "y": positions[node][1], "fixed": True, "physics": False}
            base = 10
        text = "\n".join(label_lines(d, node)) if positions is not None else _node_label(d, node)
        net.add_node(node, label=text, shape=SHAPES.get(label, "dot"), **place,
                     color={"background": fill, "border": border,
                            "highlight": {"background": fill, "border": "#000000"},
                            "hover": {"background": fill, "border": "#000000"}},
                     borderWidth=width, borderWidthSelected=width + 2,
                     size=round(base + (8 if positions is not None else 18) * sizes.get(node, 0), 1),
                     detail=_node_detail(node, d))
    pair_count: dict[frozenset[str], int] = {}
    for i, (u, v, d) in enumerate(_drawn_edges(g) if positions is not None else g.edges(data=True)):
        type_ = d["type"]
        colour = EDGE_COLOURS.get(type_, BORDER)
        dashes: Any = False
        if type_ == "SAME_AS":
            dashes = DASHES_SAME_AS
            if d.get("judgement") not in (None, "auto", "accepted"):
                colour = "#a0aec0"
        elif d.get("status") == "former":
            dashes = DASHES_FORMER
        if d.get("parts"):
            lines = _label_lines(d["parts"])
            shown = lines[:3]
            rest = len(lines) - len(shown)
            words = "\n".join(shown + ([f"+{rest} more (click)"] if rest else []))
        elif type_ == "REGISTERED_AT" and str(d.get("role") or "address").lower() in ("address", "registered at"):
            words = ""  # the legend and the triangle say it; the word on every line was clutter
        else:
            words = _short(trade_text(d) if type_ == TRADE else edge_text(d), 60)
        extra: dict[str, Any] = {}
        if positions is not None:  # parallel lines between two nodes bend apart
            k = pair_count[frozenset((u, v))] = pair_count.get(frozenset((u, v)), -1) + 1
            extra["smooth"] = ({"enabled": False} if k == 0 else
                               {"enabled": True, "type": "curvedCW" if k % 2 else "curvedCCW",
                                "roundness": 0.25 * ((k + 1) // 2)})
        net.add_edge(u, v, id=f"e{i}", label=words,
                     color={"color": colour, "highlight": colour, "hover": colour},
                     dashes=dashes, width=3 if d.get("evidence") else 1.5,
                     arrows={"to": {"enabled": type_ != "SAME_AS", "scaleFactor": 0.6}},
                     detail=_edge_detail(g, u, v, d), **extra)
    return net.nodes, net.edges


def _drawn_edges(g: nx.MultiDiGraph) -> list[tuple[str, str, dict[str, Any]]]:
    """The lines of a fixed-layout picture: every fact from one node to another as one line,
    its facts as the label's lines and in ``parts`` (the customs trade first, by value), drawn
    in the colour of the first."""
    facts: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for u, v, d in g.edges(data=True):
        facts.setdefault((u, v), []).append(d)
    out: list[tuple[str, str, dict[str, Any]]] = []
    for (u, v), parts in facts.items():
        if len(parts) == 1:
            out.append((u, v, parts[0]))
            continue
        parts = sorted(parts, key=lambda x: (x["type"] != TRADE, -(x.get("value_usd") or 0), edge_text(x)))
        merged = {**parts[0], "parts": parts,
                  "sources": [s for x in parts for s in x.get("sources", [])],
                  "evidence": list(dict.fromkeys(e for x in parts for e in x.get("evidence", []))),
                  "kinds": list(dict.fromkeys(k for x in parts for k in x.get("kinds", [])))}
        if any(x.get("status") != "former" for x in parts):
            merged["status"] = None
        out.append((u, v, merged))
    return out


def _label_lines(parts: list[dict[str, Any]]) -> list[str]:
    """A merged line's label: one line per fact; the same HS-6 code and year declared in
    several customs datasets (an export and the matching import) once, saying how many."""
    out: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for x in parts:
        if x["type"] != TRADE:
            out.append(_short(edge_text(x), 60))
            continue
        key = (str(x.get("hs6")), str(x.get("year")))
        if key in seen:
            i = seen[key]
            n = int(out[i].rsplit("(", 1)[1].split()[0]) + 1 if out[i].endswith("datasets)") else 2
            out[i] = out[i].split(" (", 1)[0] + f" ({n} customs datasets)"
            continue
        seen[key] = len(out)
        out.append(_short(trade_text({k: v for k, v in x.items() if k != "declared_in"}), 60))
    return out


def _fact_text(d: dict[str, Any]) -> str:
    return trade_text(d) if d["type"] == TRADE else edge_text(d)


def _vis_options(g: nx.MultiDiGraph, positions: dict[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    n = g.number_of_nodes()
    fixed = positions is not None
    return {
        "nodes": {"font": {"size": LABEL_FONT_PX, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff",
                           "multi": False}},
        "edges": {"font": {"size": EDGE_FONT_PX, "face": "sans-serif", "align": "horizontal", "strokeWidth": 3,
                           "strokeColor": "#ffffff", "multi": False},
                  "smooth": {"enabled": not fixed, "type": "dynamic"}},
        "physics": {"enabled": not fixed, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -90, "centralGravity": 0.01,
                                         "springLength": 150, "springConstant": 0.06, "avoidOverlap": 0.5},
                    "stabilization": {"enabled": True, "iterations": 400 if n > 300 else 1000,
                                      "updateInterval": 50, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 150, "multiselect": False, "keyboard": False},
    }


# ---- the side panel and tooltips: plain text, built into the DOM with textContent --------------

def _source_lines(items: list[dict[str, str]]) -> tuple[list[str], int]:
    lines = list(dict.fromkeys(f"{s.get('dataset') or '?'}: {s.get('file') or '?'} #{s.get('record') or '?'}"
                               for s in items))
    return lines[:MAX_SOURCES_SHOWN], max(0, len(lines) - MAX_SOURCES_SHOWN)


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.2f}".rstrip("0").rstrip(".")
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    return str(v)


_NODE_ROWS = [("id", "id"), ("country", "country"), ("registry_ids", "registry ids"), ("names", "other names"),
              ("birth_date", "born"), ("birth_dates", "born on one of (the source gives several)"),
              ("birth_month", "born in (the source gives no day)"), ("incorporation_date", "incorporated"), ("dissolution_date", "dissolved"),
              ("declaration_number", "declaration"), ("direction", "direction"), ("date", "date"),
              ("period", "period"), ("aggregated_lines", "customs lines"), ("year", "year"),
              ("first_date", "first line"), ("last_date", "last line"), ("hs_code", "HS code"),
              ("hs6", "HS-6"), ("chpl_tier", "CHPL tier"), ("description", "goods"), ("quantity", "quantity"),
              ("unit", "unit"), ("value_usd", "value (USD)"), ("origin_country", "origin"),
              ("destination_country", "destination"), ("declarations", "declarations"),
              ("authority", "authority"), ("program", "programme"), ("listing_date", "listed"),
              ("flags", "flags"), ("sanctions", "sanction listings"), ("members", "resolved records"),
              ("resolution", "resolved because"), ("written_forms", "written as"),
              ("hidden", "neighbours not drawn"), ("datasets", "datasets"),
              ("last_loaded", "last loaded")]
_EDGE_ROWS = [("role", "role"), ("share", "share (%)"), ("start_date", "from"), ("end_date", "to"),
              ("status", "status"), ("at_shipments", "when the goods moved"), ("lines", "customs lines"),
              ("score", "score"), ("method", "method"), ("judgement", "judgement"),
              ("explanation", "explanation"), ("hs6", "HS-6"), ("year", "year"), ("quantity", "quantity"),
              ("unit", "unit"), ("value_usd", "value (USD)"), ("first_date", "first line"),
              ("last_date", "last line"), ("chpl_tier", "CHPL tier"), ("description", "goods"),
              ("declarations", "declarations"), ("records", "records stating it"),
              ("declared_in", "declared in"),
              ("kinds", "supports links of kind")]


def _node_detail(node: str, d: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for key, title in _NODE_ROWS:
        if key == "registry_ids":  # one row per number, named as the model names its scheme
            rows += [list(describe(x)) for x in d.get(key) or []]
        elif key == "id" or d.get(key) not in (None, [], ""):
            rows.append([title, _fmt(node if key == "id" else d[key])])
    shown, more = _source_lines(d.get("sources", []))
    label = d.get("label", "")
    name = str(d.get("name") or node)
    tip = [name, TYPE_NAMES.get(label, label) + (f", {d['country']}" if d.get("country") else "")]
    tip += [f"{t}: {v}" for t, v in rows if t in ("date", "HS code", "value (USD)", "flags", "customs lines")]
    return {"heading": name, "kind": TYPE_NAMES.get(label, label), "rows": rows, "evidence": [],
            "sources": shown, "more_sources": more, "tip": tip + ["click for the evidence and sources"]}


def _edge_detail(g: nx.MultiDiGraph, u: str, v: str, d: dict[str, Any]) -> dict[str, Any]:
    def name(n: str) -> str:
        return str(g.nodes[n].get("name") or n)

    rows = [[title, _fmt(d[key])] for key, title in _EDGE_ROWS if d.get(key) not in (None, [], "")]
    if d.get("parts"):
        rows = []
    for part in d.get("parts", []):
        label = f"HS {part.get('hs6')}, {part.get('year')}" if part["type"] == TRADE else EDGE_NAMES.get(
            part["type"], part["type"])
        rows.append([label, _fact_text(part) + (
            f"; {part['first_date']} to {part['last_date']}" if part.get("first_date") else "")
            + (f"; {part['description']}" if part.get("description") else "")])
    rows = [["from", name(u)], ["to", name(v)], *rows]
    shown, more = _source_lines(d.get("sources", []))
    heading = f"{name(u)} \u2192 {name(v)}" if d["type"] != "SAME_AS" else f"{name(u)} = {name(v)}"
    words_ = "; ".join(_fact_text(x) for x in d["parts"]) if d.get("parts") else _fact_text(d)
    words = EDGE_NAMES.get(d["type"], d["type"])
    return {"heading": heading, "kind": words, "rows": rows, "evidence": list(d.get("evidence", [])),
            "sources": shown, "more_sources": more,
            "tip": [f"{name(u)} \u2192 {name(v)}", words_, "click for the evidence and sources"]}


# ---- static parts of the page -----------------------------------------------------------------

def _legend(g: nx.MultiDiGraph, countries: dict[str, str]) -> str:
    e = html.escape
    labels = [lab for lab in SHAPES if any(d.get("label") == lab for _, d in g.nodes(data=True))]
    out = ['<h2>Legend</h2><ul class="gk-legend">']
    for lab in labels:
        colour = FIXED_FILL.get(lab, "#90cdf4")
        out.append(f'<li><span class="gk-glyph" style="color:{colour}">{LEGEND_GLYPHS[lab]}</span> '
                   f"{e(TYPE_NAMES[lab])}</li>")
    out.append("</ul>")
    if countries:
        out.append('<h3>Fill: country (firms and people)</h3><ul class="gk-legend">')
        for country, colour in list(countries.items())[:len(COUNTRY_PALETTE)]:
            out.append(f'<li><span class="gk-swatch" style="background:{colour}"></span> {e(country.upper())}</li>')
        if len(countries) > len(COUNTRY_PALETTE):
            out.append(f'<li><span class="gk-swatch" style="background:{OTHER_COUNTRIES}"></span> other countries</li>')
        if any(d.get("label") in ("Company", "Person") and not d.get("country") for _, d in g.nodes(data=True)):
            out.append(f'<li><span class="gk-swatch" style="background:{NO_COUNTRY}"></span> country unknown</li>')
        out.append("</ul>")
    flags = {f for _, d in g.nodes(data=True) for f in d.get("flags", [])}
    borders = []
    if "sanctioned" in flags:
        borders.append(f'<li><span class="gk-swatch gk-ring" style="border-color:{FLAG_BORDERS["sanctioned"][0]}">'
                       "</span> sanctioned (a sanctions listing or topic in the data)</li>")
    if "chpl" in flags:
        borders.append(f'<li><span class="gk-swatch gk-ring" style="border-color:{FLAG_BORDERS["chpl"][0]};'
                       f'background:{CHPL_FILL}"></span> goods on the Common High Priority List (HS-6)</li>')
    if "query" in flags:
        borders.append(f'<li><span class="gk-swatch gk-ring" style="border-color:{FLAG_BORDERS["query"][0]}">'
                       "</span> the firm asked about</li>")
    if borders:
        out.append('<h3>Border</h3><ul class="gk-legend">' + "".join(borders) + "</ul>")
    edges = [d for _, _, d in g.edges(data=True)]
    present = {d["type"] for d in edges}
    types = [t for t in EDGE_COLOURS if t in present and not (t == "SHIPPED_TO" and "SHIPPED" in present)]
    out.append('<h3>Lines</h3><ul class="gk-legend">')
    for t in types:
        style = "dotted" if t == "SAME_AS" else "solid"
        out.append(f'<li><span class="gk-line" style="border-top:3px {style} {EDGE_COLOURS[t]}"></span> '
                   f"{e(EDGE_NAMES[t])}</li>")
    if any(d.get("status") == "former" for d in edges):
        out.append(f'<li><span class="gk-line" style="border-top:3px dashed {BORDER}"></span> former role (ended)</li>')
    if any(d.get("evidence") for d in edges):
        out.append(f'<li><span class="gk-line" style="border-top:5px solid {BORDER}"></span> '
                   "a fact behind a link listed below</li>")
    out.append("</ul>")
    if any(d.get("members") for _, d in g.nodes(data=True)):
        out.append("<p>A node stands for every record resolved as one firm, person or address; "
                   "click it for the records, their spellings and why they were joined.</p>")
    return "".join(out)


def _review_section(pairs: list[dict[str, Any]]) -> str:
    """Addresses drawn apart that may be one place: for a person to decide, never joined."""
    if not pairs:
        return ""
    e = html.escape
    rows = "".join(f"<tr><td>{e(str(p.get('a_text') or p['a']))}</td><td>{e(str(p.get('b_text') or p['b']))}</td>"
                   f"<td>{e(str(p['reason']))}</td></tr>" for p in pairs)
    return ('<section id="gk-address-review"><h2>Addresses to review</h2><p>Drawn as separate places: the '
            "parts read from them agree on the street and number but not on everything else.</p><table><thead>"
            "<tr><th>address</th><th>address</th><th>why unsure</th></tr></thead><tbody>"
            f"{rows}</tbody></table></section>")


def _links_section(links: list[Link]) -> str:
    if not links:
        return ""
    e = html.escape
    out = [f"<section id=\"gk-links\"><h2>Links found ({len(links):,})</h2>"]
    for link in links:
        out.append(f"<article class=\"gk-link\"><h3>{e(link.a.name or link.a.id)} \u2014 "
                   f"{e(link.b.name or link.b.id)}</h3>")
        out.append(f"<p>linked by {e(', '.join(link.kinds))}; {len(link.evidence)} piece"
                   f"{'s' if len(link.evidence) != 1 else ''} of evidence. A: <code>{e(link.a.id)}</code>, "
                   f"B: <code>{e(link.b.id)}</code></p><ul>")
        for ev in link.evidence:
            srcs = sources_text(ev.sources)
            res = ""
            if ev.via and ev.via.get("resolution"):
                r = ev.via["resolution"]
                res = (f"<br><span class=\"gk-src\">resolved as one ({e(str(r.get('method')))}, "
                       f"{e(str(r.get('judgement')))}, score {e(str(r.get('score')))}): "
                       f"{e(str(r.get('explanation')))}</span>")
            out.append(f"<li><b>{e(ev.kind)}</b> {e(ev.summary)}{res}<br>"
                       f"<span class=\"gk-src\">source: {e(srcs)}</span></li>")
        out.append("</ul></article>")
    out.append("</section>")
    return "".join(out)


def _paths_section(result: PathResult | None) -> str:
    if result is None:
        return ""
    e = html.escape
    out = [f"<section id=\"gk-paths\"><h2>Shortest paths ({len(result.paths):,}"
           f"{', more not listed' if result.truncated else ''})</h2>"]
    if not result.paths:
        out.append(f"<p>No path of at most {result.max_hops} relationships.</p>")
    else:
        out.append("<ol>" + "".join(f"<li>{e(result.describe(p))}</li>" for p in result.paths) + "</ol>")
    out.append("</section>")
    return "".join(out)


def _sources_section(g: nx.MultiDiGraph) -> str:
    e = html.escape
    rows = []
    for dataset, files in sources(g).items():
        for file, n in files.items():
            rows.append(f"<tr><td>{e(dataset)}</td><td>{e(file)}</td><td class=\"gk-num\">{n:,}</td></tr>")
    if not rows:
        return "<section id=\"gk-sources\"><h2>Sources</h2><p>No source records.</p></section>"
    return ("<section id=\"gk-sources\"><h2>Sources</h2><table><thead><tr><th>dataset</th><th>file</th>"
            "<th>facts drawn</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>")


_PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 1.2rem 2rem;
       color: #1a202c; background: #fff; }
h1 { font-size: 1.5rem; margin: 1rem 0 0.4rem; }
h2 { font-size: 1.1rem; margin: 1rem 0 0.4rem; }
h3 { font-size: 0.95rem; margin: 0.8rem 0 0.3rem; }
dl.gk-meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; margin: 0 0 0.6rem; }
dl.gk-meta dt { font-weight: 600; }
dl.gk-meta dd { margin: 0; }
.gk-notes { background: #fffbea; border-left: 4px solid #d69e2e; padding: 0.3rem 0.8rem; margin: 0.5rem 0; }
.gk-notes p { margin: 0.3rem 0; }
.gk-main { display: grid; grid-template-columns: minmax(0, 1fr) 22rem; gap: 1rem; }
#gk-network { height: 76vh; min-height: 480px; border: 1px solid #cbd5e0; border-radius: 4px; }
#gk-panel { height: 76vh; min-height: 480px; overflow-y: auto; font-size: 0.85rem; border: 1px solid #cbd5e0;
            border-radius: 4px; padding: 0 0.8rem; }
#gk-detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.6rem; }
#gk-detail dt { color: #4a5568; }
#gk-detail dd { margin: 0; overflow-wrap: anywhere; }
#gk-detail .gk-kind { color: #4a5568; margin: 0; }
#gk-detail ul { padding-left: 1.1rem; overflow-wrap: anywhere; }
.gk-legend { list-style: none; padding: 0; margin: 0.2rem 0; }
.gk-legend li { margin: 0.15rem 0; }
.gk-glyph { font-size: 1.1rem; -webkit-text-stroke: 1px #4a5568; }
.gk-swatch { display: inline-block; width: 0.9rem; height: 0.9rem; vertical-align: middle;
             border: 1px solid #4a5568; }
.gk-ring { border-width: 3px; background: #fff; }
.gk-line { display: inline-block; width: 1.8rem; vertical-align: middle; }
.gk-src { color: #4a5568; font-size: 0.85em; overflow-wrap: anywhere; }
.gk-link { border-top: 1px solid #e2e8f0; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 0.2rem 0.8rem 0.2rem 0; border-bottom: 1px solid #e2e8f0; }
.gk-num { text-align: right; }
div.vis-tooltip { font-family: inherit; font-size: 0.8rem; max-width: 28rem; white-space: normal; }
@media print { .gk-main { grid-template-columns: 1fr; } #gk-panel { height: auto; } }
"""

# The page's own script. It reads the graph from the JSON block and never turns data into
# markup: every string reaches the page through textContent or the canvas.
_PAGE_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("gk-data").textContent);
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function tip(lines) {
    var box = el("div", null, "gk-tip");
    lines.forEach(function (line) { box.appendChild(el("div", line)); });
    return box;
  }
  function show(detail) {
    var panel = document.getElementById("gk-detail");
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
    panel.appendChild(el("h2", detail.heading));
    panel.appendChild(el("p", detail.kind, "gk-kind"));
    var dl = el("dl");
    detail.rows.forEach(function (row) { dl.appendChild(el("dt", row[0])); dl.appendChild(el("dd", row[1])); });
    panel.appendChild(dl);
    if (detail.evidence.length) {
      panel.appendChild(el("h3", "Evidence"));
      var ev = el("ul");
      detail.evidence.forEach(function (s) { ev.appendChild(el("li", s)); });
      panel.appendChild(ev);
    }
    panel.appendChild(el("h3", "Sources"));
    var src = el("ul");
    detail.sources.forEach(function (s) { src.appendChild(el("li", s)); });
    if (detail.more_sources) { src.appendChild(el("li", "and " + detail.more_sources + " more")); }
    if (!detail.sources.length) { src.appendChild(el("li", "none recorded")); }
    panel.appendChild(src);
  }
  data.nodes.forEach(function (n) { n.title = tip(n.detail.tip); });
  data.edges.forEach(function (e) { e.title = tip(e.detail.tip); });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("gk-network");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  if (data.fixed) {
    // the layout was computed once, in CSS pixels: show it at scale 1 from its top-left corner
    var box = container.getBoundingClientRect();
    network.moveTo({position: {x: box.width / 2, y: box.height / 2}, scale: 1});
    document.documentElement.setAttribute("data-gk-stabilised", "true");
  } else {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      document.documentElement.setAttribute("data-gk-stabilised", "true");
    });
  }
  network.on("click", function (params) {
    if (params.nodes.length) { show(nodes.get(params.nodes[0]).detail); }
    else if (params.edges.length) { show(edges.get(params.edges[0]).detail); }
  });
  window.graphkitReport = {network: network, nodes: nodes, edges: edges};
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="graphkit">
<title>{title}</title>
<style>{vis_css}</style>
<style>{page_css}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<dl class="gk-meta">{meta}</dl>
{notes}
</header>
<div class="gk-main">
<div id="gk-network"{network_style} role="img" aria-label="network drawing; the same facts are listed below"></div>
<aside id="gk-panel">
<div id="gk-detail"><h2>Evidence</h2><p>Click a node or a line to see its facts and the source record of each.</p></div>
{legend}
</aside>
</div>
{links}
{paths}
{sources}
<footer><p class="gk-src">Every name on this page is shown as text as it appears in the sources.
This page loads nothing from the network.</p></footer>
<script type="application/json" id="gk-data">{data}</script>
<script>{vis_js}</script>
<script>{page_js}</script>
</body>
</html>
"""


# ---- pictures -----------------------------------------------------------------------------------

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The headless browser to use: ``GRAPHKIT_CHROMIUM`` or the first of CHROMIUM_NAMES on PATH."""
    env = os.environ.get("GRAPHKIT_CHROMIUM")
    if env:
        return env
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(html_path: str | Path, png_path: str | Path, *, width: int = 1600, height: int = 1200,
               scale: float = 1.0, timeout: float = 120.0) -> Path:
    """A PNG of the page at ``html_path``, taken by headless Chromium with networking off, of
    ``width`` x ``height`` CSS pixels at ``scale`` device pixels each (2 gives 3200 pixels
    across: an A4 page at about 270 dpi).
    Raises ReportError when Chromium is missing (``apt-get install chromium``) or fails."""
    browser = find_chromium()
    if browser is None:
        raise ReportError("--png needs Chromium: apt-get install chromium (or set GRAPHKIT_CHROMIUM)")
    html_path, png_path = Path(html_path).resolve(), Path(png_path).resolve()
    with tempfile.TemporaryDirectory(prefix="graphkit-chromium-") as profile:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-extensions", "--no-first-run", "--hide-scrollbars", "--proxy-server=127.0.0.1:9",
               f"--user-data-dir={profile}", f"--window-size={width},{height}",
               f"--force-device-scale-factor={scale:g}",
               "--virtual-time-budget=20000", f"--screenshot={png_path}", html_path.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReportError(f"Chromium failed to take the picture: {exc}") from None
    if proc.returncode != 0 or not png_path.exists():
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise ReportError(f"Chromium failed to take the picture (exit {proc.returncode}): {last}")
    return png_path
