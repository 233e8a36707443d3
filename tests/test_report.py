"""Network reports: the graphs behind them, the page (parsed, never snapshotted) and the
``viz`` and ``path`` commands, on a small case with a hostile firm name."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from cases import KZ_EXPORT_COLUMNS

from graphkit.link.links import Clusters, find_links
from graphkit.load import load_files
from graphkit.report import Report, network_report, path_report, render
from graphkit.report.graph import (
    aggregate_shipments,
    centrality,
    chpl_tiers,
    components,
    compose,
    links_to_graph,
    neighbourhood,
    paths,
)
from graphkit.report.html import safe_json
from graphkit.resolve import resolve
from graphkit.store.embedded import EmbeddedStore

HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_ADDRESS = "\"><svg onload=alert(2)> ул. Ленина, 1"
DALA = "kz-bin:220400000111"
VETER = "ru-inn:7700000101"
EVIL = "ru-inn:7700000303"

RU = (
    "record_id,company_name,jurisdiction,inn,address,address_country,holder_kind,holder_name,"
    "holder_birth_date,role,share_pct,role_start,role_end\n"
    "RU1,ООО «Северный ветер»,ru,7700000101,,,person,Ветров Антон Павлович,1979-09-09,founder,100,"
    "2019-05-01,2021-12-15\n"
    f"RU3,{HOSTILE},ru,7700000303,\"{HOSTILE_ADDRESS.replace(chr(34), chr(34) * 2)}\",ru,person,"
    "Ветров Антон Павлович,1979-09-09,director,,2020-01-01,\n"
)
KZ = (
    "record_id,company_name,company_name_en,jurisdiction,bin,holder_kind,holder_name,holder_birth_date,"
    "role,role_start\n"
    "KZ1,ТОО «Дала Транс»,Dala Trans LLP,kz,220400000111,person,Ветров Антон Павлович,1979-09-09,"
    "director,2022-04-20\n"
)
SANCTIONS = {"id": "sanctioned-evil", "schema": "Company",
             "properties": {"name": [HOSTILE], "innCode": ["7700000303"], "topics": ["sanction"],
                            "country": ["ru"]}}


def export_line(record: str, date: str, hs: str, value: str) -> dict[str, str]:
    row = dict.fromkeys(KZ_EXPORT_COLUMNS, "NULL")
    row.update(RECORD_ID=record, DECLARATION_NUMBER=f"50000/{record}", REGISTRATION_DATE=date,
               EXPORTER_CODE="220400000111", EXPORTER_NAME="ТОО ДАЛА ТРАНС", BUYER_NAME="ООО СЕВЕРНЫЙ ВЕТЕР",
               BUYER_NAME_EN="OOO SEVERNYI VETER", COUNTRY_ISO_CODE_2="RU", HS_CODE=hs,
               PRODUCT_DESCRIPTION_EN="UNMANNED AIRCRAFT" if hs.startswith("8806") else "PROCESSORS",
               CUSTOMS_VALUE_USD=value, QUANTITY="10", UNIT_OF_QUANTITY="PCE", TO_COUNTRY_NAME_EN="RUSSIAN FEDERATION")
    return row


def build_case(store: EmbeddedStore, tmp_path: Path) -> EmbeddedStore:
    """Two registries, a customs export file and a sanctions entry; then resolution. Ветров
    directs the Kazakh firm and the hostile-named one and founded Северный ветер (former);
    the Kazakh firm shipped drones (E1, E2) and processors on the CHPL (E3) to it."""
    (tmp_path / "ru.csv").write_text(RU, encoding="utf-8")
    (tmp_path / "kz.csv").write_text(KZ, encoding="utf-8")
    with (tmp_path / "kz_export.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, KZ_EXPORT_COLUMNS)
        w.writeheader()
        w.writerow(export_line("E1", "2022-06-01", "8806221000", "1000"))
        w.writerow(export_line("E2", "2022-09-01", "8806221000", "2000"))
        w.writerow(export_line("E3", "2023-02-01", "8542310000", "500"))
    (tmp_path / "sanctions.json").write_text(json.dumps(SANCTIONS, ensure_ascii=False) + "\n", encoding="utf-8")
    load_files(store, [tmp_path / "ru.csv"], "registry", dataset="ru-registry")
    load_files(store, [tmp_path / "kz.csv"], "registry", dataset="kz-registry")
    load_files(store, [tmp_path / "kz_export.csv"], "kz-export")
    load_files(store, [tmp_path / "sanctions.json"], "ftm", dataset="test-sanctions")
    resolve(store)
    return store


@pytest.fixture
def case(store, tmp_path: Path):
    return build_case(store, tmp_path)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """The case in a graph directory, closed, for the CLI."""
    path = tmp_path / "graph"
    with EmbeddedStore(path) as s:
        build_case(s, tmp_path)
    return path


class Page(HTMLParser):
    """Every element, attribute, text and script/style body of a page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in:
            self.raw[self._in].append(data)
        else:
            self.text.append(data)

    def by_id(self, element_id: str) -> str:
        return next(a for a in self.attrs if a[1] == "id" and a[2] == element_id)[0]


# ---- graphs -----------------------------------------------------------------------------------

def test_links_to_graph_keeps_roles_dates_resolution_and_sources(case):
    links = find_links(case, "Dala Trans")
    g = links_to_graph(links, Clusters.load(case))
    assert {VETER, EVIL, DALA} <= set(g)
    labels = {d["label"] for _, d in g.nodes(data=True)}
    assert labels == {"Company", "Person", "Shipment"}
    by_type: dict[str, list[dict]] = {}
    for _, _, d in g.edges(data=True):
        by_type.setdefault(d["type"], []).append(d)
    founder = next(d for d in by_type["OWNS"] if d["role"] == "founder")
    assert (founder["status"], founder["start_date"], founder["end_date"], founder["share"]) == (
        "former", "2019-05-01", "2021-12-15", 100.0)
    assert founder["sources"] == [{"dataset": "ru-registry", "file": "ru.csv", "record": "RU1"}]
    assert founder["kinds"] == ["shared_officer"] and "owns 100 % of B (the source's role: \"founder\") — former, 2019-05-01 to 2021-12-15" in founder["evidence"][0]
    director = next(d for d in by_type["OFFICER_OF"] if d["sources"][0]["record"] == "KZ1")
    assert director["status"] == "current" and director["end_date"] is None
    assert all(s["score"] == 1.0 and s["judgement"] == "auto" for s in by_type["SAME_AS"])
    assert len(by_type["SHIPPED"]) == len(by_type["SHIPPED_TO"]) == 3
    chpl = [d for _, d in g.nodes(data=True) if d["label"] == "Shipment" and "chpl" in d["flags"]]
    assert [(d["hs6"], d["chpl_tier"]) for d in chpl] == [("854231", "1")]
    for _, _, d in g.edges(data=True):
        assert d["type"] == "SAME_AS" or d["sources"], d


def test_neighbourhood_grows_by_hops_and_keeps_provenance(case):
    one = neighbourhood(case, DALA, hops=1)
    assert {d["label"] for n, d in one.nodes(data=True) if n != DALA} == {"Person", "Shipment"}
    two = neighbourhood(case, DALA, hops=2)
    buyer = next(n for n in two if n.startswith("kz-customs-export:company:"))  # the name-only buyer
    assert two.nodes[buyer]["name"] == "ООО СЕВЕРНЫЙ ВЕТЕР"
    assert VETER not in two
    three = neighbourhood(case, DALA, hops=3)
    assert {VETER, EVIL} <= set(three)
    assert three.nodes[EVIL]["name"] == HOSTILE and "sanctioned" in three.nodes[EVIL]["flags"]
    assert {"dataset": "ru-registry", "file": "ru.csv", "record": "RU3"} in three.nodes[EVIL]["sources"]
    assert three.nodes[DALA]["last_loaded"]
    for _, _, d in three.edges(data=True):
        assert d["sources"] and d["sources"][0]["dataset"], d
    capped = neighbourhood(case, DALA, hops=3, max_nodes=2)
    assert "cut after 1 hop(s) of 3" in capped.graph["notes"][0]
    with pytest.raises(ValueError):
        neighbourhood(case, DALA, hops=4)


def test_compose_draws_each_fact_once_on_the_record_it_comes_from(case):
    links = find_links(case, "Dala Trans")
    g = compose(neighbourhood(case, DALA, hops=3), links_to_graph(links, Clusters.load(case)))
    buyer = next(n for n in g if n.startswith("kz-customs-export:company:"))
    shipped_to = [(u, v) for u, v, d in g.edges(data=True) if d["type"] == "SHIPPED_TO"]
    assert len(shipped_to) == 3 and {v for _, v in shipped_to} == {buyer}  # not moved to the firm it resolves to
    assert all(d.get("kinds") == ["shipment"] for _, _, d in g.edges(data=True) if d["type"] == "SHIPPED_TO")
    assert sum(1 for _, _, d in g.edges(data=True) if d["type"] == "OWNS") == 1
    same_as = [(u, v) for u, v, d in g.edges(data=True) if d["type"] == "SAME_AS"]
    assert len(same_as) == len(set(map(frozenset, same_as))) == 2  # the buyer, and Ветров
    assert all(d["sources"] for _, _, d in g.edges(data=True))


def test_paths_follow_people_and_resolutions_and_respect_judgements(case):
    result = paths(case, DALA, EVIL, max_hops=4)
    assert len(result.paths) == 1
    p = result.paths[0]
    assert p[0] == DALA and p[-1] == EVIL and len(p) == 4  # firm - person = person - firm
    text = result.describe(p)
    assert text.startswith("ТОО «Дала Транс» (kz) <-[director 2022-04-20 to present]- Ветров Антон Павлович")
    assert "-[same as, score 1.00]-" in text and text.endswith(f"-[director 2020-01-01 to present]-> {HOSTILE} (ru)")
    assert [len(step) for step in result.steps(p)] == [1, 1, 1]
    assert paths(case, DALA, EVIL, max_hops=2).paths == []
    to_veter = paths(case, DALA, VETER, max_hops=4)
    assert len(to_veter.paths) == 4  # three customs lines to the resolved buyer, and Ветров
    case._execute("MATCH ()-[s:SAME_AS]->() SET s.judgement = 'rejected'")
    assert paths(case, DALA, EVIL, max_hops=6).paths == []  # a rejected resolution is no tie


def test_centrality_components_and_aggregation(case):
    g = neighbourhood(case, DALA, hops=3)
    sizes = centrality(g)
    assert max(sizes.values()) == 1.0 and set(sizes) == set(g)
    assert [len(c) for c in components(g)] == [g.number_of_nodes()]
    same, none = aggregate_shipments(g, threshold=g.number_of_nodes())
    assert same is g and none is None
    agg, note = aggregate_shipments(g, threshold=3)
    assert note is not None and (note.lines, note.groups) == (3, 2)  # 2022 and 2023
    lines = sorted((d["year"], d["aggregated_lines"], d["value_usd"]) for _, d in agg.nodes(data=True)
                   if d["label"] == "Shipment")
    assert lines == [("2022", 2, 3000.0), ("2023", 1, 500.0)]
    y2022 = next(d for _, d in agg.nodes(data=True) if d.get("year") == "2022")
    assert {s["record"] for s in y2022["sources"]} == {"E1", "E2"}
    assert "3 customs lines are drawn as 2 nodes, one per exporter, importer and year" in note.describe()


def test_chpl_list_comes_from_the_data_file():
    tiers = chpl_tiers()
    assert len(tiers) == 50 and tiers["854231"] == "1" and "880622" not in tiers


# ---- the page ---------------------------------------------------------------------------------

def test_page_shows_hostile_names_as_text_only(case):
    page_text = render(network_report(case, "Dala Trans", hops=3))
    page = Page(page_text)
    assert "img" not in page.tags and "svg" not in page.tags
    assert not [a for a in page.attrs if a[1].startswith("on")]
    assert not [a for a in page.attrs if "alert(" in a[2]]
    # shown as text in the list of links and its evidence
    assert any(HOSTILE in t for t in page.text)
    # the graph's JSON keeps the name, but no markup can start inside the script block
    data = "".join(page.raw["script"][:1])
    assert page.by_id("gk-data") == "script"
    assert "<" not in data and ">" not in data and "&" not in data
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in data
    nodes = json.loads(data)["nodes"]
    evil = next(n for n in nodes if n["id"] == EVIL)
    assert evil["label"].startswith(HOSTILE) and "title" not in evil  # tooltips are built with textContent
    assert evil["detail"]["heading"] == HOSTILE
    assert {"eval(", "innerHTML", "new Function", "document.write"}.isdisjoint("".join(page.raw["script"][2:]))


def test_safe_json_escapes_what_could_end_a_script_or_a_line():
    text = safe_json({"x": "</script><!-- & \u2028\u2029"})
    assert text == '{"x":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\\u2029"}'
    assert json.loads(text) == {"x": "</script><!-- & \u2028\u2029"}


def test_page_loads_nothing_from_the_network(case):
    page = Page(render(network_report(case, "Dala Trans")))
    for tag, name, value in page.attrs:
        if name in ("src", "href", "action", "srcset", "poster", "data"):
            pytest.fail(f"<{tag} {name}={value!r}> would load something")
    css = "".join(page.raw["style"]) + "".join(v for _, k, v in page.attrs if k == "style")
    urls = re.findall(r"url\(\s*['\"]?([^'\")]*)", css)
    assert urls and all(u.startswith("data:") for u in urls)  # vis-network's icons are inlined
    assert "@import" not in css
    csp = next(v for _, k, v in page.attrs if k == "content" and "default-src" in v)
    assert "default-src 'none'" in csp
    assert "link" not in page.tags and "iframe" not in page.tags


def test_page_has_title_query_dates_sources_legend_and_evidence(case):
    report = network_report(case, "Dala Trans", hops=2, records=True)
    html_text = render(report)
    page = Page(html_text)
    text = " ".join(page.text)
    assert report.title == "Links of ТОО «Дала Транс» (kz)" and report.title in text
    assert 'find-links "Dala Trans": 2 linked firms, drawn with everything within 2 hops' in text
    assert "the facts drawn are dated 2019-05-01 to 2023-02-01" in text
    for dataset in ("ru-registry", "kz-registry", "kz-customs-export", "test-sanctions"):
        assert dataset in text
    assert "goods on the Common High Priority List (HS-6)" in text and "former role (ended)" in text
    assert "owns 100 % of B (the source's role: \"founder\") — former, 2019-05-01 to 2021-12-15" in text
    nodes = json.loads(page.raw["script"][0])["nodes"]
    def legend_border(meaning: str) -> str:  # the colour the page's legend gives a border
        return re.search(r'border-color:(#[0-9a-fA-F]{6})[^"]*"></span> ' + meaning, html_text).group(1)

    dala = next(n for n in nodes if n["id"] == DALA)
    assert dala["color"]["border"] == legend_border("the firm asked about")
    evil = next(n for n in nodes if n["id"] == EVIL)
    assert evil["color"]["border"] == legend_border("sanctioned") and "SANCTIONED" in evil["label"]
    assert legend_border("sanctioned") != legend_border("the firm asked about")
    edges = json.loads(page.raw["script"][0])["edges"]
    founder = next(e for e in edges if e["label"].startswith("founder"))
    assert founder["dashes"] and founder["label"] == "founder 100% 2019-05-01 to 2021-12-15 (former)"
    assert any(e["label"] == "same as, score 1.00" for e in edges)
    assert founder["detail"]["sources"] == ["ru-registry: ru.csv #RU1"]


def test_aggregation_is_announced_on_the_page(case):
    big = render(network_report(case, "Dala Trans", hops=3, aggregate_above=5, records=True))
    notes = " ".join(Page(big).text)
    assert "customs lines are drawn as 2 nodes, one per exporter, importer and year" in notes
    small = render(network_report(case, "Dala Trans", hops=3, records=True))
    assert 'id="gk-notes"' not in small


def test_report_from_a_bare_graph_renders():
    import networkx as nx

    page = Page(render(Report("Empty", "nothing", nx.MultiDiGraph())))
    assert "No source records." in " ".join(page.text)


def test_path_report_without_a_path_still_shows_both_ends(case):
    report = path_report(case, "Dala Trans", "7700000303", max_hops=2)
    assert report.paths is not None and report.paths.paths == []
    assert set(report.graph) == {DALA, EVIL} and report.graph.nodes[EVIL]["name"] == HOSTILE
    text = " ".join(Page(render(report)).text)
    assert "No path of at most 2 relationships." in text and "no path" in text


# ---- the commands -----------------------------------------------------------------------------

def test_cli_viz_writes_a_report(cli, db: Path, tmp_path: Path):
    out = tmp_path / "report.html"
    r = cli("viz", "Dala Trans", "--db", db, "-o", out, "--hops", "3", "--aggregate-above", "5", "--records")
    assert r.code == 0, r.err
    assert r.out.startswith(f"{out}: 2 linked firm(s);")
    assert "note: The drawing had" in r.out
    assert HOSTILE in " ".join(Page(out.read_text(encoding="utf-8")).text)
    missing = cli("viz", "Nobody Ltd", "--db", db, "-o", out)
    assert missing.code == 1 and missing.err.startswith("graphkit: error: nothing matches 'Nobody Ltd'")
    assert cli("viz", "Dala Trans", "--db", db).code == 2  # -o is required


def test_cli_path_in_every_format(cli, db: Path, tmp_path: Path):
    r = cli("path", "Dala Trans", "7700000303", "--db", db)
    assert r.code == 0, r.err
    assert r.out.startswith("Company: ТОО «Дала Транс»  id=kz-bin:220400000111  (matched on name)")  # the cards
    assert "\n\n1 shortest path(s) of 3 relationship(s) between ТОО «Дала Транс» (kz) and " in r.out
    assert "source: kz-registry:kz.csv#KZ1" in r.out
    one = json.loads(cli("path", "Dala Trans", "7700000303", "--db", db, "--format", "json").out)
    assert one["length"] == 3 and [n["id"] for n in one["nodes"]][::3] == [DALA, EVIL]
    assert [s["type"] for s in one["steps"]] == ["OFFICER_OF", "SAME_AS", "OFFICER_OF"]
    rows = list(csv.DictReader(io.StringIO(cli("path", "Dala Trans", "7700000303", "--db", db,
                                               "--format", "csv").out)))
    assert [r["type"] for r in rows] == ["OFFICER_OF", "SAME_AS", "OFFICER_OF"]
    assert rows[-1]["to_name"] == f"{HOSTILE} (ru)"  # "<" starts no spreadsheet formula: left as it is
    none = cli("path", "Dala Trans", "7700000303", "--db", db, "--max-hops", "2")
    assert none.code == 0 and "\n\nNo path of at most 2 relationships between" in none.out
    out = tmp_path / "paths.html"
    drawn = cli("path", "Dala Trans", "7700000303", "--db", db, "-o", out, "--format", "json")
    assert drawn.code == 0 and json.loads(drawn.out)["length"] == 3  # stdout stays JSON
    page = Page(out.read_text(encoding="utf-8"))
    assert "Shortest paths (1)" in " ".join(page.text)


def test_report_commands_are_registered():
    from graphkit.cli import cli as group

    assert {"viz", "path"} <= set(group.commands)


def test_a_former_director_without_dates_is_former_in_reports_as_in_find_links(store, tmp_path: Path):
    rows = ("record_id,company_name,jurisdiction,inn,holder_kind,holder_name,role,role_start,role_end\n"
            "F1,ООО «Первая»,ru,7700000303,person,Орлов Пётр Ильич,former director,,\n"
            "F2,ООО «Вторая»,ru,7700000404,person,Орлов Пётр Ильич,director,,\n")
    (tmp_path / "f.csv").write_text(rows, encoding="utf-8")
    load_files(store, [tmp_path / "f.csv"], "registry", dataset="ru-registry")
    g = neighbourhood(store, "ru-inn:7700000303", hops=1)
    (role,) = [d for _, _, d in g.edges(data=True) if d["type"] == "OFFICER_OF"]
    assert (role["role"], role["status"]) == ("former director", "former")
    # a role with no dates that the source does not call former has no status to show
    g = neighbourhood(store, "ru-inn:7700000404", hops=1)
    (role,) = [d for _, _, d in g.edges(data=True) if d["type"] == "OFFICER_OF"]
    assert role["status"] is None


def test_nodes_by_id_lists_what_the_model_says_a_report_shows():
    from graphkit.model import get_model
    from graphkit.queries import cypher_dir, nodes_by_id_text

    text = (cypher_dir() / "nodes_by_id.cypher").read_text(encoding="utf-8")
    assert text == nodes_by_id_text(), "run `python -m graphkit.queries` after editing model.yml"
    for node in get_model().nodes.values():
        for prop in (node.caption, *node.facts):
            assert f"n.{prop} AS {prop}" in text


def test_the_side_panel_names_each_number_by_its_scheme(case):
    """One row per registry number, titled with the short name model.yml gives its scheme."""
    page = Page(render(network_report(case, "Dala Trans")))
    nodes = json.loads(page.raw["script"][0])["nodes"]
    rows = {n["id"]: n["detail"]["rows"] for n in nodes}
    assert ["BIN", "220400000111"] in rows[DALA]
    assert ["INN", "7700000303"] in rows[EVIL]
    assert not any(title == "registry ids" for r in rows.values() for title, _ in r)
