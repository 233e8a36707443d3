"""Where a resolution of synthetic names leaves a core idle: a timeline of ``decide``, against an
earlier revision in the same run.

    python bench/resolve_timeline.py [--names 1000000] [--against REV] [--no-doc]

Synthetic people from ``graphkit.resolve.namesakes.make_records`` (as ``bench/resolve_bench.py``).
Each revision runs ``decide`` in a child process of its own. A thread of that process samples,
every half second, the stack of the resolving thread and how many of the machine's cores were
busy since the last sample (``/proc/stat``; run it with the machine to itself). A sample with
at most 1.3 cores busy counts as a half second with a core idle, under the function the
resolving process was in (two levels below ``decide``). Samples are missing while native code
holds the interpreter (rigour building its name tables): those gaps are listed as such.
Writes the section "Entity resolution: where a core is idle" of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEP = 0.5  # seconds between two samples
IDLE = 1.3  # busy cores at most, for a sample with a core idle (of two)


def _busy() -> tuple[int, int]:
    with open("/proc/stat", encoding="ascii") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    return sum(ticks) - ticks[3] - ticks[4], sum(ticks)


def child(names: int) -> dict[str, object]:
    """Resolve ``names`` synthetic people with the graphkit first on ``sys.path``, sampled."""
    from graphkit.resolve import ResolveReport, decide
    from graphkit.resolve.judgements import Judgements, Partition
    from graphkit.resolve.namesakes import make_records

    records, _ = make_records(names)
    cores = os.cpu_count() or 1
    main, samples, stop = threading.main_thread().ident, [], threading.Event()

    def sample() -> None:
        busy, total = _busy()
        while not stop.wait(STEP):
            b, t = _busy()
            used, (busy, total) = cores * (b - busy) / max(t - total, 1), (b, t)
            frame, names_ = sys._current_frames().get(main), []
            while frame is not None:
                names_.append(frame.f_code.co_name)
                frame = frame.f_back
            names_.reverse()
            below = names_[names_.index("decide") + 1:] if "decide" in names_ else []
            samples.append((time.perf_counter() - start, used, below))

    start = time.perf_counter()
    threading.Thread(target=sample, daemon=True).start()
    decide(records, Judgements(), Partition(), ResolveReport())
    seconds = time.perf_counter() - start
    stop.set()
    idle: Counter[str] = Counter()
    gaps, last, scoring = [], 0.0, None
    for at, used, below in samples:
        if at - last > 3 * STEP:
            gaps.append((round(last, 1), round(at - last, 1), " > ".join(below[:3])))
        last = at
        if scoring is None and "_kept" in below:
            scoring = at
        if used <= IDLE:
            idle[" > ".join(below[:2]) or "(outside decide)"] += STEP
    return {"seconds": round(seconds, 1), "idle_s": sum(idle.values()), "idle": idle.most_common(8),
            "scoring_from_s": round(scoring, 1) if scoring is not None else None, "gaps": gaps}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "_child":
        print(json.dumps(child(int(sys.argv[2]))))  # the graphkit of PYTHONPATH
        return
    sys.path.insert(0, str(ROOT))  # the bench package
    from bench.docsection import machine, put_section
    from bench.revisions import checkout, measured_in_child

    ap = argparse.ArgumentParser()
    ap.add_argument("--names", type=int, default=1_000_000)
    ap.add_argument("--against", help="also resolve with the code of this git revision, in the same run")
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        doing = f"resolving {args.names:,} names"
        runs.append(("this code", measured_in_child(__file__, [str(args.names)], ROOT, doing)))
        if args.against:
            before = checkout(args.against, Path(tmp) / "before")
            runs.append((f"`{args.against}`", measured_in_child(__file__, [str(args.names)], before, doing)))
    command = f"python bench/resolve_timeline.py --names {args.names}" + (f" --against {args.against}" if args.against else "")
    lines = [f"Measured {when} on {machine()}: `{command}`.", "",
             f"`decide` on {args.names:,} synthetic names (`namesakes.make_records`), sampled every {STEP} s: "
             f"*a core idle*, samples with at most {IDLE} of the machine's cores busy; *scoring from*, the first "
             "sample in `_kept` (pairs scored one by one); *no sample*, native code holding the interpreter.", "",
             "| code | resolve s | seconds with a core idle | scoring from s |", "|---|---:|---:|---:|"]
    lines += [f"| {who} | {r['seconds']} | {r['idle_s']} | {r['scoring_from_s']} |" for who, r in runs]
    for who, r in runs:
        lines += ["", f"Where a core is idle, {who} (the resolving process's function two levels below `decide`):", ""]
        lines += [f"- `{where}`: {s} s" for where, s in r["idle"]]
        lines += [f"- no sample for {length} s from {at} s (then in `{where}`)" for at, length, where in r["gaps"]]
    body = "\n".join(lines)
    print(body)
    if not args.no_doc:
        put_section("Entity resolution: where a core is idle", body)
        print("wrote its section of docs/benchmarks.md")


if __name__ == "__main__":
    main()
