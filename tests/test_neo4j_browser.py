"""Neo4j Browser, end to end: headless Chromium (Selenium) opens the Browser 5.24 the session's
Neo4j serves at /browser/, connects through its connect form, sets ``$name`` with ``:param``, runs
cypher/browser_find_links.cypher for Aspan Arba and reads the drawing and the table; then plays
the graphkit guide (graphkit.server.browser_guide) from localhost and runs the same query from it.

Needs Debian's ``chromium`` and ``chromium-driver``, ``selenium`` (the ``dev`` extra) and a Neo4j
(see tests/conftest.py: Java 17 and Maven, or NEO4J_URI + NEO4J_PASSWORD + NEO4J_HTTP_URL).
Without them these tests skip on a developer's machine and fail in CI. Chromium resolves no host
but 127.0.0.1 and localhost, so the Browser's calls home (fonts, analytics) fail fast and offline.
The screenshot lands in ``test-artifacts/neo4j-browser.png``.
"""

from __future__ import annotations

import html.parser
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from graphkit.demo import load_demo
from graphkit.errors import StoreError
from graphkit.queries import Query, get_query, library
from graphkit.report.html import find_chromium
from graphkit.server.browser_guide import (
    EXAMPLES,
    PLACEHOLDER,
    example,
    guide_html,
    param_lines,
    query_body,
    serve_guide,
    writes,
)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
NEBESNAYA = "ООО «Небесная механика»"  # Nebesnaya Mekhanika's registry record
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-dev-shm-usage", "--window-size=1600,1200",
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost")
WAIT = 90  # seconds; the Browser's first load parses a 15 MB bundle


def _missing(what: str, how: str) -> None:
    if IN_CI:
        pytest.fail(f"{what} missing: CI must provide it ({how})")
    pytest.skip(f"{what} missing: {how} enables the Neo4j Browser tests")


# ---- the guide as HTML (no browser, no server) ----------------------------------------------


class _Guide(html.parser.HTMLParser):
    """Slides as the Browser splits them: the text of each <slide>, its runnable blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.slides: list[dict[str, Any]] = []
        self._pre: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "slide":
            self.slides.append({"title": "", "runnable": [], "text": ""})
        elif tag == "pre" and "runnable" in (dict(attrs).get("class") or "").split():
            self._pre = []
        if any(name.startswith("on") for name, _ in attrs) or tag == "script":
            raise AssertionError(f"active content in the guide: <{tag} {attrs}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self._pre is not None:
            self.slides[-1]["runnable"].append("".join(self._pre))
            self._pre = None

    def handle_data(self, data: str) -> None:
        if self._pre is not None:
            self._pre.append(data)
        if self.slides:
            self.slides[-1]["text"] += data
            if not self.slides[-1]["title"] and data.strip():
                self.slides[-1]["title"] = data.strip()


def test_guide_has_a_slide_per_query_with_its_params_and_text():
    guide = _Guide()
    guide.feed(guide_html())
    titles = [s["title"] for s in guide.slides]
    assert titles[0] == "graphkit query library"
    assert titles[1:5] == ["browser_find_links", "browser_trade_summary", "same_as", "same_as_all"]
    # every query that reads has its slide; one that writes (same_as_delete_among) is run by graphkit only
    assert sorted(titles[1:]) == sorted(n for n, q in library().items() if not writes(q))
    assert "same_as_delete_among" not in titles and writes(library()["same_as_delete_among"])
    for slide in guide.slides[1:]:
        q = library()[slide["title"]]
        assert q.summary in slide["text"]
        assert slide["runnable"] == param_lines(q) + [query_body(q)]  # unescaped: what runs is the file
    find = guide.slides[1]["runnable"]
    assert find[0] == ":param name => 'Aspan Arba'"
    assert find[1].startswith("WITH trim($name) AS given\n")  # the body, without the header


def test_guide_escapes_text():
    hostile = Query("x", "// <img src=x onerror=alert(1)>\nRETURN $ids", "<b>bold</b> & more", {"ids": "<i>"})
    text = guide_html({"x": hostile})
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in text and "<b>" not in text and "<img" not in text
    _Guide().feed(text)  # no on* attribute, no script


def test_guide_has_an_example_value_for_every_parameter():
    q = Query("q", "RETURN $a, $b, $ids, $nope", "q", {
        "a": 'a firm id, e.g. "ru-inn:7707083893"', "b": "names, e.g. ['A', 'B'] or others",
        "ids": "firms", "nope": "no example anywhere"})
    assert param_lines(q) == [':param a => "ru-inn:7707083893"', ":param b => ['A', 'B']",
                              f":param ids => {EXAMPLES['ids']}", f":param nope => {PLACEHOLDER}"]
    no_example = [f"cypher/{q.name}.cypher ${p}" for q in library().values() for p in q.params
                  if example(q, p) == PLACEHOLDER]
    assert not no_example, ("give these an example ('e.g. value' in the // :param line, or "
                            f"graphkit.server.browser_guide.EXAMPLES): {no_example}")


def test_browser_doc_covers_every_query():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "neo4j-browser.md").read_text(encoding="utf-8")
    missing = [name for name, q in library().items()
               if (f"| `{name}` |" if q.params else f"`{name}`") not in doc]
    assert not missing, f"docs/neo4j-browser.md does not say how to run: {missing}"


def test_guide_is_served_with_cors_for_the_browser():
    import urllib.request

    with serve_guide() as url:
        assert url.startswith("http://localhost:") and url.endswith("/graphkit.html")
        with urllib.request.urlopen(url.replace("localhost", "127.0.0.1"), timeout=10) as r:
            assert r.headers["Access-Control-Allow-Origin"] == "*"
            assert r.headers["Content-Type"] == "text/html; charset=utf-8"
            assert "browser_find_links" in r.read().decode("utf-8")
        preflight = urllib.request.Request(url.replace("localhost", "127.0.0.1"), method="OPTIONS",
                                           headers={"Origin": "http://127.0.0.1:7474",
                                                    "Access-Control-Request-Headers": "pragma,cache-control"})
        with urllib.request.urlopen(preflight, timeout=10) as r:
            assert r.status == 204 and r.headers["Access-Control-Allow-Headers"] == "pragma,cache-control"


# ---- the query on the stores -----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_neo4j(neo4j_server):
    """The session's Neo4j, emptied, with the demo loaded; yields the server."""
    from graphkit.store.neo4j import Neo4jStore

    with Neo4jStore(neo4j_server.bolt_uri, password=neo4j_server.password) as store:
        store._execute("MATCH (n) DETACH DELETE n")
        load_demo(store)
    return neo4j_server


@pytest.mark.neo4j
def test_browser_query_draws_aspan_arbas_links_on_neo4j(demo_neo4j):
    from graphkit.store.neo4j import Neo4jStore

    with Neo4jStore(demo_neo4j.bolt_uri, password=demo_neo4j.password) as store:
        rows = store.run("browser_find_links", name="Aspan Arba")
        assert {r["kind"] for r in rows} == {"same_as", "shared_officer", "common_owner", "shipment"}
        assert {NEBESNAYA, "Nebesnaya Mekhanica LLC", "DJI EUROPE B.V."} <= {r["linked"] for r in rows}
        assert {r["firm"] for r in rows} == {"ТОО «Аспан Арба»", "Aspan Arba", "ASPAN ARBA LLP"}
        # the Cyrillic spelling, any case, finds the same; a path is a path
        assert len(store.run("browser_find_links", name=" аспан АРБА ")) == len(rows)
        assert all(hasattr(r["path"], "relationships") for r in rows)
        assert store.run("browser_find_links", name="no such firm") == []


def test_browser_query_is_neo4j_only_as_its_header_says(store):
    load_demo(store, resolve=False)
    assert "Neo4j only" in get_query("browser_find_links").text
    with pytest.raises(StoreError, match="browser_find_links"):
        store.run("browser_find_links", name="Aspan Arba")


# ---- Neo4j Browser in headless Chromium ------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    """A headless Chromium under Selenium; skips (fails in CI) when one is missing."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium", "pip install -e '.[dev]'")
    binary, chromedriver = find_chromium(), shutil.which("chromedriver")
    if not binary or not chromedriver:
        _missing("chromium" if not binary else "chromedriver", "apt-get install chromium chromium-driver")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for arg in CHROMIUM_FLAGS:
        opts.add_argument(arg)
    driver = webdriver.Chrome(options=opts, service=Service(chromedriver))
    try:
        yield driver
    finally:
        driver.quit()


class NeoBrowser:
    """Neo4j Browser in the page, driven through its own controls (data-testid attributes)."""

    def __init__(self, driver: Any):
        from selenium.webdriver.common.by import By

        self.driver = driver
        self.by = By

    def wait(self, condition: Any, what: str, timeout: float = WAIT) -> Any:
        from selenium.common.exceptions import TimeoutException
        from selenium.webdriver.support.ui import WebDriverWait

        try:
            return WebDriverWait(self.driver, timeout).until(condition)
        except TimeoutException:
            body = self.driver.find_element(self.by.TAG_NAME, "body").text[:1500]
            raise AssertionError(f"Neo4j Browser: no {what} within {timeout} s; the page shows:\n{body}") from None

    def find(self, selector: str, within: Any = None) -> Any:
        return (within or self.driver).find_element(self.by.CSS_SELECTOR, selector)

    def click(self, selector: str, within: Any, what: str) -> None:
        """Click an element once the page shows it (the guide drawer slides in: a click before
        its animation ends is refused as 'not interactable')."""
        from selenium.common.exceptions import ElementNotInteractableException

        element = self.wait(lambda d: next((e for e in self.find_all(selector, within)
                                            if e.is_displayed() and e.is_enabled()), None), what)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        try:
            element.click()
        except ElementNotInteractableException:  # still moving: the same click, sent by the page
            self.driver.execute_script("arguments[0].click();", element)

    def find_all(self, selector: str, within: Any = None) -> list[Any]:
        return (within or self.driver).find_elements(self.by.CSS_SELECTOR, selector)

    def connect(self, browser_url: str, bolt_uri: str, password: str) -> None:
        """Fill the connect form (:server connect) as a user would and wait until connected."""
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support import expected_conditions as ec

        scheme, address = bolt_uri.split("://", 1)
        self.driver.get(browser_url)
        self.wait(ec.element_to_be_clickable((self.by.CSS_SELECTOR, "[data-testid=boltaddress]")),
                  "connect form")
        self.find("[data-testid=bolt-scheme-select]").send_keys(scheme[0])  # picks bolt:// or neo4j://
        assert self.find("[data-testid=bolt-scheme-select]").get_attribute("value") == f"{scheme}://"
        url = self.find("[data-testid=boltaddress]")
        url.send_keys(Keys.CONTROL, "a")
        url.send_keys(address)
        self.find("[data-testid=username]").send_keys("neo4j")
        self.find("[data-testid=password]").send_keys(password)
        self.find("[data-testid=connect]").click()
        self.wait(lambda d: f"to {bolt_uri}" in d.find_element(self.by.TAG_NAME, "body").text,
                  f"'Connected to Neo4j … to {bolt_uri}'")

    def latest_frame(self) -> Any:
        frames = self.find_all("[data-testid=frame]")
        return frames[0] if frames else None

    def new_frame_after(self, action: Any) -> Any:
        """Do ``action`` and return the result frame it adds on top of the stream."""
        before = self.latest_frame()
        action()
        self.wait(lambda d: (f := self.latest_frame()) is not None and f != before, "new result frame")
        return self.latest_frame()

    def enter(self, text: str) -> None:
        """Type ``text`` into the editor (as one input, like a paste) and press Run."""
        self.find("[data-testid=activeEditor]").click()
        self.driver.execute_cdp_cmd("Input.insertText", {"text": text})
        self.find("[data-testid=editor-Run]").click()

    def run(self, text: str) -> Any:
        """``enter(text)``, then the result frame it adds."""
        return self.new_frame_after(lambda: self.enter(text))

    def cypher_result(self, frame: Any) -> Any:
        """Wait for a Cypher frame to finish; fail with the Browser's message if it shows an error."""
        done = "[data-testid=frame-loaded-contents], [data-testid=cypherFrameErrorMessage]"
        self.wait(lambda d: self.find_all(done, frame), "query result")
        errors = self.find_all("[data-testid=cypherFrameErrorMessage]", frame)
        assert not errors, f"the query failed in Neo4j Browser: {errors[0].text}"
        return frame

    def graph_captions(self, frame: Any) -> list[str]:
        """Node captions in the graph view, once the force layout has come to rest."""
        script = ("return Array.from(arguments[0].querySelectorAll('svg g.node')).map("
                  "function (g) { return g.getAttribute('transform'); }).join(';')")
        self.wait(lambda d: self.find_all("svg g.node", frame), "graph drawing")
        last, deadline = None, time.monotonic() + 30
        while time.monotonic() < deadline:
            now = self.driver.execute_script(script, frame)
            if now == last:
                break
            last = now
            time.sleep(0.5)
        return self.driver.execute_script(
            "return Array.from(arguments[0].querySelectorAll('svg g.node')).map(function (g) {"
            " return Array.from(g.querySelectorAll('text')).map(function (t) { return t.textContent.trim(); })"
            ".join(' '); })", frame)

    def table_text(self, frame: Any) -> str:
        self.find("[data-testid=cypherFrameSidebarTable]", frame).click()
        self.wait(lambda d: self.find_all("table, [role=table]", frame), "table view")
        return frame.get_attribute("textContent")


@pytest.fixture(scope="module")
def neo_browser(chromium, demo_neo4j) -> NeoBrowser:
    """Neo4j Browser connected to the session's Neo4j (with the demo loaded)."""
    if demo_neo4j.http_url is None:
        if IN_CI:
            pytest.fail("NEO4J_URI is set but NEO4J_HTTP_URL is not: CI must say where Neo4j Browser is")
        pytest.skip("set NEO4J_HTTP_URL (e.g. http://127.0.0.1:7474) beside NEO4J_URI to run the Neo4j "
                    "Browser tests against your server, or unset NEO4J_URI to start a local one")
    browser = NeoBrowser(chromium)
    browser.connect(demo_neo4j.http_url.rstrip("/") + "/browser/", demo_neo4j.bolt_uri, demo_neo4j.password)
    return browser


@pytest.mark.neo4j
@pytest.mark.browser
def test_investigator_finds_nebesnaya_mekhanika_in_neo4j_browser(neo_browser, demo_neo4j):
    from graphkit.store.neo4j import Neo4jStore

    with Neo4jStore(demo_neo4j.bolt_uri, password=demo_neo4j.password) as store:
        expected = len(store.run("browser_find_links", name="Aspan Arba"))

    frame = neo_browser.run(":param name => 'Aspan Arba'")
    neo_browser.wait(lambda d: '"name": "Aspan Arba"' in frame.text, "parameter in the :param frame")

    # the file as it is, header comments included, as an investigator pastes it
    frame = neo_browser.cypher_result(neo_browser.run(get_query("browser_find_links").text))
    captions = neo_browser.graph_captions(frame)
    assert any("Aspan" in c and "Arba" in c for c in captions), captions  # the press record's caption
    assert any("Mikhail" in c for c in captions), captions  # the people between the firms
    ARTIFACTS.mkdir(exist_ok=True)
    neo_browser.driver.save_screenshot(str(ARTIFACTS / "neo4j-browser.png"))

    table = neo_browser.table_text(frame)
    assert NEBESNAYA in table and "Небесная механика" in table
    assert "shared_officer" in table and "shipment" in table
    assert f"Started streaming {expected} records" in table


@pytest.mark.neo4j
@pytest.mark.browser
def test_guide_plays_from_localhost_and_runs_find_links(neo_browser):
    neo_browser.run(":params {}")  # forget what the test before set
    with serve_guide() as url:
        neo_browser.enter(f":guide {url}")  # opens in the sidebar, not as a frame
        drawer = neo_browser.wait(lambda d: neo_browser.find_all("[data-testid=guidesDrawer]"), "guide drawer")[0]
        neo_browser.wait(lambda d: "graphkit query library" in drawer.text, "guide's first slide")
        neo_browser.click("[data-testid=guideNextSlide]", drawer, "the guide's next-slide button")
        blocks = neo_browser.wait(lambda d: neo_browser.find_all("pre.runnable", drawer), "runnable blocks")
        assert blocks[0].text.endswith(":param name => 'Aspan Arba'")
        # each block's ▶ icon runs it; the parameter first, then the query
        frame = neo_browser.new_frame_after(lambda: neo_browser.find("i", blocks[0]).click())
        neo_browser.wait(lambda d: "Successfully set your parameters" in frame.text, ":param confirmation")
        frame = neo_browser.new_frame_after(lambda: neo_browser.find("i", blocks[1]).click())
        frame = neo_browser.cypher_result(frame)
        assert NEBESNAYA in neo_browser.table_text(frame)


@pytest.mark.neo4j
def test_browser_query_starts_from_a_bare_registry_number_as_find_links_does(demo_neo4j):
    """A BIN typed without its scheme: find-links finds the firm by it, and so does the Browser
    query (the same start firms, the same linked firms as by name)."""
    from graphkit.link.links import find_links
    from graphkit.store.neo4j import Neo4jStore

    with Neo4jStore(demo_neo4j.bolt_uri, password=demo_neo4j.password) as store:
        by_name = store.run("browser_find_links", name="Aspan Arba")
        bins = sorted({x for r in by_name for x in store.run("entity_by_id", ids=[r["firm_id"]])[0]["registry_ids"] or []
                       if x.startswith("kz-bin:")})
        assert bins, "Aspan Arba has a BIN in the demo"
        number = bins[0].partition(":")[2]
        by_number = store.run("browser_find_links", name=number)
        assert {(r["kind"], r["firm_id"], r["linked_id"]) for r in by_number} == {
            (r["kind"], r["firm_id"], r["linked_id"]) for r in by_name}
        linked = {link.b.id for link in find_links(store, number)}
        assert linked and linked <= {r["linked_id"] for r in by_number} | {
            m for link in find_links(store, number) for m in link.b.members}
