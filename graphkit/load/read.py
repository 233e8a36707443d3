"""Reading files through a mapping: CSV, JSON (lines or an array) and XML streamed record by
record into ``RowResult``s, with the whole-file checks (missing, empty, binary, wrong encoding,
missing or cut-off columns) raised once as ``InvalidData``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from graphkit.errors import InvalidData, MappingError, Problem
from graphkit.load.mapping import Mapping
from graphkit.load.nested import PathRow
from graphkit.load.nestedfiles import json_records, xml_records
from graphkit.load.records import RecordBuilder, RowResult
from graphkit.load.sourceids import SourceIndex
from graphkit.load.span import Span, span_lines


def sniff_file(path: Path) -> bytes:
    """Refuse files that cannot be text: missing, empty, or binary. Returns the first bytes."""
    name = path.name
    if not path.is_file():
        raise InvalidData.single(name, None, None, "no such file")
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head.strip():
        raise InvalidData.single(name, None, None, "the file is empty")
    if b"\x00" in head:
        raise InvalidData.single(name, 1, None, "this is a binary file, not text (it holds NUL bytes)")
    return head


def _text_lines(path: Path, encoding: str, span: Span | None = None) -> Iterator[str]:
    """Decode line by line so a wrong encoding is reported with its line number; only the lines
    of ``span`` if given."""
    decoder_name = "utf-8-sig" if encoding.lower() in ("utf-8", "utf8", "utf-8-sig") else encoding
    with path.open("rb") as fh:
        lines: Iterator[bytes] = fh if span is None else span_lines(fh, span)
        for lineno, raw in enumerate(lines, start=span.first_line if span else 1):
            try:
                text = raw.decode("utf-8" if lineno > 1 and decoder_name == "utf-8-sig" else decoder_name)
            except UnicodeDecodeError as exc:
                raise InvalidData.single(
                    path.name, lineno, None,
                    f"not {encoding} text (byte 0x{raw[exc.start]:02x} at position {exc.start + 1}); "
                    "save the file as UTF-8 or set `encoding:` in the mapping") from None
            except LookupError:
                raise MappingError(f"unknown encoding {encoding!r} in the mapping") from None
            yield text.replace("\x1a", "")


def read_csv(path: Path, mapping: Mapping, *, loaded_at: str,
             index: SourceIndex | None = None, span: Span | None = None) -> Iterator[RowResult]:
    """Stream ``path`` through ``mapping``: one RowResult per data row, in file order; with
    ``span`` (a part starting a row, ``graphkit/load/apart.py``), the rows of that part, under the
    file's header.

    Raises InvalidData for problems with the whole file (empty, binary, wrong encoding, missing
    columns); problems with single values are returned in each RowResult instead.
    """
    sniff_file(path)
    later = span is not None and span.start > 0  # a later part: the file's header, then the part's rows
    reader, line_box = csv_reader(path, mapping.encoding, mapping.delimiter, None if later else span)
    if mapping.header is not None:
        header = list(mapping.header)  # a headerless layout: the mapping names the columns
    else:
        try:
            header = next(reader)
        except StopIteration:
            raise InvalidData.single(path.name, None, None, "the file is empty") from None
        except csv.Error as exc:
            raise InvalidData.single(path.name, 1, None, f"unreadable CSV header: {exc}") from None
        header = [h.strip() for h in header]
    missing = [c for c in mapping.required_columns() if c not in header]
    if missing:
        raise InvalidData([Problem(path.name, 1, c, f"column missing from the header (mapping {mapping.name} needs it)")
                           for c in missing])
    known = mapping.columns()
    last = header[-1] if header else ""
    cut = [last] if last and last not in known and any(k.startswith(last) for k in known) else []
    if cut:  # ends in "RegAddr" for "RegAddress.PostTown": a header hard-wrapped or cut off
        raise InvalidData([Problem(path.name, 1, h, "not a column of mapping "
                                   f"{mapping.name} but the start of one: is the header cut off or wrapped "
                                   "onto several lines?") for h in cut])
    if later:
        reader, line_box = csv_reader(path, mapping.encoding, mapping.delimiter, span)
    builder = RecordBuilder(mapping, path.name, loaded_at, index)
    try:
        for start, row, problem in csv_rows(reader, header, line_box, path.name,
                                            headerless=mapping.header is not None):
            yield builder.build(row, start) if problem is None else RowResult(start, row, [], [], [problem])
    finally:
        builder.close()


def read_json(path: Path, mapping: Mapping, *, loaded_at: str,
              index: SourceIndex | None = None, span: Span | None = None) -> Iterator[RowResult]:
    """Stream the records of a JSON-lines file or a JSON array through ``mapping``, whose
    columns are paths into each record (``data.name_elements.surname``); with ``span``, only the
    lines of that part of a JSON-lines file.

    Raises InvalidData for a file that is not text, or an array that is cut off or broken; a
    JSON line that does not parse is a problem of that record only.
    """
    sniff_file(path)
    builder = RecordBuilder(mapping, path.name, loaded_at, index)
    flat = PathRow(builder.read_columns)
    try:
        for line, obj, problem in json_records(path, _text_lines(path, mapping.encoding, span),
                                               first_line=span.first_line if span else None):
            if problem is not None:
                yield RowResult(line, {}, [], [], [problem])
            elif not isinstance(obj, dict):
                yield RowResult(line, {"record": obj}, [], [], [Problem(path.name, line, None,
                                                                        "a record must be a JSON object")])
            else:
                result = builder.build_cleaned(flat.cleaned(obj), line)
                result.raw = obj
                yield result
    finally:
        builder.close()


def read_xml(path: Path, mapping: Mapping, *, loaded_at: str,
             index: SourceIndex | None = None, span: Span | None = None) -> Iterator[RowResult]:
    """Stream the ``mapping.record`` elements of an XML file through ``mapping``, whose
    columns are paths inside the record (``Entity.LegalName``); with ``span``, only the records
    of that part of the file.

    Raises InvalidData with line and column where the XML is not well formed.
    """
    sniff_file(path)
    assert mapping.record is not None
    builder = RecordBuilder(mapping, path.name, loaded_at, index)
    flat = PathRow(builder.read_columns)
    try:
        for line, record in xml_records(path, mapping.record, mapping.namespaces, span):
            result = builder.build_cleaned(flat.cleaned(record), line)
            result.raw = record
            yield result
    finally:
        builder.close()


def csv_reader(path: Path, encoding: str, delimiter: str = ",", span: Span | None = None
               ) -> tuple[Iterator[list[str]], list[int]]:
    """A CSV reader of ``path`` (of ``span`` only, if given) and a box holding the number of the
    last line it has read (a record may span lines: the box tells where each starts)."""
    lines = _text_lines(path, encoding, span)
    line_box = [span.first_line - 1 if span else 0]

    def counted() -> Iterator[str]:
        for text in lines:
            line_box[0] += 1
            yield text

    return csv.reader(counted(), delimiter=delimiter), line_box


def csv_rows(reader: Iterator[list[str]], header: list[str], line_box: list[int], name: str, *,
             headerless: bool) -> Iterator[tuple[int, dict[str, str], Problem | None]]:
    """The data rows of ``reader`` as (line it starts on, column -> cell, problem). A row that
    does not parse, or has another number of cells than ``header``, comes with its problem (and
    the cells it has); blank rows are passed over."""
    while True:
        start = line_box[0] + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield start, {}, Problem(name, start, None, f"malformed CSV: {exc}")
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            where = "the mapping names" if headerless else "the header has"
            yield start, dict(zip(header, cells, strict=False)), Problem(
                name, start, None, f"{len(cells)} cells where {where} {len(header)} columns")
            continue
        yield start, dict(zip(header, cells, strict=True)), None
