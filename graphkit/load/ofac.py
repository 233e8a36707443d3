"""The OFAC SDN bundle: ``sdn.csv`` and, when they sit beside it, ``add.csv`` (addresses),
``alt.csv`` (aliases) and ``sdn_comments.csv`` (Remarks too long for sdn.csv), joined on
``ent_num``. The layouts are treasury.gov's (headerless CSVs, ``-0-`` for missing values):

    add.csv           ent_num, add_num, address, city/state/postal, country, add_remarks
    alt.csv           ent_num, alt_num, alt_type (aka, fka, nka), alt_name, alt_remarks
    sdn_comments.csv  ent_num, remarks continuation

``read_sdn`` is the reader of ``loaders/ofac-sdn.yml``: each sdn.csv row goes through that
mapping (its row parser ``graphkit.load.sanctions.sdn_row`` reads the Remarks), then the links the
list states between its own entries are added, since they cross rows:

- ``Linked To: NAME`` becomes a LINKED_TO relationship (role "Linked To", OFAC's wording) to the
  entry whose ``sdn_name`` is NAME (exactly, or with the full stop the Remarks parser took off);
  a name no entry carries, or that two entries carry, is not guessed: it is kept, as written, in
  the listing's ``linked_unmatched``;
- a vessel's owner (``vess_owner``) becomes OWNS from the entry of that name, when there is
  exactly one; the owner's name is always kept on the Asset node.

Reading the side files: a malformed row (wrong number of cells, an ``ent_num`` that is not a
number or names no entry of sdn.csv) rejects the whole load with file, line and column.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graphkit import normalize as nz
from graphkit.errors import InvalidData, Problem
from graphkit.load.mapping import Mapping
from graphkit.load.read import _text_lines, csv_reader, csv_rows, sniff_file
from graphkit.load.records import RecordBuilder, RowResult
from graphkit.load.sanctions import parse_remarks
from graphkit.load.values import _clean_cell
from graphkit.model import Node, Provenance, Rel, address_id

# the side files of the bundle and their columns, in order
SIDE_FILES = {
    "add.csv": ("ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks"),
    "alt.csv": ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    "sdn_comments.csv": ("ent_num", "remarks"),
}
_ALT_TYPES = {"aka": "a.k.a.", "fka": "f.k.a.", "nka": "n.k.a."}


def _side_rows(path: Path, columns: tuple[str, ...], entries: set[str],
               problems: list[Problem]) -> Iterator[tuple[int, dict[str, str | None]]]:
    sniff_file(path)
    lines = list(_text_lines(path, "utf-8"))
    line = 0
    for cells in csv.reader(lines):
        line += 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            problems.append(Problem(path.name, line, None, f"{len(cells)} cells where the OFAC layout of "
                                    f"{path.name} has {len(columns)} ({', '.join(columns)})"))
            continue
        row = {c: _clean_cell(v) for c, v in zip(columns, cells, strict=True)}
        ent = (row["ent_num"] or "").strip()
        if not ent.isdigit():
            problems.append(Problem(path.name, line, "ent_num", f"{ent!r} is not an OFAC entry number"))
        elif ent not in entries:
            problems.append(Problem(path.name, line, "ent_num", f"entry {ent} is not in sdn.csv"))
        else:
            yield line, row


def _bundle(path: Path) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[tuple[str, str]]]]:
    """The side files beside ``path``: remarks continuations, alias phrases and addresses per
    ent_num. Raises InvalidData naming every malformed row."""
    present = {name: path.with_name(name) for name in SIDE_FILES if path.with_name(name).is_file()}
    comments: dict[str, list[str]] = defaultdict(list)
    aliases: dict[str, list[str]] = defaultdict(list)
    addresses: dict[str, list[tuple[str, str]]] = defaultdict(list)
    if not present:
        return comments, aliases, addresses
    entries = {cells[0].strip() for cells in csv.reader(_text_lines(path, "utf-8")) if cells}
    problems: list[Problem] = []
    if "sdn_comments.csv" in present:
        for _line, row in _side_rows(present["sdn_comments.csv"], SIDE_FILES["sdn_comments.csv"], entries, problems):
            if row["remarks"]:
                comments[str(row["ent_num"])].append(row["remarks"])
    if "alt.csv" in present:
        for line, row in _side_rows(present["alt.csv"], SIDE_FILES["alt.csv"], entries, problems):
            kind = _ALT_TYPES.get((row["alt_type"] or "").strip().lower())
            if kind is None:
                problems.append(Problem("alt.csv", line, "alt_type",
                                        f"{row['alt_type']!r} is not one of {', '.join(_ALT_TYPES)}"))
            elif row["alt_name"]:
                aliases[str(row["ent_num"])].append(f"{kind} '{row['alt_name'].strip()}'")
    if "add.csv" in present:
        for _line, row in _side_rows(present["add.csv"], SIDE_FILES["add.csv"], entries, problems):
            full = ", ".join(v.strip() for v in (row["address"], row["city_state_postal"], row["country"]) if v)
            if full:
                addresses[str(row["ent_num"])].append((full, row["country"] or ""))
    if problems:
        raise InvalidData(problems)
    return comments, aliases, addresses


def read_sdn(path: Path, mapping: Mapping, *, loaded_at: str, index: Any = None) -> Iterator[RowResult]:
    """Stream the rows of ``sdn.csv`` as RowResults, with the bundle's side files joined in
    and the list's own links added (see the module docstring). Raises InvalidData for a file
    that cannot be read or a malformed side file; the store is then unchanged."""
    sniff_file(path)
    comments, aliases, addresses = _bundle(path)
    assert mapping.header is not None
    header = list(mapping.header)
    builder = RecordBuilder(mapping, path.name, loaded_at, index)
    results: list[RowResult] = []
    linked: list[list[str]] = []  # per result, the names after "Linked To:"
    reader, line_box = csv_reader(path, mapping.encoding)
    try:
        for start, row, problem in csv_rows(reader, header, line_box, path.name, headerless=True):
            if problem is not None:
                results.append(RowResult(start, row, [], [], [problem]))
                linked.append([])
                continue
            ent = row["ent_num"].strip()
            remarks = _clean_cell(row["remarks"]) or ""
            remarks += "".join(comments.get(ent, []))
            parsed_text = "; ".join([remarks.rstrip(" ."), *aliases.get(ent, [])]).strip("; ")
            row["remarks"] = parsed_text or "-0- "
            result = builder.build(row, start)
            for node in result.nodes:  # the listing keeps the Remarks as published, not the joined aliases
                if node.label == "Sanction":
                    if remarks:
                        node.props["remarks"] = remarks
                    else:
                        node.props.pop("remarks", None)
            result.raw["remarks"] = remarks
            if not result.problems and not result.skipped and result.nodes:
                _add_addresses(result, addresses.get(ent, []), mapping.dataset, path.name, loaded_at)
            results.append(result)
            linked.append(parse_remarks(remarks, person=False)["linked_to"])
    finally:
        builder.close()
    _link(results, linked, loaded_at)
    yield from results


def _party(result: RowResult) -> Node | None:
    return next((n for n in result.nodes if n.label in ("Company", "Person", "Asset")), None)


def _add_addresses(result: RowResult, found: list[tuple[str, str]], dataset: str, file: str,
                   loaded_at: str) -> None:
    party = _party(result)
    if party is None:
        return
    source = party.source
    for full, country in found:
        props: dict[str, Any] = {"full": full, "names": [full], "datasets": [dataset], "records": [source.ref],
                                 "first_loaded": loaded_at, "last_loaded": loaded_at}
        iso = nz.country(country) if country else None
        if iso:
            props["country"] = iso
        addr = Node("Address", address_id(full), props, source)
        result.nodes.append(addr)
        if party.label != "Asset":
            result.rels.append(Rel("REGISTERED_AT", party.label, party.id, "Address", addr.id,
                                   {"role": "address (OFAC add.csv)", **_rel_props(source, loaded_at)}, source))


def _rel_props(source: Provenance, loaded_at: str) -> dict[str, Any]:
    return {"dataset": source.dataset, "source_file": source.file, "record": source.record, "loaded_at": loaded_at}


def _link(results: list[RowResult], linked: list[list[str]], loaded_at: str) -> None:
    """Add the LINKED_TO and vessel-owner relationships between entries of the list."""
    by_name: dict[str, list[Node]] = defaultdict(list)
    for r in results:
        party = _party(r)
        if party is not None and not r.problems:
            by_name[str(r.raw.get("sdn_name") or "").strip()].append(party)

    def entry(name: str) -> Node | None:
        found = by_name.get(name) or by_name.get(name + ".") or []
        return found[0] if len(found) == 1 else None

    for r, names in zip(results, linked, strict=True):
        party = _party(r)
        if party is None or r.problems or r.skipped:
            continue
        unmatched = []
        for name in names:
            target = entry(name)
            if target is None or target.id == party.id:
                unmatched.append(name)
                continue
            r.rels.append(Rel("LINKED_TO", party.label, party.id, target.label, target.id,
                              {"role": "Linked To", **_rel_props(party.source, loaded_at)}, party.source))
        if unmatched:
            for node in r.nodes:
                if node.label == "Sanction":
                    node.props["linked_unmatched"] = unmatched
        owner_name = party.props.get("owner")
        owner = entry(owner_name) if party.label == "Asset" and owner_name else None
        if owner is not None and owner.label in ("Company", "Person"):
            r.rels.append(Rel("OWNS", owner.label, owner.id, "Asset", party.id,
                              {"role": "vessel owner (OFAC vess_owner)", **_rel_props(party.source, loaded_at)},
                              party.source))
