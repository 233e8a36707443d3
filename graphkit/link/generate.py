"""Cypher written from the link kinds and the judgement rule, never by hand.

- ``linked_company_ids``: the start set of batch screening, every firm on the first hop of a
  link kind: each ``MATCH`` of a kind's start queries that starts from ``(a:Company {id: k})``,
  with its variables dropped, becomes one ``EXISTS`` (so a new kind, or a changed start query,
  changes the start set with it);
- ``browser_find_links``: the Neo4j Browser query, one branch per ``BrowserPath`` of each kind,
  starting from the firms find-links would start from (``lookup.find``: an id, a registry number
  with or without its scheme, a source's record id, then a name) and walking the records resolved
  as one by the judgement rule;
- ``same_as_of_<label>``: one step of walking a resolved cluster, for each label SAME_AS joins.

``python -m graphkit.queries`` writes them into ``cypher/``; a test fails when a file is stale.
"""

from __future__ import annotations

import re
import textwrap

from graphkit.link.links import LINK_KINDS
from graphkit.model import get_model
from graphkit.queries import get_query
from graphkit.resolve.clusters import joining_condition

_START = re.compile(r"^MATCH (.*\(a:Company \{id: k\}\).*)$", re.M)
_NODE_VAR = re.compile(r"\((?!a[:)])\w+(?=[:)])")  # "(x:Address" -> "(:Address", "(p)" -> "()"
_REL_VAR = re.compile(r"\[\w+(?=[:\]])")  # "[r:OWNS" -> "[:OWNS"


def first_hops(query: str) -> list[str]:
    """The patterns of ``query``'s ``MATCH`` lines from the start firm ``(a:Company {id: k})``,
    as existence patterns on ``a``: ``(a)<-[:OFFICER_OF|OWNS]-()``."""
    out = []
    for m in _START.finditer(get_query(query).text):
        pattern = m.group(1).replace("(a:Company {id: k})", "(a)")
        out.append(_REL_VAR.sub("[", _NODE_VAR.sub("(", pattern)))
    return out


def linked_company_ids_text() -> str:
    hops = list(dict.fromkeys(h for kind in LINK_KINDS.values() for q in kind.starts for h in first_hops(q)))
    starts = ", ".join(dict.fromkeys(q for kind in LINK_KINDS.values() for q in kind.starts))
    where = "\n   OR ".join(f"EXISTS {{ MATCH {h} }}" for h in hops)
    lead = textwrap.wrap("Every firm that could be linked to another: every firm on the first hop of a link kind "
                         f"(the start queries {starts}). The start set for batch screening (find-links --all).",
                         95)
    return ("".join(f"// {line}\n" for line in lead) +
            "//\n"
            "// Written from the link kinds (graphkit/link/links.py) by `python -m graphkit.queries`;\n"
            "// a test checks that this file is up to date.\n"
            f"MATCH (a:Company)\nWHERE {where}\nRETURN a.id AS id\n")


# The start firms, as graphkit.link.lookup.find finds them, each step only when the ones before
# it found nothing: an internal id or a registry number (with its scheme, or bare: any scheme's
# number ending in it), a source's record id, then a part of a name as written or normalised.
_STARTS = """WITH trim($name) AS given
WITH given, toLower(given) AS q,
     toUpper(CASE WHEN given CONTAINS ':' THEN substring(given, size(split(given, ':')[0]) + 1) ELSE given END) AS number
OPTIONAL MATCH (n:Company)
WHERE n.id = given OR (NOT given CONTAINS ':' AND n.id IN [p IN {schemes} WHERE number =~ p[1] | p[0] + ':' + number])
WITH given, q, number, collect(n) AS by_id
OPTIONAL MATCH (n:Company)
WHERE size(by_id) = 0 AND given =~ '.*[0-9].*'
  AND any(x IN n.registry_ids WHERE x = given OR toUpper(x) ENDS WITH ':' + number)
WITH given, q, by_id, collect(n) AS by_registry_id
WITH given, q, by_id + by_registry_id AS by_number
OPTIONAL MATCH (n:Company)
WHERE size(by_number) = 0 AND NOT given CONTAINS ' ' AND any(r IN n.records WHERE r ENDS WITH '|' + given)
WITH given, q, by_number, collect(n) AS by_source
OPTIONAL MATCH (n:Company)
WHERE size(by_number) = 0 AND size(by_source) = 0
  AND (any(k IN n.name_keys WHERE k CONTAINS q) OR any(x IN n.names WHERE toLower(x) CONTAINS q))
WITH by_number, by_source, collect(n) AS by_name
UNWIND by_number + by_source + by_name AS s
MATCH (s) ((:Company)-[j:SAME_AS]-(:Company) WHERE {joins})* (m:Company)
WITH collect(DISTINCT m.id) AS members
CALL (members) {{
  MATCH path = (a:Company)-[r:SAME_AS]->(b:Company)
  WHERE a.id IN members AND b.id IN members AND {joins_r}
  RETURN 'same_as' AS kind, a, b, path
{branches}
}}
RETURN kind, a.name AS firm, b.name AS linked, a.id AS firm_id, b.id AS linked_id, path
ORDER BY kind, linked, firm
"""


def _scheme_patterns() -> str:
    """``[['ru-inn', '(?:\\d{10}|\\d{12})'], ...]``: the model's schemes and the pattern of their
    numbers, for the node ids a bare number may be (``identifiers.candidates_for``)."""
    pairs = [f"['{name}', '(?:{s.pattern.replace(chr(92), chr(92) * 2)})']"
             for name, s in get_model().identifiers.items() if s.pattern]
    return "[" + ", ".join(pairs) + "]"


def browser_find_links_text() -> str:
    branches = []
    for kind in LINK_KINDS.values():
        for path in kind.browser:
            where = "a.id IN members AND NOT b.id IN members" + (f" AND {path.where}" if path.where else "")
            branches.append(f"  UNION ALL\n  MATCH path = {path.match.replace('{joins}', joining_condition('j'))}\n"
                            f"  WHERE {where}\n  RETURN '{kind.name}' AS kind, a, b, path")
    head = (
        "// Paths from the firm named $name to every firm linked to it, for Neo4j Browser to draw: the\n"
        "// records resolved as that firm, then one branch per link kind (find-links' kinds, plus\n"
        "// same_as for the start's own records):\n"
        f"// {', '.join(LINK_KINDS)}.\n"
        "//\n"
        "// The start firms are found as find-links finds them, each step only when the ones before\n"
        "// found nothing: an internal id or a registry number with or without its scheme (a bare BIN\n"
        "// or INN), a source's record id, then part of a name as written (any case, any script) or of\n"
        "// a normalised name; so is every record joined to one by SAME_AS judged "
        f"{' or '.join(get_model().joining)},\n"
        "// however long the chain. Any other judgement, or none, is never followed (Browser's\n"
        "// \"Connect result nodes\" still draws one between nodes on screen). One row per path: kind,\n"
        "// firm and linked (the two records' names), firm_id and linked_id, path.\n"
        "//\n"
        "// Written from the link kinds (graphkit/link/links.py) by `python -m graphkit.queries`; a\n"
        "// test checks that this file is up to date, tests/test_link_engine.py that its links are\n"
        "// those find-links gives. Neo4j only: LadybugDB cannot put paths of different shapes in\n"
        "// one column (graphkit find-links answers the same question on every store).\n"
        "// :param name: the firm's name or part of one, any case, e.g. 'Aspan Arba' or 'Аспан Арба',\n"
        "// or a registry number, e.g. '220440173863'\n")
    return head + _STARTS.format(schemes=_scheme_patterns(), joins=joining_condition("j"), joins_r=joining_condition("r"),
                                 branches="\n".join(branches))


def same_as_of_text(label: str) -> str:
    return ("// The records joined to the records $ids by SAME_AS under the judgement rule (model.yml,\n"
            f"// SAME_AS joining: {', '.join(get_model().joining)}), in either direction, with score,\n"
            "// explanation and method: one step of walking a resolved cluster. Any other judgement, or\n"
            "// none, is never followed. One index look-up per id.\n"
            "//\n"
            "// Written from graphkit/model.yml by `python -m graphkit.queries`; a test checks that this\n"
            "// file is up to date.\n"
            "// :param ids: internal ids, e.g. ['ru-inn:7717019625']\n"
            "UNWIND $ids AS k\n"
            f"MATCH (x:{label} {{id: k}})-[s:SAME_AS]-(y:{label})\n"
            f"WHERE {joining_condition('s')}\n"
            "RETURN x.id AS id, y.id AS other_id, y.name AS other_name, s.score AS score,\n"
            "       s.explanation AS explanation, s.method AS method, s.judgement AS judgement\n")


def generated() -> dict[str, str]:
    """Every query this module writes, by name, with its text."""
    labels = sorted({a for a, _ in get_model().rel("SAME_AS").between})
    return {"linked_company_ids": linked_company_ids_text(), "browser_find_links": browser_find_links_text(),
            **{f"same_as_of_{label.lower()}": same_as_of_text(label) for label in labels}}
