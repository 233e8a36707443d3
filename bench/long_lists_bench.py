"""Rows with long lists: a node table COPY-ed with and without its long rows apart, and those
rows changed by a later load with and without a statement each; writes the "Loader: rows with
long lists" section of docs/benchmarks.md.

    python bench/long_lists_bench.py                       # 1M addresses; long rows of six shapes
    python bench/long_lists_bench.py --rows 100000 --cases 4x20000 --no-doc

Why: a registry's mass-registration address is the source of every line that gives it. At the
UK PSC snapshot's full size (13.6M lines) the synthetic snapshot's 12 such addresses each carry
about 150,000 ``dataset|file|record`` entries in ``records`` (2,200 at 200,000 lines, growing
with the lines), and the full snapshot's ``Address`` COPY ran out of LadybugDB's pool
("Loader: the full UK PSC snapshot").

In one run, each step in a fresh process (its peak RSS, ``VmHWM``, is its own), into graphs with
graphkit's schema and LadybugDB's pool as graphkit sets it (``GRAPHKIT_BUFFER_POOL_MB``, else
half the machine's memory):

1. for each shape of ``--cases`` (LONGxENTRIES), an ``Address`` file in graphkit's staging
   layout: ``--rows`` addresses, LONG of them of ENTRIES sources each, the rest of one (not timed);
2. *one COPY*: the whole file in one COPY (graphkit before this change, and with
   ``GRAPHKIT_LONG_LIST_ROW=0``);
3. *long rows apart*: the files a load's planning makes of it (``store/staged.py``'s ``LongRows``
   with the embedded store's ``LONG_LIST_ROW`` and ``LONG_ENTRIES_APART``), each COPY-ed in a
   process of its own as a load's large COPYs are (``_copy_apart``), in two orders: *last*, the
   files of long rows after the rest (graphkit before ``staged._placed``), and *placed*, each
   file at the end of a LadybugDB node group, new rows before it filling the group (graphkit now);
4. the graphs compared: the same ids, and the same number of sources on each node;
5. the long rows given one source more through ``EmbeddedStore.update_nodes`` (what a later
   load that names them does): all in one statement (``GRAPHKIT_LONG_LIST_ROW=0``), and each in
   a statement of its own (graphkit now), each in a fresh process on a copy of graph *placed*;
6. *the next load*: on a copy of each of the graphs *last* and *placed*, the long rows given
   ``--next-entries`` sources more each (as 5, graphkit now), then ``--rows`` new addresses of one
   source each in one COPY (a later part of the snapshot): its time and process's peak.

Nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docsection import machine, put_section  # noqa: E402

HEADING = "Loader: rows with long lists"
CASES = "12x150000,2x150000,12x100000,4x75000,15x10000,100x1500"
SOURCE = "uk-psc|psc-snapshot.txt|/company/{}/persons-with-significant-control/individual/x{}"


def write_addresses(path: Path, rows: int, long: int, entries: int, first: int = 0) -> None:
    """An Address staging file: ``rows`` of one source, then ``long`` rows of ``entries``
    sources spread among them (one every ``rows // long`` rows); ids from ``first`` on."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from graphkit.store.staged import node_schema

    schema = node_schema("Address")
    every = max(rows // max(long, 1), 1)
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(first, first + rows, 100_000):
            ids = range(start, min(start + 100_000, first + rows))
            records = [[SOURCE.format(40_000_000 + i, 0)] for i in ids]
            for k, i in enumerate(ids):
                if (i - first) % every == 0 and (i - first) // every < long:
                    records[k] = [SOURCE.format(50_000_000 + j, i) for j in range(entries)]
            full = [f"{i % 300}, Station Road, Leicester, LE{i % 97} {i % 9}FN, England" for i in ids]
            columns = {"id": [f"address:{i:020x}" for i in ids], "full": full, "names": [[f] for f in full],
                       "country": ["gb"] * len(ids), "datasets": [["uk-psc"]] * len(ids), "records": records,
                       "first_loaded": ["2026-12-05T00:00:00+00:00"] * len(ids),
                       "last_loaded": ["2026-12-05T00:00:00+00:00"] * len(ids)}
            writer.write_table(pa.table({f.name: columns.get(f.name, [None] * len(ids)) for f in schema},
                                        schema=schema))


def _child_graph(db: str) -> dict[str, Any]:
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(Path(db)) as store:
        store.conn  # noqa: B018 - opened: the schema created
    return {}


def _child_sources(db: str) -> dict[str, Any]:
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(Path(db), read_only=True) as store:
        rows = store._execute("MATCH (a:Address) RETURN a.id AS id, size(a.records) AS n")
    return {"sources": {r["id"]: r["n"] for r in rows}}


def _child_update(db: str, ids: str) -> dict[str, Any]:
    """The long rows given one source more, through ``update_nodes``; this process's peak."""
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(Path(db)) as store:
        rows = list(store.fetch_nodes("Address", json.loads(ids)).values())
        for r in rows:
            r["records"] = [*r["records"], SOURCE.format(0, "later")]
        started = time.perf_counter()
        store.update_nodes("Address", rows)
        seconds = time.perf_counter() - started
    # this process, or a process of its own a long row was written in (``_copy_apart``)
    return {"seconds": seconds, "peak_mb": max([_peak_mb(), *(peak for _, peak in store.copies_apart)])}


def _child_grow(db: str, ids: str, more: str) -> dict[str, Any]:
    """The long rows given ``more`` sources more each, through ``update_nodes``."""
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(Path(db)) as store:
        rows = list(store.fetch_nodes("Address", json.loads(ids)).values())
        for r in rows:
            r["records"] = [*r["records"], *(SOURCE.format(60_000_000 + j, "later") for j in range(int(more)))]
        store.update_nodes("Address", rows)
    return {}


def _peak_mb() -> float:
    with open("/proc/self/status") as status:
        return next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:")), 0.0)


def child(kind: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "_child", kind, *args], capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    if out.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def copy(db: Path, files: list[tuple[Path, int]]) -> dict[str, Any]:
    """Each file COPY-ed into ``db`` in a process of its own, as a load's large COPYs are."""
    from graphkit.store.embedded import DB_FILE, _copy_apart

    peaks, started, error = [], time.perf_counter(), None
    for path, _ in files:
        try:
            peaks.append(_copy_apart(db / DB_FILE, f"COPY Address FROM '{path}'", "create Address", 0))
        except Exception as exc:  # noqa: BLE001 - the store's message is the figure
            error = str(exc)
            break
    return {"seconds": time.perf_counter() - started, "copies": len(files), "peak_mb": max(peaks, default=0.0),
            "error": error}


def bench(rows: int, long: int, entries: int, work: Path, next_entries: int) -> dict[str, Any]:
    import pyarrow as pa

    from graphkit.store import embedded

    source = work / "node.Address.parquet"
    write_addresses(source, rows, long, entries)
    out: dict[str, Any] = {"rows": rows, "long": long, "entries": entries, "mb": source.stat().st_size / 1e6,
                           "next_entries": next_entries}
    for name in ("one", "last", "apart"):
        child("graph", str(work / name))
    out["one"] = copy(work / "one", [(source, rows)])
    import pyarrow.parquet as pq

    from graphkit.store.staged import LongRows

    taker = LongRows(work / "final.node.Address", pq.ParquetFile(source).schema_arrow, embedded.LONG_LIST_ROW,
                     embedded.LONG_ENTRIES_APART)
    rest = work / "final.node.Address.parquet"
    with pq.ParquetWriter(rest, pq.ParquetFile(source).schema_arrow) as writer:
        for batch in pq.ParquetFile(source).iter_batches():
            writer.write_table(taker.take(pa.Table.from_batches([batch])))
    taker.close()
    from graphkit.store.staged import _placed

    files = [(rest, rows - taker.rows), *taker.parts]
    out["last"] = copy(work / "last", files)
    out["last"]["copies"] = len(files)
    files = _placed(rest, rows - taker.rows, taker.parts, embedded.NODE_GROUP_ROWS, 0)
    out["apart"] = copy(work / "apart", files)
    out["apart"]["copies"] = len(files)
    graphs = [name for name in ("one", "last", "apart") if out[name]["error"] is None]
    if len(graphs) > 1:
        sources = [child("sources", str(work / name))["sources"] for name in graphs]
        out["same"] = all(s == sources[0] for s in sources) and len(sources[0]) == rows
    long_ids = json.dumps([f"address:{i:020x}" for i in range(0, rows, max(rows // max(long, 1), 1))][:long])
    if out["apart"]["error"] is None:
        for name, least in (("update_one", "0"), ("update_apart", "")):
            shutil.copytree(work / "apart", work / name)
            out[name] = child("update", str(work / name), long_ids, env={"GRAPHKIT_LONG_LIST_ROW": least})
            shutil.rmtree(work / name)
    nxt = work / "next.parquet"
    write_addresses(nxt, rows, 0, 0, first=rows)
    for name in ("last", "apart"):
        if out[name]["error"] is None:
            shutil.copytree(work / name, work / "next")
            child("grow", str(work / "next"), long_ids, str(next_entries))
            out[f"next_{name}"] = copy(work / "next", [(nxt, rows)])
            shutil.rmtree(work / "next")
    return out


def render(results: list[dict[str, Any]], command: str, when: str) -> str:
    def step(x: dict[str, Any] | None) -> str:
        if x is None:
            return ""
        if x.get("error"):
            return f"failed: {x['error'][:120]}"
        return f"{x['seconds']:.1f} s, {x['peak_mb']:,.0f} MB"

    from graphkit.store import embedded

    head = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent.parent), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip() or "?"
    lines = [f"Measured {when} on {machine()}, graphkit {head} (`LONG_LIST_ROW` {embedded.LONG_LIST_ROW:,}, "
             f"`LONG_ENTRIES_APART` {embedded.LONG_ENTRIES_APART:,}). Command:", "", f"    {command}", "",
             f"For each shape, an `Address` staging file of {results[0]['rows']:,} rows: addresses of one source, and "
             "*long* of them with *entries* sources each (12 of 150,000: the synthetic snapshot's "
             "mass-registration addresses at the full PSC snapshot's size; 12 of 15,000: one tenth of it, a part "
             "of `psc_parts_bench.py --parts 10`). *One COPY*: the file in one COPY (`GRAPHKIT_LONG_LIST_ROW=0`); "
             "*long rows last*: the rows of `LONG_LIST_ROW` entries or more in COPYs of their own after the rest "
             "(graphkit before `staged._placed`); *placed*: each of those COPYs at the end of a LadybugDB node group, "
             "new rows before it filling the group (graphkit now); COPYs in brackets, each in a process of its own; "
             "time, and the largest of those processes' peak RSS. *Same graph*: all hold the same addresses with "
             "the same number of sources each. *Update*: the long rows given one source more by `update_nodes` "
             "(what a later load naming them does), all in one statement, and as graphkit does now; the peak of "
             f"the process that ran it. *Next load*: the long rows given {results[0]['next_entries']:,} sources more "
             f"each, then {results[0]['rows']:,} new addresses in one COPY (the next part of a snapshot), after "
             "each order; that COPY's time and peak. LadybugDB's pool as graphkit sets it.", "",
             "| long | entries | one COPY | long rows last | long rows placed | same graph | update, one statement "
             "| update now | next load, after last | next load, after placed |",
             "|---:|---:|---|---|---|---|---|---|---|---|"]
    for r in results:
        same = "" if "same" not in r else ("yes" if r["same"] else "**no**")
        lines.append(f"| {r['long']} | {r['entries']:,} | {step(r['one'])} | {step(r['last'])} ({r['last']['copies']}) "
                     f"| {step(r['apart'])} ({r['apart']['copies']}) | {same} | {step(r.get('update_one'))} "
                     f"| {step(r.get('update_apart'))} | {step(r.get('next_last'))} | {step(r.get('next_apart'))} |")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        kind, args = sys.argv[2], sys.argv[3:]
        fn = {"graph": _child_graph, "sources": _child_sources, "update": _child_update, "grow": _child_grow}[kind]
        print(json.dumps(fn(*args)))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cases", default=CASES, help="shapes as LONGxENTRIES, comma-separated")
    parser.add_argument("--next-entries", type=int, default=15_000,
                        help="sources each long row gains before the next load's COPY (a PSC part's)")
    parser.add_argument("--work", type=Path, help="a folder for the files and graphs (default: a temporary one)")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/ as they are")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    results = []
    for case in args.cases.split(","):
        long, entries = (int(x) for x in case.split("x"))
        work = args.work or Path(tempfile.mkdtemp(prefix="long-lists-"))
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            results.append(bench(args.rows, long, entries, work, args.next_entries))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(json.dumps(results[-1]), flush=True)
    command = "python bench/long_lists_bench.py" + "".join(
        f" --{k.replace('_', '-')} {v}" for k, v in (("rows", args.rows), ("cases", args.cases),
                                                     ("next_entries", args.next_entries))
        if v != parser.get_default(k))
    text = render(results, command, started.strftime("%Y-%m-%d %H:%M UTC"))
    print(text)
    if not args.no_doc:
        put_section(HEADING, text)


if __name__ == "__main__":
    main()
