"""The command line, driven as a user drives it: load, stats, find-links in every format,
errors as one line, and help that matches the README."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from graphkit.cli import cli as cli_group

REGISTRY = (
    "record_id,company_name,jurisdiction,inn,address,address_country,holder_kind,holder_name,"
    "holder_birth_date,role,share_pct,role_start,role_end\n"
    "A1,ООО «Альфа»,ru,7700000011,\"Москва, ул. Ленина, 5\",ru,person,Орлов Олег,1975-02-03,director,,2019-01-01,\n"
    "B1,=HYPERLINK(\"http://x\"),ru,7700000022,\"Москва, ул. Ленина, 5\",ru,person,Орлов Олег,1975-02-03,founder,50,2020-01-01,2021-06-30\n"
    "C1,ООО «Гамма»,ru,7700000033,\"Тверь, ул. Мира, 1\",ru,person,Орлова Ольга,1980-01-01,director,,2019-01-01,\n"
)


def test_load_then_find_links_in_every_format(cli, tmp_path: Path):
    db = tmp_path / "g"
    src = tmp_path / "reg.csv"
    src.write_text(REGISTRY, encoding="utf-8")
    r = cli("load", src, "--mapping", "registry", "--db", db)
    assert r.code == 0, r.err
    assert "reg.csv: 3 read, 3 loaded, 0 rejected, 0 skipped" in r.out

    digest = cli("find-links", "7700000011", "--db", db)  # one line per person, sources counted
    assert digest.code == 0, digest.err
    assert "— linked by: shared_officer, shared_address (1 shared person or firm; 1 other fact)" in digest.out
    # "current" as the record has it, on the day it was read: the registry extract gives no end
    today = re.search(r"record loaded (\d{4}-\d{2}-\d{2})", digest.out).group(1)  # the load's day
    assert (f"[shared_officer] Орлов Олег: in A: is director of A — current, since 2019-01-01 (no end given; "
            f"record loaded {today}) | in B: owns 50 % of B (the source's role: \"founder\") — former, 2020-01-01 "
            "to 2021-06-30" in digest.out)
    assert "sources: registry:reg.csv#A1, #B1" in digest.out and "Гамма" not in digest.out

    table = cli("find-links", "7700000011", "--db", db, "--detail")  # every record-level fact
    assert table.code == 0, table.err
    assert "linked by: shared_officer, shared_address" in table.out
    assert (f"Орлов Олег: is director of A — current, since 2019-01-01 (no end given; record loaded {today}); owns "
            '50 % of B (the source\'s role: "founder") — former, 2020-01-01 to 2021-06-30' in table.out)
    assert "source: registry:reg.csv#A1; registry:reg.csv#B1" in table.out
    assert "Гамма" not in table.out  # Орлова is another person

    lines = cli("find-links", "ООО Альфа", "--db", db, "--format", "json").out.splitlines()
    assert len(lines) == 1
    link = json.loads(lines[0])
    assert link["a"]["id"] == "ru-inn:7700000011" and link["a"]["registry_ids"] == ["ru-inn:7700000011"]
    assert link["b"]["id"] == "ru-inn:7700000022"
    assert link["kinds"] == ["shared_officer", "shared_address"]
    officer = next(e for e in link["evidence"] if e["kind"] == "shared_officer")
    assert officer["detail"]["b"]["status"] == "former" and officer["detail"]["b"]["end_date"] == "2021-06-30"
    assert officer["sources"][0] == {"dataset": "registry", "file": "reg.csv", "record": "A1"}

    rows = list(csv.DictReader(io.StringIO(cli("find-links", "--all", "--db", db, "--format", "csv").out)))
    assert {r["kind"] for r in rows} == {"shared_officer", "shared_address"}
    # a firm named like a spreadsheet formula is neutralised in CSV output
    assert all(not r["b_name"].startswith("=") and not r["a_name"].startswith("=") for r in rows)
    assert any(r["a_name"].startswith("'=HYPERLINK") or r["b_name"].startswith("'=HYPERLINK") for r in rows)


def test_stats_counts_by_label_type_and_dataset(cli, tmp_path: Path):
    db = tmp_path / "g"
    src = tmp_path / "reg.csv"
    src.write_text(REGISTRY, encoding="utf-8")
    cli("load", src, "--mapping", "registry", "--db", db, "--dataset", "moscow-extract")
    rows = [json.loads(x) for x in cli("stats", "--db", db, "--format", "json").out.splitlines()]
    total = {(r["kind"], r["name"]): r["count"] for r in rows if r["dataset"] == "*"}
    assert total[("node", "Company")] == 3 and total[("node", "Person")] == 2
    assert total[("relationship", "OFFICER_OF")] == 2 and total[("relationship", "OWNS")] == 1
    by_ds = {r["name"]: r["count"] for r in rows if r["dataset"] == "moscow-extract"}
    assert by_ds["Company"] == 3 and by_ds["REGISTERED_AT"] == 3


def test_errors_are_one_line_without_traceback(cli, tmp_path: Path):
    r = cli("find-links", "anything", "--db", tmp_path / "nowhere")
    assert r.code == 1
    assert r.err.startswith("graphkit: error: no graph at") and "Traceback" not in r.err
    src = tmp_path / "reg.csv"
    src.write_text(REGISTRY, encoding="utf-8")
    cli("load", src, "--mapping", "registry", "--db", tmp_path / "g")
    r = cli("find-links", "Nonexistent Firm", "--db", tmp_path / "g")
    assert r.code == 1 and r.err.strip().count("\n") == 0 and "nothing matches 'Nonexistent Firm'" in r.err
    r = cli("load", src, "--mapping", "no-such-layout", "--db", tmp_path / "g")
    assert r.code == 1 and "no mapping 'no-such-layout'" in r.err


def test_a_rejected_load_lists_every_problem_and_changes_nothing(cli, tmp_path: Path):
    db = tmp_path / "g"
    good = tmp_path / "reg.csv"
    good.write_text(REGISTRY, encoding="utf-8")
    cli("load", good, "--mapping", "registry", "--db", db)
    before = cli("stats", "--db", db, "--format", "json").out
    bad = tmp_path / "bad.csv"
    bad.write_text(REGISTRY.replace("2019-01-01", "2019-02-30").replace("A1,", "X1,").replace("B1,", "X2,")
                   .replace("C1,", "X3,"), encoding="utf-8")
    r = cli("load", bad, "--mapping", "registry", "--db", db)
    assert r.code == 1
    assert "2 problem(s); nothing was loaded, the graph is unchanged." in r.err
    assert "bad.csv, line 2, column 'role_start': '2019-02-30' is not a date" in r.err
    assert "bad.csv, line 4, column 'role_start'" in r.err
    assert cli("stats", "--db", db, "--format", "json").out == before


def test_every_command_has_help_and_is_in_the_readme(cli):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in cli_group.commands:
        r = cli(name, "--help")
        assert r.code == 0 and "Usage:" in r.out
        assert re.search(rf"graphkit {re.escape(name)}\b", readme), f"README does not mention graphkit {name}"


def test_the_command_line_starts_without_its_heavy_libraries():
    """`graphkit --help` stays quick (bench/cli_startup.py measures it): it loads the command
    modules only; the store drivers, the report's, table and name libraries and the library's
    own registries (link kinds, mappings, the model) are imported when a command runs or its
    own help is shown."""
    import subprocess
    import sys

    heavy = ("pandas", "pyvis", "networkx", "pyarrow", "neo4j", "ladybug", "rigour", "yaml")
    code = ("import sys\nfrom graphkit.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            f"print('loaded:', *sorted(m for m in sys.modules if m in {heavy!r} or m.startswith('graphkit')))")
    run = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert "find-links" in run and "exposure" in run  # the help itself, every command listed
    loaded = run.rsplit("loaded:", 1)[1].split()
    assert loaded == ["graphkit", "graphkit.cli", "graphkit.cli.flags", "graphkit.cli.options", "graphkit.cli.reports",
                      "graphkit.errors"]  # the one error boundary, in main
    help_ = subprocess.run([sys.executable, "-m", "graphkit.cli", "find-links", "--help"], capture_output=True, text=True)
    assert help_.returncode == 0 and "--kind [" in help_.stdout and "shared_officer" in help_.stdout
