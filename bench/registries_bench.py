"""Loading the big registries (ICIJ, UK PSC, GLEIF) streamed at growing sizes; writes the
"Registries" section of docs/benchmarks.md.

    python bench/registries_bench.py                        # scales 0.01 and 0.1 of full size
    python bench/registries_bench.py --scales 0.1,1         # full size: ICIJ 2M nodes + 3.3M rels,
                                                            # PSC 10M lines, GLEIF 2.4M + 400k records
    python bench/registries_bench.py --layouts icij --scales 0.01,0.1,1

For each layout and scale, in one run on one machine:

1. generate the files in the source's layout (``graphkit/synth/registries.py``, streamed to disk;
   not timed as ingest);
2. load them with graphkit into a fresh embedded store (``load_files`` with the built-in
   mapping; GLEIF: ``gleif-lei`` then ``gleif-rr``) - records/s, wall time, peak RSS, and the
   peak RSS while the files were being read (graphkit's own share, before the store's final
   write);
3. the store's raw bulk rate for the very rows graphkit stored: exported to Parquet (not timed)
   and ``COPY``-ed into a fresh database in one transaction, no graphkit code in the loop
   (``bench/run.py``'s children); the ratio is graphkit's time over the raw COPY's;
4. with ``--neo4j``: the same files loaded into a local Neo4j 5.26 (``graphkit.neo4j_server``,
   fresh workspace, random password) with ``load_files(Neo4jStore(uri), ...)``, the path of
   ``graphkit load --neo4j``, the database emptied first; and, as Neo4j's raw bulk rate for an
   initial load, ``neo4j-admin database import full`` of the same stored rows (exported as CSV
   by ``bench/neo4j_bench.py``'s child, not timed) into the stopped server;
5. with ``--neo4j-import``: ``graphkit neo4j import --db DIR --overwrite`` of the embedded graph of
   step 2 into a fresh local Neo4j (the whole command, timed from outside: CSV export, server
   stop, neo4j-admin import, restart, constraints and indexes), then whether the database's
   counts equal the embedded store's and find-links for 100 firms drawn at random answers the
   same on both (``bench/neo4j_scale_bench.py``'s ``graphkit_import``).

Every measurement is a fresh child process, so its peak RSS (``VmHWM``) is its own. Nothing
here asserts on timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import neo4j_bench as nb  # noqa: E402 - bench/neo4j_bench.py: wipe, neo4j-admin CSV export
import neo4j_scale_bench as nsb  # noqa: E402 - graphkit neo4j import, timed and checked
import run  # noqa: E402 - bench/run.py: peak RSS, machine facts, export and raw COPY children
from docsection import put_section  # noqa: E402

HEADING = "Registries: ICIJ, UK PSC, GLEIF streamed"
KEPT = run.REPO / "docs" / "benchmarks-registries.json"  # every (layout, scale) measured, latest run of each
from graphkit.synth.registries import MAPPINGS  # noqa: E402


def child_load(layout: str, folder: str, db: str, uri: str = "") -> dict[str, Any]:
    """Load ``folder`` into the embedded store ``db`` (or into Neo4j at ``uri``)."""
    from graphkit import forked
    from graphkit.load import load_files
    from graphkit.store.embedded import EmbeddedStore

    # the peak of each process the load forks (graphkit/forked.py): the one it is read in (those
    # its large COPYs run in are counted by the store: graphkit/store/embedded.py)
    peaks: list[tuple[str, float]] = []
    result = forked.Job.result

    def reaped(job: Any, progress: Any = None) -> Any:
        try:
            return result(job, progress)
        finally:
            if getattr(job, "peak_rss_mb", None) is not None:
                peaks.append((job.doing, job.peak_rss_mb))
    forked.Job.result = reaped  # type: ignore[method-assign]

    def reading_apart() -> float:
        """The peak of the processes the load was read in so far (with code from before forked.Job
        kept each child's peak, none is kept: of every child waited for)."""
        if not peaks:
            return run.children_peak_mb()
        return max((mb for doing, mb in peaks if doing == "reading the load"), default=0.0)

    store: Any
    if uri:
        store = nb._store(uri)
        store.ensure_schema()  # constraints outside the timing
    else:
        store = EmbeddedStore(Path(db))
        store.conn  # noqa: B018 - open the database and create the schema outside the timing
    before = run._rss_mb()
    tree = run.TreePeak()
    cpu = run.cpu_seconds()
    read = [0]
    reading_peak = [before]
    t0 = time.perf_counter()

    def progress(k: int) -> None:
        read[0] += k
        if read[0] % 5_000 == 0:
            reading_peak[0] = max(reading_peak[0], run._rss_mb())

    out: dict[str, Any] = {"rss_before_mb": before, "loads": []}
    rejects = Path(db).parent / "rejects"
    for n, mapping in enumerate(MAPPINGS[layout]):
        if n == 1:  # the first load's own reading peak (later loads start with its store memory)
            out["reading_peak_first_mb"] = max(reading_peak[0], reading_apart())
        t = time.perf_counter()
        report = load_files(store, [Path(folder)], mapping, on_error="skip", rejects_dir=rejects, progress=progress)
        w = report.written
        out["loads"].append({"mapping": mapping, "seconds": time.perf_counter() - t, "read": report.rows_read,
                             "loaded": report.rows_loaded, "skipped": report.rows_skipped,
                             "rejected": report.rows_rejected, "nodes_created": w.nodes_created,
                             "nodes_updated": w.nodes_updated, "rels_created": w.rels_created})
    out["seconds"] = time.perf_counter() - t0
    store.close()
    out["cpu_s"] = run.cpu_seconds() - cpu  # its own and the reading process's
    out["records"] = sum(x["read"] for x in out["loads"])
    # a large load is read in a process of its own (graphkit/load/apart.py): its peak is the
    # reading peak, and the load's peak is the larger of the two processes'
    out["reading_apart_peak_mb"] = reading_apart()
    apart = getattr(store, "copies_apart", [])  # each COPY run in a process of its own: name, peak MB
    out["copy_apart_peak_mb"] = max((mb for _, mb in apart), default=0.0)
    out["copies_apart"] = len(apart)
    out["reading_peak_rss_mb"] = max(reading_peak[0], out["reading_apart_peak_mb"])
    out.setdefault("reading_peak_first_mb", out["reading_peak_rss_mb"])
    out["peak_rss_mb"] = run.peak_mb()
    out["own_peak_mb"] = run._rss_mb()  # the load's own process: where its writes are planned
    # every process of the load at once (a load read in parts: graphkit/load/apart.py)
    out["tree_peak_mb"] = max(tree.stop(), out["peak_rss_mb"])
    return out


def child_generate(layout: str, folder: str, scale: str) -> dict[str, Any]:
    from graphkit.synth import registries as registries_synth

    t0 = time.perf_counter()
    stats = registries_synth.LAYOUTS[layout](Path(folder), float(scale))
    size = sum(p.stat().st_size for p in Path(folder).iterdir())
    return {**stats, "seconds": time.perf_counter() - t0, "mb": size / 1e6, "peak_rss_mb": run._rss_mb()}


CHILDREN = {"load": child_load, "generate": child_generate, "export": run.child_export, "raw": run.child_raw,
            "wipe": nb.child_wipe, "admin_csv": nb.child_admin_csv}
NEO4J_ENV: dict[str, str] = {}  # the local server's password, for children only
LAST_ERROR = [""]  # what the last child that failed wrote


def child(kind: str, *args: str | Path, script: str | None = None, code: Path | None = None) -> dict[str, Any]:
    """Run the child ``kind`` of ``script`` (this file unless given) in a fresh process and
    return the JSON it prints last; with ``code``, against the graphkit package in that folder
    (else the snapshot ``run.SNAPSHOT``, if one is taken)."""
    cmd = [sys.executable, str(Path(script or __file__).resolve()), "_child", kind, *map(str, args)]
    run.log(f"  {kind} {' '.join(map(str, args))} {'with ' + str(code) if code else ''}...")
    env = dict(os.environ, **NEO4J_ENV)
    package = code or run.SNAPSHOT
    if package:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(package), env.get("PYTHONPATH")]))
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=run.REPO, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        LAST_ERROR[0] = proc.stdout + proc.stderr
        raise SystemExit(f"child {kind} failed (exit {proc.returncode})")
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    run.log(f"  {kind}: {json.dumps(out, default=str)[:400]}")
    return out


def bench(layout: str, scale: float, work: Path, neo4j: dict[str, Any] | None,
          bulk_import: bool = False) -> dict[str, Any]:
    base = work / f"{layout}-{scale:g}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    gen = child("generate", layout, base / "in", scale)
    load = child("load", layout, base / "in", base / "db")
    try:
        exported = child("export", base / "db", base / "prep")
        raw: dict[str, Any] = child("raw", base / "prep", base / "raw", exported["nodes"] + exported["rels"], "0", "1")
    except SystemExit as exc:  # the reference failed, not graphkit's load: keep the load's figures
        exported = {"nodes": sum(x["nodes_created"] for x in load["loads"]),
                    "rels": sum(x["rels_created"] for x in load["loads"])}
        raw = {"failed": str(exc)}
    out = {"layout": layout, "scale": scale, "generate": gen, "load": load, "stored": exported, "raw": raw}
    if bulk_import:
        run.log("  graphkit neo4j import ...")
        try:
            out["neo4j_import"] = nsb.graphkit_import(base / "db", base / "neo4j-import", run.SNAPSHOT)
        except RuntimeError as exc:
            out["neo4j_import"] = {"failed": str(exc)}
        run.log(f"  graphkit neo4j import: {json.dumps(out['neo4j_import'], default=str)[:400]}")
    if neo4j is not None:
        out["neo4j"] = bench_neo4j(layout, base, neo4j)
    shutil.rmtree(base, ignore_errors=True)  # the inputs of a full-size run are tens of GB
    return out


def bench_neo4j(layout: str, base: Path, server: dict[str, Any]) -> dict[str, Any]:
    """graphkit's load into Neo4j, then neo4j-admin import of the same rows; the server is
    running on entry and on exit."""
    from graphkit import neo4j_server as ns

    uri = server["uri"]
    child("wipe", uri)
    load = child("load", layout, base / "in", "-", uri)
    exp = child("admin_csv", base / "db", base / "admin-csv")
    ns.stop(server["ws"])
    cmd = [str(server["home"] / "bin" / "neo4j-admin"), "database", "import", "full", "neo4j",
           "--overwrite-destination=true", "--multiline-fields=true", "--array-delimiter=;"]
    cmd += [f"--nodes={label}={path}" for label, path, _ in exp["files"]["nodes"]]
    cmd += [f"--relationships={typ}={path}" for typ, path, _ in exp["files"]["relationships"]]
    run.log("  neo4j-admin database import full ...")
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ns._env(server["home"], ns._dir(server["ws"])),
                          cwd=base)
    took = time.perf_counter() - t
    admin: dict[str, Any] = {"seconds": took, "nodes": exp["nodes"], "rels": exp["rels"]}
    if proc.returncode != 0:
        admin["error"] = f"neo4j-admin exit {proc.returncode}: " + (proc.stderr or proc.stdout).strip()[-400:]
    run.log(f"  neo4j-admin: {json.dumps(admin)}")
    info = ns.start(server["ws"], bolt_port=nb._free_port(), http_port=nb._free_port(), password=server["password"])
    server["uri"] = info.bolt_uri
    return {"load": load, "admin": admin}


def _reading(load: dict[str, Any]) -> float:
    """Peak RSS while the first (GLEIF: the Level 1) load read its files."""
    return float(load.get("reading_peak_first_mb", load["reading_peak_rss_mb"]))


def render(results: list[dict[str, Any]], mach: dict[str, str], command: str, started: dt.datetime,
           snap: dict[str, str]) -> str:
    runs = sorted({f"`{r['command']}` ({r['started']}, graphkit {r['code']['head']})" for r in results
                   if "command" in r})
    lines = [
        f"Last run {started:%Y-%m-%d %H:%M} UTC on {mach['nproc']} cores ({mach['cpu']}), {mach['ram']} RAM, "
        f"{mach['os']}; Python {mach['python']}, LadybugDB {mach['ladybug']}; graphkit at {snap['head']}"
        + (f" with changes to {snap['changed']}" if snap["changed"] else "") + ".",
        f"Commands (each row comes from one of them; `docs/benchmarks-registries.json` keeps every row's "
        f"figures, machine and code): {'; '.join(runs) or command}.",
        "",
        "Synthetic files in each source's layout (`graphkit/synth/registries.py`), loaded with the built-in "
        "mapping into a fresh embedded store, `--on-error skip`. *Records* are the records read (ICIJ rows "
        "of all six files; PSC lines; GLEIF LEI, relationship records); *stored* the nodes and relationships "
        "in the graph afterwards. *Raw COPY* writes those same stored rows, prepared beforehand as Parquet, "
        "into a fresh database in one transaction with no graphkit code in the loop; the ratio is raw COPY "
        "time over graphkit's time (1.0 would be graphkit at the store's own bulk rate). *Peak RSS reading* "
        "is the process's peak while the files were being read, parsed and staged (graphkit's share: "
        "readers, the source-id index, record building; for GLEIF, of the Level 1 load, the larger); "
        "*peak RSS* includes the store's final write of the load's one transaction (GLEIF: both loads).",
        "",
        "| layout | scale | records | stored nodes + rels | input MB | load s | records/s | raw COPY s "
        "| ratio | peak RSS reading MB | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ld, st, raw, gen = r["load"], r["stored"], r["raw"], r["generate"]
        lines.append(
            f"| {r['layout']} | {r['scale']:g} | {ld['records']:,} | {st['nodes']:,} + {st['rels']:,} "
            f"| {gen['mb']:,.0f} | {ld['seconds']:,.1f} | {ld['records'] / ld['seconds']:,.0f} "
            + (f"| failed* | - | {_reading(ld):,.0f} " if raw.get("failed") else
               f"| {raw['seconds']:,.1f} | {raw['seconds'] / ld['seconds']:.2f} | {_reading(ld):,.0f} ")
            + f"| {ld['peak_rss_mb']:,.0f} |")
    lines.append("")
    # what a row's figures need said beside them, kept with them in KEPT (its code, its conditions)
    lines += [f"*{r['layout']} {r['scale']:g}*: {r['note']}" for r in results if r.get("note")]
    if any(r.get("note") for r in results):
        lines.append("")
    if any(r["raw"].get("failed") for r in results):
        lines.append("\\* The raw COPY reference could not be prepared at this size: exporting the stored graph to "
                     "Parquet (`bench/run.py`'s export child, a 1 GiB LadybugDB buffer pool) ran out of buffer "
                     "pool; graphkit's load itself completed, and its figures stand. Stored counts for such rows "
                     "are what the load reported creating.")
        lines.append("")
    neo = [r for r in results if r.get("neo4j")]
    if neo:
        lines += [
            "Neo4j 5.26 (local server, default memory settings): *graphkit load* is `load_files` into "
            "`Neo4jStore` (what `graphkit load --neo4j` runs: every record read and checked, then "
            "written batch by batch); *neo4j-admin import* writes the same stored nodes and relationships "
            "into the stopped server's empty database (Neo4j's own bulk path for an initial load); the "
            "ratio is the import's time over graphkit's.",
            "",
            "| layout | scale | records | graphkit load s | records/s | neo4j-admin import s | ratio "
            "| peak RSS MB (graphkit process) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in neo:
            ld, adm = r["neo4j"]["load"], r["neo4j"]["admin"]
            imp = "failed" if adm.get("error") else f"{adm['seconds']:,.1f}"
            ratio = "-" if adm.get("error") else f"{adm['seconds'] / ld['seconds']:.2f}"
            lines.append(f"| {r['layout']} | {r['scale']:g} | {ld['records']:,} | {ld['seconds']:,.1f} "
                         f"| {ld['records'] / ld['seconds']:,.0f} | {imp} | {ratio} | {ld['peak_rss_mb']:,.0f} |")
        lines.append("")
    lines += _render_imports([r for r in results if r.get("neo4j_import")])
    by_layout: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        by_layout.setdefault(r["layout"], []).append(r)
    growth = []
    for layout, rs in by_layout.items():
        rs = sorted(rs, key=lambda x: x["scale"])
        steps = []
        for a, b in zip(rs, rs[1:], strict=False):
            steps.append(
                f"{a['scale']:g} to {b['scale']:g} (input x{b['load']['records'] / a['load']['records']:.0f}): "
                f"peak RSS while reading x{_reading(b['load']) / _reading(a['load']):.2f}, overall "
                f"x{b['load']['peak_rss_mb'] / a['load']['peak_rss_mb']:.2f}")
        if steps:
            growth.append(f"{layout} " + ", ".join(steps))
    if growth:
        lines.append("Memory as the input grows: " + "; ".join(growth) + ". Reading, parsing and staging "
                     "grow far less than the input but not nothing (the source-id index is on disk, rejects "
                     "are streamed to their file, the record builder's memories are bounded and fill up as "
                     "the input grows); the peak overall grows with the load because LadybugDB keeps in its "
                     "buffer pool the pages its COPYs and look-ups touched, while the pool has room (at most "
                     "half the machine's memory), and builds each COPY's primary-key index beside the pool "
                     "(docs/design.md; \"Loader: loads in chunks\" below).")
        lines.append("")
    neo_growth = []
    for layout in by_layout:
        rs = sorted((r for r in neo if r["layout"] == layout), key=lambda x: x["scale"])
        if len(rs) > 1:
            a, b = rs[0]["neo4j"]["load"], rs[-1]["neo4j"]["load"]
            neo_growth.append(f"{layout} x{b['peak_rss_mb'] / a['peak_rss_mb']:.2f}")
    if neo_growth:
        lines.append("On Neo4j the graphkit process's peak RSS grows with the load as well (input x10: "
                     + ", ".join(neo_growth) + "): the Neo4j path stages the whole load and then merges it "
                     "with the stored records before writing (`graphkit/store/staged.py`); that growth is the "
                     "store's final phase, not the readers.")
        lines.append("")
    missing = {layout: rs for layout, rs in by_layout.items() if max(r["scale"] for r in rs) < 1}
    if missing:
        full = []
        for layout, rs in missing.items():
            biggest = max(rs, key=lambda x: x["scale"])
            rate = biggest["load"]["records"] / biggest["load"]["seconds"]
            records = biggest["load"]["records"] / biggest["scale"]
            full.append(f"{layout} {records / 1e6:.1f}M records, about {records / rate / 60:.0f} min at the "
                        f"measured {biggest['scale']:g}-scale rate")
        lines.append(f"**Full size was not run here for {', '.join(missing)}**: the machine (2 cores, shared "
                     "with other work) could not give those full-size runs in the time available, so their "
                     "figures are at 1/100 and 1/10 of full size, enough to show how time and memory grow "
                     "with a tenfold input. Projection, not measurement: " + "; ".join(full) + ". To measure "
                     f"it: `python bench/registries_bench.py --layouts {','.join(missing)} --scales 1` (add "
                     "`--neo4j` for Neo4j; the inputs take up to about 7 GB on disk while a layout runs).")
        lines.append("")
    if "psc" in missing:
        lines += ["The real snapshot's size (13.6M lines, `--scales 1.36`) failed in one `graphkit load` on this "
                  "machine four times, and loaded the fifth, in 88 min with a peak of 12.1 GB, once rows with long "
                  "lists were written apart (\"Loader: the full UK PSC snapshot\" below, measured with "
                  "`bench/psc_parts_bench.py --parts 1`).", ""]
    return "\n".join(lines)


def _render_imports(rows: list[dict[str, Any]]) -> list[str]:
    """The table of ``graphkit neo4j import`` runs (``--neo4j-import``), empty if none."""
    if not rows:
        return []
    lines = ["The embedded graph of a row above bulk-imported into a fresh local Neo4j 5.26 with `graphkit neo4j "
             "import --db DIR --overwrite` (`--neo4j-import`; the whole command, timed from outside: CSV export, "
             "server stop, neo4j-admin import, restart, constraints and indexes; *peak RSS* is the command's "
             "process). *Counts*: the database's nodes and relationships of each label and type against the "
             "embedded store's; *find-links*: the answers for firms drawn at random (seed 7) on both stores.",
             "",
             "| layout | scale | stored nodes + rels | embedded load s | import s | import / load | peak RSS MB "
             "| counts | find-links |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        imp, ld, st = r["neo4j_import"], r["load"], r["stored"]
        head = f"| {r['layout']} | {r['scale']:g} | {st['nodes']:,} + {st['rels']:,} | {ld['seconds']:,.1f} "
        if "failed" in imp:
            lines.append(head + f"| failed: {imp['failed'][-200:]} | | | | |")
            continue
        took = imp["import"]["seconds"]
        lines.append(head + f"| {took:,.1f} | {took / ld['seconds']:.2f} | {imp['import']['peak_rss_mb']:,.0f} "
                     f"| {'equal' if imp['same_counts'] else 'DIFFER'} "
                     f"| {'the same' if imp['same_answers'] else 'DIFFERENT'} for {imp['sample']} firms "
                     f"({imp['links']:,} lines) |")
    said = [f"- {r['layout']} {r['scale']:g}: {r['neo4j_import']['import']['output'].splitlines()[-1]}"
            for r in rows if "failed" not in r["neo4j_import"] and r["neo4j_import"]["import"].get("output")]
    return lines + ([""] + ["What the command said, its phases timed:", ""] + said if said else []) + [""]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if run.answer_child(argv, CHILDREN):
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scales", default="0.01,0.1", help="fractions of full size, comma-separated")
    p.add_argument("--layouts", default="icij,psc,gleif")
    p.add_argument("--work", type=Path, default=Path("/tmp/graphkit-registries-bench"))
    p.add_argument("--no-doc", action="store_true", help="print the section instead of writing docs/benchmarks.md")
    p.add_argument("--neo4j", action="store_true", help="also load into a local Neo4j and time neo4j-admin import")
    p.add_argument("--neo4j-import", action="store_true",
                   help="also bulk-import each embedded graph into a fresh local Neo4j with graphkit neo4j import")
    p.add_argument("--render-only", action="store_true",
                   help="rewrite the section from docs/benchmarks-registries.json, measuring nothing")
    a = p.parse_args(argv)
    if a.render_only:
        kept = json.loads(KEPT.read_text())
        results = sorted(kept.values(), key=lambda r: (list(MAPPINGS).index(r["layout"]), r["scale"]))
        last = max(results, key=lambda r: r["started"])
        put_section(HEADING, render(results, last["machine"], last["command"],
                                    dt.datetime.strptime(last["started"], "%Y-%m-%d %H:%M UTC"), last["code"]))
        return 0
    started = dt.datetime.now(dt.UTC)
    a.work.mkdir(parents=True, exist_ok=True)
    snap = run.snapshot(a.work)
    mach = run.machine()
    command = ("python bench/registries_bench.py " + " ".join(argv)).strip()
    kept = {} if a.no_doc or not KEPT.exists() else json.loads(KEPT.read_text())
    server = start_neo4j(a.work) if a.neo4j else None
    try:
        measure(a, kept, server, command, started, mach, snap)
    finally:
        if server is not None:
            from graphkit import neo4j_server as ns

            ns.stop(server["ws"])
            run.log("neo4j stopped")
    results = sorted(kept.values(), key=lambda r: (list(MAPPINGS).index(r["layout"]), r["scale"]))
    text = render(results, mach, command, started, snap)
    if a.no_doc:
        print(text)
    else:
        put_section(HEADING, text)
        run.log(f"wrote the '{HEADING}' section of {run.REPO / 'docs' / 'benchmarks.md'}")
    return 0


def start_neo4j(work: Path) -> dict[str, Any]:
    import secrets

    from graphkit import neo4j_server as ns

    ws = work / "neo4j"
    shutil.rmtree(ws, ignore_errors=True)
    password = secrets.token_urlsafe(16)
    NEO4J_ENV["NEO4J_PASSWORD"] = password
    home = ns.fetch()
    info = ns.start(ws, bolt_port=nb._free_port(), http_port=nb._free_port(), password=password)
    run.log(f"neo4j up at {info.bolt_uri}")
    return {"ws": ws, "home": home, "password": password, "uri": info.bolt_uri}


def measure(a: argparse.Namespace, kept: dict[str, Any], server: dict[str, Any] | None, command: str,
            started: dt.datetime, mach: dict[str, str], snap: dict[str, str]) -> None:
    for layout in a.layouts.split(","):
        for scale in (float(s) for s in a.scales.split(",")):
            run.log(f"{layout} at scale {scale:g}")
            result = bench(layout, scale, a.work, server, a.neo4j_import)
            result.update(command=command, started=f"{started:%Y-%m-%d %H:%M} UTC", machine=mach, code=snap)
            kept[f"{layout}@{scale:g}"] = result
            if not a.no_doc:
                KEPT.write_text(json.dumps(kept, default=str, indent=1) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
