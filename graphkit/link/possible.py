"""Possible links: links that rest on a resolution pair still waiting for review.

Resolution sends a pair of person (or firm) records it is unsure of to review (SAME_AS judged
``pending``); such a pair never joins records, so find-links does not walk it. Yet if the two
records are one, the firms each holds a role in are linked. ``possible_links`` finds those
links, one pending pair at a time (never chaining pending pairs): for each pair (x, y), every
role of x in one firm against every role of y in another, as ``shared_officer`` or
``common_owner`` evidence marked ``confirmed = False`` with the pair it rests on and the
command that decides it (``graphkit review --accept X Y``, or ``--reject``).

Cost: one scan of the pending pairs (``same_as_pending``) and one batch of ``holdings``
look-ups for their records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from graphkit.link import evidence as ev
from graphkit.link.links import Evidence, Link, _entities, _sort_links
from graphkit.model import source_of
from graphkit.resolve.clusters import Clusters
from graphkit.store.base import Store


def decide_command(a: str, b: str) -> str:
    """The command that settles a pending pair."""
    return f"graphkit review --accept {a} {b}   (or --reject {a} {b})"


def possible_links(store: Store, clusters: Clusters, *, starts: Iterable[str] | None = None,
                   kinds: Iterable[str] = ("shared_officer", "common_owner"), as_of: dt.date) -> list[Link]:
    """Links resting on one pending SAME_AS pair each, as ``Link``s whose evidence has
    ``confirmed`` False. With ``starts`` (firm ids), only links of those firms, oriented from
    them (firm A); otherwise every such link, each pair once."""
    kinds = set(kinds)
    pending = store.run("same_as_pending")
    if not pending or not kinds & {"shared_officer", "common_owner"}:
        return []
    ends = sorted({p["a_id"] for p in pending} | {p["b_id"] for p in pending})
    clusters.expand(ends)
    records = sorted({m for e in ends for m in clusters.members(e)})  # each end with its resolved records
    by_record: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in store.run_keyed("holdings", records):
        by_record[f["holder_id"]].append(f)
    held = {e: [f for m in clusters.members(e) for f in by_record[m]] for e in ends}
    labels = {r["id"]: r["label"] for r in store.run_keyed("entity_by_id", ends)}
    pending = [p for p in pending if clusters.find(p["a_id"]) != clusters.find(p["b_id"])]  # joined another way
    clusters.expand(f["firm_id"] for fs in held.values() for f in fs)
    start_reps = {clusters.find(s) for s in starts} if starts is not None else None
    found: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    seen = set()
    for p in pending:
        x, y = p["a_id"], p["b_id"]
        for hx in held[x]:
            for hy in held[y]:
                fa, fb = clusters.find(hx["firm_id"]), clusters.find(hy["firm_id"])
                if fa == fb:
                    continue
                sides = [(fa, hx, x, y), (fb, hy, y, x)]
                if start_reps is not None:
                    sides = [s for s in sides if s[0] in start_reps]
                    if not sides or (fa in start_reps and fb in start_reps and fb < fa):
                        continue
                else:
                    sides = [min(sides, key=lambda s: s[0])]
                (ra, ha, via, other) = sides[0]
                hb, rb = (hy, fb) if ha is hx else (hx, fa)
                kind = ("common_owner" if ha["type"] == hb["type"] == "OWNS" else "shared_officer")
                sig = (ra, rb, ha["record"], hb["record"], kind)
                if kind not in kinds or sig in seen:
                    continue
                seen.add(sig)
                pair = {"a_id": x, "a_name": p["a_name"], "b_id": y, "b_name": p["b_name"], "score": p["score"],
                        "explanation": p["explanation"], "decide": decide_command(x, y)}
                via_d = {"id": via, "label": labels.get(via, "Person"), "name": ha["holder_name"],
                         "resolved_with": {"id": other, "name": hb["holder_name"]},
                         "resolution": {"score": p["score"], "method": None, "judgement": "pending",
                                        "explanation": p["explanation"]}}
                fact = ev.SharedRole(kind, dict(via_d), ev.Role.from_row(ha, ha["holder_name"], "A", as_of),
                                     ev.Role.from_row(hb, hb["holder_name"], "B", as_of))
                found[(ra, rb)].append(Evidence(kind, via_d, fact, [source_of(ha), source_of(hb)],
                                                confirmed=False, pending=[pair]))
    entities = _entities(store, [k for key in found for k in key], clusters)
    links = [Link(entities[a], entities[b], sorted(evs, key=lambda e: (e.kind, e.summary)))
             for (a, b), evs in found.items() if a in entities and b in entities]
    return _sort_links(links)
