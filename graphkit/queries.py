"""The query library: ``cypher/*.cypher``, one question per file, loaded by name.

This is the one place that knows dialects. The files are written in Neo4j's Cypher; the
embedded store (LadybugDB) needs a handful of rewrites, listed in ``DIALECTS`` and applied
here, nowhere else. Values never enter query text: every file takes ``$parameters``.

Each file starts with ``//`` comment lines: the first says what it answers, and lines of the
form ``// :param name: meaning`` document its parameters (they are shown in ``graphkit
queries`` and are what a Neo4j Browser user sets with ``:param``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from graphkit.errors import QueryError

# (pattern, replacement) rewrites from Neo4j Cypher into each dialect.
DIALECTS: dict[str, list[tuple[re.Pattern[str], str]]] = {
    "neo4j": [],
    "ladybug": [
        (re.compile(r"\blabels\((\w+)\)\[0\]"), r"label(\1)"),  # a node's one label
        (re.compile(r"\btype\((\w+)\)"), r"label(\1)"),  # a relationship's type
        (re.compile(r"\brelationships\((\w+)\)"), r"rels(\1)"),  # a path's relationships
    ],
}


# Queries only one store runs: name -> (dialect, why). Store.run refuses them elsewhere.
ONLY_ON: dict[str, tuple[str, str]] = {
    "browser_find_links": ("neo4j", "LadybugDB cannot put paths of different shapes in one column; "
                                    "graphkit find-links answers the same question on every store"),
}


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    summary: str
    params: dict[str, str]

    def for_dialect(self, dialect: str) -> str:
        text = self.text
        for pattern, repl in DIALECTS[dialect]:
            text = pattern.sub(repl, text)
        return text


def cypher_dir() -> Path:
    return Path(str(resources.files("graphkit").joinpath("cypher")))


@cache
def library() -> dict[str, Query]:
    """Every query in ``cypher/``, by file name without ``.cypher``."""
    out = {}
    for path in sorted(cypher_dir().glob("*.cypher")):
        text = path.read_text(encoding="utf-8")
        comments = [ln[2:].strip() for ln in text.splitlines() if ln.startswith("//")]
        params = {}
        for c in comments:
            m = re.match(r":param\s+(\w+):\s*(.*)", c)
            if m:
                params[m.group(1)] = m.group(2)
        lead = []
        for c in comments:
            if not c or c.startswith(":param"):
                break
            lead.append(c)
        summary = " ".join(lead)
        out[path.stem] = Query(path.stem, text, summary, params)
    return out


def get_query(name: str) -> Query:
    try:
        return library()[name]
    except KeyError:
        raise QueryError(f"no query {name!r} in cypher/ (have {', '.join(library())})", name) from None
