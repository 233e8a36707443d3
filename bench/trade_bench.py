"""Route-jump scan on synthetic shipment lines, against a plain pyarrow group-by of the same
lines in the same run; writes the "Red flags" section of docs/benchmarks.md.

    python bench/trade_bench.py                    # 10 million lines (the target size)
    python bench/trade_bench.py --lines 1000000    # smaller
    python bench/trade_bench.py --quick            # 200k lines, a smoke test (no doc written)

The lines (``graphkit.link.trade.lines_table`` columns: from, to, hs6, date, value, aggregated, row)
are generated with numpy: 40 routes among 12 countries, 2,000 HS-6 codes, days across
2021-2023, values log-normal; 20 route/HS-6 pairs get a planted jump (x50 in 2022). Generation
is not timed. Then, each three times, best kept:

- **reference**: a plain pyarrow group-by of the lines: value summed per route, HS-6 code and
  calendar month (``pc.year``/``pc.month`` computed, one ``Table.group_by``);
- **scan**: ``route_jumps(table, with_lines=False)``: both levels (HS-6, chapter), both
  periods (year, month), the comparisons and the filters;
- **scan with lines**: the same plus the lines behind each flagged figure.

The target: the scan within 2x of the reference. Nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from docsection import put_section  # noqa: E402

from graphkit.link.trade import route_jumps  # noqa: E402

COUNTRIES = ["kz", "ru", "by", "cn", "de", "nl", "tr", "ae", "am", "kg", "uz", "ge"]
TARGET = 2.0


def synth(n: int, seed: int = 7) -> pa.Table:
    """``n`` synthetic lines with 20 planted jumps."""
    rng = np.random.default_rng(seed)
    pairs = rng.choice(len(COUNTRIES), size=(40, 2), replace=True)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    route = rng.integers(0, len(pairs), n)
    codes = np.array([f"{c:06d}" for c in rng.choice(np.arange(10_000, 970_000), 2_000, replace=False)])
    code = rng.integers(0, len(codes), n)
    start = np.datetime64("2021-01-01")
    days = rng.integers(0, 3 * 365, n)
    value = rng.lognormal(mean=8.0, sigma=1.5, size=n)
    planted = [(int(rng.integers(0, len(pairs))), int(rng.integers(0, len(codes)))) for _ in range(20)]
    for r, c in planted:
        mask = (route == r) & (code == c) & (days >= 365) & (days < 730)
        value[mask] *= 50
    frm = np.array(COUNTRIES)[pairs[route, 0]]
    to = np.array(COUNTRIES)[pairs[route, 1]]
    return pa.table({
        "from": pa.array(frm, pa.string()), "to": pa.array(to, pa.string()),
        "hs6": pa.array(codes[code], pa.string()),
        "date": pa.array((start + days.astype("timedelta64[D]")).astype("datetime64[D]"), pa.date32()),
        "value": pa.array(value, pa.float64()), "aggregated": pa.array(np.zeros(n, dtype=bool)),
        "row": pa.array(np.arange(n, dtype=np.int64)),
    })


def reference(t: pa.Table) -> int:
    month = pc.add(pc.multiply(pc.cast(pc.year(t["date"]), pa.int32()), 12),
                   pc.cast(pc.month(t["date"]), pa.int32()))
    g = pa.table({"from": t["from"], "to": t["to"], "hs6": t["hs6"], "month": month, "value": t["value"]})
    return g.group_by(["from", "to", "hs6", "month"]).aggregate([("value", "sum")]).num_rows


def best(fn: Any, repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=10_000_000)
    ap.add_argument("--quick", action="store_true", help="200k lines; print only")
    args = ap.parse_args(argv)
    n = 200_000 if args.quick else args.lines
    t0 = time.perf_counter()
    table = synth(n)
    gen = time.perf_counter() - t0
    ref_s, groups = best(lambda: reference(table))
    scan_s, jumps = best(lambda: route_jumps(table, factor=10, min_value=100_000, with_lines=False))
    lines_s, with_lines = best(lambda: route_jumps(table, factor=10, min_value=100_000, with_lines=True), repeat=1)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = scan_s / ref_s
    planted = sum(1 for j in jumps if j.level == "hs6" and j.period_kind == "year")
    behind = sum(len(j.rows) for j in with_lines)
    command = "python bench/trade_bench.py" + ("" if n == 10_000_000 else f" --lines {n}")
    body = f"""Route-jump scan (`graphkit.link.trade.route_jumps`) against a plain pyarrow group-by of the same
synthetic lines, in one run (`bench/trade_bench.py`; its docstring says what is generated and
timed). Best of three; generation not timed.

- Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}, \
pyarrow {pa.__version__}; run {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}
- Command: `{command}`

| lines | reference group-by (route, HS-6, month) | scan (2 levels x 2 periods) | ratio | target | scan with the lines behind each jump | peak RSS |
|---|---|---|---|---|---|---|
| {n:,} | {ref_s:.2f} s ({groups:,} groups) | {scan_s:.2f} s ({len(jumps):,} jumps) | {ratio:.2f}x | within {TARGET:g}x: {'met' if ratio <= TARGET else 'missed'} | {lines_s:.2f} s ({behind:,} line references) | {peak_mb:,.0f} MB |

Generating the lines took {gen:.1f} s. {planted} year-over-year HS-6 jumps were found (20 were
planted; random routes may add or merge some). `graphkit flags` on a graph reads the lines from
the store first (`cypher/trade_lines.cypher`), which this does not time.
"""
    print(body)
    if not args.quick:
        put_section("Red flags: route-jump scan", body)


if __name__ == "__main__":
    main()
