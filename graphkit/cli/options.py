"""Option bundles shared by the ``graphkit`` commands: written once, used everywhere."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from graphkit import output

if TYPE_CHECKING:
    from graphkit.store.base import Store


@dataclass(frozen=True)
class StoreTarget:
    """Which store a command uses: the embedded graph at ``db``, or Neo4j at ``neo4j``."""

    db: Path | None = None
    neo4j: str | None = None

    def describe(self) -> str:
        from graphkit.store.embedded import default_db_path

        return f"Neo4j at {self.neo4j}" if self.neo4j else f"the embedded graph at {self.db or default_db_path()}"


def store_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--db`` and ``--neo4j`` for every command that reads or writes a graph; the command
    receives them as one ``target`` argument."""

    @click.option("--db", "db", type=click.Path(file_okay=False, path_type=Path), default=None,
                  envvar="GRAPHKIT_DB", show_envvar=True,
                  help="Embedded graph directory [default: ./graphkit-data].")
    @click.option("--neo4j", "neo4j", metavar="URI", default=None, envvar="NEO4J_URI", show_envvar=True,
                  help="Use Neo4j at this Bolt URI instead of the embedded graph (credentials from "
                       "NEO4J_USER and NEO4J_PASSWORD, database from NEO4J_DATABASE).")
    @functools.wraps(fn)
    def wrapper(*args: Any, db: Path | None = None, neo4j: str | None = None, **kwargs: Any) -> Any:
        return fn(*args, target=StoreTarget(db, neo4j), **kwargs)

    return wrapper


def format_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--format", "fmt", type=click.Choice(output.FORMATS), default="table",
                        show_default=True, help="Output format: table for people, json (one object "
                        "per line) or csv for programs.")(fn)


def open_store(target: StoreTarget | Path | None, *, read_only: bool = False) -> Store:
    """The store a command asked for (no connection is made until it is used)."""
    if not isinstance(target, StoreTarget):
        target = StoreTarget(target)
    if target.neo4j:
        from graphkit.store.neo4j import Neo4jStore

        return Neo4jStore(target.neo4j)
    from graphkit.store.embedded import EmbeddedStore

    return EmbeddedStore(target.db, read_only=read_only)


def judgements_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--judgements", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        envvar="GRAPHKIT_JUDGEMENTS", show_envvar=True,
                        help="The judgements file (JSON lines; version it with your investigation) "
                             "[default: ./graphkit-judgements.jsonl].")(fn)


all_matches_option = click.option(
    "--all-matches", is_flag=True,
    help="When the query names several entities, act on all of them (otherwise they are listed with "
         "their ids and what each matched on, and nothing is done).")
