"""The query library: ``cypher/*.cypher``, one question per file, loaded by name.

The files are written in Neo4j's Cypher; each store reads them in its own dialect
(``graphkit/store/dialect.py``: the embedded store's rewrites, and the few queries it cannot
run), so this module knows no dialect. Values never enter query text: every file takes
``$parameters``. Where the files are: ``graphkit/resources.py``.

Each file starts with ``//`` comment lines: the first says what it answers, and lines of the
form ``// :param name: meaning`` document its parameters (they are shown in ``graphkit
queries`` and are what a Neo4j Browser user sets with ``:param``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from graphkit.errors import QueryError
from graphkit.resources import cypher_dir


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    summary: str
    params: dict[str, str]

    def one_key_text(self) -> str:
        """The text of a query keyed by a batch of ids (written ``UNWIND $ids AS k`` ...
        ``{id: k}``, see ``keyed``) rewritten for one id, ``$id``."""
        return _ONE_KEY_UNWIND.sub("", self.text).replace("{id: k}", "{id: $id}")

    @property
    def keyed(self) -> bool:
        """Whether the query looks nodes up by a batch of ids, ``UNWIND $ids AS k`` then
        ``{id: k}`` in every branch: then a store may also run it one id at a time."""
        unwinds = len(_ONE_KEY_UNWIND.findall(self.text))
        return unwinds > 0 and unwinds == self.text.count("{id: k}")


_ONE_KEY_UNWIND = re.compile(r"^UNWIND \$ids AS k\n", re.M)


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


# ---- queries written from the model ---------------------------------------------------------

def nodes_by_id_text() -> str:
    """``cypher/nodes_by_id.cypher``: its column list is the model's ``shown_columns``, so a
    property a report shows is added in ``model.yml`` only (then run ``python -m graphkit.queries``)."""
    from graphkit.model import get_model

    cols = ["n.id AS id", "labels(n)[0] AS label"] + [f"n.{c} AS {c}" for c in get_model().shown_columns()]
    lines, line = [], "RETURN"
    for col in cols:
        if len(line) + len(col) + 2 > 100:
            lines.append(line + ",")
            line = "      "
        line += (" " if line in ("RETURN", "      ") else ", ") + col
    lines.append(line)
    return ("// Nodes of any label whose id is one of $ids, with what a report shows about them.\n"
            "//\n"
            "// Written from graphkit/model.yml (captions, report_columns, each label's facts) by\n"
            "// `python -m graphkit.queries`; a test checks that this file is up to date.\n"
            "// :param ids: list of internal ids\n"
            "MATCH (n)\n"
            "WHERE n.id IN $ids\n" + "\n".join(lines) + "\n")


GENERATED = {"nodes_by_id": nodes_by_id_text}


def generated_texts() -> dict[str, str]:
    """Every file of ``cypher/`` written from data, by name, with the text it must have: the
    model's (``GENERATED``) and the link kinds' (``graphkit.link.generate``)."""
    from graphkit.link.generate import generated

    return {**{name: text() for name, text in GENERATED.items()}, **generated()}


if __name__ == "__main__":
    for _name, _text in generated_texts().items():
        (cypher_dir() / f"{_name}.cypher").write_text(_text, encoding="utf-8")
        print(f"wrote cypher/{_name}.cypher")
