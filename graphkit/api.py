"""graphkit from Python (notebooks): open a graph, ask what the commands ask, get tables.

    from graphkit import api

    with api.open_graph("graphkit-demo") as g:
        links = g.find_links("Aspan Arba")        # the Link objects of graphkit find-links
        links.to_frame()                          # one row per piece of evidence, with its sources
        g.exposure("Aspan Arba").to_frame()       # one row per ownership path and sanctioned party
        g.flags().to_frame()                      # one row per red flag, strongest first

Each question returns a ``Results`` list of what the library returns (``Link``, the exposure
dicts, ``Finding``, cluster and review dicts), whose ``to_frame()`` is a pandas DataFrame with
the columns of the command's ``--format csv`` (``graphkit.output``): every row carries its
``sources`` (``dataset:file#record``). Frames hold the values as they are; ``--format csv``
also neutralises spreadsheet formulas, so write files for spreadsheets with the command.
pandas is imported by ``to_frame`` only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from graphkit import output

if TYPE_CHECKING:
    import pandas as pd

    from graphkit.link.flags import Finding, Options
    from graphkit.link.links import Link
    from graphkit.store.base import Store

T = TypeVar("T")


class Results(list[T], Generic[T]):
    """A list of results with the table it makes: ``to_frame()``."""

    def __init__(self, items: Iterable[T], rows: Callable[[list[T]], list[dict[str, Any]]],
                 columns: list[str] | None = None) -> None:
        super().__init__(items)
        self._rows, self._columns = rows, columns

    def rows(self) -> list[dict[str, Any]]:
        """The table's rows as dicts (no pandas needed)."""
        return self._rows(list(self))

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame of ``rows()``; with no results, an empty frame that still has the
        columns, so column selections work on it."""
        import pandas as pd

        return pd.DataFrame(self.rows(), columns=self._columns)


def to_frame(results: Results[Any]) -> pd.DataFrame:
    """``results.to_frame()``, as a function."""
    return results.to_frame()


def _as_is(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return items


class Graph:
    """The questions of the command line over one store (embedded or Neo4j)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def find_links(self, query: str | list[str], *, kinds: Iterable[str] | None = None,
                   as_of: dt.date | None = None, all_matches: bool = False,
                   possible: bool = True) -> Results[Link]:
        """Firms linked to the firm(s) ``query`` names, as ``graphkit find-links``: possible
        links (resting on a resolution pair waiting for review; column ``confirmed`` false)
        too, unless ``possible=False`` (``--confirmed-only``). See
        ``graphkit.link.links.find_links``; a query that matches nothing raises ``NotFound``,
        one naming several firms a ``GraphkitError`` that lists them, unless ``all_matches``). Frame: ``output.LINK_CSV_COLUMNS``."""
        from graphkit.link import links

        found = links.find_links(self.store, query, kinds=links.KINDS if kinds is None else kinds, as_of=as_of,
                                 all_matches=all_matches, possible=possible)
        return Results(found, output.link_rows, output.LINK_CSV_COLUMNS)

    def screen(self, *, kinds: Iterable[str] | None = None, possible: bool = True) -> Results[Link]:
        """Every linked pair of firms in the graph, as ``graphkit find-links --all``."""
        from graphkit.link import links

        found = links.screen(self.store, kinds=links.KINDS if kinds is None else kinds, possible=possible)
        return Results(found, output.link_rows, output.LINK_CSV_COLUMNS)

    def exposure(self, query: str, *, hops: int = 3, as_of: dt.date | None = None,
                 all_matches: bool = False) -> Results[dict[str, Any]]:
        """Sanctions exposure of what ``query`` names, as ``graphkit exposure``. Frame:
        ``output.EXPOSURE_CSV_COLUMNS``."""
        from graphkit.link.exposure import exposure

        found = exposure(self.store, query, hops=hops, as_of=as_of, all_matches=all_matches)
        return Results(found, output.exposure_rows, output.EXPOSURE_CSV_COLUMNS)

    def flags(self, kinds: Iterable[str] | None = None, options: Options | None = None) -> Results[Finding]:
        """Red flags, strongest first, as ``graphkit flags`` (``options``: the detectors' knobs,
        ``graphkit.link.flags.Options``). Frame: ``output.FLAG_CSV_COLUMNS``."""
        from graphkit.link import flags

        found = flags.flags(self.store, flags.KINDS if kinds is None else kinds, options)
        return Results(found, output.flag_rows, output.FLAG_CSV_COLUMNS)

    def clusters(self) -> Results[dict[str, Any]]:
        """Resolved entities (more than one record each), as ``graphkit clusters``: one row per
        entity, its members a list of dicts."""
        from graphkit.resolve import clusters

        return Results(clusters(self.store), _as_is)

    def pending(self, limit: int | None = None) -> Results[dict[str, Any]]:
        """Pairs waiting for a person's judgement, strongest first (``graphkit review`` groups
        them by would-be entity): one row per pair with names, score and explanation."""
        from graphkit.resolve import pending

        return Results(pending(self.store, limit), _as_is)


@contextmanager
def open_graph(db: str | Path | None = None, *, neo4j: str | None = None,
               read_only: bool = True) -> Iterator[Graph]:
    """The graph at ``db`` (an embedded graph directory, as ``--db``; default ./graphkit-data
    or GRAPHKIT_DB) or in Neo4j at ``neo4j`` (a Bolt URI; credentials from NEO4J_USER and
    NEO4J_PASSWORD), closed when the block ends. Read-only unless asked."""
    from graphkit.cli.options import StoreTarget, open_store

    with open_store(StoreTarget(Path(db) if db is not None else None, neo4j), read_only=read_only) as store:
        yield Graph(store)
