"""find-links text as an editor reads it (graphkit.link.digest): one line per resolved person, shipments
summed per direction, HS-6 code, year and customs dataset; --detail keeps every record-level fact."""

from __future__ import annotations

import json
import re

import pytest


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from tests.conftest import run_cli

    db = tmp_path_factory.mktemp("digest") / "demo"
    r = run_cli("demo", "--db", db)
    assert r.code == 0, r.err
    return db


def test_the_aspan_arba_case_reads_in_thirty_lines_with_both_people_and_the_drone_totals(cli, demo_db):
    r = cli("find-links", "Aspan Arba", "--db", demo_db)
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert len(lines) <= 30
    # each resolved person once, with every spelling and the roles on both sides
    golberg = [x for x in lines if x.lstrip().startswith("- [shared_officer] Ilya Golberg =")]
    assert len(golberg) == 1 and "ГОЛЬДБЕРГ ИЛЬЯ МАРКОВИЧ" in golberg[0] and "Гольдберг Илья Маркович" in golberg[0]
    assert "in A: is director of A" in golberg[0] and "owns 40 % of B — former, 2017-05-16 to 2021-12-17" in golberg[0]
    assert sum("Сапожников Михаил Игоревич" in x and x.lstrip().startswith("- [") for x in lines) == 1
    # the drones: the export and the import declaration of the same goods, each summed in its own dataset
    drones = next(x for x in lines if "A -> B, HS 880622, 2022:" in x)
    assert "6 lines in demo-customs-kz-export:" in drones and "6 lines in demo-customs-ru-import:" in drones
    assert drones.count("524 PCE, USD 870,500.00") == 2
    # the totals agree with the record-level facts they sum
    facts = [json.loads(x) for x in cli("find-links", "Aspan Arba", "--db", demo_db, "--format", "json").out.splitlines()]
    export = [e["detail"] for link in facts for e in link["evidence"]
              if e["kind"] == "shipment" and e["detail"]["hs_code"].startswith("880622")
              and e["detail"]["direction"] == "A -> B" and e["sources"][0]["dataset"] == "demo-customs-kz-export"]
    assert len(export) == 6 and sum(d["value_usd"] for d in export) == 870_500
    # every person line says where it comes from, every shipment line which records it sums
    assert all("sources: " in lines[i + 1] for i, x in enumerate(lines) if x.lstrip().startswith("- [shared_officer]"))
    assert all("(sources: demo-customs-" in x for x in lines if x.lstrip().startswith("- [shipment]"))
    assert '4 descriptions, e.g. "1. UNMANNED AIRCRAFT (QUADCOPTER) DJI MAVIC 3…"' in drones


def test_detail_prints_every_record_level_fact_with_its_source(cli, demo_db):
    digest = cli("find-links", "Aspan Arba", "--db", demo_db).out
    detail = cli("find-links", "Aspan Arba", "--db", demo_db, "--detail").out
    assert len(detail.splitlines()) > 2 * len(digest.splitlines())
    assert len(re.findall(r"- \[shipment\] A -> B declaration", detail)) == 14
    assert "source: demo-customs-kz-export:customs_kz_export.csv#" in detail


def test_a_possible_link_names_the_pair_it_rests_on_and_the_command_that_decides(cli, demo_db):
    out = cli("find-links", "Aspan Arba", "--db", demo_db).out
    possible = out.split("Possible links: unconfirmed, needs review")[1]
    assert "Алатау Агросервис" in possible and " ~ " in possible  # "~": not joined, waiting
    assert "waiting for review" in possible and "decide: graphkit review --accept " in possible
    assert "Алатау" not in out.split("Possible links")[0]
