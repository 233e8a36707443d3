"""Ingest and find-links benchmark for the embedded store; writes docs/benchmarks.md.

    python bench/run.py                            # 100k and 1M companies (the default)
    python bench/run.py --sizes 100000,1000000
    python bench/run.py --quick                    # 10k companies, a smoke test

For each size, in one run on one machine:

1. generate a synthetic registry (``graphkit/synth/registry.py``; not timed as ingest);
2. end-to-end ingest: ``load_files(EmbeddedStore(dir), [csv], "registry")`` - rows/s, wall
   time, peak RSS;
3. the raw LadybugDB bulk-load rate for the same rows: the records graphkit would write are
   prepared beforehand (not timed) as one Parquet file per node table and relationship group,
   then ``COPY``-ed into a fresh database with no graphkit code in the loop - rows/s; also the
   same tables ``COPY``-ed from in-memory Arrow batches of ``load.BATCH_ROWS`` rows in one
   transaction, which is how graphkit writes;
4. find-links latency over random companies of the loaded store, after one warm-up;
5. peak RSS of the ingest at each size (flat if loading streams in batches).

Every measurement runs in a fresh child process (``python bench/run.py _child ...``) so that its
peak RSS (``ru_maxrss``) is its own. Numbers are compared as ratios within the run, because the
machine is shared and noisy. Nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

TARGET_RATIO = 0.40  # end-to-end rows/s as a share of raw COPY rows/s
TARGET_P95_MS = 20.0  # find-links p95 at 1M companies
TARGET_FLAT = 1.5  # peak RSS at the largest size / at the smallest: "roughly flat"


def _proc_kb(path: str, key: str) -> int | None:
    """The kB figure of the line starting with ``key`` in a /proc file; None if unreadable."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def json_parse(path: Path, clock: Any = time.perf_counter, passes: int = 3) -> float:
    """Seconds of a plain ``json.loads`` of every line of ``path`` by ``clock`` (wall by default,
    ``time.process_time`` for CPU), the fastest of ``passes``: the reference the loader benches
    give their figures as ratios to."""
    best = float("inf")
    for _ in range(passes):
        start = clock()
        with path.open("rb") as fh:
            for line in fh:
                json.loads(line)
        best = min(best, clock() - start)
    return best


def _rss_mb() -> float:
    """Peak RSS of this process so far, MB. ``VmHWM`` belongs to this process's own address
    space; ``ru_maxrss`` would also count the parent's RSS at fork time, which Linux carries
    across ``exec``."""
    kb = _proc_kb("/proc/self/status", "VmHWM:")
    return kb / 1024 if kb is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_mb() -> float:
    """Peak RSS of the largest child this process has waited for, MB (0 if none): the process a
    large load is read in (graphkit/load/apart.py), or one a large resolution decides its firms,
    pairs half its blocks or scores half its pairs in (graphkit/resolve/), forked without
    ``exec``, so its peak counts the pages it shares with this process (which idles meanwhile
    while a load is read, not while a resolution works apart)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def peak_mb() -> float:
    """Peak RSS of a load, MB: of this process or of the process it read the load in
    (``children_peak_mb``), whichever is larger."""
    return max(_rss_mb(), children_peak_mb())


def proc_stats() -> dict[int, list[str]]:
    """Every process's ``/proc/PID/stat`` fields after its command (``[1]`` its parent's pid,
    ``[11]``/``[12]`` its user and system CPU ticks, ``[21]`` its RSS in pages)."""
    stats: dict[int, list[str]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
    return stats


def descendants(root: int, stats: dict[int, list[str]]) -> list[int]:
    """The processes below ``root`` (children, their children...), from ``proc_stats``."""
    children: dict[int, list[int]] = {}
    for pid, fields in stats.items():
        children.setdefault(int(fields[1]), []).append(pid)
    found, stack = [], [root]
    while stack:
        for pid in children.get(stack.pop(), []):
            found.append(pid)
            stack.append(pid)
    return found


class TreePeak:
    """The peak of the summed RSS of this process and all its descendants, sampled every
    ``every`` seconds by a thread: a load read in parts at once (graphkit/load/apart.py) holds
    several reading heaps at the same time, which no single process's peak shows. Forked
    children share pages with their parent until either writes them; each counts them here, so
    the sum errs high. A peak shorter than ``every`` can be missed."""

    def __init__(self, every: float = 0.2) -> None:
        import threading

        self.every, self.peak_mb = every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        me = os.getpid()
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.is_set():
            stats = proc_stats()
            tree = {me, *descendants(me, stats)}
            self.peak_mb = max(self.peak_mb, sum(int(stats[p][21]) * page for p in tree if p in stats) / 2**20)
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def cpu_seconds() -> float:
    """CPU seconds of this process (all its threads) and of the children it has waited for (the
    process a large load is read in, those a large resolution works in apart)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


# ============================================================================================
# Children: each prints one JSON object on its last line of stdout


def _set_pool(pool_gib: str) -> int:
    """LadybugDB's buffer pool for every database this process opens: ``0`` leaves graphkit's
    default; otherwise ``ladybug.Database`` is wrapped in this
    process so that it gets ``pool_gib`` GiB instead - graphkit's code is not changed."""
    import ladybug

    gib = int(pool_gib)
    if gib:
        original = ladybug.Database

        class _Database(original):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs["buffer_pool_size"] = gib << 30
                super().__init__(*args, **kwargs)

        ladybug.Database = _Database
    return gib


def child_ingest(csv_path: str, db: str, pool_gib: str = "0") -> dict[str, Any]:
    _set_pool(pool_gib)
    from graphkit.load import load_files
    from graphkit.store.embedded import EmbeddedStore

    store = EmbeddedStore(Path(db))
    store.conn  # noqa: B018 - open the database and create the schema outside the timing
    before = _rss_mb()
    read = [0]
    series: list[tuple[int, float, float]] = []  # (rows read, seconds, peak RSS MB so far)
    t0 = time.perf_counter()

    def progress(k: int) -> None:
        read[0] += k
        if read[0] % 10_000 == 0:
            series.append((read[0], time.perf_counter() - t0, _rss_mb()))

    requested = getattr(store._db, "buffer_pool_size", None)  # 0: LadybugDB's own default
    base = {"pool_gib": int(pool_gib), "pool_bytes": requested, "graphkit_file": __import__("graphkit").__file__,
            "rss_before_mb": before, "series": series}
    try:
        report = load_files(store, [Path(csv_path)], "registry", progress=progress)
    except Exception as exc:  # noqa: BLE001 - the failure is the measurement
        took = time.perf_counter() - t0
        cause = exc.__context__ or exc.__cause__
        return {**base, "failed": True, "rows_read_at_failure": read[0], "seconds": took,
                "peak_rss_mb": _rss_mb(), "error": f"{type(exc).__name__}: {exc}",
                "cause": f"{type(cause).__name__}: {cause}" if cause else None}
    took = time.perf_counter() - t0
    t1 = time.perf_counter()
    store.close()
    close_s = time.perf_counter() - t1
    w = report.written
    return {**base, "failed": False, "rows": report.rows_read, "loaded": report.rows_loaded,
            "rejected": report.rows_rejected, "seconds": took, "close_seconds": close_s,
            "peak_rss_mb": _rss_mb(), "nodes_created": w.nodes_created,
            "nodes_updated": w.nodes_updated, "rels_created": w.rels_created,
            "rels_existing": w.rels_existing}


def child_export(db: str, out_dir: str) -> dict[str, Any]:
    """What graphkit stored, as Parquet: one file per node table and per (relationship type,
    start label, end label), every column the model stores, in the store's types. These are the
    rows the raw load writes, so both loads write exactly the same data."""
    import ladybug
    import pyarrow.parquet as pq

    from graphkit.model import get_model
    from graphkit.store.embedded import DB_FILE

    model = get_model()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # LadybugDB's own pool (a share of the machine's memory): a 1 GiB pool ran out exporting the
    # full-size GLEIF graph (4.8M nodes), and the export is not what is measured
    database = ladybug.Database(str(Path(db) / DB_FILE), read_only=True)
    conn = ladybug.Connection(database)
    counts: dict[str, int] = {}
    t0 = time.perf_counter()

    def export(name: str, match: str, props: str) -> None:
        path = out / f"{name}.parquet"
        conn.execute(f"COPY ({match} RETURN {props}) TO '{path}'")
        counts[name] = pq.ParquetFile(path).metadata.num_rows
        if not counts[name]:
            path.unlink()

    for label in model.nodes:
        cols = ", ".join(f"n.{c} AS {c}" for c in model.node_columns(label))
        export(f"node.{label}", f"MATCH (n:{label})", cols)
    for rt in model.relationships.values():
        cols = ", ".join(f"r.{c} AS {c}" for c in model.rel_columns(rt.type))
        for a, b in rt.between:
            export(f"rel.{rt.type}.{a}.{b}", f"MATCH (a:{a})-[r:{rt.type}]->(b:{b})",
                   f"a.id AS _from, b.id AS _to, {cols}")
    conn.close()
    database.close()
    counts = {k: v for k, v in counts.items() if v}
    return {"seconds": time.perf_counter() - t0, "tables": counts,
            "nodes": sum(v for k, v in counts.items() if k.startswith("node.")),
            "rels": sum(v for k, v in counts.items() if k.startswith("rel."))}


def child_tile(src_dir: str, out_dir: str, factor: str) -> dict[str, Any]:
    """``factor`` disjoint copies of exported tables (ids suffixed ``~k``): a graph ``factor``
    times larger with the same shape - every firm has the neighbourhood it had."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    t0 = time.perf_counter()
    for path in sorted(Path(src_dir).glob("*.parquet")):
        table = pq.read_table(path)
        id_cols = ["id"] + (["_from", "_to"] if path.name.startswith("rel.") else [])
        with pq.ParquetWriter(out / path.name, table.schema) as writer:
            for k in range(int(factor)):
                t = table
                if k:
                    for col in id_cols:
                        i = t.schema.get_field_index(col)
                        t = t.set_column(i, col, pc.binary_join_element_wise(
                            t[col], pa.scalar(f"~{k}"), ""))
                writer.write_table(t)
        counts[path.stem] = table.num_rows * int(factor)
    return {"seconds": time.perf_counter() - t0, "tables": counts,
            "nodes": sum(v for k, v in counts.items() if k.startswith("node.")),
            "rels": sum(v for k, v in counts.items() if k.startswith("rel."))}


def _fresh_db(db: str, pool_gib: str) -> tuple[Any, Any]:
    """A new database with graphkit's schema (DDL only), opened the way EmbeddedStore opens it
    (same buffer pool as the end-to-end run it is compared with)."""
    gib = _set_pool(pool_gib)
    import ladybug

    from graphkit.store.embedded import DB_FILE, EmbeddedStore

    store = EmbeddedStore(Path(db))
    store.conn  # noqa: B018 - opening creates the tables
    pool = store._db.buffer_pool_size  # what graphkit's store asks for (0: LadybugDB's default)
    store.close()
    database = ladybug.Database(str(Path(db) / DB_FILE), buffer_pool_size=(gib << 30) if gib else pool)
    return database, ladybug.Connection(database)


def _copy_order(prep: Path) -> list[Path]:
    nodes = sorted(prep.glob("node.*.parquet"))
    rels = sorted(prep.glob("rel.*.parquet"))
    return nodes + rels  # endpoints first


def child_raw(prep_dir: str, db: str, rows: str, pool_gib: str = "0", one_tx: str = "",
              threads: str = "0") -> dict[str, Any]:
    """COPY each prepared Parquet file into a fresh database: one statement per table; with
    ``one_tx``, all of them in one transaction; with ``threads``, LadybugDB runs them with that
    many threads (else its default, one per core)."""
    database, conn = _fresh_db(db, pool_gib)
    if int(threads):
        conn.set_max_threads_for_exec(int(threads))
    before = _rss_mb()
    per: dict[str, float] = {}
    t0 = time.perf_counter()
    if one_tx:
        conn.execute("BEGIN TRANSACTION")
    for path in _copy_order(Path(prep_dir)):
        parts = path.name.split(".")
        t = time.perf_counter()
        if parts[0] == "node":
            conn.execute(f"COPY {parts[1]} FROM '{path}'")
        else:
            conn.execute(f"COPY {parts[1]} FROM '{path}' (from='{parts[2]}', to='{parts[3]}')")
        per[path.stem] = time.perf_counter() - t
    if one_tx:
        conn.execute("COMMIT")
    took = time.perf_counter() - t0
    t1 = time.perf_counter()
    conn.close()
    database.close()
    return {"rows": int(rows), "seconds": took, "close_seconds": time.perf_counter() - t1,
            "per_table_seconds": per, "rss_before_mb": before, "peak_rss_mb": _rss_mb()}


def child_raw_batched(prep_dir: str, db: str, rows: str, batch: str, pool_gib: str = "0") -> dict[str, Any]:
    """The same tables COPY-ed from in-memory Arrow tables of ``batch`` rows, in one
    transaction: graphkit's write path with graphkit's own work (parsing, merging, look-ups of
    existing nodes and relationships) taken out."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    database, conn = _fresh_db(db, pool_gib)
    before = _rss_mb()
    t0 = time.perf_counter()
    conn.execute("BEGIN TRANSACTION")
    for path in _copy_order(Path(prep_dir)):
        parts = path.name.split(".")
        if parts[0] == "node":
            text = f"COPY {parts[1]} FROM batch"
        else:
            text = f"COPY {parts[1]} FROM batch (from='{parts[2]}', to='{parts[3]}')"
        for rb in pq.ParquetFile(path).iter_batches(batch_size=int(batch)):
            batch_table = pa.Table.from_batches([rb])  # noqa: F841 - LadybugDB finds it by name
            conn.execute(text.replace("FROM batch", "FROM batch_table"))
    conn.execute("COMMIT")
    took = time.perf_counter() - t0
    conn.close()
    database.close()
    return {"rows": int(rows), "seconds": took, "rss_before_mb": before, "peak_rss_mb": _rss_mb()}


def child_links(db: str, queries: str, seed: str) -> dict[str, Any]:
    from graphkit.link.links import find_links
    from graphkit.store.embedded import EmbeddedStore

    store = EmbeddedStore(Path(db), read_only=True)
    ids = sorted(r["id"] for r in store._execute("MATCH (c:Company) RETURN c.id AS id"))
    rng = random.Random(int(seed))
    sample = rng.sample(ids, min(len(ids), int(queries) + 1))
    warm, sample = sample[0], sample[1:]
    find_links(store, [warm])
    times, found = [], []
    for cid in sample:
        t = time.perf_counter()
        links = find_links(store, [cid])
        times.append((time.perf_counter() - t) * 1000)
        found.append(len(links))
    # where the time goes: every query find_links runs, timed through the store, on 10 firms
    spent: dict[str, float] = {}
    plain_execute = store._execute

    def timed(text: str, params: dict[str, Any] | None = None, *, name: str = "") -> Any:
        t = time.perf_counter()
        try:
            return plain_execute(text, params, name=name)
        finally:
            key = name or " ".join(text.split())[:40]
            spent[key] = spent.get(key, 0.0) + (time.perf_counter() - t) * 1000

    store._execute = timed  # type: ignore[method-assign]
    few = sample[:10]
    for cid in few:
        find_links(store, [cid])
    per_query = {k: v / len(few) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])}
    store.close()
    times.sort()
    return {"companies": len(ids), "queries": len(times), "per_query_p50_ms": per_query,
            "p50_ms": _pct(times, 50),
            "p95_ms": _pct(times, 95), "max_ms": times[-1], "mean_ms": statistics.fmean(times),
            "with_links": sum(1 for f in found if f), "mean_links": statistics.fmean(found),
            "peak_rss_mb": _rss_mb()}


def _pct(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]



# ============================================================================================
# The parent


SNAPSHOT: Path | None = None  # a copy of graphkit that every child imports (see snapshot())


def snapshot(work: Path) -> dict[str, str]:
    """Copy the graphkit package (with its query and mapping folders) as it is now, and point
    this process and every child at the copy: the whole run measures one version of the code,
    even if the working tree changes meanwhile. Returns what was copied."""
    global SNAPSHOT
    import hashlib

    dest = work / "snapshot"
    shutil.rmtree(dest, ignore_errors=True)
    # the package and, beside it as in a checkout, the query and mapping folders it reads
    # (graphkit/resources.py)
    for folder in ("graphkit", "cypher", "loaders"):
        shutil.copytree(REPO / folder, dest / folder, symlinks=False,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    h = hashlib.sha1()
    for path in sorted(p for folder in ("graphkit", "cypher", "loaders") for p in (dest / folder).rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(dest)).encode() + b"\0" + path.read_bytes())
    SNAPSHOT = dest
    sys.path.insert(0, str(dest))
    git = ["git", "-C", str(REPO)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    changed = subprocess.run([*git, "status", "--porcelain", "--", "graphkit", "cypher", "loaders"],
                             capture_output=True, text=True).stdout.split("\n")
    files = sorted({line[3:] for line in changed if line.strip() and "__pycache__" not in line})
    return {"head": head or "?", "changed": ", ".join(files), "sha1": h.hexdigest()[:12]}


def run_child(kind: str, *args: str | Path) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "_child", kind, *map(str, args)]
    log(f"  {kind} ...")
    t0 = time.perf_counter()
    env = dict(os.environ)
    if SNAPSHOT:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SNAPSHOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"child {kind} failed (exit {proc.returncode})")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_seconds"] = time.perf_counter() - t0
    log(f"  {kind}: {json.dumps(out, default=str)}")
    return out


def answer_child(argv: list[str], children: dict[str, Any]) -> bool:
    """If ``argv`` asks for a child (``_child KIND ARGS...``, how every bench script runs its
    measurements in fresh processes), run it, print its JSON on the last line and return True."""
    if not argv or argv[0] != "_child":
        return False
    print(json.dumps(children[argv[1]](*argv[2:]), default=str))
    return True


def log(msg: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def machine() -> dict[str, str]:
    import ladybug
    import pyarrow

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = _ram_mb()
    mem = f"{ram / 1024:.1f} GiB" if ram != float("inf") else "?"
    osname = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                osname = f"{line.split('=', 1)[1].strip(chr(34))} (kernel {platform.release()})"
    except OSError:
        pass
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "ram": mem, "os": osname,
            "python": platform.python_version(), "ladybug": getattr(ladybug, "__version__", "?"),
            "pyarrow": pyarrow.__version__}


def child_generate(n: str, out_dir: str, seed: str) -> dict[str, Any]:
    from graphkit.synth.registry import generate

    t0 = time.perf_counter()
    path, stats = generate(int(n), Path(out_dir), int(seed))
    return {"path": str(path), "stats": stats, "seconds": time.perf_counter() - t0,
            "mb": path.stat().st_size / 1e6, "peak_rss_mb": _rss_mb()}


def _generate(n: int, base: Path, seed: int) -> tuple[Path, dict[str, Any]]:
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    g = run_child("generate", n, base, seed)
    return Path(g["path"]), {"companies": n, "synth": g["stats"], "generate_seconds": g["seconds"],
                             "generate_rss_mb": g["peak_rss_mb"], "csv_mb": g["mb"]}


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _ingest(csv_path: Path, db: Path, args: argparse.Namespace, res: dict[str, Any],
            pool_gib: int = 0) -> None:
    """End-to-end ingest with graphkit's defaults (or ``pool_gib``); if that fails, again with
    a larger buffer pool (a bench-only override) so there are numbers to compare. Sets
    res["ingest"] (the run the numbers come from) and res["ingest_default"] (the first run)."""
    res["ingest_default"] = first = run_child("ingest", csv_path, db, pool_gib)
    res["ingest"] = first
    if first["failed"] and args.fallback_pool_gib and not pool_gib:
        shutil.rmtree(db, ignore_errors=True)
        res["ingest"] = run_child("ingest", csv_path, db, args.fallback_pool_gib)
    if res["ingest"]["failed"]:
        raise SystemExit(f"end-to-end ingest failed: {res['ingest']['error']}")


def bench_size(n: int, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Everything at one size. Keeps ``prepared/`` (for a tiled proxy of a larger size)."""
    from graphkit.load import BATCH_ROWS

    log(f"size {n:,} companies")
    t0 = time.perf_counter()
    base = work / f"n{n}"
    csv_path, res = _generate(n, base, args.seed)
    _ingest(csv_path, base / "db-graphkit", args, res)
    pool = res["ingest"]["pool_gib"]
    res["export"] = run_child("export", base / "db-graphkit", base / "prepared")
    rows = res["ingest"]["rows"]
    res["raw"] = run_child("raw", base / "prepared", base / "db-raw", rows, pool)
    shutil.rmtree(base / "db-raw", ignore_errors=True)
    res["raw_tx"] = run_child("raw", base / "prepared", base / "db-raw-tx", rows, pool, "one-tx")
    shutil.rmtree(base / "db-raw-tx", ignore_errors=True)
    if rows <= args.raw_batched_max_rows:
        res["raw_batched"] = run_child("raw_batched", base / "prepared", base / "db-raw-batched", rows,
                                       BATCH_ROWS, pool)
    else:  # it holds every uncommitted row in memory: 1.8 GB at 100k companies, ~10x at 1M
        res["raw_batched"] = {"skipped": f"not run above {args.raw_batched_max_rows:,} rows "
                                         "(--raw-batched-max-rows): its memory grows with the rows"}
    shutil.rmtree(base / "db-raw-batched", ignore_errors=True)
    res["links"] = run_child("links", base / "db-graphkit", args.queries, args.seed)
    res["db_mb"] = _du_mb(base / "db-graphkit")
    if not args.keep:
        shutil.rmtree(base / "db-graphkit", ignore_errors=True)
        csv_path.unlink()
    res["cost_seconds"] = time.perf_counter() - t0
    return res


def bench_proxy(n: int, source: dict[str, Any], work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """A size whose end-to-end ingest is skipped: find-links (and raw COPY) on ``n / source``
    disjoint copies of the graph graphkit loaded at the source size."""
    factor = n // source["companies"]
    log(f"size {n:,} companies: proxy, {factor} copies of the {source['companies']:,} graph")
    base = work / f"n{n}-proxy"
    shutil.rmtree(base, ignore_errors=True)
    res: dict[str, Any] = {"companies": n, "source": source["companies"], "factor": factor}
    res["tile"] = run_child("tile", work / f"n{source['companies']}" / "prepared", base / "prepared",
                            factor)
    rows = source["ingest"]["rows"] * factor
    res["raw"] = run_child("raw", base / "prepared", base / "db-raw", rows)
    res["links"] = run_child("links", base / "db-raw", args.queries, args.seed)
    res["db_mb"] = _du_mb(base / "db-raw")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return res


def bench_ingest_only(n: int, work: Path, args: argparse.Namespace, pool_gib: int) -> dict[str, Any]:
    log(f"size {n:,} companies: end-to-end ingest only (peak RSS over 10x the data)")
    base = work / f"n{n}-ingest"
    csv_path, res = _generate(n, base, args.seed)
    _ingest(csv_path, base / "db-graphkit", args, res, pool_gib)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return res


def _projection(last: dict[str, Any], n: int) -> tuple[float, float]:
    """(minutes, peak RSS MB) projected for ``n`` companies, linearly from the last size."""
    scale = n / last["companies"]
    ing = last["ingest"]
    grown = max(0.0, ing["peak_rss_mb"] - ing["rss_before_mb"])
    return last["cost_seconds"] / 60 * scale, ing["rss_before_mb"] + grown * scale


def _ram_mb() -> float:
    kb = _proc_kb("/proc/meminfo", "MemTotal:")
    return kb / 1024 if kb is not None else float("inf")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if answer_child(argv, {name[len("child_"):]: f for name, f in globals().items() if name.startswith("child_")}):
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000,1000000", help="companies per size, comma-separated")
    ap.add_argument("--quick", action="store_true", help="10k companies only (a smoke test)")
    ap.add_argument("--queries", type=int, default=200, help="find-links calls per size")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/graphkit-bench"))
    ap.add_argument("--doc", type=Path, default=None,
                    help="where to write the report (default docs/benchmarks.md; with --quick, "
                         "WORKDIR/benchmarks-quick.md)")
    ap.add_argument("--budget-minutes", type=float, default=25.0,
                    help="a larger size whose projected time (linear in the size from the last "
                         "one measured) would take the run past this is not ingested end to "
                         "end; find-links is then measured on a tiled proxy (default 25)")
    ap.add_argument("--fallback-pool-gib", type=int, default=8,
                    help="if ingest with graphkit's defaults fails, run it again with LadybugDB's "
                         "buffer pool at this many GiB (a bench-only override; 0: do not)")
    ap.add_argument("--keep", action="store_true", help="keep generated data and databases")
    ap.add_argument("--raw-batched-max-rows", type=int, default=500_000,
                    help="run the raw COPY from Arrow batches in one transaction only up to this "
                         "many CSV rows: LadybugDB holds that transaction in memory (1.8 GB at "
                         "100k companies), more than a shared machine has to spare at 1M")
    args = ap.parse_args(argv)
    sizes = [10_000] if args.quick else sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s)
    doc = args.doc or (args.workdir / "benchmarks-quick.md" if args.quick else REPO / "docs" / "benchmarks.md")
    command = "python bench/run.py" + ("" if not argv else " " + " ".join(argv))
    args.workdir.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now().astimezone()
    code = snapshot(args.workdir)
    t_start = time.perf_counter()
    out: dict[str, Any] = {"full": [], "proxies": [], "skipped": [], "flat_small": None,
                           "generated_only": []}
    for n in sizes:
        full = out["full"]
        if full:
            last = full[-1]
            elapsed = (time.perf_counter() - t_start) / 60
            minutes, rss = _projection(last, n)
            too_long = elapsed + minutes > args.budget_minutes
            too_big = rss > _ram_mb()
            if too_long or too_big:
                reasons = []
                if too_long:
                    reasons.append(
                        f"{_size(last['companies'])} took {last['cost_seconds'] / 60:.1f} min in all "
                        f"(ingest {last['ingest']['seconds'] / 60:.1f} min), so {_size(n)} projects "
                        f"to about {minutes:.0f} min, past the {args.budget_minutes:g}-min budget "
                        f"({elapsed:.0f} min already spent)")
                if too_big:
                    reasons.append(
                        f"ingest memory grows with the rows loaded (see the RSS series), which "
                        f"projects to a peak RSS of about {rss / 1024:.0f} GB, more than this "
                        f"machine's {_ram_mb() / 1024:.0f} GB")
                why = "end-to-end ingest not run: " + "; and ".join(reasons)
                log(f"skipping {n:,}: {why}")
                out["skipped"].append((n, why))
                csv_path, gen = _generate(n, args.workdir / f"n{n}-generate", args.seed)
                out["generated_only"].append(gen)
                shutil.rmtree(csv_path.parent, ignore_errors=True)
                if n % last["companies"] == 0:
                    out["proxies"].append(bench_proxy(n, last, args.workdir, args))
                continue
        full.append(bench_size(n, args.workdir, args))
        (args.workdir / "results.json").write_text(json.dumps(out, indent=2, default=str))
    if out["skipped"] and len(out["full"]) == 1 and out["full"][0]["companies"] >= 10_000:
        # peak-RSS flatness still wants two sizes 10x apart: add a smaller end-to-end ingest
        out["flat_small"] = bench_ingest_only(out["full"][0]["companies"] // 10, args.workdir, args,
                                              out["full"][0]["ingest"]["pool_gib"])
    if not args.keep:
        for n in sizes:
            shutil.rmtree(args.workdir / f"n{n}", ignore_errors=True)
        shutil.rmtree(args.workdir / "snapshot", ignore_errors=True)
    (args.workdir / "results.json").write_text(json.dumps(out, indent=2, default=str))
    total_min = (time.perf_counter() - t_start) / 60
    mach = machine()
    mach["graphkit"] = f"commit {code['head']}" + (
        f" plus uncommitted changes to {code['changed']}" if code["changed"] else "") + (
        f" (the package as it was when the run started, copied aside; content hash {code['sha1']})")
    text = render(out, mach, command, started, total_min)
    doc.parent.mkdir(parents=True, exist_ok=True)
    from docsection import put_top

    put_top(text, doc)
    log(f"wrote {doc} ({total_min:.1f} min)")
    print(text)
    return 0


# ============================================================================================
# The report


def _pool_text(ing: dict[str, Any]) -> str:
    """The buffer pool the ingest's store asked LadybugDB for."""
    if ing.get("pool_gib"):
        return f"{ing['pool_gib']} GiB (bench override: graphkit's default failed, see above)"
    b = ing.get("pool_bytes")
    if b is None:
        return "graphkit's default"
    if b == 0:
        return "graphkit's default: LadybugDB's own (a share of RAM)"
    return f"graphkit's default: {b / (1 << 30):g} GiB"


def _short(run: dict[str, Any]) -> str:
    """The error of a failed ingest, without the noise."""
    text = run.get("cause") or run.get("error") or ""
    if "buffer pool is full" in text:
        return "LadybugDB \"buffer pool is full\" (then graphkit's ROLLBACK raised \"No active " \
               "transaction for ROLLBACK\", hiding it)" if "ROLLBACK" in (run.get("error") or "") else \
               "LadybugDB \"buffer pool is full\""
    return text[:200]


def _slope(ing: dict[str, Any]) -> float:
    """MB of peak RSS added per 10k rows read, from the first to the last sample."""
    ser = ing.get("series") or []
    if len(ser) < 2:
        return float("nan")
    (r0, _, m0), (r1, _, m1) = ser[0], ser[-1]
    return (m1 - m0) / (r1 - r0) * 10_000


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def _size(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def render(out: dict[str, Any], mach: dict[str, str], command: str, started: dt.datetime,
           total_min: float) -> str:
    from graphkit.load import BATCH_ROWS

    full: list[dict[str, Any]] = out["full"]
    proxies: list[dict[str, Any]] = out["proxies"]
    small: dict[str, Any] | None = out["flat_small"]
    L: list[str] = []
    L += ["# Benchmarks", "",
          "Ingest and find-links on the embedded store (LadybugDB), with synthetic company "
          "registries made by `graphkit/synth/registry.py`. Written by `bench/run.py`; do not edit the "
          "numbers by hand - rerun it.", "",
          "## Machine and run", "",
          f"- date: {started:%Y-%m-%d %H:%M %Z} (whole run {total_min:.1f} min)",
          f"- command: `{command}`",
          f"- CPU: {mach['cpu']}, `nproc` = {mach['nproc']}",
          f"- RAM: {mach['ram']}",
          f"- OS: {mach['os']}",
          f"- Python {mach['python']}, ladybug {mach['ladybug']}, pyarrow {mach['pyarrow']}",
          f"- graphkit: {mach['graphkit']}",
          "- the machine is shared and noisy: compare the ratios, which come from the same run", ""]
    if out["skipped"]:
        memory = any("peak RSS" in why for _, why in out["skipped"])
        L += ["**Not measured end to end:** " + "; ".join(f"{_size(n)}: {why}" for n, why in out["skipped"])
              + (". A larger `--budget-minutes` would not help on this machine: the ingest is "
                 "projected to run out of memory first." if memory else
                 ". Rerun with a larger `--budget-minutes` to measure it."), ""]

    # ---- data
    L += ["## Data", "",
          "| companies | CSV rows | CSV size | people | extra roles of people in several firms | "
          "company holders | firms at a shared address | nodes stored | relationships stored |",
          "|---|---|---|---|---|---|---|---|---|"]
    for r in full:
        s, e = r["synth"], r["export"]
        L.append(f"| {r['companies']:,} | {s['rows']:,} | {r['csv_mb']:.0f} MB | {s['people']:,} | "
                 f"{s['people_reused_roles']:,} | {s['company_holders']:,} | "
                 f"{s['shared_address_firms']:,} | {e['nodes']:,} | {e['rels']:,} |")
    for g in out["generated_only"]:
        s = g["synth"]
        L.append(f"| {g['companies']:,} (generated only) | {s['rows']:,} | {g['csv_mb']:.0f} MB | "
                 f"{s['people']:,} | {s['people_reused_roles']:,} | {s['company_holders']:,} | "
                 f"{s['shared_address_firms']:,} | - | - |")
    for r in proxies:
        L.append(f"| {r['companies']:,} (proxy: {r['factor']} copies of {_size(r['source'])}) | "
                 f"- | - | - | - | - | - | {r['tile']['nodes']:,} | {r['tile']['rels']:,} |")
    gens = full + out["generated_only"] + ([small] if small else [])
    L += ["", "Generator: " + "; ".join(
        f"{_size(g['companies'])} in {g['generate_seconds']:.0f} s, peak RSS {g['generate_rss_mb']:.0f} MB"
        for g in sorted(gens, key=lambda g: g["companies"])) + " (streamed: memory does not grow with size).", ""]

    # ---- results
    cols = [(_size(r["companies"]), r, False) for r in full] + \
           [(_size(r["companies"]) + " proxy", r, True) for r in proxies]
    L += ["## Results", "",
          "| | " + " | ".join(c[0] for c in cols) + " |",
          "|---|" + "---|" * len(cols)]

    def row(name: str, fn: Any, proxy_ok: bool = False) -> None:
        cells = [fn(r) if (not is_proxy or proxy_ok) else "-" for _, r, is_proxy in cols]
        L.append(f"| {name} | " + " | ".join(cells) + " |")

    def default_run(r: dict[str, Any]) -> str:
        d = r["ingest_default"]
        if not d["failed"]:
            return "completed"
        return (f"**failed** after {d['rows_read_at_failure']:,} rows read, {d['seconds']:.0f} s, "
                f"peak RSS {d['peak_rss_mb']:,.0f} MB: {_short(d)}")

    def pool(r: dict[str, Any]) -> str:
        return _pool_text(r["ingest"])

    row("end-to-end ingest with graphkit's defaults", default_run)
    row("LadybugDB buffer pool for the numbers below (ingest and raw)", pool)
    row("end-to-end ingest, wall time", lambda r: f"{r['ingest']['seconds']:.1f} s")
    row("end-to-end ingest, rows/s", lambda r: f"{r['ingest']['rows'] / r['ingest']['seconds']:,.0f}")
    row("raw COPY from Parquet, time", lambda r: f"{r['raw']['seconds']:.1f} s", True)
    row("raw COPY from Parquet, rows/s", lambda r: f"{r['raw']['rows'] / r['raw']['seconds']:,.0f}", True)
    row("**end-to-end / raw** (target >= 0.40)",
        lambda r: f"{r['raw']['seconds'] / r['ingest']['seconds']:.3f}")
    def batched(fn: Any) -> Any:
        return lambda r: "not run (memory)" if "skipped" in r["raw_batched"] else fn(r)

    row(f"raw COPY from Arrow batches of {BATCH_ROWS:,} rows, one transaction, rows/s",
        batched(lambda r: f"{r['raw_batched']['rows'] / r['raw_batched']['seconds']:,.0f}"))
    row("end-to-end / raw batched",
        batched(lambda r: f"{r['raw_batched']['seconds'] / r['ingest']['seconds']:.3f}"))
    row("ingest peak RSS", lambda r: f"{r['ingest']['peak_rss_mb']:,.0f} MB")
    row("ingest peak RSS while reading and staging (at the last progress point, before the "
        "final COPY)", lambda r: f"{r['ingest']['series'][-1][2]:,.0f} MB" if r["ingest"]["series"] else "-")
    row("ingest RSS before loading (imports, store open)", lambda r: f"{r['ingest']['rss_before_mb']:,.0f} MB")
    row("ingest RSS growth per 10k rows read (from 10k rows on)",
        lambda r: "n/a" if _slope(r["ingest"]) != _slope(r["ingest"]) else f"{_slope(r['ingest']):,.0f} MB")
    row("raw COPY from Parquet, peak RSS", lambda r: f"{r['raw']['peak_rss_mb']:,.0f} MB", True)
    row("raw COPY from Parquet, all tables in one transaction, peak RSS",
        lambda r: f"{r['raw_tx']['peak_rss_mb']:,.0f} MB" if "raw_tx" in r else "-")
    row("raw COPY from Parquet, all tables in one transaction, time",
        lambda r: f"{r['raw_tx']['seconds']:.1f} s" if "raw_tx" in r else "-")
    row("raw COPY from Arrow batches, one transaction, peak RSS",
        batched(lambda r: f"{r['raw_batched']['peak_rss_mb']:,.0f} MB"))
    row("find-links p50", lambda r: f"{r['links']['p50_ms']:.1f} ms", True)
    row("**find-links p95** (target <= 20 ms at 1M)", lambda r: f"{r['links']['p95_ms']:.1f} ms", True)
    row("find-links max", lambda r: f"{r['links']['max_ms']:.1f} ms", True)
    row("find-links calls that found a link",
        lambda r: f"{r['links']['with_links']} of {r['links']['queries']} "
                  f"(mean {r['links']['mean_links']:.2f} links)", True)
    names: list[str] = []
    for _, r, _ in cols:
        for q in r["links"]["per_query_p50_ms"]:
            if q not in names:
                names.append(q)
    for q in names:
        row(f"&nbsp;&nbsp;in query `{q}`, per call",
            lambda r, q=q: (f"{r['links']['per_query_p50_ms'][q]:.1f} ms"
                            if q in r["links"]["per_query_p50_ms"] else "-"), True)
    row("database size on disk", lambda r: f"{r['db_mb']:,.0f} MB", True)
    row("(not timed) generate CSV / export tables", lambda r: f"{r['generate_seconds']:.0f} s / "
        f"{r['export']['seconds']:.0f} s")
    L.append("")
    for r in full:
        ser = r["ingest"]["series"]
        if ser[1::2]:
            L += [f"Ingest progress at {_size(r['companies'])} (rows read: seconds, peak RSS so far): "
                  + ", ".join(f"{k // 1000}k: {t:.0f} s, {m:,.0f} MB" for k, t, m in ser[1::2]) + ".", ""]
    if small:
        L += [f"Extra end-to-end ingest for the memory comparison, {_size(small['companies'])} "
              f"companies ({small['synth']['rows']:,} rows, buffer pool "
              f"{_pool_text(small['ingest'])}): {small['ingest']['seconds']:.1f} s, "
              f"{small['ingest']['rows'] / small['ingest']['seconds']:,.0f} rows/s, peak RSS "
              f"{small['ingest']['peak_rss_mb']:,.0f} MB.", ""]

    # ---- targets
    L += ["## Against the targets", "", "| target | measured | verdict |", "|---|---|---|"]
    for r in full:
        ratio = r["raw"]["seconds"] / r["ingest"]["seconds"]
        L.append(f"| end-to-end rows/s >= 0.40 x raw COPY rows/s, {_size(r['companies'])} | "
                 f"{ratio:.3f} | {_met(ratio >= TARGET_RATIO)} |")
    for n, _ in out["skipped"]:
        L.append(f"| end-to-end rows/s >= 0.40 x raw COPY rows/s, {_size(n)} | not measured (see above) | n/a |")
    big = [r for r in full if r["companies"] >= 1_000_000]
    big_proxy = [r for r in proxies if r["companies"] >= 1_000_000]
    if big:
        p95 = big[-1]["links"]["p95_ms"]
        L.append(f"| find-links p95 <= 20 ms at 1M | {p95:.1f} ms | {_met(p95 <= TARGET_P95_MS)} |")
    elif big_proxy:
        p95 = big_proxy[-1]["links"]["p95_ms"]
        L.append(f"| find-links p95 <= 20 ms at 1M | {p95:.1f} ms on the 1M proxy (not a graphkit-"
                 f"ingested 1M store) | {_met(p95 <= TARGET_P95_MS)} (on the proxy) |")
    else:
        largest = full[-1] if full else None
        L.append("| find-links p95 <= 20 ms at 1M | 1M not measured" + (
            f" (largest: {_size(largest['companies'])}, p95 {largest['links']['p95_ms']:.1f} ms)"
            if largest else "") + " | n/a |")
    pair = (full[0], full[-1]) if len(full) >= 2 else ((small, full[0]) if small and full else None)
    if pair:
        lo, hi = pair
        flat = hi["ingest"]["peak_rss_mb"] / lo["ingest"]["peak_rss_mb"]
        L.append(f"| ingest peak RSS roughly flat (taken as <= {TARGET_FLAT:g}x for "
                 f"{hi['companies'] // lo['companies']}x the data), {_size(hi['companies'])} vs "
                 f"{_size(lo['companies'])} | {hi['ingest']['peak_rss_mb']:,.0f} MB vs "
                 f"{lo['ingest']['peak_rss_mb']:,.0f} MB = {flat:.2f}x | {_met(flat <= TARGET_FLAT)} |")
        if "raw_tx" in hi and "raw_tx" in lo:
            floor = hi["raw_tx"]["peak_rss_mb"] / lo["raw_tx"]["peak_rss_mb"]
            L.append(f"| (for comparison, no target) LadybugDB alone: raw COPY from Parquet in one "
                     f"transaction, {_size(hi['companies'])} vs {_size(lo['companies'])} | "
                     f"{hi['raw_tx']['peak_rss_mb']:,.0f} MB vs {lo['raw_tx']['peak_rss_mb']:,.0f} MB "
                     f"= {floor:.2f}x | - |")
    else:
        L.append("| ingest peak RSS roughly flat | one size only | n/a |")
    L.append("")
    L += ["A load into the embedded store must stay one transaction (a failed load leaves the "
          "graph exactly as it was). LadybugDB holds a transaction's uncommitted data in memory, "
          "so even a raw COPY of graphkit's own tables from Parquet, in one transaction and with "
          "no graphkit code, grows with the rows (the comparison row above); graphkit's RSS while "
          "it reads and stages the input is the row *while reading and staging* in the results.", ""]

    # ---- how measured
    L += ["## How measured", "",
          "- **Data**: `graphkit/synth/registry.py` (seeded, streamed to disk): Russian and Kazakh firms "
          "(`ООО «...»`, `ТОО «...»`, Latin names; 10-digit INN or 12-digit BIN), about 1.5 "
          "people per firm (Cyrillic and Latin names, surname first, patronymics, birth dates), "
          "about 8 % of them holding roles in 2-3 firms, a few firms held by firms, director / "
          "founder / participant / shareholder roles with dates (some ended), about 2 % of firms "
          "at a shared address. Generating is not part of any timing.",
          "- **End-to-end**: `load_files(EmbeddedStore(dir), [csv], \"registry\")` with "
          f"graphkit's defaults (strict, batches of {BATCH_ROWS:,} rows), in a fresh "
          "process, into a new database whose schema is created before the clock starts; wall "
          "time of that call, commit included. rows/s = CSV rows / that time.",
          "- **Raw**: every node and relationship table of the store loaded end to end is "
          "exported (untimed) to Parquet - exactly the rows and columns graphkit stored - and a "
          "fresh process `COPY`s the files into a new database with the same schema, one "
          "statement per table, nodes first, no graphkit code involved. rows/s = the same CSV "
          "row count / total COPY time, so *end-to-end / raw* is raw COPY time / end-to-end "
          f"time. *Raw batched* `COPY`s the same tables from in-memory Arrow tables of "
          f"{BATCH_ROWS:,} rows in one transaction: graphkit's way of writing before loads were "
          "staged, without its own work. *In one transaction*: the same Parquet COPY statements "
          "between `BEGIN TRANSACTION` and `COMMIT`, as a staged graphkit load ends.",
          "- **Peak RSS**: the peak resident set (`VmHWM`, the per-process form of `ru_maxrss`) "
          "of the process that did the measurement (each measurement is its own process). "
          "LadybugDB's buffer pool (the size the store asks for is in the table) counts in RSS "
          "as it fills. The bench override, if used, wraps `ladybug.Database` in the bench process; graphkit's code "
          "is unchanged.",
          "- **find-links**: a fresh read-only process opens the loaded store, draws random "
          "company ids (seeded), calls `find_links(store, [id])` once to warm up, then times each "
          "of the next calls (wall time of the call); p50 / p95 are nearest-rank percentiles. The "
          "per-query rows: mean time per `find_links` call spent in each query it runs (timed "
          "through the store, in a separate pass over 10 of those firms).",
          "- **Proxy** (only when a size is not ingested end to end): the tables exported at the "
          "smaller size are copied k times with every id suffixed, raw-`COPY`-ed into one "
          "database, and find-links is measured there: the same schema and the same "
          "neighbourhood for each firm, k times the rows in every table.",
          "- Comparisons are ratios within this one run; no test asserts on time.", ""]
    return "\n".join(L)


if __name__ == "__main__":
    sys.exit(main())
