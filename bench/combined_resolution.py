"""Resolution judged on every shared real sample combined: the graph an investigator meets.

    python bench/combined_resolution.py --db /tmp/real-graph [--load] [--out docs/resolution-evaluation.md]

Loads all of ``../shared/data/real/`` into one embedded graph (``bench/load_real.py``; ``--load``
loads into an empty ``--db``, otherwise the graph there is used as it is), runs ``graphkit resolve``,
and scores the labelled pairs of ``tests/data/real_pairs.csv`` whose two records are both in the
graph at cluster level: in one cluster (merged), their clusters joined by a pair waiting for review
(pending), or apart. Then the graph's figures: clusters, clusters touching a sanctions list, the
review queue, and the time of a full resolve against one judgement and one ``--explain``, each as a
ratio to the full resolve measured in the same run. With ``--out`` the section "Combined real
samples" of that Markdown file is replaced.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docsection import machine  # noqa: E402
from bench.load_real import DEFAULT_REAL, load_all  # noqa: E402
from graphkit.resolve import explain, resolve, review_groups  # noqa: E402
from graphkit.resolve.clusters import Clusters  # noqa: E402
from graphkit.resolve.judgements import Judgement, Judgements  # noqa: E402
from graphkit.store.base import Store  # noqa: E402

LABELS = Path(__file__).resolve().parent.parent / "tests" / "data" / "real_pairs.csv"
HEADING = "## Combined real samples"
_NODES = ("MATCH (n:Company) RETURN n.id AS id, n.records AS records "
          "UNION ALL MATCH (n:Person) RETURN n.id AS id, n.records AS records")


def record_index(store: Store) -> dict[tuple[str, str], str]:
    """(file name, record) of every source record -> the node it became."""
    out: dict[tuple[str, str], str] = {}
    for row in store._execute(_NODES, name="bench_record_index"):
        for ref in row["records"] or []:
            _dataset, file, record = (ref.split("|", 2) + ["", ""])[:3]
            out[(Path(file).name, record)] = row["id"]
    return out


def _node(index: dict[tuple[str, str], str], ref: str) -> str | None:
    file, _, record = ref.partition("#")
    return index.get((Path(file).name, record))


def cluster_outcomes(store: Store, labels: Path = LABELS) -> tuple[list[dict[str, str]], int]:
    """Each labelled pair whose records are both in the graph, with ``state`` merged / pending /
    apart as the resolved graph has it; and how many labelled pairs were not in the graph."""
    index = record_index(store)
    clusters = Clusters.load(store)
    waiting = {frozenset((clusters.find(r["a_id"]), clusters.find(r["b_id"])))
               for r in store.run("same_as_pending")}
    out, missing = [], 0
    with labels.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            a, b = _node(index, row["a_ref"]), _node(index, row["b_ref"])
            if a is None or b is None:
                missing += 1
                continue
            ca, cb = clusters.find(a), clusters.find(b)
            state = "merged" if ca == cb else "pending" if frozenset((ca, cb)) in waiting else "apart"
            out.append({**row, "a_id": a, "b_id": b, "state": state})
    return out, missing


def figures(outcomes: list[dict[str, str]]) -> dict[str, int]:
    same = [o for o in outcomes if o["same"] == "1"]
    diff = [o for o in outcomes if o["same"] != "1"]
    return {"pairs": len(outcomes), "same": len(same), "different": len(diff),
            "same_merged": sum(o["state"] == "merged" for o in same),
            "same_pending": sum(o["state"] == "pending" for o in same),
            "same_apart": sum(o["state"] == "apart" for o in same),
            "false_merges": sum(o["state"] == "merged" for o in diff),
            "different_pending": sum(o["state"] == "pending" for o in diff)}


def graph_figures(store: Store) -> dict[str, int]:
    clusters = Clusters.load(store)
    listed = {r["id"] for r in store.run("sanctioned_entities")}
    groups = clusters.groups()
    queue = review_groups(store)
    return {"clusters": len(groups), "clusters_with_listed": sum(any(m in listed for m in g) for g in groups),
            "pending_pairs": sum(len(g["pairs"]) for g in queue), "review_groups": len(queue),
            "largest_review_group": max((len(g["members"]) for g in queue), default=0)}


def timings(store: Store) -> dict[str, float]:
    """Seconds for a full resolve, one judgement (a rejection of the first pair in the review
    queue, then resolution re-applied as ``graphkit review --reject`` does) and one ``--explain``."""
    with tempfile.TemporaryDirectory() as tmp:
        book = Judgements.load(Path(tmp) / "judgements.jsonl")
        started = time.perf_counter()
        resolve(store, book)
        full = time.perf_counter() - started
        queue = review_groups(store, 1)
        if not queue:
            return {"full_resolve": full}
        pair = queue[0]["pairs"][0]
        started = time.perf_counter()
        explain(store, pair["a_id"], pair["b_id"], book)
        explained = time.perf_counter() - started
        started = time.perf_counter()
        book.record(pair["a_id"], pair["b_id"], Judgement.NEGATIVE, "bench: timing one judgement")
        judge(store, book, pair["a_id"], pair["b_id"])
        judged = time.perf_counter() - started
        resolve(store, Judgements())  # leave the graph as a plain resolve leaves it
    return {"full_resolve": full, "one_judgement": judged, "one_explain": explained}


def judge(store: Store, book: Judgements, a: str, b: str) -> None:
    """Re-apply resolution after one judgement, as ``graphkit review`` does."""
    from graphkit.resolve import apply_judgement

    apply_judgement(store, book, a, b)


def section(outcomes: list[dict[str, str]], missing: int, graph: dict[str, int], times: dict[str, float],
            command: str) -> str:
    f = figures(outcomes)
    by_category: Counter[str] = Counter(o["category"] for o in outcomes if o["same"] != "1" and o["state"] == "merged")
    lines = [HEADING, "",
             f"Measured {dt.date.today().isoformat()} on {machine()}: `{command}`.", "",
             "Every shared real sample loaded into one embedded graph (`bench/load_real.py`), resolved, and the "
             f"labelled pairs of `tests/data/real_pairs.csv` whose two records are both in it ({f['pairs']}; "
             f"{missing} name records outside the loaded samples) judged at cluster level: merged (one cluster), "
             "pending (their clusters joined by a pair waiting for review) or apart.", "",
             "| pairs | same | different | same: merged | same: pending | same: apart | false merges "
             "| different: pending |", "|---|---|---|---|---|---|---|---|",
             "| " + " | ".join(str(f[k]) for k in ("pairs", "same", "different", "same_merged", "same_pending",
                                                   "same_apart", "false_merges", "different_pending")) + " |", ""]
    wrong = [o for o in outcomes if o["same"] != "1" and o["state"] == "merged"]
    lines.append(f"False merges (labelled different, one cluster): {len(wrong) or 'none'}"
                 + (f" ({', '.join(f'{k} {v}' for k, v in sorted(by_category.items()))})" if wrong else "") + ".")
    for o in wrong:
        lines.append(f"- {o['pair_id']} {o['category']}: {o['a_name']!r} = {o['b_name']!r}")
    lines += ["", "| clusters | touching a sanctions list | pairs waiting for review | review groups "
              "| largest group (records) |", "|---|---|---|---|---|",
              f"| {graph['clusters']} | {graph['clusters_with_listed']} | {graph['pending_pairs']} "
              f"| {graph['review_groups']} | {graph['largest_review_group']} |", ""]
    full = times["full_resolve"]

    def ratio(key: str) -> str:
        return f"{times[key]:.2f} ({times[key] / full:.3f})" if key in times else "not measured (--no-timings)"

    lines += ["| full resolve (s) | one judgement (s, ratio) | one --explain (s, ratio) |", "|---|---|---|",
              f"| {full:.1f} | {ratio('one_judgement')} | {ratio('one_explain')} |", ""]
    return "\n".join(lines)


def put(doc: Path, body: str, heading: str = HEADING) -> None:
    """Replace the section ``heading`` of ``doc`` with ``body`` (or append it)."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Entity resolution: evaluation\n"
    pattern = re.compile(r"^" + re.escape(heading) + r"\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _m: body.rstrip() + "\n\n", text) if pattern.search(text) \
        else text.rstrip() + "\n\n" + body.rstrip() + "\n"
    doc.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="embedded graph of the combined samples")
    parser.add_argument("--load", action="store_true", help="load the samples into --db first (must be new)")
    parser.add_argument("--real", type=Path, default=DEFAULT_REAL)
    parser.add_argument("--out", type=Path, help="Markdown file whose 'Combined real samples' section to write")
    parser.add_argument("--list", action="store_true", help="print every labelled pair's state")
    parser.add_argument("--no-timings", action="store_true",
                        help="one full resolve only, no judgement or --explain timed")
    args = parser.parse_args()
    from graphkit.store.embedded import EmbeddedStore

    store = EmbeddedStore(args.db)
    if args.load:
        load_all(store, args.real.resolve(), args.db.with_name(args.db.name + "-rejects"))
    if args.no_timings:
        started = time.perf_counter()
        resolve(store, Judgements())
        times = {"full_resolve": time.perf_counter() - started}
    else:
        times = timings(store)
    print(times, flush=True)
    outcomes, missing = cluster_outcomes(store)
    graph = graph_figures(store)
    store.close()
    if args.list:
        for o in outcomes:
            print(o["pair_id"], o["same"], o["state"], o["category"], o["a_name"], "|", o["b_name"])
    body = section(outcomes, missing, graph, times, "python " + " ".join(["bench/combined_resolution.py"]
                                                                          + sys.argv[1:]))
    print(body)
    if args.out:
        put(args.out, body)


if __name__ == "__main__":
    main()
