"""``graphkit viz`` and ``graphkit path``: network reports from the command line.

Each command parses its options, calls one function of ``graphkit.report`` and formats the
result (``graphkit.output``). ``graphkit.cli`` registers them with ``cli.add_command``. The
report's libraries (networkx, pyvis) are imported when a command runs, not for ``--help``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from graphkit.cli.options import (
    LazyChoice,
    StoreTarget,
    all_matches_option,
    format_option,
    library,
    open_store,
    store_options,
)

AGGREGATE_ABOVE = 300  # the default of --aggregate-above; graphkit.report.DEFAULT_AGGREGATE_ABOVE is this
MAX_DRAWN = 40  # the default of --max-nodes; graphkit.report.DEFAULT_MAX_DRAWN is this

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
@click.option("--kind", "kinds", multiple=True, type=LazyChoice(library("graphkit.link.links:KINDS")),
              help="Only these link kinds (repeatable) [default: all].")
@click.option("--max-nodes", type=click.IntRange(min=2), default=MAX_DRAWN, show_default=True,
              help="Draw at most this many nodes, nearest the firm first; the page counts the rest.")
@click.option("--records", is_flag=True,
              help="Draw every record (each resolved record, customs line and sanction listing its "
                   "own node) instead of one node per resolved entity.")
@click.option("--aggregate-above", type=click.IntRange(min=1), default=AGGREGATE_ABOVE,
              show_default=True, help="With --records: above this many nodes, draw customs lines as one "
                                      "node per exporter, importer and year (the page says so).")
@_title_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The HTML file to write (self-contained; opens offline).")
@_png_option
@click.option("--svg", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save the drawing as SVG, from the same layout (not with --records).")
@store_options
def viz(query: str, hops: int, kinds: tuple[str, ...], max_nodes: int, records: bool, aggregate_above: int,
        title: str | None, output: Path, png: Path | None, svg: Path | None, target: StoreTarget) -> None:
    """Draw the firms linked to QUERY (as for find-links) with their evidence, and the
    neighbourhood of the firm, as one HTML page: one node per resolved firm, person or address,
    customs lines summed per exporter, importer, HS-6 code and year, and a timeline."""
    from graphkit.link.links import KINDS
    from graphkit.report import ReportError, network_report, screenshot, write
    from graphkit.report.graph import components
    from graphkit.report.svg import write_svg

    if svg and records:
        raise click.UsageError("--svg draws the entity picture; leave out --records")
    with open_store(target, read_only=True) as store:
        report = network_report(store, query, hops=hops, kinds=kinds or KINDS, records=records,
                                aggregate_above=aggregate_above, title=title, max_drawn=max_nodes)
    write(report, output)
    if svg:
        if report.positions is None:
            raise ReportError("no layout to draw as SVG")
        click.echo(f"{write_svg(report, svg)}: the drawing as SVG")
    g = report.graph
    click.echo(f"{output}: {len(report.links):,} linked firm(s); {g.number_of_nodes():,} nodes, "
               f"{g.number_of_edges():,} relationships in {len(components(g)):,} connected group(s).")
    for note in report.notes:
        click.echo(f"note: {note}")
    if png:
        height = 1200 if report.positions is None else 420 + max(
            (y for _x, y in report.positions.values()), default=0)
        click.echo(f"{screenshot(output, png, height=max(1200, round(height)), scale=2)}: picture of the report")


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
@all_matches_option
@store_options
@format_option
def path(a: str, b: str, max_hops: int, limit: int, title: str | None, output: Path | None,
         png: Path | None, all_matches: bool, target: StoreTarget, fmt: str) -> None:
    """Shortest paths between A and B (each a firm or person: a name in any script, an alias, a
    registry number, a source's record id or an internal id), beginning with their cards, through
    officers, owners, addresses, shipments and resolved records; optionally drawn."""
    from graphkit import output as formats
    from graphkit.report import path_report, screenshot, write

    with open_store(target, read_only=True) as store:
        report = path_report(store, a, b, max_hops=max_hops, limit=limit, title=title, all_matches=all_matches)
    assert report.paths is not None
    if fmt == "table":
        click.echo(formats.cards(report.cards), nl=False)
    click.echo(formats.paths(report.paths, fmt), nl=False)
    if output or png:
        with tempfile.TemporaryDirectory(prefix="graphkit-path-") as tmp:
            page = write(report, output or Path(tmp) / "paths.html")
            if output:
                click.echo(f"{page}: report written", err=True)
            if png:
                click.echo(f"{screenshot(page, png)}: picture of the report", err=True)
