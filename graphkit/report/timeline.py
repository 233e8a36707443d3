"""The report's timeline: roles (start to end), incorporations and dissolutions, customs trade
(first to last line) and sanction listings of the drawn graph, on one axis.

``events(g)`` lists them from a report graph (``graphkit.report.picture.entity_graph`` or the
record-level one), each with its source records; ``timeline_html(events)`` draws them as an
HTML block of rows over a year axis (plain elements with inline positions: no script, every
string escaped).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graphkit.model import sources_text

MAX_ROWS = 60  # the rest are counted under the timeline


@dataclass(frozen=True)
class Event:
    """One thing that happened, or lasted: ``start`` and ``end`` are ISO dates (``end`` None
    for a single day or an open role, see ``open``)."""

    start: str
    end: str | None
    who: str
    what: str
    kind: str  # role, company, trade, sanction
    open: bool = False  # still running (a role with no end date)
    sources: list[dict[str, str]] = field(default_factory=list, compare=False)


def _name(g: nx.MultiDiGraph, n: str) -> str:
    return str(g.nodes[n].get("name") or n) if n in g else n


def _iso(value: Any) -> str | None:
    text = str(value or "")[:10]
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return None
    return text


def events(g: nx.MultiDiGraph) -> list[Event]:
    """Every dated fact of ``g``, sorted by start date then by who. O(nodes + edges)."""
    from graphkit.report.graph import edge_text
    from graphkit.report.picture import TRADE, trade_text

    out: list[Event] = []
    for n, d in g.nodes(data=True):
        start, end = _iso(d.get("incorporation_date")), _iso(d.get("dissolution_date"))
        if start or end:
            what = "incorporated" + (f", dissolved {end}" if end and start else "") if start else "dissolved"
            out.append(Event(start or end or "", end if start else None, _name(g, n), what, "company",
                             sources=list(d.get("sources", []))))
        for listing in d.get("listings", []):
            when = _iso(listing.get("date"))
            if when:
                out.append(Event(when, None, _name(g, n), f"listed: {listing['text']}", "sanction",
                                 sources=list(listing.get("sources", []))))
        if d.get("label") == "Sanction" and _iso(d.get("listing_date")):
            holders = [u for u, _, e in g.in_edges(n, data=True) if e.get("type") == "SANCTIONED"]
            who = ", ".join(_name(g, h) for h in holders) or _name(g, n)
            out.append(Event(str(_iso(d.get("listing_date"))), None, who, f"listed: {d.get('name')}", "sanction",
                             sources=list(d.get("sources", []))))
    for u, v, d in g.edges(data=True):
        if d.get("type") == TRADE:
            first, last = _iso(d.get("first_date")), _iso(d.get("last_date"))
            if first:
                out.append(Event(first, last if last != first else None, f"{_name(g, u)} \u2192 {_name(g, v)}",
                                 trade_text(d), "trade", sources=list(d.get("sources", []))))
        elif d.get("type") in ("OFFICER_OF", "OWNS"):
            start, end = _iso(d.get("start_date")), _iso(d.get("end_date"))
            if start or end:
                out.append(Event(start or end or "", end if start else None, _name(g, u),
                                 f"{edge_text(d)} of {_name(g, v)}", "role", open=bool(start and not end),
                                 sources=list(d.get("sources", []))))
        elif d.get("type") == "SHIPPED" and v in g and g.nodes[v].get("label") == "Shipment":
            when = _iso(g.nodes[v].get("date") or g.nodes[v].get("first_date"))
            if when:
                out.append(Event(when, _iso(g.nodes[v].get("last_date")), _name(g, u),
                                 f"shipped {_name(g, v)}", "trade", sources=list(d.get("sources", []))))
    return sorted(set(out), key=lambda e: (e.start, e.who, e.what))


def _src(items: list[dict[str, str]]) -> str:
    shown = sources_text([s for s in items[:3] if s.get("dataset")])
    more = f" and {len(items) - 3:,} more" if len(items) > 3 else ""
    return (shown + more) or "no source recorded"


def timeline_html(items: list[Event], today: dt.date | None = None) -> str:
    """The events as one ``<section id="gk-timeline">``: a row per event, its bar placed on a
    year axis from the first to the last date (open roles run to ``today``)."""
    if not items:
        return ""
    e = html.escape
    today_iso = (today or dt.date.today()).isoformat()
    ends = [x.end or (today_iso if x.open else x.start) for x in items]
    lo = dt.date.fromisoformat(min(x.start for x in items)).replace(month=1, day=1)
    hi = dt.date.fromisoformat(max(ends)).replace(month=12, day=31)
    span = (hi - lo).days or 1

    def pct(iso: str) -> float:
        return round(100 * (dt.date.fromisoformat(iso) - lo).days / span, 2)

    step = 1 if hi.year - lo.year < 12 else 5 if hi.year - lo.year < 60 else 10
    ticks = "".join(f'<span class="gk-tick" style="left:{pct(f"{y}-01-01")}%">{y}</span>'
                    for y in range(lo.year, hi.year + 1) if (y - lo.year) % step == 0)
    rows = []
    for x, end in zip(items[:MAX_ROWS], ends, strict=False):
        left = pct(x.start)
        width = max(0.6, pct(end) - left)
        when = x.start + (f" to {x.end}" if x.end else " to present" if x.open else "")
        rows.append(
            f'<li class="gk-ev gk-ev-{e(x.kind)}"><span class="gk-ev-text"><b>{e(when)}</b> {e(x.who)}: '
            f'{e(x.what)} <span class="gk-src">({e(_src(x.sources))})</span></span>'
            f'<span class="gk-track"><span class="gk-bar" style="left:{left}%;width:{width}%"></span></span></li>')
    more = (f"<p>and {len(items) - MAX_ROWS:,} more events, listed in the JSON output</p>"
            if len(items) > MAX_ROWS else "")
    legend = ('<p class="gk-src">Bars: <span class="gk-key gk-ev-role"></span> roles '
              '<span class="gk-key gk-ev-company"></span> incorporation '
              '<span class="gk-key gk-ev-trade"></span> customs trade '
              '<span class="gk-key gk-ev-sanction"></span> sanction listings</p>')
    return (f'<section id="gk-timeline"><h2>Timeline ({len(items):,} events)</h2>{legend}'
            f'<div class="gk-axis">{ticks}</div><ol class="gk-events">{"".join(rows)}</ol>{more}</section>')


TIMELINE_CSS = """
#gk-timeline ol.gk-events { list-style: none; padding: 0; margin: 0; }
.gk-axis { position: relative; height: 1.2rem; margin-left: 45%; border-bottom: 1px solid #a0aec0; }
.gk-tick { position: absolute; font-size: 0.8rem; color: #4a5568; border-left: 1px solid #a0aec0;
           padding-left: 2px; }
.gk-ev { display: grid; grid-template-columns: 45% 55%; align-items: center; font-size: 0.85rem;
         border-bottom: 1px solid #edf2f7; }
.gk-ev-text { padding-right: 0.5rem; overflow-wrap: anywhere; }
.gk-track { position: relative; height: 0.8rem; }
.gk-bar { position: absolute; top: 0; height: 0.8rem; border-radius: 2px; background: #2b6cb0; }
.gk-ev-company .gk-bar, .gk-key.gk-ev-company { background: #4a5568; }
.gk-ev-trade .gk-bar, .gk-key.gk-ev-trade { background: #2f855a; }
.gk-ev-sanction .gk-bar, .gk-key.gk-ev-sanction { background: #c53030; }
.gk-key { display: inline-block; width: 1.2rem; height: 0.6rem; background: #2b6cb0; }
"""
