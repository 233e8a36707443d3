"""What a node's provenance costs the embedded store, and what a compact form would save: the
measurement behind the design of compact provenance (docs/compact-provenance.md).

    python bench/provenance_bench.py --lines 50000

In one run on one machine, each step a fresh child process:

1. a synthetic UK PSC snapshot in the real line layout (``graphkit/synth/registries.py``), loaded by
   graphkit into a fresh embedded store (``graphkit load --mapping uk-psc``), and every stored row
   exported to Parquet (``bench/run.py``'s children; not timed here);
2. the share of the node tables that provenance takes (``datasets``: a list of dataset names;
   ``records``: a list of ``dataset|file|record`` strings, one per source record), in Arrow bytes;
3. the same rows in a compact form, written beside them: ``records`` as a list of integers
   into a ``SourceRecord`` table (id, source, record key) and ``datasets`` as a list of integers
   into a ``Source`` dictionary (id, dataset, file) - every relationship file unchanged;
4. three more forms of the node rows, to bound what any leaner write could gain (``variant``):
   no provenance at all, every list column joined into one text, the id and name alone;
5. the raw ``COPY`` of each form into a fresh database, table by table, each committing on its
   own (wall and CPU seconds, peak RSS; the node tables' and the relationship tables' seconds
   apart), the form of today as the reference of the ratio.

Nothing here asserts on timings; the figures are ratios within the run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import registries_bench as rb  # noqa: E402 - its generate/load/export children, reused
import run  # noqa: E402 - peak RSS, machine facts

from graphkit.synth import registries as registries_synth  # noqa: E402

_LB = {"string": "STRING", "large_string": "STRING", "date32[day]": "DATE", "double": "DOUBLE",
       "int64": "INT64", "bool": "BOOLEAN", "list<element: string>": "STRING[]",
       "list<element: int64>": "INT64[]", "list<item: string>": "STRING[]", "list<item: int64>": "INT64[]"}


def compact(prep: Path, out: Path) -> dict[str, Any]:
    """Write ``prep``'s tables to ``out`` with node provenance as integers (see step 3)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    sources: dict[tuple[str, str], int] = {}
    keys: list[tuple[int, str]] = []
    record_ids: dict[str, int] = {}
    share: dict[str, Any] = {"node_bytes": 0, "provenance_bytes": 0, "nodes": 0, "records": 0}
    for path in sorted(prep.glob("node.*.parquet")):
        table = pq.read_table(path)
        share["node_bytes"] += table.nbytes
        share["provenance_bytes"] += table.column("records").nbytes + table.column("datasets").nbytes
        share["nodes"] += table.num_rows
        ids_per_node, sources_per_node = [], []
        for recs in table.column("records").to_pylist():
            mine, theirs = [], []
            for ref in recs or []:
                dataset, file, key = (ref.split("|", 2) + ["", ""])[:3]
                source = sources.setdefault((dataset, file), len(sources))
                rid = record_ids.get(ref)
                if rid is None:
                    rid = record_ids[ref] = len(keys)
                    keys.append((source, key))
                mine.append(rid)
                if source not in theirs:
                    theirs.append(source)
            ids_per_node.append(mine)
            sources_per_node.append(theirs)
            share["records"] += len(mine)
        table = table.drop_columns(["records", "datasets"])
        table = table.append_column("record_ids", pa.array(ids_per_node, pa.list_(pa.int64())))
        table = table.append_column("source_ids", pa.array(sources_per_node, pa.list_(pa.int64())))
        pq.write_table(table, out / path.name)
    pq.write_table(pa.table({"id": pa.array(range(len(keys)), pa.int64()),
                             "source": pa.array([s for s, _ in keys], pa.int64()),
                             "key": pa.array([k for _, k in keys], pa.string())}), out / "node.SourceRecord.parquet")
    pq.write_table(pa.table({"id": pa.array(range(len(sources)), pa.int64()),
                             "dataset": pa.array([d for d, _ in sources], pa.string()),
                             "file": pa.array([f for _, f in sources], pa.string())}), out / "node.Source.parquet")
    for path in sorted(prep.glob("rel.*.parquet")):
        shutil.copy(path, out / path.name)
    share["sources"] = len(sources)
    share["distinct_records"] = len(keys)
    return share


PROVENANCE = ("records", "datasets", "first_loaded", "last_loaded", "claims")


def variant(prep: Path, out: Path, form: str) -> None:
    """``prep``'s tables written to ``out`` in another form of the node rows (the relationship
    files unchanged): ``bare``, without provenance at all (``PROVENANCE``: the floor for any
    provenance kept out of the node rows); ``text``, every list column joined into one text
    (what lists cost as lists); ``lean``, the id and name alone (the floor of a node COPY)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(prep.glob("node.*.parquet")):
        table = pq.read_table(path)
        if form == "bare":
            table = table.drop_columns([c for c in PROVENANCE if c in table.column_names])
        elif form == "text":
            table = pa.table([pc.binary_join(col, "\x1f") if pa.types.is_list(col.type) else col
                              for col in table.columns], names=table.column_names)
        else:
            table = table.select([c for c in ("id", "name") if c in table.column_names])
        pq.write_table(table, out / path.name)
    for path in sorted(prep.glob("rel.*.parquet")):
        shutil.copy(path, out / path.name)


def child_copy(prep_dir: str, db: str) -> dict[str, Any]:
    """A fresh database with tables made from the Parquet files' own columns, and each file
    ``COPY``-ed into it (nodes first), each in a transaction of its own (a load's writes commit
    table by table since the chunked loads; this bench COPY-ed all in one transaction before
    2026-12-08)."""
    import ladybug
    import pyarrow.parquet as pq

    prep = Path(prep_dir)
    Path(db).mkdir(parents=True, exist_ok=True)
    database = ladybug.Database(str(Path(db) / "graph.lbdb"))
    conn = ladybug.Connection(database)
    nodes, rels = sorted(prep.glob("node.*.parquet")), sorted(prep.glob("rel.*.parquet"))
    for path in nodes:
        cols = ", ".join(f"{f.name} {_LB[str(f.type)]}" for f in pq.read_schema(path))
        conn.execute(f"CREATE NODE TABLE {path.name.split('.')[1]}({cols}, PRIMARY KEY (id))")
    pairs: dict[str, list[str]] = defaultdict(list)
    columns: dict[str, str] = {}
    for path in rels:
        _, type_, sl, el, _ = path.name.split(".")
        pairs[type_].append(f"FROM {sl} TO {el}")
        columns[type_] = ", ".join(f"{f.name} {_LB[str(f.type)]}" for f in pq.read_schema(path)
                                   if f.name not in ("from", "to", "_from", "_to"))
    for type_, between in pairs.items():
        conn.execute(f"CREATE REL TABLE {type_}({', '.join(between)}, {columns[type_]})")
    t, c = time.perf_counter(), time.process_time()
    per: dict[str, float] = {}
    for path in [*nodes, *rels]:  # each COPY committing on its own, as a load writes today
        parts = path.name.split(".")
        extra = f" (from='{parts[2]}', to='{parts[3]}')" if parts[0] == "rel" else ""
        step = time.perf_counter()
        conn.execute(f"COPY {parts[1]} FROM '{path}'{extra}")
        per[path.name] = time.perf_counter() - step
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    conn.close()
    database.close()
    size = sum(p.stat().st_size for p in Path(db).rglob("*") if p.is_file())
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": run._rss_mb(), "db_mb": size / 1e6,
            "nodes_seconds": sum(v for k, v in per.items() if k.startswith("node.")),
            "rels_seconds": sum(v for k, v in per.items() if k.startswith("rel."))}


def copy_child(prep: Path, db: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "_child", str(prep), str(db)],
                          capture_output=True, text=True, cwd=run.REPO)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit("the COPY child failed")
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    run.log(f"  copy {prep.name}: {json.dumps(out)}")
    return out


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "_child":
        print(json.dumps(child_copy(sys.argv[2], sys.argv[3])))
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lines", type=int, default=50_000)
    p.add_argument("--work", type=Path, default=Path("/tmp/graphkit-provenance-bench"))
    a = p.parse_args()
    base = a.work / f"psc-{a.lines}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    rb.child("generate", "psc", base / "in", repr(a.lines / registries_synth.PSC_LINES))
    rb.child("load", "psc", base / "in", base / "db")
    rb.child("export", base / "db", base / "today")
    share = compact(base / "today", base / "compact")
    for form in list(FORMS)[2:]:
        variant(base / "today", base / form, form)
    copies = {form: copy_child(base / form, base / f"db-{form}") for form in FORMS}
    today, small = copies["today"], copies["compact"]
    shutil.rmtree(base, ignore_errors=True)
    print(f"python bench/provenance_bench.py --lines {a.lines}  (machine: {run.machine()})")
    print(f"nodes {share['nodes']:,}; source records named {share['records']:,} "
          f"({share['records'] / share['nodes']:.2f} per node), {share['distinct_records']:,} distinct, "
          f"{share['sources']} (dataset, file) sources")
    print(f"provenance share of the node tables (Arrow bytes): {share['provenance_bytes'] / share['node_bytes']:.0%}")
    for name, r in (("today", today), ("compact", small)):
        print(f"raw COPY, {name}: {r['seconds']:.2f} s wall, {r['cpu_seconds']:.2f} s CPU, "
              f"peak RSS {r['peak_rss_mb']:,.0f} MB, database {r['db_mb']:,.0f} MB")
    print(f"compact / today: wall {small['seconds'] / today['seconds']:.2f}x, "
          f"CPU {small['cpu_seconds'] / today['cpu_seconds']:.2f}x, database {small['db_mb'] / today['db_mb']:.2f}x")
    print("\n| node rows | raw COPY s | of it nodes, relationships s | CPU s | / today (wall) | / today (CPU) "
          "| peak RSS MB | database MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for form in FORMS:
        r = copies[form]
        print(f"| {FORMS[form]} | {r['seconds']:.2f} | {r['nodes_seconds']:.2f}, {r['rels_seconds']:.2f} "
              f"| {r['cpu_seconds']:.2f} | {r['seconds'] / today['seconds']:.2f}x "
              f"| {r['cpu_seconds'] / today['cpu_seconds']:.2f}x | {r['peak_rss_mb']:,.0f} | {r['db_mb']:,.0f} |")
    return 0


FORMS = {"today": "as graphkit stores them", "compact": "provenance as integers (the design)",
         "bare": "no provenance at all", "text": "every list joined into one text", "lean": "id and name only"}


if __name__ == "__main__":
    raise SystemExit(main())
