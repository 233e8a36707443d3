"""``graphkit viz`` and ``graphkit path``: network reports from the command line.

Each command parses its options, calls one function of ``graphkit.report`` and formats the
result. ``graphkit.cli`` registers them with ``cli.add_command``; import them through
``graphkit.cli`` (this module uses its option bundles).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import click

from graphkit.cli_options import StoreTarget, format_option, open_store, store_options
from graphkit.links import KINDS
from graphkit.mapping import safe_cell
from graphkit.model import sources_text
from graphkit.report import (
    DEFAULT_AGGREGATE_ABOVE,
    PathResult,
    network_report,
    path_report,
    screenshot,
    write,
)
from graphkit.report.graph import components, edge_text, node_text

PATH_CSV_COLUMNS = ["path", "step", "from_id", "from_name", "type", "role", "share", "start_date", "end_date",
                    "status", "score", "judgement", "to_id", "to_name", "sources"]

_output_option = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                              help="Write the report to this HTML file (self-contained; opens offline).")
_png_option = click.option("--png", type=click.Path(dir_okay=False, path_type=Path),
                           help="Also save a picture of the report (needs Chromium: apt-get install chromium).")
_title_option = click.option("--title", help="Title of the report [default: from the query].")


@click.command("viz")
@click.argument("query")
@click.option("--hops", type=click.IntRange(1, 3), default=2, show_default=True,
              help="Also draw everything within this many relationships of the firm (a customs line "
                   "counts as one: trading partners are 2 hops away).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS),
              help="Only these link kinds (repeatable) [default: all].")
@click.option("--aggregate-above", type=click.IntRange(min=1), default=DEFAULT_AGGREGATE_ABOVE,
              show_default=True, help="Above this many nodes, draw customs lines as one node per "
                                      "exporter, importer and year (the page says so).")
@_title_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The HTML file to write (self-contained; opens offline).")
@_png_option
@store_options
def viz(query: str, hops: int, kinds: tuple[str, ...], aggregate_above: int, title: str | None,
        output: Path, png: Path | None, target: StoreTarget) -> None:
    """Draw the firms linked to QUERY (as for find-links) with their evidence, and the
    neighbourhood of the firm, as one HTML page."""
    with open_store(target, read_only=True) as store:
        report = network_report(store, query, hops=hops, kinds=kinds or KINDS,
                                aggregate_above=aggregate_above, title=title)
    write(report, output)
    g = report.graph
    click.echo(f"{output}: {len(report.links):,} linked firm(s); {g.number_of_nodes():,} nodes, "
               f"{g.number_of_edges():,} relationships in {len(components(g)):,} connected group(s).")
    for note in report.notes:
        click.echo(f"note: {note}")
    if png:
        click.echo(f"{screenshot(output, png)}: picture of the report")


@click.command("path")
@click.argument("a")
@click.argument("b")
@click.option("--max-hops", type=click.IntRange(1, 8), default=4, show_default=True,
              help="Longest path looked for, in relationships (a resolution, SAME_AS, counts as one).")
@click.option("--limit", type=click.IntRange(min=1), default=25, show_default=True,
              help="At most this many shortest paths.")
@_title_option
@_output_option
@_png_option
@store_options
@format_option
def path(a: str, b: str, max_hops: int, limit: int, title: str | None, output: Path | None,
         png: Path | None, target: StoreTarget, fmt: str) -> None:
    """Shortest paths between A and B (each a name, registry number or internal id) through
    officers, owners, addresses, shipments and resolved records; optionally drawn."""
    with open_store(target, read_only=True) as store:
        report = path_report(store, a, b, max_hops=max_hops, limit=limit, title=title)
    assert report.paths is not None
    click.echo(format_paths(report.paths, fmt), nl=False)
    if output or png:
        with tempfile.TemporaryDirectory(prefix="graphkit-path-") as tmp:
            page = write(report, output or Path(tmp) / "paths.html")
            if output:
                click.echo(f"{page}: report written", err=True)
            if png:
                click.echo(f"{screenshot(page, png)}: picture of the report", err=True)


# ---- formatting ---------------------------------------------------------------------------------

def format_paths(result: PathResult, fmt: str) -> str:
    """Paths as text (one numbered line per path, sources beneath), JSON lines (one object per
    path) or CSV (one row per relationship on a path)."""
    g = result.graph
    if fmt == "json":
        return "".join(json.dumps(_path_dict(result, i, p), ensure_ascii=False, default=str) + "\n"
                       for i, p in enumerate(result.paths, 1))
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(PATH_CSV_COLUMNS)
        for i, p in enumerate(result.paths, 1):
            for row in _path_dict(result, i, p)["steps"]:
                row = {**row, "path": i, "from_name": node_text(g, row["from_id"]),
                       "to_name": node_text(g, row["to_id"]), "sources": sources_text(row["sources"])}
                writer.writerow([safe_cell(row.get(c)) for c in PATH_CSV_COLUMNS])
        return buf.getvalue()
    a = ", ".join(node_text(g, n) for n in result.a)
    b = ", ".join(node_text(g, n) for n in result.b)
    if not result.paths:
        return f"No path of at most {result.max_hops} relationships between {a} and {b}.\n"
    length = len(result.paths[0]) - 1
    more = f" (first {len(result.paths)}; there are more)" if result.truncated else ""
    out = [f"{len(result.paths)} shortest path(s) of {length} relationship(s) between {a} and {b}{more}:", ""]
    for i, p in enumerate(result.paths, 1):
        out.append(f"{i}. {result.describe(p)}")
        for step in result.steps(p):
            for start, end, d in step:
                out.append(f"     {node_text(g, start)} -> {node_text(g, end)}: {edge_text(d)}; "
                           f"source: {sources_text(d.get('sources', [])) or 'none recorded'}")
        out.append("")
    return "\n".join(out)


def _path_dict(result: PathResult, number: int, p: list[str]) -> dict[str, Any]:
    g = result.graph
    nodes = [{"id": n, "label": g.nodes[n].get("label"), "name": g.nodes[n].get("name"),
              "country": g.nodes[n].get("country")} for n in p]
    steps = []
    for i, step in enumerate(result.steps(p), 1):
        for start, end, d in step:
            steps.append({"step": i, "from_id": start, "to_id": end, "type": d["type"], "role": d.get("role"),
                          "share": d.get("share"), "start_date": d.get("start_date"),
                          "end_date": d.get("end_date"), "status": d.get("status"), "score": d.get("score"),
                          "judgement": d.get("judgement"), "sources": d.get("sources", [])})
    return {"path": number, "length": len(p) - 1, "nodes": nodes, "steps": steps}


