"""Shared fixtures: a fresh embedded store per test, the real samples, and a CLI runner that
goes through graphkit's one error boundary (``graphkit.cli.main``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner

from graphkit.cli import main
from graphkit.store.embedded import EmbeddedStore

REPO = Path(__file__).resolve().parent.parent
REAL = REPO.parent / "shared" / "data" / "real"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def store(tmp_path: Path):
    with EmbeddedStore(tmp_path / "graph") as s:
        yield s


def _files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.is_dir() else set()


@pytest.fixture(scope="session", autouse=True)
def shared_samples_stay_untouched():
    """The real samples are others' files, read in place: no test may write beside them (a
    rejects file, say), even where the file system would let it."""
    before = _files_under(REAL)
    yield
    added = sorted(_files_under(REAL) - before)
    assert not added, f"tests wrote into {REAL}: {added}; pass rejects_dir (or --rejects-dir)"


@pytest.fixture(scope="session", autouse=True)
def load_journals_stay_in_the_test_run(tmp_path_factory):
    """Neo4j loads journal on the client (store/journal.py) under GRAPHKIT_STATE_DIR, else the
    user's ~/.local/state: tests keep theirs in the run's temporary folder."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GRAPHKIT_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    yield
    mp.undo()


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """The pids of the processes the test forks (a load's reading process, a resolution's firms
    process: ``graphkit/forked.py``)."""
    pids: list[int] = []
    fork = os.fork

    def counted_fork() -> int:
        pid = fork()
        if pid:
            pids.append(pid)
        return pid
    monkeypatch.setattr(os, "fork", counted_fork)
    return pids


@pytest.fixture
def real() -> Path:
    """The real samples in ../shared/data/real, read in place (never copied)."""
    return need_real()


def shipment_line(store: Any, record: str) -> dict[str, Any]:
    """The customs line whose records hold ``record`` ("dataset|file|record id"), as ``x``, with
    the firm on either side: ``seller``/``buyer`` (ids), their names, countries and numbers
    (``inn``), and the roles of SHIPPED (``a_role``) and SHIPPED_TO (``b_role``)."""
    rows = store._execute(
        "MATCH (s:Company)-[a:SHIPPED]->(x:Shipment)-[b:SHIPPED_TO]->(t:Company) "
        "WHERE list_contains(x.records, $rec) "
        "RETURN x AS x, s.id AS seller, s.name AS seller_name, s.country AS seller_country, s.inn AS seller_inn, "
        "a.role AS a_role, t.id AS buyer, t.name AS buyer_name, t.country AS buyer_country, t.inn AS buyer_inn, "
        "b.role AS b_role", {"rec": record})
    assert len(rows) == 1, rows
    return dict(rows[0])


def customs_loaded(tmp_path: Path, path: Path, mapping: str, lines: int) -> Any:
    """A new embedded graph at ``tmp_path / "g"`` (open) with the real customs file ``path``
    loaded by ``mapping``, every one of its ``lines`` loaded (rejects written beside it)."""
    from graphkit.load import load_files
    from graphkit.store.embedded import EmbeddedStore

    need_real()
    store = EmbeddedStore(tmp_path / "g")
    report = load_files(store, [path], mapping, rejects_dir=tmp_path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected, report.rows_skipped) == (lines, lines, 0, 0)
    return store


def need_real() -> Path:
    """``REAL``, or the test skips (outside CI, saying how to enable it) or fails (in CI)."""
    if not REAL.is_dir():
        if IN_CI:
            pytest.fail(f"{REAL} is missing: CI must have ../shared beside the checkout")
        pytest.skip(f"{REAL} not found: put the shared folder beside the checkout to run this test")
    return REAL


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path) -> Run:
    """Run ``graphkit ARGS`` in-process, as a user would, capturing output and exit code."""
    runner = CliRunner()
    code = 0
    with runner.isolation() as streams:
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = streams[0].getvalue().decode(), streams[1].getvalue().decode()
    return Run(code, out, err)


@pytest.fixture
def cli():
    return run_cli


# ---- Neo4j: a real server for the conformance suite ------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Neo4jServer(NamedTuple):
    bolt_uri: str
    password: str
    http_url: str | None  # where Neo4j Browser is served (http_url + "/browser/"); None if unknown


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """A Neo4jServer: $NEO4J_URI with $NEO4J_PASSWORD (and, for the Browser tests,
    $NEO4J_HTTP_URL) if set, else a local server started for this session (graphkit.server.neo4j_server,
    fetched from Maven Central). Outside CI, skipped without Java/Maven."""
    import secrets
    import shutil

    if os.environ.get("NEO4J_URI"):
        yield Neo4jServer(os.environ["NEO4J_URI"], os.environ.get("NEO4J_PASSWORD", ""),
                          os.environ.get("NEO4J_HTTP_URL") or None)
        return
    from graphkit.server import neo4j_server as ns

    fetched = (ns.default_cache_dir() / f"neo4j-community-{ns.DEFAULT_VERSION}" / ".graphkit-complete").is_file()
    if not IN_CI and not (shutil.which("java") and (shutil.which("mvn") or fetched)):
        pytest.skip("Neo4j tests need Java 17 and Maven (apt-get install openjdk-17-jre-headless maven) "
                    "or NEO4J_URI and NEO4J_PASSWORD pointing at a Neo4j 5; CI=true never skips them")
    workspace = tmp_path_factory.mktemp("neo4j")
    # a password as awkward as a user's may be: a leading "-" (an option to neo4j-admin unless
    # ended by "--"), quotes, a backslash and a space; the random part keeps it secret
    password = '-"q\\ ' + secrets.token_urlsafe(16)
    info = ns.start(workspace, bolt_port=_free_port(), http_port=_free_port(), password=password)
    try:
        yield Neo4jServer(info.bolt_uri, password, info.http_url)
    finally:
        ns.stop(workspace)


def _clear(store) -> None:
    store._execute("MATCH (n) DETACH DELETE n")


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def any_store(request, tmp_path):
    """The same test on both stores: the embedded graph and a real Neo4j (emptied first)."""
    if request.param == "embedded":
        with EmbeddedStore(tmp_path / "graph") as s:
            yield s
        return
    from graphkit.store.neo4j import Neo4jStore

    server = request.getfixturevalue("neo4j_server")
    with Neo4jStore(server.bolt_uri, password=server.password) as s:
        _clear(s)
        yield s


@pytest.fixture
def free_port():
    """A function returning a TCP port free on 127.0.0.1."""
    return _free_port


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo case (graphkit.demo) in an embedded store, one per test module."""
    from graphkit.demo import load_demo

    store = EmbeddedStore(tmp_path_factory.mktemp("demo") / "graph")
    load_demo(store)
    yield store
    store.close()
