"""Option bundles shared by the ``graphkit`` commands: written once, used everywhere.

Choices, defaults and help texts that come from the library (link kinds, output formats,
mappings, countries) are read when a command's help is shown or its options are parsed, not
when the command line starts: ``graphkit --help`` imports click and these few modules only
(bench/cli_startup.py measures it).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

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


def library(ref: str) -> Callable[[], Any]:
    """A function returning ``module:name`` (``"graphkit.link.links:KINDS"``), imported on the
    first call: for choices, defaults and help texts a command takes from the library."""
    module, _, name = ref.partition(":")

    def get() -> Any:
        return getattr(importlib.import_module(module), name)

    return get


class LazyChoice(click.Choice):
    """``click.Choice`` over values read from the library when first needed (the command's
    help, or parsing its options), so the registries they come from stay unimported at start."""

    def __init__(self, values: Callable[[], Sequence[str]], case_sensitive: bool = True) -> None:
        self._values: Callable[[], Sequence[str]] | None = values
        super().__init__((), case_sensitive)

    @property
    def choices(self) -> tuple[str, ...]:
        if self._values is not None:
            self._choices = tuple(self._values())
            self._values = None
        return self._choices

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:
        self._choices = tuple(value)


class DeferredOption(click.Option):
    """An option whose help text (``help_from``) or default (``default_from``) is computed from
    the library the first time the help is shown or the default is needed, and then shown as
    if written out (not as click's "(dynamic)")."""

    def __init__(self, *args: Any, help_from: Callable[[], str] | None = None,
                 default_from: Callable[[], Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._help_from, self._default_from = help_from, default_from

    def _materialise(self) -> None:
        if self._help_from is not None:
            self.help, self._help_from = self._help_from(), None
        if self._default_from is not None:
            self.default, self._default_from = self._default_from(), None

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        self._materialise()
        return super().get_help_record(ctx)

    def get_default(self, ctx: click.Context, call: bool = True) -> Any:
        self._materialise()
        return super().get_default(ctx, call=call)


class LazyGroup(click.Group):
    """A group some of whose commands live in modules imported only when that command (or the
    group's help) is asked for: ``lazy={"guide": "graphkit.server.browser_guide:main"}``."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            command = library(self.lazy.pop(cmd_name))()
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


def format_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--format", "fmt", type=LazyChoice(library("graphkit.output:FORMATS")), default="table",
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
