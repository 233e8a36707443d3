"""One section of docs/benchmarks.md, written by the script that measured it.

Several scripts write into docs/benchmarks.md (bench/run.py the top, bench/neo4j_bench.py the
Neo4j part, bench/resolve_bench.py and bench/evaluate_resolution.py the entity-resolution
parts); each replaces only its own ``## `` section and keeps the rest as it is.
"""

from __future__ import annotations

from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def put_section(heading: str, body: str, doc: Path = BENCHMARKS) -> None:
    """Make ``## heading`` followed by ``body`` a section of ``doc``: in place of the section of
    that heading if there is one (up to the next ``## `` heading), else at the end."""
    old = doc.read_text(encoding="utf-8") if doc.exists() else ""
    section = f"## {heading}\n\n{body.strip()}\n"
    start = old.find(f"\n## {heading}\n")
    if start < 0:
        doc.write_text(old.rstrip() + "\n\n" + section, encoding="utf-8")
        return
    end = old.find("\n## ", start + 1)
    rest = "" if end < 0 else "\n" + old[end + 1:]
    doc.write_text(old[:start + 1] + section + rest, encoding="utf-8")
