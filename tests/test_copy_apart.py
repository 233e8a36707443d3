"""A load's large COPYs run each in a process of its own, which opens the graph, writes one table
and ends (graphkit/store/embedded.py, ``COPY_APART_ROWS``): what LadybugDB keeps after a COPY
goes with that process. The graph is the one the same load writes in place; a COPY that fails
there, or a process killed there, fails the load with one message and leaves the graph as it was."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cases import LOAD_TIMES, graph_snapshot

import graphkit.store.embedded as embedded
from graphkit.errors import StoreError
from graphkit.load import load_files
from graphkit.model import Node, Provenance
from graphkit.store.embedded import EmbeddedStore, _EmbeddedStagedLoad
from graphkit.store.staged import LongRows, _placed
from graphkit.synth.registries import PSC_LINES, psc


def psc_snapshot(folder: Path, lines: int) -> Path:
    psc(folder, lines / PSC_LINES)
    return folder / "psc-snapshot.txt"


@pytest.fixture
def copies(monkeypatch) -> list[str]:
    """The name of every COPY the loads of the test run, apart or not."""
    names: list[str] = []
    copy = EmbeddedStore._copy

    def counted(self, text, name, rows=0):
        names.append(name)
        copy(self, text, name, rows)
    monkeypatch.setattr(EmbeddedStore, "_copy", counted)
    monkeypatch.setenv("GRAPHKIT_READ_APART_MB", "-1")
    return names


def test_a_load_with_its_copies_apart_writes_the_graph_it_writes_in_place(monkeypatch, tmp_path, copies):
    first, snapshot = psc_snapshot(tmp_path / "first", 300), psc_snapshot(tmp_path / "in", 2_000)
    seen = {}
    for rows in ("0", "-1"):
        monkeypatch.setenv("GRAPHKIT_COPY_APART_ROWS", rows)
        with EmbeddedStore(tmp_path / f"graph{rows}") as store:
            load_files(store, [first], "uk-psc", on_error="skip", rejects_dir=tmp_path)
            seen[rows, "first"] = (list(copies), list(store.copies_apart))
            # the second load merges into what the first stored: nodes updated in place between COPYs apart
            report = load_files(store, [snapshot], "uk-psc", on_error="skip", rejects_dir=tmp_path)
            seen[rows] = graph_snapshot(store, without=LOAD_TIMES)
            seen[rows, "threads"] = store.conn.execute("CALL current_setting('threads') RETURN *").get_next()[0]
            seen[rows, "all"] = list(store.copies_apart)
        copies.clear()
    assert seen["0"] == seen["-1"]
    assert seen["0"]["Person"] and seen["0"]["OWNS"] and seen["0"]["REGISTERED_AT"]
    assert report.written.nodes_updated  # the second load did change stored nodes
    # every COPY of the first load in a process of its own: each label's, each relationship table's
    copied, apart = seen["0", "first"]
    assert [name for name, _ in apart] == copied and len(copied) >= 6
    assert all(0 < peak < 2_000 for _, peak in apart)  # each process's own peak, in MB
    assert len(seen["0", "all"]) > len(apart) and seen["-1", "all"] == []
    assert seen["0", "threads"] == seen["-1", "threads"]  # the connection as the load found it


def test_a_copy_that_fails_in_its_own_process_fails_the_load_and_leaves_the_graph(monkeypatch, tmp_path, copies):
    monkeypatch.setenv("GRAPHKIT_COPY_APART_ROWS", "0")
    copy_rels = _EmbeddedStagedLoad.copy_rels
    with EmbeddedStore(tmp_path / "graph") as store:
        load_files(store, [psc_snapshot(tmp_path / "first", 300)], "uk-psc", on_error="skip", rejects_dir=tmp_path)
        before = graph_snapshot(store)
        store.copies_apart.clear()

        def spoilt(self, type_, sl, el, path):  # a staging file LadybugDB cannot COPY: not the table's columns
            pq.write_table(pa.table({"x": [1, 2]}), path)
            copy_rels(self, type_, sl, el, path)
        monkeypatch.setattr(_EmbeddedStagedLoad, "copy_rels", spoilt)
        with pytest.raises(StoreError, match=r"^create (OWNS|OFFICER_OF|REGISTERED_AT) failed: "):
            load_files(store, [psc_snapshot(tmp_path / "in", 1_000)], "uk-psc", on_error="skip",
                       rejects_dir=tmp_path)
        assert store.copies_apart  # the node tables were written apart before the COPY that failed
        assert graph_snapshot(store) == before
        assert [p.name for p in store.path.iterdir() if p.name.startswith(".load-")] == []


def test_a_copy_process_that_is_killed_fails_the_load_with_one_message_and_leaves_the_graph(monkeypatch, tmp_path,
                                                                                             copies):
    monkeypatch.setenv("GRAPHKIT_COPY_APART_ROWS", "0")
    with EmbeddedStore(tmp_path / "graph") as store:
        load_files(store, [psc_snapshot(tmp_path / "first", 300)], "uk-psc", on_error="skip", rejects_dir=tmp_path)
        before = graph_snapshot(store)
        # the process dies as the kernel kills one out of memory: without a word
        monkeypatch.setattr(embedded, "_COPY_APART", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
        with pytest.raises(StoreError, match=r"^create \w+: the process writing it was killed by signal 9 "
                                             r"\(out of memory\?\).*GRAPHKIT_COPY_APART_ROWS=-1"):
            load_files(store, [psc_snapshot(tmp_path / "in", 1_000)], "uk-psc", on_error="skip",
                       rejects_dir=tmp_path)
        assert graph_snapshot(store) == before


def test_rows_with_long_lists_are_copied_apart_and_the_graph_is_the_same(monkeypatch, tmp_path, copies):
    """A registry's mass-registration address is the source of thousands of lines: its row's
    ``records`` list goes in a COPY of its own (``LONG_LIST_ROW``), the same graph as one COPY."""
    first, snapshot = psc_snapshot(tmp_path / "first", 300), psc_snapshot(tmp_path / "in", 2_000)
    seen = {}
    updates: list[tuple[str, int]] = []  # each statement changing stored nodes: its name and rows
    scan = EmbeddedStore._scan

    def counted(self, text, table, name):
        updates.append((name, table.num_rows))
        return scan(self, text, table, name)
    monkeypatch.setattr(EmbeddedStore, "_scan", counted)
    # from 20 list entries a long row's update too runs in a process of its own (a mass address)
    monkeypatch.setenv("GRAPHKIT_COPY_APART_ROWS", "20")
    for least in ("0", "5"):  # never; rows of five list entries or more (an address three lines give)
        monkeypatch.setenv("GRAPHKIT_LONG_LIST_ROW", least)
        with EmbeddedStore(tmp_path / f"graph{least}") as store:
            load_files(store, [first], "uk-psc", on_error="skip", rejects_dir=tmp_path)
            # in batches of 200 lines, as 20,000-line batches stage a large file: the lines naming
            # one address come in several, and its merged row holds the sources of all of them
            load_files(store, [snapshot], "uk-psc", on_error="skip", rejects_dir=tmp_path, batch_rows=200)
            seen[least] = graph_snapshot(store, without=LOAD_TIMES)
            seen[least, "copies"] = list(copies)
            seen[least, "updates"] = [rows for name, rows in updates if name.startswith("update ")]
            seen[least, "apart"] = [name for name, _ in store.copies_apart]
            updates.clear()
            seen[least, "longest"] = store._execute("MATCH (a:Address) RETURN max(size(a.records)) AS n")[0]["n"]
        copies.clear()
    assert seen["0"] == seen["5"]
    assert len(seen["5", "copies"]) > len(seen["0", "copies"])  # some label's rows in more than one COPY
    assert seen["5", "longest"] >= 3  # an address's row among the long ones
    # the second load changed stored nodes; those with long lists each in a statement of its own,
    # read from a file in a process of its own, not with the others
    long_updates = [name for name in seen["5", "copies"] if name.startswith("update ")]
    assert long_updates and not [name for name in seen["0", "copies"] if name.startswith("update ")]
    assert sum(seen["5", "updates"]) + len(long_updates) == sum(seen["0", "updates"])
    assert "update Address" in seen["5", "apart"] and "update Address" not in seen["0", "apart"]


def test_long_rows_are_taken_out_as_they_come_into_files_within_the_budget(tmp_path):
    sizes = [1, 4, 0, 7, 2, 12, 5, 1, 4, 4]
    table = pa.table({"id": [f"n{i}" for i in range(len(sizes))],
                      "records": [[f"r{i}.{j}" for j in range(n)] if n else None for i, n in enumerate(sizes)],
                      "datasets": [["d"] for _ in sizes]})
    long = LongRows(tmp_path / "node", table.schema, 5, 10)  # records and datasets together
    rest = [long.take(table.slice(i, 4)) for i in range(0, len(sizes), 4)]  # as the batches come
    long.close()
    # entries 2, 5, 1, 8, 3, 13, 6, 2, 5, 5: six rows of five or more, in files of consecutive
    # rows of at most ten entries (thirteen alone)
    assert [pq.read_table(p).column("id").to_pylist() for p, _ in long.parts] == [["n1"], ["n3"], ["n5"], ["n6"],
                                                                                ["n8", "n9"]]
    assert [n for _, n in long.parts] == [5, 8, 13, 6, 10] and long.rows == 6
    assert pa.concat_tables(rest).column("id").to_pylist() == ["n0", "n2", "n4", "n7"]
    together = pa.concat_tables([*rest, *(pq.read_table(p) for p, _ in long.parts)]).to_pylist()
    assert sorted(together, key=lambda r: int(r["id"][1:])) == table.to_pylist()
    never = LongRows(tmp_path / "other", table.schema, 0, 10)
    assert never.take(table) is table and never.parts == []


def test_each_file_of_long_rows_ends_a_node_group_where_no_later_copy_appends(monkeypatch, tmp_path):
    """A COPY appends to a table's last LadybugDB node group, and one appending to a group whose
    lists hold many entries takes gigabytes (``NODE_GROUP_ROWS``): the full PSC snapshot's second
    part ran out of pool on the mass-registration addresses its first part had left there. So
    each file of long rows is COPY-ed to end a group, new rows before it filling the group: load
    after load, no long row is where a later COPY appends, and no two files share a group."""
    monkeypatch.setenv("GRAPHKIT_LONG_LIST_ROW", "50")
    monkeypatch.setattr(_EmbeddedStagedLoad, "long_entries", 150)  # two long rows a file
    group = embedded.NODE_GROUP_ROWS
    src = Provenance("uk-psc", "psc-snapshot.txt", "line 1")

    def address(key: object, records: range) -> Node:
        return Node("Address", f"addr:{key}", {"full": f"{key} High Street", "datasets": ["uk-psc"],
                                               "records": [f"uk-psc|psc-snapshot.txt|line {n}" for n in records]}, src)

    def load(plain: range, mass: list[str]) -> None:
        with store.load() as sink:  # each mass address in two batches: its merged row holds 60 sources more
            sink.add([address(n, range(n, n + 1)) for n in plain]
                     + [address(m, range(plain.start, plain.start + 30)) for m in mass], [])
            sink.add([address(m, range(plain.start + 30, plain.start + 60)) for m in mass], [])

    with EmbeddedStore(tmp_path / "graph") as store:
        load(range(2 * group + 1_000), ["mass0", "mass1", "mass2", "mass3"])
        first = {r["id"]: r["at"] for r in store._execute("MATCH (a:Address) RETURN a.id AS id, offset(id(a)) AS at")}
        # the table's last rows deleted, as a load undone deletes what it created: LadybugDB
        # appends after them all the same
        gone = [f"addr:{n}" for n in range(2 * group + 990, 2 * group + 1_000)]
        store._execute("UNWIND $ids AS k MATCH (a:Address {id: k}) DELETE a", {"ids": gone})
        # the next load adds to the four (now stored) and brings two more into a table of 2 * group + 1,004 rows
        load(range(10**6, 10**6 + group), ["mass0", "mass1", "mass2", "mass3", "mass4", "mass5"])
        rows = store._execute("MATCH (a:Address) RETURN a.id AS id, offset(id(a)) AS at, size(a.records) AS n")
        info = store._execute("CALL storage_info('Address') WHERE column_name = 'id' "
                              "RETURN node_group_id AS g, sum(num_values) AS n")
    assert {r["g"]: r["n"] for r in info}[0] == group  # the constant is LadybugDB's node group
    at = {r["id"]: r["at"] for r in rows}
    assert len(at) == 3 * group + 1_000 + 6 - len(gone)
    assert {f"addr:mass{m}": at[f"addr:mass{m}"] for m in range(4)} == {f"addr:mass{m}": first[f"addr:mass{m}"]
                                                                        for m in range(4)}
    # each file's two rows the last two of a group: the first load's in groups 0 and 1, the second's in 2
    assert [sorted(at[f"addr:mass{m}"] for m in pair) for pair in ((0, 1), (2, 3), (4, 5))] == [
        [group - 2, group - 1], [2 * group - 2, 2 * group - 1], [3 * group - 2, 3 * group - 1]]
    assert max(at.values()) // group == 3  # the last group, where the next COPY appends: none of theirs
    assert {r["id"]: r["n"] for r in rows if r["n"] > 1} == {**{f"addr:mass{m}": 120 for m in range(4)},
                                                             "addr:mass4": 60, "addr:mass5": 60}


def test_files_of_long_rows_are_placed_to_end_a_group_each(tmp_path):
    final = tmp_path / "final.node.Address.parquet"
    pq.write_table(pa.table({"id": [f"n{i}" for i in range(25)]}), final, row_group_size=7)
    long = []
    for i, rows in enumerate((2, 1, 3)):
        pq.write_table(pa.table({"id": [f"long{i}.{j}" for j in range(rows)]}), tmp_path / f"long{i}.parquet")
        long.append((tmp_path / f"long{i}.parquet", 100 * rows))

    def placed(rows: int, files: list[tuple[Path, int]], group: int, at: int) -> list[tuple[str, int]]:
        """Each COPY as its first id and weight."""
        return [(pq.read_table(p).column("id")[0].as_py(), n) for p, n in _placed(final, rows, files, group, at)]
    # groups of ten, the table holding three rows: 5 new rows, then the file of two ends the
    # group; 9, then the file of one; 7, then the file of three; the 4 left after
    order = _placed(final, 25, long, 10, 3)
    assert placed(25, long, 10, 3) == [("n0", 5), ("long0.0", 200), ("n5", 9), ("long1.0", 100), ("n14", 7),
                                       ("long2.0", 300), ("n21", 4)]
    assert [i for p, _ in order if p not in dict(long) for i in pq.read_table(p).column("id").to_pylist()] == \
        pq.read_table(final).column("id").to_pylist()
    # a table two rows short of a group: the first file ends it at once
    assert placed(25, long[:1], 10, 8) == [("long0.0", 200), ("n0", 25)]
    # too few new rows for the second file: it comes after the rest
    assert placed(12, long[:2], 10, 0)[:2] == [("n0", 8), ("long0.0", 200)]
    assert [i for i, _ in placed(12, long[:2], 10, 0)[2:]] == ["n8", "long1.0"]
    # a store without groups, or no new rows: the long rows after the rest, as they were
    assert _placed(final, 25, long, 0, 0) == [(final, 25), *long]
    assert _placed(final, 0, long, 10, 0) == long
    assert _placed(final, 25, [], 10, 0) == [(final, 25)]
