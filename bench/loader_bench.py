"""The loader against plain reading: a synthetic UK PSC snapshot loaded at two sizes, each load
as a ratio to a plain ``json.loads`` of the same lines measured in the same run; writes the
"Loader: UK PSC lines against a JSON parse" section of docs/benchmarks.md.

    python bench/loader_bench.py                      # 50k and 500k lines
    python bench/loader_bench.py --lines 50000,500000 --pool-gib 8 --no-doc

For each size, in one run on one machine, each step a fresh child process (its peak RSS,
``VmHWM``, is its own):

1. the snapshot in the real line layout (``graphkit/synth/registries.py``; not timed);
2. the reference: every line read and parsed with ``json.loads`` (the standard library), best of
   three passes, and the same with ``orjson.loads`` for comparison;
3. ``load_files(store, [file], "uk-psc")`` into a fresh embedded store, the path of
   ``graphkit load --mapping uk-psc``: seconds, lines/s, peak RSS;
4. the raw COPY of the very rows graphkit stored (exported to Parquet, not timed) into a fresh
   database, one statement per table (each its own transaction, as graphkit's load writes
   them), with a buffer pool of ``--pool-gib`` GiB so that the reference
   does not run out of it (``bench/run.py``'s children).

Each time is given as wall seconds and as CPU seconds of the process (all its threads): on a
machine shared with other work the wall time of a step depends on what else runs meanwhile,
its CPU time much less, so the targets are checked on CPU-time ratios.

The figures compared with the targets of the full-size issue: a load within 8x the JSON parse,
peak RSS within 1.5 GB and within 1.5x that of the smallest size. Nothing here asserts on
timings; the projection to the full snapshot is linear in lines from the largest size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import registries_bench as rb  # noqa: E402 - its load/generate children, reused
import run  # noqa: E402 - bench/run.py: peak RSS, machine facts, export and raw COPY children
from docsection import machine, put_section  # noqa: E402
from revisions import checkout  # noqa: E402

from graphkit.synth import registries as registries_synth  # noqa: E402


def load_threads() -> int:
    """The threads graphkit's load writes with (imported here: a child loading with an earlier
    revision's code, ``--against``, imports this module too)."""
    from graphkit.store.embedded import load_threads as threads

    return threads()

def _other_threads() -> int:
    """The COPY threads the raw reference is also measured with: one if graphkit writes with
    LadybugDB's default (0), else the default."""
    return 1 if load_threads() == 0 else 0


def _threads_named(n: int) -> str:
    return "LadybugDB's default threads (one per core)" if n == 0 else f"{n} thread(s)"


HEADING = "Loader: UK PSC lines against a JSON parse"
FULL_LINES = 13_600_000  # the real snapshot: 12.8M PSCs and 0.77M statements (its totals record)
TARGET_LINES = 500_000  # issue 16: a 500k-line load within 8x a json parse, RSS flat against 50k


def child_parse(file: str) -> dict[str, Any]:
    """Seconds to read and parse every line of ``file``: json (best of 3), orjson (best of 3)."""
    import orjson

    out: dict[str, Any] = {}
    for name, loads in (("json", json.loads), ("orjson", orjson.loads)):
        best, best_cpu = float("inf"), float("inf")
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time()
            with open(file, "rb") as fh:
                for line in fh:
                    loads(line)
            best, best_cpu = min(best, time.perf_counter() - t), min(best_cpu, time.process_time() - c)
        out[f"{name}_seconds"], out[f"{name}_cpu_seconds"] = best, best_cpu
    out["peak_rss_mb"] = run._rss_mb()
    return out


def child(kind: str, *args: str | Path) -> dict[str, Any]:
    if kind == "parse":
        return run_self("parse", *args)
    return rb.child(kind, *args)


def run_self(kind: str, *args: str | Path, code: Path | None = None) -> dict[str, Any]:
    """Run a child of this script; with ``code``, against the graphkit package in that folder."""
    return rb.child(kind, *args, script=__file__, code=code)


def bench(lines: int, work: Path, pool_gib: int, against: tuple[str, Path] | None = None) -> dict[str, Any]:
    base = work / f"psc-{lines}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    scale = lines / registries_synth.PSC_LINES
    gen = child("generate", "psc", base / "in", repr(scale))
    parse = child("parse", base / "in" / "psc-snapshot.txt")
    load = run_self("load", "psc", base / "in", base / "db")
    before = None
    if against is not None:
        before = run_self("load", "psc", base / "in", base / "db-before", code=against[1])
        before["rev"] = against[0]
    try:
        exported = child("export", base / "db", base / "prep")
        # one COPY statement per table, each its own transaction, with the threads graphkit's load
        # writes with; and, for comparison, with one thread or LadybugDB's default (one per core),
        # whichever graphkit does not use
        rows = exported["nodes"] + exported["rels"]
        raw: dict[str, Any] = child("raw", base / "prep", base / "raw", rows, str(pool_gib), "",
                                    str(load_threads()))
        shutil.rmtree(base / "raw", ignore_errors=True)
        raw["other_threads"] = child("raw", base / "prep", base / "raw", rows, str(pool_gib), "",
                                     str(_other_threads()))
    except SystemExit as exc:  # the reference failed, not graphkit's load: keep the load's figures
        exported, raw = {}, {"failed": str(exc)}
    shutil.rmtree(base, ignore_errors=True)
    return {"lines": lines, "generate": gen, "parse": parse, "load": load, "stored": exported, "raw": raw,
            "before": before}


def _tree(load: dict[str, Any]) -> float:
    """The load's peak RSS over all its processes at once (a run of code from before it was
    measured: its own peak)."""
    return max(load.get("tree_peak_mb", 0.0), load["peak_rss_mb"])


def render(results: list[dict[str, Any]], command: str, started: dt.datetime, pool_gib: int) -> str:
    out = [f"Measured {started:%Y-%m-%d %H:%M} UTC on {machine()}, shared with other work (figures "
           "are ratios within one run). Command:", "", f"    {command}", "",
           "| lines | json.loads s (CPU) | orjson s | load s (CPU) | load / json: wall, CPU | lines/s | "
           f"peak RSS MB (reading) | all processes at once, MB | raw COPY s (pool {pool_gib} GiB) | load / raw COPY |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]

    def row(label: str, p: dict[str, Any], ld: dict[str, Any], raw: dict[str, Any], lines: int) -> str:
        secs, cpu = ld["seconds"], ld["cpu_seconds"]
        raw_s = f"{raw['seconds']:.1f}" if "seconds" in raw else "failed" if raw else ""
        raw_ratio = f"{secs / raw['seconds']:.1f}x" if "seconds" in raw else ""
        return (f"| {label} | {p['json_seconds']:.2f} ({p['json_cpu_seconds']:.2f}) | {p['orjson_seconds']:.2f} | "
                f"{secs:.1f} ({cpu:.1f}) | {secs / p['json_seconds']:.1f}x, {cpu / p['json_cpu_seconds']:.1f}x | "
                f"{lines / secs:,.0f} | {ld['peak_rss_mb']:,.0f} ({ld.get('reading_peak_rss_mb', 0):,.0f}) | "
                f"{_tree(ld):,.0f} | {raw_s} | {raw_ratio} |")

    for r in results:
        out.append(row(f"{r['lines']:,}", r["parse"], r["load"], r["raw"], r["lines"]))
        if r.get("before"):
            out.append(row(f"{r['lines']:,} at {r['before']['rev']}", r["parse"], r["before"], {}, r["lines"]))
    out += ["", "*Reading* is the peak while the file was read, parsed and staged (before the store's "
            "writes); the load's peak includes them; both are peaks of one process. *All processes at once*: "
            "the peak of the summed RSS of the load's processes, sampled every 0.2 s (`bench/run.py` "
            "`TreePeak`; pages forked processes share count in each, so it errs high): a load read in parts "
            "(`graphkit/load/apart.py`) holds several reading heaps at the same time. The raw COPY runs with the threads graphkit's load "
            f"writes with ({_threads_named(load_threads())}, `GRAPHKIT_LOAD_THREADS`); with "
            f"{_threads_named(_other_threads())} it took, and peaked at:", ""]
    for r in results:
        one, other = r["raw"], r["raw"].get("other_threads") or {}
        if "seconds" in one and "seconds" in other:
            out.append(f"- {r['lines']:,} lines: {_threads_named(load_threads())} {one['seconds']:.1f} s, "
                       f"{one['peak_rss_mb']:,.0f} MB; {_threads_named(_other_threads())} {other['seconds']:.1f} s, "
                       f"{other['peak_rss_mb']:,.0f} MB")
    small, large = results[0], results[-1]
    ratio = large["load"]["cpu_seconds"] / large["parse"]["json_cpu_seconds"]
    wall = large["load"]["seconds"] / large["parse"]["json_seconds"]
    rss = _tree(large["load"])
    growth = rss / _tree(small["load"])
    full = large["load"]["seconds"] * FULL_LINES / large["lines"]
    def judged(met: bool) -> str:  # the targets are stated for 500k lines against 50k
        return ("met" if met else "not met") if at_size else f"not judged ({large['lines']:,} lines)"

    at_size = large["lines"] >= TARGET_LINES and small["lines"] < large["lines"]
    out += ["", f"Against the targets (stated for {TARGET_LINES:,} lines against a smaller load; largest size here "
            f"{large['lines']:,}):", "",
            f"- load / json parse, CPU seconds: {ratio:.1f}x (target <= 8x): {judged(ratio <= 8)}",
            f"- load / json parse, wall: {wall:.1f}x (target <= 8x): {judged(wall <= 8)}",
            f"- peak RSS, all the load's processes at once: {rss:,.0f} MB (target <= 1,500 MB): {judged(rss <= 1500)}",
            f"- peak RSS against {small['lines']:,} lines: {growth:.2f}x (target <= 1.5x): {judged(growth <= 1.5)}",
            *([f"- the store's raw COPY of the same stored rows alone (wall): "
               f"{large['raw']['seconds'] / large['parse']['json_seconds']:.1f}x the json parse (wall), "
               "a floor for any loader writing graphkit's present schema"] if "seconds" in large["raw"] else []),
            f"- the full snapshot ({FULL_LINES / 1e6:.1f}M lines) projected linearly: {full / 60:.0f} min "
            f"({'measured only under 15 min' if full > 900 else 'short enough to measure'})"]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 2 and sys.argv[1] == "_child":
        kind, args = sys.argv[2], sys.argv[3:]
        cpu = run.cpu_seconds()  # every thread of the process (LadybugDB's too), and its reading process
        out = child_parse(*args) if kind == "parse" else rb.CHILDREN[kind](*args)
        out.setdefault("cpu_seconds", run.cpu_seconds() - cpu)
        print(json.dumps(out, default=str))
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lines", default="50000,500000", help="sizes in lines, comma-separated")
    p.add_argument("--work", type=Path, default=Path("/tmp/graphkit-loader-bench"))
    p.add_argument("--pool-gib", type=int, default=8, help="the raw COPY reference's buffer pool")
    p.add_argument("--no-doc", action="store_true", help="print the section instead of writing docs/benchmarks.md")
    p.add_argument("--against", metavar="REV", help="also load each file with the code of this git revision")
    a = p.parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    command = "python bench/loader_bench.py " + " ".join(sys.argv[1:] if argv is None else argv)
    a.work.mkdir(parents=True, exist_ok=True)
    run.snapshot(a.work)  # the children measure the code as it is now, whatever changes meanwhile
    against = (a.against, checkout(a.against, a.work / f"code-{a.against}")) if a.against else None
    results = [bench(int(n), a.work, a.pool_gib, against) for n in a.lines.split(",")]
    text = render(results, command.strip(), started, a.pool_gib)
    if a.no_doc:
        print(text)
    else:
        put_section(HEADING, text)
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
