"""The ``graphkit`` command line: each command parses options, calls one library function and
formats its result. Errors reach the user as one line and a non-zero exit code (see ``main``).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graphkit.cli.flags import exposure, flags
from graphkit.cli.options import (
    DeferredOption,
    LazyChoice,
    LazyGroup,
    StoreTarget,
    all_matches_option,
    format_option,
    judgements_option,
    library,
    open_store,
    store_options,
)
from graphkit.cli.reports import path, viz

MAX_PROBLEMS_SHOWN = 50


# ---- commands ------------------------------------------------------------------------------

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graphkit")
def cli() -> None:
    """graphkit: company registries and customs records in one graph; which firms are linked,
    and by what evidence."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--mapping", "-m", required=True, cls=DeferredOption,
              help_from=lambda: f"A built-in mapping ({', '.join(_mapping_names())}) or a path to a .yml mapping.")
@click.option("--on-error", type=click.Choice(["strict", "skip"]), default="strict", show_default=True,
              help="strict: any bad row rejects the whole load. skip: load the good rows and write "
                   "the bad ones to a rejects file beside the input.")
@click.option("--dataset", help="Dataset name recorded as each fact's source [default: the mapping's].")
@click.option("--rejects-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write rejected and skipped records here instead of beside the input (for inputs "
                   "in a folder that is not yours).")
@store_options
@format_option
def load(files: tuple[Path, ...], mapping: str, on_error: str, dataset: str | None, rejects_dir: Path | None,
         target: StoreTarget, fmt: str) -> None:
    """Load FILES into the graph through a mapping, as one transaction. A folder stands for the
    files in it that the mapping reads (graphkit mappings lists them)."""
    from graphkit import output
    from graphkit.load import load_files

    with open_store(target) as store:
        total = sum(_count_lines(f) for f in files) if sys.stderr.isatty() else 0
        if total > 50_000:
            with click.progressbar(length=total, label="Loading", file=sys.stderr) as bar:
                report = load_files(store, list(files), mapping, on_error=on_error, dataset=dataset,
                                    rejects_dir=rejects_dir, progress=bar.update)
        else:
            report = load_files(store, list(files), mapping, on_error=on_error, dataset=dataset,
                                rejects_dir=rejects_dir)
    click.echo(output.load_report(report, fmt), nl=False)


def _mapping_names() -> list[str]:
    from graphkit.load.mapping import available_mappings

    return list(available_mappings())


def _count_lines(path: Path) -> int:
    if path.is_dir():  # a folder of files to load: an estimate (files the mapping skips count too)
        return sum(_count_lines(p) for p in path.iterdir() if p.is_file())
    try:
        with path.open("rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return 0


@cli.command("find-links")
@click.argument("query", required=False)
@click.option("--all", "screen_all", is_flag=True, help="Screen the whole graph for linked pairs.")
@click.option("--kind", "kinds", multiple=True, type=LazyChoice(library("graphkit.link.links:KINDS")),
              help="Only these link kinds (repeatable) [default: all].")
@click.option("--confirmed-only", is_flag=True,
              help="Leave out possible links (those resting on a resolution pair waiting for review).")
@click.option("--detail", is_flag=True,
              help="Text: every record-level fact with its source, instead of one line per resolved "
                   "person and per shipment group.")
@all_matches_option
@store_options
@format_option
def find_links(query: str | None, screen_all: bool, kinds: tuple[str, ...], confirmed_only: bool, detail: bool,
               all_matches: bool, target: StoreTarget, fmt: str) -> None:
    """Firms linked to QUERY (a name in any script, an alias, a registry number, a source's
    record id or an internal id), with evidence. Begins with the card of the firm it starts from;
    possible links (resting on a resolution pair waiting for review) follow in their own section,
    each with the pair and the command that decides it."""
    from graphkit import output
    from graphkit.link import links
    from graphkit.link import lookup as lk

    if bool(query) == screen_all:
        raise click.UsageError("give a QUERY or --all (not both)")
    cards: list[lk.Card] = []
    with open_store(target, read_only=True) as store:
        if screen_all:
            found = links.screen(store, kinds=kinds or links.KINDS, possible=not confirmed_only)
        else:
            assert query is not None
            clusters = links.Clusters.around(store, [])
            chosen = lk.entities(store, query, clusters, label="Company", all_matches=all_matches)
            cards = [lk.card(store, m, clusters) for m in chosen]
            found = links.find_links(store, [m.id for m in chosen], kinds=kinds or links.KINDS,
                                     possible=not confirmed_only)
    if fmt == "table":
        click.echo(output.cards(cards), nl=False)
    click.echo(output.links(found, fmt, detail=detail), nl=False)


@cli.command()
@store_options
@format_option
def stats(target: StoreTarget, fmt: str) -> None:
    """Counts by label and relationship type, and by source dataset."""
    from graphkit import output

    with open_store(target, read_only=True) as store:
        click.echo(output.counts(store.counts(), fmt), nl=False)


@cli.command()
@click.option("--explain", nargs=2, metavar="A B",
              help="Print the full decision for two records (ids) instead of writing anything.")
@store_options
@judgements_option
def resolve(explain: tuple[str, str] | None, target: StoreTarget, judgements: Path | None) -> None:
    """Resolve records of the same firm or person across sources, scripts and spellings.

    Writes SAME_AS with score, explanation and judgement: auto above the automatic threshold,
    pending in the review band (see graphkit review), and every judgement from the file.
    Different registry numbers of one scheme (two INNs, two BINs) are never one entity."""
    from graphkit.resolve import explain as explain_pair
    from graphkit.resolve import resolve as run_resolve
    from graphkit.resolve.judgements import Judgements, default_path

    book = Judgements.load(judgements or default_path())
    if explain:
        with open_store(target, read_only=True) as store:
            click.echo("\n".join(explain_pair(store, explain[0], explain[1], book)))
        return
    with open_store(target) as store:
        r = run_resolve(store, book)
    records = ", ".join(f"{n:,} {label.lower()} records" for label, n in r.records.items())
    click.echo(f"{records}; {r.pairs_scored:,} candidate pairs scored; {r.auto:,} resolved automatically; "
               f"{r.pending:,} waiting for review; {r.kept_apart:,} kept apart by judgements; "
               f"{r.judgements_applied:,} judgements applied.")


@cli.command()
@click.option("--accept", nargs=2, metavar="A B", help="Record that A and B are the same.")
@click.option("--reject", nargs=2, metavar="A B", help="Record that A and B are different.")
@click.option("--unsure", nargs=2, metavar="A B", help="Record that you cannot tell.")
@click.option("--override", is_flag=True,
              help="With --accept: accept although the records carry different registry numbers.")
@click.option("--note", default="", help="Why (kept with the judgement).")
@click.option("--limit", type=int, default=50, show_default=True, help="How many would-be entities to list.")
@store_options
@judgements_option
@format_option
def review(accept: tuple[str, str] | None, reject: tuple[str, str] | None, unsure: tuple[str, str] | None,
           override: bool, note: str, limit: int, target: StoreTarget, judgements: Path | None, fmt: str) -> None:
    """List what waits for review, one would-be entity at a time (strongest first), or record a
    judgement (then resolution is re-applied to the records it touches)."""
    from graphkit import output
    from graphkit.resolve import review_groups
    from graphkit.resolve.judgements import Judgement, Judgements, default_path
    from graphkit.resolve.review import judge

    chosen = [(j, pair) for j, pair in ((Judgement.POSITIVE, accept), (Judgement.NEGATIVE, reject),
                                        (Judgement.UNSURE, unsure)) if pair]
    if len(chosen) > 1:
        raise click.UsageError("give one of --accept, --reject, --unsure")
    with open_store(target) as store:
        if chosen:
            judgement, (a, b) = chosen[0]
            done = judge(store, Judgements.load(judgements or default_path()), a, b, judgement, note, override)
            click.echo(f"recorded: {a} {judgement.value} {b} in {done.path}")
            return
        groups = review_groups(store, limit)
    click.echo(output.review(groups, fmt), nl=False)


@cli.command()
@store_options
@format_option
def clusters(target: StoreTarget, fmt: str) -> None:
    """Resolved entities: the records joined as one, with names, registry ids and sources."""
    from graphkit import output
    from graphkit.resolve import clusters as list_clusters

    with open_store(target, read_only=True) as store:
        click.echo(output.clusters(list_clusters(store), fmt), nl=False)


@cli.command()
@click.option("--db", type=click.Path(file_okay=False, path_type=Path), default=Path("graphkit-demo"),
              show_default=True, help="Where to build the demo graph (emptied first).")
@format_option
def demo(db: Path, fmt: str) -> None:
    """Load the Aspan Arba case into a fresh embedded graph and show its links."""
    from graphkit import demo as demo_mod
    from graphkit import output
    from graphkit.link import links

    if db.exists():
        if not (db / "graph.lbdb").exists() and any(db.iterdir()):
            raise click.UsageError(f"{db} exists and is not a graphkit graph; choose another --db")
        shutil.rmtree(db)
    with open_store(db) as store:
        reports = demo_mod.load_demo(store)
        if fmt == "table":
            for r in reports:
                click.echo(output.load_report(r, fmt), nl=False)
            click.echo()
        found = links.find_links(store, demo_mod.DEMO_QUERY)
    if fmt == "table":
        click.echo(f"Firms linked to {demo_mod.DEMO_QUERY!r}:\n")
    click.echo(output.links(found, fmt), nl=False)


@cli.command()
def mappings() -> None:
    """List the built-in loader mappings."""
    from graphkit.load.mapping import load_mapping

    for name in _mapping_names():
        mapping = load_mapping(name)
        click.echo(f"{name:<16}{mapping.description}")
        if mapping.parts or mapping.patterns:
            for expected in mapping.expects():
                click.echo(f"{'':<16}  reads {expected}")


@cli.command()
def queries() -> None:
    """List the query library (cypher/) with parameters."""
    from graphkit.queries import library

    for q in library().values():
        params = ", ".join(f"${p}" for p in q.params)
        click.echo(f"{q.name:<22}{q.summary}" + (f"  [{params}]" if params else ""))


@cli.command()
@store_options
def push(target: StoreTarget) -> None:
    """Copy the embedded graph (--db) into Neo4j (--neo4j URI or NEO4J_URI); idempotent."""
    from graphkit.store.copy import copy_store
    from graphkit.store.embedded import EmbeddedStore

    if not target.neo4j:
        raise click.UsageError("push needs --neo4j URI (or NEO4J_URI): the Neo4j to copy into")
    with EmbeddedStore(target.db, read_only=True) as source, open_store(target) as dest:
        stats = copy_store(source, dest)
    click.echo(f"pushed {target.describe()}: {stats.nodes_created:,} nodes created, {stats.nodes_updated:,} "
               f"updated, {stats.rels_created:,} relationships created, {stats.rels_existing:,} already there.")


@cli.group(cls=LazyGroup, lazy={"guide": "graphkit.server.browser_guide:main"})
def neo4j() -> None:
    """A local Neo4j server (Community 5.26 LTS, fetched from Maven Central) for graphkit."""


def _workspace_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--workspace", type=click.Path(file_okay=False, path_type=Path),
                        default=Path("graphkit-neo4j"), envvar="GRAPHKIT_NEO4J_WORKSPACE", show_default=True,
                        show_envvar=True, help="Where the server keeps its configuration, data and logs.")(fn)


@neo4j.command("start")
@_workspace_option
@click.option("--bolt-port", type=int, default=7687, show_default=True)
@click.option("--http-port", type=int, default=7474, show_default=True)
def neo4j_start(workspace: Path, bolt_port: int, http_port: int) -> None:
    """Start it (or find the running one) on 127.0.0.1 and print where to reach it.

    The password comes from NEO4J_PASSWORD, or is generated once and kept in the workspace
    (mode 0600); it is never printed."""
    from graphkit.server import neo4j_server

    info = neo4j_server.start(workspace, bolt_port=bolt_port, http_port=http_port)
    click.echo(f"Neo4j is running (pid {info.pid}).\n  Bolt:    {info.bolt_uri}\n  Browser: {info.browser_url}\n"
               f"  user neo4j; password in NEO4J_PASSWORD or {workspace / 'neo4j' / 'password'}")


@neo4j.command("stop")
@_workspace_option
def neo4j_stop(workspace: Path) -> None:
    """Stop the local server cleanly."""
    from graphkit.server import neo4j_server

    click.echo("stopped" if neo4j_server.stop(workspace) else "not running")


@neo4j.command("status")
@_workspace_option
def neo4j_status(workspace: Path) -> None:
    """Say whether the local server runs, and where."""
    from graphkit.server import neo4j_server

    info = neo4j_server.status(workspace)
    if info.running:
        click.echo(f"running (pid {info.pid}): {info.bolt_uri}  {info.browser_url}")
    else:
        click.echo("not running")


@neo4j.command("import")
@click.option("--db", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The embedded graph to import (made by graphkit load --db DIR).")
@_workspace_option
@click.option("--overwrite", is_flag=True, help="Replace what the Neo4j database holds.")
@click.option("--bolt-port", type=int, help="If the server must be started [default: its last ports, else 7687].")
@click.option("--http-port", type=int, help="As --bolt-port [default: its last, else 7474].")
def neo4j_import(db: Path, workspace: Path, overwrite: bool, bolt_port: int | None, http_port: int | None) -> None:
    """Bulk-load the embedded graph at --db into the local server's database with neo4j-admin
    (export to CSV, stop, import, start, constraints and indexes). Refuses a database that
    holds nodes unless --overwrite; much faster than push for a large graph."""
    from graphkit.server.neo4j_import import import_graph

    rep = import_graph(db, workspace, overwrite=overwrite, bolt_port=bolt_port, http_port=http_port)
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in rep.seconds.items())
    click.echo(f"imported the embedded graph at {db} into Neo4j at {rep.bolt_uri}: {rep.total_nodes:,} nodes, "
               f"{rep.total_relationships:,} relationships (counted on Neo4j after the import); {steps}.")


cli.add_command(viz)
cli.add_command(path)
cli.add_command(flags)
cli.add_command(exposure)


# ---- the one error boundary -----------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    """Entry point: GraphkitError becomes one line on stderr and exit code 1 (2 for usage)."""
    from graphkit.errors import GraphkitError, InvalidData

    try:
        cli.main(args=argv, prog_name="graphkit", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("graphkit: aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except InvalidData as exc:
        shown = exc.problems[:MAX_PROBLEMS_SHOWN]
        click.echo(f"graphkit: error: {len(exc.problems)} problem(s); nothing was loaded, the graph is unchanged.",
                   err=True)
        for p in shown:
            click.echo(f"  {p}", err=True)
        if len(exc.problems) > len(shown):
            click.echo(f"  ... and {len(exc.problems) - len(shown)} more", err=True)
        sys.exit(1)
    except GraphkitError as exc:
        click.echo(f"graphkit: error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
