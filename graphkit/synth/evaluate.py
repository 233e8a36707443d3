"""Score what graphkit prints on the synthetic registry scenario (``graphkit/synth/scenario.py``).

Writes the scenario, loads its three FtM files into a fresh embedded graph, runs ``graphkit
resolve`` and ``graphkit find-links --all --format json`` (in-process, through the CLI's one
entry point, as a user would), and compares with the truth:

- merges across registry numbers: SAME_AS judged ``auto`` or ``accepted`` between two records
  carrying different numbers of one scheme (INN, OGRN, BIN/IIN), and resolved entities
  (auto/accepted SAME_AS followed transitively) holding two different numbers of one scheme.
  Must be 0.
- precision and recall of the merges, per label, over pairs of graph records (a graph record is
  one node: the FtM entities of one registry number are already one node when loaded):
  ``auto`` = the entities auto/accepted SAME_AS make; ``auto+review`` = the entities that would
  exist if every pending candidate were accepted too. Also the review queue's length.
- the KZ-RU officer links: every printed link with ``shared_officer`` evidence, each printed firm
  mapped to its true firm through the truth (the firm whose record the link names, its ``id``).
  A link is correct when the two true firms really share a person (in any roles); recall is
  over the true KZ-RU officer links (one person, an officer role in at least one of the two
  firms), over all of them and over those the records corroborate (the person's records at
  both firms carry the birth date).

``score_scenario`` is what ``bench/evaluate_scenario.py`` (the figures in docs/benchmarks.md) and
``tests/test_scenario.py`` run.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

from graphkit.cli import main as graphkit_main
from graphkit.errors import GraphkitError
from graphkit.resolve.clusters import JOINING
from graphkit.store.embedded import EmbeddedStore
from graphkit.synth.scenario import DATASETS, FILES, Truth

REVIEW = ("pending",)
HEADING = "Entity resolution: synthetic registry scenario"
EXAMPLES = 8


def _graphkit(*args: str | Path) -> str:
    """Run ``graphkit ARGS`` in-process; return what it printed. Raises GraphkitError with the
    message it printed on failure."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            graphkit_main([str(a) for a in args])
        except SystemExit as exc:
            if exc.code not in (0, None):
                raise GraphkitError(f"graphkit {' '.join(map(str, args[:2]))} failed: {err.getvalue().strip()}") from None
    return out.getvalue()


def _record_ids(path: Path) -> dict[str, dict[str, set[str]]]:
    """The registry numbers each FtM firm or person record carries, by scheme, read from the file
    as published (not as graphkit stored them)."""
    out: dict[str, dict[str, set[str]]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            e = json.loads(line)
            if e["schema"] not in ("Company", "Person"):
                continue
            p = e["properties"]
            ids: dict[str, set[str]] = defaultdict(set)
            for v in p.get("innCode", []):
                ids["ru-inn"].add(v)
            for v in p.get("ogrnCode", []):
                ids["ru-ogrnip" if len(v) == 15 else "ru-ogrn"].add(v)
            if "kz" in p.get("jurisdiction", []) + p.get("country", []):
                for v in p.get("registrationNumber", []):
                    ids["kz-bin"].add(v)  # BIN and IIN are one national numbering
            out[e["id"]] = dict(ids)
    return out


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _pair_scores(clusters: Iterable[list[str]], true_of: dict[str, str]) -> dict[str, Any]:
    """Pairwise precision and recall of ``clusters`` (lists of records) against ``true_of``."""
    predicted = correct = 0
    for members in clusters:
        predicted += _pairs(len(members))
        correct += sum(_pairs(c) for c in Counter(true_of[m] for m in members).values())
    truth = sum(_pairs(c) for c in Counter(true_of.values()).values())
    return {"pairs_merged": predicted, "pairs_correct": correct, "pairs_true": truth,
            "precision": correct / predicted if predicted else None,
            "recall": correct / truth if truth else None}


def _links_per_firm(store_path: Path) -> list[dict[str, Any]]:
    """What ``find-links`` prints for every firm in turn (the library call behind
    ``graphkit find-links QUERY``, one indexed look-up per firm), each pair once: the fallback
    when ``find-links --all`` cannot run on the graph."""
    from graphkit.link.links import find_links

    seen: set[frozenset[str]] = set()
    out = []
    with EmbeddedStore(store_path, read_only=True) as store:
        firms = [r["id"] for r in store.run("linked_company_ids")]
        for i in range(0, len(firms), 200):
            for link in find_links(store, firms[i:i + 200]):
                key = frozenset((link.a.id, link.b.id))
                if key not in seen:
                    seen.add(key)
                    out.append(json.loads(json.dumps(link.as_dict(), default=str)))
    return out


def score_scenario(out_dir: Path, truth: Truth, store_path: Path, *, screen_all: bool = True) -> dict[str, Any]:
    """Load the scenario in ``out_dir`` into a new embedded graph at ``store_path``, resolve it,
    screen it with ``find-links --all``, and score what was printed against ``truth``.

    Returns a dict: ``records`` (graph records by label), ``same_as`` (SAME_AS by judgement),
    ``cross_id_merges`` and ``cross_id_clusters`` (must be 0; ``cross_id_examples``),
    ``merges`` (per label and mode ``auto``/``auto+review``: pairs_merged, pairs_correct,
    pairs_true, precision, recall), ``review_queue``, ``links`` (printed KZ-RU officer links:
    printed, correct, precision, true, found, recall, corroborated_true, corroborated_found,
    recall_corroborated, and the wrong and missed ones with their evidence), ``seconds`` per step.
    Raises GraphkitError when ``store_path`` holds a graph already or a step fails. Costs one
    load, one resolve and one screening of the whole graph.
    """
    out_dir, store_path = Path(out_dir), Path(store_path)
    seconds, printed, possible, links_from, all_error = _run(out_dir, store_path, screen_all)
    nodes, same_as = _graph_records(store_path)
    true_of, ids_of = _true_entities(nodes, truth, out_dir)
    judgements, joined, cross, by_label, clusters_with_two_ids = _merges(nodes, same_as, true_of, ids_of)
    node_of = {r.split("|")[-1]: nid for nid, n in nodes.items() for r in n["records"] or []}
    pending = {frozenset((s["a_id"], s["b_id"])): s for s in same_as if s["judgement"] in REVIEW}
    links = _score_links(printed, nodes, true_of, truth, joined, node_of, pending)
    with_possible = _score_links(printed + possible, nodes, true_of, truth, joined, node_of, pending)
    links["possible"] = len(possible)
    for key in ("found", "recall", "corroborated_found", "recall_corroborated", "precision", "printed", "correct"):
        links[f"{key}_with_possible"] = with_possible[key]
    n_records = Counter(n["label"] for n in nodes.values())
    return {"firms": len(truth.firms), "people": len(truth.people), "records": dict(n_records),
            "ftm_records": len(truth.entity_of), "same_as": dict(judgements),
            "cross_id_merges": len(cross), "cross_id_clusters": clusters_with_two_ids,
            "cross_id_examples": cross[:EXAMPLES], "merges": by_label,
            "review_queue": judgements.get("pending", 0), "links": links,
            "false_merge_examples": _false_merges(same_as, nodes, true_of, truth),
            "links_from": links_from, "find_links_all_error": all_error, "seconds": seconds}




def _run(out_dir: Path, store_path: Path, screen_all: bool
         ) -> tuple[dict[str, float], list[dict[str, Any]], list[dict[str, Any]], str, str | None]:
    """Load, resolve and screen the scenario as a user would: the seconds of each step, the
    printed links, the possible links, what they were read from, and why --all failed if it did."""
    if store_path.exists() and any(store_path.iterdir()):
        raise GraphkitError(f"{store_path} is not empty: score_scenario needs a fresh graph")
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    for key in ("ru", "kz", "press"):
        _graphkit("load", out_dir / FILES[key], "--mapping", "ftm", "--dataset", DATASETS[key],
                  "--db", store_path, "--format", "json")
    seconds["load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    _graphkit("resolve", "--db", store_path, "--judgements", out_dir / "no-judgements.jsonl")
    seconds["resolve"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    links_from, all_error = "find-links --all", None
    try:
        if not screen_all:
            raise GraphkitError("not run (screen_all=False)")
        screened = [json.loads(line) for line in
                    _graphkit("find-links", "--all", "--db", store_path, "--format", "json").splitlines() if line.strip()]
        # possible links (resting on a pair waiting for review, "confirmed": false) are not printed
        # links; they are scored apart, as what an investigator is shown to decide
        printed = [p for p in screened if p.get("confirmed", True)]
        possible = [p for p in screened if not p.get("confirmed", True)]
    except GraphkitError as exc:
        all_error = str(exc)
        seconds["find_links_all_failed"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        links_from = "find-links per firm"
        printed = _links_per_firm(store_path)
        possible = []
    seconds["find_links"] = time.perf_counter() - t0

    return seconds, printed, possible, links_from, all_error


def _graph_records(store_path: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Every firm and person record of the graph, and every SAME_AS between them."""
    with EmbeddedStore(store_path, read_only=True) as store:
        nodes = {row["id"]: row for row in store.run("firm_and_person_records")}
        same_as = store.run("same_as_all")

    return nodes, same_as


def _true_entities(nodes: dict[str, dict[str, Any]], truth: Truth, out_dir: Path
                   ) -> tuple[dict[str, str], dict[str, dict[str, set[str]]]]:
    """The true entity of each graph record (through the FtM records it was made of) and the
    registry numbers it carries, by scheme. Raises GraphkitError when a record maps to none or
    to several."""
    carried: dict[str, dict[str, set[str]]] = {}
    for key in FILES:
        carried.update(_record_ids(out_dir / FILES[key]))
    true_of: dict[str, str] = {}
    ids_of: dict[str, dict[str, set[str]]] = {}
    unknown = []
    for nid, node in nodes.items():
        records = [r.split("|")[-1] for r in node["records"] or []]
        entities = {truth.entity_of[r] for r in records if r in truth.entity_of}
        if len(entities) != 1:
            unknown.append(nid)
            continue
        true_of[nid] = entities.pop()
        ids: dict[str, set[str]] = defaultdict(set)
        for r in records:
            for scheme, values in carried.get(r, {}).items():
                ids[scheme] |= values
        for rid in node["registry_ids"] or []:
            scheme, _, value = str(rid).partition(":")
            if scheme in ("ru-inn", "ru-ogrn", "kz-bin", "ru-ogrnip"):
                ids[scheme].add(value)
        ids_of[nid] = dict(ids)
    if unknown:
        raise GraphkitError(f"{len(unknown)} graph records map to no single true entity (e.g. {unknown[0]})")

    return true_of, ids_of


def _merges(nodes: dict[str, dict[str, Any]], same_as: list[dict[str, Any]], true_of: dict[str, str],
            ids_of: dict[str, dict[str, set[str]]]) -> tuple[Counter, _Union, list[dict[str, Any]],
                                                             dict[str, dict[str, Any]], int]:
    """The SAME_AS judgements counted, the records they join, the joins across two registry
    numbers of one scheme, pair precision and recall per label and mode, and the resolved
    entities holding two numbers of one scheme."""
    judgements = Counter(s["judgement"] for s in same_as)
    joined, found = _Union(), _Union()
    cross: list[dict[str, Any]] = []
    for s in same_as:
        a, b = s["a_id"], s["b_id"]
        if s["judgement"] in JOINING:
            joined.union(a, b)
            clash = _clash(ids_of.get(a, {}), ids_of.get(b, {}))
            if clash:
                cross.append({"a": a, "a_name": nodes[a]["name"], "b": b, "b_name": nodes[b]["name"],
                              "scheme": clash[0], "numbers": clash[1], "judgement": s["judgement"],
                              "score": s["score"], "explanation": s["explanation"]})
        if s["judgement"] in JOINING + REVIEW:
            found.union(a, b)
    by_label: dict[str, dict[str, Any]] = {}
    clusters_with_two_ids = 0
    for label in ("Company", "Person"):
        members = [n for n in nodes if nodes[n]["label"] == label]
        label_truth = {n: true_of[n] for n in members}
        res: dict[str, Any] = {}
        for mode, uf in (("auto", joined), ("auto+review", found)):
            groups: dict[str, list[str]] = defaultdict(list)
            for n in members:
                groups[uf.find(n)].append(n)
            res[mode] = _pair_scores(groups.values(), label_truth)
            if mode == "auto":
                for g in groups.values():
                    merged: dict[str, set[str]] = defaultdict(set)
                    for n in g:
                        for scheme, values in ids_of[n].items():
                            merged[scheme] |= values
                    clusters_with_two_ids += any(len(v) > 1 for v in merged.values())
        by_label[label] = res

    return judgements, joined, cross, by_label, clusters_with_two_ids


def _clash(a: dict[str, set[str]], b: dict[str, set[str]]) -> tuple[str, list[str]] | None:
    for scheme in sorted(set(a) & set(b)):
        if a[scheme] and b[scheme] and not (a[scheme] & b[scheme]):
            return scheme, sorted(a[scheme] | b[scheme])
    return None


def _false_merges(same_as: list[dict[str, Any]], nodes: dict[str, dict[str, Any]], true_of: dict[str, str],
                  truth: Truth) -> list[dict[str, Any]]:
    out = []
    for s in same_as:
        if s["judgement"] in JOINING and true_of[s["a_id"]] != true_of[s["b_id"]]:
            out.append({"label": nodes[s["a_id"]]["label"], "a": s["a_id"], "a_name": nodes[s["a_id"]]["name"],
                        "b": s["b_id"], "b_name": nodes[s["b_id"]]["name"], "score": s["score"],
                        "explanation": s["explanation"],
                        "a_true": _describe(true_of[s["a_id"]], truth), "b_true": _describe(true_of[s["b_id"]], truth)})
    return out


def _describe(true_id: str, truth: Truth) -> str:
    if true_id.startswith("firm:"):
        f = truth.firms[true_id]
        return f"{true_id} {f['form']} {f['name']} ({f['country']}, {', '.join(f'{k} {v}' for k, v in f['ids'].items())})"
    p = truth.people[true_id]
    return f"{true_id} {p['name']} (born {p['birth_date']})"


def _score_links(printed: list[dict[str, Any]], nodes: dict[str, dict[str, Any]], true_of: dict[str, str],
                 truth: Truth, joined: _Union, node_of: dict[str, str],
                 pending: dict[frozenset[str], dict[str, Any]]) -> dict[str, Any]:
    country = {f: v["country"] for f, v in truth.firms.items()}
    shares: set[tuple[str, str]] = set()  # (firm, firm) pairs sharing a true person in any roles
    by_person: dict[str, list[str]] = {p: v["firms"] for p, v in truth.people.items()}
    for firms in by_person.values():
        for a, b in combinations(sorted(set(firms)), 2):
            shares.add((a, b))
            shares.add((b, a))
    true_links = {(lk["kz_firm"], lk["ru_firm"]): lk for lk in truth.officer_links}
    found: set[tuple[str, str]] = set()
    wrong, same_firm, kzru, correct = [], 0, 0, 0
    for link in printed:
        if "shared_officer" not in link["kinds"]:
            continue
        fa, fb = true_of.get(link["a"]["id"]), true_of.get(link["b"]["id"])
        if fa is None or fb is None:
            continue
        if fa == fb:
            same_firm += 1 if {link["a"]["country"], link["b"]["country"]} == {"kz", "ru"} else 0
            continue
        if {country[fa], country[fb]} != {"kz", "ru"}:
            continue
        kz, ru = (fa, fb) if country[fa] == "kz" else (fb, fa)
        kzru += 1
        if (kz, ru) in shares:
            found.add((kz, ru))
            correct += 1
        else:
            ev = next(e for e in link["evidence"] if e["kind"] == "shared_officer")
            wrong.append({"a": link["a"]["name"], "a_id": link["a"]["id"], "a_true": _describe(fa, truth),
                          "b": link["b"]["name"], "b_id": link["b"]["id"], "b_true": _describe(fb, truth),
                          "a_members": len(link["a"]["members"]), "b_members": len(link["b"]["members"]),
                          "via": ev["via"], "summary": ev["summary"]})
    hits = found & set(true_links)
    corroborated = {k for k, v in true_links.items() if v["corroborated"]}
    missed = []
    for k in sorted(set(true_links) - hits):
        lk = true_links[k]
        why = []
        for p in lk["people"]:
            a, b = node_of[p["kz_record"]], node_of[p["ru_record"]]
            why.append({"person": p["person"], "born": p["birth_date"],
                        "kz_record": nodes[a]["name"], "ru_record": nodes[b]["name"],
                        "dates_in_both": p["birth_date_in_both"],
                        "joined": joined.find(a) == joined.find(b),
                        "pending": pending.get(frozenset((a, b)), {}).get("explanation")})
        missed.append({"kz_firm": _describe(lk["kz_firm"], truth), "ru_firm": _describe(lk["ru_firm"], truth),
                       "corroborated": lk["corroborated"], "people": why})
    return {"printed": kzru, "correct": correct, "distinct_pairs_found": len(found),
            "precision": correct / kzru if kzru else None,
            "same_firm_links": same_firm, "true": len(true_links), "found": len(hits),
            "recall": len(hits) / len(true_links) if true_links else None,
            "corroborated_true": len(corroborated), "corroborated_found": len(hits & corroborated),
            "recall_corroborated": len(hits & corroborated) / len(corroborated) if corroborated else None,
            "wrong_examples": wrong[:EXAMPLES], "wrong": len(wrong),
            "missed_examples": missed[:EXAMPLES]}
