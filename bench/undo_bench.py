"""Undoing a killed load at size: a synthetic UK PSC snapshot loaded, killed with SIGKILL midway
through its writes, and undone by the next command, against a clean load of the same lines in
the same run; writes the "Loader: undoing a killed load" section of docs/benchmarks.md.

    python bench/undo_bench.py                        # 500k lines
    python bench/undo_bench.py --lines 200000 --no-doc --against a800a78

Two graphs, each step a fresh child process (its peak RSS, ``VmHWM``, its own):

1. *into a new graph*: the whole snapshot loaded into an empty store and killed once its nodes
   and its first relationship table are committed (the load's journal then holds every node it
   created); the next open of the store undoes it. The graph must be empty again.
2. *into a graph holding the first half of the lines*: the same kill while loading the whole
   snapshot, which creates the second half's records and changes nodes of the first half; the
   undo deletes what it created and gives the changed nodes back their properties. The graph
   must be the same as before, property for property (a digest of every node and relationship).

The reference is a clean load of the whole snapshot into an empty store (``load_files``, the
path of ``graphkit load --mapping uk-psc``). Times are wall and CPU seconds; the undo is given as
a ratio of CPU seconds to the clean load's. With ``--against REV`` the killed loads and their undo
run a second time with the code of that git revision, in the same run. Nothing here asserts on
timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import registries_bench as rb  # noqa: E402 - its generate child, reused
import run  # noqa: E402 - bench/run.py: peak RSS, the repository root
from docsection import machine, put_section  # noqa: E402
from revisions import checkout  # noqa: E402

from graphkit.synth import registries as registries_synth  # noqa: E402

HEADING = "Loader: undoing a killed load"

#: the child that loads and is killed: it SIGKILLs itself right after the first relationship
#: table's COPY has committed (every node of the load is written by then), having written its
#: peak RSS so far (``VmHWM``, or its reading process's if larger; MB) to the file named last
KILLED = """
import os, resource, signal, sys
from pathlib import Path
from graphkit.load import load_files
from graphkit.store.embedded import EmbeddedStore, _EmbeddedStagedLoad

copy_rels = _EmbeddedStagedLoad.copy_rels
def copy_then_die(self, *args):
    copy_rels(self, *args)
    status = Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0]
    reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # a large load's reading process
    Path(sys.argv[4]).write_text(str(max(int(status), reader) / 1024))
    os.kill(os.getpid(), signal.SIGKILL)
_EmbeddedStagedLoad.copy_rels = copy_then_die
store = EmbeddedStore(Path(sys.argv[1]))
load_files(store, [Path(sys.argv[2])], "uk-psc", on_error="skip", rejects_dir=Path(sys.argv[3]))
"""


def child_load(db: str, file: str, rejects: str) -> dict[str, Any]:
    """A clean load of ``file`` into the store at ``db``."""
    from graphkit.load import load_files
    from graphkit.store.embedded import EmbeddedStore

    store = EmbeddedStore(Path(db))
    store.conn  # noqa: B018 - open the database outside the timing
    t, c = time.perf_counter(), run.cpu_seconds()
    load_files(store, [Path(file)], "uk-psc", on_error="skip", rejects_dir=Path(rejects))
    out = {"seconds": time.perf_counter() - t, "cpu_seconds": run.cpu_seconds() - c,
           "peak_rss_mb": run.peak_mb()}
    store.close()
    return out


def child_undo(db: str) -> dict[str, Any]:
    """Open the store at ``db``, which undoes the killed load; then its digest (not timed)."""
    from graphkit.store.embedded import EmbeddedStore

    t, c = time.perf_counter(), time.process_time()
    store = EmbeddedStore(Path(db))
    store.conn  # noqa: B018 - opening the store undoes the load its journal names
    out = {"seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - c, "peak_rss_mb": run._rss_mb(),
           "said": store.recovered}
    out |= _digest(store)
    store.close()
    return out


def child_digest(db: str) -> dict[str, Any]:
    from graphkit.store.embedded import EmbeddedStore

    with EmbeddedStore(Path(db)) as store:
        return _digest(store)


def _digest(store: Any) -> dict[str, Any]:
    """Counts and a SHA-256 of every node and relationship with all its stored properties, rows
    sorted: two graphs with the same digest hold the same records."""
    from graphkit.model import get_model

    model, sha, nodes, rels = get_model(), hashlib.sha256(), 0, 0
    for label in model.nodes:
        cols = list(model.node_columns(label))
        rows = store._execute(f"MATCH (n:{label}) RETURN " + ", ".join(f"n.{c} AS {c}" for c in cols))
        nodes += len(rows)
        for line in sorted(json.dumps([r[c] for c in cols], default=str) for r in rows):
            sha.update(line.encode())
    for type_ in model.relationships:
        cols = list(model.rel_columns(type_))
        rows = store._execute(f"MATCH (a)-[r:{type_}]->(b) RETURN a.id AS _a, b.id AS _b"
                              + "".join(f", r.{c} AS {c}" for c in cols))
        rels += len(rows)
        for line in sorted(json.dumps([r[c] for c in ["_a", "_b", *cols]], default=str) for r in rows):
            sha.update(line.encode())
    return {"nodes": nodes, "rels": rels, "digest": sha.hexdigest()}


def killed_load(db: Path, file: Path, rejects: Path, code: Path | None) -> dict[str, Any]:
    """Run the load that kills itself (with the package in ``code`` if given); its wall and CPU
    seconds until the kill."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(code or run.REPO))
    peak = db.parent / "killed-peak-mb"
    proc = subprocess.run([sys.executable, "-c", KILLED, str(db), str(file), str(rejects), str(peak)],
                          capture_output=True, text=True, cwd=db.parent, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != -signal.SIGKILL:
        raise SystemExit(f"the load to be killed ended with {proc.returncode}:\n{proc.stderr[-2000:]}")
    return {"seconds": time.perf_counter() - t, "peak_rss_mb": float(peak.read_text()),
            "cpu_seconds": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime}


def child(kind: str, *args: str | Path, code: Path | None = None) -> dict[str, Any]:
    return rb.child(kind, *args, script=__file__, code=code)


def killed_and_undone(base: Path, snapshot: Path, head: Path, code: Path | None) -> dict[str, Any]:
    """The two kills (into an empty graph, into one holding the first half) and their undo."""
    rejects = base / "rejects"
    empty = child("digest", base / "new", code=code)  # an empty graph, as the undo must leave it
    new = {"killed": killed_load(base / "new", snapshot, rejects, code), "before": empty}
    new["undo"] = child("undo", base / "new", code=code)
    half_load = child("load", base / "half", head, rejects, code=code)
    half = {"before": child("digest", base / "half", code=code), "first_half_load": half_load}
    half["killed"] = killed_load(base / "half", snapshot, rejects, code)
    half["undo"] = child("undo", base / "half", code=code)
    shutil.rmtree(base / "new")
    shutil.rmtree(base / "half")
    return {"new": new, "half": half}


def bench(lines: int, work: Path, against: tuple[str, Path] | None) -> dict[str, Any]:
    base = work / f"psc-{lines}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    rejects = base / "rejects"
    rb.child("generate", "psc", base / "in", repr(lines / registries_synth.PSC_LINES))
    snapshot = base / "in" / "psc-snapshot.txt"
    text = snapshot.read_text(encoding="utf-8").splitlines(keepends=True)
    head = base / "in" / "psc-first-half.txt"
    head.write_text("".join(text[: len(text) // 2]), encoding="utf-8")
    del text
    out = {"lines": lines, "clean": child("load", base / "clean", snapshot, rejects)}
    shutil.rmtree(base / "clean")
    out |= killed_and_undone(base, snapshot, head, None)
    if against is not None:
        out["before"] = {"rev": against[0], **killed_and_undone(base, snapshot, head, against[1])}
    shutil.rmtree(base, ignore_errors=True)
    return out


def render(r: dict[str, Any], command: str, started: dt.datetime) -> str:
    clean = r["clean"]
    out = [f"Measured {started:%Y-%m-%d %H:%M} UTC on {machine()}, shared with other work (figures are ratios "
           "within one run). Command:", "", f"    {command}", "",
           f"A clean load of {r['lines']:,} PSC lines into an empty graph: {clean['seconds']:.1f} s "
           f"({clean['cpu_seconds']:.1f} s CPU), peak {clean['peak_rss_mb']:,.0f} MB. The same load killed "
           "(SIGKILL) once its nodes and first relationship table were committed, then undone by the next "
           "open of the store:", "",
           "| graph the load went into | killed after s (CPU) | its peak RSS MB | undo s (CPU) | undo / clean load, "
           "CPU | undo peak RSS MB | what the undo said | graph as before |",
           "|---|---:|---:|---:|---:|---:|---|---|"]
    runs = [("empty", r["new"]), ("holding the first half of the lines", r["half"])]
    if r.get("before"):
        rev = r["before"]["rev"]
        runs += [(f"empty, at {rev}", r["before"]["new"]), (f"holding the first half, at {rev}", r["before"]["half"])]
    for name, s in runs:
        k, u = s["killed"], s["undo"]
        said = "; ".join(u["said"]).split("which stopped before it finished: ")[-1].split("; the graph")[0]
        same = u["digest"] == s["before"]["digest"]
        out.append(f"| {name} | {k['seconds']:.1f} ({k['cpu_seconds']:.1f}) | {k['peak_rss_mb']:,.0f} | "
                   f"{u['seconds']:.1f} "
                   f"({u['cpu_seconds']:.1f}) | {u['cpu_seconds'] / clean['cpu_seconds']:.2f}x | "
                   f"{u['peak_rss_mb']:,.0f} | {said} | {'yes' if same else 'NO'}: {u['nodes']:,} nodes, "
                   f"{u['rels']:,} relationships |")
    out += ["", "*Graph as before*: the digest (SHA-256 of every node and relationship with all stored "
            "properties, rows sorted) after the undo equals the one taken before the killed load."]
    into_half = r["half"]["killed"]["peak_rss_mb"] / clean["peak_rss_mb"]
    out += ["", f"The load into the graph holding half of the lines peaked at {r['half']['killed']['peak_rss_mb']:,.0f} "
            f"MB, {into_half:.1f}x the clean load into an empty graph"
            + (": a load that changes nodes the graph holds is not flat in memory (\"Loader: loads in chunks\")."
               if into_half > 1.5 else ".")]
    return "\n".join(out)


CHILDREN = {"load": child_load, "undo": child_undo, "digest": child_digest}


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "_child":
        kind, args = sys.argv[2], sys.argv[3:]
        print(json.dumps(CHILDREN[kind](*args) if kind in CHILDREN else rb.CHILDREN[kind](*args), default=str))
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lines", type=int, default=500_000)
    p.add_argument("--work", type=Path, default=Path("/tmp/graphkit-undo-bench"))
    p.add_argument("--no-doc", action="store_true", help="print the section instead of writing docs/benchmarks.md")
    p.add_argument("--against", metavar="REV", help="also kill and undo with the code of this git revision")
    a = p.parse_args()
    started = dt.datetime.now(dt.UTC)
    against = (a.against, checkout(a.against, a.work / f"code-{a.against}")) if a.against else None
    result = bench(a.lines, a.work, against)
    print(json.dumps(result, default=str), file=sys.stderr)
    text = render(result, ("python bench/undo_bench.py " + " ".join(sys.argv[1:])).strip(), started)
    if not a.no_doc:
        put_section(HEADING, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
