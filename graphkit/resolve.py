"""Entity resolution, first stage: exact normalised names, with identifier and date guards.

Two firms are resolved as the same when one of their normalised names (transliterated,
casefolded, legal form and glued registry numbers removed; see ``normalize.name_key``) is equal,
their countries do not differ, and they hold no conflicting registry ids of the same kind (two
different INNs never merge). Two people need an equal normalised name (word order ignored) and
the same birth date, both present: a shared name alone is not evidence.

Each decision is stored as a SAME_AS relationship carrying score, explanation, method and
judgement, so a Browser user sees why. Rerunning replaces this method's previous decisions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from graphkit.model import Provenance, Rel, now_iso
from graphkit.store.base import Store

METHOD = "exact-name"


@dataclass
class ResolveReport:
    candidates: int = 0
    merged: int = 0
    blocked_by_ids: int = 0
    blocked_by_country: int = 0
    blocked_by_birth_date: int = 0


def _conflicting_ids(a: list[str], b: list[str]) -> list[str]:
    """Registry ids of the same scheme with different values (e.g. two INNs)."""
    by_scheme_a = defaultdict(set)
    for x in a:
        s, _, v = x.partition(":")
        by_scheme_a[s].add(v)
    out = []
    for x in b:
        s, _, v = x.partition(":")
        if s in by_scheme_a and v not in by_scheme_a[s]:
            out.append(s)
    return sorted(set(out))


def resolve_exact(store: Store) -> ResolveReport:
    """Create SAME_AS between firms (and people) that are the same by the rule above."""
    report = ResolveReport()
    loaded_at = now_iso()
    rels: list[Rel] = []
    for label in ("Company", "Person"):
        rows = store.execute(
            f"MATCH (n:{label}) RETURN n.id AS id, n.name_keys AS keys, n.country AS country, "
            f"n.registry_ids AS ids" + (", n.birth_date AS birth" if label == "Person" else ""),
            name=f"resolve {label}")
        blocks: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            for k in r["keys"] or []:
                if len(k) >= 3:
                    blocks[k].append(r)
        seen: set[tuple[str, str]] = set()
        for key, members in blocks.items():
            if len(members) > 50:  # a name this common is no evidence of sameness
                continue
            for x, y in combinations(sorted(members, key=lambda m: m["id"]), 2):
                pair = (x["id"], y["id"])
                if pair in seen:
                    continue
                seen.add(pair)
                report.candidates += 1
                conflict = _conflicting_ids(x["ids"] or [], y["ids"] or [])
                if conflict:
                    report.blocked_by_ids += 1
                    continue
                if x["country"] and y["country"] and x["country"] != y["country"]:
                    report.blocked_by_country += 1
                    continue
                why = [f"same normalised name {key!r}"]
                if label == "Person":
                    if not (x.get("birth") and y.get("birth") and x["birth"] == y["birth"]):
                        report.blocked_by_birth_date += 1
                        continue
                    why.append(f"same birth date {x['birth']}")
                if x["country"] and y["country"]:
                    why.append(f"same country {x['country']}")
                why.append("no conflicting registry ids")
                report.merged += 1
                source = Provenance("graphkit-resolve", METHOD, f"{x['id']}={y['id']}")
                rels.append(Rel("SAME_AS", label, x["id"], label, y["id"], {
                    "score": 1.0, "explanation": "; ".join(why), "method": METHOD,
                    "judgement": "auto", "dataset": source.dataset, "source_file": source.file,
                    "record": source.record, "loaded_at": loaded_at}, source))
    with store.transaction():
        store.delete_rels("SAME_AS", {"method": METHOD})
        store.write([], rels)
    return report
