"""graphkit.api, as a notebook uses it: the demo graph made by `graphkit demo`, opened from
Python, its answers as DataFrames with the columns and rows of the commands' CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from graphkit import api, output
from graphkit.errors import NotFound

ASPAN, NEBESNAYA = "kz-bin:220440173863", "ru-inn:7717019625"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from conftest import run_cli

    db = tmp_path_factory.mktemp("api") / "demo"
    r = run_cli("demo", "--db", db)
    assert r.code == 0, r.err
    return db


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_find_links_frame_is_the_csv_of_the_command(demo_db: Path, cli):
    with api.open_graph(demo_db) as g:
        links = g.find_links("Aspan Arba")
        frame = links.to_frame()
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == output.LINK_CSV_COLUMNS
    assert len(frame) == sum(len(link.evidence) for link in links) > 0
    to_nebesnaya = frame[frame.b_id == NEBESNAYA]
    assert set(to_nebesnaya.a_id) == {ASPAN}
    assert set(to_nebesnaya.kind) == {"shared_officer", "common_owner", "shipment"}
    assert frame.sources.str.contains("#").all()  # every fact with its source record
    r = cli("find-links", "Aspan Arba", "--db", demo_db, "--format", "csv")
    assert r.code == 0, r.err
    shown = _csv_rows(r.out)
    assert [(x["b_id"], x["kind"], x["summary"], x["sources"]) for x in shown] == \
        list(zip(frame.b_id, frame.kind, frame.summary, frame.sources, strict=True))
    assert api.to_frame(links).equals(frame)


def test_exposure_flags_clusters_and_pending_frames(demo_db: Path, cli):
    with api.open_graph(demo_db) as g:
        exposure = g.exposure("Aspan Arba")
        flags = g.flags()
        clusters = g.clusters().to_frame()
        pending = g.pending()
    frame = exposure.to_frame()
    assert list(frame.columns) == output.EXPOSURE_CSV_COLUMNS
    assert set(frame.entity_id) == {ASPAN} and len(frame) == len(output.exposure_rows(list(exposure)))
    flag_frame = flags.to_frame()
    assert list(flag_frame.columns) == output.FLAG_CSV_COLUMNS
    r = cli("flags", "--db", demo_db, "--format", "csv")
    assert r.code == 0, r.err
    assert [(x["kind"], x["title"]) for x in _csv_rows(r.out)] == list(zip(flag_frame.kind, flag_frame.title, strict=True))
    saboshnikov = clusters[clusters.id == "ru-inn:772418503617"].iloc[0]
    assert {"Mikhail Saboshnikov", "SABOSHNIKOV M."} <= {m["name"] for m in saboshnikov.members}
    assert len(pending.to_frame()) == len(pending)


def test_an_empty_answer_keeps_its_columns_and_a_bad_query_raises(demo_db: Path):
    with api.open_graph(demo_db) as g:
        none = g.find_links("Aspan Arba", kinds=["payment"])
        with pytest.raises(NotFound):
            g.find_links("no such firm anywhere 123")
    assert none == [] and list(none.to_frame().columns) == output.LINK_CSV_COLUMNS
