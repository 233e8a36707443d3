"""A UK PSC snapshot loaded in parts, each part its own ``graphkit load`` into the same graph;
writes the "Loader: the UK PSC snapshot in parts" section of docs/benchmarks.md.

    python bench/psc_parts_bench.py --scale 1.36 --parts 10 --work /tmp/psc-parts   # full size
    python bench/psc_parts_bench.py --scale 0.02 --parts 4 --no-doc                  # a quick look

With ``--parts 1`` it is one load of the whole snapshot: the full snapshot (13.6M lines) failed
so four times on a 24 GB machine and loaded the fifth, once rows with long lists were written
apart ("Loader: the full UK PSC snapshot"). Loading the snapshot in parts bounds the rows of
each COPY; each later part finds in the graph the firms, people and addresses earlier parts
stored and adds to them.

In one run on one machine:

1. generate the snapshot (``graphkit/synth/registries.py psc``; not timed as ingest) and split
   its lines into ``--parts`` files of consecutive lines (not timed);
2. for each part, in a fresh process: a plain ``json.loads`` of its lines (the reference), then
   ``load_files`` with the ``uk-psc`` mapping into the one embedded graph (the path of
   ``graphkit load``) - time, peak RSS (of the load and of the process it reads in), nodes and
   relationships created and updated;
3. the graph's node and relationship counts at the end;
4. with ``--neo4j-import``: ``graphkit neo4j import --db DIR --overwrite`` of that graph into a
   fresh local Neo4j 5.26 (the whole command, timed from outside: CSV export, neo4j-admin import,
   restart, constraints and indexes), then the database's counts and find-links for 100 firms
   drawn at random (seed 7) against the embedded store's answers.

A part that fails stops the run; its message is written with the parts before it. Nothing
here asserts on timings.

With ``--against REV`` each part is loaded a second time by REV's code, into a copy of the graph
this code made of the parts before it: it compares how each revision loads a part over the same
graph, not the graphs the two would have made (a change in how a load lays out what later parts
build on, such as ``staged._placed``, shows only when REV loads every part: ``git archive REV``
and a run of this bench with that tree first on ``PYTHONPATH``).
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

import neo4j_scale_bench as nsb  # noqa: E402 - timed commands, find-links children, free ports
import registries_bench as rb  # noqa: E402 - its generate and load children
import run  # noqa: E402 - peak RSS, machine facts, the code snapshot
from docsection import put_section  # noqa: E402
from revisions import checkout  # noqa: E402

HEADING = "Loader: the UK PSC snapshot in parts"


def child_parse(folder: str) -> dict[str, Any]:
    """The reference: ``json.loads`` of every line of ``folder``'s files, CPU and wall."""
    t, c = time.perf_counter(), time.process_time()
    lines = 0
    for path in sorted(Path(folder).iterdir()):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                json.loads(line)
                lines += 1
    return {"lines": lines, "seconds": time.perf_counter() - t, "cpu_s": time.process_time() - c}


def child_counts(db: str) -> dict[str, Any]:
    from graphkit.store.embedded import EmbeddedStore

    store = EmbeddedStore(Path(db))
    try:
        counts = store.counts()
    finally:
        store.close()
    return {"nodes": counts.nodes, "relationships": counts.relationships, "peak_rss_mb": run._rss_mb()}


CHILDREN = {"parse": child_parse, "counts": child_counts}


def child(kind: str, *args: str | Path) -> dict[str, Any]:
    if kind in CHILDREN:
        return rb.child(kind, *args, script=__file__)
    return rb.child(kind, *args)


def split(source: Path, parts: int, out: Path) -> list[Path]:
    """``source``'s lines in ``parts`` folders of consecutive lines, one file each."""
    with source.open(encoding="utf-8") as fh:
        total = sum(1 for _ in fh)
    size = -(-total // parts)
    folders = []
    with source.open(encoding="utf-8") as fh:
        for n in range(parts):
            folder = out / f"part-{n + 1:02d}"
            folder.mkdir(parents=True)
            with (folder / source.name).open("w", encoding="utf-8") as part:
                for _, line in zip(range(size), fh, strict=False):
                    part.write(line)
            folders.append(folder)
    return folders


def bench(scale: float, parts: int, work: Path, with_neo4j: bool = False,
          against: tuple[str, Path] | None = None, keep: Path | None = None) -> dict[str, Any]:
    base = work / f"psc-{scale:g}-in-{parts}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    gen = child("generate", "psc", base / "in", f"{scale:g}")
    run.log("splitting ...")
    folders = split(base / "in" / "psc-snapshot.txt", parts, base / "parts")
    shutil.rmtree(base / "in")
    out: dict[str, Any] = {"scale": scale, "parts": parts, "generate": gen, "loads": []}
    for n, folder in enumerate(folders, 1):
        row: dict[str, Any] = {"part": n, "parse": child("parse", folder)}
        if against is not None:  # the part loaded by the earlier code into a copy of the same graph
            copy = base / "db-against"
            shutil.rmtree(copy, ignore_errors=True)
            if (base / "db").exists():
                shutil.copytree(base / "db", copy)
            try:
                row["against"] = {"rev": against[0], **rb.child("load", "psc", folder, copy, code=against[1])}
            except SystemExit as exc:
                row["against"] = {"rev": against[0], "failed": str(exc)}
            shutil.rmtree(copy, ignore_errors=True)
        try:
            row["load"] = child("load", "psc", folder, base / "db")
        except SystemExit as exc:
            row["failed"] = str(exc)
            row["message"] = rb.LAST_ERROR[0]
            out["loads"].append(row)
            break
        out["loads"].append(row)
        shutil.rmtree(folder)  # the inputs of a full-size run are 9 GB
    try:
        out["graph"] = child("counts", base / "db")
    except SystemExit as exc:
        out["graph"] = {"failed": str(exc)}
    if with_neo4j and "nodes" in out["graph"] and all("load" in row for row in out["loads"]):
        try:
            out["neo4j"] = nsb.graphkit_import(base / "db", base / "neo4j", run.SNAPSHOT)
        except RuntimeError as exc:
            out["neo4j"] = {"failed": str(exc)}
            for log in (base / "neo4j").glob("**/logs/*"):  # the folder goes below; its logs say why
                shutil.copy(log, work / f"neo4j-{log.name}")
    if keep is not None and (base / "db").exists():  # the graph, for other benches to read
        shutil.rmtree(keep, ignore_errors=True)
        shutil.move(base / "db", keep)
    shutil.rmtree(base, ignore_errors=True)
    return out


def _mb(x: float) -> str:
    return f"{x:,.0f}"


def _load_cells(ld: dict[str, Any], parse_s: float) -> str:
    """A load's cells of the table, from its time on: seconds (CPU), against the parse, peaks,
    what it created."""
    x = ld["loads"][0]
    cpu = ld.get("cpu_s")
    return (f"{ld['seconds']:.0f}" + (f" ({cpu:.0f})" if cpu is not None else "")
            + f" | {ld['seconds'] / parse_s:.1f}x | {_mb(ld['peak_rss_mb'])} | {_mb(ld['reading_peak_rss_mb'])} "
            + f"| {_mb(ld['own_peak_mb']) if 'own_peak_mb' in ld else '-'} | {_mb(ld['tree_peak_mb'])} "
            + (f"| {_mb(ld['copy_apart_peak_mb'])} ({ld['copies_apart']}) " if ld.get("copies_apart") else "| - ")
            + f"| {x['nodes_created']:,} | {x['nodes_updated']:,} | {x['rels_created']:,} |")


def render(r: dict[str, Any], mach: dict[str, str], command: str, started: dt.datetime, code: dict[str, str]) -> str:
    gen = r["generate"]
    lines = [f"Measured {started:%Y-%m-%d %H:%M} UTC on {mach['cpu']}, {mach['nproc']} cores, {mach['ram']}, "
             f"Python {mach['python']}, LadybugDB {mach['ladybug']}, graphkit {code['head']}"
             + (f" with changes to {code['changed']}" if code["changed"] else "") + ". Command:", "",
             f"    {command}", "",
             f"The synthetic snapshot in the real line layout ({gen['records']:,} lines, {gen['mb']:,.0f} MB), "
             f"split into {r['parts']} parts of consecutive lines, each loaded by its own `load_files` "
             "(`graphkit load --mapping uk-psc`) into the same graph, in a fresh process. *Reference*: a plain "
             "`json.loads` of the part's lines in a process of its own. *Peak*: of the load's process and of the "
             "process it read the part in, whichever is larger. *Load's own process*: the peak of the process "
             "that plans the writes (which staged records the graph holds) and waits for each COPY run apart. "
             "*All at once*: the peak of the summed RSS of the load's processes (`bench/run.py` `TreePeak`).", "",
             "| part | lines | json.loads s | load s (CPU) | load / json, wall | peak RSS MB | reading peak MB "
             "| load's own process MB | all at once MB "
             "| largest COPY process MB (COPYs apart) | nodes created | nodes updated | rels created |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    total = parse = 0.0
    peak = 0.0
    done = 0
    for row in r["loads"]:
        p = row["parse"]
        lines.append(f"| {row['part']} | {p['lines']:,} | {p['seconds']:.1f} | "
                     + (_load_cells(row["load"], p["seconds"]) if "load" in row else "failed | | | | | | | | | |"))
        if "against" in row:
            ag = row["against"]
            lines.append(f"| {row['part']} at {ag['rev']} | | | "
                         + ("failed | | | | | | | | | |" if "failed" in ag else _load_cells(ag, p["seconds"])))
        if "load" not in row:
            continue
        ld = row["load"]
        total += ld["seconds"]
        parse += p["seconds"]
        peak = max(peak, ld["peak_rss_mb"])
        done += 1
    lines.append("")
    if done:
        first = r["loads"][0]["load"]["peak_rss_mb"]
        lines.append(f"{done} of {r['parts']} parts loaded in {total:,.0f} s ({total / 60:.0f} min), "
                     f"{total / parse:.1f}x the json parse of the same lines; the largest peak {_mb(peak)} MB, "
                     f"{peak / first:.2f}x the first part's.")
    failed = [row for row in r["loads"] if "failed" in row]
    if failed:
        msg = failed[0].get("message", "").strip().splitlines()
        said = next((ln for ln in reversed(msg) if ln.strip()), failed[0]["failed"])
        lines += ["", f"**Part {failed[0]['part']} failed**, and the run stopped there: `{said[-400:]}`"]
    graph = r.get("graph", {})
    if "nodes" in graph:
        def each(counts: dict[str, int]) -> str:
            return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()) if v)

        lines += ["", f"The graph then held {sum(graph['nodes'].values()):,} nodes ({each(graph['nodes'])}) and "
                      f"{sum(graph['relationships'].values()):,} relationships ({each(graph['relationships'])})."]
    neo = r.get("neo4j")
    if neo and "failed" in neo:
        lines += ["", f"`graphkit neo4j import` of that graph failed: `{neo['failed'][-400:]}`"]
    elif neo:
        imp = neo["import"]
        lines += ["", f"`graphkit neo4j import --db DIR --overwrite` of that graph into a fresh local Neo4j 5.26 "
                      f"(the whole command): {imp['seconds']:,.0f} s ({imp['seconds'] / 60:.0f} min), "
                      f"{imp['seconds'] / total:.2f}x the embedded load of all parts, the command's peak RSS "
                      f"{_mb(imp['peak_rss_mb'])} MB; the database's counts "
                      f"{'equal' if neo['same_counts'] else 'DIFFER from'} the embedded store's; find-links for "
                      f"100 firms drawn at random: {'the same' if neo['same_answers'] else 'DIFFERENT'} answers "
                      f"({neo['links']:,} lines). The command said: {imp['output'].splitlines()[-1] if imp['output'] else ''}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if run.answer_child(argv, CHILDREN):
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=0.02, help="fraction of the full snapshot (1.36: 13.6M lines)")
    p.add_argument("--parts", type=int, default=4)
    p.add_argument("--work", type=Path, default=Path("/tmp/graphkit-psc-parts"))
    p.add_argument("--neo4j-import", action="store_true",
                   help="then bulk-import the graph into a fresh local Neo4j with graphkit neo4j import")
    p.add_argument("--no-doc", action="store_true", help="print the section instead of writing docs/benchmarks.md")
    p.add_argument("--against", metavar="REV",
                   help="also load each part with the code of this git revision, into a copy of the graph "
                        "as it is before the part (the rows 'at REV')")
    p.add_argument("--keep", type=Path, metavar="DIR",
                   help="keep the graph of every part in DIR (e.g. for bench/planning_bench.py)")
    a = p.parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    a.work.mkdir(parents=True, exist_ok=True)
    code = run.snapshot(a.work)
    mach = run.machine()
    command = ("python bench/psc_parts_bench.py " + " ".join(argv)).strip()
    against = (a.against, checkout(a.against, a.work / f"code-{a.against}")) if a.against else None
    result = bench(a.scale, a.parts, a.work, a.neo4j_import, against, a.keep)
    (a.work / "result.json").write_text(json.dumps(result, default=str, indent=1))
    text = render(result, mach, command, started, code)
    if a.no_doc:
        print(text)
    else:
        put_section(HEADING, text)
        run.log(f"wrote the '{HEADING}' section of {run.REPO / 'docs' / 'benchmarks.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
