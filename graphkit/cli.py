"""The ``graphkit`` command line: each command parses options, calls one library function and
formats its result. Errors reach the user as one line and a non-zero exit code (see ``main``).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from graphkit import output
from graphkit.cli_options import format_option, judgements_option, open_store, store_options
from graphkit.errors import GraphkitError, InvalidData
from graphkit.links import KINDS
from graphkit.mapping import available_mappings
from graphkit.report.commands import path, viz

MAX_PROBLEMS_SHOWN = 50


# ---- commands ------------------------------------------------------------------------------

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graphkit")
def cli() -> None:
    """graphkit: company registries and customs records in one graph; which firms are linked,
    and by what evidence."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--mapping", "-m", required=True,
              help=f"A built-in mapping ({', '.join(available_mappings())}) or a path to a .yml mapping.")
@click.option("--on-error", type=click.Choice(["strict", "skip"]), default="strict", show_default=True,
              help="strict: any bad row rejects the whole load. skip: load the good rows and write "
                   "the bad ones to a rejects file beside the input.")
@click.option("--dataset", help="Dataset name recorded as each fact's source [default: the mapping's].")
@store_options
@format_option
def load(files: tuple[Path, ...], mapping: str, on_error: str, dataset: str | None, db: Path | None,
         fmt: str) -> None:
    """Load FILES into the graph through a mapping, as one transaction."""
    from graphkit.load import load_files

    with open_store(db) as store:
        total = sum(_count_lines(f) for f in files) if sys.stderr.isatty() else 0
        if total > 50_000:
            with click.progressbar(length=total, label="Loading", file=sys.stderr) as bar:
                report = load_files(store, list(files), mapping, on_error=on_error, dataset=dataset,
                                    progress=bar.update)
        else:
            report = load_files(store, list(files), mapping, on_error=on_error, dataset=dataset)
    click.echo(output.load_report(report, fmt), nl=False)


def _count_lines(path: Path) -> int:
    try:
        with path.open("rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except OSError:
        return 0


@cli.command("find-links")
@click.argument("query", required=False)
@click.option("--all", "screen_all", is_flag=True, help="Screen the whole graph for linked pairs.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS),
              help="Only these link kinds (repeatable) [default: all].")
@store_options
@format_option
def find_links(query: str | None, screen_all: bool, kinds: tuple[str, ...], db: Path | None, fmt: str) -> None:
    """Firms linked to QUERY (a name, a registry number or an internal id), with evidence."""
    from graphkit import links

    if bool(query) == screen_all:
        raise click.UsageError("give a QUERY or --all (not both)")
    with open_store(db, read_only=True) as store:
        if screen_all:
            found = links.screen(store, kinds=kinds or KINDS)
        else:
            assert query is not None
            found = links.find_links(store, query, kinds=kinds or KINDS)
    click.echo(output.links(found, fmt), nl=False)


@cli.command()
@store_options
@format_option
def stats(db: Path | None, fmt: str) -> None:
    """Counts by label and relationship type, and by source dataset."""
    with open_store(db, read_only=True) as store:
        click.echo(output.counts(store.counts(), fmt), nl=False)


@cli.command()
@store_options
@judgements_option
def resolve(db: Path | None, judgements: Path | None) -> None:
    """Resolve records of the same firm or person across sources, scripts and spellings.

    Writes SAME_AS with score, explanation and judgement: auto above the automatic threshold,
    pending in the review band (see graphkit review), and every judgement from the file."""
    from graphkit.resolve import resolve as run_resolve
    from graphkit.resolve.judgements import Judgements, default_path

    with open_store(db) as store:
        r = run_resolve(store, Judgements.load(judgements or default_path()))
    records = ", ".join(f"{n:,} {label.lower()} records" for label, n in r.records.items())
    click.echo(f"{records}; {r.pairs_scored:,} candidate pairs scored; {r.auto:,} resolved automatically; "
               f"{r.pending:,} waiting for review; {r.kept_apart:,} kept apart by judgements; "
               f"{r.judgements_applied:,} judgements applied.")


@cli.command()
@click.option("--accept", nargs=2, metavar="A B", help="Record that A and B are the same.")
@click.option("--reject", nargs=2, metavar="A B", help="Record that A and B are different.")
@click.option("--unsure", nargs=2, metavar="A B", help="Record that you cannot tell.")
@click.option("--note", default="", help="Why (kept with the judgement).")
@click.option("--limit", type=int, default=50, show_default=True, help="How many candidates to list.")
@store_options
@judgements_option
@format_option
def review(accept: tuple[str, str] | None, reject: tuple[str, str] | None, unsure: tuple[str, str] | None,
           note: str, limit: int, db: Path | None, judgements: Path | None, fmt: str) -> None:
    """List candidates waiting for review, or record a judgement (then resolution is re-applied)."""
    from graphkit.resolve import pending
    from graphkit.resolve import resolve as run_resolve
    from graphkit.resolve.judgements import Judgement, Judgements, default_path

    chosen = [(j, pair) for j, pair in ((Judgement.POSITIVE, accept), (Judgement.NEGATIVE, reject),
                                        (Judgement.UNSURE, unsure)) if pair]
    if len(chosen) > 1:
        raise click.UsageError("give one of --accept, --reject, --unsure")
    with open_store(db) as store:
        if chosen:
            judgement, (a, b) = chosen[0]
            found = {r["id"] for r in store.run("clusters", ids=[a, b])}
            missing = [x for x in (a, b) if x not in found]
            if missing:
                raise click.UsageError(f"no record with id {missing[0]!r} in the graph")
            book = Judgements.load(judgements or default_path())
            book.record(a, b, judgement, note)
            run_resolve(store, book)
            click.echo(f"recorded: {a} {judgement.value} {b} in {book.path}")
            return
        rows = pending(store, limit)
    click.echo(output.review(rows, fmt), nl=False)


@cli.command()
@store_options
@format_option
def clusters(db: Path | None, fmt: str) -> None:
    """Resolved entities: the records joined as one, with names, registry ids and sources."""
    from graphkit.resolve import clusters as list_clusters

    with open_store(db, read_only=True) as store:
        click.echo(output.clusters(list_clusters(store), fmt), nl=False)


@cli.command()
@click.option("--db", type=click.Path(file_okay=False, path_type=Path), default=Path("graphkit-demo"),
              show_default=True, help="Where to build the demo graph (emptied first).")
@format_option
def demo(db: Path, fmt: str) -> None:
    """Load the Aspan Arba case into a fresh embedded graph and show its links."""
    from graphkit import demo as demo_mod
    from graphkit import links

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
    from graphkit.mapping import load_mapping

    for name in available_mappings():
        click.echo(f"{name:<16}{load_mapping(name).description}")


@cli.command()
def queries() -> None:
    """List the query library (cypher/) with parameters."""
    from graphkit.queries import library

    for q in library().values():
        params = ", ".join(f"${p}" for p in q.params)
        click.echo(f"{q.name:<22}{q.summary}" + (f"  [{params}]" if params else ""))


cli.add_command(viz)
cli.add_command(path)


# ---- the one error boundary -----------------------------------------------------------------

def main(argv: list[str] | None = None) -> None:
    """Entry point: GraphkitError becomes one line on stderr and exit code 1 (2 for usage)."""
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
