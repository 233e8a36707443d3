"""The local Neo4j server (graphkit.server.neo4j_server): fetched by Maven, started in a workspace.

The lifecycle test needs Java 17/21 and Maven (or an already fetched home in the cache). Outside
CI it is skipped when they are missing; in CI (CI=true) it always runs, and fails if it cannot.
The first run fetches Neo4j into $GRAPHKIT_NEO4J_HOME or ~/.cache/graphkit/neo4j (about 15 s,
140 MB); after that the test takes about 15 s.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import urllib.request
from pathlib import Path

import pytest

from graphkit.errors import StoreError
from graphkit.server import neo4j_server as ns

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _free_ports(n: int) -> list[int]:
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _need_java_and_maven() -> None:
    if IN_CI:
        return
    has_java = bool(os.environ.get("JAVA_HOME") or shutil.which("java"))
    fetched = (ns.default_cache_dir() / f"neo4j-community-{ns.DEFAULT_VERSION}" / ".graphkit-complete").is_file()
    if not has_java or not (shutil.which("mvn") or fetched):
        pytest.skip("needs Java 17 and Maven to fetch and run Neo4j: apt-get install "
                    "openjdk-17-jre-headless maven (CI=true never skips this test)")


@pytest.mark.neo4j
@pytest.mark.slow
def test_start_status_second_start_browser_query_stop(tmp_path: Path, monkeypatch):
    _need_java_and_maven()
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    import neo4j

    ws = tmp_path / "ws"
    bolt_port, http_port = _free_ports(2)
    stopped = None
    try:
        info = ns.start(ws, bolt_port=bolt_port, http_port=http_port, timeout=120)
        assert info.running and info.pid
        assert info.bolt_uri == f"bolt://127.0.0.1:{bolt_port}"
        assert info.browser_url == f"http://127.0.0.1:{http_port}/browser/"

        now = ns.status(ws)
        assert now.running and now.pid == info.pid and now.bolt_uri == info.bolt_uri

        again = ns.start(ws, bolt_port=bolt_port, http_port=http_port)
        assert again.running and again.pid == info.pid

        with urllib.request.urlopen(info.browser_url, timeout=10) as resp:
            assert resp.status == 200
            assert b"<html" in resp.read(4096).lower()

        password = ns.password_for(ws)
        pw_file = ws / "neo4j" / "password"
        assert stat.S_IMODE(pw_file.stat().st_mode) == 0o600
        with neo4j.GraphDatabase.driver(info.bolt_uri, auth=("neo4j", password)) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one")
            assert records[0]["one"] == 1

        for path in (ws / "neo4j" / "logs").iterdir():  # the password never reaches a log
            assert password not in path.read_text(errors="replace"), path
        assert password not in (ws / "neo4j" / "conf" / "neo4j.conf").read_text()
    finally:
        stopped = ns.stop(ws)
    assert stopped is True
    after = ns.status(ws)
    assert not after.running and after.pid is None
    assert ns.stop(ws) is False


def test_never_started_workspace_is_stopped_and_has_no_password(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    info = ns.status(tmp_path)
    assert not info.running and info.pid is None
    assert info.bolt_uri == "bolt://127.0.0.1:7687" and info.http_url == "http://127.0.0.1:7474"
    assert ns.stop(tmp_path) is False
    with pytest.raises(StoreError, match="no Neo4j password"):
        ns.password_for(tmp_path)
    monkeypatch.setenv("NEO4J_PASSWORD", "from-the-environment")
    assert ns.password_for(tmp_path) == "from-the-environment"


def test_fetch_rejects_a_malformed_version_without_running_maven(tmp_path: Path):
    with pytest.raises(StoreError, match="not a Neo4j version"):
        ns.fetch(tmp_path, "5.26.30; rm -rf ~")


def test_fetch_without_maven_says_how_to_install_it(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ns.shutil, "which", lambda name: None)
    with pytest.raises(StoreError, match="Maven not found: install maven"):
        ns.fetch(tmp_path)
