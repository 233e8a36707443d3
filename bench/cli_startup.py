"""How long ``graphkit --help`` takes, against a bare Python start in the same run.

    .venv/bin/python bench/cli_startup.py [--runs 15] [--write]

Runs each command ``--runs`` times in turn (so machine load falls on both alike) and reports
the median wall time of each, against a bare Python start and against ``python -c 'import
click'`` (what any click program pays). ``--write`` puts the result in docs/benchmarks.md
("CLI start-up"). The target (issue 18): ``graphkit --help`` at most 4x ``import click``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from docsection import put_section

BIN = Path(sys.executable).parent
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import click'": [sys.executable, "-c", "import click"],
    "graphkit --help": [str(BIN / "graphkit"), "--help"],
    "graphkit find-links --help": [str(BIN / "graphkit"), "find-links", "--help"],
}
HEAVY = ("pandas", "pyvis", "networkx", "pyarrow", "neo4j", "ladybug", "rigour")


def measure(runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(runs):
        for name, cmd in COMMANDS.items():
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def heavy_modules_loaded() -> list[str]:
    code = f"import sys, graphkit.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--write", action="store_true", help="write the section of docs/benchmarks.md")
    args = ap.parse_args()
    medians = measure(args.runs)
    heavy = heavy_modules_loaded()
    base, click_base = medians["python -c pass"], medians["python -c 'import click'"]
    rows = [f"| `{name}` | {t:.3f} s | {t / base:.1f}x | {t / click_base:.1f}x |" for name, t in medians.items()]
    body = "\n".join([
        f"Measured {dt.date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores "
        f"(shared with other work), Python {platform.python_version()}: "
        f"`.venv/bin/python bench/cli_startup.py --runs {args.runs} --write`, the median of "
        f"{args.runs} runs of each, taken in turn.",
        "",
        "| command | median wall time | against `python -c pass` | against `import click` |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
        f"Heavy libraries loaded by `import graphkit.cli`: {', '.join(heavy) or 'none'} "
        f"(of {', '.join(HEAVY)}); each command imports what it needs when it runs, and the "
        f"choices, defaults and help texts taken from the library are read when that command's "
        f"help is shown (so `find-links --help` loads the link kinds). Target: `graphkit --help` "
        f"at most 4x `python -c 'import click'`: "
        f"{medians['graphkit --help'] / click_base:.1f}x here.",
    ])
    print(body)
    if args.write:
        put_section("CLI start-up", body)


if __name__ == "__main__":
    main()
