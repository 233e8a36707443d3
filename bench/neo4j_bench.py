"""Neo4j benchmark: driver ingest, push, find-links and neo4j-admin import at one size; writes
the "Neo4j" section of docs/benchmarks.md over every size measured so far.

    python bench/neo4j_bench.py                    # 100k companies, after bench/run.py --keep
    python bench/neo4j_bench.py --companies 1000000 --batches 20000 --max-seconds 60 \\
        --skip-push --pagecache 4g --runpy-workdir W    # 1M, after bench/run.py --sizes 1000000 --keep --workdir W
    python bench/neo4j_bench.py --companies 10000 --batches 1000 --queries 20   # smoke test

Each run is at one size; its results replace that size's entry in ``docs/benchmarks-neo4j.json``
(beside the doc: ``--doc X.md`` keeps them in ``X-neo4j.json``) and the section is rendered from
all entries: find-links and the targets with one column per size, then each size's run. A
section written before that file existed is kept verbatim as its size's entry.

Starts a local Neo4j (``graphkit.server.neo4j_server.start``, free ports, a fresh workspace and a random
password that is passed to children only through the environment), then, on the synthetic
registry CSV of ``graphkit/synth/registry.py`` (reused from ``bench/run.py --keep`` when present):

1. end-to-end driver ingest: ``load_files(Neo4jStore(uri, batch_size=B), [csv], "registry")``
   for each B, each in a fresh child process, once without and once with ``neo4j-rust-ext``
   (installed with ``pip --target`` into a side directory put first on that child's
   ``PYTHONPATH``; the venv is not changed; each child reports ``RUST_AVAILABLE``), the database
   emptied before each run;
2. ``graphkit push`` speed: ``copy_store(EmbeddedStore(db), Neo4jStore(uri))`` from the embedded
   store ``bench/run.py`` loaded at the same size (or one loaded here);
3. find-links p50/p95 on Neo4j over random firms (seeded, one warm-up), and on the embedded
   store over the same firms, in this run;
4. ``neo4j-admin database import full`` of the same nodes and relationships (exported to CSV
   with neo4j-admin headers, not timed) into the stopped server's ``neo4j`` database.

Every server started is stopped at the end, also on failure. Nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402 - bench/run.py: how a child is run

TARGET_ROWS_S = 50_000
TARGET_P95_MS = 50.0  # at 1M
RUST_DIR = Path("/tmp/graphkit-neo4j-rust-ext")
MARK = "## Neo4j"


def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


# ============================================================================================
# Children (one JSON object on the last line of stdout)


def _rust() -> bool:
    from neo4j._codec.packstream import RUST_AVAILABLE

    return bool(RUST_AVAILABLE)


def _store(uri: str, batch: int | None = None) -> Any:
    from graphkit.store.neo4j import Neo4jStore

    kw = {"batch_size": batch} if batch else {}
    return Neo4jStore(uri, password=os.environ["NEO4J_PASSWORD"], **kw)


class _Stop(Exception):
    """The time limit of one measurement was reached."""


def child_ingest(uri: str, csv_path: str, batch: str, max_seconds: str) -> dict[str, Any]:
    """End-to-end ingest; stopped at ``max_seconds``, then the rate is that of the rows read by
    then (a load is staged: it writes to the server only after its last row, so a stopped run
    has written nothing; give a ``--max-seconds`` the whole load fits in)."""
    import neo4j

    from graphkit.load import BATCH_ROWS, load_files

    store = _store(uri, int(batch))
    store.ensure_schema()  # constraints outside the timing
    limit = float(max_seconds)
    read = [0]
    series: list[tuple[int, float]] = []  # (rows read and staged, seconds)
    t0 = time.perf_counter()

    def progress(k: int) -> None:
        read[0] += k
        if read[0] % BATCH_ROWS == 1 and read[0] > 1:  # a batch has been read and staged
            series.append((read[0] - 1, time.perf_counter() - t0))
            if series[-1][1] > limit:
                raise _Stop

    base = {"rust": _rust(), "neo4j_file": neo4j.__file__, "batch": int(batch), "series": series,
            "max_seconds": limit}
    try:
        report = load_files(store, [Path(csv_path)], "registry", progress=progress)
    except Exception as exc:  # noqa: BLE001 - a failure is a measurement
        failed = None if isinstance(exc, _Stop) else f"{type(exc).__name__}: {exc}"[:400]
        fail_at = (read[0], time.perf_counter() - t0)
        try:
            store.close()
        except Exception:  # noqa: BLE001
            pass
        base.update({"failed": failed, "rows_read_at_stop": fail_at[0], "seconds_at_stop": fail_at[1]})
        if not series:
            return {**base, "partial": True, "rows": 0, "seconds": time.perf_counter() - t0, "rows_s": None}
        rows, took = series[-1]
        return {**base, "partial": True, "rows": rows, "seconds": took, "rows_s": rows / took}
    took = time.perf_counter() - t0
    store.close()
    w = report.written
    return {**base, "partial": False, "rows": report.rows_read, "loaded": report.rows_loaded,
            "seconds": took, "rows_s": report.rows_read / took, "nodes_created": w.nodes_created,
            "rels_created": w.rels_created}


def child_push(uri: str, db: str, rows: str, records: str, max_seconds: str) -> dict[str, Any]:
    """copy_store from the embedded store; stopped after the first batch past ``max_seconds``
    (each batch is its own transaction: what was copied by then is committed)."""
    from graphkit.store.copy import copy_store
    from graphkit.store.embedded import EmbeddedStore

    limit = float(max_seconds)
    done = [0]
    t0 = time.perf_counter()
    last = [0.0]

    def progress(k: int) -> None:
        done[0] += k
        last[0] = time.perf_counter() - t0
        if last[0] > limit:
            raise _Stop

    with EmbeddedStore(Path(db), read_only=True) as source:
        target = _store(uri)
        target.ensure_schema()
        t0 = time.perf_counter()
        try:
            copy_store(source, target, progress=progress)
            partial = False
            took = time.perf_counter() - t0
        except _Stop:
            partial = True
            took = last[0]
        target.close()
    total = int(records)
    return {"rust": _rust(), "partial": partial, "seconds": took, "records": done[0],
            "records_total": total, "records_s": done[0] / took,
            "csv_rows_equiv_s": done[0] / took * int(rows) / total, "max_seconds": limit}


def _sample(ids: list[str], queries: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return rng.sample(sorted(ids), min(len(ids), queries + 1))


def _time_links(store: Any, sample: list[str]) -> dict[str, Any]:
    from graphkit.link.links import find_links

    warm, sample = sample[0], sample[1:]
    find_links(store, [warm])
    times, found = [], []
    for cid in sample:
        t = time.perf_counter()
        found.append(len(find_links(store, [cid])))
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"queries": len(times), "p50_ms": _pct(times, 50), "p95_ms": _pct(times, 95),
            "max_ms": times[-1], "mean_ms": statistics.fmean(times),
            "with_links": sum(1 for f in found if f), "mean_links": statistics.fmean(found)}


def child_links(kind: str, where: str, queries: str, seed: str, ids_file: str) -> dict[str, Any]:
    """find-links over the firms in ``ids_file`` (drawn once by the parent, so both stores are
    asked about the same firms)."""
    sample = json.loads(Path(ids_file).read_text())[: int(queries) + 1]
    if kind == "neo4j":
        store = _store(where)
        res = {"rust": _rust()}
    else:
        from graphkit.store.embedded import EmbeddedStore

        store = EmbeddedStore(Path(where), read_only=True)
        res = {}
    res.update(_time_links(store, sample))
    store.close()
    return res


def child_ids(db: str) -> dict[str, Any]:
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(Path(db), read_only=True) as store:
        return {"ids": [r["id"] for r in store._execute("MATCH (c:Company) RETURN c.id AS id")]}


def child_wipe(uri: str) -> dict[str, Any]:
    store = _store(uri)
    t0 = time.perf_counter()
    with store.driver.session(database=store.database) as s:
        s.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        left = s.run("MATCH (n) RETURN count(n) AS c").single()["c"]
    store.close()
    return {"seconds": time.perf_counter() - t0, "left": left}


def child_schema(uri: str) -> dict[str, Any]:
    """graphkit's constraints and indexes on the imported graph, and wait until they are online."""
    store = _store(uri)
    t0 = time.perf_counter()
    store.ensure_schema()
    with store.driver.session(database=store.database) as s:
        s.run("CALL db.awaitIndexes(600)").consume()
    store.close()
    return {"seconds": time.perf_counter() - t0}


def child_count(uri: str) -> dict[str, Any]:
    store = _store(uri)
    with store.driver.session(database=store.database) as s:
        nodes = s.run("MATCH (n) RETURN count(n) AS c").single()["c"]
        rels = s.run("MATCH ()-[r]->() RETURN count(r) AS c").single()["c"]
    store.close()
    return {"nodes": nodes, "rels": rels}


def child_admin_csv(db: str, out_dir: str) -> dict[str, Any]:
    """The embedded store's nodes and relationships as neo4j-admin import CSV files (one per
    label and per relationship type/endpoint labels), with typed headers."""
    import ladybug
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from graphkit.model import get_model
    from graphkit.store.embedded import DB_FILE

    model = get_model()
    out = Path(out_dir)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    database = ladybug.Database(str(Path(db) / DB_FILE), read_only=True)
    conn = ladybug.Connection(database)
    files: dict[str, list[tuple[str, str, int]]] = {"nodes": [], "relationships": []}

    def typed(table: pa.Table, special: dict[str, str]) -> pa.Table:
        cols, names = [], []
        for name, col in zip(table.column_names, table.columns, strict=True):
            t = col.type
            if name in special:
                head = special[name]
            elif pa.types.is_list(t) or pa.types.is_large_list(t):
                col = pc.binary_join(pc.cast(col, pa.list_(pa.string())), ";")
                head = f"{name}:string[]"
            elif pa.types.is_integer(t):
                head = f"{name}:long"
            elif pa.types.is_floating(t):
                head = f"{name}:double"
            elif pa.types.is_boolean(t):
                head = f"{name}:boolean"
            elif pa.types.is_date(t):
                head = f"{name}:date"
            elif pa.types.is_timestamp(t):
                col = pc.cast(col, pa.string())
                head = f"{name}:localdatetime"
            else:
                col = pc.cast(col, pa.string()) if not pa.types.is_string(t) else col
                head = name
            cols.append(col)
            names.append(head)
        return pa.table(cols, names=names)

    def write(kind: str, name: str, label: str, table: pa.Table) -> None:
        if not table.num_rows:
            return
        path = out / f"{name}.csv"
        pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="all_valid"))
        files[kind].append((label, str(path), table.num_rows))

    for label in model.nodes:
        cols = ", ".join(f"n.{c} AS {c}" for c in model.node_columns(label))
        table = conn.execute(f"MATCH (n:{label}) RETURN {cols}").get_as_arrow()
        write("nodes", f"node.{label}", label, typed(table, {"id": f"id:ID({label})"}))
    for rt in model.relationships.values():
        cols = ", ".join(f"r.{c} AS {c}" for c in model.rel_columns(rt.type))
        for a, b in rt.between:
            table = conn.execute(f"MATCH (a:{a})-[r:{rt.type}]->(b:{b}) "
                                 f"RETURN a.id AS _from, b.id AS _to, {cols}").get_as_arrow()
            write("relationships", f"rel.{rt.type}.{a}.{b}", rt.type,
                  typed(table, {"_from": f":START_ID({a})", "_to": f":END_ID({b})"}))
    conn.close()
    database.close()
    return {"files": files, "nodes": sum(n for _, _, n in files["nodes"]),
            "rels": sum(n for _, _, n in files["relationships"])}


def _pct(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile (as bench/run.py)."""
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


# ============================================================================================
# The parent


def run_child(kind: str, *args: Any, rust: bool = False, env_extra: dict[str, str] | None = None) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "_child", kind, *map(str, args)]
    log(f"  {kind} {' '.join(map(str, args[1:] if kind != 'admin_csv' else args))}"
        f"{' (rust ext)' if rust else ''} ...")
    env = dict(os.environ, **(env_extra or {}))
    paths = [str(RUST_DIR)] if rust else []
    env["PYTHONPATH"] = os.pathsep.join(paths + [p for p in [env.get("PYTHONPATH")] if p])
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise RuntimeError(f"child {kind} failed (exit {proc.returncode})")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_seconds"] = time.perf_counter() - t0
    shown = {k: v for k, v in out.items() if k not in ("ids", "files")}
    log(f"  {kind}: {json.dumps(shown, default=str)}")
    return out


def _cpu_busy(seconds: float = 5.0) -> float:
    """Share of all cores busy over ``seconds`` (from /proc/stat), taken while this run is idle
    (its server up but not asked anything): what other work on the machine uses."""
    def read() -> tuple[int, int]:
        f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = f[3] + (f[4] if len(f) > 4 else 0)
        return sum(f[:8]), idle
    t0, i0 = read()
    time.sleep(seconds)
    t1, i1 = read()
    return 1 - (i1 - i0) / max(1, t1 - t0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ensure_rust_dir() -> str:
    """neo4j-rust-ext matching the venv's driver, in a side directory (the venv is untouched)."""
    import importlib.metadata as md

    version = md.version("neo4j")
    stamp = RUST_DIR / ".version"
    if not (stamp.exists() and stamp.read_text() == version):
        shutil.rmtree(RUST_DIR, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(RUST_DIR),
                        f"neo4j=={version}", f"neo4j-rust-ext=={version}.*"], check=True)
        stamp.write_text(version)
    info = next(RUST_DIR.glob("neo4j_rust_ext-*.dist-info"))
    return info.name.removeprefix("neo4j_rust_ext-").removesuffix(".dist-info")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if run.answer_child(argv, {name[len("child_"):]: f for name, f in globals().items() if name.startswith("child_")}):
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--batches", default="1000,5000,20000", help="Neo4jStore batch_size values")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--runpy-workdir", type=Path, default=Path("/tmp/gk-helper-bench"),
                    help="bench/run.py --keep's workdir: its CSV and embedded store are reused")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/gk-helper-neo4j"))
    ap.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    ap.add_argument("--max-seconds", type=float, default=60.0,
                    help="stop each driver ingest / push after this long and report the rate so far")
    ap.add_argument("--skip-push", action="store_true",
                    help="do not measure graphkit push (its child has crashed reading the embedded "
                         "store, exit -11, in runs on 2026-11-23)")
    ap.add_argument("--note", action="append", default=[],
                    help="a note printed with the run's figures (repeatable)")
    ap.add_argument("--heap", default=None,
                    help="bench-only override of the server's heap (e.g. 3g; default: "
                         "graphkit.server.neo4j_server.HEAP), written to the workspace's extra.conf")
    ap.add_argument("--pagecache", default=None,
                    help="bench-only override of the server's page cache (e.g. 4g for 1M "
                         "companies; default: graphkit.server.neo4j_server.PAGECACHE)")
    ap.add_argument("--render-only", action="store_true",
                    help="rewrite the doc's Neo4j section from WORKDIR/results.json (no measuring)")
    args = ap.parse_args(argv)
    if args.render_only:
        results = args.workdir / "results.json"
        if results.exists():
            res = json.loads(results.read_text())
            if not res.get("runpy"):
                runpy = args.runpy_workdir / "results.json"
                res["runpy"] = json.loads(runpy.read_text()) if runpy.exists() else None
            _keep_run(args.doc, res)
        _write_doc(args.doc, render_all(_load_runs(args.doc)))
        return 0
    command = "python bench/neo4j_bench.py" + (" " + " ".join(argv) if argv else "")
    started = dt.datetime.now().astimezone()
    t_start = time.perf_counter()

    from graphkit.server import neo4j_server as ns

    n = args.companies
    src = args.runpy_workdir / f"n{n}"
    csv_path = src / f"registry-{n}.csv"
    emb_db = src / "db-graphkit"
    args.workdir.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {"companies": n, "ingest": [], "notes": list(args.note)}
    res["load"] = {"at_start": os.getloadavg()}
    if not csv_path.exists():
        from graphkit.synth.registry import generate

        csv_path, _ = generate(n, args.workdir / "data", args.seed)
    if not (emb_db / "graph.lbdb").exists():
        emb_db = args.workdir / "db-embedded"
        shutil.rmtree(emb_db, ignore_errors=True)
        log("embedded ingest for push / find-links comparison ...")
        subprocess.run([sys.executable, "-c",
                        "import sys; from pathlib import Path; from graphkit.load import load_files; "
                        "from graphkit.store.embedded import EmbeddedStore; "
                        "s=EmbeddedStore(Path(sys.argv[1])); load_files(s,[Path(sys.argv[2])],'registry'); s.close()",
                        str(emb_db), str(csv_path)], check=True, cwd=REPO)
    res["csv"] = str(csv_path)
    res["csv_rows"] = sum(1 for _ in open(csv_path, encoding="utf-8")) - 1
    res["embedded_db"] = str(emb_db)
    res["rust_ext_version"] = _ensure_rust_dir()

    ws = args.workdir / "ws"
    shutil.rmtree(ws, ignore_errors=True)
    pw = secrets.token_urlsafe(18)
    env = {"NEO4J_PASSWORD": pw}
    res["memory"] = {"heap": args.heap or ns.HEAP, "pagecache": args.pagecache or ns.PAGECACHE,
                     "overridden": [k for k in ("heap", "pagecache") if getattr(args, k)]}
    if args.heap or args.pagecache:  # bench-only: graphkit.server.neo4j_server's extra.conf overrides
        extra = ns._dir(ws) / "extra.conf"
        extra.parent.mkdir(parents=True, exist_ok=True)
        extra.write_text("# bench/neo4j_bench.py --heap / --pagecache\n"
                         + (f"server.memory.heap.initial_size={args.heap}\n"
                            f"server.memory.heap.max_size={args.heap}\n" if args.heap else "")
                         + (f"server.memory.pagecache.size={args.pagecache}\n" if args.pagecache else ""))
    home = ns.fetch()
    res["neo4j_home"] = str(home)
    t = time.perf_counter()
    info = ns.start(ws, bolt_port=_free_port(), http_port=_free_port(), password=pw)
    res["start_seconds"] = time.perf_counter() - t
    uri = info.bolt_uri
    log(f"server up at {uri} in {res['start_seconds']:.0f} s")
    try:
        # 1. end-to-end driver ingest, each run stopped at --max-seconds
        for batch in [int(b) for b in args.batches.split(",")]:
            for rust in (False, True):
                run_child("wipe", uri, env_extra=env)
                r = run_child("ingest", uri, csv_path, batch, args.max_seconds, rust=rust, env_extra=env)
                if r["rust"] != rust:
                    raise RuntimeError(f"child reported RUST_AVAILABLE={r['rust']}, wanted {rust}")
                res["ingest"].append(r)
        # 2. push from the embedded store
        exp = run_child("admin_csv", emb_db, args.workdir / "admin-csv")  # also gives the counts
        res["push"] = []
        for rust in (False, True):
            if args.skip_push:
                res["push"].append({"failed": "not run (--skip-push)", "rust": rust, "max_seconds": args.max_seconds,
                                    "records_total": exp["nodes"] + exp["rels"]})
                continue
            run_child("wipe", uri, env_extra=env)
            try:
                res["push"].append(run_child("push", uri, emb_db, res["csv_rows"], exp["nodes"] + exp["rels"],
                                             args.max_seconds, rust=rust, env_extra=env))
            except RuntimeError as exc:  # a crashed child is a measurement too
                res["push"].append({"failed": str(exc), "rust": rust, "max_seconds": args.max_seconds,
                                    "records_total": exp["nodes"] + exp["rels"]})
    finally:
        ns.stop(ws)
        log("server stopped")
    # 3. neo4j-admin import into the stopped server's database; 4. find-links on that graph
    ids = run_child("ids", emb_db)["ids"]
    ids_file = args.workdir / "ids.json"
    ids_file.write_text(json.dumps(_sample(ids, args.queries, args.seed)))
    cmd = [str(home / "bin" / "neo4j-admin"), "database", "import", "full", "neo4j",
           "--overwrite-destination=true", "--multiline-fields=true", "--array-delimiter=;"]
    cmd += [f"--nodes={label}={path}" for label, path, _ in exp["files"]["nodes"]]
    cmd += [f"--relationships={typ}={path}" for typ, path, _ in exp["files"]["relationships"]]
    ienv = ns._env(home, ns._dir(ws))
    log("  neo4j-admin database import full ...")
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ienv, cwd=args.workdir)
    took = time.perf_counter() - t
    (args.workdir / "admin-import.log").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        res["admin_error"] = f"neo4j-admin exit {proc.returncode}: " + (proc.stderr or proc.stdout).strip()[-600:]
        log(res["admin_error"])
    else:
        res["admin"] = {"seconds": took, "nodes": exp["nodes"], "rels": exp["rels"],
                        "csv_rows_s": res["csv_rows"] / took,
                        "records_s": (exp["nodes"] + exp["rels"]) / took}
        log(f"  neo4j-admin: {took:.1f} s")
        info = ns.start(ws, bolt_port=_free_port(), http_port=_free_port(), password=pw)
        try:
            uri = info.bolt_uri
            res["schema"] = run_child("schema", uri, env_extra=env)
            res["admin"]["counts_after"] = run_child("count", uri, env_extra=env)
            res["load"]["before_find_links_neo4j"] = os.getloadavg()
            res["cpu_busy"] = {"before_find_links_neo4j": _cpu_busy()}
            res["links_neo4j"] = run_child("links", "neo4j", uri, args.queries, args.seed, ids_file,
                                           rust=True, env_extra=env)
        finally:
            ns.stop(ws)
            log("server stopped")
    res["load"]["before_find_links_embedded"] = os.getloadavg()
    res.setdefault("cpu_busy", {})["before_find_links_embedded"] = _cpu_busy()
    res["links_embedded"] = run_child("links", "embedded", emb_db, args.queries, args.seed, ids_file)
    runpy = args.runpy_workdir / "results.json"
    res["runpy"] = json.loads(runpy.read_text()) if runpy.exists() else None
    if runpy.exists():
        res["runpy_source"] = (f"`bench/run.py --workdir {args.runpy_workdir}`, results written "
                               f"{dt.datetime.fromtimestamp(runpy.stat().st_mtime).astimezone():%Y-%m-%d %H:%M %Z}")
    res["total_minutes"] = (time.perf_counter() - t_start) / 60
    res["command"], res["started"] = command, started.isoformat()
    (args.workdir / "results.json").write_text(json.dumps(res, indent=2, default=str))
    _keep_run(args.doc, res)
    text = render_all(_load_runs(args.doc))
    _write_doc(args.doc, text)
    log(f"wrote the Neo4j section of {args.doc} ({_store_path(args.doc).name} keeps each size's results)")
    print(text)
    return 0


# ============================================================================================
# Each size's results, kept beside the doc so that a run at one size does not drop the others


def _store_path(doc: Path) -> Path:
    """docs/benchmarks.md -> docs/benchmarks-neo4j.json (one entry per size, the newest run)."""
    return doc.with_name(doc.stem + "-neo4j.json")


def _size(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else f"{n:,}"


def _load_runs(doc: Path) -> dict[int, dict[str, Any]]:
    path = _store_path(doc)
    runs = json.loads(path.read_text(encoding="utf-8"))["runs"] if path.exists() else {}
    return {int(k): v for k, v in runs.items()}


def _keep_run(doc: Path, res: dict[str, Any]) -> None:
    """Put one run's results into the store (replacing that size's previous run). The first
    time, a Neo4j section rendered by the one-size script before the store existed is kept as
    it is (its text and the figures read from it), so its size is not lost."""
    path = _store_path(doc)
    runs = _load_runs(doc)
    if not path.exists() and doc.exists():
        legacy = _adopt_section(doc.read_text(encoding="utf-8"))
        if legacy and legacy["companies"] != res["companies"]:
            runs[legacy["companies"]] = legacy
    entry = {k: v for k, v in res.items() if k != "runpy"}
    rp = res.get("runpy") or {}
    for f in rp.get("full", []):
        if f.get("companies") == res["companies"] and not f["ingest"].get("failed"):
            entry["embedded_ingest_rows_s"] = f["ingest"]["rows"] / f["ingest"]["seconds"]
    prev = runs.get(res["companies"])
    if prev and "adopted_text" not in prev and prev.get("started") != res.get("started"):
        # the run replaced stays as a line of figures: the spread between runs is worth seeing
        entry["earlier"] = (prev.get("earlier", []) + [{
            "started": prev["started"], "command": prev["command"],
            "links_neo4j": prev.get("links_neo4j"), "links_embedded": prev.get("links_embedded"),
            "admin_records_s": (prev.get("admin") or {}).get("records_s")}])[-3:]
    elif prev and prev.get("started") == res.get("started"):
        entry["earlier"] = prev.get("earlier", [])
    runs[res["companies"]] = entry
    path.write_text(json.dumps({"runs": {str(k): runs[k] for k in sorted(runs)}}, indent=1, default=str) + "\n",
                    encoding="utf-8")


def _adopt_section(doc: str) -> dict[str, Any] | None:
    """A one-size Neo4j section as the script wrote it before the store: its text, verbatim, and
    the figures the tables above the per-size parts need, read from it."""
    if "\n" + MARK + "\n" not in doc:
        return None
    rest = doc[doc.index("\n" + MARK + "\n") + 1:]
    later = [m.start() for m in re.finditer(r"^## (?!Neo4j)", rest, flags=re.M)]
    text = rest[: later[0]] if later else rest
    head = re.search(r"^\| (\d+)k companies \| Neo4j \|", text, flags=re.M)
    if not head:
        return None

    def row(name: str) -> list[str]:
        m = re.search(rf"^\| {name} \| ([^|]+) \| ([^|]+) \|", text, flags=re.M)
        return [c.strip() for c in m.groups()] if m else ["", ""]

    def ms(cell: str) -> float | None:
        m = re.match(r"([\d.]+) ms", cell)
        return float(m.group(1)) if m else None

    links: dict[str, dict[str, Any]] = {"neo4j": {}, "embedded": {}}
    for key, name in (("p50_ms", "p50"), ("p95_ms", "p95"), ("max_ms", "max")):
        for store, cell in zip(("neo4j", "embedded"), row(name), strict=True):
            links[store][key] = ms(cell)
    for store, cell in zip(("neo4j", "embedded"), row("calls that found a link"), strict=True):
        m = re.match(r"(\d+) of (\d+)", cell)
        if m:
            links[store]["with_links"], links[store]["queries"] = int(m.group(1)), int(m.group(2))
    date = re.search(r"^- date: (\S+ \S+ \S+)", text, flags=re.M)
    command = re.search(r"^- command: `([^`]+)`", text, flags=re.M)
    admin = re.search(r"([\d,]+) records/s\. Counts", text)
    best = re.search(r"best ([\d,]+) rows/s", text)
    return {"companies": int(head.group(1)) * 1000, "adopted_text": text.rstrip() + "\n",
            "date": date.group(1) if date else "?", "command": command.group(1) if command else "?",
            "links_neo4j": links["neo4j"] if links["neo4j"]["p95_ms"] is not None else None,
            "links_embedded": links["embedded"],
            "admin_records_s": float(admin.group(1).replace(",", "")) if admin else None,
            "best_ingest_rows_s": float(best.group(1).replace(",", "")) if best else None}


def _write_doc(path: Path, text: str) -> None:
    """Replace (or insert) the doc's Neo4j section; the other sections stay as they are."""
    from docsection import put_section

    put_section(MARK.removeprefix("## "), text.removeprefix(MARK).strip(), path)


def render_run(res: dict[str, Any]) -> str:
    """One size's run, under a ``### <size> companies`` heading."""
    import platform

    import neo4j

    n = res["companies"]
    command, started = res["command"], dt.datetime.fromisoformat(res["started"])
    rows = res["csv_rows"]
    ram = next((f"{int(ln.split()[1]) / 1024 / 1024:.1f} GiB" for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")), "?")
    try:
        java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    except (OSError, IndexError):
        java = "java: not found"
    mem = res.get("memory")
    memory = (f"{mem['heap']} heap, {mem['pagecache']} page cache"
              + (f"; {' and '.join(mem['overridden'])} set for this run with `--{' --'.join(mem['overridden'])}`, "
                 "a bench-only override written to the workspace's `extra.conf`" if mem["overridden"] else
                 ", graphkit's defaults") if mem else "graphkit's defaults at the time")
    load = res.get("load") or {}
    L = [f"### {_size(n)} companies (run {started:%Y-%m-%d %H:%M %Z})", "",
         f"- date: {started:%Y-%m-%d %H:%M %Z} (whole run {res['total_minutes']:.1f} min)",
         f"- command: `{command}` (after `python bench/run.py ... --keep`, whose CSV and embedded store it reuses)",
         f"- machine: the one above (`nproc` = {os.cpu_count()}, RAM {ram}); Python {platform.python_version()}, "
         f"neo4j driver {neo4j.__version__}, neo4j-rust-ext {res['rust_ext_version']}, "
         f"Neo4j Community {Path(res['neo4j_home']).name.removeprefix('neo4j-community-')} "
         f"(`graphkit.server.neo4j_server`, {memory}), {java}",
         f"- data: the {n:,}-company synthetic registry of `bench/run.py` ({rows:,} CSV rows); "
         f"the server and the client share the machine's {os.cpu_count()} cores",
         ]
    busy = res.get("cpu_busy") or {}
    if load:
        L.append("- load average (1 min, `os.getloadavg`; it includes this run's own earlier steps, e.g. "
                 "the neo4j-admin import uses every core): " + ", ".join(
                     f"{k.replace('_', ' ')} {v[0]:.1f}" for k, v in load.items()))
    if busy:
        shared = max(busy.values()) > 0.25
        L.append("- other work on the machine: share of both cores busy in the 5 s before each find-links "
                 "timing, while this run was idle: " + ", ".join(
                     f"{k.replace('_', ' ')} {v:.0%}" for k, v in busy.items())
                 + (" - the machine was shared, so these times are slower than on an idle machine"
                    if shared else " (the machine was otherwise quiet)"))
    L += [""]
    L += [f"- note: {note}" for note in res.get("notes", [])] + ([""] if res.get("notes") else [])
    emb_ing = res.get("embedded_ingest_rows_s")
    def rate(r: dict[str, Any]) -> str:
        if r.get("failed"):
            done = (f"{r['rows_s']:,.0f} up to then ({r['rows']:,} rows written in {r['seconds']:.0f} s)"
                    if r["rows_s"] else "no 20,000-row batch written before")
            code = re.search(r"Neo\.\w+\.\w+\.(\w+)", r["failed"])
            return (f"**failed** at {r['seconds_at_stop']:.0f} s, {r['rows_read_at_stop']:,} rows read "
                    f"({code.group(1) if code else r['failed'][:80]}); {done}")
        if not r["rows_s"]:
            return f"< {20000 / r['max_seconds']:,.0f} (no 20,000-row batch written in {r['max_seconds']:g} s)"
        how = (f"first {r['rows']:,} rows read in {r['seconds']:.0f} s, stopped before writing" if r["partial"]
               else f"all rows, {r['seconds']:.0f} s, every write committed")
        return f"{r['rows_s']:,.0f} ({how})"

    L += ["#### Driver ingest, end to end", "",
          "`load_files(Neo4jStore(uri, batch_size=B), [csv], \"registry\")`, each run in a fresh "
          "process into an emptied database (constraints created before the clock starts). "
          "A load is staged: it reads, builds and stages every row, then writes to the server "
          "(new records with `UNWIND $rows ... CREATE`, B rows per transaction). rows/s = CSV rows / "
          "wall time of the whole call, every write committed. A run still going at "
          f"{res['ingest'][0]['max_seconds']:g} s is stopped at the next 20,000-row batch read, "
          "before it has written anything, and its rate is then of rows read. "
          "*with neo4j-rust-ext*: the child saw "
          "`neo4j._codec.packstream.RUST_AVAILABLE` true (the extension from a side directory on "
          "`PYTHONPATH`; the venv has no extension).", "",
          "| batch_size | without neo4j-rust-ext, rows/s | with neo4j-rust-ext, rows/s |", "|---|---|---|"]
    by = {(r["batch"], r["rust"]): r for r in res["ingest"]}
    for b in sorted({r["batch"] for r in res["ingest"]}):
        L.append(f"| {b:,} | {rate(by[(b, False)])} | {rate(by[(b, True)])} |")
    errs = sorted({r["failed"] for r in res["ingest"] if r.get("failed")})
    if errs:
        L += ["", f"Failure, as Neo4j reported it (all {len([r for r in res['ingest'] if r.get('failed')])} runs; "
              f"the MiB in use differ): `{errs[0]}` "
              "."]
    L += [] if not any(r["series"] for r in res["ingest"]) else [
        "", "Rows read and staged over time (rows: seconds; the writes follow the last row): " + "; ".join(
        f"B={r['batch']:,}{' rust' if r['rust'] else ''}: " + ", ".join(f"{k // 1000}k: {t:.0f} s" for k, t in r["series"])
        for r in res["ingest"] if r["series"]) + "."]
    if emb_ing:
        L += ["", f"Embedded end-to-end ingest of the same CSV by the run that made it "
              f"({res.get('runpy_source', 'bench/run.py')}): {emb_ing:,.0f} rows/s."]
    L += [""]
    L += ["#### Push (`graphkit push`: `copy_store` from the embedded store)", "",
          f"Stopped after the first batch past {res['push'][0]['max_seconds']:g} s (each batch is its "
          "own transaction); the rate is nodes + relationships copied / seconds until then, and its "
          f"CSV-row equivalent (x {rows:,} CSV rows / {res['push'][0]['records_total']:,} records).", "",
          "| | without rust ext | with rust ext |", "|---|---|---|"]
    p0, p1 = res["push"]

    def push(p: dict[str, Any], text: Any) -> str:
        return f"**{p['failed']}**" if p.get("failed") else str(text(p))

    L.append("| records copied / of | " + " | ".join(
        push(p, lambda p: f"{p['records']:,} / {p['records_total']:,} in {p['seconds']:.0f} s") for p in (p0, p1)) + " |")
    L.append("| nodes + relationships per s | " + " | ".join(
        push(p, lambda p: f"{p['records_s']:,.0f}") for p in (p0, p1)) + " |")
    L.append("| CSV-row equivalent per s | " + " | ".join(
        push(p, lambda p: f"{p['csv_rows_equiv_s']:,.0f}") for p in (p0, p1)) + " |")
    L += [""]
    ln, le = res.get("links_neo4j"), res["links_embedded"]
    L += ["#### find-links", ""]
    if ln:
        L += [f"`find_links(store, [id])` over the same {ln['queries']} random firms (seeded) on each store, "
              "one warm-up call first, nearest-rank percentiles; the Neo4j graph is the neo4j-admin-imported "
              f"one below, with graphkit's constraints and indexes created after the import "
              f"({res['schema']['seconds']:.0f} s, online before timing); driver with rust ext.", "",
              f"| {_size(n)} companies | Neo4j | embedded (LadybugDB), same run, same firms |", "|---|---|---|",
              f"| p50 | {ln['p50_ms']:.1f} ms | {le['p50_ms']:.1f} ms |",
              f"| p95 | {ln['p95_ms']:.1f} ms | {le['p95_ms']:.1f} ms |",
              f"| max | {ln['max_ms']:.1f} ms | {le['max_ms']:.1f} ms |",
              f"| calls that found a link | {ln['with_links']} of {ln['queries']} | {le['with_links']} of {le['queries']} |", ""]
    else:
        L += [f"Not measured on Neo4j (the import failed); embedded p50 {le['p50_ms']:.1f} ms, p95 {le['p95_ms']:.1f} ms.", ""]
    L += ["#### neo4j-admin database import", ""]
    ad = res.get("admin")
    if ad:
        L += [f"The same nodes and relationships as the embedded store (exported untimed to CSV with "
              f"neo4j-admin headers, `id:ID(Label)`, `:START_ID(Label)`, typed properties), "
              f"`neo4j-admin database import full --overwrite-destination` into the stopped server's "
              f"`neo4j` database: {ad['seconds']:.1f} s wall (JVM start included) for "
              f"{ad['nodes']:,} nodes and {ad['rels']:,} relationships: {ad['csv_rows_s']:,.0f} "
              f"CSV-row-equivalents/s, {ad['records_s']:,.0f} records/s. Counts seen after restarting: "
              f"{ad['counts_after']['nodes']:,} nodes, {ad['counts_after']['rels']:,} relationships.", ""]
    else:
        L += [f"Not measured: {res.get('admin_error', 'skipped (--no-admin)')}.", ""]
    complete = [r for r in res["ingest"] if not r.get("failed") and not r.get("partial")]
    missing = ([] if complete else [f"a complete end-to-end driver ingest at {_size(n)} (every run failed or "
                                    "was stopped, above)"]) + ([] if ad else ["neo4j-admin import (see above)"])
    missing += [] if ln else ["find-links on Neo4j (no imported graph)"]
    missing += [f"graphkit push ({p0['failed']})"] if p0.get("failed") and p1.get("failed") else []
    L += [("**Not measured in this run:** " + "; ".join(missing) + ". " if missing else "")
          + "Comparisons are within this run; no test asserts on time.", ""]
    return "\n".join(L)


def render_all(runs: dict[int, dict[str, Any]]) -> str:
    """The doc's Neo4j section: find-links and the targets over every size kept, then each
    size's run (the newest at that size)."""
    sizes = sorted(runs)

    def when(r: dict[str, Any]) -> str:
        return r["date"] if "adopted_text" in r else f"{dt.datetime.fromisoformat(r['started']):%Y-%m-%d %H:%M %Z}"

    def cell(links: dict[str, Any] | None, key: str) -> str:
        if not links or links.get(key) is None:
            return "not measured"
        return f"{links[key]:.1f} ms"

    L = [MARK, "",
         "Written by `bench/neo4j_bench.py`; do not edit the numbers by hand - rerun it. Each size is "
         "its own run (date, command, server memory and machine load in that size's part below); "
         "the newest run at each size is kept in `docs/benchmarks-neo4j.json`, so a run at one size "
         "leaves the others in place, and `--render-only` rewrites this section from that file.", "",
         "### find-links at " + " and ".join(_size(n) for n in sizes) + " companies", "",
         "`find_links(store, [id])` over the same random firms (seeded) on both stores in one run, one "
         "warm-up call first, nearest-rank percentiles; Neo4j: the neo4j-admin-imported graph with "
         "graphkit's constraints and indexes, driver with neo4j-rust-ext; embedded: the store "
         "`bench/run.py` loaded at that size. Details in each size's part below.", "",
         "| | " + " | ".join(f"{_size(n)}: Neo4j | {_size(n)}: embedded (LadybugDB)" for n in sizes) + " |",
         "|---|" + "---|---|" * len(sizes),
         "| run | " + " | ".join(f"{when(runs[n])} | same run, same firms" for n in sizes) + " |"]
    for key, name in (("p50_ms", "p50"), ("p95_ms", "p95"), ("max_ms", "max")):
        L.append(f"| {name} | " + " | ".join(
            f"{cell(runs[n].get('links_neo4j'), key)} | {cell(runs[n].get('links_embedded'), key)}" for n in sizes) + " |")

    def found(links: dict[str, Any] | None) -> str:
        return f"{links['with_links']} of {links['queries']}" if links and "queries" in links else "-"

    L.append("| calls that found a link | " + " | ".join(
        f"{found(runs[n].get('links_neo4j'))} | {found(runs[n].get('links_embedded'))}" for n in sizes) + " |")
    L += [""]

    def pms(links: dict[str, Any] | None) -> str:
        return "/".join(cell(links, k).removesuffix(" ms") for k in ("p50_ms", "p95_ms", "max_ms")) + " ms"

    for n in sizes:
        for e in runs[n].get("earlier", []):
            L += [f"Earlier run at {_size(n)}, replaced by the one above "
                  f"({dt.datetime.fromisoformat(e['started']):%Y-%m-%d %H:%M %Z}, `{e['command'].split(' --note')[0]}`): "
                  f"p50/p95/max Neo4j {pms(e.get('links_neo4j'))}, embedded {pms(e.get('links_embedded'))}"
                  + (f"; neo4j-admin import {e['admin_records_s']:,.0f} records/s" if e.get("admin_records_s") else "")
                  + ".", ""]

    big = runs.get(1_000_000)
    ln_big = big.get("links_neo4j") if big else None
    others = "; ".join(f"{cell(runs[n].get('links_neo4j'), 'p95_ms')} at {_size(n)} ({when(runs[n])})"
                       for n in sizes if n != 1_000_000)
    if ln_big:
        p95 = ln_big["p95_ms"]
        links_row = (f"| find-links p95 <= {TARGET_P95_MS:g} ms at 1M on Neo4j | {p95:.1f} ms at 1M "
                     f"({when(big)}; embedded {cell(big['links_embedded'], 'p95_ms')} on the same firms)"
                     + (f"; {others}" if others else "") + f" | **{'met' if p95 <= TARGET_P95_MS else 'not met'}** |")
    else:
        links_row = (f"| find-links p95 <= {TARGET_P95_MS:g} ms at 1M on Neo4j | not measured at 1M"
                     + (f"; {others}" if others else "") + " | n/a (1M on Neo4j not run) |")

    def best_ingest(r: dict[str, Any]) -> str:
        if "adopted_text" in r:
            v = r.get("best_ingest_rows_s")
            return f"{v:,.0f} rows/s at {_size(r['companies'])}" if v else f"? at {_size(r['companies'])}"
        best = max(r["ingest"], key=lambda x: x["rows_s"] or 0)
        what = ("rows read before the stop, nothing written yet" if best.get("partial") and not best.get("failed")
                else "some runs failed" if best.get("failed") else "end to end")
        return f"{best['rows_s'] or 0:,.0f} rows/s at {_size(r['companies'])} ({what})"

    def best_value(r: dict[str, Any]) -> float:
        if "adopted_text" in r:
            return r.get("best_ingest_rows_s") or 0.0
        return max((x["rows_s"] or 0) for x in r["ingest"] if not x.get("partial"))  \
            if any(not x.get("partial") for x in r["ingest"]) else 0.0

    complete_best = max(best_value(runs[n]) for n in sizes)

    def admin(r: dict[str, Any]) -> str:
        v = r.get("admin_records_s") if "adopted_text" in r else (r.get("admin") or {}).get("records_s")
        if not v:
            return f"not measured at {_size(r['companies'])}"
        extra = ""
        if "adopted_text" not in r:
            a = r["admin"]
            extra = f" ({a['nodes'] + a['rels']:,} records in {a['seconds']:.0f} s)"
        return f"{v:,.0f} records/s at {_size(r['companies'])}{extra}"

    L += ["### Against the targets", "", "| target | measured | verdict |", "|---|---|---|", links_row,
          f"| driver ingest >= {TARGET_ROWS_S:,} rows/s | " + "; ".join(best_ingest(runs[n]) for n in sizes)
          + f" | **{'met' if complete_best >= TARGET_ROWS_S else 'not met'}** (a complete end-to-end ingest) |",
          "| neo4j-admin import (no target) | " + "; ".join(admin(runs[n]) for n in sizes) + " | - |", ""]
    for n in sizes:
        r = runs[n]
        if "adopted_text" in r:
            text = r["adopted_text"].replace(MARK + "\n", "", 1)
            text = re.sub(r"^### ", "#### ", text, flags=re.M).strip()
            L += [f"### {_size(n)} companies (run {r['date']})", "",
                  "Kept as `bench/neo4j_bench.py` rendered it for that run (before the per-size results "
                  "file existed, and that run's results file is gone); its lines about 1M refer to that "
                  "run only and are superseded by the tables at the top of this section.", "", text, ""]
        else:
            L += [render_run(r)]
    return "\n".join(L).rstrip() + "\n"


if __name__ == "__main__":
    sys.exit(main())
