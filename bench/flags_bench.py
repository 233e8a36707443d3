"""``graphkit flags`` on a large synthetic graph; writes the "Red flags: flags on a large graph"
section of docs/benchmarks.md.

    python bench/flags_bench.py                      # 1M companies, 200k customs lines
    python bench/flags_bench.py --companies 100000 --lines 50000
    python bench/flags_bench.py --quick              # 10k companies, 5k lines (no doc written)

In one run:

1. the synthetic registry of ``graphkit/synth/registry.py`` (the one ``bench/run.py`` ingests), loaded with
   ``load_files(..., "registry")``;
2. synthetic customs lines in a small mapping of their own (``bench/trade-lines.yml``): EU
   suppliers selling to Kazakh firms of the registry, Kazakh firms selling on to Russian firms
   (same HS-6 goods a few weeks later in a third of cases), on 40 HS-6 codes of which half are
   on the CHPL, over 2021-2023 with a rise in 2022; the firms join the registry's by BIN/INN;
3. an OFAC SDN file in the published layout (headerless, CRLF, EOF byte) listing 500 of the
   registry's shareholders by their INN (``--mapping ofac-sdn``), so the 50 % rule has work;
4. ``graphkit.link.flags.flags(store)`` with every detector, timed, with its peak RSS; and, as the
   reference in the same run, the bare Cypher scan it starts from (``trade_lines``).

Nothing here asserts on timings.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from docsection import put_section  # noqa: E402

from graphkit.link.flags import flags  # noqa: E402
from graphkit.link.watchlists import Watchlists  # noqa: E402
from graphkit.load import load_files  # noqa: E402
from graphkit.store.embedded import EmbeddedStore  # noqa: E402
from graphkit.synth.registry import generate  # noqa: E402

MAPPING = HERE / "trade-lines.yml"
TRADE_COLUMNS = ["line_id", "seller_name", "seller_bin", "seller_inn", "seller_country", "buyer_name",
                 "buyer_bin", "buyer_inn", "buyer_country", "hs", "day", "usd", "qty", "unit", "direction"]


def trade_csv(path: Path, kz: list[tuple[str, str]], ru: list[tuple[str, str]], lines: int, seed: int = 11) -> None:
    """``lines`` synthetic customs lines (see the module docstring)."""
    rng = random.Random(seed)
    chpl = sorted(e.code for e in Watchlists.load().entries)[:20]
    other = [f"{c:06d}" for c in rng.sample(range(300_000, 700_000), 20)]
    codes = chpl + other
    suppliers = [f"Synthetic Supplier {i} GmbH" for i in range(200)]
    start = dt.date(2021, 1, 1)
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(TRADE_COLUMNS)
        while n < lines:
            mid_bin, mid_name = rng.choice(kz)
            hs = rng.choice(codes)
            day = start + dt.timedelta(days=rng.randrange(3 * 365))
            grow = 8 if day.year == 2022 else 1
            qty = rng.randint(10, 1000)
            usd = round(qty * rng.uniform(5, 50) * grow, 2)
            w.writerow([f"L{n}", rng.choice(suppliers), "", "", "de", mid_name, mid_bin, "", "kz", hs + "0000",
                        day.isoformat(), usd, qty, "PCE", "import"])
            n += 1
            if rng.random() < 1 / 3 and n < lines:  # sold on to Russia
                ru_inn, ru_name = rng.choice(ru)
                later = day + dt.timedelta(days=rng.randint(5, 120))
                w.writerow([f"L{n}", mid_name, mid_bin, "", "kz", ru_name, "", ru_inn, "ru", hs + "1000",
                            later.isoformat(), round(usd * 1.2, 2), qty // 2, "PCE", "export"])
                n += 1


def sdn_csv(path: Path, people: list[tuple[str, str]]) -> None:
    rows = [f'{700000 + i},"{name.upper()}",individual,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
            f'"Tax ID No. {inn} (Russia)."' for i, (inn, name) in enumerate(people)]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode() + b"\x1a")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--companies", type=int, default=1_000_000)
    ap.add_argument("--lines", type=int, default=200_000)
    ap.add_argument("--work", type=Path, default=None, help="working folder [default: a temporary one]")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    if args.quick:
        args.companies, args.lines = 10_000, 5_000
    work = args.work or Path(tempfile.mkdtemp(prefix="graphkit-flags-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    try:
        t0 = time.perf_counter()
        registry, _ = generate(args.companies, work)
        timings["generate registry"] = time.perf_counter() - t0
        db = work / "graph"
        with EmbeddedStore(db) as store:
            t0 = time.perf_counter()
            load_files(store, [registry], "registry")
            timings["load registry"] = time.perf_counter() - t0
            firms = store._execute("MATCH (c:Company) WHERE c.bin IS NOT NULL RETURN c.bin AS id, c.name AS name "
                                  "ORDER BY c.bin LIMIT 2000")
            kz = [(r["id"], r["name"]) for r in firms]
            firms = store._execute("MATCH (c:Company) WHERE c.inn IS NOT NULL RETURN c.inn AS id, c.name AS name "
                                  "ORDER BY c.inn LIMIT 2000")
            ru = [(r["id"], r["name"]) for r in firms]
            owners = store._execute("MATCH (p:Person)-[:OWNS]->(:Company) WHERE p.inn IS NOT NULL "
                                   "RETURN DISTINCT p.inn AS inn, p.name AS name ORDER BY inn LIMIT 500")
            trade, sdn = work / "trade.csv", work / "sdn.csv"
            trade_csv(trade, kz, ru, args.lines)
            sdn_csv(sdn, [(r["inn"], r["name"]) for r in owners])
            t0 = time.perf_counter()
            load_files(store, [trade], str(MAPPING))
            load_files(store, [sdn], "ofac-sdn")
            timings["load trade lines and SDN"] = time.perf_counter() - t0
            counts = store.counts()
            rss_before = peak_mb()
            t0 = time.perf_counter()
            rows = store.run("trade_lines")
            timings["reference: the trade_lines scan alone"] = time.perf_counter() - t0
            del rows
            t0 = time.perf_counter()
            found = flags(store)
            timings["graphkit flags, every detector"] = time.perf_counter() - t0
            rss_after = peak_mb()
        by_kind = Counter(f.kind for f in found)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    command = "python bench/flags_bench.py" + (" --quick" if args.quick else
                                               f" --companies {args.companies} --lines {args.lines}")
    ratio = timings["graphkit flags, every detector"] / timings["reference: the trade_lines scan alone"]
    nodes = ", ".join(f"{n:,} {label}" for label, n in sorted(counts.nodes.items()))
    body = f"""`graphkit.link.flags.flags(store)` with every detector on a synthetic graph (`bench/flags_bench.py`;
its docstring says what is generated), embedded store, one run.

- Machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}; \
run {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}
- Command: `{command}`
- Graph: {nodes}

| step | time |
|---|---|
""" + "".join(f"| {k} | {v:.1f} s |\n" for k, v in timings.items()) + f"""
`flags` took {ratio:.1f}x the bare `trade_lines` scan it starts from, and found
{', '.join(f'{n:,} {k}' for k, n in sorted(by_kind.items())) or 'nothing'}. Peak RSS of the
process: {rss_before:,.0f} MB before the flags, {rss_after:,.0f} MB after.
"""
    print(body)
    if not args.quick:
        put_section("Red flags: flags on a large graph", body)


if __name__ == "__main__":
    main()
