"""A large input read in one part against two at once (``GRAPHKIT_READ_PARTS``,
``graphkit/load/apart.py``); writes the section "Loader: LAYOUT at scale S, read in parts at
once" of docs/benchmarks.md.

    python bench/parts_bench.py --layout gleif --scale 0.1           # 240k LEI + 40k relationship records
    python bench/parts_bench.py --layout gleif --scale 1 --rounds 1  # full size: 2.4M + 400k
    python bench/parts_bench.py --layout registry --scale 0.5        # a CSV registry extract, 500k companies

In one run on one machine, with the same graphkit code:

1. generate the files in the source's layout (``graphkit/synth/registries.py``; ``registry``: a CSV
   extract of a company registry, ``graphkit/synth/registry.py``, ``--scale`` million companies;
   not timed);
2. a plain read of the largest file, the reference of the ratios: for XML, ``iterparse`` with each
   record element cleared once read (what streaming the file costs with no mapping); for JSON
   lines, ``json.loads`` of every line;
3. ``--rounds`` times, alternating: the layout's loads (``bench/registries_bench.py``'s load
   child: ``load_files`` with the built-in mappings into a fresh embedded store, the path of
   ``graphkit load``) with ``GRAPHKIT_READ_PARTS=1`` and with 2, each a fresh process - wall and
   CPU seconds (the load's processes together), the summed peak RSS of the load's processes, and
   the nodes and relationships stored, which must be equal.

Nothing here asserts on timings; figures are ratios within the run.
"""

from __future__ import annotations

import argparse
import csv
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

import registries_bench as rb  # noqa: E402 - the generate and load children
import run  # noqa: E402 - machine facts, peak RSS
from docsection import machine, put_section  # noqa: E402

HEADING = "Loader: {layout} at scale {scale:g}, read in parts at once"
READ = {"gleif": "iterparse with each record cleared", "psc": "json.loads of each line",
        "registry": "csv.DictReader of each row"}


def child_generate(layout: str, folder: str, scale: str) -> dict[str, Any]:
    """The registries' generator; for ``registry`` (a CSV registry extract, ``scale`` times a
    million companies) ``graphkit/synth/registry.py``'s."""
    if layout != "registry":
        return rb.child_generate(layout, folder, scale)
    from graphkit.synth.registry import generate

    t0 = time.perf_counter()
    path, stats = generate(int(float(scale) * 1_000_000), Path(folder))
    path = path.rename(Path(folder) / "registry.csv")
    with path.open("rb") as fh:
        records = sum(1 for _ in csv.reader(line.decode("utf-8") for line in fh)) - 1
    return {**stats, "records": records, "seconds": time.perf_counter() - t0, "mb": path.stat().st_size / 1e6}


def child_reference(path: str, record: str) -> dict[str, Any]:
    """The plain read of ``path``: XML streamed with records cleared, JSON lines parsed, or CSV
    rows read by the csv module."""
    import xml.etree.ElementTree as ET

    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    if path.endswith(".xml"):
        for _, elem in ET.iterparse(path, events=("end",)):
            if elem.tag.endswith("}" + record):
                n += 1
                elem.clear()
    elif path.endswith(".csv"):
        with open(path, encoding="utf-8", newline="") as fh:
            n = sum(1 for _ in csv.DictReader(fh))
    else:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                json.loads(line)
                n += 1
    return {"seconds": time.perf_counter() - t0, "cpu_s": time.process_time() - c0, "records": n}


CHILDREN = {**rb.CHILDREN, "generate": child_generate, "reference": child_reference}
LARGEST = {"gleif": ("lei2-golden-copy.xml", "LEIRecord"), "psc": ("psc-snapshot.txt", ""), "registry": ("registry.csv", "")}
rb.MAPPINGS.setdefault("registry", ["registry"])  # the load child's mappings of a layout


def measure(layout: str, scale: float, rounds: int, work: Path, which: list[str]) -> dict[str, Any]:
    base = work / f"{layout}-{scale:g}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    gen = rb.child("generate", layout, base / "in", scale, script=__file__)
    name, record = LARGEST[layout]
    reference = min((rb.child("reference", base / "in" / name, record, script=__file__) for _ in range(2)),
                    key=lambda r: r["seconds"])
    loads: dict[str, list[dict[str, Any]]] = {parts: [] for parts in which}
    for _ in range(rounds):
        for parts in which:
            os.environ["GRAPHKIT_READ_PARTS"] = parts
            shutil.rmtree(base / "db", ignore_errors=True)
            shutil.rmtree(base / "rejects", ignore_errors=True)
            loads[parts].append(rb.child("load", layout, base / "in", base / "db", script=__file__))
    os.environ.pop("GRAPHKIT_READ_PARTS", None)
    shutil.rmtree(base, ignore_errors=True)
    return {"layout": layout, "scale": scale, "generate": gen, "reference": reference, "loads": loads}


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return min(runs, key=lambda r: r["seconds"])


def _stored(load: dict[str, Any]) -> tuple[int, int]:
    return (sum(x["nodes_created"] for x in load["loads"]), sum(x["rels_created"] for x in load["loads"]))


def render(res: dict[str, Any], command: str, started: dt.datetime, code: str) -> str:
    ref = res["reference"]
    which = list(res["loads"])
    first = res["loads"][which[0]][0]["loads"][0]["mapping"]
    lines = [
        f"Measured {started:%Y-%m-%d %H:%M} UTC on {machine()}, graphkit {code}:",
        "",
        f"    {command}",
        "",
        f"Synthetic {res['layout']} files at scale {res['scale']:g} ({res['generate']['records']:,} records, "
        f"{res['generate']['mb']:,.0f} MB; `graphkit/synth/{'registry' if res['layout'] == 'registry' else 'registries'}.py`), loaded with the built-in mappings "
        f"into a fresh embedded store, read in {' and in '.join(which)} part(s) at once (`GRAPHKIT_READ_PARTS`; "
        f"2 is the default), alternating, each a fresh process ({len(res['loads'][which[0]])} round(s); the "
        f"fastest of each shown). *Reference*: a plain read of the largest file, {ref['records']:,} records in "
        f"{ref['seconds']:.1f} s ({READ[res['layout']]}). "
        f"*CPU*: of the load's processes together. *Peak*: the summed RSS of the load's processes, "
        f"sampled (`bench/run.py` `TreePeak`).",
        "",
        f"| read in | {first} s | whole load s | / reference | CPU s | peak MB | nodes + rels stored |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for parts in which:
        b = _best(res["loads"][parts])
        nodes, rels = _stored(b)
        lines.append(f"| {parts} part{'s' if parts != '1' else ''} | {b['loads'][0]['seconds']:.1f} | "
                     f"{b['seconds']:.1f} | {b['seconds'] / ref['seconds']:.1f}x | {b['cpu_s']:.1f} | "
                     f"{b['tree_peak_mb']:,.0f} | {nodes:,} + {rels:,} |")
    if which != ["1", "2"]:
        return "\n".join(lines)
    one, two = _best(res["loads"]["1"]), _best(res["loads"]["2"])
    same = {_stored(r) for p in which for r in res["loads"][p]}
    lines += ["", f"Two parts against one: the {first} load {one['loads'][0]['seconds'] / two['loads'][0]['seconds']:.2f}x "
              f"faster, the whole load {one['seconds'] / two['seconds']:.2f}x, for "
              f"{two['cpu_s'] / one['cpu_s']:.2f}x the CPU and {two['tree_peak_mb'] / one['tree_peak_mb']:.2f}x the peak; "
              f"stored counts {'equal in every run' if len(same) == 1 else 'DIFFERENT: ' + str(sorted(same))}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    if run.answer_child(sys.argv[1:] if argv is None else argv, CHILDREN):
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--layout", default="gleif", choices=sorted(LARGEST))
    p.add_argument("--scale", type=float, default=0.1)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--parts", default="1,2", help="the GRAPHKIT_READ_PARTS values to load with, comma-separated")
    p.add_argument("--work", type=Path, default=Path("/tmp/graphkit-parts-bench"))
    p.add_argument("--no-doc", action="store_true", help="print the section instead of writing docs/benchmarks.md")
    a = p.parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    command = "python bench/parts_bench.py " + " ".join(sys.argv[1:] if argv is None else argv)
    res = measure(a.layout, a.scale, a.rounds, a.work, a.parts.split(","))
    code = subprocess.run(["git", "-C", str(run.REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    text = render(res, command.strip(), started, code)
    if a.no_doc:
        print(text)
    else:
        put_section(HEADING.format(layout=a.layout, scale=a.scale), text)
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
