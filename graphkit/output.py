"""Formatting results as tables, JSON lines or CSV. Nothing here queries a store.

JSON is one object per line. CSV cells that a spreadsheet would run as a formula (a leading
``=``, ``+``, ``-`` or ``@``) are prefixed with a quote mark.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from graphkit.link.evidence import plural
from graphkit.model import sources_text

if TYPE_CHECKING:  # imported for types only: formatting stays cheap to import (graphkit --help)
    from graphkit.link.links import Link
    from graphkit.load import LoadReport
    from graphkit.report import PathResult
    from graphkit.store.base import Counts

FORMATS = ("table", "json", "csv")

LINK_CSV_COLUMNS = ["a_id", "a_name", "a_registry_ids", "b_id", "b_name", "b_registry_ids", "kind",
                    "via_id", "via_name", "summary", "sources", "confirmed"]


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str, sort_keys=False)


def _csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> str:
    from graphkit.load.values import safe_cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return buf.getvalue()




def links(links: list[Link], fmt: str, *, detail: bool = False) -> str:
    """Linked pairs: JSON and CSV with every fact; text grouped per resolved entity and shipment
    group (``graphkit.link.digest``), or every record-level fact with its source when ``detail``."""
    if fmt == "json":
        return "".join(_json(link.as_dict()) + "\n" for link in links)
    if fmt == "csv":
        return _csv(link_rows(links), LINK_CSV_COLUMNS)
    confirmed = [x for x in links if x.confirmed]
    possible = [x for x in links if not x.confirmed]
    if not confirmed and not possible:
        return "No links found.\n"
    lines = _link_lines if detail else _digest_lines
    out = lines(confirmed) if confirmed else ["No confirmed links found.", ""]
    if possible:
        out += [f"Possible links: unconfirmed, needs review ({plural(len(possible), 'link')}, each resting on "
                "a resolution pair waiting for review; --confirmed-only hides them)", ""]
        out += lines(possible)
    text = "\n".join(out) + "\n"
    return text if detail else text.rstrip("\n") + "\n"  # the digest ends on its last fact


def link_rows(links: list[Link]) -> list[dict[str, Any]]:
    """One row per piece of evidence of each link, keyed by ``LINK_CSV_COLUMNS`` (the rows of
    ``--format csv`` and of ``graphkit.api``'s tables), each with its sources."""
    return [{"a_id": link.a.id, "a_name": link.a.name, "a_registry_ids": " ".join(link.a.registry_ids),
             "b_id": link.b.id, "b_name": link.b.name, "b_registry_ids": " ".join(link.b.registry_ids),
             "kind": ev.kind, "via_id": (ev.via or {}).get("id"), "via_name": (ev.via or {}).get("name"),
             "summary": ev.summary, "sources": sources_text(ev.sources), "confirmed": ev.confirmed}
            for link in links for ev in link.evidence]


def _digest_lines(links: list[Link]) -> list[str]:
    from graphkit.link import digest

    out = []
    for link in links:
        first, *rest = digest.link_lines(link)
        out += [f"A: {_entity_line(link.a)}", f"B: {_entity_line(link.b)} — {first.strip()}",
                *rest, ""]
    return out


def _link_lines(links: list[Link]) -> list[str]:
    out = []
    for link in links:
        out.append(f"A: {_entity_line(link.a)}")
        out.append(f"B: {_entity_line(link.b)}")
        out.append(f"   linked by: {', '.join(link.kinds)} ({plural(len(link.evidence), 'piece')} of evidence)")
        for ev in link.evidence:
            out.append(f"   - [{ev.kind}] {ev.summary}")
            if ev.via and ev.via.get("resolution") and ev.confirmed:
                res = ev.via["resolution"]
                out.append(f"       resolved as one ({res['method']}, {res['judgement']}, score "
                           f"{res['score']}): {res['explanation']}")
            out.append(f"       source: {sources_text(ev.sources)}")
            for p in ev.pending:
                score = "" if p.get("score") is None else f", score {p['score']:.2f}"
                out.append(f"       rests on: {named(p['a_name'])} ({p['a_id']}) ~ {named(p['b_name'])} ({p['b_id']}){score}, "
                           "waiting for review")
                out.append(f"       decide: {p['decide']}")
        out.append("")
    return out


NO_NAME = "(no name: known only by its id)"  # e.g. a GLEIF parent known by its LEI, a PSC firm by its number


def named(name: str | None) -> str:
    """A record's name as the text outputs print it: a record without one says so, next to its
    id, instead of printing ``None`` where a reader looks for a name."""
    return name if name else NO_NAME


def cards(found: list[Any]) -> str:
    """Entity cards (``graphkit.link.lookup.Card``): what the command acts on, with its records."""
    from graphkit.link.lookup import listings_text

    out = []
    for c in found:
        out.append(f"{c.label}: {named(c.name)}  id={c.id}  (matched on {c.matched_on})")
        if len(c.members) > 1:
            out.append(f"  resolved records: {', '.join(c.members)}")
        if len(c.names) > 1:
            more = f" (+{len(c.names) - 6} more)" if len(c.names) > 6 else ""
            out.append(f"  names: {'; '.join(c.names[:6])}{more}")
        if c.registry_ids:
            out.append(f"  registry numbers: {', '.join(c.registry_ids)}")
        out.append(f"  datasets: {', '.join(c.datasets) or 'none recorded'}")
        more = f" (+{len(c.records) - 5} more)" if len(c.records) > 5 else ""
        out.append(f"  records: {'; '.join(c.records[:5])}{more}")
        out.append(f"  sanctions listings: {listings_text(c.listings)}")
    return "\n".join(out) + "\n\n" if out else ""


def _entity_line(e: Any) -> str:
    ids = f" [{', '.join(e.registry_ids)}]" if e.registry_ids else ""
    country = f" ({e.country})" if e.country else ""
    members = f" + {len(e.members) - 1} resolved record(s)" if e.members else ""
    return f"{named(e.name)}{country}{ids} id={e.id}{members}"


def counts(c: Counts, fmt: str) -> str:
    rows = ([{"kind": "node", "name": k, "dataset": "*", "count": v} for k, v in c.nodes.items()]
            + [{"kind": "relationship", "name": k, "dataset": "*", "count": v} for k, v in c.relationships.items()]
            + [{"kind": "node" if name[0].isupper() and not name.isupper() else "relationship",
                "name": name, "dataset": ds, "count": n}
               for ds, by in sorted(c.by_dataset.items()) for name, n in sorted(by.items())])
    machine = _machine(rows, fmt, ["kind", "name", "dataset", "count"])
    if machine is not None:
        return machine
    out = ["Nodes:"] + [f"  {k:<14}{v:>10,}" for k, v in c.nodes.items()]
    out += ["Relationships:"] + [f"  {k:<14}{v:>10,}" for k, v in c.relationships.items()]
    out += ["By dataset:"]
    for ds, by in sorted(c.by_dataset.items()):
        out.append(f"  {ds}: " + ", ".join(f"{k} {v:,}" for k, v in sorted(by.items())))
    return "\n".join(out) + "\n"


def load_report(r: LoadReport, fmt: str) -> str:
    rows: list[dict[str, Any]] = [{"file": f.file, "rows_read": f.rows_read, "rows_loaded": f.rows_loaded,
             "rows_rejected": f.rows_rejected, "rows_skipped": f.rows_skipped,
             "skipped_reasons": dict(f.skipped_reasons), "rejects_file": f.rejects_path,
             "linked": None if f.linked is None else dict(f.linked),
             "operations": None if f.operations is None else dict(f.operations)} for f in r.files]
    if fmt == "json":
        return "".join(_json({"mapping": r.mapping, **row}) + "\n" for row in rows) + _json({
            "mapping": r.mapping, "nodes_created": r.written.nodes_created, "nodes_updated": r.written.nodes_updated,
            "relationships_created": r.written.rels_created,
            "relationships_already_present": r.written.rels_existing}) + "\n"
    if fmt == "csv":
        return _csv([{**row, "skipped_reasons": _json(row["skipped_reasons"])} for row in rows],
                    ["file", "rows_read", "rows_loaded", "rows_rejected", "rows_skipped", "skipped_reasons",
                     "rejects_file"])
    out = []
    for row in rows:
        out.append(f"{row['file']}: {row['rows_read']:,} read, {row['rows_loaded']:,} loaded, "
                   f"{row['rows_rejected']:,} rejected, {row['rows_skipped']:,} skipped")
        if row["linked"] is not None:
            linked = ", ".join(f"{t} {n:,}" for t, n in sorted(row["linked"].items())) or "nothing"
            out.append(f"  linked by the source's node ids: {linked}")
        if row["operations"] is not None:
            ops = row["operations"]
            out.append("  delta: " + ", ".join(f"{op} {ops.get(op, 0):,}" for op in ("ADD", "MOD", "DEL"))
                       + f"; removed {ops.get('nodes removed', 0):,} nodes, "
                       f"{ops.get('relationships removed', 0):,} relationships")
        for reason, n in row["skipped_reasons"].items():
            out.append(f"  skipped {n:,}: {reason}")
        if row["rejects_file"]:
            out.append(f"  rejected and skipped rows written to {row['rejects_file']}")
    if r.ambiguous_numbers:
        out.append(f"{r.ambiguous_numbers:,} registry number(s) given to several records of this load: "
                   "not used as node ids (each record keeps its own; resolution sees the pairs)")
    out.append(f"Store: {r.written.nodes_created:,} nodes created, {r.written.nodes_updated:,} updated, "
               f"{r.written.rels_created:,} relationships created, {r.written.rels_existing:,} already present.")
    return "\n".join(out) + "\n"


def _machine(rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> str | None:
    """JSON lines or CSV for programs; None when a table for people was asked for."""
    if fmt == "json":
        return "".join(_json(r) + "\n" for r in rows)
    if fmt == "csv":
        return _csv(rows, columns)
    return None


def review(groups: list[dict[str, Any]], fmt: str) -> str:
    """The review queue: one entity and its candidates per item (JSON: one object per line; CSV:
    one row per pair, with its group number)."""
    if fmt == "json":
        return "".join(_json(g) + "\n" for g in groups)
    if fmt == "csv":
        flat = [{"group": i, **p} for i, g in enumerate(groups, start=1) for p in g["pairs"]]
        return _csv(flat, ["group", "a_id", "a_name", "b_id", "b_name", "score", "explanation", "decide"])
    if not groups:
        return "Nothing waiting for review.\n"
    out = []
    for i, g in enumerate(groups, start=1):
        strongest = "" if g["score"] is None else f" (strongest {g['score']:.2f})"
        place = f"{g.get('number', i)} of {g.get('total', len(groups))}"
        stake = f"; {g['consequence']}" if g.get("consequence", "other") != "other" else ""
        out.append(f"{place}. {len(g['members'])} records: one entity and what it may be the same as"
                   f"{strongest}{stake}:")
        out.extend(f"     {m['id']}: {named(m['name'])}" for m in g["members"])
        for p in g["pairs"]:
            score = "  -  " if p["score"] is None else f"{p['score']:.2f}"  # a source's own candidates (ICIJ) have none
            out.append(f"   {score}  {named(p['a_name'])}  ~  {named(p['b_name'])}")
            out.append(f"         {p['explanation']}")
            out.append(f"         {p['decide']}   (or --reject / --unsure)")
    return "\n".join(out) + "\n"


def clusters(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return "".join(_json(r) + "\n" for r in rows)
    if fmt == "csv":
        flat = [{"cluster_id": c["id"], "label": c["label"], **m, "registry_ids": " ".join(m["registry_ids"]),
                 "datasets": " ".join(m["datasets"]), "records": " ".join(m["records"])}
                for c in rows for m in c["members"]]
        return _csv(flat, ["cluster_id", "label", "id", "name", "country", "registry_ids", "datasets", "records"])
    if not rows:
        return "No resolved clusters.\n"
    out = []
    for c in rows:
        out.append(f"{c['label']} {c['id']} ({len(c['members'])} records)")
        for m in c["members"]:
            out.append(f"   {m['id']}: {named(m['name'])} [{', '.join(m['registry_ids'])}] from {', '.join(m['datasets'])}")
    return "\n".join(out) + "\n"


# ---- red flags and exposure ------------------------------------------------------------------

FLAG_CSV_COLUMNS = ["rank", "kind", "score", "title", "summary", "entities", "sources"]


def flag_rows(findings: list[Any]) -> list[dict[str, Any]]:
    """One row per finding, strongest first, keyed by ``FLAG_CSV_COLUMNS``."""
    return [{"rank": i, "kind": f.kind, "score": f.score, "title": f.title, "summary": f.summary,
             "entities": "; ".join(f"{e.get('role')}: {e.get('name') or e.get('country') or e.get('id')}"
                                   for e in f.entities),
             "sources": sources_text(f.sources)} for i, f in enumerate(findings, 1)]


def flags(findings: list[Any], fmt: str) -> str:
    """``graphkit flags``: findings (``graphkit.link.flags.Finding``) ranked, with evidence."""
    if fmt == "json":
        return "".join(_json({"rank": i, **f.as_dict()}) + "\n" for i, f in enumerate(findings, 1))
    if fmt == "csv":
        return _csv(flag_rows(findings), FLAG_CSV_COLUMNS)
    if not findings:
        return "No red flags found.\n"
    out = []
    for i, f in enumerate(findings, 1):
        out.append(f"{i}. [{f.kind}] score {f.score:g}: {f.title}")
        out.append(f"   {f.summary}")
        shown = f.sources[:5]
        out.append(f"   sources: {sources_text(shown)}" + (f" (+{len(f.sources) - 5} more)" if len(f.sources) > 5 else ""))
    return "\n".join(out) + "\n"


EXPOSURE_CSV_COLUMNS = ["entity_id", "entity_name", "as_of", "blocked_by_ownership", "aggregate_share", "kind",
                        "party_id", "party_name", "hops", "path", "sources"]


def _step_text(step: dict[str, Any], as_of: str | None = None) -> str:
    """One step of an exposure or ownership path, said the way the relationship runs (the
    sentences of ``graphkit.link.evidence``)."""
    import datetime as dt

    from graphkit.link.evidence import Role

    a = step["from"].get("name") or step["from"]["id"]
    b = step["to"].get("name") or step["to"]["id"]
    if step.get("kind") == "trade":
        value = f", USD {step['value_usd']:,.0f}" if step.get("value_usd") is not None else ""
        verb = "sold to" if step["type"] == "SHIPPED" else "bought from"
        return f"{a} {verb} {b} ({step.get('date') or 'date not given'}, HS {step.get('hs_code') or 'not given'}{value})"
    day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    if step.get("kind") == "holder":  # the next entity holds a role in or shares of this one
        return Role.of_step(step, b, a, day).sentence()
    text = Role.of_step(step, a, b, day).sentence()  # a holding, or an ownership path (owner -> firm)
    return text if step.get("kind") == "holding" or step.get("share") is not None else text + " (share not given)"


def exposure_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per ownership path and per path to a sanctioned party (one row for an entity
    with neither), keyed by ``EXPOSURE_CSV_COLUMNS``, each with its sources."""
    rows = []
    for r in results:
        base = {"entity_id": r["entity"]["id"], "entity_name": r["entity"]["name"], "as_of": r["as_of"],
                "blocked_by_ownership": r["blocked_by_ownership"], "aggregate_share": r["aggregate_share"]}
        for p in r["ownership_paths"]:
            rows.append({**base, "kind": "ownership", "party_id": p[0]["from"]["id"],
                         "party_name": p[0]["from"]["name"], "hops": len(p),
                         "path": " | ".join(_step_text(s, r["as_of"]) for s in p),
                         "sources": sources_text([s["source"] for s in p])})
        for e in r["exposures"]:
            for p in e["paths"]:
                rows.append({**base, "kind": "linked", "party_id": e["party"]["id"],
                             "party_name": e["party"]["name"], "hops": e["hops"],
                             "path": " | ".join(_step_text(s, r["as_of"]) for s in p),
                             "sources": sources_text([s["source"] for s in p])})
        if not r["ownership_paths"] and not r["exposures"]:
            rows.append(base)
    return rows


def exposure(results: list[dict[str, Any]], fmt: str) -> str:
    """``graphkit exposure``: the 50 % rule and the paths to sanctioned parties."""
    if fmt == "json":
        return "".join(_json(r) + "\n" for r in results)
    if fmt == "csv":
        return _csv(exposure_rows(results), EXPOSURE_CSV_COLUMNS)
    from graphkit.link.lookup import Card, listings_text

    out = []
    for r in results:
        ent = r["entity"]
        if r.get("card"):
            out.append(cards([Card(**r["card"])]).rstrip("\n"))
        out.append(f"{named(ent['name'])} ({ent['id']}) as of {r['as_of']}")
        listed = r.get("listed", bool(r["listings"]))
        on_day = {True: "yes", False: "no", "unknown": "unknown"}[listed] + (
            f" ({r['listed_basis']})" if r.get("listed_basis") and r["listings"] else "")
        out.append(f"  listed on {r['as_of']}: {on_day}; listings: {listings_text(r['listings'])}")
        b = r["blocked_by_ownership"]
        inexact = (f"; {plural(r['unknown_stakes'], 'stake')} given as a range or not known exactly"
                   if r.get("unknown_stakes") else "")
        if b is True:
            out.append(f"  blocked by ownership: yes ({'at least ' if inexact else ''}{r['aggregate_share']:g}% held "
                       f"by blocked parties{inexact}; threshold {r['threshold']:g}%)")
        elif b is False:
            out.append(f"  blocked by ownership: no ({'at most ' if inexact else ''}{r['aggregate_share']:g}% held "
                       f"by blocked parties{inexact})")
        elif b == "unknown":
            why = sorted({p[-1].get("why") or p[0].get("why") or "" for p in r["ownership_paths"]} - {""})
            out.append(f"  blocked by ownership: unknown ({r['known_share']:g}% known; "
                       f"{plural(r['unknown_stakes'], 'stake')} of blocked or possibly blocked owners not counted: "
                       f"{'; '.join(why) or 'share not given'})")
        for p in r["ownership_paths"]:
            chain = p[-1].get("chain_share")
            out.append("    - " + " | ".join(_step_text(s, r["as_of"]) for s in p)
                       + (f" (chain {chain:g}%)" if chain is not None and len(p) > 1 else "")
                       + f"  [{sources_text([s['source'] for s in p])}]")
        if r["exposures"]:
            out.append(f"  linked sanctioned parties (up to {r['hops']} hops):")
        for e in r["exposures"]:
            out.append(f"    * {named(e['party']['name'])} ({e['party']['id']}), {plural(e['hops'], 'hop')}; "
                       f"listings: {listings_text(e['listings'])}")
            for p in e["paths"]:
                out.append("      - " + " | ".join(_step_text(s, r["as_of"]) for s in p)
                           + f"  [{sources_text([s['source'] for s in p])}]")
    return "\n".join(out) + "\n"


# ---- paths (graphkit path) -----------------------------------------------------------------

PATH_CSV_COLUMNS = ["path", "step", "from_id", "from_name", "type", "role", "share", "start_date", "end_date",
                    "status", "score", "judgement", "to_id", "to_name", "sources"]


def paths(result: PathResult, fmt: str) -> str:
    """Paths as text (one numbered line per path, sources beneath), JSON lines (one object per
    path) or CSV (one row per relationship on a path)."""
    from graphkit.report.graph import edge_text, node_text

    g = result.graph
    if fmt == "json":
        return "".join(_json(_path_dict(result, i, p)) + "\n" for i, p in enumerate(result.paths, 1))
    if fmt == "csv":
        return _csv(({**row, "path": i, "from_name": node_text(g, row["from_id"]),
                      "to_name": node_text(g, row["to_id"]), "sources": sources_text(row["sources"])}
                     for i, p in enumerate(result.paths, 1) for row in _path_dict(result, i, p)["steps"]),
                    PATH_CSV_COLUMNS)
    a = ", ".join(node_text(g, n) for n in result.a)
    b = ", ".join(node_text(g, n) for n in result.b)
    if not result.paths:
        return f"No path of at most {result.max_hops} relationships between {a} and {b}.\n"
    length = len(result.paths[0]) - 1
    more = f" (first {len(result.paths)}; there are more)" if result.truncated else ""
    out = [f"{len(result.paths)} shortest path(s) of {length} relationship(s) between {a} and {b}{more}:", ""]
    for i, p in enumerate(result.paths, 1):
        out.append(f"{i}. {result.describe(p)}")
        for step in result.steps(p):
            for start, end, d in step:
                out.append(f"     {node_text(g, start)} -> {node_text(g, end)}: {edge_text(d)}; "
                           f"source: {sources_text(d.get('sources', [])) or 'none recorded'}")
        out.append("")
    return "\n".join(out)


def _path_dict(result: PathResult, number: int, p: list[str]) -> dict[str, Any]:
    g = result.graph
    nodes = [{"id": n, "label": g.nodes[n].get("label"), "name": g.nodes[n].get("name"),
              "country": g.nodes[n].get("country")} for n in p]
    steps = []
    for i, step in enumerate(result.steps(p), 1):
        for start, end, d in step:
            steps.append({"step": i, "from_id": start, "to_id": end, "type": d["type"], "role": d.get("role"),
                          "share": d.get("share"), "start_date": d.get("start_date"),
                          "end_date": d.get("end_date"), "status": d.get("status"), "score": d.get("score"),
                          "judgement": d.get("judgement"), "sources": d.get("sources", [])})
    return {"path": number, "length": len(p) - 1, "nodes": nodes, "steps": steps}


