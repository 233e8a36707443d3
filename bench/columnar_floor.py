"""What a column-wise record builder would cost: the reading of a synthetic UK PSC snapshot by
graphkit's record builder (the counting pass and the writing pass, as a load reads a file)
against a build of the same records column by column, each as a ratio to a plain ``json.loads``
of the same lines, measured in the same process.

    python bench/columnar_floor.py --lines 100000,500000 --real ../shared/data/real/uk_companies_house

Issue 16 asks for a 500k-line PSC load within 8x a json parse and suggests compiling a mapping
to columnar batch code. Before building that compiler for every mapping, this measures what it
could gain on PSC: ``column_build`` below is written by hand for ``loaders/uk-psc.yml`` (not
compiled from it). It reads every line with orjson, takes each path the mapping reads as a
column, and computes what the record builder computes for a record it loads:

- the node ids of the firm, the PSC and the service address, with the load's number claims
  (a number two records of the load give different keys for is no node id:
  ``graphkit/load/numberids.py``);
- the relationship ids (``OWNS``/``OFFICER_OF`` by the natures of control, ``REGISTERED_AT``);
- the stored properties a load derives: names and their look-up keys, the legal form, birth
  month, countries, registry ids, share bands, dates, provenance.

Every normalisation runs once per distinct value, through graphkit's own functions
(``normalize``, ``identifiers``, the mapping's transforms, the record builder's memory of
distinct values ``values._memo``, the ids' ``model.digest``), as a compiled builder would. Only
records the record builder loads are built (no skipped record, no record with a problem); the
node and relationship ids of both builds are compared, line by line, and must be equal, so the
cost measured is that of computing the real records, not of a shortcut. Not measured: the
staging of the records into Arrow files, which both builds would share.

Each build runs in a child process of its own, with its own json parse of the file (the
smaller of the two is the reference); CPU seconds (``time.process_time``) of one core.
Nothing here asserts on timings; the doc section is written by hand from the printed table.
"""

from __future__ import annotations

import argparse
import json
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402 - bench/run.py: the json parse of the reference

DATASET = "uk-psc"
LOADED_AT = "2026-01-01T00:00:00+00:00"


def row_build(path: Path) -> tuple[float, float, list[tuple[int, tuple[str, ...]]]]:
    """CPU seconds of the record builder's counting pass and writing pass over ``path`` (as
    ``load_files`` reads a file), and the ids each loaded record gave: (line, ids)."""
    from graphkit.load.mapping import load_mapping
    from graphkit.load.numberids import NumberClaims
    from graphkit.load.read import read_json

    mapping = load_mapping("uk-psc")
    claims = NumberClaims()
    mapping.set_number_claims(claims)
    start = time.process_time()
    for _ in read_json(path, mapping, loaded_at=LOADED_AT):
        pass
    counting = time.process_time() - start
    claims.done_counting()
    ids: list[tuple[int, tuple[str, ...]]] = []
    start = time.process_time()
    for result in read_json(path, mapping, loaded_at=LOADED_AT):
        if not result.problems and not result.skipped:
            ids.append((result.line, (*(f"{n.label}:{n.id}" for n in result.nodes), *(r.id for r in result.rels))))
    return counting, time.process_time() - start, ids


def column_build(path: Path) -> tuple[float, list[tuple[int, tuple[str, ...]]], int, dict[str, float]]:
    """CPU seconds of building the records of ``path`` column by column (the module's
    docstring says what is built), the ids of each record built, and the lines left to the
    record builder (a cell of another shape than the usual, a value that does not parse), and
    the CPU seconds of each step."""
    import orjson

    from graphkit import identifiers as ident
    from graphkit import normalize as nz
    from graphkit.load.entities import _qualified
    from graphkit.load.nested import LIST_SEP
    from graphkit.load.values import COMBINERS, TRANSFORMS
    from graphkit.load.values import _memo as memo
    from graphkit.model import address_id, digest, entity_id

    start = time.process_time()
    nulls = nz.NULLS
    empty: dict[str, Any] = {}
    lines: list[int] = []
    records: list[dict[str, Any]] = []
    with path.open("rb") as fh:
        for line_no, raw in enumerate(fh, start=1):
            if raw.strip():
                lines.append(line_no)
                records.append(orjson.loads(raw))
    n = len(records)
    odd = [False] * n
    steps = {"parse": time.process_time() - start}

    def text(values: list[Any]) -> list[str | None]:
        """A column cleaned as the record builder cleans a cell; a cell of another shape marks its line."""
        out: list[str | None] = []
        add = out.append
        for i, v in enumerate(values):
            kind = type(v)
            if kind is str:
                s = v.strip()
                add(None if s in nulls else s)
                if "\ufeff" in s or "\x1a" in s or LIST_SEP in s:
                    odd[i] = True
            elif v is None:
                add(None)
            elif kind is int:
                add(str(v))
            else:
                add(None)
                odd[i] = True
        return out

    def sub(values: list[Any], key: str) -> list[Any]:
        out = []
        for i, v in enumerate(values):
            if type(v) is dict:
                out.append(v.get(key) or empty)
            else:
                out.append(empty)
                odd[i] = odd[i] or v is not None
        return out

    data = sub(records, "data")
    company_number = text([r.get("company_number") for r in records])
    kind = text([d.get("kind") for d in data])
    name = text([d.get("name") for d in data])
    elements = sub(data, "name_elements")
    forename, middle, surname = (text([e.get(k) for e in elements]) for k in ("forename", "middle_name", "surname"))
    dob = sub(data, "date_of_birth")
    year, month = (text([d.get(k) for d in dob]) for k in ("year", "month"))
    nationality = text([d.get("nationality") for d in data])
    residence = text([d.get("country_of_residence") for d in data])
    address = sub(data, "address")
    acols = {k: text([a.get(k) for a in address]) for k in (
        "care_of", "po_box", "premises", "address_line_1", "address_line_2", "locality", "region",
        "postal_code", "country")}
    identification = sub(data, "identification")
    icols = {k: text([i.get(k) for i in identification]) for k in (
        "registration_number", "country_registered", "place_registered", "legal_authority", "legal_form")}
    natures_raw = [d.get("natures_of_control") for d in data]
    natures: list[str | None] = []
    for i, v in enumerate(natures_raw):
        if v is None:
            natures.append(None)
        elif type(v) is list and all(type(x) is str for x in v):
            kept = [x.strip() for x in v if x.strip()]
            natures.append(LIST_SEP.join(kept) if kept else None)
        else:
            natures.append(None)
            odd[i] = True
    notified = text([d.get("notified_on") for d in data])
    ceased = text([d.get("ceased_on") for d in data])
    links = text([x.get("self") for x in sub(data, "links")])

    steps["columns"] = time.process_time() - start - sum(steps.values())

    # which records are loaded: the skip rules, the required cells, a kind the mapping maps
    kinds = {"individual-person-with-significant-control": "Person", "individual-beneficial-owner": "Person",
             "corporate-entity-person-with-significant-control": "Company",
             "corporate-entity-beneficial-owner": "Company",
             "legal-person-person-with-significant-control": "Company", "legal-person-beneficial-owner": "Company"}
    skipped = ("totals#", "persons-with-significant-control-statement", "super-secure", "exemptions")
    label = [None if k is None or k.lower().startswith(skipped) else kinds.get(k) or kinds.get(k.lower()) for k in kind]
    loaded = [lab is not None and c is not None and not o for lab, c, o in zip(label, company_number, odd, strict=True)]

    # the dates (a value that does not parse is a problem: the line is the record builder's)
    date = memo(lambda v: None if v is None else nz.parse_date(v).isoformat())

    def dates(values: list[str | None]) -> list[str | None]:
        out: list[str | None] = []
        for i, v in enumerate(values):
            try:
                out.append(date(v))
            except ValueError:
                out.append(None)
                loaded[i] = False
        return out
    start_date, end_date = dates(notified), dates(ceased)

    # the firm: its number, qualified once per distinct cell
    gb_number = memo(TRANSFORMS["gb_company_number"])

    @memo
    def firm(cell: str) -> tuple[str | None, str]:
        number = gb_number(cell)
        q = _qualified("gb-coh", number, None, "Company") if number else None
        ids = dict([q]) if q else {}
        return (entity_id("Company", DATASET, ids, [cell]) if ids else None,
                entity_id("Company", DATASET, {}, [cell]))
    firms = [firm(c) if ok else (None, "") for c, ok in zip(company_number, loaded, strict=True)]

    # the PSC: its countries, numbers, key and names
    country = memo(TRANSFORMS["country"])

    def first_country(*columns: list[str | None]) -> list[str | None]:
        out = []
        for cells in zip(*columns, strict=True):
            found = None
            for c in cells:
                if c is not None and (found := country(c)) is not None:
                    break
            out.append(found)
        return out
    psc_country = first_country(residence, icols["country_registered"], acols["country"])
    registration = memo(lambda cells: COMBINERS["registration_id"](*cells))
    regs = [registration(cells) if cells[0] is not None else None
            for cells in zip(icols["registration_number"], icols["country_registered"], icols["place_registered"],
                             icols["legal_authority"], strict=True)]
    psc_ids: list[tuple[str | None, str]] = []
    for i in range(n):
        if not loaded[i]:
            psc_ids.append((None, ""))
            continue
        lab = label[i]
        assert lab is not None
        key = (name[i], year[i], month[i], acols["premises"][i], acols["postal_code"][i])
        if not any(key):
            joined = " ".join(x for x in (forename[i], middle[i], surname[i]) if x)
            key = (name[i] or joined or None,)
        scoped = f"{DATASET}:{lab.lower()}:{digest(*key)}"
        number = None
        if regs[i]:
            scheme, _, value = regs[i].rpartition(":")
            q = _qualified(scheme, value, psc_country[i], lab) if scheme and value else None
            if q:
                found = entity_id(lab, DATASET, dict([q]), key)
                number = found if ident.is_registry_id(found) else None
        psc_ids.append((number, scoped))

    # the number claims of the load: a number two records give different keys for is no id
    claimed: dict[tuple[str, str], str] = {}
    ambiguous: set[str] = set()
    for entity, ids in (("company", firms), ("psc", psc_ids)):
        for number, scoped in ids:
            if number is not None and claimed.setdefault((entity, number), scoped) != scoped:
                ambiguous.add(number)
    firm_id = [scoped if number is None or number in ambiguous else number for number, scoped in firms]
    psc_id = [scoped if number is None or number in ambiguous else number for number, scoped in psc_ids]

    steps["node ids"] = time.process_time() - start - sum(steps.values())

    # the stored properties (names and their keys, the legal form, birth month, registry ids)
    name_key = nz.name_key
    legal_form = memo(lambda v: nz.split_legal_form(nz.split_glued_ids(v)[1])[0])
    year_month = memo(lambda cells: COMBINERS["year_month"](*cells))
    birth = [year_month(cells) if cells[0] else None for cells in zip(year, month, strict=True)]
    nation = [country(v) if v else None for v in nationality]
    props: list[dict[str, Any]] = []
    for i in range(n):
        if not loaded[i]:
            props.append(empty)
            continue
        lab = label[i]
        names = [name[i]] if name[i] else []
        joined = " ".join(x for x in (forename[i], middle[i], surname[i]) if x)
        if joined and joined not in names:
            names.append(joined)
        p: dict[str, Any] = {"name": names[0] if names else None, "names": names,
                             "name_keys": list(dict.fromkeys(k for x in names if (k := name_key(x, lab)))),
                             "birth_month": birth[i], "nationality": nation[i], "country": psc_country[i],
                             "datasets": [DATASET], "records": [f"{DATASET}|{path.name}|{links[i]}"],
                             "first_loaded": LOADED_AT, "last_loaded": LOADED_AT}
        if psc_id[i] != psc_ids[i][1]:
            p["registry_ids"] = [psc_id[i]]
        if lab == "Company" and names:
            p["legal_form"] = icols["legal_form"][i] or legal_form(names[0])
        props.append(p)

    steps["names, keys, properties"] = time.process_time() - start - sum(steps.values())

    # the service address: its text, id (once per distinct text) and country
    parts = list(acols.values())
    full = [", ".join(dict.fromkeys(x for x in cells if x)) or None for cells in zip(*parts, strict=True)]
    place = memo(address_id)
    addr_id = [place(f) if f else None for f in full]
    addr_country = [country(v) if v else None for v in acols["country"]]

    steps["addresses"] = time.process_time() - start - sum(steps.values())

    # the relationships: their type by the natures of control, their properties, their ids
    share_min, share_max = memo(TRANSFORMS["share_min"]), memo(TRANSFORMS["share_max"])

    @memo
    def owns(cell: str | None) -> bool:
        return cell is not None and any(v.strip().lower().startswith("ownership-of-shares")
                                        for v in cell.split(LIST_SEP))
    out: list[tuple[int, tuple[str, ...]]] = []
    role, service = "person with significant control", "service address"
    for i in range(n):
        if not loaded[i]:
            continue
        lab = label[i]
        rtype = "OWNS" if owns(natures[i]) else "OFFICER_OF"
        rel_props = {"role": role, "control": natures[i].split(LIST_SEP) if natures[i] else None,
                     "start_date": start_date[i], "end_date": end_date[i]}
        if rtype == "OWNS" and natures[i]:
            first = natures[i].split(LIST_SEP)[0]
            rel_props["share_min"], rel_props["share_max"] = share_min(first), share_max(first)
        tail = (end_date[i],) if end_date[i] else ()
        nodes = [f"Company:{firm_id[i]}", f"{lab}:{psc_id[i]}"]
        rels = ["r:" + digest(rtype, psc_id[i], firm_id[i], DATASET, role, start_date[i], *tail)]
        if addr_id[i] is not None:
            nodes.append(f"Address:{addr_id[i]}")
            rels.append("r:" + digest("REGISTERED_AT", psc_id[i], addr_id[i], DATASET, service, None))
        out.append((lines[i], (*nodes, *rels)))
    del props, addr_country
    steps["relationships"] = time.process_time() - start - sum(steps.values())
    return time.process_time() - start, out, sum(1 for ok in odd if ok), steps


def child(kind: str, file: str, out: str) -> dict[str, Any]:
    """One build of ``file`` in this process (``rows`` or ``columns``; each in a fresh process,
    so that neither finds the memories of graphkit's normalisations filled by the other), its
    ids pickled to ``out``."""
    import gc
    import pickle

    gc.disable()  # as a load reads: the records make no cycles
    path = Path(file)
    got: dict[str, Any] = {"json": run.json_parse(path, time.process_time)}
    if kind == "rows":
        got["counting"], got["writing"], ids = row_build(path)
    else:
        got["columns"], ids, got["odd"], got["steps"] = column_build(path)
    with open(out, "wb") as fh:
        pickle.dump(dict(ids), fh)
    return got


def _run(kind: str, file: Path, out: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(file), str(out)], check=True,
                          capture_output=True, text=True, cwd=ROOT)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", default="100000,500000", help="sizes, comma-separated")
    parser.add_argument("--work", help="folder for the synthetic snapshots (default: a temporary one)")
    parser.add_argument("--real", help="also build the PSC records of this folder's psc*.json files (the shared "
                        "real samples: JSON arrays), written one per line into the work folder")
    args = parser.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="columnar-"))
    work.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, int]] = [("synthetic", int(x)) for x in args.lines.split(",") if x]
    if args.real:
        real = sorted(Path(args.real).glob("psc*.json"))
        with (work / "psc-real.txt").open("wb") as out:
            for file in real:
                for record in json.loads(file.read_text(encoding="utf-8")):
                    out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        files.append(("real", len(real)))
    print("| lines | json.loads CPU s | row builder: counting + writing CPU s | / json | by columns CPU s | / json "
          "| rows / columns | records | ids equal |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    steps: list[str] = []
    try:
        for what, lines in files:
            if what == "real":
                file = work / "psc-real.txt"
            else:
                folder = work / f"psc-{lines}"
                if not folder.exists():
                    subprocess.run([sys.executable, "-m", "graphkit.synth.registries", "psc", str(folder),
                                    "--scale", str(lines / 10_000_000)], check=True, cwd=ROOT,
                                   stdout=subprocess.DEVNULL)
                file = next(folder.glob("psc*.txt"))
            by_rows, by_columns = _run("rows", file, work / "rows.pickle"), _run("columns", file, work / "columns.pickle")
            with (work / "rows.pickle").open("rb") as fh:
                rows_ids = pickle.load(fh)
            with (work / "columns.pickle").open("rb") as fh:
                column_ids = pickle.load(fh)
            equal = sum(1 for line, ids in rows_ids.items() if sorted(column_ids.get(line, ())) == sorted(ids))
            parse = min(by_rows["json"], by_columns["json"])
            rows = by_rows["counting"] + by_rows["writing"]
            lines_read = sum(1 for _ in file.open("rb"))
            print(f"| {lines_read:,}{' (real samples)' if what == 'real' else ''} | {parse:.2f} | {by_rows['counting']:.2f} + {by_rows['writing']:.2f} "
                  f"| {rows / parse:.1f}x | {by_columns['columns']:.2f} | {by_columns['columns'] / parse:.1f}x "
                  f"| {rows / by_columns['columns']:.1f}x | {len(rows_ids):,} "
                  f"| {equal:,} of {len(rows_ids):,}; built by columns {len(column_ids):,} "
                  f"(lines left to the row builder: {by_columns['odd']}) |", flush=True)
            steps.append(f"{lines_read:,} lines: " + ", ".join(f"{k} {v:.2f} s" for k, v in by_columns["steps"].items()))
        print("\nThe build by columns, step by step (CPU s):")
        for line in steps:
            print(f"- {line}")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(*sys.argv[2:])))
    else:
        main()
