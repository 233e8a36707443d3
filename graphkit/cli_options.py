"""Option bundles shared by the ``graphkit`` commands: written once, used everywhere."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graphkit import output
from graphkit.store.base import Store


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


def judgements_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--judgements", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        envvar="GRAPHKIT_JUDGEMENTS", show_envvar=True,
                        help="The judgements file (JSON lines; version it with your investigation) "
                             "[default: ./graphkit-judgements.jsonl].")(fn)
