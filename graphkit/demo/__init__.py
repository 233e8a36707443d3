"""The demo: the Aspan Arba case (reported in 2023), rebuilt from illustrative records.

``load_demo(store)`` loads the registry extracts, customs lines and press notes in
``data/`` (see ``graphkit/demo/README.md`` for what is reported fact and what is illustrative), then
resolves exact name matches, so ``find_links(store, DEMO_QUERY)`` shows the case.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from graphkit.load import LoadReport, load_files
from graphkit.resolve import resolve as resolve_graph
from graphkit.resolve.judgements import Judgements
from graphkit.store.base import Store

DEMO_QUERY = "Aspan Arba"

# (file, mapping, dataset) in load order
DEMO_FILES = [
    ("registry_ru.csv", "registry", "demo-registry-ru"),
    ("registry_kz.csv", "registry", "demo-registry-kz"),
    ("customs_kz_import.csv", "kz-import", "demo-customs-kz-import"),
    ("customs_kz_export.csv", "kz-export", "demo-customs-kz-export"),
    ("customs_ru_import.csv", "ru-import", "demo-customs-ru-import"),
    ("press_ftm.jsonl", "ftm", "demo-press-notes"),
    ("sdn_demo.csv", "ofac-sdn", "demo-ofac-sdn"),
]
WATCHLIST = "watchlist.csv"  # an example user watch list (graphkit flags --watchlist)


def data_dir() -> Path:
    return Path(str(resources.files("graphkit").joinpath("demo", "data")))


def load_demo(store: Store, *, resolve: bool = True) -> list[LoadReport]:
    """Load every demo file (strictly: the demo data has no bad rows) and resolve."""
    reports = [load_files(store, [data_dir() / f], m, dataset=ds) for f, m, ds in DEMO_FILES]
    if resolve:
        judgements = data_dir() / "judgements.jsonl"
        resolve_graph(store, Judgements.load(judgements if judgements.exists() else None))
    return reports
