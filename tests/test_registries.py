"""The registries investigators download: ICIJ Offshore Leaks, UK Companies House (PSC snapshot
and BasicCompanyData), GLEIF Level 1 and Level 2. The real samples in ../shared/data/real load
in place with every record accounted for, on both stores, and find-links answers on them; the
ICIJ files not among the samples are small fixtures written to ICIJ's headers (tests/data/icij)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from graphkit.errors import InvalidData, MappingError
from graphkit.link.links import find_links, screen
from graphkit.load import load_files
from graphkit.load.nested import PathRow
from graphkit.load.values import person_or_company

ICIJ_FIXTURES = Path(__file__).parent / "data" / "icij"
ICIJ_FILES = ["nodes-entities.csv", "nodes-officers.csv", "nodes-others.csv", "nodes-addresses.csv",
              "relationships.csv"]


def accounted(report) -> None:
    """Every record read was loaded, skipped with a reason or rejected: none vanished."""
    for f in report.files:
        assert f.rows_read == f.rows_loaded + f.rows_skipped + f.rows_rejected, f
        assert sum(f.skipped_reasons.values()) == f.rows_skipped, f


def icij_bundle(real: Path) -> list[Path]:
    """The fixtures plus ICIJ's real intermediaries table, listed out of order on purpose."""
    return [ICIJ_FIXTURES / "relationships.csv", real / "icij_offshoreleaks" / "nodes-intermediaries.csv",
            *(ICIJ_FIXTURES / f for f in ICIJ_FILES[:-1])]


def kinds_between(links, a_name: str, b_name: str) -> set[str]:
    for link in links:
        if {link.a.name, link.b.name} == {a_name, b_name}:
            return set(link.kinds)
    return set()


# ---- ICIJ Offshore Leaks -------------------------------------------------------------------

@pytest.mark.neo4j
def test_icij_bundle_loads_and_links_on_both_stores(any_store, real, tmp_path):
    report = load_files(any_store, icij_bundle(real), "icij", rejects_dir=tmp_path)
    accounted(report)
    assert [f.file for f in report.files] == ["nodes-entities.csv", "nodes-officers.csv",
                                              "nodes-intermediaries.csv", "nodes-addresses.csv",
                                              "nodes-others.csv", "relationships.csv"]
    by_file = {f.file: f for f in report.files}
    nameless = "no name, so neither a person nor a firm can be told"
    intermediaries = by_file["nodes-intermediaries.csv"]  # ICIJ's real table: one has no name
    assert (intermediaries.rows_loaded, dict(intermediaries.skipped_reasons)) == (26_767, {nameless: 1})
    rels = by_file["relationships.csv"]
    assert (rels.rows_read, rels.rows_loaded, rels.rows_rejected, rels.rows_skipped) == (13, 10, 0, 3)
    assert dict(rels.linked or {}) == {"OWNS": 4, "OFFICER_OF": 2, "REGISTERED_AT": 2, "SAME_AS": 2}
    assert dict(rels.skipped_reasons) == {"a SAME_AS cannot go from Person to Company": 1,
                                          "relationship type not in the graph model: connected_to": 1,
                                          f"names a record that was skipped ({nameless})": 1}
    counts = any_store.counts()
    assert counts.relationships["OWNS"] == 4 and counts.relationships["SAME_AS"] == 2
    same = any_store._execute("MATCH (a)-[s:SAME_AS]->(b) RETURN a.name AS a, b.name AS b, s.judgement AS j, "
                             "s.method AS m ORDER BY a.name")
    assert same == [{"a": "IVANOVA, ELENA", "b": "ELENA IVANOVA", "j": "pending", "m": "icij:same_name_as"},
                    {"a": "NORTHWIND NOMINEES LIMITED", "b": "NORTHWIND NOMINEES LTD", "j": "pending",
                     "m": "icij:same_company_as"}]
    links = find_links(any_store, "BLUE HERON HOLDINGS LIMITED")
    assert kinds_between(links, "BLUE HERON HOLDINGS LIMITED", "RED KITE VENTURES S.A.") == {
        "shared_officer", "common_owner", "shared_address"}
    # the real intermediary CORFIDUCIA ANSTALT (node 11000002) is linked by relationships.csv
    assert kinds_between(links, "BLUE HERON HOLDINGS LIMITED", "CORFIDUCIA ANSTALT") == {"direct_control"}
    # ICIJ's own similarity edges wait for review: they never join records for find-links
    assert not any("resolution" in (ev.via or {}) for link in links for ev in link.evidence)


def test_icij_entity_fields_and_dates(store, real, tmp_path):
    load_files(store, icij_bundle(real), "icij", rejects_dir=tmp_path)
    row = store._execute("MATCH (c:Company) WHERE c.name = 'BLUE HERON HOLDINGS LIMITED' RETURN c.country AS country, "
                        "c.jurisdiction AS j, c.previous_names AS prev, c.incorporation_date AS inc, "
                        "c.status AS status, c.records AS records")[0]
    assert (row["country"], row["j"], row["prev"], row["status"]) == ("vg", "BVI", ["BLUE HERON TRADING LIMITED"],
                                                                      "Defaulted")
    assert str(row["inc"]) == "2006-03-23"
    assert row["records"] == ["icij-offshoreleaks|nodes-entities.csv|10000001"]
    owns = store._execute("MATCH (p:Person)-[o:OWNS]->(c:Company) RETURN p.name AS p, o.role AS role, "
                         "o.start_date AS start")
    assert [(r["p"], r["role"], str(r["start"])) for r in owns] == [("IVANOVA, ELENA", "shareholder", "2006-03-23")]


@pytest.mark.parametrize("name, kind", [
    ("DAVID, RONALD", "person"), ("MICHAEL PAPAGEORGE, MR.", "person"), ("IVANOVA, ELENA", "person"),
    ("CORFIDUCIA ANSTALT", "company"), ("TRUSTCO LABUAN SDN BHD", "company"), ("THE BEARER", "company"),
    ("FIGEST CONSEIL S.A.", "company"), ("MED ENERGY S.A.L.", "company"), ("THE LEVANT LAWYERS (TLL)", "company"),
])
def test_icij_officers_are_people_or_firms_by_their_names(name, kind):
    assert person_or_company(name) == kind


def test_icij_intermediaries_are_split_into_people_and_firms(store, real, tmp_path):
    report = load_files(store, [real / "icij_offshoreleaks" / "nodes-intermediaries.csv"], "icij",
                        rejects_dir=tmp_path)
    accounted(report)
    assert (report.rows_read, report.rows_loaded, report.rows_skipped) == (26_768, 26_767, 1)
    counts = store.counts().nodes
    assert counts["Person"] + counts["Company"] == 26_767
    assert counts["Person"] > 10_000 and counts["Company"] > 10_000
    firm = store._execute("MATCH (c:Company) WHERE c.name = 'CORFIDUCIA ANSTALT' RETURN c.country AS c")
    assert firm == [{"c": "li"}]


@pytest.mark.parametrize("file, rows", [("Addresses_small.csv", 999), ("Addresses_medium.csv", 9_999)])
def test_old_format_icij_address_files_load(store, real, file, rows, tmp_path):
    report = load_files(store, [real / "icij_offshoreleaks" / file], "icij", rejects_dir=tmp_path)
    accounted(report)
    assert (report.rows_read, report.rows_loaded) == (rows, rows)
    assert 0 < store.counts().nodes["Address"] <= rows  # one node per distinct address text


def test_the_8_row_intermediaries_cut_with_an_index_column_loads(store, real, tmp_path):
    report = load_files(store, [real / "icij_offshoreleaks" / "nodes-intermediaries_subset.csv"], "icij",
                        rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded) == (8, 8)


def test_a_dangling_relationship_id_is_named_with_file_line_and_id(store, tmp_path, real):
    folder = tmp_path / "bundle"
    folder.mkdir()
    for f in ICIJ_FILES:
        shutil.copy(ICIJ_FIXTURES / f, folder / f)
    with (folder / "relationships.csv").open("a", encoding="utf-8") as fh:
        fh.write("12000001,99999999,officer_of,director of,,,,Panama Papers\n")
    before = store.counts()
    with pytest.raises(InvalidData) as exc:
        load_files(store, [folder], "icij")
    assert [str(p) for p in exc.value.problems] == [  # 11000002 is in the intermediaries, not given here
        "relationships.csv, line 7, column 'node_id_start': dangling reference: no node with id '11000002' was "
        "read from the node files loaded before this file",
        "relationships.csv, line 15, column 'node_id_end': dangling reference: no node with id '99999999' was "
        "read from the node files loaded before this file"]
    assert store.counts() == before


def test_a_relationship_file_alone_has_nothing_to_link_to(store):
    with pytest.raises(InvalidData) as exc:
        load_files(store, [ICIJ_FIXTURES / "relationships.csv"], "icij")
    assert "dangling reference" in str(exc.value) and "relationships.csv, line 2" in str(exc.value)


def test_a_file_the_mapping_does_not_name_is_refused(store, tmp_path):
    stray = tmp_path / "notes.csv"
    stray.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(MappingError, match="notes.csv: not a file mapping icij reads"):
        load_files(store, [stray], "icij")


def test_load_a_folder_from_the_command_line(cli, tmp_path):
    db = tmp_path / "graph"
    run = cli("load", ICIJ_FIXTURES, "--mapping", "icij", "--db", db, "--on-error", "skip",
              "--rejects-dir", tmp_path / "rejects")
    # without the intermediaries file, CORFIDUCIA ANSTALT (11000002) is a dangling reference
    assert run.code == 0, run.err
    assert "relationships.csv: 13 read, 9 loaded, 1 rejected, 3 skipped" in run.out
    assert "linked by the source's node ids: OFFICER_OF 1, OWNS 4, REGISTERED_AT 2, SAME_AS 2" in run.out
    rejects = (tmp_path / "rejects" / "relationships.csv.rejects.csv").read_text(encoding="utf-8")
    assert "dangling reference: no node with id '11000002'" in rejects


# ---- UK Companies House --------------------------------------------------------------------

PSC_LINE = ('{{"company_number":"{company}","data":{{"kind":"individual-person-with-significant-control",'
            '"name":"Ms Jane Example","name_elements":{{"forename":"Jane","surname":"Example","title":"Ms"}},'
            '"date_of_birth":{{"month":3,"year":1970}},"nationality":"British","country_of_residence":"England",'
            '"address":{{"premises":"1","address_line_1":"High Street","locality":"Leeds","postal_code":"LS1 1AA"}},'
            '"natures_of_control":["ownership-of-shares-{share}-percent"],"notified_on":"2016-04-06",'
            '"links":{{"self":"/company/{company}/persons-with-significant-control/individual/{company}x"}}}}}}')


@pytest.mark.neo4j
def test_uk_psc_and_company_samples_load_and_meet_on_both_stores(any_store, real, tmp_path):
    ch = real / "uk_companies_house"
    psc = load_files(any_store, [ch], "uk-psc", rejects_dir=tmp_path)
    accounted(psc)
    assert len(psc.files) == 16
    assert (psc.rows_read, psc.rows_loaded, psc.rows_rejected, psc.rows_skipped) == (35, 17, 0, 18)
    reasons: dict[str, int] = {}
    for f in psc.files:
        for reason, n in f.skipped_reasons.items():
            reasons[reason] = reasons.get(reason, 0) + n
    assert reasons == {
        "the snapshot's totals record (totals#persons-of-significant-control-snapshot)": 16,
        "a PSC statement, not a person (persons-with-significant-control-statement)": 1,
        "a super-secure PSC: Companies House withholds the details (super-secure-person-with-significant-control)": 1}
    companies = load_files(any_store, [ch / "company-data-1.json"], "uk-companies")
    accounted(companies)
    # the PSC record's company 08209948 and the company record are one node
    row = any_store._execute("MATCH (p:Person)-[o:OWNS]->(c:Company) WHERE c.id = 'gb-coh:08209948' "
                            "RETURN c.name AS name, c.status AS status, c.incorporation_date AS inc, "
                            "p.name AS psc, p.birth_month AS born, o.share_min AS lo, o.share_max AS hi, "
                            "o.start_date AS start")
    assert len(row) == 1
    r = row[0]
    assert (r["name"], r["status"], str(r["inc"]), r["psc"], r["born"], r["lo"], r["hi"], str(r["start"])) == (
        "! LTD", "Active", "2012-09-11", "Mr Marc Anthony Feldman", "1961-12", 75.0, 100.0, "2021-12-13")
    # a corporate PSC registered in the UK joins its company; one registered in the US keeps its own scheme
    ids = {r["name"]: r["id"] for r in any_store._execute(
        "MATCH (c:Company)-[:OWNS]->(:Company) RETURN c.name AS name, c.id AS id")}
    assert ids["Robert Hitchins Limited"] == "gb-coh:00686734"
    assert ids["Clientlogic Holding Limited"] == "gb-coh:03530981"
    us = any_store._execute("MATCH (c:Company) WHERE c.name = 'St. Paul Fire & Marine Insurance Company' "
                           "RETURN c.id AS id, c.registry_ids AS ids")[0]
    assert us["ids"] == ["reg:us:41-0406690"] and not us["id"].startswith("gb-coh:")
    assert find_links(any_store, "gb-coh:08209948") == []  # answers: the firm is found, nothing links it


def test_a_person_controlling_two_firms_links_them(store, tmp_path):
    snapshot = tmp_path / "psc-snapshot-2024.txt"
    snapshot.write_text(PSC_LINE.format(company="00000001", share="75-to-100") + "\n"
                        + PSC_LINE.format(company="00000002", share="25-to-50") + "\n", encoding="utf-8")
    report = load_files(store, [snapshot], "uk-psc")
    assert report.rows_loaded == 2
    (link,) = find_links(store, "gb-coh:00000001")
    assert link.kinds == ["common_owner"] and {link.a.id, link.b.id} == {"gb-coh:00000001", "gb-coh:00000002"}
    assert store.counts().nodes["Person"] == 1


def test_a_hard_wrapped_companies_house_csv_is_a_wrong_header(store, real):
    with pytest.raises(InvalidData) as exc:
        load_files(store, [real / "uk_companies_house" / "basic-company-data-1.csv"], "uk-companies")
    assert str(exc.value.problems[0]) == (
        "basic-company-data-1.csv, line 1, column 'RegAddr': not a column of mapping uk-companies but the start "
        "of one: is the header cut off or wrapped onto several lines?")
    assert store.counts().nodes["Company"] == 0


def test_basic_company_data_csv_with_previous_names(store, tmp_path):
    header = ("CompanyName, CompanyNumber,RegAddress.CareOf,RegAddress.POBox,RegAddress.AddressLine1, "
              "RegAddress.AddressLine2,RegAddress.PostTown,RegAddress.County,RegAddress.Country,RegAddress.PostCode,"
              "CompanyCategory,CompanyStatus,CountryOfOrigin,DissolutionDate,IncorporationDate,SICCode.SicText_1,"
              "PreviousName_1.CONDATE, PreviousName_1.CompanyName")
    row = ('"EXAMPLE WIDGETS LTD","01234567","","","1 HIGH STREET","","LEEDS","","ENGLAND","LS1 1AA",'
           '"Private Limited Company","Dissolved","United Kingdom","01/02/2020","11/09/2012",'
           '"99999 - Dormant Company","03/03/2015","OLD WIDGETS LTD"')
    src = tmp_path / "BasicCompanyData-2024-12-01-part1_7.csv"
    src.write_text(header + "\n" + row + "\n", encoding="utf-8")
    load_files(store, [src], "uk-companies")
    r = store._execute("MATCH (c:Company)-[:REGISTERED_AT]->(a:Address) RETURN c.id AS id, c.previous_names AS prev, "
                      "c.dissolution_date AS gone, c.country AS country, a.full AS address")[0]
    assert (r["id"], r["prev"], str(r["gone"]), r["country"], r["address"]) == (
        "gb-coh:01234567", ["OLD WIDGETS LTD"], "2020-02-01", "gb", "1 HIGH STREET, LEEDS, LS1 1AA, ENGLAND")


def test_a_truncated_json_array_is_refused_with_its_line(store, real, tmp_path):
    text = (real / "uk_companies_house" / "psc-data-8.json").read_text(encoding="utf-8")
    cut = tmp_path / "psc-data-cut.json"
    cut.write_text(text[: text.index('"company_number": "07880581"') + 40], encoding="utf-8")
    with pytest.raises(InvalidData) as exc:
        load_files(store, [cut], "uk-psc")
    line = text[: text.index('"company_number": "07880581"')].count("\n")  # the record's "{" line
    assert str(exc.value) == (f"psc-data-cut.json, line {line}: the JSON array is cut off: the record starting "
                              "on this line is unfinished at the end of the file")
    assert store.counts().nodes["Company"] == 0


def test_a_json_array_with_a_broken_record_names_its_line(store, tmp_path):
    bad = tmp_path / "psc-bad.json"
    bad.write_text('[\n{"company_number": "1", "data": {"kind": "x"}},\n{"company_number": "2", "data": }\n]\n',
                   encoding="utf-8")
    with pytest.raises(InvalidData, match=r"psc-bad.json, line 3: not valid JSON \(Expecting value\)"):
        load_files(store, [bad], "uk-psc")


# ---- GLEIF ---------------------------------------------------------------------------------

@pytest.mark.neo4j
def test_gleif_level_1_and_2_load_and_link_on_both_stores(any_store, real, tmp_path):
    gleif = real / "gleif"
    lei = load_files(any_store, [gleif], "gleif-lei", rejects_dir=tmp_path)
    accounted(lei)
    assert [(f.file, f.rows_loaded) for f in lei.files] == [("lei-data.xml", 13), ("lei-updates-data2.xml", 12)]
    rr = load_files(any_store, [gleif], "gleif-rr", rejects_dir=tmp_path)
    accounted(rr)
    assert [(f.file, f.rows_read, f.rows_loaded) for f in rr.files] == [
        ("rr-data.xml", 10, 10), ("rr-updates-data2.xml", 11, 11), ("repex-data.xml", 10, 10)]
    counts = any_store.counts()
    assert counts.relationships["OWNS"] + counts.relationships["OFFICER_OF"] == 21
    # parents outside the loaded Level 1 records: firms known by their LEI alone, without a name
    bare = any_store._execute("MATCH (c:Company) WHERE c.name IS NULL RETURN c.id AS id, c.records AS records "
                             "ORDER BY c.id")
    assert len(bare) == 14 and all(r["id"].startswith("lei:") for r in bare)
    assert not any("|lei-" in rec for r in bare for rec in r["records"])  # only Level 2 files name them
    fund = any_store._execute("MATCH (m:Company)-[o:OFFICER_OF]->(f:Company) WHERE f.id = 'lei:001GPB6A9XPE8XJICC14' "
                             "RETURN m.id AS m, o.role AS role, o.start_date AS start, o.status AS status ORDER BY m.id")
    assert [(r["m"], r["role"], str(r["start"]), r["status"]) for r in fund] == [
        ("lei:5493001Z012YSB2A0K51", "fund manager", "2012-11-29", "ACTIVE"),
        ("lei:C7J4FOV6ELAVE39B7M82", "umbrella fund", "2012-11-29", "ACTIVE")]
    exc = any_store._execute("MATCH (c:Company) WHERE c.id = 'lei:004L5FPTUREIWK9T2N63' "
                            "RETURN c.name AS n, c.reporting_exceptions AS r")
    assert exc == [{"n": "Hutchin Hill Capital, LP", "r": ["DIRECT_ACCOUNTING_CONSOLIDATION_PARENT: NON_CONSOLIDATING"]}]
    uk = any_store._execute("MATCH (c:Company) WHERE c.id = 'lei:213800FERQ5LE3H7WJ58' "
                           "RETURN c.registry_ids AS ids, c.previous_names AS prev")[0]
    assert uk["ids"] == ["gb-coh:01403668", "lei:213800FERQ5LE3H7WJ58"]
    assert uk["prev"] == ["DENTSU AEGIS NETWORK LTD.", "AEGIS GROUP PLC"]
    # two subsidiaries of one parent: a common owner, with the parent's role and dates
    links = find_links(any_store, "MONOOVA GLOBAL PAYMENTS PTY LTD")
    assert "common_owner" in kinds_between(links, "MONOOVA GLOBAL PAYMENTS PTY LTD", "MONOOVA FX PTY LTD")
    assert screen(any_store)


def test_a_malformed_xml_record_is_refused_with_line_and_column(store, real, tmp_path):
    text = (real / "gleif" / "lei-data.xml").read_text(encoding="utf-8")
    broken = tmp_path / "lei-broken.xml"
    broken.write_text(text.replace("</lei:LegalName>", "</lei:LegalNam>", 2), encoding="utf-8")
    with pytest.raises(InvalidData) as exc:
        load_files(store, [broken], "gleif-lei")
    first = text.index("</lei:LegalName>")
    line = text[:first].count("\n") + 1
    record_line = text[:text.index("<lei:LEIRecord ")].count("\n") + 1  # where its start tag opens
    assert str(exc.value).startswith(f"lei-broken.xml, line {line}: malformed XML at column ")
    assert str(exc.value).endswith(f"mismatched tag (in the record starting at line {record_line})")
    assert store.counts().nodes["Company"] == 0


def test_an_xml_record_without_its_id_is_rejected_alone(store, real, tmp_path):
    text = (real / "gleif" / "lei-data.xml").read_text(encoding="utf-8")
    first = text.index("<lei:LEI>")
    bad = tmp_path / "lei-missing.xml"
    bad.write_text(text[:first] + text[text.index("</lei:LEI>", first) + len("</lei:LEI>"):], encoding="utf-8")
    report = load_files(store, [bad], "gleif-lei", on_error="skip", rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (13, 12, 1)
    rejected = [json.loads(line) for line in (tmp_path / "lei-missing.xml.rejects.jsonl").read_text().splitlines()]
    assert rejected[0]["line"] == text[:first].count("\n") - 2 and rejected[0]["reason"].endswith("[LEI]")


def test_an_xml_file_without_the_mapping_records(store, tmp_path):
    other = tmp_path / "lei-other.xml"
    other.write_text('<?xml version="1.0"?><root><x/></root>\n', encoding="utf-8")
    with pytest.raises(InvalidData, match=r"lei-other.xml: no <lei:LEIRecord> records in the file"):
        load_files(store, [other], "gleif-lei")


# ---- paths into nested records -------------------------------------------------------------

def test_paths_follow_lists_filters_and_keys_with_dots():
    record = {"data": {"name_elements": {"surname": "Feldman"}, "natures": ["a", "b"]},
              "RegAddress.PostTown": "HARROGATE",
              "Periods": {"Period": [{"Type": "ACCOUNTING", "Start": "2020"}, {"Type": "RELATIONSHIP", "Start": "2014"}]},
              "Names": {"Name": [{"@type": "PREVIOUS", "#text": "Old"}, {"@type": "TRADING", "#text": "Shop"}]}}
    row = PathRow(["data.name_elements.surname", "data.natures", "RegAddress.PostTown",
                   "Periods.Period[Type=RELATIONSHIP].Start", "Names.Name[@type=PREVIOUS]", "data.missing"]
                  ).flatten(record)
    assert row == {"data.name_elements.surname": "Feldman", "data.natures": "a\x1fb",
                   "RegAddress.PostTown": "HARROGATE", "Periods.Period[Type=RELATIONSHIP].Start": "2014",
                   "Names.Name[@type=PREVIOUS]": "Old", "data.missing": None}


def test_mappings_lists_the_registries_with_their_files(cli):
    out = cli("mappings").out
    for name in ("icij", "uk-psc", "uk-companies", "gleif-lei", "gleif-rr"):
        assert f"\n{name} " in "\n" + out
    assert "reads nodes-entities*.csv (CSV)" in out
    assert "reads relationships*.csv (CSV)" in out
    assert "reads rr*.xml, *-rr-*.xml (XML <rr:RelationshipRecord> records)" in out


@pytest.mark.parametrize("number, country, place, authority, expected", [
    ("00686734", "England & Wales", "Companies House Cardiff", None, "gb-coh:00686734"),
    ("686734", "England And Wales", None, None, "gb-coh:00686734"),
    ("SC123456", "Scotland", None, None, "gb-coh:SC123456"),
    ("41-0406690", "Minnesota, Usa", "Connecticut", None, "reg:us:41-0406690"),
    ("ABN 123", "New South Wales, Australia", None, None, "reg:au:ABN 123"),
    ("00686734", None, None, None, None),  # no country: no scheme we could name
    (None, "England", None, None, None),
])
def test_registration_numbers_get_the_scheme_of_their_register(number, country, place, authority, expected):
    from graphkit.identifiers import registration_id

    assert registration_id(number, country, place, authority) == expected


@pytest.mark.parametrize("layout", ["icij", "psc", "gleif"])
def test_the_benchmark_files_load_with_every_record_accounted_for(store, tmp_path, layout):
    from graphkit.synth import registries as registries_synth

    registries_synth.LAYOUTS[layout](tmp_path / "in", 0.0002)
    for mapping in registries_synth.MAPPINGS[layout]:
        report = load_files(store, [tmp_path / "in"], mapping, rejects_dir=tmp_path / "rejects")
        accounted(report)
        assert report.rows_rejected == 0 and report.rows_loaded > 0


def test_a_failed_strict_load_leaves_no_rejects_file(store, tmp_path):
    folder = tmp_path / "bundle"
    folder.mkdir()
    for f in ICIJ_FILES:
        shutil.copy(ICIJ_FIXTURES / f, folder / f)
    rels = (ICIJ_FIXTURES / "relationships.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    rels = [line for line in rels if "11000002" not in line]  # the intermediary is not in this folder
    rels.append("12000001,10000003,officer_of,director of,,31-FOO-2010,,Panama Papers\n")
    (folder / "relationships.csv").write_text("".join(rels), encoding="utf-8")
    with pytest.raises(InvalidData, match=r"relationships.csv, line 14, column 'start_date': '31-FOO-2010' is not a date"):
        load_files(store, [folder], "icij")
    assert sorted(p.name for p in folder.iterdir()) == sorted(ICIJ_FILES)  # skipped rows were not kept either
    report = load_files(store, [folder], "icij", on_error="skip")
    assert report.files[-1].rejects_path == str(folder / "relationships.csv.rejects.csv")
    lines = (folder / "relationships.csv.rejects.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("_line,_column,_reason,node_id_start")
    assert len(lines) == 1 + 4  # three skipped, one rejected, in file order
    assert not list(folder.glob("*.part"))


def test_icij_candidates_wait_in_the_review_queue_until_a_person_decides(cli, real, tmp_path):
    db, book = tmp_path / "g", tmp_path / "j.jsonl"
    assert cli("load", *icij_bundle(real), "--mapping", "icij", "--db", db, "--rejects-dir", tmp_path).code == 0
    queue = [json.loads(x) for x in cli("review", "--db", db, "--judgements", book, "--format", "json").out.splitlines()]
    pairs = {frozenset((p["a_name"], p["b_name"])): p for g in queue for p in g["pairs"]}
    nominees = pairs[frozenset(("NORTHWIND NOMINEES LIMITED", "NORTHWIND NOMINEES LTD"))]
    assert nominees["score"] is None and "-" in cli("review", "--db", db, "--judgements", book).out
    r = cli("review", "--db", db, "--judgements", book, "--accept", nominees["a_id"], nominees["b_id"])
    assert r.code == 0, r.err
    after = [json.loads(x) for x in cli("review", "--db", db, "--judgements", book, "--format", "json").out.splitlines()]
    assert not any({p["a_id"], p["b_id"]} == {nominees["a_id"], nominees["b_id"]} for g in after for p in g["pairs"])
    members = [{m["name"] for m in c["members"]}
               for c in map(json.loads, cli("clusters", "--db", db, "--format", "json").out.splitlines())]
    assert {"NORTHWIND NOMINEES LIMITED", "NORTHWIND NOMINEES LTD"} in members
