"""The sections of docs/benchmarks.md, each written by the script that measured it.

Several scripts write into docs/benchmarks.md: bench/run.py the top (embedded store),
bench/neo4j_bench.py the "Neo4j" section, bench/resolve_bench.py and
bench/evaluate_resolution.py and bench/blocking_bench.py the "Entity resolution: ..." sections, bench/trade_bench.py and
bench/flags_bench.py the "Red flags: ..." sections (at the end). Each replaces only its own part
and keeps the rest as it is.
"""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
LATER = ("Neo4j", "Entity resolution")  # sections after bench/run.py's top, in this order


def machine() -> str:
    """The machine a figure was measured on, one line: CPU model, cores, Python, platform."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")),
               platform.processor() or platform.machine())
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"


def _first(doc: str, titles: tuple[str, ...], start: int = 0) -> int:
    """Where the first ``## `` section whose title starts with one of ``titles`` begins; -1 if none."""
    m = re.compile(r"^## (?:" + "|".join(map(re.escape, titles)) + ")", re.M).search(doc, start)
    return m.start() if m else -1


def _join(head: str, part: str, tail: str) -> str:
    return head.rstrip() + "\n\n" + part.rstrip() + "\n" + ("\n" + tail if tail else "")


def put_section(heading: str, body: str, doc: Path = BENCHMARKS) -> None:
    """Make ``## heading`` followed by ``body`` a section of ``doc``: in place of the section of
    that heading (up to the next ``## `` section whose title does not start with ``heading``),
    else before the sections that come later in the doc's order (``LATER``), else at the end."""
    old = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    section = f"## {heading}\n\n{body.strip()}\n"
    m = re.compile(rf"^## {re.escape(heading)}$", re.M).search(old)
    if m:
        end = re.compile(rf"^## (?!{re.escape(heading)})", re.M).search(old, m.end())
        head, tail = old[:m.start()], old[end.start():] if end else ""
    else:
        later = LATER[LATER.index(heading.split(":")[0]) + 1:] if heading.split(":")[0] in LATER else ()
        at = _first(old, later) if later else -1
        head, tail = (old[:at], old[at:]) if at >= 0 else (old, "")
    doc.write_text(_join(head, section, tail), encoding="utf-8")


def put_top(text: str, doc: Path = BENCHMARKS) -> None:
    """Make ``text`` the top of ``doc``: everything before its later sections (``LATER``)."""
    old = doc.read_text(encoding="utf-8") if doc.exists() else ""
    at = _first(old, LATER)
    doc.write_text(text if at < 0 else _join("", text, old[at:]).lstrip(), encoding="utf-8")
