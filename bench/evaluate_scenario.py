"""Score what graphkit prints on the synthetic registry scenario and write the figures.

    python bench/evaluate_scenario.py --firms 5000 --seed 1 [--work DIR] [--benchmarks docs/benchmarks.md]

The scoring is ``graphkit.synth.evaluate.score_scenario`` (its docstring says what is measured);
this script makes the scenario, scores it and writes the section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphkit.synth.evaluate import EXAMPLES, HEADING, score_scenario  # noqa: E402
from graphkit.synth.scenario import make_scenario  # noqa: E402

# ---- report ---------------------------------------------------------------------------------

def _f(v: Any) -> str:
    return "–" if v is None else (f"{v:.3f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v))


def markdown(result: dict[str, Any], command: str) -> str:
    """The figures as Markdown (the benchmarks section's body)."""
    lk = result["links"]
    rows = ["| measure | value |", "|---|---|",
            f"| firms / people (true) | {result['firms']:,} / {result['people']:,} |",
            f"| FtM firm and person records / graph records | {result['ftm_records']:,} / "
            + " + ".join(f"{n:,} {lbl.lower()}" for lbl, n in sorted(result["records"].items())) + " |",
            f"| SAME_AS by judgement | {', '.join(f'{k} {v:,}' for k, v in sorted(result['same_as'].items())) or 'none'} |",
            f"| merges across registry numbers (SAME_AS auto/accepted) | **{result['cross_id_merges']}** |",
            f"| resolved entities holding two numbers of one scheme | **{result['cross_id_clusters']}** |",
            f"| review queue (pending pairs) / graph records | {result['review_queue']:,} / {sum(result['records'].values()):,} |"]
    for label, modes in result["merges"].items():
        for mode, m in modes.items():
            rows.append(f"| {label.lower()} merges, {mode}: precision / recall (pairs merged, correct, true) | "
                        f"{_f(m['precision'])} / {_f(m['recall'])} ({m['pairs_merged']:,}, {m['pairs_correct']:,}, {m['pairs_true']:,}) |")
    rows += [f"| KZ-RU officer links printed / correct | {lk['printed']:,} / {lk['correct']:,} |",
             f"| **officer links precision** | **{_f(lk['precision'])}** |",
             f"| **officer links recall** (all {lk['true']:,} true links) | **{_f(lk['recall'])}** |",
             f"| officer links recall, corroborated ({lk['corroborated_true']:,} where both records carry the birth date) | {_f(lk['recall_corroborated'])} |",
             f"| possible links shown (resting on a pair waiting for review) | {lk['possible']:,} |",
             f"| officer links recall, links plus possible links (all {lk['true']:,} / corroborated "
             f"{lk['corroborated_true']:,}) | {_f(lk['recall_with_possible'])} / {_f(lk['recall_corroborated_with_possible'])} |",
             f"| links plus possible links: KZ-RU shown / correct, precision | {lk['printed_with_possible']:,} / "
             f"{lk['correct_with_possible']:,}, {_f(lk['precision_with_possible'])} |",
             f"| links printed between two records of one firm (KZ-RU countries) | {lk['same_firm_links']:,} |",
             f"| links scored from | `{result['links_from']}` |"]
    if result["find_links_all_error"] and "not run" not in result["find_links_all_error"]:
        rows.append(f"| find-links --all | {result['find_links_all_error'].replace('|', '/')} |")
    s = result["seconds"]
    head = (f"Written by `{command}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
            f"{platform.machine()}, {platform.python_version()}, {_cpus()} CPUs). "
            "Data: `graphkit/synth/scenario.py` (Russian and Kazakh registry FtM files and a Latin press file, "
            "generated from the registries' statistics, not from the rules; see its docstring). "
            f"Generate {s.get('generate', 0):.0f} s, load {s['load']:.0f} s, resolve {s['resolve']:.0f} s, "
            f"{result['links_from']} {s['find_links']:.0f} s"
            + (f" (find-links --all failed after {s['find_links_all_failed']:.0f} s)"
               if result["find_links_all_error"] and "not run" not in result["find_links_all_error"] else "") + ".")
    return head + "\n\n" + "\n".join(rows) + "\n"


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score graphkit on the synthetic registry scenario.")
    ap.add_argument("--firms", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=None, help="folder for the scenario and the graph [a temporary one]")
    ap.add_argument("--benchmarks", type=Path, default=None,
                    help="write the section into this file [docs/benchmarks.md]; --no-docs to skip")
    ap.add_argument("--no-docs", action="store_true", help="print only")
    ap.add_argument("--json", type=Path, default=None, help="also write the full result (with examples) here")
    ap.add_argument("--per-firm", action="store_true",
                    help="score find-links per firm instead of find-links --all (when --all cannot run)")
    args = ap.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="graphkit-scenario-") as tmp:
        work = args.work or Path(tmp)
        scenario = work / f"scenario-{args.firms}-{args.seed}"
        t0 = time.perf_counter()
        truth = make_scenario(args.firms, args.seed, scenario)
        made = time.perf_counter() - t0
        graph = work / f"graph-{args.firms}-{args.seed}"
        if graph.exists():
            import shutil

            shutil.rmtree(graph)
        result = score_scenario(scenario, truth, graph, screen_all=not args.per_firm)
        result["seconds"]["generate"] = made
    command = f"python bench/evaluate_scenario.py --firms {args.firms} --seed {args.seed}" + (" --per-firm" if args.per_firm else "")
    md = markdown(result, command)
    print(md)
    print("Examples (merges across registry numbers, false merges, wrong and missed links):")
    print(json.dumps({"cross_id": result["cross_id_examples"], "false_merges": result["false_merge_examples"][:EXAMPLES],
                      "wrong_links": result["links"]["wrong_examples"], "missed_links": result["links"]["missed_examples"]},
                     ensure_ascii=False, indent=1, default=str))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if not args.no_docs:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from docsection import BENCHMARKS, put_section

        put_section(HEADING, md, args.benchmarks or BENCHMARKS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
