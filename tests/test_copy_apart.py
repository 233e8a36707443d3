"""A load's large COPYs run each in a forked process of its own, which opens the graph, writes one
table and ends (graphkit/store/embedded.py, ``COPY_APART_ROWS``): what LadybugDB keeps after a
COPY goes with that process. The graph is the one the same load writes in place; a COPY that
fails there fails the load with the store's message and leaves the graph as it was."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cases import LOAD_TIMES, graph_snapshot

from graphkit.errors import StoreError
from graphkit.load import load_files
from graphkit.store.embedded import EmbeddedStore, _EmbeddedStagedLoad
from graphkit.synth.registries import PSC_LINES, psc


def psc_snapshot(folder: Path, lines: int) -> Path:
    psc(folder, lines / PSC_LINES)
    return folder / "psc-snapshot.txt"


def test_a_load_with_its_copies_apart_writes_the_graph_it_writes_in_place(monkeypatch, tmp_path, forks):
    monkeypatch.setenv("GRAPHKIT_READ_APART_MB", "-1")  # the forks counted are the COPYs'
    copies: list[str] = []
    copy = EmbeddedStore._copy

    def counted(self, text, name, rows=0):
        copies.append(name)
        copy(self, text, name, rows)
    monkeypatch.setattr(EmbeddedStore, "_copy", counted)
    first, snapshot = psc_snapshot(tmp_path / "first", 300), psc_snapshot(tmp_path / "in", 2_000)
    graphs = {}
    for rows in ("0", "-1"):
        monkeypatch.setenv("GRAPHKIT_COPY_APART_ROWS", rows)
        with EmbeddedStore(tmp_path / f"graph{rows}") as store:
            load_files(store, [first], "uk-psc", on_error="skip", rejects_dir=tmp_path)
            apart = (len(forks), len(copies))
            # the second load merges into what the first stored: updates in place between COPYs apart
            report = load_files(store, [snapshot], "uk-psc", on_error="skip", rejects_dir=tmp_path)
            graphs[rows] = graph_snapshot(store, without=LOAD_TIMES)
            threads = store.conn.execute("CALL current_setting('threads') RETURN *").get_next()[0]
        graphs[rows, "forks"], graphs[rows, "written"], graphs[rows, "threads"] = apart, len(forks), threads
        forks.clear()
        copies.clear()
    assert graphs["0"] == graphs["-1"]
    assert graphs["0"]["Person"] and graphs["0"]["OWNS"] and graphs["0"]["REGISTERED_AT"]
    # every COPY of the first load in a process of its own: each label's, each relationship table's
    forked, copied = graphs["0", "forks"]
    assert forked == copied >= 6 and graphs["0", "written"] > forked
    assert graphs["-1", "written"] == 0
    assert report.written.nodes_updated  # the second load did change stored nodes
    assert graphs["0", "threads"] == graphs["-1", "threads"]  # the connection as the load found it


def test_a_copy_that_fails_in_its_own_process_fails_the_load_and_leaves_the_graph(monkeypatch, tmp_path, forks):
    monkeypatch.setenv("GRAPHKIT_READ_APART_MB", "-1")
    monkeypatch.setenv("GRAPHKIT_COPY_APART_ROWS", "0")
    copy_rels = _EmbeddedStagedLoad.copy_rels
    with EmbeddedStore(tmp_path / "graph") as store:
        load_files(store, [psc_snapshot(tmp_path / "first", 300)], "uk-psc", on_error="skip", rejects_dir=tmp_path)
        before = graph_snapshot(store)
        forks.clear()

        def spoilt(self, type_, sl, el, path):  # a staging file LadybugDB cannot COPY: not the table's columns
            pq.write_table(pa.table({"x": [1, 2]}), path)
            copy_rels(self, type_, sl, el, path)
        monkeypatch.setattr(_EmbeddedStagedLoad, "copy_rels", spoilt)
        with pytest.raises(StoreError, match=r"^create (OWNS|OFFICER_OF|REGISTERED_AT) failed: "):
            load_files(store, [psc_snapshot(tmp_path / "in", 1_000)], "uk-psc", on_error="skip",
                       rejects_dir=tmp_path)
        assert forks  # the node tables were written apart before the COPY that failed
        assert graph_snapshot(store) == before
        assert [p.name for p in store.path.iterdir() if p.name.startswith(".load-")] == []
