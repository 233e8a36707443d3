"""How each store reads the query library: the one table of store differences in Cypher.

The files in ``cypher/`` are written in Neo4j's Cypher. The embedded store (LadybugDB) needs a
handful of rewrites, and cannot run a few queries at all; both are stated here, once, as a
``Dialect`` each store class carries (``Store.cypher_dialect``) and applies when it runs a
named query (``Store.run``). Nothing outside ``store/`` knows a dialect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from graphkit.queries import Query


@dataclass(frozen=True)
class Dialect:
    """One store's reading of Neo4j Cypher: ``rewrites`` applied in order, and the queries it
    ``cannot_run`` (name -> why, and where the same question is answered instead)."""

    name: str
    rewrites: tuple[tuple[re.Pattern[str], str], ...] = ()
    cannot_run: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def text(self, query: Query, *, one_key: bool = False) -> str:
        """The text of ``query`` in this dialect; ``one_key``: rewritten for one id (``$id``)
        where it is keyed by a batch of ids (see ``Query.one_key_text``)."""
        text = query.one_key_text() if one_key else query.text
        for pattern, repl in self.rewrites:
            text = pattern.sub(repl, text)
        return text


NEO4J = Dialect("neo4j")

LADYBUG = Dialect(
    "ladybug",
    rewrites=(
        (re.compile(r"\blabels\((\w+)\)\[0\]"), r"label(\1)"),  # a node's one label
        (re.compile(r"\btype\((\w+)\)"), r"label(\1)"),  # a relationship's type
        (re.compile(r"\brelationships\((\w+)\)"), r"rels(\1)"),  # a path's relationships
        (re.compile(r"\btoString\("), "to_string("),  # a value as text (a date's year: left(..., 4))
    ),
    cannot_run=MappingProxyType({
        "browser_find_links": "LadybugDB cannot put paths of different shapes in one column; "
                              "graphkit find-links answers the same question on every store",
        "browser_transshipment": "LadybugDB reads duration({days: ...}) differently; graphkit "
                                 "flags answers on every store",
        "browser_blocked_owners": "LadybugDB cannot read the relationships of a variable-length "
                                  "path this way; graphkit exposure answers on every store",
    }),
)
