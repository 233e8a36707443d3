"""Loading files into a store: read through a mapping, validate, write in batches, all or
nothing.

``load_files`` is what ``graphkit load`` calls. Strict by default: any bad row rejects the whole
load, every problem is reported with file, line and column, and the store is left exactly as it
was. With ``on_error="skip"`` the good rows load and the bad ones are written to a rejects file
beside the input (or into the store's ``rejects/`` folder when that is not writable).
"""

from __future__ import annotations

import copy
import csv
import gc
import json
import mmap
import shutil
import struct
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from graphkit import forked
from graphkit.errors import InvalidData, Problem
from graphkit.load import apart
from graphkit.load.mapping import Mapping, load_mapping
from graphkit.load.numberids import NumberClaims
from graphkit.load.read import read_csv, read_json, read_xml
from graphkit.load.records import RowResult
from graphkit.load.sourceids import SourceIndex
from graphkit.load.span import Span
from graphkit.load.values import safe_cell
from graphkit.model import Node, Rel, now_iso
from graphkit.store.base import Store, WriteStats
from graphkit.store.staged import StagedLoad

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
    operations: Counter[str] | None = None  # for FtM delta files: ADD/MOD/DEL applied, what they removed


@dataclass
class LoadReport:
    """The summary of one load: per file, and what the store gained."""

    mapping: str
    files: list[FileReport] = field(default_factory=list)
    written: WriteStats = field(default_factory=WriteStats)
    problems: list[Problem] = field(default_factory=list)
    ambiguous_numbers: int = 0  # registry numbers two records of the load carry: no node id

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
    if mapping.derive == "ofac-sdn":  # the SDN bundle: side files and links across rows
        from graphkit.load.ofac import read_sdn

        return read_sdn
    if mapping.format == "ftm":
        from graphkit.load.ftm import read_ftm

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
    nothing reaches the store before every row has been read (``store/staged.py``). The
    embedded store then writes it table by table, Neo4j batch by batch, each write committed
    under the load's journal (``store/journal.py``): a load that fails, or is killed midway,
    is undone, and the graph is as before it. ``progress`` is called with the number of rows
    read.

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
    deltas = _delta_files(files)
    if deltas:
        from graphkit.load.deltas import load_deltas

        load_deltas(store, files, report, on_error=on_error, loaded_at=loaded_at, rejects_dir=rejects_dir)
        return report
    _warm_before_reading()
    try:
        _load(store, files, report, on_error, loaded_at, batch_rows, rejects_dir, progress,
              source_ids=mapping.uses_source_ids)
    finally:
        mapping.set_number_claims(None)
        for _, part in files:
            part.set_number_claims(None)
    return report


def _delta_files(files: list[tuple[Path, Mapping]]) -> bool:
    """Whether the load is of FtM delta files (graphkit/load/deltas.py); refuses a mix of delta and
    full files, whose order of application would be unclear."""
    if not any(m.format == "ftm" for _, m in files):
        return False
    from graphkit.load.deltas import is_delta

    kinds = {p.name: is_delta(p, m.encoding) for p, m in files}
    if any(kinds.values()) and not all(kinds.values()):
        raise InvalidData.single(next(n for n, d in kinds.items() if not d), None, None,
                                 "a full FtM file loaded together with delta files: load them apart, "
                                 "the full state first")
    return any(kinds.values())


def _count_numbers(files: list[tuple[Path, Mapping]], loaded_at: str,
                   spans: list[Span] | None = None) -> NumberClaims | None:
    """The counting pass: read every file of the load that may take node ids from registry
    numbers, writing nothing, to learn which numbers two of its records carry; those are no
    node identity in the writing pass (graphkit/load/numberids.py, which states the cost). Problems
    are left to the writing pass, which reports them. With ``spans`` (the parts of the load's
    one file), each part but the first is counted in a child meanwhile (``load/apart.py``)."""
    counted = [(p, m) for p, m in files
               if m.format == "ftm" or any(e.identifiers for e in m.entities.values())]
    if not counted:
        return None

    def count(span: Span | None) -> NumberClaims:
        claims = NumberClaims()
        for _, mapping in files:
            mapping.set_number_claims(claims)
        with _gc_paused():  # as in the writing pass: the records make no cycles
            for path, mapping in counted:
                read = reader_for(mapping)
                for _ in (read(path, mapping, loaded_at=loaded_at, index=None) if span is None
                          else read(path, mapping, loaded_at=loaded_at, index=None, span=span)):
                    pass
        return claims

    def count_part(span: Span, _: forked.Progress | None) -> tuple[dict[tuple[str, str], str], set[str]]:
        return count(span).state()

    jobs = [forked.start(partial(count_part, span), "counting a part of the load", apart.ONE_PART)
            for span in (spans or [])[1:]]
    try:
        claims = count(spans[0] if spans else None)
        for job in jobs:
            claims.merge(job.result())
    finally:
        for job in jobs:
            job.stop()
    claims.done_counting()
    return claims


def _load(store: Store, files: list[tuple[Path, Mapping]], report: LoadReport, on_error: str, loaded_at: str,
          batch_rows: int, rejects_dir: Path | None, progress: Callable[[int], None] | None, *,
          source_ids: bool) -> None:
    """Read every file into the store's load (its sink), then let the sink write: all or nothing.
    A large load into a staged sink is read in a process of its own (``graphkit/load/apart.py``)."""
    rejects: list[_Rejects] = []
    try:
        with _gc_paused(), store.load() as sink:
            reading = partial(_read_all, store, files, on_error, loaded_at, batch_rows, rejects_dir, sink,
                              source_ids=source_ids)
            if isinstance(sink, StagedLoad) and apart.wanted([p for p, _ in files], sink):
                read = apart.run(partial(reading, spans=apart.spans(files)), progress)
                sink.adopt(read.staged)
            else:
                read = reading(progress)
            report.files, report.problems = read.files, read.problems
            report.ambiguous_numbers, rejects = read.ambiguous_numbers, read.rejects
            if on_error == "strict" and report.problems:
                raise InvalidData(report.problems, rows_read=report.rows_read)
            _release_reading_memory()  # before the sink writes everything at the end of the block
    except BaseException:
        for r in rejects:  # a load rolled back leaves no rejects file behind
            r.discard()
        raise
    for frep, r in zip(report.files, rejects, strict=True):
        frep.rejects_path = r.finish()
    report.written = sink.stats  # complete once the load has ended (a sink may write at the end)


@dataclass
class _Read:
    """What reading a load gives its writing: the files' reports and rejects, the problems, and
    what the sink staged (``StagedLoad.detach``; None for a sink that stages nothing)."""

    files: list[FileReport]
    problems: list[Problem]
    rejects: list[_Rejects]
    ambiguous_numbers: int
    staged: Any = None


def _read_all(store: Store, files: list[tuple[Path, Mapping]], on_error: str, loaded_at: str, batch_rows: int,
              rejects_dir: Path | None, sink: Any, progress: Callable[[int], None] | None, *,
              source_ids: bool, spans: list[Span] | None = None) -> _Read:
    """The counting pass, then every file read into ``sink``; its rejects files are left unnamed
    (``_Rejects.finish``) until the load has been written. ``spans``: the parts to read the
    load's one file in, all but the first in children (``load/apart.py``)."""
    report = LoadReport("")
    rejects: list[_Rejects] = []
    index = SourceIndex() if source_ids else None  # the source's own ids, for the files naming nodes by them
    try:
        claims = _count_numbers(files, loaded_at, spans)
        for path, mapping in files:
            frep = FileReport(path.name)
            if any(r.start_ref or r.end_ref for r in mapping.relationships):
                frep.linked = Counter()
            report.files.append(frep)
            rejects.append(_Rejects(path, mapping, rejects_dir, store))
            if spans:
                _read_parts(path, mapping, spans, loaded_at, frep, report, rejects[-1], sink, on_error, batch_rows,
                            progress)
                continue
            _read_file(reader_for(mapping)(path, mapping, loaded_at=loaded_at, index=index), frep, report,
                       rejects[-1], sink, on_error, batch_rows, progress)
    except BaseException:
        for r in rejects:
            r.discard()
        raise
    finally:
        if index is not None:
            index.close()
    detach = getattr(sink, "detach", None)
    return _Read(report.files, report.problems, rejects, len(claims.ambiguous) if claims else 0,
                 detach() if detach else None)


def _read_parts(path: Path, mapping: Mapping, spans: list[Span], loaded_at: str, frep: FileReport,
                report: LoadReport, rejects: _Rejects, sink: StagedLoad, on_error: str, batch_rows: int,
                progress: Callable[[int], None] | None) -> None:
    """``_read_file`` of a file in ``spans``: the first read here, each other in a
    child of its own at the same time, staging into files of its own; then each child's
    staging, rejects, counts and problems appended to this process's, in the file's order."""
    def part(number: int, span: Span, _: forked.Progress | None) -> tuple[FileReport, list[Problem], _Rejects, Any]:
        mine, theirs = FileReport(path.name, linked=Counter() if frep.linked is not None else None), LoadReport("")
        sink.prefix = f"part{number}."
        out = rejects.for_part(number)
        try:
            _read_file(read(path, mapping, loaded_at=loaded_at, span=span), mine, theirs, out, sink, on_error,
                       batch_rows, rows.counter(number - 2) if progress else None)
        except BaseException:
            out.discard()
            raise
        return mine, theirs.problems, out, sink.detach()

    read = reader_for(mapping)
    rows = _PartRows(len(spans) - 1, progress)
    jobs = [forked.start(partial(part, n, span), f"reading part {n} of {path.name}", apart.ONE_PART)
            for n, span in enumerate(spans[1:], start=2)]
    try:
        _read_file(read(path, mapping, loaded_at=loaded_at, span=spans[0]), frep, report, rejects, sink,
                   on_error, batch_rows, rows.relaying if progress else None)
        for slot, job in enumerate(jobs):
            theirs, problems, their_rejects, staged = job.result()
            rows.relay(slot, theirs.rows_read)
            for name in ("rows_read", "rows_loaded", "rows_rejected", "rows_skipped"):
                setattr(frep, name, getattr(frep, name) + getattr(theirs, name))
            frep.skipped_reasons.update(theirs.skipped_reasons)
            if frep.linked is not None and theirs.linked is not None:
                frep.linked.update(theirs.linked)
            report.problems.extend(problems)
            rejects.extend(their_rejects)
            sink.take(staged)
    except BaseException:
        for n, job in enumerate(jobs, start=2):
            job.stop()
            rejects.for_part(n).discard_left()
        raise


class _PartRows:
    """The progress of a file read in parts: each child counts its rows into a slot of memory
    shared with the reading process (``counter``), which passes them on to ``progress`` with its
    own (``relaying``), as they come, not only once a child is done."""

    EVERY = 10_000  # rows between two looks at the children's counts, and two counts a child writes

    def __init__(self, children: int, progress: Callable[[int], None] | None) -> None:
        self.shared = mmap.mmap(-1, 8 * max(children, 1))
        self.children, self.progress = children, progress
        self.passed = [0] * children  # of each child's rows, those passed on
        self.mine = 0

    def counter(self, slot: int) -> Callable[[int], None]:
        """The progress function of the child in ``slot`` (run in that child)."""
        done = [0]

        def count(n: int) -> None:
            done[0] += n
            if done[0] % self.EVERY == 0:
                struct.pack_into("q", self.shared, 8 * slot, done[0])
        return count

    def relaying(self, n: int) -> None:
        """This process's own progress, with the children's so far."""
        assert self.progress is not None
        self.progress(n)
        self.mine += n
        if self.mine % self.EVERY == 0:
            for slot in range(self.children):
                self.relay(slot, struct.unpack_from("q", self.shared, 8 * slot)[0])

    def relay(self, slot: int, total: int) -> None:
        """Pass on the rows of the child in ``slot`` up to ``total``."""
        if self.progress is not None and total > self.passed[slot]:
            self.progress(total - self.passed[slot])
            self.passed[slot] = total


def _read_file(results: Iterator[RowResult], frep: FileReport, report: LoadReport, rejects: _Rejects, sink: Any,
               on_error: str, batch_rows: int, progress: Callable[[int], None] | None) -> None:
    """Stream one file's records: good ones to the sink in batches, rejected and skipped ones
    to the rejects file as they come (so neither grows memory with the file)."""
    nodes: list[Node] = []
    rels: list[Rel] = []
    pending = 0
    for result in results:
        frep.rows_read += 1
        if progress:
            progress(1)
        if result.problems:
            report.problems.extend(result.problems)
            frep.rows_rejected += 1
            rejects.add(result)
            continue
        if result.skipped:
            frep.rows_skipped += 1
            frep.skipped_reasons[result.skipped] += 1
            rejects.add(result)
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
    if (nodes or rels) and not (on_error == "strict" and report.problems):
        sink.add(nodes, rels)


def _warm_before_reading() -> None:
    """Import, before the load allocates anything, what staging its first batch would otherwise
    import midway: pyarrow imports pandas (with numpy, dateutil, pytz) the first time it converts
    Python values. Imported amid the counting pass's dict of numbers and the record builder's
    memories, their tens of thousands of long-lived objects pin memory those free later, which
    then cannot be handed back after reading (``_release_reading_memory``) and lies under the
    store's writes at the load's peak (docs/benchmarks.md, "Loader: loads in chunks")."""
    import pyarrow as pa

    pa.array([], pa.string())


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


def _release_reading_memory() -> None:
    """Between reading a load and writing it: the record builder's memories of worked-out values
    are emptied, the garbage left while the collector was paused is collected, and the freed
    memory is handed back to the system, so that the store's writes do not add to the peak of
    reading (the reading and overall peaks of a load are in docs/benchmarks.md, "Loader: UK PSC
    lines against a JSON parse")."""
    from graphkit import normalize
    from graphkit.load import entities
    from graphkit.namekind import name_kind
    from graphkit.store.staged import hand_back_memory

    normalize.clear_caches()
    entities.clear_caches()
    name_kind.cache_clear()
    gc.collect()
    hand_back_memory()


class _Rejects:
    """The rejects file of one input, written record by record as they come: beside the input,
    else in ``rejects_dir`` or the store's ``rejects/`` folder. It is written under a temporary
    name and takes its name only when the whole load has succeeded (``finish``); ``discard``
    removes it when the load is rolled back. Sent from a reading process to the writing one
    (``graphkit/load/apart.py``), it closes its file and travels as its names."""

    def __init__(self, path: Path, mapping: Mapping, rejects_dir: Path | None, store: Store):
        self.path = path
        self.as_json = mapping.format != "csv"
        self.candidates = [rejects_dir] if rejects_dir else [path.parent]
        store_dir = getattr(store, "path", None)
        if store_dir is not None:
            self.candidates.append(Path(store_dir) / "rejects")
        self.target: Path | None = None
        self.part: Path | None = None  # the file being written, ``target`` once the load is done
        self.suffix = ".part"  # of ``part``'s name
        self.fh: Any = None
        self.writer: Any = None
        self.header: list[str] = []

    def __getstate__(self) -> dict[str, Any]:
        self._close()
        return {**self.__dict__, "writer": None}

    def _target(self, folder: Path) -> Path:
        """The rejects file of the input in ``folder``."""
        return folder / (self.path.name + (".rejects.jsonl" if self.as_json else ".rejects.csv"))

    def _open(self, first: RowResult) -> None:
        last_error: OSError | None = None
        for folder in self.candidates:
            target = self._target(folder)
            try:
                folder.mkdir(parents=True, exist_ok=True)
                part = target.with_name(target.name + self.suffix)
                self.fh = part.open("w", encoding="utf-8", newline="")
                self.target, self.part = target, part
                break
            except OSError as exc:
                last_error = exc
        if self.fh is None:
            raise OSError(f"cannot write the rejects file for {self.path.name}: {last_error}")
        if not self.as_json:
            self.header = ["_line", "_column", "_reason", *(k for k in first.raw if k != "_line")]
            self.writer = csv.writer(self.fh)
            self.writer.writerow(self.header)

    def add(self, r: RowResult) -> None:
        if self.fh is None and self.part is not None:  # closed to be sent, or after ``extend``
            self.fh = self.part.open("a", encoding="utf-8", newline="")
            if not self.as_json:
                self.writer = csv.writer(self.fh)
        elif self.fh is None:
            self._open(r)
        if self.as_json:
            self.fh.write(json.dumps({"line": r.line, "reason": _reason(r), "record": r.raw},
                                     ensure_ascii=False, default=str) + "\n")
            return
        col = r.problems[0].column if r.problems else ""
        row: dict[str, Any] = {**r.raw, "_line": r.line, "_column": col or "", "_reason": _reason(r)}
        self.writer.writerow([safe_cell(row.get(h)) for h in self.header])

    def for_part(self, number: int) -> _Rejects:
        """The rejects of part ``number`` of the input, read by another process: written apart
        (a ``.part<number>`` file) until ``extend`` appends them to these."""
        out = copy.copy(self)
        out.fh = out.writer = out.target = out.part = None
        out.suffix = f".part{number}"
        return out

    def extend(self, other: _Rejects) -> None:
        """Append the rejects of the next part of the input (``for_part``) to these."""
        if other.part is None:
            return
        other._close()
        if self.part is None:  # the first rejects of the input: theirs become these
            assert other.target is not None
            self.target = other.target
            self.part = other.part.rename(other.target.with_name(other.target.name + self.suffix))
            other.part = None
        else:
            if self.fh is None:
                self.fh = self.part.open("a", encoding="utf-8", newline="")
            with other.part.open(encoding="utf-8", newline="") as theirs:
                shutil.copyfileobj(theirs, self.fh)
            other.discard()

    def discard_left(self) -> None:
        """Remove what a part's reading (``for_part``), killed before it was done, left behind."""
        for folder in self.candidates:
            target = self._target(folder)
            target.with_name(target.name + self.suffix).unlink(missing_ok=True)

    def _close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None

    def finish(self) -> str | None:
        if self.part is None or self.target is None:
            return None
        self._close()
        self.part.replace(self.target)
        return str(self.target)

    def discard(self) -> None:
        if self.part is not None:
            self._close()
            self.part.unlink(missing_ok=True)
            self.part = None


def _reason(result: RowResult) -> str:
    if result.problems:
        return "; ".join(p.message + (f" [{p.column}]" if p.column else "") for p in result.problems)
    return f"skipped: {result.skipped}"
