"""Loading files into a store: read through a mapping, validate, write in batches, in one
transaction.

``load_files`` is what ``graphkit load`` calls. Strict by default: any bad row rejects the whole
load, every problem is reported with file, line and column, and the store is left exactly as it
was. With ``on_error="skip"`` the good rows load and the bad ones are written to a rejects file
beside the input (or into the store's ``rejects/`` folder when that is not writable).
"""

from __future__ import annotations

import csv
import gc
import json
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphkit.errors import InvalidData, Problem
from graphkit.mapping import (
    Mapping,
    RowResult,
    load_mapping,
    read_csv,
    read_json,
    read_xml,
    safe_cell,
)
from graphkit.model import Node, Rel, now_iso
from graphkit.sourceids import SourceIndex
from graphkit.store.base import Store, WriteStats

BATCH_ROWS = 20_000


@dataclass
class FileReport:
    file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    skipped_reasons: Counter[str] = field(default_factory=Counter)
    rejects_path: str | None = None
    linked: Counter[str] | None = None  # for files that name nodes by the source's ids: rels by type


@dataclass
class LoadReport:
    """The summary of one load: per file, and what the store gained."""

    mapping: str
    files: list[FileReport] = field(default_factory=list)
    written: WriteStats = field(default_factory=WriteStats)
    problems: list[Problem] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def rows_skipped(self) -> int:
        return sum(f.rows_skipped for f in self.files)


def reader_for(mapping: Mapping) -> Callable[..., Iterator[RowResult]]:
    if mapping.format == "ftm":
        from graphkit.ftm import read_ftm

        return read_ftm
    return {"json": read_json, "xml": read_xml}.get(mapping.format, read_csv)


def load_files(store: Store, paths: list[Path], mapping: Mapping | str, *, on_error: str = "strict",
               dataset: str | None = None, batch_rows: int = BATCH_ROWS,
               rejects_dir: Path | None = None,
               progress: Callable[[int], None] | None = None) -> LoadReport:
    """Load ``paths`` through ``mapping`` into ``store``, all or nothing.

    ``paths`` are files or folders; a folder stands for the files in it that the mapping reads.
    The files of a mapping of several kinds of file (``files:``) are read in the mapping's
    order, so nodes are known before the relationship files that name them by the source's ids.

    Rows are read, built and merged ``batch_rows`` at a time, and the batches staged on disk;
    nothing reaches the store before every row has been read (``store/staged.py``). On the
    embedded store the whole load is then one transaction. Neo4j commits chunk by chunk (one
    transaction for a large file exhausts a server's transaction memory); a load cut off
    midway (a server killed) completes exactly when run again: stored records are merged, never
    created twice. ``progress`` is called with the number of rows read.

    Returns a LoadReport. Raises InvalidData with every problem found (strict mode, or a
    problem with a whole file in any mode); the store is then unchanged.
    """
    if isinstance(mapping, str):
        mapping = load_mapping(mapping)
    if dataset:
        mapping.set_dataset(dataset)
    if on_error not in ("strict", "skip"):
        raise ValueError("on_error is 'strict' or 'skip'")
    report = LoadReport(mapping.name)
    loaded_at = now_iso()
    files = mapping.files_for([Path(p) for p in paths])
    index = SourceIndex() if mapping.uses_source_ids else None
    try:
        _load(store, files, report, on_error, loaded_at, index, batch_rows, rejects_dir, progress)
    finally:
        if index is not None:
            index.close()
    return report


def _load(store: Store, files: list[tuple[Path, Mapping]], report: LoadReport, on_error: str, loaded_at: str,
          index: SourceIndex | None, batch_rows: int, rejects_dir: Path | None,
          progress: Callable[[int], None] | None) -> None:
    with _gc_paused(), store.load() as sink:
        for path, mapping in files:
            read = reader_for(mapping)
            frep = FileReport(path.name)
            refs = any(r.start_ref or r.end_ref for r in mapping.relationships)
            if refs:
                frep.linked = Counter()
            report.files.append(frep)
            nodes: list[Node] = []
            rels: list[Rel] = []
            pending = 0
            rejected: list[RowResult] = []
            skipped: list[RowResult] = []
            for result in read(path, mapping, loaded_at=loaded_at, index=index):
                frep.rows_read += 1
                if progress:
                    progress(1)
                if result.problems:
                    report.problems.extend(result.problems)
                    frep.rows_rejected += 1
                    rejected.append(result)
                    continue
                if result.skipped:
                    frep.rows_skipped += 1
                    frep.skipped_reasons[result.skipped] += 1
                    skipped.append(result)
                    continue
                if on_error == "strict" and report.problems:
                    continue  # keep validating, stop writing: the load will be rolled back
                frep.rows_loaded += 1
                nodes.extend(result.nodes)
                rels.extend(result.rels)
                if frep.linked is not None:
                    frep.linked.update(r.type for r in result.rels)
                pending += 1
                if pending >= batch_rows:
                    sink.add(nodes, rels)
                    nodes, rels, pending = [], [], 0
            if on_error == "strict" and report.problems:
                continue
            if nodes or rels:
                sink.add(nodes, rels)
            if rejected or skipped:
                frep.rejects_path = str(_write_rejects(path, rejected + skipped, mapping, rejects_dir,
                                                       store))
        if on_error == "strict" and report.problems:
            raise InvalidData(report.problems, rows_read=report.rows_read)
    report.written = sink.stats  # complete once the load has ended (a sink may write at the end)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a load. A load allocates millions of small
    containers (rows, records, property dicts) and keeps large caches alive, so automatic
    collections rescan ever more live objects: they took a quarter of record building on the
    100k-company benchmark. Records form no reference cycles; the builder's caches are freed
    by the next collection after the load."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _write_rejects(path: Path, results: list[RowResult], mapping: Mapping, rejects_dir: Path | None,
                   store: Store) -> Path:
    """Write rejected and skipped records with their reasons; returns where."""
    as_json = mapping.format != "csv"
    suffix = ".rejects.jsonl" if as_json else ".rejects.csv"
    candidates = [rejects_dir] if rejects_dir else [path.parent]
    store_dir = getattr(store, "path", None)
    if store_dir is not None:
        candidates.append(Path(store_dir) / "rejects")
    last_error: OSError | None = None
    for folder in candidates:
        if folder is None:
            continue
        target = folder / (path.name + suffix)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8", newline="") as fh:
                if as_json:
                    for r in results:
                        fh.write(json.dumps({"line": r.line, "reason": _reason(r), "record": r.raw},
                                            ensure_ascii=False) + "\n")
                else:
                    header: list[str] = ["_line", "_column", "_reason"]
                    for r in results:
                        header.extend(k for k in r.raw if k not in header)
                    writer = csv.writer(fh)
                    writer.writerow(header)
                    for r in results:
                        col = r.problems[0].column if r.problems else ""
                        row: dict[str, Any] = {"_line": r.line, "_column": col or "", "_reason": _reason(r), **r.raw}
                        writer.writerow([safe_cell(row.get(h)) for h in header])
            return target
        except OSError as exc:
            last_error = exc
    raise OSError(f"cannot write the rejects file for {path.name}: {last_error}")


def _reason(result: RowResult) -> str:
    if result.problems:
        return "; ".join(p.message + (f" [{p.column}]" if p.column else "") for p in result.problems)
    return f"skipped: {result.skipped}"
