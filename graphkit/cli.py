"""The ``graphkit`` command line: each command parses options, calls one library function and
formats its result. Errors reach the user as one line and a non-zero exit code (see ``main``).
"""

from __future__ import annotations

import functools
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graphkit import output
from graphkit.errors import GraphkitError, InvalidData
from graphkit.links import KINDS
from graphkit.mapping import available_mappings
from graphkit.store.base import Store

MAX_PROBLEMS_SHOWN = 50


# ---- shared option bundles -----------------------------------------------------------------

def store_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--db`` for every command that reads or writes a graph."""

    @click.option("--db", "db", type=click.Path(file_okay=False, path_type=Path), default=None,
                  envvar="GRAPHKIT_DB", show_envvar=True,
                  help="Embedded graph directory [default: ./graphkit-data].")
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    return wrapper


def format_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--format", "fmt", type=click.Choice(output.FORMATS), default="table",
                        show_default=True, help="Output format: table for people, json (one object "
                        "per line) or csv for programs.")(fn)


def open_store(db: Path | None, *, read_only: bool = False) -> Store:
    from graphkit.store.embedded import EmbeddedStore

    return EmbeddedStore(db, read_only=read_only)


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
def resolve(db: Path | None) -> None:
    """Resolve firms and people that are the same (exact normalised names, guarded by ids,
    countries and birth dates) and record SAME_AS with explanations."""
    from graphkit.resolve import resolve_exact

    with open_store(db) as store:
        r = resolve_exact(store)
    click.echo(f"{r.candidates:,} candidate pairs; {r.merged:,} resolved as the same; kept apart: "
               f"{r.blocked_by_ids:,} by conflicting registry ids, {r.blocked_by_country:,} by country, "
               f"{r.blocked_by_birth_date:,} people without the same birth date.")


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
