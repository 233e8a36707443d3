"""The entity picture as SVG, from the layout the HTML page uses (``picture.layout``): the same
positions, shapes, colours and labels, as vector graphics for print.

Every string is escaped as XML text; the file references nothing outside itself.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from graphkit.report.html import (
    BORDER,
    CHPL_FILL,
    EDGE_COLOURS,
    FIXED_FILL,
    FLAG_BORDERS,
    NO_COUNTRY,
    Report,
    ReportError,
    _country_colours,
    _drawn_edges,
    _fact_text,
)
from graphkit.report.picture import EDGE_FONT_PX, LABEL_FONT_PX, label_lines


def _shape(label: str, x: float, y: float, fill: str, border: str, width: float) -> str:
    r = 11
    attrs = f'fill="{fill}" stroke="{border}" stroke-width="{width:g}"'
    if label == "Company":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" {attrs}/>'
    if label == "Address":
        return f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y + r:.1f} {x - r:.1f},{y + r:.1f}" {attrs}/>'
    if label == "Shipment":
        return (f'<polygon points="{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} '
                f'{x - r:.1f},{y:.1f}" {attrs}/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" {attrs}/>'


def render_svg(report: Report) -> str:
    """The drawing as one SVG document. Raises ReportError for a report without a layout
    (``--records``)."""
    if report.positions is None:
        raise ReportError("only the entity picture has a fixed layout to draw as SVG")
    g, pos = report.graph, report.positions
    countries = _country_colours(g)
    w = max((x for x, _y in pos.values()), default=0) + 200
    h = max((y for _x, y in pos.values()), default=0) + 80
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
           f'viewBox="0 0 {w:.0f} {h:.0f}" font-family="sans-serif">',
           f"<title>{escape(report.title)}</title>",
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="22" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" '
           'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#4a5568"/></marker></defs>',
           '<rect width="100%" height="100%" fill="#ffffff"/>']
    for u, v, d in _drawn_edges(g):
        if u not in pos or v not in pos:
            continue
        (x1, y1), (x2, y2) = pos[u], pos[v]
        colour = EDGE_COLOURS.get(d["type"], BORDER)
        dash = ' stroke-dasharray="2 5"' if d["type"] == "SAME_AS" else (
            ' stroke-dasharray="8 6"' if d.get("status") == "former" else "")
        arrow = "" if d["type"] == "SAME_AS" else ' marker-end="url(#arrow)"'
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                   f'stroke-width="{3 if d.get("evidence") else 1.5}"{dash}{arrow}/>')
        lines = [_fact_text(x) for x in d.get("parts", [d])][:3]
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2 - 6 * (len(lines) - 1)
        for i, line in enumerate(lines):
            out.append(f'<text x="{mx:.1f}" y="{my + i * 14:.1f}" font-size="{EDGE_FONT_PX}" text-anchor="middle" '
                       f'fill="#1a202c" stroke="#ffffff" stroke-width="3" paint-order="stroke">{escape(line)}</text>')
    for node, d in sorted(g.nodes(data=True), key=lambda nd: str(nd[0])):
        if node not in pos:
            continue
        x, y = pos[node]
        label = str(d.get("label") or "Company")
        flags = d.get("flags", [])
        fill = FIXED_FILL.get(label) or countries.get(d.get("country") or "", NO_COUNTRY)
        if "chpl" in flags:
            fill = CHPL_FILL
        border, width = BORDER, 1.5
        for flag in ("query", "chpl", "sanctioned"):
            if flag in flags:
                border, width = FLAG_BORDERS[flag]
        out.append(_shape(label, x, y, fill, border, width))
        for i, line in enumerate(label_lines(d, node)):
            out.append(f'<text x="{x:.1f}" y="{y + 28 + i * 17:.1f}" font-size="{LABEL_FONT_PX}" '
                       f'text-anchor="middle" fill="#1a202c">{escape(line)}</text>')
    for i, note in enumerate(report.notes):
        out.append(f'<text x="10" y="{h - 10 - 16 * (len(report.notes) - 1 - i):.0f}" font-size="12" '
                   f'fill="#4a5568">{escape(note)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write_svg(report: Report, path: str | Path) -> Path:
    """Write ``render_svg(report)`` to ``path``; returns the path. Raises ReportError."""
    path = Path(path)
    try:
        path.write_text(render_svg(report), encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path

