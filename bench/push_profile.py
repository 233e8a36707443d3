"""Where one ``graphkit push`` spends its time: a profile run, not a figure of record.

Builds (once, kept in WORKDIR) an embedded graph of N synthetic PSC lines, starts a fresh local
Neo4j 5.26, and runs ``copy_store`` (what ``graphkit push`` runs) into its empty database with:
the wall time of each statement kind (schema, table counts, node and relationship writes), the
client's CPU (rusage), the server JVM's CPU split by thread name (/proc/PID/task: the JIT
compiler threads, the Bolt workers running the statements, GC), and optionally cProfile of the
client. Page and statement sizes and extra JVM flags are arguments, to compare settings::

    python bench/push_profile.py --lines 50000 --workdir /tmp/push-profile
    python bench/push_profile.py --lines 50000 --workdir /tmp/push-profile --page 20000 --statement 10000
    python bench/push_profile.py --lines 50000 --workdir /tmp/push-profile --jvm=-XX:TieredStopAtLevel=1

The machine's other work changes wall times by tens of percent between runs; CPU seconds of the
server are the steadier measure of what a setting costs.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import os
import pstats
import resource
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def jvm_threads(folder: Path) -> collections.defaultdict[str, float]:
    """CPU seconds so far of each thread name (digits stripped) of the server JVM of ``folder``."""
    out: collections.defaultdict[str, float] = collections.defaultdict(float)
    tick = os.sysconf("SC_CLK_TCK")
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes()
            if b"java" not in text or str(folder.resolve()).encode() not in text:
                continue
            for stat in (cmdline.parent / "task").glob("*/stat"):
                raw = stat.read_text()
                name = raw.split("(", 1)[1].rsplit(")", 1)[0].rstrip("0123456789#- ")
                fields = raw.rsplit(")", 1)[1].split()
                out[name] += (int(fields[11]) + int(fields[12])) / tick
        except OSError:  # a process or thread gone meanwhile
            continue
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=50_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/graphkit-push-profile"))
    ap.add_argument("--page", type=int, default=10_000, help="rows per page read and per transaction")
    ap.add_argument("--statement", type=int, default=5_000, help="rows per UNWIND statement")
    ap.add_argument("--jvm", action="append", default=[], help="an extra JVM flag for the server")
    ap.add_argument("--cprofile", action="store_true", help="print the client's cProfile (slows the client)")
    args = ap.parse_args()

    from graphkit.server import neo4j_server as ns
    from graphkit.store import copy as cp
    from graphkit.store.embedded import EmbeddedStore
    from graphkit.store.neo4j import Neo4jStore
    from graphkit.synth.registries import PSC_LINES, psc

    folder = args.workdir / f"psc-{args.lines}"
    data, db = folder / "data", folder / "graph"
    if not (data / "psc-snapshot.txt").exists():
        psc(data, args.lines / PSC_LINES)
    if not db.exists():
        subprocess.run([sys.executable, "-m", "graphkit.cli", "load", str(data), "-m", "uk-psc", "--db", str(db),
                        "--rejects-dir", str(folder / "rejects")], check=True, cwd=REPO)
    subprocess.run(["rm", "-rf", str(folder / "neo4j")], check=True)
    if args.jvm:
        (folder / "neo4j").mkdir()
        (folder / "neo4j" / "extra.conf").write_text("".join(f"server.jvm.additional={f}\n" for f in args.jvm))
    password = secrets.token_urlsafe(18)
    info = ns.start(folder, password=password, bolt_port=free_port(), http_port=free_port())
    times: collections.defaultdict[str, float] = collections.defaultdict(float)
    calls: collections.Counter[str] = collections.Counter()
    plain = Neo4jStore._execute

    def timed(self: Any, text: str, params: dict[str, Any] | None = None, *, name: str = "") -> list[dict[str, Any]]:
        t = time.perf_counter()
        try:
            return plain(self, text, params, name=name)
        finally:
            kind = name.split()[0] if name else text.split()[0]
            times[kind] += time.perf_counter() - t
            calls[kind] += 1

    Neo4jStore._execute = timed  # type: ignore[method-assign]
    try:
        with EmbeddedStore(db, read_only=True) as source, \
                Neo4jStore(info.bolt_uri, password=password, batch_size=args.statement) as target:
            counts = source.counts()
            records = sum(counts.nodes.values()) + sum(counts.relationships.values())
            started = jvm_threads(folder)
            t = time.perf_counter()
            target.ensure_schema()
            schema = time.perf_counter() - t
            prof = cProfile.Profile()
            before = resource.getrusage(resource.RUSAGE_SELF)
            t = time.perf_counter()
            if args.cprofile:
                prof.enable()
            stats = cp.copy_store(source, target, batch=args.page)
            prof.disable()
            wall = time.perf_counter() - t
            after = resource.getrusage(resource.RUSAGE_SELF)
            threads = {k: v - started.get(k, 0.0) for k, v in jvm_threads(folder).items()}
    finally:
        ns.stop(folder)
    client = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f"{args.lines:,} lines, {records:,} records, page {args.page:,}, statement {args.statement:,}, "
          f"jvm {args.jvm or 'default'}")
    print(f"schema {schema:.1f} s; push {wall:.1f} s = {records / wall:,.0f} records/s; {stats}")
    print("statements: " + "; ".join(f"{k} {calls[k]} x, {times[k]:.1f} s" for k in times))
    print(f"client CPU {client:.1f} s; server CPU {sum(threads.values()):.1f} s: "
          + ", ".join(f"{k} {v:.1f}" for k, v in sorted(threads.items(), key=lambda kv: -kv[1])[:6]))
    if args.cprofile:
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
