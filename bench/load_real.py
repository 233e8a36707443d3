"""Load every shared real sample into one embedded graph: the combined graph an investigator meets.

    python bench/load_real.py --db /tmp/real-graph [--real ../shared/data/real] [--fresh]

Each source is read in place through its built-in mapping (the samples are others' files: skipped and
rejected records go to ``<db>-rejects/``, never beside them). Prints one line per file (read, loaded,
skipped, rejected) and the graph's counts. The sources meet in one graph on purpose: checks that pass on
each sample alone can fail beside the others (aliases of one list meet names of another).

``load_all`` is the library form, for bench scripts and tests that need the combined graph.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root holds the bench package
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphkit.load import LoadReport, load_files  # noqa: E402
from graphkit.store.base import Store  # noqa: E402

DEFAULT_REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"

# (mapping, dataset or None for the mapping's own, files relative to the real folder; a glob where
# a source comes in several files). FtM deltas are left out: they are applied in order, on purpose,
# by the commands that read them, not loaded as entities.
SOURCES: list[tuple[str, str | None, list[str]]] = [
    ("ofac-sdn", None, ["ofac_sdn/sdn.csv"]),
    ("ftm", "opensanctions", ["ftm_opensanctions/yente_zala_entities.ftm.json",
                              "ftm_opensanctions/yente_t1_eu_fsf_entities.ftm.json",
                              "ftm_opensanctions/yente_parteispenden_entities.ftm.json"]),
    ("ftm", "kek", ["ftm_kek_media_ownership/kek_company_ownership.ftm.jsonl"]),
    ("icij", None, ["icij_offshoreleaks/nodes-intermediaries.csv",
                    "icij_offshoreleaks/Addresses_medium.csv"]),
    ("gleif-lei", None, ["gleif/lei-data.xml"]),
    ("gleif-rr", None, ["gleif/rr-data.xml", "gleif/repex-data.xml"]),
    ("uk-psc", None, ["uk_companies_house/psc-data-*.json"]),
    ("uk-companies", None, ["uk_companies_house/company-data-1.json"]),
    ("kz-export", None, ["customs_trade/kz_export_declarations_full.csv"]),
    ("kz-import", None, ["customs_trade/kz_import_declarations_full.csv"]),
    ("ru-import", None, ["customs_trade/ru_import_declarations_full.csv"]),
    ("kz-import-agg", None, ["customs_trade/kz_import_monthly_agg.csv"]),
    ("ru-import-agg", None, ["customs_trade/ru_import_monthly_agg.csv"]),
    ("ru-export-agg", None, ["customs_trade/ru_export_monthly_agg.csv"]),
    ("ru-export", None, ["customs_trade/ru_export_declarations_full.csv"]),
    ("ua-import", None, ["customs_trade/ua_import_declarations_full.csv"]),
    ("ua-export", None, ["customs_trade/ua_export_declarations_full.csv"]),
    ("ua-import-agg", None, ["customs_trade/ua_import_monthly_agg.csv"]),
    ("uz-import", None, ["customs_trade/uz_import_declarations_full.csv"]),
    ("uz-export", None, ["customs_trade/uz_export_declarations_full.csv"]),
    ("am-import", None, ["customs_trade/am_import_declarations_full.csv"]),
    ("am-export", None, ["customs_trade/am_export_declarations_full.csv"]),
]


def _files(real: Path, patterns: list[str]) -> list[Path]:
    out: list[Path] = []
    for pattern in patterns:
        found = sorted(real.glob(pattern))
        if not found:
            raise FileNotFoundError(f"{real / pattern}: no such sample (is ../shared beside the checkout?)")
        out.extend(found)
    return out


def load_all(store: Store, real: Path, rejects_dir: Path) -> list[LoadReport]:
    """Load every source in SOURCES into ``store``; return one LoadReport per source, in order.

    Raises FileNotFoundError when a sample is missing, and graphkit's InvalidData when one does
    not load (the store is then as it was before that source).
    """
    return [load_files(store, _files(real, patterns), mapping, dataset=dataset, on_error="skip",
                       rejects_dir=rejects_dir)
            for mapping, dataset, patterns in SOURCES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="embedded graph directory to load into")
    parser.add_argument("--real", type=Path, default=DEFAULT_REAL, help="the shared real samples")
    parser.add_argument("--fresh", action="store_true", help="remove --db first")
    args = parser.parse_args()
    from graphkit.store.embedded import EmbeddedStore

    if args.fresh and args.db.exists():
        shutil.rmtree(args.db)
    rejects = args.db.with_name(args.db.name + "-rejects")
    store = EmbeddedStore(args.db)
    started = time.perf_counter()
    for report in load_all(store, args.real.resolve(), rejects):
        for f in report.files:
            print(f"{Path(f.file).name:48} read {f.rows_read:>7,}  loaded {f.rows_loaded:>7,}  "
                  f"skipped {f.rows_skipped:>6,}  rejected {f.rows_rejected:>5,}")
    counts = store.counts()
    print(f"loaded in {time.perf_counter() - started:.1f} s; nodes {dict(counts.nodes)}; "
          f"relationships {dict(counts.relationships)}; skipped and rejected records in {rejects}")
    store.close()


if __name__ == "__main__":
    main()
