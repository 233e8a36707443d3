"""The report page in a real browser: headless Chromium driven by Selenium, with every network
request blocked. The page must draw without a console error, show the expected names, keep a
hostile firm name inert (no alert, no element created from it) and make no request at all.

Needs Debian's ``chromium`` and ``chromium-driver`` (``apt-get install chromium
chromium-driver``) and ``selenium`` (the ``dev`` extra). Without them these tests skip on a
developer's machine and fail in CI. The screenshot lands in ``test-artifacts/report.png``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from test_report import DALA, EVIL, HOSTILE, VETER, build_case

from graphkit.report import network_report, write
from graphkit.report.html import find_chromium

pytestmark = pytest.mark.browser

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
BLOCKED = ["http://*", "https://*", "ws://*", "wss://*", "ftp://*"]


def _missing(what: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} missing: CI must install chromium and chromium-driver (.ci/run) and the dev extra")
    pytest.skip(f"{what} missing: apt-get install chromium chromium-driver (and pip install -e '.[dev]') "
                "enables the browser tests")


@pytest.fixture(scope="module")
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium")
    chromium, chromedriver = find_chromium(), shutil.which("chromedriver")
    if not chromium or not chromedriver:
        _missing("chromium" if not chromium else "chromedriver")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-extensions", "--no-first-run",
                # no way out: a proxy that refuses every connection, and no name resolves
                "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
                "--window-size=1600,1200"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(chromedriver))
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": BLOCKED})
    yield driver
    driver.quit()


@pytest.fixture
def report_page(store, tmp_path: Path) -> Path:
    build_case(store, tmp_path)
    return write(network_report(store, "Dala Trans", hops=3, records=True), tmp_path / "report.html")


def _open(browser, page: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get_log("browser")  # drop what earlier tests left
    browser.get_log("performance")
    browser.get(page.as_uri())
    WebDriverWait(browser, 60).until(lambda d: d.execute_script(
        "return document.documentElement.getAttribute('data-gk-stabilised')") == "true")


def _click_node(browser, node_id: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    x, y, w, h = browser.execute_script("""
        var r = window.graphkitReport, id = arguments[0];
        var p = r.network.canvasToDOM(r.network.getPositions([id])[id]);
        var box = document.getElementById('gk-network').getBoundingClientRect();
        return [p.x, p.y, box.width, box.height];""", node_id)
    container = browser.find_element(By.ID, "gk-network")
    ActionChains(browser).move_to_element_with_offset(container, int(x - w / 2), int(y - h / 2)).click().perform()


def test_report_draws_offline_and_keeps_hostile_names_inert(browser, report_page: Path):
    from selenium.common.exceptions import NoAlertPresentException

    _open(browser, report_page)
    # the drawing: the expected firms and people, read from vis-network's DataSet
    labels = browser.execute_script("return window.graphkitReport.nodes.get().map(function (n) { return n.label; })")
    names = {label.split("\n")[0] for label in labels}
    assert {"ТОО «Дала Транс»", "ООО «Северный ветер»", "Ветров Антон Павлович", HOSTILE} <= names
    ids = set(browser.execute_script("return window.graphkitReport.nodes.getIds()"))
    assert {DALA, VETER, EVIL} <= ids
    assert browser.execute_script("return window.graphkitReport.edges.length") >= 10
    # physics stabilised, then switched off
    assert browser.execute_script("return window.graphkitReport.network.physics.options.enabled") is False

    # the hostile name: text in the side panel and in the tooltip, never markup
    _click_node(browser, EVIL)
    assert browser.execute_script("return document.querySelector('#gk-detail h2').textContent") == HOSTILE
    assert "&lt;img src=x onerror=alert(1)&gt;" in browser.execute_script(
        "return document.querySelector('#gk-detail h2').innerHTML")
    tooltip = browser.execute_script("""
        var t = document.querySelector('div.vis-tooltip');
        return t ? t.textContent : window.graphkitReport.nodes.get(arguments[0]).title.textContent;""", EVIL)
    assert HOSTILE in tooltip
    assert browser.execute_script("return document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    try:
        alert = browser.switch_to.alert
        pytest.fail(f"the page opened an alert: {alert.text!r}")
    except NoAlertPresentException:
        pass
    # clicking a firm lists the source record of each fact about it
    _click_node(browser, DALA)
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#gk-detail li')).map(function (li) { return li.textContent; })")
    assert "kz-registry: kz.csv #KZ1" in rows

    ARTIFACTS.mkdir(exist_ok=True)
    browser.execute_script("""window.graphkitReport.network.unselectAll();
        document.querySelectorAll('div.vis-tooltip').forEach(function (t) { t.style.visibility = 'hidden'; });""")
    browser.save_screenshot(str(ARTIFACTS / "report.png"))

    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    requests = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    assert requests and all(u.startswith(("file:", "data:")) for u in requests), requests


def test_viz_png_export(cli, store, tmp_path: Path, browser):
    build_case(store, tmp_path)
    store.close()
    out, png = tmp_path / "r.html", tmp_path / "r.png"
    r = cli("viz", "Dala Trans", "--db", tmp_path / "graph", "-o", out, "--png", png)
    assert r.code == 0, r.err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


_MEASURE = """
var r = window.graphkitReport, ids = r.nodes.getIds(), scale = r.network.getScale();
var boxes = ids.map(function (id) { return r.network.getBoundingBox(id); });
var overlaps = 0, pairs = 0;
for (var i = 0; i < boxes.length; i++) {
  for (var j = i + 1; j < boxes.length; j++) {
    var a = boxes[i], b = boxes[j];
    pairs += 1;
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) { overlaps += 1; }
  }
}
var sizes = ids.map(function (id) { return r.network.body.nodes[id].options.font.size * scale; });
var labelled = r.nodes.get().filter(function (n) { return n.label && n.label.length; }).length;
var box = document.getElementById('gk-network').getBoundingClientRect();
var inside = ids.filter(function (id) {
  var p = r.network.canvasToDOM(r.network.getPositions([id])[id]);
  return p.x >= 0 && p.x <= box.width && p.y >= 0 && p.y <= box.height; }).length;
return {nodes: ids.length, edges: r.edges.length, labelled: labelled, min_font: Math.min.apply(null, sizes),
        overlaps: overlaps, pairs: pairs, inside: inside, width: window.innerWidth};
"""


def _measure(browser, page: Path, shot: str) -> dict:
    _open(browser, page)
    m = browser.execute_script(_MEASURE)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / shot))
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    return m


def test_demo_picture_reads_at_a4(browser, tmp_path: Path):
    from graphkit.demo import load_demo
    from graphkit.store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "graph")
    load_demo(store)
    page = write(network_report(store, "Aspan Arba"), tmp_path / "aspan.html")
    store.close()
    m = _measure(browser, page, "picture-demo.png")
    assert m["width"] == 1600
    assert 5 <= m["nodes"] <= 15 and m["edges"] <= 30
    assert m["labelled"] == m["nodes"] == m["inside"]  # every node named, and on screen
    assert m["min_font"] >= 12
    assert m["overlaps"] <= 0.02 * m["pairs"], m


def test_cst_picture_reads_at_a4(browser, real: Path, tmp_path: Path):
    from graphkit.load import load_files
    from graphkit.store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "graph")
    load_files(store, [real / "ftm_opensanctions" / "yente_zala_entities.ftm.json"], "ftm",
               rejects_dir=tmp_path)
    report = network_report(store, "LLC CST")
    page = write(report, tmp_path / "cst.html")
    store.close()
    assert not any(d["label"] == "Sanction" for _, d in report.graph.nodes(data=True))
    m = _measure(browser, page, "picture-cst.png")
    assert m["nodes"] <= 40 and m["labelled"] == m["nodes"] == m["inside"]
    assert m["min_font"] >= 12
    assert m["overlaps"] <= 0.02 * m["pairs"], m
