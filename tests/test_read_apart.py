"""A large load is read in a process of its own that ends before the store's writes
(graphkit/load/apart.py): the graph, the report, the rejects file and the progress are those of
the same load read in place; an error or a death of the reading process leaves the store as it
was and says what happened."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from cases import LOAD_TIMES, graph_snapshot
from test_registries import icij_bundle

import graphkit.load as loading
from graphkit.errors import GraphkitError, InvalidData
from graphkit.load import apart, load_files
from graphkit.store.embedded import EmbeddedStore
from graphkit.synth.registries import GLEIF_LEI, PSC_LINES, gleif, psc


def read_apart(monkeypatch, yes: bool, parts: int = 1) -> None:
    monkeypatch.setenv("GRAPHKIT_READ_APART_MB", "0" if yes else "-1")
    monkeypatch.setenv("GRAPHKIT_READ_PARTS", str(parts))


def psc_snapshot(folder: Path, lines: int) -> Path:
    psc(folder, lines / PSC_LINES)
    return folder / "psc-snapshot.txt"


def load_both_ways(monkeypatch, tmp_path: Path, forks: list[int], inputs: list[Path], mapping: str,
                   parts: int = 1, batch_rows: int = loading.BATCH_ROWS) -> list[dict]:
    """The load read apart (in ``parts`` parts where it can be), and read in place."""
    out = []
    for apart_too in (True, False):
        read_apart(monkeypatch, apart_too, parts)
        rejects = tmp_path / f"rejects-{apart_too}"
        rows: list[int] = []
        with EmbeddedStore(tmp_path / f"graph-{apart_too}") as store:
            report = load_files(store, inputs, mapping, on_error="skip", rejects_dir=rejects, progress=rows.append,
                                batch_rows=batch_rows)
            out.append({
                "graph": graph_snapshot(store, without=LOAD_TIMES),
                "files": [(f.file, f.rows_read, f.rows_loaded, f.rows_skipped, f.rows_rejected,
                           dict(f.skipped_reasons), f.linked and dict(f.linked),
                           f.rejects_path and Path(f.rejects_path).name) for f in report.files],
                "written": report.written, "problems": report.problems, "rows": sum(rows),
                "rejects": {p.name: p.read_text() for p in sorted(rejects.glob("*"))},
                "reading processes": len(forks)})
        forks.clear()
    return out


def same_in_parts_as_in_one(monkeypatch, tmp_path: Path, forks: list[int], inputs: list[Path], mapping: str,
                            parts: int, batch_rows: int = loading.BATCH_ROWS) -> dict:
    """The load read in ``parts`` parts at once, checked equal to the load read in one go (the
    graph, the report, the rejects, the progress); what the one-go load gave."""
    in_parts, here = load_both_ways(monkeypatch, tmp_path, forks, inputs, mapping, parts, batch_rows=batch_rows)
    assert in_parts.pop("reading processes") == 1 and here.pop("reading processes") == 0
    # what the store gained is counted batch by batch (a repeat across batches counts as updated or
    # present): the parts break the batches elsewhere
    assert (in_parts["written"].nodes_created, in_parts["written"].rels_created) == (
        here["written"].nodes_created, here["written"].rels_created)
    del in_parts["written"], here["written"]
    assert in_parts == here
    return here


def test_a_psc_snapshot_read_apart_loads_as_read_in_place(monkeypatch, tmp_path, forks):
    snapshot = psc_snapshot(tmp_path / "in", 3_000)
    apart_load, here = load_both_ways(monkeypatch, tmp_path, forks, [snapshot], "uk-psc")
    assert apart_load.pop("reading processes") == 1 and here.pop("reading processes") == 0
    assert apart_load == here
    assert here["rows"] == len(snapshot.read_bytes().splitlines())
    assert here["graph"]["Person"] and here["graph"]["OWNS"]
    assert "psc-snapshot.txt.rejects.jsonl" in here["rejects"]  # the statements, skipped with their reason


@pytest.mark.parametrize("parts", [2, 3])
def test_a_psc_snapshot_read_in_parts_at_once_loads_as_read_in_one_go(monkeypatch, tmp_path, forks, parts):
    # a line that is no JSON and one without a company number, late in the file: problems and
    # rejects of a part other than the first, numbered by their lines in the whole file
    snapshot = psc_snapshot(tmp_path / "in", 3_000)
    lines = snapshot.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[-7])
    del record["company_number"]
    lines[-7], lines[-3] = json.dumps(record), lines[-3][:40]
    snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spans = apart.split(snapshot, parts)
    assert len(spans) == parts and spans[0].start == 0 and spans[-1].stop is None
    assert [s.first_line for s in spans] == [1 + snapshot.read_bytes()[:s.start].count(b"\n") for s in spans]
    # batches of 500 rows: a node or relationship repeated across batches is merged as within one
    here = same_in_parts_as_in_one(monkeypatch, tmp_path, forks, [snapshot], "uk-psc", parts, batch_rows=500)
    assert ("psc-snapshot.txt", len(lines) - 6, "company_number") in {(p.file, p.line, p.column) for p in here["problems"]}
    assert [p.line for p in here["problems"]] == sorted(p.line for p in here["problems"])
    assert {p.line for p in here["problems"]} == {len(lines) - 6, len(lines) - 2}
    assert here["rows"] == len(lines)
    rejected = here["rejects"]["psc-snapshot.txt.rejects.jsonl"].splitlines()
    numbers = [json.loads(r)["line"] for r in rejected]  # skipped statements too, in the file's order
    assert {len(lines) - 6, len(lines) - 2} <= set(numbers) and numbers == sorted(numbers)
    assert min(numbers) < spans[1].first_line  # rejects of every part


def test_a_part_read_by_another_process_that_fails_leaves_the_graph_and_no_rejects(monkeypatch, tmp_path, forks):
    snapshot = psc_snapshot(tmp_path / "in", 1_000)
    lines = snapshot.read_text(encoding="utf-8").splitlines()
    lines[-2] = lines[-2][:30]  # cut off, in the second part
    snapshot.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read_apart(monkeypatch, True, parts=2)
    with EmbeddedStore(tmp_path / "graph") as store:
        before = graph_snapshot(store)
        with pytest.raises(InvalidData) as raised:
            load_files(store, [snapshot], "uk-psc", rejects_dir=tmp_path / "rejects")
        assert [(p.file, p.line) for p in raised.value.problems] == [("psc-snapshot.txt", len(lines) - 1)]
        assert graph_snapshot(store) == before
        assert [p.name for p in store.path.iterdir() if p.name.startswith(".load-")] == []
        assert not list(store.path.rglob("*.parquet"))  # no part's staging files left behind
    assert not list((tmp_path / "rejects").glob("*"))


def test_a_part_reader_that_is_killed_leaves_the_graph_no_rejects_and_says_so(monkeypatch, tmp_path, forks):
    snapshot = psc_snapshot(tmp_path / "in", 2_000)
    read_apart(monkeypatch, True, parts=2)
    read_file = loading._read_file

    def killed_midway(results, frep, report, rejects, sink, *rest):
        def rows():  # the reader of the second part dies as the kernel kills a process out of memory
            for n, row in enumerate(results):
                if n == 500 and sink.prefix == "part2.":
                    os.kill(os.getpid(), signal.SIGKILL)
                yield row
        read_file(rows(), frep, report, rejects, sink, *rest)
    monkeypatch.setattr(loading, "_read_file", killed_midway)
    with EmbeddedStore(tmp_path / "graph") as store:
        before = graph_snapshot(store)
        with pytest.raises(GraphkitError, match="reading part 2 of psc-snapshot.txt was killed by signal 9 .*"
                                                "nothing was written .*GRAPHKIT_READ_PARTS=1"):
            load_files(store, [snapshot], "uk-psc", on_error="skip", rejects_dir=tmp_path / "rejects")
        assert graph_snapshot(store) == before
        assert not list(store.path.rglob("*.parquet"))
    assert not list((tmp_path / "rejects").glob("*"))  # the part's rejects (statements) too


def test_the_rows_a_part_reader_has_read_are_passed_on_while_it_reads(monkeypatch):
    monkeypatch.setattr(loading._PartRows, "EVERY", 10)
    passed: list[int] = []
    rows = loading._PartRows(1, passed.append)
    pid = os.fork()
    if pid == 0:  # the child reading the second part: 35 rows, counted in memory both processes see
        count = rows.counter(0)
        for _ in range(35):
            count(1)
        os._exit(0)
    os.waitpid(pid, 0)
    for _ in range(10):  # the reading process's own rows: at the tenth it looks at the child's count
        rows.relaying(1)
    assert passed == [1] * 10 + [30]  # the child's rows so far, counted every 10
    rows.relay(0, 35)  # the child is done: its report says 35 rows
    assert sum(passed) == 45


def test_only_json_lines_xml_and_csv_files_read_apart_are_read_in_parts(monkeypatch, tmp_path, real):
    snapshot = psc_snapshot(tmp_path / "in", 300)
    mapping = loading.load_mapping("uk-psc")
    monkeypatch.delenv("GRAPHKIT_READ_PARTS", raising=False)
    assert len(apart.spans([(snapshot, mapping)]) or []) == apart.READ_PARTS
    monkeypatch.setenv("GRAPHKIT_READ_PARTS", "1")
    assert apart.spans([(snapshot, mapping)]) is None
    monkeypatch.setenv("GRAPHKIT_READ_PARTS", "2")
    array = tmp_path / "psc-array.json"  # one JSON array: no line is a record of its own
    array.write_text("[" + ",".join(snapshot.read_text(encoding="utf-8").splitlines()) + "]", encoding="utf-8")
    assert apart.spans([(array, mapping)]) is None
    assert apart.spans([(snapshot, mapping), (snapshot, mapping)]) is None
    lei = real / "gleif" / "lei-data.xml"
    assert len(apart.spans(loading.load_mapping("gleif-lei").files_for([lei])) or []) == 2
    customs = loading.load_mapping("kz-import-agg")
    monthly = real / "customs_trade" / "kz_import_monthly_agg.csv"
    assert len(apart.spans([(monthly, customs)]) or []) == 2
    customs.encoding = "utf-16"  # a CSV file whose delimiters are not single bytes
    assert apart.spans([(monthly, customs)]) is None
    # an XML file written on one line: no record starts a line after the first
    one_line = tmp_path / "lei-one-line.xml"
    one_line.write_text(" ".join(lei.read_text(encoding="utf-8").split()), encoding="utf-8")
    assert apart.spans(loading.load_mapping("gleif-lei").files_for([one_line])) is None


@pytest.mark.parametrize("parts", [2, 3])
def test_real_customs_files_read_in_parts_at_once_load_as_read_in_one_go(monkeypatch, tmp_path, forks, real, parts):
    for mapping, name in (("kz-import-agg", "kz_import_monthly_agg.csv"), ("ru-export-agg", "ru_export_monthly_agg.csv")):
        path = real / "customs_trade" / name
        read_apart(monkeypatch, True, parts)
        spans = apart.spans([(path, loading.load_mapping(mapping))])
        assert spans and len(spans) == parts
        text = path.read_bytes()
        assert all(span.first_line == 1 + text[:span.start].count(b"\n") and text[span.start - 1:span.start] == b"\n"
                   for span in spans[1:])
        here = same_in_parts_as_in_one(monkeypatch, tmp_path / name, forks, [path], mapping, parts, batch_rows=50)
        assert here["rows"] == len(text.splitlines()) - 1 and here["graph"]["Company"]


def test_a_csv_file_is_cut_only_where_a_row_starts(monkeypatch, tmp_path, forks, real):
    # a quoted description holding line breaks across the middle of the file, and an unquoted
    # cell with a stray quote (a screen size in inches) before it: counting quotes would cut
    # inside the description
    lines = (real / "customs_trade" / "kz_import_monthly_agg.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    middle = len(rows) // 2
    cells = rows[middle].split(",")
    cells[3] = '"DRONE, QUADCOPTER\n' + "\n".join(f"PART {i}: \"\"ROTOR\"\", FRAME" for i in range(2000)) + '"'
    rows[middle] = ",".join(cells)
    stray = rows[middle - 3].split(",")
    stray[3] = 'MONITOR 27" LCD'
    rows[middle - 3] = ",".join(stray)
    path = tmp_path / "kz-import-agg.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    text = path.read_bytes()
    read_apart(monkeypatch, True, 2)
    (first, second) = apart.spans([(path, loading.load_mapping("kz-import-agg"))]) or []
    described = text.index(b'"DRONE, QUADCOPTER')
    assert second.start > text.index(b'FRAME",', described) and second.start > len(text) // 2
    assert text[second.start - 1:second.start] == b"\n" and second.first_line == 1 + text[:second.start].count(b"\n")
    here = same_in_parts_as_in_one(monkeypatch, tmp_path, forks, [path], "kz-import-agg", 2)
    assert here["rows"] == len(rows)


def test_a_bad_cell_in_a_later_part_of_a_csv_file_is_named_as_in_one_part_and_leaves_the_graph(monkeypatch, tmp_path,
                                                                                                forks, real):
    monthly = real / "customs_trade" / "kz_import_monthly_agg.csv"
    lines = monthly.read_text(encoding="utf-8").splitlines()
    cells = lines[900].split(",")  # line 901, in the second part
    lines[900] = ",".join(cells[:4]) + ',"12,5 tenge",' + ",".join(cells[5:])
    bad = tmp_path / "kz-import-agg.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read_apart(monkeypatch, True, 2)
    (_, second) = apart.spans([(bad, loading.load_mapping("kz-import-agg"))]) or []
    assert second.first_line < 901
    said = []
    for parts in (1, 2):
        read_apart(monkeypatch, True, parts)
        with EmbeddedStore(tmp_path / f"graph{parts}") as store:
            load_files(store, [real / "customs_trade" / "ru_import_monthly_agg.csv"], "ru-import-agg")
            before = graph_snapshot(store)
            forks.clear()
            with pytest.raises(InvalidData) as raised:
                load_files(store, [bad], "kz-import-agg")
            assert graph_snapshot(store) == before
        assert len(forks) == 1  # the reading process (it forks the second part's reader itself)
        said.append([(p.file, p.line, p.column) for p in raised.value.problems])
        assert str(raised.value).startswith("kz-import-agg.csv, line 901, column 'SUMOFVALUE_IN_FOREIGN_CURRENCY': "
                                            "'12,5 tenge' is not a number")
    assert said[0] == said[1] == [("kz-import-agg.csv", 901, "SUMOFVALUE_IN_FOREIGN_CURRENCY")]


def gleif_file(folder: Path, records: int) -> Path:
    gleif(folder, records / GLEIF_LEI)
    return folder / "lei2-golden-copy.xml"


@pytest.mark.parametrize("parts", [2, 3])
def test_real_gleif_files_read_in_parts_at_once_load_as_read_in_one_go(monkeypatch, tmp_path, forks, real, parts):
    # LEI records with a header before them and namespaces declared on each record; relationship
    # records; reporting exceptions
    for mapping, name, end in (("gleif-lei", "lei-data.xml", b"</lei:LEIRecord>"),
                               ("gleif-rr", "rr-data.xml", b"</rr:RelationshipRecord>"),
                               ("gleif-rr", "repex-data.xml", b"</repex:Exception>")):
        path = real / "gleif" / name
        read_apart(monkeypatch, True, parts)
        spans = apart.spans(loading.load_mapping(mapping).files_for([path]))
        assert spans and len(spans) == parts
        text = path.read_bytes()
        for span in spans[1:]:  # each part after the first starts on a line opening a record
            assert text[span.start:].startswith(b"<" + end[2:-1] + b" ")
            assert span.first_line == 1 + text[:span.start].count(b"\n")
        here = same_in_parts_as_in_one(monkeypatch, tmp_path / name, forks, [path], mapping, parts, batch_rows=7)
        assert here["graph"]["Company"] and here["rows"] == text.count(end) >= 5


def test_a_malformed_record_in_a_later_part_is_named_by_its_line_and_column_in_the_file(monkeypatch, tmp_path, forks):
    path = gleif_file(tmp_path / "in", 400)
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = max(i for i, line in enumerate(lines) if "<lei:City>" in line)  # in the last record
    lines[broken] = lines[broken].replace("</lei:City>", "</lei:Town>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    said = []
    for parts in (1, 2):
        read_apart(monkeypatch, True, parts)
        with EmbeddedStore(tmp_path / f"graph{parts}") as store:
            with pytest.raises(InvalidData) as raised:
                load_files(store, [path], "gleif-lei")
            assert graph_snapshot(store)["Company"] == []
        said.append(str(raised.value))
    assert said[0] == said[1]
    assert said[0].startswith(f"lei2-golden-copy.xml, line {broken + 1}: malformed XML at column "
                              f"{lines[broken].index('</lei:Town>') + 3}: mismatched tag")


def test_records_commented_out_where_the_file_is_cut_are_not_read(monkeypatch, tmp_path, forks):
    path = gleif_file(tmp_path / "in", 300)
    text = path.read_text(encoding="utf-8")
    middle = text.index("<lei:LEIRecord>", len(text) // 2 - 2000)
    end = text.index("</lei:LEIRecord>", len(text) // 2 + 2000) + len("</lei:LEIRecord>")
    path.write_text(text[:middle] + "<!-- withdrawn:\n" + text[middle:end] + "\n-->" + text[end:], encoding="utf-8")
    read_apart(monkeypatch, True, 2)
    spans = apart.spans(loading.load_mapping("gleif-lei").files_for([path]))
    assert spans and len(spans) == 2 and spans[1].start > end
    here = same_in_parts_as_in_one(monkeypatch, tmp_path, forks, [path], "gleif-lei", 2)
    assert here["rows"] == 300 - text[middle:end].count("<lei:LEIRecord>")


def test_an_element_of_the_records_name_inside_a_record_where_the_file_is_cut_stops_the_load(monkeypatch, tmp_path,
                                                                                              forks):
    path = gleif_file(tmp_path / "in", 300)
    text = path.read_text(encoding="utf-8")
    at = text.index("<lei:Registration>", len(text) // 2)  # a nested <lei:LEIRecord> on a line of its own
    path.write_text(text[:at] + "<lei:Extension>\n<lei:LEIRecord>x</lei:LEIRecord>\n</lei:Extension>"
                    + text[at:], encoding="utf-8")
    read_apart(monkeypatch, True, 2)
    monkeypatch.setattr(apart, "_cut_at", lambda size, k, parts: len(text[:at].encode()))  # the cut falls there
    with EmbeddedStore(tmp_path / "graph") as store:
        with pytest.raises(InvalidData, match=r"still open where the file was cut into parts .*GRAPHKIT_READ_PARTS=1"):
            load_files(store, [path], "gleif-lei")
        assert graph_snapshot(store)["Company"] == []
    read_apart(monkeypatch, True, 1)
    with EmbeddedStore(tmp_path / "graph") as store:
        assert load_files(store, [path], "gleif-lei").files[0].rows_loaded == 300


def test_an_icij_bundle_read_apart_links_by_the_sources_ids_as_read_in_place(monkeypatch, tmp_path, forks, real):
    apart_load, here = load_both_ways(monkeypatch, tmp_path, forks, icij_bundle(real), "icij")
    assert apart_load.pop("reading processes") == 1 and here.pop("reading processes") == 0
    assert apart_load == here
    assert any(f[6] for f in here["files"])  # relationships found their ends by ICIJ's node ids


def test_bad_input_read_apart_names_file_line_and_column_and_leaves_the_graph(monkeypatch, tmp_path, forks):
    snapshot = psc_snapshot(tmp_path / "in", 500)
    lines = snapshot.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[9])
    del record["company_number"]
    lines[9] = json.dumps(record)
    bad = tmp_path / "psc-bad.txt"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read_apart(monkeypatch, True)
    with EmbeddedStore(tmp_path / "graph") as store:
        load_files(store, [psc_snapshot(tmp_path / "first", 200)], "uk-psc", on_error="skip")
        before = graph_snapshot(store)
        with pytest.raises(InvalidData) as raised:
            load_files(store, [bad], "uk-psc")
        assert len(forks) == 2
        assert {(p.file, p.line, p.column) for p in raised.value.problems} == {("psc-bad.txt", 10, "company_number")}
        assert str(raised.value).startswith("psc-bad.txt, line 10, column 'company_number': required value missing")
        assert graph_snapshot(store) == before
        assert [p.name for p in store.path.iterdir() if p.name.startswith(".load-")] == []
    assert not list(tmp_path.glob("psc-bad.txt.rejects*"))


def test_a_reading_process_that_is_killed_leaves_the_graph_and_says_so(monkeypatch, tmp_path, forks):
    snapshot = psc_snapshot(tmp_path / "in", 300)
    read_apart(monkeypatch, True)
    with EmbeddedStore(tmp_path / "graph") as store:
        load_files(store, [psc_snapshot(tmp_path / "first", 200)], "uk-psc", on_error="skip")
        before = graph_snapshot(store)
        # the reading process dies as the kernel kills a process out of memory: without a word
        monkeypatch.setattr(loading, "_count_numbers", lambda *a: os.kill(os.getpid(), signal.SIGKILL))
        with pytest.raises(GraphkitError, match="reading the load was killed by signal 9 .*nothing was written"):
            load_files(store, [snapshot], "uk-psc", on_error="skip")
        assert graph_snapshot(store) == before


def test_an_unexpected_error_while_reading_apart_reaches_the_caller_with_its_traceback(monkeypatch, tmp_path, forks):
    snapshot = psc_snapshot(tmp_path / "in", 300)
    read_apart(monkeypatch, True)

    def broken(*args):
        raise ZeroDivisionError("a bug in a reader")
    monkeypatch.setattr(loading, "_count_numbers", broken)
    with EmbeddedStore(tmp_path / "graph") as store:
        with pytest.raises(ZeroDivisionError, match="a bug in a reader") as raised:
            load_files(store, [snapshot], "uk-psc", on_error="skip")
        assert "in the process reading the load" in raised.value.__notes__[0]
        assert "broken" in raised.value.__notes__[0]
        assert graph_snapshot(store)["Company"] == []


def test_an_interrupted_load_stops_its_reading_process(monkeypatch, tmp_path, forks):
    snapshot = psc_snapshot(tmp_path / "in", 25_000)
    read_apart(monkeypatch, True)

    def interrupt(rows: int) -> None:  # Ctrl-C at the first progress the reading process reports
        raise KeyboardInterrupt
    with EmbeddedStore(tmp_path / "graph") as store:
        with pytest.raises(KeyboardInterrupt):
            load_files(store, [snapshot], "uk-psc", progress=interrupt)
        assert graph_snapshot(store)["Company"] == []
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):  # killed and reaped: no reader left behind
        os.waitpid(forks[0], os.WNOHANG)


def test_small_inputs_and_chunked_loads_are_read_in_place(monkeypatch, tmp_path):
    snapshot = psc_snapshot(tmp_path / "in", 300)
    with EmbeddedStore(tmp_path / "graph") as store, store.load() as sink:
        monkeypatch.delenv("GRAPHKIT_READ_APART_MB", raising=False)
        assert not apart.wanted([snapshot], sink)  # some 200 kB: below READ_APART_MB
        monkeypatch.setenv("GRAPHKIT_READ_APART_MB", "0")
        assert apart.wanted([snapshot], sink)
        sink.chunk_records = 1_000  # a chunked load writes while it reads
        assert not apart.wanted([snapshot], sink)
        sink.chunk_records = 0
