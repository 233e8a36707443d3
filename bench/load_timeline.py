"""Where a load's time goes: ``graphkit load -m uk-psc`` of a synthetic PSC snapshot, with the CPU
each of its processes used in each second; prints the timeline and a summary by phase.

    python bench/load_timeline.py --lines 500000 --work /tmp/load-timeline
    python bench/load_timeline.py --lines 1360000 --seed 8 --db /tmp/full/graph   # a part over a graph

The snapshot comes from ``graphkit/synth/registries.py psc`` (not timed; ``--seed``: another
draw of firms and people than the default one). The load runs as the user runs it, in a child
process, into a fresh graph, or with ``--db`` into that graph as it is (it keeps what the load
adds: a later part of the full snapshot over the graph of the parts before it, as kept by
``bench/psc_parts_bench.py --keep``); once a second this script reads, from ``/proc``,
the CPU seconds of every process below it (the load's, the processes it reads parts and counts
in, the fresh interpreters its large COPYs run in). Each process is named by its kind and its
order of appearance. Before the load, the snapshot is parsed with ``json.loads`` (the fastest of
three passes), and the seconds before, during and after the reading are printed as ratios to it:
what follows the reading (planning, the COPYs, their commits) is what a faster builder of the same
records would leave as it is.

The phases are told apart by which processes ran in each second: *reading* while a process forked
from the load (counting, reading a part: the load's own command line) ran; *COPY* while a fresh
interpreter running a COPY did; *load alone* the seconds in which only the load's own process ran
(the planning, the store's opening and closing between COPYs, its own small COPYs). Nothing here asserts on timings; run it with the machine to
itself.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402 - bench/run.py: the process table

TICK = os.sysconf("SC_CLK_TCK")


def _cmdline(pid: int) -> bytes:
    """The command line of ``pid``: a process forked from the load has the load's; a fresh
    interpreter running a COPY (``store/embedded.py``, ``_copy_apart``) has its own."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read()
    except OSError:
        return b""


def _table(cmdline: bytes) -> str:
    """`` <table>`` a COPY run apart writes, from its statement (``COPY Person FROM ...``; a
    large update, ``LOAD FROM ... MATCH (n:Address ...``), or nothing if it cannot be told."""
    args = cmdline.split(b"\0")
    text = args[5].decode("utf-8", "replace") if len(args) > 5 else ""
    found = re.match(r"COPY (\w+)", text) or re.search(r"MATCH \(n:(\w+)", text)
    return f" {found.group(1)}" if found else ""


def timeline(cmd: list[str], env: dict[str, str]) -> tuple[list[tuple[float, dict[int, float]]], dict[int, str], float, int]:
    """Run ``cmd``; per second, the CPU seconds each process below it used in that second."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen: dict[int, float] = {}
    names: dict[int, str] = {}
    samples: list[tuple[float, dict[int, float]]] = []
    while proc.poll() is None:
        time.sleep(1.0)
        stats = run.proc_stats()
        used: dict[int, float] = {}
        for pid in [proc.pid, *run.descendants(proc.pid, stats)]:
            if pid not in stats:
                continue
            cpu = (int(stats[pid][11]) + int(stats[pid][12])) / TICK
            if pid not in names:
                kind = "load" if pid == proc.pid else "forked" if _cmdline(pid) == _cmdline(proc.pid) else "COPY"
                names[pid] = kind if kind == "load" else f"{kind} {sum(n.startswith(kind) for n in names.values()) + 1}"
                if kind == "COPY":
                    names[pid] += _table(_cmdline(pid))
            used[pid] = cpu - seen.get(pid, 0.0)
            seen[pid] = cpu
        samples.append((time.monotonic() - start, used))
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        sys.exit(f"the load failed ({proc.returncode}): {err[-2000:]}")
    return samples, names, time.monotonic() - start, proc.pid


def around_reading(samples: list[tuple[float, dict[int, float]]], names: dict[int, str],
                   load_pid: int) -> tuple[int, int, int]:
    """Seconds of the load before its first reading second, from its first to its last (the
    reading), and after its last: what the load does once every record is read (planning, the
    COPYs, the commits), which a faster reading of the same records leaves as it is."""
    reading = [i for i, (_, used) in enumerate(samples)
               if any(names[p].startswith("forked") for p in used if p != load_pid)]
    if not reading:
        return 0, 0, 0
    first, last = reading[0], reading[-1]
    return first, last - first + 1, len(samples) - last - 1


def summary(samples: list[tuple[float, dict[int, float]]], names: dict[int, str], load_pid: int) -> list[str]:
    phases: dict[str, list[float]] = {"reading": [0, 0.0], "COPY": [0, 0.0], "load alone": [0, 0.0]}
    for _, used in samples:
        alive = [p for p, c in used.items() if p != load_pid]
        if any(names[p].startswith("forked") for p in alive):
            phase = "reading"
        elif any(names[p].startswith("COPY") for p in alive):
            phase = "COPY"
        else:
            phase = "load alone"
        phases[phase][0] += 1
        phases[phase][1] += sum(used.values())
    lines = [f"- {phase}: {int(n)} s, {cpu:.1f} CPU s ({cpu / n if n else 0:.2f} cores busy)"
             for phase, (n, cpu) in phases.items()]
    for pid, name in names.items():  # each COPY run apart: the seconds it was seen, its CPU
        if name.startswith("COPY"):
            seen = [used[pid] for _, used in samples if pid in used]
            lines.append(f"  - {name}: {len(seen)} s, {sum(seen):.1f} CPU s")
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lines", type=int, default=500_000)
    p.add_argument("--work", type=Path, default=Path("/tmp/graphkit-load-timeline"))
    p.add_argument("--seed", type=int, default=7, help="the generator's seed (7, its default)")
    p.add_argument("--db", type=Path, help="load into this graph (kept, with what the load adds), not a fresh one")
    args = p.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    subprocess.run([sys.executable, "-m", "graphkit.synth.registries", "psc", str(args.work / "in"),
                    "--scale", str(args.lines / 10_000_000), "--seed", str(args.seed)], env=env, check=True, stdout=subprocess.DEVNULL)
    snapshot = args.work / "in" / "psc-snapshot.txt"
    cmd = [sys.executable, "-m", "graphkit.cli", "load", "--db", str(args.db or args.work / "db"), "-m", "uk-psc",
           "--rejects-dir", str(args.work), str(snapshot)]
    parse = run.json_parse(snapshot)
    samples, names, wall, load_pid = timeline(cmd, env)
    order = list(names)
    print(f"graphkit load -m uk-psc, {args.lines:,} lines: {wall:.1f} s; CPU seconds per second of each process")
    width = max(9, *(len(n) for n in names.values()))
    print("  s  " + " ".join(f"{names[p]:>{width}}" for p in order))
    for at, used in samples:
        print(f"{at:4.0f} " + " ".join(f"{used[p]:{width}.1f}" if p in used else " " * width for p in order))
    print("\n".join(summary(samples, names, load_pid)))
    before, reading, after = around_reading(samples, names, load_pid)
    print(f"json.loads of every line (fastest of 3): {parse:.2f} s; the load {wall / parse:.1f}x that")
    if not reading:  # a small load is read in the load's own process: no second tells the phases apart
        print("- the load read its input in its own process (no part apart): its phases are not told apart")
    else:
        for what, seconds in (("before the reading", before), ("the reading", reading),
                              ("after the reading (planning, COPYs, commits)", after)):
            print(f"- {what}: {seconds} s, {seconds / parse:.1f}x the json parse")
    shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
