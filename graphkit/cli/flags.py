"""The ``graphkit flags`` and ``graphkit exposure`` commands: parse options, call
``graphkit.link.flags.flags`` or ``graphkit.link.exposure.exposure``, format the result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from graphkit.cli.options import (
    DeferredOption,
    LazyChoice,
    StoreTarget,
    all_matches_option,
    format_option,
    library,
    open_store,
    store_options,
)


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _countries(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    codes = tuple(c.strip().lower() for c in value.split(",") if c.strip())
    bad = [c for c in codes if len(c) != 2 or not c.isalpha()]
    if bad or not codes:
        raise click.BadParameter(f"give ISO 3166 two-letter codes separated by commas, not {value!r}")
    return codes


as_of_option = click.option("--as-of", callback=_date, metavar="DATE",
                            help="Count only holdings current on this day (YYYY-MM-DD) [default: today].")


@click.command()
@click.option("--kind", "kinds", multiple=True, type=LazyChoice(library("graphkit.link.flags:KINDS")),
              help="Only these detectors (repeatable) [default: all].")
@click.option("--watchlist", "watchlists", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A watch-list file (CSV: code,list,tier,note; see docs/red-flags.md) added to the built-in CHPL "
                   "(repeatable).")
@click.option("--factor", type=click.FloatRange(min=1, min_open=True), default=10.0, show_default=True,
              help="Route jumps: the later period's value at least this many times the earlier one's.")
@click.option("--min-value", type=click.FloatRange(min=0), default=100_000.0, show_default=True,
              help="Route jumps: the later period's value at least this (USD).")
@click.option("--window-days", type=click.IntRange(min=1), default=180, show_default=True,
              help="Transshipment: the onward sale at most this many days after the goods came in.")
@click.option("--transit", cls=DeferredOption, default_from=lambda: ",".join(library("graphkit.link.trade:TRANSIT")()),
              show_default=True, callback=_countries,
              help="Transshipment: transit countries (ISO codes, comma-separated).")
@click.option("--destinations", cls=DeferredOption,
              default_from=lambda: ",".join(library("graphkit.link.trade:DESTINATIONS")()), show_default=True,
              callback=_countries,
              help="Transshipment and watch-list goods: destination countries.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show only the strongest N findings.")
@as_of_option
@store_options
@format_option
def flags(kinds: tuple[str, ...], watchlists: tuple[Path, ...], factor: float, min_value: float, window_days: int,
          transit: tuple[str, ...], destinations: tuple[str, ...], limit: int | None, as_of: dt.date | None,
          target: StoreTarget, fmt: str) -> None:
    """Red flags, ranked, each with its evidence and source records: transshipment through
    transit countries, route jumps, firms blocked by ownership (OFAC 50 % rule) and goods on
    watch lists sent to RU/BY."""
    from graphkit import output
    from graphkit.link.flags import KINDS, Options
    from graphkit.link.flags import flags as run_flags
    from graphkit.link.watchlists import Watchlists

    options = Options(factor=factor, min_value=min_value, window_days=window_days, transit=transit,
                      destinations=destinations, as_of=as_of, watchlists=Watchlists.load(list(watchlists)))
    with open_store(target, read_only=True) as store:
        found = run_flags(store, kinds or KINDS, options)
    click.echo(output.flags(found[:limit] if limit else found, fmt), nl=False)


@click.command()
@click.argument("query")
@click.option("--hops", type=click.IntRange(1, 6), default=3, show_default=True,
              help="How far to look: ownership levels for the 50 % rule, steps for linked sanctioned parties.")
@as_of_option
@all_matches_option
@store_options
@format_option
def exposure(query: str, hops: int, as_of: dt.date | None, all_matches: bool, target: StoreTarget, fmt: str) -> None:
    """Sanctions exposure of QUERY (a firm or person: a name in any script, an alias, a registry
    number, a source's record id or an internal id): whether it is listed on the day, blocked by
    ownership (OFAC 50 % rule, with the chain of shares) and its paths to sanctioned parties
    through officer, ownership and trade links. Begins with the entity card. A listing counts
    from its date; a list that gives none (OFAC SDN) says "listing date unknown"."""
    from graphkit import output
    from graphkit.link.exposure import exposure as run_exposure

    with open_store(target, read_only=True) as store:
        results = run_exposure(store, query, hops=hops, as_of=as_of, all_matches=all_matches)
    click.echo(output.exposure(results, fmt), nl=False)
