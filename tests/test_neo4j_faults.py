"""Neo4j faults, each with a clear message: wrong password, server down, and a server killed in
the middle of a push (rerun completes with exactly the counts of an uninterrupted one)."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import threading
import time
from pathlib import Path

import pytest

from graphkit.errors import GraphkitError, StoreError
from graphkit.load import load_files
from graphkit.store.copy import copy_store
from graphkit.store.embedded import EmbeddedStore
from graphkit.store.neo4j import Neo4jStore

pytestmark = pytest.mark.neo4j


def test_wrong_password_is_one_clear_line(neo4j_server, cli, monkeypatch):
    uri = neo4j_server.bolt_uri
    with pytest.raises(StoreError, match="refused the credentials of user 'neo4j'"):
        Neo4jStore(uri, password="not-the-password").counts()
    monkeypatch.setenv("NEO4J_PASSWORD", "not-the-password")
    r = cli("stats", "--neo4j", uri)
    assert r.code == 1 and r.err.count("\n") == 1 and "refused the credentials" in r.err
    assert "not-the-password" not in r.err + r.out  # credentials are never printed


def test_server_down_is_one_clear_line(cli, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "whatever")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    with pytest.raises(StoreError, match=f"cannot reach Neo4j at bolt://127.0.0.1:{port}"):
        Neo4jStore(f"bolt://127.0.0.1:{port}", password="x").counts()
    r = cli("find-links", "Aspan Arba", "--neo4j", f"bolt://127.0.0.1:{port}")
    assert r.code == 1 and r.err.count("\n") == 1 and "cannot reach Neo4j" in r.err and "Traceback" not in r.err


def test_a_push_killed_midway_completes_exactly_on_rerun(real, tmp_path: Path, free_port):
    from graphkit.server import neo4j_server as ns

    source = EmbeddedStore(tmp_path / "src")
    load_files(source, [real / "ftm_kek_media_ownership" / "kek_company_ownership.ftm.jsonl"], "ftm", dataset="kek",
               rejects_dir=tmp_path / "rejects")
    expected = source.counts()
    workspace, password = tmp_path / "neo", secrets.token_urlsafe(12)
    bolt, http = free_port(), free_port()
    info = ns.start(workspace, bolt_port=bolt, http_port=http, password=password)
    try:
        errors: list[BaseException] = []

        def push() -> None:
            try:
                with Neo4jStore(info.bolt_uri, password=password) as target:
                    copy_store(source, target, batch=100)
            except BaseException as exc:  # noqa: BLE001 - the thread reports what stopped it
                errors.append(exc)

        worker = threading.Thread(target=push)
        worker.start()
        watcher = Neo4jStore(info.bolt_uri, password=password)
        deadline = time.time() + 120
        while time.time() < deadline:  # wait until part of the push has landed
            if watcher._execute("MATCH (n) RETURN count(n) AS n")[0]["n"] > 500:
                break
            time.sleep(0.2)
        watcher.close()
        assert info.pid is not None
        os.kill(info.pid, signal.SIGKILL)  # the server dies mid-push
        worker.join(timeout=120)
        assert errors and isinstance(errors[0], GraphkitError), errors  # the driver's error, wrapped
        partial_ok = True
        ns.stop(workspace)
        info = ns.start(workspace, bolt_port=bolt, http_port=http, password=password)
        with Neo4jStore(info.bolt_uri, password=password) as target:
            partial = target.counts()
            partial_ok = partial.nodes["Company"] < expected.nodes["Company"] or \
                partial.relationships["OWNS"] < expected.relationships["OWNS"]
            copy_store(source, target, batch=100)
            final = target.counts()
        assert partial_ok, "the kill came after the push had finished; nothing was tested"
        assert final.nodes == expected.nodes
        assert final.relationships == expected.relationships
    finally:
        ns.stop(workspace)
        source.close()
